"""Conversion between spikesim's columnar events and Neo blocks.

The helpers behind :meth:`SpikeEvents.to_neo`, :meth:`Traces.to_neo` and their
``from_neo``.  Neo (and ``quantities``) are optional: they are imported when a
conversion runs, never at import time.  Times on the Neo side are in ms, as
spikesim's; one ``neo.Segment`` stands for one segment index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import numpy as np

from spikesim._optional import require
from spikesim.data.checks import TIME_TOL, bad_parameter
from spikesim.data.trains import spike_trains

__all__ = ["require_neo", "new_block", "annotations_from_neo", "spike_train_list", "spike_columns",
           "trace_rows", "merge_rows", "Samples", "signals", "TraceRows"]

#: one variable's samples per Neo signal: (segment, times, senders, values), flat
TraceRows = dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]]


class Samples(Protocol):
    """One neuron's samples of one variable (what :class:`spikesim.data.traces.Trace` is)."""

    @property
    def times(self) -> np.ndarray:
        """Sample times (ms), ascending."""

    @property
    def values(self) -> np.ndarray:
        """The samples, in the variable's unit."""


def require_neo(owner: str) -> Any:
    """The ``neo`` module.

    Raises
    ------
    ImportError
        Neo is not installed; the message names ``owner`` and how to install it.
    """
    return require("neo", feature=owner)


def new_block(neo: Any, annotations: Mapping[str, Any], segments: Iterable[int]) -> Any:
    """An empty ``neo.Block`` with one ``Segment`` per segment index.

    The block is named by the ``label`` annotation and annotated with
    ``simulator="spikesim"``, ``spikesim_version`` and the other ``annotations``;
    each segment carries its index as ``index`` and as the ``segment`` annotation.
    """
    from spikesim._version import __version__
    ann = {k: v for k, v in annotations.items() if k not in ("name", "label", "simulator")}
    ann["spikesim_version"] = __version__
    block = neo.Block(name=str(annotations.get("label", "")) or None, simulator="spikesim", **ann)
    for s in segments:
        block.segments.append(neo.Segment(name=f"segment {s}", index=s, segment=s))
    return block


def annotations_from_neo(block: Any) -> dict[str, Any]:
    """The annotations :func:`new_block` stored, without the ones it adds itself."""
    ann = {k: v for k, v in block.annotations.items() if k not in ("simulator", "spikesim_version")}
    if block.name:
        ann["label"] = block.name
    return ann


def _segment_index(seg: Any, k: int) -> int:
    """A segment's index; the position ``k`` in the block when Neo has none."""
    return int(seg.index) if seg.index is not None else k


def spike_train_list(neo: Any, senders: np.ndarray, times: np.ndarray, ids: np.ndarray,
                     t_start: float, t_stop: float, sampling_period: float | None = None,
                     annotations: Mapping[int, Mapping[str, Any]] | None = None) -> list[Any]:
    """One SpikeTrain per id (in the order of ``ids``) from columnar events.

    ``times``, ``t_start``, ``t_stop`` and ``sampling_period`` (the resolution) are in
    ms; events outside ``(t_start, t_stop]`` are left out.
    Every train is annotated with its node id as ``source_id``, plus
    ``annotations[id]`` when given; without ``sampling_period`` Neo's default applies.
    Add the trains with ``segment.spiketrains.extend`` so they link to their segment.
    """
    import quantities as pq
    extra: dict[str, Any] = {}
    if sampling_period:
        extra["sampling_rate"] = (1.0 / sampling_period) / pq.ms
    keep = (times > t_start) & (times <= t_stop)
    out = []
    for i, t in spike_trains(senders[keep], times[keep], ids).items():
        ann = dict(annotations.get(i, {})) if annotations is not None else {}
        ann["source_id"] = i
        out.append(neo.SpikeTrain(t * pq.ms, t_start=t_start * pq.ms, t_stop=t_stop * pq.ms, **extra, **ann))
    return out


def spike_columns(block: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, set[int]]:
    """``senders``, ``times`` (ms), ``segment`` columns and the segment indices of a block.

    Senders come from each train's ``source_id`` annotation (else ``channel_id``,
    else its position); events are ordered by segment, time, then sender.
    """
    senders, times, segs, declared = [], [], [], set()
    for k, seg in enumerate(block.segments):
        s_idx = _segment_index(seg, k)
        declared.add(s_idx)
        for j, st in enumerate(seg.spiketrains):
            sid = st.annotations.get("source_id", st.annotations.get("channel_id", j))
            t = np.asarray(st.times.rescale("ms").magnitude, dtype=np.float64)
            senders.append(np.full(t.size, int(sid), dtype=np.int64))
            times.append(t)
            segs.append(np.full(t.size, s_idx, dtype=np.int64))
    s = np.concatenate(senders) if senders else np.zeros(0, dtype=np.int64)
    t = np.concatenate(times) if times else np.zeros(0)
    g = np.concatenate(segs) if segs else np.zeros(0, dtype=np.int64)
    order = np.lexsort((s, t, g))
    return s[order], t[order], g[order], declared


def trace_rows(block: Any) -> tuple[TraceRows, dict[str, str], set[int]]:
    """The samples of every signal of a block, their units and the segment indices.

    Channels are identified by the ``source_id`` array annotation (else their
    position); times are read from Neo's sample grid in ms.
    """
    rows: TraceRows = {}
    units: dict[str, str] = {}
    declared = set()
    for k, seg in enumerate(block.segments):
        s_idx = _segment_index(seg, k)
        declared.add(s_idx)
        for sig in list(seg.analogsignals) + list(seg.irregularlysampledsignals):
            t = np.asarray(sig.times.rescale("ms").magnitude, dtype=np.float64)
            ids = np.asarray(sig.array_annotations.get("source_id", np.arange(sig.shape[1])))
            v = np.asarray(sig.magnitude, dtype=np.float64)
            units[sig.name] = sig.units.dimensionality.string
            rows.setdefault(sig.name, []).append((
                np.full(v.size, s_idx, dtype=np.int64), np.repeat(t, ids.size),
                np.tile(ids.astype(np.int64), t.size), v.reshape(-1)))
    return rows, units, declared


def merge_rows(rows: TraceRows) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """``segment``, ``times`` (ms), ``senders`` and one column per variable from :func:`trace_rows`.

    Rows are ordered by segment, time, then sender.

    Raises
    ------
    BadParameter
        The variables are not sampled at the same times and senders.
    """
    keys: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    values: dict[str, np.ndarray] = {}
    for name, parts in rows.items():
        g, t, s, v = (np.concatenate(c) for c in zip(*parts, strict=True))
        order = np.lexsort((s, t, g))
        g, t, s = g[order], t[order], s[order]
        if keys is None:
            keys = (g, t, s)
        elif not (np.array_equal(keys[0], g) and np.array_equal(keys[2], s)
                  and np.allclose(keys[1], t, rtol=0, atol=TIME_TOL)):
            raise bad_parameter("Traces.from_neo", "block", f"signal {name!r}",
                                "every variable must be sampled at the same times and senders")
        values[name] = v[order]
    if keys is None:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64), values
    return keys[0], keys[1], keys[2], values


def signals(neo: Any, name: str, unit: str, per: Mapping[int, Samples]) -> list[Any]:
    """Neo signals of one variable in one segment.

    ``per`` maps node id to its samples (times in ms). When every sender is sampled
    at the same, evenly spaced times the result is one ``AnalogSignal`` of shape
    ``(samples, senders)``; at shared but uneven times one
    ``IrregularlySampledSignal``; otherwise one ``IrregularlySampledSignal`` per
    sender.  Signals carry the array annotation ``source_id`` (node id per channel).
    """
    import quantities as pq
    if not per:
        return []
    ids = np.fromiter(per, dtype=np.int64)
    first = next(iter(per.values())).times
    if all(tr.times.shape == first.shape and np.array_equal(tr.times, first) for tr in per.values()):
        matrix = np.column_stack([tr.values for tr in per.values()])
        ann = {"source_id": ids}
        step = (first[-1] - first[0]) / (first.size - 1) if first.size > 1 else 0.0
        if step > 0 and np.allclose(np.diff(first), step, rtol=0, atol=TIME_TOL):
            return [neo.AnalogSignal(matrix, units=unit, t_start=first[0] * pq.ms,
                                     sampling_period=step * pq.ms, name=name, array_annotations=ann)]
        return [neo.IrregularlySampledSignal(first * pq.ms, matrix, units=unit, name=name,
                                             array_annotations=ann)]
    return [neo.IrregularlySampledSignal(tr.times * pq.ms, tr.values[:, None], units=unit, name=name,
                                         array_annotations={"source_id": np.array([i])})
            for i, tr in per.items()]
