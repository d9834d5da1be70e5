"""Removing connections (object API): what goes, what stays, and the run afterwards.

A network whose connections were removed before the run gives, to the bit, the
spikes of the same network built without them; removing in the middle of a run
gives the same results with one and two threads.  Errors leave every connection.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

import spikesim
from spikesim.errors import DimensionMismatch, InexistentConnection, KernelException, NotImplementedFeature


def _pairs(sim: spikesim.Simulator, model: str | None = None) -> list[tuple[int, int]]:
    c = sim.get_connections(synapse_model=model)
    return list(zip(c.get("source").tolist(), c.get("target").tolist(), strict=True))


def test_pairs_one_to_one_and_all_to_all():
    sim = spikesim.Simulator()
    n = sim.create("iaf_psc_alpha", 3)
    sim.connect(n, n, syn_spec={"synapse_model": "stdp_synapse", "weight": 2.0})
    sim.connect(n, n)  # static_synapse, all to all
    assert sim.disconnect(n[0], n[1], synapse_model="stdp_synapse") == 1
    assert (1, 2) not in _pairs(sim, "stdp_synapse") and len(_pairs(sim, "stdp_synapse")) == 8
    assert (1, 2) in _pairs(sim, "static_synapse")  # another model's connection stays
    assert sim.disconnect(n[1:], n[1:], {"rule": "all_to_all"}) == 4
    assert _pairs(sim, "static_synapse") == [(1, 1), (1, 2), (1, 3), (2, 1), (3, 1)]


def test_a_multapse_loses_its_first_connection():
    sim = spikesim.Simulator()
    n = sim.create("iaf_psc_alpha", 2)
    for w in (1.0, 2.0, 3.0):
        sim.connect(n[0], n[1], syn_spec={"weight": w})
    sim.disconnect(n[0], n[1])
    assert sim.get_connections().get("weight").tolist() == [2.0, 3.0]


def test_errors_remove_nothing():
    sim = spikesim.Simulator()
    n = sim.create("iaf_psc_alpha", 3)
    sim.connect(n, n, {"rule": "one_to_one"})
    before = _pairs(sim)
    # (1, 1) and (2, 2) exist, (1, 2) and (2, 1) not: nothing goes (NEST 3.10 raises InexistentConnection too)
    with pytest.raises(InexistentConnection, match=r"2 of the 4 \(source, target\) pairs have no static_synapse"):
        sim.disconnect(n[:2], n[:2], "all_to_all")
    with pytest.raises(InexistentConnection, match="name one connection twice"):
        sim.disconnect(np.array([1, 1]), np.array([1, 1]))  # arrays of ids may repeat one
    with pytest.raises(DimensionMismatch, match="same size, not 2 and 3"):
        sim.disconnect(n[:2], n)
    with pytest.raises(NotImplementedFeature, match="rule 'fixed_indegree' is not implemented"):
        sim.disconnect(n, n, {"rule": "fixed_indegree", "indegree": 1})
    with pytest.raises(spikesim.errors.UnknownModelName):
        sim.disconnect(n, n, synapse_model="no_such_synapse")
    assert _pairs(sim) == before
    c = sim.get_connections()
    sim.disconnect(c[:1])
    assert _pairs(sim) == before[1:]
    # a collection made before a removal still names its connections (as PyNEST's do) ...
    assert c[2].get("target").tolist() == [3]
    # ... but not the removed one (NEST 3.10: InexistentConnection, nothing removed)
    with pytest.raises(InexistentConnection, match="were removed already; nothing was removed"):
        sim.disconnect(c)
    with pytest.raises(KernelException, match="holds connections that were removed"):
        c.get("weight")
    sim.connect(n[0], n[1])
    with pytest.raises(KernelException, match="out of date: connections were added"):
        c[1:].get("weight")
    assert _pairs(sim) == sorted([*before[1:], (1, 2)])


def _build(seed: int, pre: slice, post: slice) -> tuple[spikesim.Simulator, spikesim.NodeCollection]:
    """Poisson-driven iaf_psc_delta neurons, random recurrence, and one-to-one links
    (synapse model ``link``) from ``ex[pre]`` to ``ex[post]``; a spike recorder."""
    sim = spikesim.Simulator(seed=seed)
    ex = sim.create("iaf_psc_delta", 80)
    drive = sim.create("poisson_generator", params={"rate": 9000.0})
    sim.connect(drive, ex, syn_spec={"weight": 2.0, "delay": 1.0})
    sim.connect(ex, ex, {"rule": "fixed_indegree", "indegree": 10}, {"weight": 1.5, "delay": 1.5})
    sim.copy_model("static_synapse", "link")  # a model of their own: the recurrence may pair them too
    sim.connect(ex[pre], ex[post], {"rule": "one_to_one"}, {"synapse_model": "link", "weight": 4.0, "delay": 2.0})
    sim.connect(ex, sim.create("spike_recorder", label="sr"))
    return sim, ex


def _spikes(sim: spikesim.Simulator) -> np.ndarray:
    ev = sim.nodes("sr").get("events")[0]
    return np.stack([np.asarray(ev["senders"]), np.asarray(ev["times"])])


def test_a_run_after_removal_equals_the_network_built_without():
    sim, ex = _build(3, slice(0, 40), slice(40, 80))
    sim.disconnect(ex[:40:2], ex[40::2], synapse_model="link")
    sim.simulate(300.0)
    ref, _ = _build(3, slice(1, 40, 2), slice(41, 80, 2))
    ref.simulate(300.0)
    got, want = _spikes(sim), _spikes(ref)
    assert want.shape[1] > 1000
    np.testing.assert_array_equal(got, want)


def _plastic(threads: int) -> tuple[np.ndarray, np.ndarray]:
    sim = spikesim.Simulator(seed=5, threads=threads)
    n = sim.create("iaf_psc_alpha", 50, {"I_e": 300.0})
    drive = sim.create("poisson_generator", params={"rate": 5000.0})
    sim.connect(drive, n, syn_spec={"weight": 20.0})
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 8},
                {"synapse_model": "stdp_synapse", "weight": 20.0, "delay": 1.0})
    sim.connect(n, sim.create("spike_recorder", label="sr"))
    sim.simulate(200.0)
    c = sim.get_connections(synapse_model="stdp_synapse")
    sim.disconnect(c[::3])
    sim.simulate(200.0)
    return _spikes(sim), np.asarray(sim.get_connections(synapse_model="stdp_synapse").get("weight"))


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="one core: threads=2 would run on one thread")
def test_removal_in_the_middle_of_a_plastic_run_does_not_depend_on_threads():
    (s1, w1), (s2, w2) = _plastic(1), _plastic(2)
    assert w1.size == 400 - 134 and np.unique(w1).size > 50  # a third removed; the weights moved
    np.testing.assert_array_equal(s1, s2)
    np.testing.assert_array_equal(w1, w2)
