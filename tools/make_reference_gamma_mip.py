"""Make the NEST 3.10 reference cases of gamma_sup_generator and mip_generator.

Run with NEST's own Python (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_gamma_mip.py [OUT_DIR]

``OUT_DIR`` defaults to ``tests/data/nest/cases``.  Two cases, in the format of
``tests/data/nest/README.md`` (NEST is run by ``run_nest`` of
``tools/make_reference_models2.py``; each case is run twice and must agree):

* ``gamma_mip_generators_stat``: parrots relaying gamma_sup and mip generators over 20
  seeds; per seed the measures of ``tests/models/gamma_mip_measures.py`` (rates overall
  and in windows, Fano factor of counts, CV of ISIs, and for mip the coincidences and
  count correlation of pairs of targets); stored: each measure's values, mean and
  std (ddof 1).  Its ``compare.kind`` is ``statistical_gamma_mip`` because two of
  its measures are not in ``tests/reference/stats.py``: its test is
  ``tests/models/test_generators_gamma_mip.py``.
* ``gamma_mip_window_edges``: generators that spike in every active step (gamma with a
  transition probability of 1, mip at 10^6 spikes/s copied with probability 1) with
  an origin and a start and stop off the min_delay grid: the distinct spike times of
  each parrot, which the window rules alone decide.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests" / "models"))

import numpy as np  # noqa: E402
from gamma_mip_measures import distinct_times, measure  # noqa: E402
from make_reference_models2 import run_nest  # noqa: E402

OUT = ROOT / "tests" / "data" / "nest" / "cases"


def stat_case() -> dict[str, Any]:
    """Parrots relaying two gamma_sup and two mip generators, 20 seeds, two Simulate calls."""
    pops = {"a": ("ga", 60), "b": ("gb", 60), "c": ("mc", 40), "d": ("md", 30)}
    measures: list[dict[str, Any]] = []
    for p in pops:
        measures += [{"name": f"{p}_rate", "kind": "mean_rate", "population": p},
                     {"name": f"{p}_fano", "kind": "count_fano", "population": p},
                     {"name": f"{p}_cv", "kind": "cv_isi_mean", "population": p, "min_spikes": 5}]
    for p, ws in {"b": [(0.0, 150.0), (150.0, 850.0), (850.0, 2000.0)],
                  "d": [(0.0, 300.0), (300.0, 1202.0), (1202.0, 2000.0)]}.items():
        measures += [{"name": f"{p}_rate_{a:g}_{b:g}", "kind": "mean_rate", "population": p,
                      "t_start": a, "t_stop": b} for a, b in ws]
    for p in ("c", "d"):
        measures += [{"name": f"{p}_coinc", "kind": "coincidence_rate", "population": p, "n_pairs_nodes": 10},
                     {"name": f"{p}_corr5", "kind": "count_corr", "population": p, "n_pairs_nodes": 10, "bin": 5.0}]
    return {
        "description": (
            "Parrots relaying: a (60) one gamma_sup_generator (rate 20 /s, gamma_shape 3, n_proc 1: each parrot "
            "its own gamma-3 train), b (60) one with rate 4 /s, gamma_shape 5, n_proc 30, origin 50, start 100, "
            "stop 800 ms; c (40) one mip_generator (rate 100 /s, p_copy 0.3), d (30) one with rate 60 /s, p_copy "
            "0.8, start 300.3, stop 1200.5 ms; delays 1 ms; Simulate 700 + 1300 ms; rates (overall and in "
            "windows), Fano factor of counts, mean CV of ISIs, for mip the coincidences per second and the "
            "correlation of 5 ms counts of the pairs of the first 10 parrots; 20 seeds."),
        "kernel": {"resolution": 0.1, "rng_seed": 1},
        "nodes": [
            {"label": "a", "model": "parrot_neuron", "n": 60},
            {"label": "b", "model": "parrot_neuron", "n": 60},
            {"label": "c", "model": "parrot_neuron", "n": 40},
            {"label": "d", "model": "parrot_neuron", "n": 30},
            {"label": "ga", "model": "gamma_sup_generator", "n": 1,
             "params": {"rate": 20.0, "gamma_shape": 3, "n_proc": 1}},
            {"label": "gb", "model": "gamma_sup_generator", "n": 1,
             "params": {"rate": 4.0, "gamma_shape": 5, "n_proc": 30, "origin": 50.0, "start": 100.0,
                        "stop": 800.0}},
            {"label": "mc", "model": "mip_generator", "n": 1, "params": {"rate": 100.0, "p_copy": 0.3}},
            {"label": "md", "model": "mip_generator", "n": 1,
             "params": {"rate": 60.0, "p_copy": 0.8, "start": 300.3, "stop": 1200.5}},
            {"label": "sr", "model": "spike_recorder", "n": 1},
        ],
        "connections": [*({"pre": g, "post": p} for p, (g, _) in pops.items()),
                        *({"pre": p, "post": "sr"} for p in pops)],
        "simulate": [700.0, 1300.0],
        "statistics": {"seeds": list(range(1, 21)), "recorder": "sr", "measures": measures},
        "compare": {"kind": "statistical_gamma_mip", "std_ddof": 1,
                    "rule": "each measure: |mean_new - mean| <= 3 * sqrt(std_nest^2/n + std_new^2/n) over n seeds"},
    }


def edges_case() -> dict[str, Any]:
    """Generators spiking in every active step, windows off the slice grid."""
    win = {"origin": 1.0, "start": 20.3, "stop": 30.5}
    return {
        "description": (
            "Two parrots each behind a gamma_sup_generator (rate 5000 /s, gamma_shape 2, n_proc 2: transition "
            "probability 1, one spike every active step) and a mip_generator (10^6 spikes/s, p_copy 1), both "
            "with origin 1, start 20.3, stop 30.5 ms; delays 1 ms (min_delay 1 ms, slices of 10 steps); "
            "Simulate 24.7 + 25.3 ms; the distinct spike times of each parrot."),
        "kernel": {"resolution": 0.1, "rng_seed": 1},
        "nodes": [
            {"label": "e", "model": "parrot_neuron", "n": 2},
            {"label": "f", "model": "parrot_neuron", "n": 2},
            {"label": "ge", "model": "gamma_sup_generator", "n": 1,
             "params": {"rate": 5000.0, "gamma_shape": 2, "n_proc": 2, **win}},
            {"label": "mf", "model": "mip_generator", "n": 1, "params": {"rate": 1.0e6, "p_copy": 1.0, **win}},
            {"label": "sr", "model": "spike_recorder", "n": 1},
        ],
        "connections": [{"pre": "ge", "post": "e"}, {"pre": "mf", "post": "f"}, {"pre": "e", "post": "sr"},
                        {"pre": "f", "post": "sr"}],
        "simulate": [24.7, 25.3],
        "compare": {"kind": "exact_times_gamma_mip", "rule": "distinct spike times of each parrot, exactly"},
    }


def _events(nodes: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    ev = nodes["sr"].get("events")
    return np.asarray(ev["senders"]), np.asarray(ev["times"])


def expected_stat(case: dict[str, Any]) -> dict[str, Any]:
    """Per-seed measures, mean and std (ddof 1)."""
    values: dict[str, list[float]] = {}
    for seed in case["statistics"]["seeds"]:
        _, nodes = run_nest(case, seed)
        senders, times = _events(nodes)
        for spec in case["statistics"]["measures"]:
            ids = np.asarray(nodes[spec["population"]].tolist())
            values.setdefault(spec["name"], []).append(measure(spec, senders, times, ids, sum(case["simulate"])))
    return {"seeds": case["statistics"]["seeds"],
            "statistics": {k: {"mean": float(np.mean(v)), "std": float(np.std(v, ddof=1)), "values": v}
                           for k, v in values.items()}}


def expected_edges(case: dict[str, Any]) -> dict[str, Any]:
    """Distinct spike times of each parrot of ``e`` and ``f``."""
    _, nodes = run_nest(case)
    senders, times = _events(nodes)
    return {p: distinct_times(senders, times, np.asarray(nodes[p].tolist())) for p in ("e", "f")}


def main(out: Path) -> None:
    """Write both cases into ``out``."""
    import nest

    for name, case, make in (("gamma_mip_generators_stat", stat_case(), expected_stat),
                             ("gamma_mip_window_edges", edges_case(), expected_edges)):
        exp = make(case)
        if make(case) != exp:
            raise RuntimeError(f"{name}: NEST gave different results on a second run")
        full = {"name": name, **case, "expected": exp, "nest_version": nest.__version__}
        (out / f"{name}.json").write_text(json.dumps(full, separators=(",", ":")) + "\n")
        print(name, "written")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
