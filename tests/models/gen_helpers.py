"""Shared runs of the generator tests: 1 vs 2 threads and checkpoint/restore."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

import spikesim

Build = Callable[[int], spikesim.Simulator]


def events(sim: spikesim.Simulator) -> dict[str, np.ndarray]:
    """Spike events of the recorder ``sr`` and samples of the multimeter ``mm`` (when present)."""
    out = {f"sr_{k}": v for k, v in sim.nodes("sr").get("events")[0].items()}
    try:
        mm = sim.nodes("mm")
    except Exception:  # noqa: BLE001 - a build without multimeter
        return out
    out.update({f"mm_{k}": v for k, v in mm.get("events")[0].items()})
    return out


def threads_identical(build: Build, t: float) -> dict[str, np.ndarray]:
    """Run ``build(1)`` and ``build(2)`` for ``t`` ms; assert identical events; return them."""
    a, b = build(1), build(2)
    a.simulate(t)
    b.simulate(t)
    ea, eb = events(a), events(b)
    assert ea.keys() == eb.keys()
    for k in ea:
        np.testing.assert_array_equal(ea[k], eb[k], err_msg=k)
    return ea


def checkpoint_identical(build: Build, t1: float, t2: float, path: Path) -> dict[str, np.ndarray]:
    """One run of t1 + t2 ms against a run of t1, checkpoint, restore, t2 ms: identical events."""
    whole = build(1)
    whole.simulate(t1 + t2)
    part = build(1)
    part.simulate(t1)
    part.checkpoint(path)
    restored = spikesim.Simulator.restore(path)
    restored.simulate(t2)
    ea, eb = events(whole), events(restored)
    for k in ea:
        np.testing.assert_array_equal(ea[k], eb[k], err_msg=k)
    return ea
