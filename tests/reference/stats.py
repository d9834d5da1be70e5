"""The statistical measures of the NEST reference cases (tests/data/nest/README.md)."""

from __future__ import annotations

from typing import Any

import numpy as np

import spikesim

from . import cases


def _events(sim: spikesim.Simulator, recorders: list[str]) -> tuple[np.ndarray, np.ndarray]:
    s, t = [], []
    for r in recorders:
        ev = sim.nodes(r).get("events")[0]
        s.append(ev["senders"])
        t.append(ev["times"])
    return np.concatenate(s), np.concatenate(t)


def measure(sim: spikesim.Simulator, spec: dict[str, Any], t_end: float) -> float:
    recs = spec.get("recorders") or [spec["recorder"]]
    senders, times = _events(sim, recs)
    t0 = spec.get("t_start", 0.0)
    t1 = spec.get("t_stop", t_end)
    keep = (times > t0) & (times <= t1)
    senders, times = senders[keep], times[keep]
    kind = spec["kind"]
    if kind == "spike_count":
        return float(senders.size)
    pops = spec["population"] if isinstance(spec["population"], list) else [spec["population"]]
    ids = np.concatenate([sim.nodes(p).ids for p in pops])
    if kind == "mean_rate":
        return senders.size / ids.size / ((t1 - t0) / 1000.0)
    counts = np.array([np.count_nonzero(senders == i) for i in ids]) if ids.size < 200 else \
        np.bincount(senders, minlength=ids.max() + 1)[ids]
    if kind == "count_fano":
        return float(np.var(counts, ddof=1) / np.mean(counts))
    if kind == "cv_isi_mean":
        order = np.lexsort((times, senders))
        s, t = senders[order], times[order]
        cvs = []
        starts = np.searchsorted(s, ids)
        ends = np.searchsorted(s, ids, side="right")
        for a, b in zip(starts, ends, strict=True):
            if b - a >= spec["min_spikes"]:
                isi = np.diff(t[a:b])
                cvs.append(isi.std() / isi.mean())
        return float(np.mean(cvs))
    raise ValueError(f"unknown measure {kind}")


def run_seeds(name: str) -> tuple[dict[str, Any], dict[str, list[float]]]:
    case = cases.load(name)
    out: dict[str, list[float]] = {}
    for seed in case["expected"]["seeds"]:
        sim, _ = cases.run(case, seed=seed)
        t_end = sum(case["simulate"])
        for spec in case["statistics"]["measures"]:
            out.setdefault(spec["name"], []).append(measure(sim, spec, t_end))
    return case, out
