"""A poisson_generator connected to one target twice sends two independent trains (as
NEST's does: each connection draws its own), while the first connection keeps the
train it always had (results of single connections do not change)."""

from __future__ import annotations

import numpy as np

import spikesim


def _parrot_spikes(connections: int, seed: int = 11) -> np.ndarray:
    sim = spikesim.Simulator(seed=seed)
    g = sim.create("poisson_generator", params={"rate": 100.0})
    p = sim.create("parrot_neuron")
    for _ in range(connections):
        sim.connect(g, p)
    sr = sim.create("spike_recorder")
    sim.connect(p, sr)
    sim.simulate(10_000.0)
    return np.asarray(sr.get("events")[0]["times"])


def test_two_connections_carry_two_independent_trains():
    one, two = _parrot_spikes(1), _parrot_spikes(2)
    # 100 spikes/s for 10 s: 1000 per train (sd 32); two trains: 2000 spikes, and
    # coincidences in the same 0.1 ms step only by chance (about 1000 * 0.01 = 10)
    assert 900 < one.size < 1100
    assert 1850 < two.size < 2150
    assert np.unique(two).size > two.size - 40
    # the first connection's train is the one a single connection sends
    assert np.isin(one, two).all()
