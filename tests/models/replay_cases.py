"""Replay NEST reference cases that set parameters between runs (``sets``, see
tools/make_reference_ias_tum.py) and compare what spikesim records with NEST's results:
spikes on the same steps, samples and node status within the case's tolerance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

import spikesim
from tests.reference import cases

DATA = Path(__file__).resolve().parents[1] / "data" / "nest"


def load(name: str) -> dict[str, Any]:
    """The case ``tests/data/nest/<name>.json``."""
    return json.loads((DATA / f"{name}.json").read_text())


def build(case: dict[str, Any], threads: int = 1) -> spikesim.Simulator:
    """The case's network on a simulator with ``threads`` threads."""
    sim = cases.build(case)
    sim.set_threads(threads)
    return sim


def run(case: dict[str, Any], sim: spikesim.Simulator, first: int = 0) -> None:
    """Simulate the case's runs from run ``first`` on, applying its ``sets`` before each."""
    sets = case.get("sets", [[]] * len(case["simulate"]))
    for i in range(first, len(case["simulate"])):
        for s in sets[i]:
            cases._select(sim, s["nodes"]).set(s["params"])
        sim.simulate(case["simulate"][i])


def _steps(ev: dict[str, Any], h: float, in_steps: bool) -> np.ndarray:
    t = np.asarray(ev["times"], dtype=float)
    return np.rint(t).astype(np.int64) if in_steps else np.rint(t / h).astype(np.int64)


def check(case: dict[str, Any], sim: spikesim.Simulator, skip: tuple[str, ...] = ()) -> None:
    """Assert spikesim's recorders and node status equal NEST's (spike steps exact,
    values within the case's tolerance); samples after NEST's last one are allowed
    extras (spikesim's multimeters have no sampling lag); keys in ``skip`` are not compared."""
    h = case["kernel"]["resolution"]
    atol, rtol = case["compare"]["values_atol"], case["compare"]["values_rtol"]
    for label, exp in case["expected"].items():
        if label == "node_status":
            for nl, rows in exp.items():
                for key in rows[0]:
                    ref = np.array([r[key] for r in rows], dtype=float)
                    got = np.asarray(sim.nodes(nl).get(key), dtype=float)
                    np.testing.assert_allclose(got, ref, atol=atol, rtol=rtol, err_msg=f"{nl}.{key}")
            continue
        in_steps = "offsets" in exp["events"]
        ref = cases.sorted_events(exp["events"])
        new = cases.sorted_events(sim.nodes(label).get("events")[0])
        s_ref, s_new = _steps(ref, h, in_steps), _steps(new, h, in_steps)
        keep = s_new <= (s_ref.max() if s_ref.size else -1)
        np.testing.assert_array_equal(s_new[keep], s_ref, err_msg=f"{label}: steps")
        np.testing.assert_array_equal(np.asarray(new["senders"])[keep], ref["senders"], err_msg=f"{label}: senders")
        for k, v in ref.items():
            if k not in ("times", "senders", *skip):
                np.testing.assert_allclose(np.asarray(new[k], dtype=float)[keep], np.asarray(v, dtype=float),
                                           atol=atol, rtol=rtol, err_msg=f"{label}: {k}")
