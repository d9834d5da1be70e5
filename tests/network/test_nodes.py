"""NodeCollection of the object API: ids, sequence operations, get and set."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadParameter, BadProperty, UnknownNode
from spikesim.network.nodes import NodeCollection


@pytest.fixture
def sim():
    return spikesim.Simulator(resolution=0.1, seed=5)


def test_ids_are_one_based_in_creation_order_devices_included(sim):
    a = sim.create("iaf_psc_delta", 3)
    sr = sim.create("spike_recorder")
    b = sim.create("parrot_neuron", 2)
    pg = sim.create("poisson_generator")
    assert a.tolist() == [1, 2, 3]
    assert sr.tolist() == [4]
    assert b.tolist() == [5, 6]
    assert pg.tolist() == [7]
    assert sim.num_nodes == 7
    assert sim.all_nodes().tolist() == list(range(1, 8))
    assert a.get("global_id").tolist() == [1, 2, 3]
    assert (a + sr + pg).get("global_id").tolist() == [1, 2, 3, 4, 7]
    assert (sr + pg).get("element_type").tolist() == ["recorder", "stimulator"]


def test_slicing_indexing_iteration_and_len(sim):
    n = sim.create("iaf_psc_delta", 6)
    assert len(n) == 6
    assert n[0].tolist() == [1] and n[-1].tolist() == [6]
    assert n[1:4].tolist() == [2, 3, 4]
    assert n[::2].tolist() == [1, 3, 5]
    assert n[[4, 0]].tolist() == [1, 5]
    assert n[np.array([True, False] * 3)].tolist() == [1, 3, 5]
    assert [x.tolist() for x in n[:3]] == [[1], [2], [3]]
    assert all(isinstance(x, NodeCollection) and len(x) == 1 for x in n)
    assert 3 in n and 9 not in n and n[2:4] in n
    assert n.index(4) == 3
    assert n[2:4] == NodeCollection(sim, [3, 4])
    assert hash(n[2:4]) == hash(NodeCollection(sim, [3, 4]))
    assert repr(n[1:3]) == "NodeCollection(metadata=None, model=iaf_psc_delta, size=2, ids=2..3)"
    ro = n.ids
    with pytest.raises(ValueError):
        ro[0] = 7
    with pytest.raises(IndexError, match="index 6 out of range for a NodeCollection of 6 nodes"):
        n[6]
    with pytest.raises(BadParameter, match="slicing with a negative step is not allowed"):
        n[::-1]
    with pytest.raises(ValueError, match="node 9 is not in this NodeCollection"):
        n.index(9)


def test_addition_merges_sorted_and_rejects_overlap(sim):
    a = sim.create("iaf_psc_delta", 2)
    b = sim.create("parrot_neuron", 2)
    assert (b + a).tolist() == [1, 2, 3, 4]
    assert (a[0] + b[1]).tolist() == [1, 4]
    with pytest.raises(BadParameter, match="the collections to add overlap"):
        a + a[1]
    other = spikesim.Simulator().create("iaf_psc_delta")
    with pytest.raises(BadParameter, match="can only add collections of the same simulator"):
        a + other
    with pytest.raises(BadParameter, match="can only add collections of the same simulator"):
        a + [3]  # noqa: RUF005 - adding a list is the error under test


def test_collections_check_their_ids(sim):
    sim.create("iaf_psc_delta", 3)
    with pytest.raises(BadParameter, match=r"node ids must be unique and in ascending order, got \[3, 1\]"):
        NodeCollection(sim, [3, 1])
    with pytest.raises(UnknownNode, match="node id 9 does not exist; ids run from 1 to 3"):
        NodeCollection(sim, [1, 9])
    assert len(NodeCollection(sim, [])) == 0


def test_labels(sim):
    exc = sim.create("iaf_psc_delta", 4, label="exc")
    inh = sim.create("iaf_psc_delta", 1, label="inh")
    assert sim.nodes("exc") == exc and sim.nodes("inh") == inh
    assert sorted(sim.labels) == ["exc", "inh"]
    with pytest.raises(BadProperty, match=r"nodes: parameter 'label' = 'ex' is not allowed; known labels "
                                          r"are \['exc', 'inh'\]"):
        sim.nodes("ex")


def test_get_returns_one_array_per_key(sim):
    n = sim.create("iaf_psc_delta", 3, {"I_e": 10.0})
    v = n.get("V_m")
    assert isinstance(v, np.ndarray) and v.tolist() == [-70.0] * 3
    both = n.get("V_m", "I_e")
    assert set(both) == {"V_m", "I_e"} and both["I_e"].tolist() == [10.0] * 3
    everything = n.get()
    assert {"V_m", "C_m", "tau_m", "model", "global_id", "recordables"} <= set(everything)
    assert n[0].get("V_m").tolist() == [-70.0]


def test_set_scalar_array_list_of_dicts_and_keywords(sim):
    n = sim.create("iaf_psc_delta", 3)
    n.set(V_m=-60.0)
    assert n.get("V_m").tolist() == [-60.0] * 3
    n.set({"V_m": [-61.0, -62.0, -63.0], "I_e": np.array([1.0, 2.0, 3.0])})
    assert n.get("V_m").tolist() == [-61.0, -62.0, -63.0] and n.get("I_e").tolist() == [1.0, 2.0, 3.0]
    n.set([{"V_m": -50.0}, {"I_e": 7.0}, {"V_m": -52.0, "I_e": 9.0}])
    assert n.get("V_m").tolist() == [-50.0, -62.0, -52.0]
    assert n.get("I_e").tolist() == [1.0, 7.0, 9.0]
    n[1:].set(C_m=100.0)
    assert n.get("C_m").tolist() == [250.0, 100.0, 100.0]
    with pytest.raises(BadParameter, match="give either a list of dicts or keywords, not both"):
        n.set([{}, {}, {}], V_m=1.0)
    with pytest.raises(BadProperty, match=r"parameter 'refractory_input' = 1 is not allowed; it must be True or False"):
        n.set(refractory_input=1)


def test_membrane_potential_keeps_its_value_when_E_L_moves(sim):
    n = sim.create("iaf_psc_delta", 2, {"V_m": -65.0})
    n.set(E_L=-60.0)
    assert n.get("V_m").tolist() == [-65.0, -65.0]
    n.set(E_L=-50.0, V_m=-55.0)
    assert n.get("V_m").tolist() == [-55.0, -55.0]


def test_per_node_params_at_create(sim):
    n = sim.create("iaf_psc_delta", 3, {"V_m": [-60.0, -61.0, -62.0], "I_e": 5.0})
    assert n.get("V_m").tolist() == [-60.0, -61.0, -62.0] and n.get("I_e").tolist() == [5.0] * 3
    m = sim.create("iaf_psc_delta", 2, [{"V_m": -55.0}, {"C_m": 100.0}])
    assert m.get("V_m").tolist() == [-55.0, -70.0] and m.get("C_m").tolist() == [250.0, 100.0]
    g = sim.create("spike_generator", 2, [{"spike_times": [1.0]}, {"spike_times": [2.0, 3.0]}])
    assert [list(x) for x in g.get("spike_times")] == [[1.0], [2.0, 3.0]]


def test_random_parameters_at_create_and_set(sim):
    n = sim.create("iaf_psc_delta", 200, {"V_m": spikesim.uniform(-70.0, -60.0)})
    v = n.get("V_m")
    assert v.min() >= -70.0 and v.max() < -60.0 and np.unique(v).size == 200
    n.set(I_e=spikesim.normal(100.0, 10.0))
    assert abs(n.get("I_e").mean() - 100.0) < 3.0 and 7.0 < n.get("I_e").std() < 13.0
    again = spikesim.Simulator(resolution=0.1, seed=5).create("iaf_psc_delta", 200,
                                                              {"V_m": spikesim.uniform(-70.0, -60.0)})
    np.testing.assert_array_equal(again.get("V_m"), v)
    other = spikesim.Simulator(resolution=0.1, seed=6).create("iaf_psc_delta", 200,
                                                              {"V_m": spikesim.uniform(-70.0, -60.0)})
    assert not np.array_equal(other.get("V_m"), v)
    with pytest.raises(BadProperty, match=r"parameter 'V_m' = Normal\(mean=0.0, std=1.0\) is not allowed; it must "
                                          r"be a number \(random parameters go in one dict for all nodes"):
        n[:2].set([{"V_m": spikesim.normal()}, {"V_m": -60.0}])


def test_get_of_an_unknown_key_lists_the_keys(sim):
    n = sim.create("iaf_psc_delta", 2)
    p = sim.create("parrot_neuron")
    sr = sim.create("spike_recorder")
    with pytest.raises(BadProperty, match=r"iaf_psc_delta: there is no parameter 'V_mm' to get; iaf_psc_delta "
                                          r"has the keys \[.*'V_m'"):
        n.get("V_mm")
    with pytest.raises(BadProperty, match="parrot_neuron: there is no parameter 'V_m' to get"):
        (n + p).get("V_m")
    with pytest.raises(BadProperty, match=r"spike_recorder: there is no parameter 'V_m' to get; spike_recorder "
                                          r"has the keys \['bin', 'duty', 'element_type', 'events', 'frozen', "
                                          r"'global_id'"):
        sr.get("V_m")


def test_mixed_collections_report_common_keys_typed(sim):
    n = sim.create("iaf_psc_delta", 2)
    sg = sim.create("spike_generator")
    st = (n + sg).get()
    assert set(st) == {"model", "global_id", "element_type", "local", "thread", "vp", "frozen"}
    assert st["local"].dtype == bool
    assert st["model"].tolist() == ["iaf_psc_delta", "iaf_psc_delta", "spike_generator"]


def test_bad_defaults_fail_when_given_not_later(sim):
    with pytest.raises(BadProperty, match="iaf_psc_delta: parameter 'tau_m' = -1.0 is not allowed; it must be > 0"):
        sim.copy_model("iaf_psc_delta", "broken", {"tau_m": -1.0})
    assert "broken" not in sim.models()
    with pytest.raises(BadProperty, match="parameter 'tau_m' = -1.0 is not allowed; it must be > 0"):
        sim.set_defaults("iaf_psc_delta", {"tau_m": -1.0})
    assert sim.get_defaults("iaf_psc_delta", "tau_m") == 10.0
    assert sim.num_nodes == 0


def test_generator_params_set_for_all_nodes(sim):
    g = sim.create("spike_generator", 2)
    g.set(spike_times=[1.0, 2.0])  # a list parameter: the same list for every node
    assert [list(x) for x in g.get("spike_times")] == [[1.0, 2.0], [1.0, 2.0]]
    g.set([{"spike_times": [3.0]}, {"spike_times": [4.0]}])
    assert [list(x) for x in g.get("spike_times")] == [[3.0], [4.0]]


def test_per_node_values_for_devices(sim):
    pg = sim.create("poisson_generator", 2, {"rate": [10.0, 20.0]})
    assert pg.get("rate").tolist() == [10.0, 20.0]
    sr = sim.create("spike_recorder", 2)
    sr.set(start=[1.0, 2.0])
    assert sr.get("start").tolist() == [1.0, 2.0]
