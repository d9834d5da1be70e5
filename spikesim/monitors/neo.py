"""Monitors' recordings as a Neo block: one Segment per chunk.

A chunk's Segment spans the chunk's recording periods: ``t_start`` is the start of
its first period and ``t_stop`` the end of its last (ms), and the periods themselves
are annotated as ``recording_periods`` (pairs of ms), because a paused monitor records
nothing in between (rates over a chunk with pauses divide by the periods' total
length).  Every neuron of a compartment gets a SpikeTrain (silent ones too), annotated
with its node id (``source_id``) and population; sampled variables become one
AnalogSignal per period with the compartment's period as ``sampling_period`` and the
unit of the model's recordable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from spikesim.data.neo import new_block, require_neo, signals, spike_train_list
from spikesim.data.traces import Trace

#: one compartment's recording periods of one chunk: (first step, last step] pairs
Spans = Mapping[str, Sequence[tuple[int, int]]]


def chunks_block(recordings: Sequence[Mapping[str, Any]], spans: Sequence[Spans],
                 compartments: Mapping[str, tuple[np.ndarray, str, int]], h: float,
                 annotations: Mapping[str, Any]) -> Any:
    """A ``neo.Block`` of Monitors' chunks.

    Parameters
    ----------
    recordings : sequence of dict
        ``Monitors.get_recordings()``: per chunk, ``"pop;var"`` arrays (samples x
        neurons) and ``"pop;spike"`` dicts (neuron rank -> spike steps, stamp - 1).
    spans : sequence of mapping
        Per chunk, per compartment, its recording periods as ``(a, b]`` in steps.
    compartments : mapping
        Compartment name -> (node ids, model name, sampling period in steps).
    h : float
        The resolution (ms).
    annotations : mapping
        Provenance for the block (seed, resolution ...).

    Raises
    ------
    ImportError
        If Neo is not installed.
    """
    neo = require_neo("Monitors.to_neo")
    block = new_block(neo, annotations, range(len(recordings)))
    for seg, rec, chunk_spans in zip(block.segments, recordings, spans, strict=True):
        periods = sorted(p for ps in chunk_spans.values() for p in ps)
        seg.annotate(t_start_ms=periods[0][0] * h, t_stop_ms=periods[-1][1] * h,
                     recording_periods=[(a * h, b * h) for a, b in periods])
        for name, (ids, model, period) in compartments.items():
            _add_compartment(neo, seg, rec, name, ids, model, period, chunk_spans.get(name, ()), h)
    return block


def _add_compartment(neo: Any, seg: Any, rec: Mapping[str, Any], name: str, ids: np.ndarray, model: str,
                     period: int, spans: Sequence[tuple[int, int]], h: float) -> None:
    """The spike trains and signals of one compartment in one chunk's Segment."""
    if not spans:
        return
    ann = {int(i): {"population": name, "model": model} for i in ids}
    t0, t1 = spans[0][0] * h, spans[-1][1] * h
    if f"{name};spike" in rec:
        per = rec[f"{name};spike"]
        senders = np.concatenate([np.full(len(per[r]), ids[r], dtype=np.int64) for r in range(ids.size)])
        times = np.concatenate([(np.asarray(per[r], dtype=np.float64) + 1.0) * h for r in range(ids.size)])
        seg.spiketrains.extend(spike_train_list(neo, senders, times, ids, t0, t1, h, ann))
    units = rec.get("units", {})
    for key, values in rec.items():
        if not key.startswith(f"{name};") or key.endswith((";spike", ";period", ";parameter_dict")):
            continue
        _add_signals(neo, seg, key, np.asarray(values, dtype=float), ids, period, spans, h, units.get(key, ""))


def _add_signals(neo: Any, seg: Any, key: str, values: np.ndarray, ids: np.ndarray, period: int,
                 spans: Sequence[tuple[int, int]], h: float, unit: str) -> None:
    """One signal per recording period, its samples labelled as Monitors label them (the
    multiples of ``period`` from the period's start, up to before its end)."""
    row = 0
    for a, b in spans:
        first = -(-a // period) * period
        last = (-(-b // period) - 1) * period
        k = (last - first) // period + 1 if last >= first else 0
        if k <= 0:
            continue
        times = (first + period * np.arange(k)) * h
        block = values[row:row + k]
        row += k
        per = {int(i): Trace(times, block[:, j]) for j, i in enumerate(ids)}
        for sig in signals(neo, key, unit or "dimensionless", per):
            if isinstance(sig, neo.AnalogSignal):
                seg.analogsignals.append(sig)
            else:
                seg.irregularlysampledsignals.append(sig)
