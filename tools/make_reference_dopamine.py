"""Make the NEST 3.10 reference data of ``stdp_dopamine_synapse`` and ``volume_transmitter``.

Run with NEST's own interpreter (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_dopamine.py

It writes ``tests/data/nest/dopamine_reference.json``: deterministic cases (spike
trains of pre, post and dopamine parrot neurons drawn here with a fixed seed, volume
transmitters with several ``deliver_interval`` values, copies of the synapse with
varied ``tau_c``, ``tau_n``, ``b``, ``Wmin``/``Wmax`` (clipping), several delays and
weights, initial ``c``/``n``/``Kplus``, Simulate calls that end inside min_delay
slices, many of them in one case) built by ``tests/models/dopamine_cases.py``, each with what NEST reported:
every connection's ``weight``, ``c``, ``n``, ``Kplus`` after each Simulate call and
the weight recorder's events.  Each case is run twice; the runs must agree.
``tests/models/test_dopamine_reference.py`` replays them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.models import dopamine_cases  # noqa: E402 - the case builder is shared with the test

OUT = ROOT / "tests" / "data" / "nest" / "dopamine_reference.json"


def _trains(rng: np.random.Generator, n: int, rate: float, t_end: float, h: float, first: float) -> list[list[float]]:
    """``n`` trains of about ``rate`` spikes/s in ``[first, t_end]`` ms on the grid of ``h`` ms
    (repeated times give parrot spikes of multiplicity > 1)."""
    out = []
    for _ in range(n):
        k = rng.poisson(rate * (t_end - first) / 1000.0)
        steps = np.sort(rng.integers(int(round(first / h)), int(round(t_end / h)), size=k))
        out.append([round(float(s) * h, 10) for s in steps])
    return out


def _pairs(rng: np.random.Generator, n_pre: int, n_post: int, model: str, delays: list[float], w: tuple[float, float],
           extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """All-to-all connections of ``model`` with drawn weights and delays cycled from ``delays``."""
    out = []
    for i in range(n_pre):
        for j in range(n_post):
            syn = {"weight": round(float(rng.uniform(*w)), 6), "delay": delays[(i * n_post + j) % len(delays)]}
            out.append({"model": model, "pre": i, "post": j, "syn": {**syn, **(extra or {})}})
    return out


def cases() -> list[dict[str, Any]]:
    """The cases (without results)."""
    rng = np.random.default_rng(20261201)
    h = 0.1
    basic = {
        "name": "basic", "resolution": h, "sg_delay": 1.0, "deliver_intervals": [1],
        "trains": {"pre": _trains(rng, 3, 40.0, 290.0, h, 0.1), "post": _trains(rng, 2, 40.0, 290.0, h, 0.1),
                   "dopa": _trains(rng, 2, 25.0, 290.0, h, 0.1)},
        "models": [{"name": "dopa_a", "vt": 0, "weight_recorder": True,
                    "params": {"A_plus": 0.8, "A_minus": 1.0, "tau_c": 200.0, "tau_n": 50.0, "b": 0.0}}],
        "connections": _pairs(rng, 3, 2, "dopa_a", [1.0, 1.5, 2.3], (5.0, 30.0)),
        "dopamine": [{"dopa": 0, "vt": 0, "delay": 1.0}, {"dopa": 1, "vt": 0, "delay": 1.7}],
        "simulate": [13.3, 50.0, 100.0, 136.7],
    }
    intervals = {
        "name": "intervals", "resolution": h, "sg_delay": 0.5, "deliver_intervals": [3, 7],
        "post_params": {"tau_minus": 15.0},
        "trains": {"pre": _trains(rng, 3, 50.0, 195.0, h, 0.1), "post": _trains(rng, 3, 50.0, 195.0, h, 0.1),
                   "dopa": _trains(rng, 3, 30.0, 195.0, h, 0.1)},
        "models": [{"name": "dopa_b", "vt": 0, "weight_recorder": True,
                    "params": {"A_plus": 0.5, "A_minus": 0.7, "tau_c": 40.0, "tau_n": 15.0, "b": 0.02,
                               "tau_plus": 12.0}},
                   {"name": "dopa_c", "vt": 1,
                    "params": {"A_plus": 2.0, "A_minus": 2.5, "tau_c": 25.0, "tau_n": 8.0, "b": 0.05,
                               "Wmin": 10.0, "Wmax": 14.0}}],
        "connections": (_pairs(rng, 3, 3, "dopa_b", [0.5, 0.8, 2.0, 3.1], (1.0, 20.0))
                        + _pairs(rng, 2, 3, "dopa_c", [0.6, 1.4], (10.5, 13.5))),
        "dopamine": [{"dopa": 0, "vt": 0, "delay": 0.5}, {"dopa": 1, "vt": 0, "delay": 2.2},
                     {"dopa": 1, "vt": 1, "delay": 0.9}, {"dopa": 2, "vt": 1, "delay": 0.5}],
        "simulate": [40.0, 61.3, 98.7],
    }
    clipping = {
        "name": "clipping", "resolution": h, "sg_delay": 0.2, "deliver_intervals": [2],
        "trains": {"pre": _trains(rng, 2, 60.0, 145.0, h, 0.1), "post": _trains(rng, 2, 60.0, 145.0, h, 0.1),
                   "dopa": _trains(rng, 1, 80.0, 145.0, h, 0.1)},
        "models": [{"name": "dopa_d", "vt": 0, "weight_recorder": True,
                    "params": {"A_plus": 3.0, "A_minus": 3.5, "tau_c": 20.0, "tau_n": 10.0, "b": 0.1,
                               "tau_plus": 30.0, "Wmin": -10.0, "Wmax": 10.0}}],
        "connections": _pairs(rng, 2, 2, "dopa_d", [0.2, 0.7, 1.1], (-8.0, 8.0),
                              {"c": 0.3, "n": 0.2, "Kplus": 0.5}),
        "dopamine": [{"dopa": 0, "vt": 0, "delay": 0.3}],
        "simulate": [25.1, 50.0, 74.9],
    }
    splits = {
        "name": "splits", "resolution": h, "sg_delay": 1.0, "deliver_intervals": [1],
        # the first pre train (parrot spikes 1 ms later) puts spikes inside the slices the calls end in
        "trains": {"pre": [[2.0, 6.1, 6.2, 10.4, 10.6, 21.3, 25.1, 25.4, 35.0, 35.2, 48.0, 60.5],
                           *_trains(rng, 1, 150.0, 95.0, h, 0.1)],
                   "post": [[1.5, 4.0, 5.3, 8.8, 9.9, 14.0, 19.0, 20.9, 24.2, 31.0, 34.0, 40.0],
                            *_trains(rng, 1, 100.0, 95.0, h, 0.1)],
                   "dopa": [[0.5, 3.0, 4.5, 7.5, 9.0, 12.0, 18.0, 22.0, 23.5, 30.0, 33.0, 45.0]]},
        "models": [{"name": "dopa_e", "vt": 0, "weight_recorder": True,
                    "params": {"A_plus": 1.0, "A_minus": 1.2, "tau_c": 30.0, "tau_n": 20.0, "b": 0.01}}],
        "connections": _pairs(rng, 2, 2, "dopa_e", [1.0, 1.3], (5.0, 15.0)),
        "dopamine": [{"dopa": 0, "vt": 0, "delay": 1.0}],
        # many calls ending inside slices: NEST delivers a slice's spikes only once it is complete
        "simulate": [7.3, 4.4, 11.1, 3.2, 0.5, 9.8, 13.7, 20.0, 30.0],
    }
    return [basic, intervals, clipping, splits]


def main() -> None:
    """Run every case twice under NEST and write the file."""
    import nest

    nest.set_verbosity("M_ERROR")
    out = []
    for case in cases():
        first = dopamine_cases.run(nest, case)
        second = dopamine_cases.run(nest, case)
        if first != second:
            raise SystemExit(f"case {case['name']}: two NEST runs differ")
        out.append({**case, "expected": first})
    OUT.write_text(json.dumps({"nest_version": nest.__version__, "made_by": "tools/make_reference_dopamine.py",
                               "cases": out}, indent=1) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
