"""Recording device models: their parameters and how they are connected.

These are descriptions, as the neuron models are; the recording itself (windows,
batches, backends) lives in :mod:`spikesim.recording`.  Time parameters are in ms:
the window is ``(origin + start, origin + stop]``; a sampler samples at
``offset + k * interval`` (``t > 0``).  Schedules (``schedule``, ``period``,
``duty``) and reductions (``reduce``, ``average``, ``bin``) are described in
:mod:`spikesim.recording.schedules` and :mod:`spikesim.recording.reductions`.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from spikesim.models.base import Model


class RecorderModel(Model):
    """Parameters common to all recording devices."""

    kind = "recorder"
    receives = "record"
    params: ClassVar[dict[str, Any]] = {
        "start": 0.0, "stop": math.inf, "origin": 0.0, "label": "", "record_to": "memory",
        "time_in_steps": False, "n_events": 0, "schedule": (), "period": 0.0, "duty": 1.0,
    }
    #: whether the device samples state variables (multimeter, voltmeter)
    sampler: ClassVar[bool] = False
    #: whether its events are synapse transmissions (weight_recorder)
    transmissions: ClassVar[bool] = False


class SpikeRecorderModel(RecorderModel):
    """``spike_recorder``: the spikes of the nodes connected to it."""

    name = "spike_recorder"
    params: ClassVar[dict[str, Any]] = {**RecorderModel.params, "reduce": "", "bin": 1.0}


class MultimeterModel(RecorderModel):
    """``multimeter``: state variables (``record_from``) of the neurons it is connected to."""

    name = "multimeter"
    sampler = True
    sends = "samples"
    receives = "sampling"
    params: ClassVar[dict[str, Any]] = {**RecorderModel.params, "interval": 1.0, "offset": 0.0,
                                        "record_from": (), "average": False, "reduce": ""}


class VoltmeterModel(MultimeterModel):
    """``voltmeter``: a multimeter recording ``V_m``."""

    name = "voltmeter"
    params: ClassVar[dict[str, Any]] = {**MultimeterModel.params, "record_from": ("V_m",)}


class WeightRecorderModel(RecorderModel):
    """``weight_recorder``: transmissions of the plastic synapses it is attached to."""

    name = "weight_recorder"
    transmissions = True
    params: ClassVar[dict[str, Any]] = {**RecorderModel.params, "senders": (), "targets": ()}
