"""NEST-face behaviour that NEST 3.10's own testsuite relies on.

Every expected value here was obtained by running the same script with NEST 3.10
(``~/.venvs/nest/bin/python``, the script with ``import nest``) unless said otherwise.
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


@pytest.mark.parametrize("with_delay", [False, True])
def test_multimeter_gets_samples_one_min_delay_slice_late(with_delay):
    n = nest.Create("iaf_psc_alpha", 2)
    if with_delay:  # a 2 ms connection: the multimeter's own 1 ms connections still set min_delay
        nest.Connect(n[0], n[1], syn_spec={"delay": 2.0})
    mm = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["V_m"]})
    nest.Connect(mm, n)
    nest.Simulate(10.0)
    # NEST 3.10: 180 samples (0.1 ... 9.0 ms for 2 neurons), n_events agrees
    assert len(mm.events["times"]) == 180 and mm.events["times"].max() == 9.0
    assert mm.n_events == 180 and nest.GetStatus(mm, "n_events") == (180,)
    nest.Simulate(5.0)
    # NEST 3.10: the held samples come with the next Simulate: 280, up to 14.0 ms
    assert len(mm.events["V_m"]) == 280 and mm.events["times"].max() == 14.0 and mm.n_events == 280


def test_samples_handed_over_with_a_shorter_min_delay():
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n[0], n[1], syn_spec={"delay": 0.5})
    mm = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["V_m"]})
    nest.Connect(mm, n)
    nest.Simulate(10.0)
    # NEST 3.10: min_delay 0.5 ms, samples up to 9.5 ms (95 per neuron)
    assert mm.n_events == 190 and mm.events["times"].max() == 9.5


def test_spike_recorders_are_not_held_back():
    n = nest.Create("iaf_psc_delta", 1, {"I_e": 1000.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(20.0)
    # NEST 3.10: the spikes of the last slice are in events when Simulate returns
    assert sr.n_events == len(sr.events["times"]) > 0


def test_multimeter_receptors_count_from_one_per_target():
    nrn = nest.Create("iaf_psc_alpha", 2)
    mm1 = nest.Create("multimeter", params={"record_from": ["V_m"]})
    mm2 = nest.Create("multimeter", params={"record_from": ["V_m"]})
    nest.Connect(mm1, nrn)
    nest.Connect(mm2, nrn[1])
    assert nest.GetConnections(mm1).get("receptor") == [1, 1]
    assert nest.GetConnections(mm2).get("receptor") == 2
    assert nest.GetConnections().get(["source", "target", "receptor"]) == {
        "source": [3, 3, 4], "target": [1, 2, 2], "receptor": [1, 1, 2]}


def test_spike_connections_keep_their_receptor():
    a = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(a[0], a[1])
    mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
    nest.Connect(mm, a)
    c = nest.GetConnections(a[0], a[1])
    assert c.get("receptor") == 0
    np.testing.assert_array_equal(nest.GetConnections(mm).get("receptor", output="pandas")["receptor"], [1, 1])


@pytest.mark.parametrize(("times", "offgrid", "expected"), [
    ([2.9999, 4.3001], False, [30, 43]),      # within half a tic (0.0005 ms) of a step: on it
    ([1.0, 1.9999, 3.0001], False, [10, 20, 30]),
    ([1.0, 1.05, 3.0001], True, [10, 11, 30]),  # off the grid: the end of its step
])
def test_spike_generator_times_on_the_tic_grid(times, offgrid, expected):
    sg = nest.Create("spike_generator", params={"spike_times": times, "allow_offgrid_times": offgrid, "stop": 6.0})
    sr = nest.Create("spike_recorder", params={"time_in_steps": True})
    nest.Connect(sg, sr, syn_spec={"delay": 1.0, "weight": 1.0})
    nest.Simulate(10.0)
    assert sr.events["times"].tolist() == expected  # NEST 3.10: the same steps


def test_spike_generator_errors_name_nest_causes():
    with pytest.raises(nest.NESTErrors.BadProperty, match="spike time cannot be set to 0"):
        nest.Create("spike_generator", params={"spike_times": [0.0]})
    with pytest.raises(nest.NESTErrors.BadProperty, match="Time point 4.33 is not representable in current "
                                                          r"resolution \(0.1 ms\)"):
        nest.Create("spike_generator", params={"spike_times": [4.33]})
    with pytest.raises(nest.NESTErrors.BadProperty, match="cannot be set to true when either allow_offgrid_times"):
        nest.Create("spike_generator", params={"precise_times": True, "shift_now_spikes": True})
    with pytest.raises(nest.NESTErrors.NotImplementedFeature, match="precise .* spike times are not supported"):
        nest.Create("spike_generator", params={"precise_times": True})
    sg = nest.Create("spike_generator", params={"spike_times": [0.0], "shift_now_spikes": True})
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, sr)
    nest.Simulate(3.0)
    assert sr.events["times"].tolist() == [0.1]  # NEST 3.10: shifted to the first step


def test_spike_multiplicities_reach_parrots_as_spikes():
    # NEST's test_multiplicity and issue 1100: one spike of multiplicity 2 -> two parrot spikes
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 3.0], "spike_multiplicities": [2, 3]})
    parrot = nest.Create("parrot_neuron")
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, parrot)
    nest.Connect(parrot, sr)
    nest.Simulate(10.0)
    assert sr.events["times"].tolist() == [2.0, 2.0, 4.0, 4.0, 4.0]
    with pytest.raises(nest.NESTErrors.BadProperty, match="spike_multiplicities"):
        sg.set({"spike_multiplicities": [1]})


def test_run_needs_prepare_and_cleanup_ends_it():
    # NEST's regression test of issue 659 asks for these errors
    with pytest.raises(nest.KernelException, match="Run: the kernel is not prepared"):
        nest.Run(10.0)
    with pytest.raises(nest.KernelException, match="Cleanup: the kernel is not prepared"):
        nest.Cleanup()
    nest.Prepare()
    with pytest.raises(nest.KernelException, match="Prepare: the kernel is prepared already"):
        nest.Prepare()
    nest.Run(10.0)
    nest.Run(5.0)
    nest.Cleanup()
    assert nest.biological_time == 15.0
    with pytest.raises(nest.KernelException, match="not prepared"):
        nest.Run(10.0)
    nest.Prepare()
    nest.ResetKernel()  # a fresh kernel is not prepared
    with pytest.raises(nest.KernelException, match="not prepared"):
        nest.Run(1.0)


def test_errors_carry_nest_words():
    # the phrases NEST 3.10 uses (and its tests match), with spikesim's own explanation after them
    nodes = nest.Create("iaf_psc_alpha", 3)
    with pytest.raises(nest.NESTErrors.BadProperty, match=r"Indegree cannot be larger"):
        nest.Connect(nodes, nodes[:1], {"rule": "fixed_indegree", "indegree": 4, "allow_multapses": False})
    with pytest.raises(nest.NESTErrors.BadProperty, match=r"Outdegree cannot be larger"):
        nest.Connect(nodes[:1], nodes, {"rule": "fixed_outdegree", "outdegree": 4, "allow_multapses": False})
    with pytest.raises(nest.NESTErrors.UnknownModelName, match="'unknown_model' is not a known model name: unknown "
                                                               "node model 'unknown_model'"):
        nest.Create("unknown_model")
    with pytest.raises(nest.NESTErrors.UnknownNode, match="Node with id 99 does not exist; ids run from 1 to 3"):
        nest.NodeCollection([99])
    vm, sr = nest.Create("voltmeter"), nest.Create("spike_recorder")
    with pytest.raises(nest.NESTErrors.IllegalConnection, match="Creation of connection is not possible: connect: "
                                                                r"cannot connect node 1 \(iaf_psc_alpha\)"):
        nest.Connect(nodes[0], vm)
    with pytest.raises(nest.NESTErrors.IllegalConnection, match="Creation of connection is not possible"):
        nest.Connect(sr, nodes)
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry, match="Unaccessed elements in params for model"):
        nest.SetDefaults("iaf_psc_alpha", "nonexistent_status_key", 0)
    nest.ResetKernel()
    nest.resolution = 0.3
    p = nest.Create("iaf_psc_alpha")
    with pytest.raises(nest.NESTErrors.BadDelay, match="Delay must be greater than or equal to resolution: .*"
                                                       r"'delay' = 0.1 ms is not allowed"):
        nest.Connect(p, p, syn_spec={"delay": 0.1})


def test_stale_collections_refuse_slicing_and_adding():
    a = nest.Create("iaf_psc_alpha", 10)
    b = nest.Create("iaf_psc_alpha", 2)
    assert len(a[8:9] + b) == 3
    nest.ResetKernel()
    for use in (lambda: a + b, lambda: a[8:9], lambda: a.get("V_m")):
        with pytest.raises(nest.NESTErrors.UnknownNode, match="InvalidNodeCollection: this NodeCollection belongs "
                                                              "to a kernel that was reset"):
            use()


def test_nested_get_of_events_is_held_back_too():
    n = nest.Create("iaf_psc_alpha", 3, params={"I_e": [100.0, 200.0, 300.0]})
    mm = nest.Create("multimeter", 3, params={"record_from": ["V_m", "I_syn_ex"]})
    nest.Connect(mm, n, "one_to_one")
    nest.Simulate(5.0)
    # NEST 3.10 (its test_getstatus_39_compatibility): samples at 1 ... 4 ms after Simulate(5)
    assert mm[0].get("events", "times").tolist() == [1.0, 2.0, 3.0, 4.0]
    # several nodes, a list of keys: one list per key (PyNEST 3.10, as NEST's test_getstatus_39_compatibility)
    assert [t.tolist() for t in mm.get("events", ["times"])["times"]] == [[1.0, 2.0, 3.0, 4.0]] * 3
    np.testing.assert_allclose(mm[2].get("events", "V_m"),
                               [-68.85804901643152, -67.82476903693578, -66.88981864818061, -66.04384055242767],
                               rtol=0, atol=1e-9)


@pytest.mark.parametrize("model", ["multimeter", "spike_recorder", "voltmeter", "iaf_psc_alpha", "dc_generator"])
def test_copied_models_report_their_name_and_a_later_id(model):
    # NEST's test_copy_model: a copy's nodes have the copy's name and a higher model_id
    nest.CopyModel(model, f"{model}_copy")
    org, new = nest.Create(model), nest.Create(f"{model}_copy")
    assert new.model == f"{model}_copy" and new.get()["model"] == f"{model}_copy"
    assert new.model_id > org.model_id


def test_set_defaults_takes_the_new_backends_keys_with_record_to():
    # NEST's test_recording_backends: a backend's keys may come with the record_to naming it
    nest.SetDefaults("multimeter", {"record_to": "ascii", "file_extension": "multimeter"})
    st = nest.Create("multimeter").get()
    assert st["record_to"] == "ascii" and st["file_extension"] == "multimeter"
    nest.SetDefaults("spike_recorder", {"record_to": "ascii"})
    assert nest.Create("spike_recorder").get("file_extension") == "dat"
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry, match=r"\['file_extension'\]"):
        nest.SetDefaults("voltmeter", {"record_to": "memory", "file_extension": "x"})


def test_multimeter_recording_nothing_runs():
    # NEST's ticket 349: an empty record_from records no events and does not stop the run
    mm = nest.Create("multimeter", params={"record_from": []})
    nrn = nest.Create("iaf_psc_alpha")
    nest.Connect(mm, nrn)
    nest.Simulate(10.0)
    assert len(mm.events["senders"]) == 0 and len(mm.events["times"]) == 0 and mm.n_events == 0


def test_connect_refuses_empty_collections():
    # NEST's test_connect_node_collection: IllegalConnection for an empty side
    nc = nest.Create("iaf_psc_alpha", 5)
    for pre, post in ((nc, nest.NodeCollection()), (nest.NodeCollection([]), nc),
                      (nest.NodeCollection(), nest.NodeCollection())):
        with pytest.raises(nest.NESTErrors.IllegalConnection, match="empty NodeCollection"):
            nest.Connect(pre, post)
    assert nest.num_connections == 0


def test_biological_time_set_to_its_value_is_no_change():
    nest.SetKernelStatus({"biological_time": 0.0, "rng_seed": 1})  # NEST's ticket 619
    assert nest.biological_time == 0.0 and nest.rng_seed == 1
    nest.Simulate(1.0)
    with pytest.raises(nest.KernelException, match="'biological_time' is read-only"):
        nest.SetKernelStatus({"biological_time": 0.0})


@pytest.mark.parametrize(("use_on_source", "allowed"), [(True, True), (False, False)])
def test_a_layer_connects_to_a_recorder_layer_by_pairwise_bernoulli_on_the_source_side(use_on_source, allowed):
    # NEST 3.10 (regressions/test_issue_665): with use_on_source each neuron is a source once
    # ([1, 2, 3, 4]); drawn on the target side the recorder (no proxies) is refused
    n = nest.Create("parrot_neuron", positions=nest.spatial.grid(shape=[2, 2]))
    sr = nest.Create("spike_recorder", positions=nest.spatial.grid(shape=[1, 1]))
    spec = {"rule": "pairwise_bernoulli", "p": 1.0, "use_on_source": use_on_source}
    if allowed:
        nest.Connect(n, sr, spec)
        assert sorted(nest.GetConnections(target=sr).get("source")) == [1, 2, 3, 4]
    else:
        with pytest.raises(nest.NESTErrors.IllegalConnection):
            nest.Connect(n, sr, spec)
        assert len(nest.GetConnections()) == 0
