"""Connection properties (weights, delays), get_connections and SynapseCollection."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadDelay, BadProperty, KernelException, UnknownModelName


@pytest.fixture
def sim():
    return spikesim.Simulator(resolution=0.1, seed=2)


def test_scalar_weight_and_delay(sim):
    pre, post = sim.create("iaf_psc_delta", 2), sim.create("iaf_psc_delta", 3)
    sim.connect(pre, post, syn_spec={"weight": 2.5, "delay": 1.5})
    c = sim.get_connections()
    assert c.get("weight").tolist() == [2.5] * 6 and c.get("delay").tolist() == [1.5] * 6
    assert c.get("synapse_model").tolist() == ["static_synapse"] * 6


def test_array_weights_follow_nest_layouts(sim):
    pre, post = sim.create("iaf_psc_delta", 2), sim.create("iaf_psc_delta", 3)
    w = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])  # all_to_all: (len(post), len(pre))
    sim.connect(pre, post, "all_to_all", {"weight": w})
    c = sim.get_connections().get("source", "target", "weight")
    got = {(s, t): x for s, t, x in zip(c["source"].tolist(), c["target"].tolist(), c["weight"].tolist(), strict=True)}
    assert got == {(1 + j, 3 + i): w[i, j] for i in range(3) for j in range(2)}


def test_array_weights_for_indegree_and_one_to_one(sim):
    n = sim.create("iaf_psc_delta", 4)
    sim.connect(n, n, "one_to_one", {"weight": [1.0, 2.0, 3.0, 4.0], "delay": np.array([1.0, 2.0, 3.0, 4.0])})
    c = sim.get_connections().get("source", "target", "weight", "delay")
    assert c["weight"].tolist() == [1.0, 2.0, 3.0, 4.0] and c["delay"].tolist() == [1.0, 2.0, 3.0, 4.0]
    m = sim.create("iaf_psc_delta", 3)
    w = np.arange(6.0).reshape(3, 2) + 10.0  # fixed_indegree: (len(post), indegree)
    sim.connect(n, m, {"rule": "fixed_indegree", "indegree": 2}, {"weight": w})
    c = sim.get_connections(target=m).get("target", "weight")
    for i, t in enumerate(m.tolist()):
        assert sorted(c["weight"][c["target"] == t].tolist()) == w[i].tolist()


def test_random_weights_and_delays(sim):
    n = sim.create("iaf_psc_delta", 30)
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 10},
                {"weight": spikesim.normal(5.0, 1.0), "delay": spikesim.uniform(1.0, 3.0)})
    c = sim.get_connections()
    w, d = c.get("weight"), c.get("delay")
    assert np.unique(w).size == 300 and abs(w.mean() - 5.0) < 0.3
    assert d.min() >= 1.0 and d.max() <= 3.0
    steps = d / 0.1
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-9)  # delays lie on the grid
    assert np.unique(np.round(steps)).size > 10


@pytest.mark.parametrize("d, expected", [(1.04, 1.0), (1.05, 1.1), (1.0, 1.0), (2.449, 2.4), (0.1, 0.1)])
def test_delays_are_rounded_to_the_grid_half_up(sim, d, expected):
    n = sim.create("iaf_psc_delta", 2)
    sim.connect(n[0], n[1], syn_spec={"delay": d})
    assert sim.get_connections().get("delay")[0] == pytest.approx(expected)


@pytest.mark.parametrize("d, expected", [(1.15, 1.2), (1.45, 1.5), (0.15, 0.2)])
def test_delays_whose_quotient_by_h_is_inexact_round_as_in_nest(sim, d, expected):
    n = sim.create("iaf_psc_delta", 2)
    sim.connect(n[0], n[1], syn_spec={"delay": d})
    assert sim.get_connections().get("delay")[0] == pytest.approx(expected)


def test_synapse_collection_set_rounds_delays_as_nest(sim):
    n = sim.create("iaf_psc_delta", 4)
    sim.connect(n, n, "one_to_one")
    c = sim.get_connections()
    c.set(delay=[1.15, 1.04, 1.05, 0.15])
    assert c.get("delay").tolist() == pytest.approx([1.2, 1.0, 1.1, 0.2])
    assert sim.min_delay == pytest.approx(0.2) and sim.max_delay == pytest.approx(1.2)


def test_get_connections_filters(sim):
    a, b = sim.create("iaf_psc_delta", 2), sim.create("iaf_psc_delta", 2)
    sr = sim.create("spike_recorder")
    sim.copy_model("static_synapse", "strong", {"weight": 9.0})
    sim.connect(a, b)
    sim.connect(b, a, syn_spec="strong")
    sim.connect(a + b, sr)
    assert len(sim.get_connections()) == 12
    assert len(sim.get_connections(source=a)) == 6
    assert sim.get_connections(source=a, target=b).get("target").tolist() == [3, 4, 3, 4]
    assert sim.get_connections(target=sr).get("source").tolist() == [1, 2, 3, 4]
    strong = sim.get_connections(synapse_model="strong")
    assert len(strong) == 4 and strong.get("weight").tolist() == [9.0] * 4
    assert sim.get_connections(source=[1], target=np.array([4])).get("weight").tolist() == [1.0]
    assert len(sim.get_connections(source=b, synapse_model="static_synapse")) == 2
    with pytest.raises(UnknownModelName, match=r"unknown synapse model 'weak'; the synapse models are "
                                               r"\[.*'static_synapse', .*'strong'"):
        sim.get_connections(synapse_model="weak")


def test_synapse_collection_get_and_set(sim):
    n = sim.create("iaf_psc_delta", 3)
    sim.connect(n, n, "one_to_one", {"weight": 2.0})
    c = sim.get_connections()
    assert set(c.get()) >= {"source", "target", "weight", "delay", "synapse_model", "receptor", "port"}
    c.set(weight=[1.0, 2.0, 3.0])
    c.set({"delay": 2.0})
    assert c.get("weight").tolist() == [1.0, 2.0, 3.0] and c.get("delay").tolist() == [2.0] * 3
    assert sim.get_connections().get("weight").tolist() == [1.0, 2.0, 3.0]


def test_synapse_collection_errors_leave_connections_unchanged(sim):
    n = sim.create("iaf_psc_delta", 3)
    sim.connect(n, n, "one_to_one", {"weight": 2.0})
    c = sim.get_connections()
    with pytest.raises(BadProperty, match=r"SynapseCollection.set: parameter 'weight' = '2 values' is not allowed; "
                                          r"give a scalar or one value per connection \(3\)"):
        c.set(weight=[1.0, 2.0])
    with pytest.raises(BadProperty, match=r"SynapseCollection.set: parameter 'source' = 1 is not allowed; "
                                          r"settable keys are \['delay', 'weight'\]"):
        c.set(source=1)
    with pytest.raises(BadProperty, match=r"SynapseCollection.set: parameter 'weight' = 'heavy' is not allowed; "
                                          r"give numbers"):
        c.set(weight="heavy")
    with pytest.raises(BadDelay, match="'delay' = 0.0 ms is not allowed"):
        c.set(weight=5.0, delay=[1.0, 1.0, 0.0])  # nothing is set, not even the valid weight
    with pytest.raises(BadProperty, match=r"SynapseCollection: there is no key 'wieght' to get; the keys are "
                                          r"\['delay', .*'weight'\]"):
        c.get("wieght")
    assert c.get("weight").tolist() == [2.0] * 3 and c.get("delay").tolist() == [1.0] * 3


def test_synapse_collection_goes_stale_when_its_connections_change(sim):
    n = sim.create("iaf_psc_delta", 2)
    sim.connect(n, n, "one_to_one")
    c = sim.get_connections()
    sim.connect(n, n, "one_to_one")
    with pytest.raises(KernelException, match="this SynapseCollection is out of date: connections were added "
                                              "since it was made; call get_connections again"):
        c.get("weight")
    assert len(sim.get_connections()) == 4


def test_synapse_models_defaults_and_copies(sim):
    assert "static_synapse" in sim.models("synapses")
    assert sim.get_defaults("static_synapse", "weight") == 1.0
    sim.copy_model("static_synapse", "slow", {"delay": 5.0})
    sim.set_defaults("static_synapse", {"weight": 3.0})
    n = sim.create("iaf_psc_delta", 2)
    sim.connect(n[0], n[1])
    sim.connect(n[0], n[1], syn_spec={"synapse_model": "slow", "weight": 4.0})
    assert sim.get_connections(synapse_model="static_synapse").get("weight").tolist() == [3.0]
    c = sim.get_connections(synapse_model="slow")
    assert c.get("weight").tolist() == [4.0] and c.get("delay").tolist() == [5.0]
    assert sim.get_defaults("slow")["num_connections"] == 1
    with pytest.raises(BadDelay, match="'delay' = 0.01 ms is not allowed"):
        sim.copy_model("static_synapse", "fast", {"delay": 0.01})
    assert "fast" not in sim.models()


def test_recorder_connections_do_not_shorten_min_delay(sim):
    n = sim.create("iaf_psc_delta", 3)
    sim.connect(n[0], n[1:], syn_spec={"delay": 1.5})
    sr = sim.create("spike_recorder")
    mm = sim.create("multimeter", params={"record_from": ["V_m"]})
    sim.connect(n, sr, syn_spec={"delay": 0.1})
    sim.connect(mm, n, syn_spec={"delay": 0.2})
    assert sim.min_delay == pytest.approx(1.5) and sim.max_delay == pytest.approx(1.5)
    assert sim.kernel_status()["min_delay"] == pytest.approx(1.5)


def test_target_indices_widen_when_the_network_outgrows_uint16():
    import numpy as np

    import spikesim
    sim = spikesim.Simulator()
    a = sim.create("parrot_neuron", 2)
    sim.connect(a[0], a[1])
    p = next(iter(sim.connector.projections.values()))
    assert p.tgt.dtype == np.uint16
    b = sim.create("parrot_neuron", 70_000)       # now 70,002 nodes
    sim.connect(a[0], b[-1:])
    assert p.tgt.dtype == np.int32
    assert sim.get_connections(a[0]).get("target").tolist() == [2, 70_002]
