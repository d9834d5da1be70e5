"""Make the NEST 3.10 reference cases of correlation_detector, correlomatrix_detector
and spin_detector.

Run with NEST's own interpreter (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_detectors.py

Each case is a small script in data (:data:`CASES`): spike generators with fixed spike
times and multiplicities (or Poisson sources through parrot neurons), connected with
given weights and receptor types to the detectors, simulated in one or several pieces.
:func:`replay` runs a case with any PyNEST-like module (NEST here, ``spikesim.nest`` in
``tests/recording/test_detectors.py``) and returns the detectors' status entries after
each piece.  The cases and NEST's results go to
``tests/data/nest/cases/detectors_*.json`` (``compare.kind == "detectors"``, so the
neuron-model replays skip them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "nest" / "cases"

#: the status entries kept per detector model
KEYS = {"correlation_detector": ("histogram", "histogram_correction", "count_histogram", "n_events"),
        "correlomatrix_detector": ("covariance", "count_covariance", "n_events"),
        "spin_detector": ("events", "n_events")}

_GENS = [
    {"spike_times": [1.0, 1.5, 2.0, 4.0, 4.1, 7.3, 10.0, 15.2, 22.0, 31.0, 31.1],
     "spike_multiplicities": [1, 1, 1, 1, 2, 1, 2, 1, 1, 1, 1]},
    {"spike_times": [1.0, 1.3, 2.0, 3.9, 6.0, 10.2, 14.8, 22.0, 29.9, 35.0]},
    {"spike_times": [0.5, 2.0, 5.0, 9.9, 22.4, 33.3], "spike_multiplicities": [1, 3, 2, 1, 2, 1]},
]

CORRELATION = {
    "name": "detectors_correlation",
    "resolution": 0.1,
    "nodes": [["spike_generator", g] for g in _GENS] + [
        ["correlation_detector", {}],
        ["correlation_detector", {"delta_tau": 0.3, "tau_max": 1.5, "Tstart": 2.0, "Tstop": 30.0}],
        ["correlation_detector", {"delta_tau": 0.2, "tau_max": 3.0, "start": 1.0, "stop": 25.0, "origin": 2.0}],
    ],
    # (source, target, receptor_type, weight, delay)
    "connections": [[s, d, r, w, 1.0] for d in (3, 4, 5)
                    for s, r, w in ((0, 0, 1.0), (1, 1, 2.5), (2, 0, -0.7), (2, 1, 0.3))],
    "simulate": [12.0, 30.0],
}

SPIN = {
    "name": "detectors_spin",
    "resolution": 0.1,
    "nodes": [
        ["spike_generator", {"spike_times": [1.0, 2.0, 3.0, 5.0, 5.5, 8.0],
                             "spike_multiplicities": [1, 2, 1, 3, 2, 1]}],
        ["spike_generator", {"spike_times": [1.0, 2.0, 4.0, 5.0, 5.2, 8.0],
                             "spike_multiplicities": [1, 1, 2, 1, 1, 1]}],
        ["spike_generator", {"spike_times": [3.0, 6.0, 7.5], "spike_multiplicities": [1, 1, 2]}],
        ["spin_detector", {}],
        ["spin_detector", {"start": 2.0, "stop": 6.0, "time_in_steps": True}],
    ],
    # generator 2 is connected twice: two single spikes at once mean "up"
    "connections": [[s, d, 0, 1.0, 1.0] for d in (3, 4) for s in (0, 1, 2, 2)],
    "simulate": [5.0, 6.0],
}

CORRELOMATRIX = {
    "name": "detectors_correlomatrix",
    "resolution": 0.1,
    "nodes": [["spike_generator", g] for g in _GENS] + [
        ["correlomatrix_detector", {"N_channels": 3}],
        ["correlomatrix_detector", {"N_channels": 2, "delta_tau": 0.3, "tau_max": 1.5, "Tstart": 2.0,
                                    "Tstop": 30.0}],
    ],
    "connections": [[0, 3, 0, 1.0, 1.0], [1, 3, 1, 2.5, 1.0], [2, 3, 2, -0.7, 1.0], [2, 3, 0, 0.3, 1.0],
                    [0, 4, 0, 1.0, 1.0], [1, 4, 1, 2.0, 1.0], [2, 4, 1, 0.5, 1.0]],
    "simulate": [12.0, 30.0],
}

#: two independent 40 spikes/s Poisson trains through parrots: the count histogram's
#: bins are Poisson-like with mean rate^2 * T * delta_tau (3 sigma comparison)
POISSON = {
    "name": "detectors_poisson",
    "resolution": 0.1,
    "nodes": [["poisson_generator", {"rate": 40.0}], ["poisson_generator", {"rate": 40.0}],
              ["parrot_neuron", {}], ["parrot_neuron", {}],
              ["correlation_detector", {"delta_tau": 1.0, "tau_max": 10.0}],
              ["correlomatrix_detector", {"N_channels": 2, "delta_tau": 0.9, "tau_max": 9.0}]],
    "connections": [[0, 2, 0, 1.0, 1.0], [1, 3, 0, 1.0, 1.0],
                    [2, 4, 0, 1.0, 1.0], [3, 4, 1, 1.0, 1.0], [2, 5, 0, 1.0, 1.0], [3, 5, 1, 1.0, 1.0]],
    "simulate": [20000.0],
    "seeds": [1, 2, 3, 4],
}

CASES = [CORRELATION, SPIN, CORRELOMATRIX]


def _plain(v: Any) -> Any:
    """``v`` as JSON-able lists and floats (events dicts column by column)."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if hasattr(v, "tolist"):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _repeated(p: dict[str, Any]) -> dict[str, Any]:
    """spike_generator parameters with ``spike_multiplicities`` as repeated spike times
    (spikesim's spike_generator sends a time listed k times as one spike of multiplicity k)."""
    if "spike_multiplicities" not in p:
        return p
    times = [t for t, k in zip(p["spike_times"], p["spike_multiplicities"], strict=True) for _ in range(k)]
    return {**{k: v for k, v in p.items() if k != "spike_multiplicities"}, "spike_times": times}


def replay(nest: Any, case: dict[str, Any], seed: int = 1, repeat_times: bool = False
           ) -> list[list[dict[str, Any]]]:
    """Run ``case`` with the PyNEST-like module ``nest``; per simulate piece, the status
    entries (:data:`KEYS`) of every detector, in node order.  ``repeat_times``: give
    spike multiplicities as repeated spike times (spikesim)."""
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": case["resolution"], "rng_seed": seed})
    nodes = [nest.Create(m, params=_repeated(p) if repeat_times else p) for m, p in case["nodes"]]
    for s, t, r, w, d in case["connections"]:
        nest.Connect(nodes[s], nodes[t], syn_spec={"receptor_type": r, "weight": w, "delay": d})
    dets = [(n, m) for n, (m, _) in zip(nodes, case["nodes"], strict=True) if m in KEYS]
    out = []
    for t in case["simulate"]:
        nest.Simulate(t)
        out.append([{k: _plain(n.get(k)) for k in KEYS[m]} for n, m in dets])
    return out


def main() -> None:
    """Run every case with NEST and write the JSON files."""
    import nest

    nest.set_verbosity("M_ERROR")
    for case in CASES:
        data = {**case, "compare": {"kind": "detectors", "values_atol": 1e-12},
                "nest": replay(nest, case)}
        (OUT / f"{case['name']}.json").write_text(json.dumps(data, indent=1))
    runs = [replay(nest, POISSON, seed)[-1] for seed in POISSON["seeds"]]
    data = {**POISSON, "compare": {"kind": "detectors", "sigma": 3}, "nest": runs}
    (OUT / f"{POISSON['name']}.json").write_text(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
