"""Neo blocks of what one recording device recorded, over the window it recorded.

:meth:`SpikeEvents.to_neo` and :meth:`Traces.to_neo` know only their rows; a device
or a run result also knows the time it recorded (its window, clipped to the time
simulated in each segment), every neuron it recorded (silent ones too), the sampling
period of a multimeter and the units of the models' recordables.  This module turns
that knowledge into a ``neo.Block``: one ``Segment`` per segment (chunk) with
``t_start``/``t_stop`` (ms) the recorded window ``(t_start, t_stop]``, so rates
computed from it (e.g. Elephant's ``mean_firing_rate``) are spikes per recorded
time.  Every SpikeTrain and signal is linked to its ``Segment`` (``.segment``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from spikesim.data.checks import TIME_TOL
from spikesim.data.columnar import times_ms
from spikesim.data.neo import new_block, require_neo, signals, spike_train_list
from spikesim.data.traces import Traces

__all__ = ["RecorderInfo", "NodeLookup", "recorder_block", "clip_window"]


class NodeLookup(Protocol):
    """What the export needs to annotate a node with its population."""

    def population_of(self, node_id: int) -> Any:
        """The population holding ``node_id`` (with ``label`` and ``model_name``)."""


@dataclass
class RecorderInfo:
    """What a recording device tells the Neo export about itself.

    Attributes
    ----------
    ids : np.ndarray
        The recorded nodes (int64, ascending), silent ones included.
    sampler : bool
        True for a multimeter or voltmeter, False for a spike recorder.
    resolution : float
        The simulation time step (ms); the spike trains' sampling period.
    interval : float or None
        A sampler's sampling interval (ms).
    units : dict of str to str
        Unit of every recorded variable (``V_m`` -> ``mV``).
    annotations : dict
        Provenance copied onto the block (label, seed, resolution, recorder ...).
    """

    ids: np.ndarray
    sampler: bool
    resolution: float
    interval: float | None = None
    units: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, Any] = field(default_factory=dict)


def clip_window(window: tuple[float, float], span: tuple[float, float]) -> tuple[float, float]:
    """The recording window ``(lo, hi]`` (ms) clipped to the simulated ``span`` (ms).

    An empty intersection gives a zero-length window at its start.
    """
    lo, hi = max(window[0], span[0]), min(window[1], span[1])
    return (lo, max(lo, hi))


def _node_annotations(ids: np.ndarray, nodes: NodeLookup | None) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for i in ids.tolist():
        ann: dict[str, Any] = {"source_id": int(i)}
        if nodes is not None:
            pop = nodes.population_of(int(i))
            ann["population"] = str(pop.label or "")
            ann["model"] = str(pop.model_name)
        out[int(i)] = ann
    return out


def recorder_block(info: RecorderInfo, parts: Mapping[int, Mapping[str, np.ndarray]],
                   windows: Mapping[int, tuple[float, float]], nodes: NodeLookup | None = None) -> Any:
    """A ``neo.Block`` of one device's records, one ``Segment`` per entry of ``windows``.

    Parameters
    ----------
    info : RecorderInfo
        The device's recorded nodes, kind, resolution (ms), interval (ms) and units.
    parts : dict of int to events dict
        Segment index -> the device's events of that segment (times in ms, or steps
        with ``offsets``); missing segments recorded nothing.
    windows : dict of int to (float, float)
        Segment index -> the recorded window ``(t_start, t_stop]`` in ms.
    nodes : NodeLookup, optional
        Annotates every train with its node's ``population`` label and ``model``.

    Returns
    -------
    neo.Block
        Spike recorders: one SpikeTrain per recorded node in every segment, with
        ``t_start``/``t_stop`` the segment's window, ``sampling_rate`` 1 / resolution
        and the annotations ``source_id``, ``population``, ``model``.  Samplers: one
        signal per variable (an ``AnalogSignal`` with ``sampling_period`` = interval
        where the samples are regular), in the variable's unit.

    Raises
    ------
    ImportError
        Neo is not installed.
    """
    neo = require_neo("to_neo")
    block = new_block(neo, info.annotations, sorted(windows))
    per_node = _node_annotations(info.ids, nodes)
    for nseg in block.segments:
        s = int(nseg.index)
        t0, t1 = windows[s]
        nseg.annotate(t_start_ms=float(t0), t_stop_ms=float(t1))
        ev = parts.get(s)
        if info.sampler:
            if ev is not None and len(ev["senders"]):
                _add_signals(neo, nseg, info, Traces.from_events(
                    ev, s, info.resolution, {k: v for k, v in info.units.items() if k in ev}))
            continue
        senders = np.zeros(0, np.int64) if ev is None else np.asarray(ev["senders"])
        times = np.zeros(0) if ev is None else times_ms("to_neo", ev, info.resolution)
        nseg.spiketrains.extend(spike_train_list(neo, senders, times, info.ids, t0, t1,
                                                 info.resolution, per_node))
    return block


def _add_signals(neo: Any, nseg: Any, info: RecorderInfo, tr: Traces) -> None:
    """One signal per variable of ``tr`` into ``nseg``, on the device's sampling grid."""
    import quantities as pq
    for name in tr.variables:
        per = {i: t for i, t in tr.per_neuron(name, info.ids).items() if t.times.size}
        if not per:
            continue
        first = next(iter(per.values())).times
        same = len(per) == info.ids.size and all(np.array_equal(t.times, first) for t in per.values())
        iv = info.interval
        if same and iv and np.allclose(np.diff(first), iv, rtol=0, atol=TIME_TOL):
            matrix = np.column_stack([t.values for t in per.values()])
            sigs = [neo.AnalogSignal(matrix, units=tr.units[name], t_start=first[0] * pq.ms,
                                     sampling_period=iv * pq.ms, name=name,
                                     array_annotations={"source_id": np.fromiter(per, np.int64)})]
        else:
            sigs = signals(neo, name, tr.units[name], per)
        for sig in sigs:
            if isinstance(sig, neo.AnalogSignal):
                nseg.analogsignals.append(sig)
            else:
                nseg.irregularlysampledsignals.append(sig)
