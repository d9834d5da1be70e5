"""Synapse snapshots on a schedule (issue 12, item 4b): equal to GetConnections at those times."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.core.snapshots import record_synapses
from spikesim.errors import BadProperty


def _stdp_net(seed: int = 5) -> tuple[spikesim.Simulator, spikesim.NodeCollection, spikesim.NodeCollection]:
    """Poisson-driven inputs onto neurons through stdp_synapse: weights change during the run."""
    sim = spikesim.Simulator(resolution=0.1, seed=seed)
    pre = sim.create("parrot_neuron", 20)
    post = sim.create("iaf_psc_alpha", 5, {"I_e": 300.0})
    noise = sim.create("poisson_generator", params={"rate": 40.0})
    sim.connect(noise, pre)
    sim.connect(pre, post, "all_to_all", {"synapse_model": "stdp_synapse", "weight": 60.0, "delay": 1.0,
                                          "Wmax": 200.0})
    return sim, pre, post


def test_snapshots_equal_get_connections_at_those_times() -> None:
    sim, pre, post = _stdp_net()
    snaps = record_synapses(sim, sim.get_connections(pre, post), ["weight", "Kplus"], interval=50.0, offset=50.0)
    sim.simulate(500.0)
    ref, pre_r, post_r = _stdp_net()
    conns = ref.get_connections(pre_r, post_r)
    expected, kplus = [], []
    for _ in range(10):
        ref.simulate(50.0)
        expected.append(np.asarray(conns.get("weight")))
        kplus.append(np.asarray(conns.get("Kplus")))
    w = snaps.values("weight")
    np.testing.assert_allclose(snaps.times, np.arange(50.0, 501.0, 50.0))
    np.testing.assert_array_equal(w, np.stack(expected))
    np.testing.assert_array_equal(snaps.values("Kplus"), np.stack(kplus))
    assert not np.all(w[0] == w[-1])  # the weights did change: the check is not vacuous
    np.testing.assert_array_equal(snaps.sources, conns.get("source"))
    np.testing.assert_array_equal(snaps.targets, conns.get("target"))


def test_histogram_snapshots_equal_histograms_of_the_full_ones() -> None:
    sim, pre, post = _stdp_net()
    conns = sim.get_connections(pre, post)
    full = record_synapses(sim, conns, interval=100.0)
    hist = record_synapses(sim, conns, interval=100.0, bins=8, range=(0.0, 200.0))
    sim.simulate(400.0)
    edges = np.linspace(0.0, 200.0, 9)
    expected = np.stack([np.histogram(row, bins=edges)[0] for row in full.values("weight")])
    np.testing.assert_array_equal(hist.values("weight"), expected)
    np.testing.assert_allclose(hist.edges["weight"], edges)
    assert hist.values("weight").shape == (5, 8)  # t = 0, 100, ..., 400


def test_cancel_and_bad_arguments() -> None:
    sim, pre, post = _stdp_net()
    conns = sim.get_connections(pre, post)
    snaps = record_synapses(sim, conns, interval=10.0)
    sim.simulate(20.0)
    snaps.handle.cancel()
    sim.simulate(20.0)
    assert snaps.times.tolist() == [0.0, 10.0, 20.0]
    for kw, name in [({"connections": pre}, "connections"), ({"variables": ["nonsense"]}, "nonsense"),
                     ({"variables": "weight"}, "variables"), ({"interval": 0.0}, "interval"),
                     ({"bins": 0}, "bins"), ({"bins": 4, "range": (1.0, 0.0)}, "range")]:
        args = {"connections": conns, **kw}
        with pytest.raises(BadProperty, match=name):
            record_synapses(sim, **args)
    with pytest.raises(KeyError, match="Kplus"):
        snaps.values("Kplus")


def test_simulator_methods_are_the_functions() -> None:
    sim, pre, post = _stdp_net()
    conns = sim.get_connections(pre, post)
    a = sim.record_synapses(conns, interval=25.0)
    b = record_synapses(sim, conns, interval=25.0)
    sr = sim.create("spike_recorder")
    sim.connect(post, sr)
    sim.simulate(100.0)
    np.testing.assert_array_equal(a.values("weight"), b.values("weight"))
    est = sim.recording_estimate(1000.0)
    from spikesim.recording.estimate import recording_estimate
    ref = recording_estimate(sim.recording_devices(), 1000.0, None, sim.segment)
    assert est.memory_bytes == ref.memory_bytes and est.memory_bytes > 0
