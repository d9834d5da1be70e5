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


class DetectorModel(RecorderModel):
    """A recorder that takes spikes with their connection's weight and receptor port
    (``correlation_detector``, ``correlomatrix_detector``, ``spin_detector``)."""

    #: whether it keeps histograms as status entries instead of writing events to a backend
    histograms: ClassVar[bool] = False


class CorrelationDetectorModel(DetectorModel):
    """``correlation_detector``: the cross-correlation histogram of the spikes arriving on
    receptor ports 0 and 1.

    ``delta_tau`` (ms, an odd or even multiple of the resolution) is the bin width,
    ``tau_max`` (ms, a multiple of ``delta_tau``) the largest lag; ``Tstart``/``Tstop``
    (ms, absolute) the stamps ``[Tstart, Tstop]`` whose spikes are counted.  Status
    entries: ``histogram`` (sum of weight products), ``histogram_correction`` (its Kahan
    compensation), ``count_histogram`` (pairs), ``n_events`` (spikes per port).
    """

    name = "correlation_detector"
    histograms = True
    receptor_types: ClassVar[dict[str, int]] = {"receptor_0": 0, "receptor_1": 1}
    params: ClassVar[dict[str, Any]] = {**RecorderModel.params, "delta_tau": 0.5, "tau_max": 5.0,
                                        "Tstart": 0.0, "Tstop": math.inf}


class CorrelomatrixDetectorModel(DetectorModel):
    """``correlomatrix_detector``: the covariance matrices of the spikes arriving on
    receptor ports ``0 .. N_channels - 1``, lags ``0 .. tau_max`` (ms) in bins of
    ``delta_tau`` (ms, an odd multiple of the resolution); status entries ``covariance``
    and ``count_covariance`` (shape ``(N_channels, N_channels, 1 + tau_max / delta_tau)``)
    and ``n_events`` (spikes per channel in ``[Tstart, Tstop]``, ms)."""

    name = "correlomatrix_detector"
    histograms = True
    #: receptor ports accepted at connect (the int8 receptor column's range); that they
    #: are below N_channels is checked when a simulation starts
    receptor_types: ClassVar[dict[str, int]] = {f"receptor_{i}": i for i in range(128)}
    params: ClassVar[dict[str, Any]] = {**RecorderModel.params, "delta_tau": 0.5, "tau_max": 5.0,
                                        "Tstart": 0.0, "Tstop": math.inf, "N_channels": 1}


class SpinDetectorModel(DetectorModel):
    """``spin_detector``: decodes the up/down transitions of binary neurons from spike
    multiplicity (one spike: down, state 0; two at once: up, state 1); events
    ``senders``, ``times`` (the spike's stamp, ms) and ``state``."""

    name = "spin_detector"
