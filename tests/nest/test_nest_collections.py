"""The NEST face's NodeCollection and SynapseCollection as NEST 3.10 behaves.

Every expected value and exception class here was obtained by running the same
statements with NEST 3.10 (``~/.venvs/nest/bin/python``, ``import nest``) unless
said otherwise.
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim.nest as nest


@pytest.fixture(autouse=True)
def fresh_kernel():
    nest.ResetKernel()
    yield
    nest.ResetKernel()


@pytest.mark.parametrize(("key", "error"), [
    (slice(3, 3), nest.NESTErrors.BadParameter),  # NEST: "start < stop required."
    (slice(5, 2), nest.NESTErrors.BadParameter),
    (slice(-15, None), IndexError),  # NEST: "slice start value outside of the NodeCollection"
    (slice(None, 15), IndexError),
    (slice(None, -10), IndexError),
    (slice(10, None), IndexError),
    (slice(None, None, -3), IndexError),
    ([6, 5, 4], nest.NESTErrors.BadProperty),  # NEST: "Indices must be sorted in ascending order"
    ([5, 10, 15], IndexError),  # NEST: "pos 10 points outside of the NodeCollection"
    ([2, 5.5], TypeError),
    ([[2, 4], [6, 8]], TypeError),
    ([2, 2], ValueError),
    ([True] * 9, IndexError),
    ([1, False, 1], TypeError),
    (np.array([[True, False], [True, False]]), TypeError),
    (np.array([2.0, 5.5]), TypeError),
    (np.array([3, 3]), ValueError),
    ("a", IndexError),
])
def test_bad_keys_raise_as_nest(key, error):
    nc = nest.Create("iaf_psc_alpha", 10)
    with pytest.raises(error):
        nc[key]


def test_slices_and_arrays_select_as_nest():
    nc = nest.Create("iaf_psc_alpha", 10)
    assert nc[0:10].tolist() == list(range(1, 11))
    assert nc[-10:].tolist() == list(range(1, 11))
    assert nc[1:6:3].tolist() == [2, 5] and nc[-7:-4].tolist() == [4, 5, 6]
    assert nc[np.array([9])].tolist() == [10]
    assert nc[[True, False] * 5].tolist() == [1, 3, 5, 7, 9]
    assert nc[[]].tolist() == [] and nc[-1].tolist() == [10]


def test_numpy_conversion_gives_the_ids():
    nc = nest.Create("iaf_psc_alpha", 4)
    assert np.array(nc).tolist() == [1, 2, 3, 4]
    arr = np.zeros(6, dtype=int)
    arr[1:5] = nc
    assert arr.tolist() == [0, 1, 2, 3, 4, 0]


def test_equality_compares_ids_and_models_across_kernels():
    before = nest.Create("iaf_psc_exp", 3)
    nest.ResetKernel()
    after = nest.Create("iaf_psc_exp", 3)
    assert before == after
    nest.ResetKernel()
    alpha = nest.Create("iaf_psc_alpha", 3)
    assert alpha == nest.NodeCollection([1, 2, 3])
    assert alpha != before


def test_composite_get_gives_none_where_a_model_lacks_the_key():
    nc = nest.Create("iaf_psc_alpha", 2) + nest.Create("iaf_psc_delta", 2)
    # NEST 3.10: (None, None, False, False) and C_m 250.0 for all four
    assert nc.get("refractory_input") == (None, None, False, False)
    both = nc.get(["refractory_input", "C_m"])
    assert both == {"refractory_input": (None, None, False, False), "C_m": (250.0,) * 4}
    everything = nc.get()
    assert everything["tau_syn_ex"] == (2.0, 2.0, None, None)
    frame = nc.get("refractory_input", output="pandas")
    assert frame.index.tolist() == [1, 2, 3, 4] and frame.index.name is None


def test_set_list_shorter_than_the_nodes_is_an_index_error_and_extra_values_are_ignored():
    n = nest.Create("iaf_psc_alpha", 3)
    with pytest.raises(IndexError):  # NEST 3.10: "list index out of range"
        n.set(V_reset=[-80.0, -81.0])
    with pytest.raises(IndexError):
        n.V_reset = (-80.0, -81.0)
    with pytest.raises(IndexError):
        nest.SetStatus(n, {"V_reset": np.array([-80.0, -81.0])})
    assert n.V_reset == (-70.0,) * 3  # unchanged
    n.set(V_reset=[-80.0, -81.0, -82.0, -83.0])  # NEST reads the first three
    assert n.V_reset == (-80.0, -81.0, -82.0)


@pytest.mark.parametrize("key", ["vp", "global_id", "model", "recordables", "thread", "local", "element_type"])
def test_setting_a_read_only_entry_is_an_unaccessed_entry(key):
    n = nest.Create("iaf_psc_alpha", 3)
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry):  # NEST 3.10 for each of these keys
        n.set({key: n.get(key)[0]})


def test_face_status_entries_and_hidden_recording_extensions():
    n = nest.Create("iaf_psc_alpha", 3)
    mm = nest.Create("multimeter", 3, params={"record_from": ["V_m"]})
    # NEST 3.10: -1 before the first Simulate; frozen and node_uses_wfr False
    assert mm.get("thread_local_id") == (-1, -1, -1)
    assert n.get(["frozen", "node_uses_wfr"]) == {"frozen": (False,) * 3, "node_uses_wfr": (False,) * 3}
    nest.Connect(mm, n, "one_to_one")
    nest.Simulate(5.0)
    assert n.get("thread_local_id") == (0, 1, 2) and mm.get("thread_local_id") == (3, 4, 5)
    # NEST 3.10's multimeter status keys (model_id's value aside)
    assert sorted(mm[0].get()) == [
        "element_type", "events", "frozen", "global_id", "interval", "label", "local", "model", "model_id",
        "n_events", "node_uses_wfr", "offset", "origin", "record_from", "record_to", "start", "stop", "thread",
        "thread_local_id", "time_in_steps", "vp"]
    assert mm[0].get("duty") == 1.0  # spikesim's extension stays readable by name (spikesim's default)


def test_thread_local_id_with_two_threads_counts_devices_on_every_thread():
    nest.local_num_threads = 2
    n = nest.Create("iaf_psc_alpha", 4)
    mm = nest.Create("multimeter", 2)
    nest.Simulate(1.0)
    # stated derivation: spikesim places neurons 1, 2 on thread 0 and 3, 4 on thread 1 (contiguous
    # blocks); a node's index counts the nodes before it on its thread plus the devices, which (as
    # NEST's) exist on every thread and report thread 0
    assert n.get("thread") == (0, 0, 1, 1)
    assert n.get("thread_local_id") == (0, 1, 0, 1) and mm.get("thread_local_id") == (2, 3)


def test_to_array_lists_ids_all_by_rank_and_by_thread():
    """NEST 3.10's ``_to_array`` (its regressions/test_issue_3108): the same "All" and "Rank 0"
    lists; by thread every local thread is a key, and each id sits under the thread its
    ``thread`` status names (spikesim's contiguous blocks, where NEST deals ids round robin:
    NEST gives {0: [], 1: [1, 3, 5, 9]})."""
    nest.local_num_threads = 2
    n = nest.Create("parrot_neuron", 10)
    s = (n[:5] + n[7:])[::2]
    assert s._to_array() == {"All": [1, 3, 5, 9]}
    assert s._to_array("rank") == {"Rank 0": [1, 3, 5, 9]}
    by_thread = s._to_array("thread")
    assert sorted(by_thread) == [0, 1]
    assert sorted(i for ids in by_thread.values() for i in ids) == [1, 3, 5, 9]
    for t, ids in by_thread.items():
        assert all(nest.NodeCollection([i]).thread == t for i in ids)
    with pytest.raises(nest.NESTErrors.BadParameter):  # NEST: "to_array() accepts only 'all', ..."
        s._to_array("x")


def test_neurons_freeze_and_thaw_devices_and_create_refuse_frozen_true():
    n = nest.Create("iaf_psc_alpha", 2)
    n.set(frozen=False)
    nest.SetStatus(n, {"frozen": False, "V_m": -60.0})
    assert n.V_m == (-60.0, -60.0)
    n[1].set(frozen=True)
    assert n.frozen == (False, True)  # NEST 3.10: (False, True)
    nest.SetStatus(n, {"frozen": False})
    assert n.frozen == (False, False)
    with pytest.raises(nest.NESTErrors.NotImplemented):  # spikesim freezes existing neurons only
        nest.Create("iaf_psc_alpha", 1, {"frozen": True})
    with pytest.raises(nest.NESTErrors.NotImplemented):
        nest.Create("spike_recorder").set(frozen=True)


def _static_and_stdp():
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n, n, "one_to_one")
    nest.Connect(n, n, "one_to_one", {"synapse_model": "stdp_synapse", "alpha": 2.0})
    return n, nest.GetConnections()


def test_synapse_collection_get_as_nest():
    n, c = _static_and_stdp()
    # NEST 3.10: [None, None, 2.0, 2.0]; synapse_id is the synapse model's id
    assert c.get("alpha") == [None, None, 2.0, 2.0]
    static_id, stdp_id = (nest.GetDefaults(m, "synapse_modelid") for m in ("static_synapse", "stdp_synapse"))
    assert c.get("synapse_id") == [static_id, static_id, stdp_id, stdp_id]
    assert "synapse_modelid" not in c.get()
    frame = c.get(["source", "weight"], output="pandas")
    assert frame.index.tolist() == [1, 2, 1, 2]  # NEST 3.10: indexed by source
    assert nest.GetConnections(n[0]) == nest.GetConnections(n[0], synapse_model=None) and c == nest.GetConnections()
    assert c[0] != c[1]


def test_synapse_collection_set_one_dict_per_connection():
    _, c = _static_and_stdp()
    c.set(({"weight": 5.0}, {"weight": 6.0}, {"alpha": 3.0}, {"weight": 7.0}))
    # NEST 3.10: weights [5.0, 6.0, 1.0, 7.0], alpha [None, None, 3.0, 2.0]
    assert c.get("weight") == [5.0, 6.0, 1.0, 7.0] and c.get("alpha") == [None, None, 3.0, 2.0]


@pytest.mark.parametrize("params", [{"source": 2}, {"foo": 1.0}, [{"foo": 1.0}] * 4, [{"alpha": 1.0}] * 4])
def test_synapse_collection_set_of_no_property_is_unaccessed(params):
    _, c = _static_and_stdp()
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry):  # NEST 3.10 for the first three
        c.set(params)
    assert c.get("weight") == [1.0] * 4


def test_synapse_collection_after_reset_and_empty():
    _, c = _static_and_stdp()
    nest.ResetKernel()
    c.set(weight=3.0)  # NEST 3.10: no error, nothing there
    assert c.get() == {} and c.get("weight") == ()
    e = nest.GetConnections()
    assert e.get() == {} and e.get("weight") == ()
    assert e.get(output="pandas").empty  # NEST 3.10: an empty DataFrame


def test_get_connections_takes_node_collections_only():
    nest.Create("iaf_psc_alpha", 2)
    with pytest.raises(TypeError):  # NEST 3.10: "source must be NodeCollection."
        nest.GetConnections([1, 2])


def test_weight_recorder_filters_read_as_node_collections():
    pre = nest.Create("parrot_neuron", 5)
    wr = nest.Create("weight_recorder")
    assert wr.senders.tolist() == []  # NEST 3.10: NodeCollection(<empty>)
    wr.senders = pre[2:4]
    assert isinstance(wr.senders, nest.NodeCollection) and wr.senders.tolist() == [3, 4]


@pytest.mark.parametrize(("params", "error"), [
    ((), TypeError),  # NEST 3.10: "list of params must have one dictionary per node"
    ([{}, {}], TypeError),
    ("x", TypeError),  # NEST 3.10: "params must be either a dict of parameters or a list or tuple of dicts"
    ({"V_m": [-50.0]}, IndexError),  # NEST 3.10: "list index out of range"
    ({"V_mm": [-50.0] * 3}, nest.NESTErrors.UnaccessedDictionaryEntry),
    ({"V_mm": -50.0}, nest.NESTErrors.UnaccessedDictionaryEntry),
    ({"V_m": 2**63}, OverflowError),
])
def test_create_refuses_params_as_nest(params, error):
    with pytest.raises(error):
        nest.Create("iaf_psc_alpha", 3, params)
    assert nest.GetKernelStatus("network_size") == 0


def test_create_reads_lists_node_by_node():
    n = nest.Create("iaf_psc_alpha", 3, {"V_m": [-50.0, -51.0, -52.0, -53.0]})
    assert n.V_m == (-50.0, -51.0, -52.0)  # NEST 3.10: the extra value is ignored
    m = nest.Create("iaf_psc_alpha", 3, ({}, {"V_m": -60.0}, {}))
    assert m.V_m == (-70.0, -60.0, -70.0)


@pytest.mark.parametrize("value", [-(2**63) - 1, 2**63])
def test_ints_outside_nest_longs_overflow(value):
    n = nest.Create("iaf_psc_alpha")
    with pytest.raises(OverflowError):  # NEST 3.10's test_long_overflow
        n.V_m = value
    n.V_m = 2**63 - 1  # inside: NEST accepts it (as a double)


def test_set_defaults_refuses_random_parameters():
    with pytest.raises(ValueError):  # NEST 3.10's test_set_defaults: arrays and Parameter objects
        nest.SetDefaults("iaf_psc_alpha", {"tau_syn_ex": nest.random.uniform(0.0, 1.0)})
    assert nest.GetDefaults("iaf_psc_alpha", "tau_syn_ex") == 2.0


@pytest.mark.parametrize("rule", [
    {"rule": "fixed_indegree", "indegree": 1}, {"rule": "fixed_outdegree", "outdegree": 1},
    {"rule": "fixed_total_number", "N": 1}, {"rule": "pairwise_bernoulli", "p": 1.0}])
@pytest.mark.parametrize("recorder", ["spike_recorder", "weight_recorder"])
def test_random_rules_refuse_recorders_without_proxies(rule, recorder):
    n = nest.Create("iaf_psc_alpha")
    rec = nest.Create(recorder, 2)
    with pytest.raises(nest.NESTErrors.IllegalConnection):  # NEST 3.10 for each of these
        nest.Connect(n, rec, rule)
    assert len(nest.GetConnections()) == 0
    cd = nest.Create("correlation_detector", 2)
    nest.Connect(n, cd, rule)  # NEST 3.10: correlation detectors have proxies
    nest.Connect(n, rec, "all_to_all")


def test_all_to_all_array_without_autapses_skips_the_diagonal():
    n = nest.Create("iaf_psc_alpha", 3)
    w = np.arange(9.0).reshape(3, 3)  # rows: targets, columns: sources
    nest.Connect(n, n, {"rule": "all_to_all", "allow_autapses": False}, {"weight": w})
    c = nest.GetConnections()
    # NEST 3.10: [(1, 2, 3.0), (1, 3, 6.0), (2, 1, 1.0), (2, 3, 7.0), (3, 1, 2.0), (3, 2, 5.0)]
    assert list(zip(c.source, c.target, c.weight, strict=True)) == [
        (1, 2, 3.0), (1, 3, 6.0), (2, 1, 1.0), (2, 3, 7.0), (3, 1, 2.0), (3, 2, 5.0)]


def test_a_layer_joins_only_nodes_of_itself():
    # NEST 3.10: n + layer, layer + n and layer1 + layer2 raise BadProperty "Can only join
    # NodeCollections with same metadata."; parts of one layer and plain nodes of two models join
    n = nest.Create("iaf_psc_alpha", 10)
    m = nest.Create("iaf_psc_exp", 3)
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[5, 5]))
    other = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[5, 5]))
    for a, b in [(n, layer), (layer, n), (layer, other), (layer[0:3], n)]:
        with pytest.raises(nest.NESTErrors.BadProperty, match="same metadata"):
            a + b  # noqa: B018 - the addition is what raises
    assert len(n + m) == 13 and (n + m).spatial is None
    assert sum([layer]).spatial["network_size"] == 25
