"""Slices are aligned to min_delay from t = 0: a run split anywhere equals the whole run."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim


def _net(seed=2):
    sim = spikesim.Simulator(seed=seed)
    n = sim.create("iaf_psc_exp", 30, {"I_e": 200.0})
    pg = sim.create("poisson_generator", params={"rate": 12000.0})
    dc = sim.create("dc_generator", params={"amplitude": 60.0, "start": 5.0, "stop": 40.0})
    sim.connect(pg, n, syn_spec={"weight": 25.0, "delay": 0.7})
    sim.connect(dc, n, syn_spec={"delay": 1.3})
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 5}, {"weight": -40.0, "delay": 2.1})
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    return sim, sr


@pytest.mark.parametrize("parts", [[60.0], [0.3, 59.7], [13.3, 0.1, 20.0, 26.6], [7.7] * 7 + [6.1]])
def test_split_runs_are_identical(parts):
    sim, sr = _net()
    for t in parts:
        sim.simulate(t)
    ref_sim, ref_sr = _net()
    ref_sim.simulate(60.0)
    a, b = sr.get("events")[0], ref_sr.get("events")[0]
    assert b["senders"].size > 50
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def test_changing_a_generator_mid_slice_warns():
    sim, sr = _net()
    sim.simulate(10.3)  # min_delay is 0.7 ms: 10.3 ms is inside a slice
    dc = spikesim.NodeCollection(sim, [32])
    dc.set(amplitude=90.0)
    with pytest.warns(RuntimeWarning, match="generators changed in the middle of a min_delay slice"):
        sim.simulate(5.0)


def test_changing_a_generator_at_a_slice_boundary_is_silent(recwarn):
    sim, sr = _net()
    sim.simulate(10.5)  # 15 slices of 0.7 ms
    spikesim.NodeCollection(sim, [32]).set(amplitude=90.0)
    sim.simulate(5.0)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
