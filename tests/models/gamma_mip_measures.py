"""Statistics of spike trains shared by the gamma_sup/mip reference tool (run with NEST's
Python) and the tests (run on spikesim): plain numpy, so both import it.

Each measure takes the recorded ``senders`` and ``times`` (ms) of one recorder, the node ids of the
population and a spec dict (``kind``, optional ``t_start``/``t_stop`` in ms, ...).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _trains(senders: np.ndarray, times: np.ndarray, ids: np.ndarray) -> list[np.ndarray]:
    return [np.sort(times[senders == i]) for i in ids]


def _binned(trains: list[np.ndarray], t0: float, t1: float, width: float) -> np.ndarray:
    edges = np.arange(t0, t1 + width / 2, width)
    # spikes at t count in the bin (a, b] they fall in, as the windows of the rates
    return np.array([np.histogram(-t, bins=-edges[::-1])[0][::-1] for t in trains], dtype=float)


def measure(spec: dict[str, Any], senders: np.ndarray, times: np.ndarray, ids: np.ndarray, t_end: float) -> float:
    """The value of one measure.

    Kinds: ``mean_rate`` (spikes/s per node), ``count_fano`` (variance / mean of the
    nodes' counts, ddof 1), ``cv_isi_mean`` (mean CV of ISIs of nodes with at least
    ``min_spikes`` spikes), ``coincidence_rate`` (spikes/s at the same time in two
    nodes, averaged over the pairs of the first ``n_pairs_nodes`` nodes) and
    ``count_corr`` (Pearson correlation of counts in bins of ``bin`` ms, averaged over
    the same pairs).
    """
    t0, t1 = spec.get("t_start", 0.0), spec.get("t_stop", t_end)
    keep = (times > t0) & (times <= t1) & np.isin(senders, ids)
    senders, times = np.asarray(senders)[keep], np.asarray(times)[keep]
    kind = spec["kind"]
    if kind == "mean_rate":
        return float(senders.size / ids.size / ((t1 - t0) / 1000.0))
    if kind == "count_fano":
        counts = np.array([np.count_nonzero(senders == i) for i in ids], dtype=float)
        return float(np.var(counts, ddof=1) / np.mean(counts))
    if kind == "cv_isi_mean":
        trains = [t for t in _trains(senders, times, ids) if t.size >= spec["min_spikes"]]
        cvs = [np.diff(t).std() / np.diff(t).mean() for t in trains]
        return float(np.mean(cvs))
    sub = ids[:spec["n_pairs_nodes"]]
    pairs = [(a, b) for a in range(sub.size) for b in range(a + 1, sub.size)]
    if kind == "coincidence_rate":
        steps = [np.round(t * 10000.0).astype(np.int64) for t in _trains(senders, times, sub)]
        hits = [np.intersect1d(steps[a], steps[b]).size for a, b in pairs]
        return float(np.mean(hits) / ((t1 - t0) / 1000.0))
    if kind == "count_corr":
        c = _binned(_trains(senders, times, sub), t0, t1, spec["bin"])
        r = np.corrcoef(c)
        return float(np.mean([r[a, b] for a, b in pairs]))
    raise ValueError(f"unknown measure kind {kind!r}")


def distinct_times(senders: np.ndarray, times: np.ndarray, ids: np.ndarray) -> list[list[float]]:
    """Per node: the distinct spike times (ms), for the window edge cases."""
    return [np.unique(np.asarray(times)[np.asarray(senders) == i]).tolist() for i in ids]
