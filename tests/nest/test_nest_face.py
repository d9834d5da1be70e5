"""spikesim.nest: PyNEST's names, return conventions, kernel attributes and errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import spikesim.nest as nest  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_kernel():
    nest.ResetKernel()
    yield
    nest.ResetKernel()  # leave no threads, seeds or nodes to other test modules
    import matplotlib.pyplot as plt
    plt.close("all")


def _network():
    n = nest.Create("iaf_psc_delta", 3, {"I_e": 500.0})
    sr = nest.Create("spike_recorder")
    vm = nest.Create("voltmeter")
    nest.Connect(n, sr)
    nest.Connect(vm, n)
    return n, sr, vm


def test_kernel_attributes_read_and_write():
    assert nest.resolution == 0.1 and nest.biological_time == 0.0
    assert nest.local_num_threads == 1 and nest.total_num_virtual_procs == 1 and nest.NumProcesses() == 1
    assert nest.print_time is False and nest.overwrite_files is False
    assert "iaf_psc_delta" in nest.node_models and "static_synapse" in nest.synapse_models
    nest.resolution = 0.2
    nest.rng_seed = 42
    nest.local_num_threads = 2
    nest.overwrite_files = True
    assert (nest.resolution, nest.rng_seed, nest.local_num_threads, nest.overwrite_files) == (0.2, 42, 2, True)
    assert nest.GetKernelStatus("rng_seed") == 42 and nest.GetKernelStatus(["resolution"]) == (0.2,)
    nest.SetKernelStatus({"rng_seed": 7, "print_time": False})
    assert nest.GetKernelStatus()["rng_seed"] == 7
    nest.ResetKernel()
    assert (nest.resolution, nest.rng_seed, nest.local_num_threads) == (0.1, 143202461, 1)  # NEST 3.10's seed


def test_kernel_attribute_errors():
    # PyNEST 3.10: an AttributeError on the module, a ValueError through SetKernelStatus
    with pytest.raises(AttributeError, match="kernel attribute 'biological_time' is read-only"):
        nest.biological_time = 3.0
    with pytest.raises(ValueError, match="kernel attribute 'network_size' is read-only"):
        nest.SetKernelStatus({"network_size": 120})
    with pytest.raises(nest.NESTErrors.BadProperty, match=r"SetKernelStatus: parameter 'rng' = 3 is not allowed; "
                                                          r"the settable kernel attributes are \['data_path'"):
        nest.SetKernelStatus({"rng": 3})
    with pytest.raises(nest.NESTErrors.BadProperty, match=r"GetKernelStatus: there is no kernel attribute "
                                                          r"'resolutoin'; the kernel attributes are \["):
        nest.GetKernelStatus("resolutoin")
    with pytest.raises(AttributeError, match=r"cannot set attribute 'resolutoin' on module 'spikesim.nest'; the "
                                             r"kernel attributes are \[.*'resolution'"):
        nest.resolutoin = 0.2
    with pytest.raises(AttributeError, match="module 'spikesim.nest' has no attribute 'resolutoin'"):
        nest.resolutoin  # noqa: B018
    nest.Create("iaf_psc_delta")
    with pytest.raises(nest.KernelException, match="resolution: it can only be changed before nodes are created"):
        nest.resolution = 0.2
    assert nest.resolution == 0.1


def test_verbosity():
    nest.set_verbosity("M_ERROR")
    assert nest.get_verbosity() == nest.VerbosityLevel.ERROR
    nest.verbosity = nest.VerbosityLevel.WARNING
    assert nest.verbosity == nest.VerbosityLevel.WARNING
    with pytest.raises(nest.NESTErrors.BadProperty, match=r"set_verbosity: parameter 'level' = 'M_LOUD' is not "
                                                          r"allowed; use one of \['ALL', 'DEBUG'"):
        nest.set_verbosity("M_LOUD")
    assert nest.verbosity == nest.VerbosityLevel.WARNING


def test_error_classes_have_nest_names():
    with pytest.raises(nest.NESTErrors.UnknownModelName, match="unknown node model 'iaf_nope'"):
        nest.Create("iaf_nope")
    with pytest.raises(nest.kernel.NESTError):
        nest.Create("iaf_nope")
    n = nest.Create("iaf_psc_delta", 2)
    with pytest.raises(nest.NESTErrors.BadProperty, match="parameter 'V_mm' = 1.0 is not allowed"):
        n.set(V_mm=1.0)
    with pytest.raises(nest.NESTErrors.BadDelay, match=r"'delay' = 0.01 ms is not allowed; delays must be >= the "
                                                       r"resolution \(0.1 ms\)"):
        nest.Connect(n, n, syn_spec={"delay": 0.01})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
    with pytest.raises(nest.NESTErrors.IllegalConnection, match=r"connect it as connect\(multimeter, neurons\)"):
        nest.Connect(n, mm)
    assert nest.GetKernelStatus("num_connections") == 0


def test_node_collection_get_follows_pynest_shapes():
    n = nest.Create("iaf_psc_delta", 3, {"V_m": [-60.0, -61.0, -62.0]})
    assert n[0].get("V_m") == -60.0 and isinstance(n[0].get("V_m"), float)
    assert n.get("V_m") == (-60.0, -61.0, -62.0)
    assert n.get(["V_m"]) == {"V_m": (-60.0, -61.0, -62.0)}
    assert n[1].get("V_m", "C_m") == {"V_m": -61.0, "C_m": 250.0}
    assert n.get(["V_m", "C_m"])["C_m"] == (250.0,) * 3
    assert n[0].get()["V_m"] == -60.0 and n[0].get()["model"] == "iaf_psc_delta"
    assert n[0].get("recordables") == ["V_m"]
    frame = n.get(["V_m", "C_m"], output="pandas")
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == ["V_m", "C_m"]
    assert frame.index.tolist() == [1, 2, 3] and frame["V_m"].tolist() == [-60.0, -61.0, -62.0]
    assert n.get("V_m", output="pandas").shape == (3, 1)
    # NEST 3.10 gives the bare list for one key (checked with the NEST venv)
    assert n.get("V_m", output="json") == "[-60.0, -61.0, -62.0]"


def test_node_collection_attributes_and_set():
    n = nest.Create("iaf_psc_delta", 3)
    n.V_m = -58.0
    assert n.V_m == (-58.0,) * 3
    n[0].V_m = -50.0
    assert n[0].V_m == -50.0
    n.set({"I_e": [1.0, 2.0, 3.0]})
    n.set([{"C_m": 100.0}, {"C_m": 200.0}, {"C_m": 300.0}])
    n.set(tau_m=(5.0, 6.0, 7.0))
    assert n.I_e == (1.0, 2.0, 3.0) and n.C_m == (100.0, 200.0, 300.0) and n.tau_m == (5.0, 6.0, 7.0)
    n.set(V_th=nest.random.uniform(-55.0, -50.0))
    assert all(-55.0 <= v < -50.0 for v in n.V_th)
    with pytest.raises(AttributeError, match="'V_mm' is not a parameter of these nodes"):
        n.V_mm  # noqa: B018
    with pytest.raises(AttributeError, match="_private"):
        n._private  # noqa: B018
    with pytest.raises(nest.NESTErrors.BadProperty, match="parameter 'V_mm' = 1.0 is not allowed"):
        n.V_mm = 1.0
    assert n.spatial is None
    assert isinstance(n[1:], nest.NodeCollection) and isinstance(n + nest.Create("parrot_neuron"),
                                                                 nest.NodeCollection)


def test_random_parameters_in_create_and_syn_spec():
    n = nest.Create("iaf_psc_delta", 100, {"V_m": nest.random.normal(-65.0, 2.0),
                                           "I_e": nest.random.lognormal(0.0, 0.5),
                                           "C_m": nest.random.uniform(200.0, 300.0),
                                           "tau_m": nest.random.exponential(10.0)})
    v = np.array(n.V_m)
    assert abs(v.mean() + 65.0) < 1.0 and np.unique(v).size == 100
    assert min(n.I_e) > 0 and min(n.C_m) >= 200.0 and min(n.tau_m) > 0
    nest.Connect(n, n, {"rule": "fixed_indegree", "indegree": 5},
                 {"weight": nest.random.normal(1.0, 0.1), "delay": nest.random.uniform(1.0, 2.0)})
    c = nest.GetConnections()
    assert len(c) == 500 and np.std(c.weight) > 0.05 and min(c.delay) >= 1.0 and max(c.delay) <= 2.0


def test_get_status_set_status_get_nodes_and_defaults():
    n, sr, vm = _network()
    assert nest.GetStatus(n, "V_m") == (-70.0,) * 3 and nest.GetStatus(n[0], "V_m") == (-70.0,)
    assert nest.GetStatus(n[:2], ["V_m", "C_m"]) == ((-70.0, 250.0), (-70.0, 250.0))
    assert nest.GetStatus(n)[1]["global_id"] == 2
    nest.SetStatus(n, {"V_m": -65.0})
    nest.SetStatus(n[0], "V_m", -60.0)
    nest.SetStatus(n[1:], [{"V_m": -61.0}, {"V_m": -62.0}])
    assert n.V_m == (-60.0, -61.0, -62.0)
    assert nest.GetNodes().tolist() == [1, 2, 3, 4, 5]
    assert nest.GetNodes({"model": "voltmeter"}).tolist() == [5]
    assert nest.GetNodes({"V_m": -61.0}).tolist() == [2]
    nest.CopyModel("iaf_psc_delta", "quick", {"tau_m": 5.0})
    nest.SetDefaults("quick", {"C_m": 100.0})
    nest.SetDefaults("quick", "V_th", -52.0)
    q = nest.Create("quick")
    assert (q.tau_m, q.C_m, q.V_th, q.model) == (5.0, 100.0, -52.0, "quick")
    # several keys give a list, as in PyNEST 3.10
    assert nest.GetDefaults("quick", "tau_m") == 5.0 and nest.GetDefaults("quick", ["C_m", "V_th"]) == [100.0, -52.0]
    assert nest.GetDefaults("static_synapse")["num_connections"] == 6
    assert '"tau_m": 5.0' in nest.GetDefaults("quick", output="json")
    with pytest.raises(nest.NESTErrors.BadProperty, match=r"GetDefaults: model 'quick' has no key 'tau'; its keys "
                                                          r"are \[.*'tau_m'"):
        nest.GetDefaults("quick", ["tau_m", "tau"])
    assert {"iaf_psc_delta", "quick", "static_synapse"} <= set(nest.Models())
    assert "static_synapse" not in nest.Models("nodes")
    # NEST 3.10's list (sorted synapse_models containing 'static')
    assert nest.Models("synapses", sel="static") == (
        "static_synapse", "static_synapse_hom_w", "static_synapse_hom_w_hpc", "static_synapse_hom_w_lbl",
        "static_synapse_hpc", "static_synapse_lbl")


def test_connect_and_get_connections():
    n, sr, vm = _network()
    sc = nest.Connect(n, n, "one_to_one", {"weight": 2.0}, return_synapsecollection=True)
    assert len(sc) == 3 and sc.weight == [2.0] * 3
    c = nest.GetConnections(source=n, target=n)
    frame = c.get(["source", "target", "weight"], output="pandas")
    assert isinstance(frame, pd.DataFrame) and frame["target"].tolist() == [1, 2, 3]
    assert c[0].weight == 2.0 and c[1:].get("target") == [2, 3] and len(list(c)) == 3
    c.set(weight=[1.0, 2.0, 3.0])
    c.delay = 2.5
    c[2].set({"weight": 9.0})
    assert c.get("weight") == [1.0, 2.0, 9.0] and c.delay == [2.5] * 3
    assert c.get(["weight", "delay"]) == {"weight": [1.0, 2.0, 9.0], "delay": [2.5] * 3}
    c.set([{"weight": 4.0}, {"weight": 5.0}, {"weight": 6.0}])
    assert nest.GetStatus(c, "weight") == (4.0, 5.0, 6.0)
    nest.SetStatus(c, {"weight": 7.0})
    assert c.weight == [7.0] * 3
    assert nest.GetConnections(target=sr).get("source") == [1, 2, 3]
    assert nest.GetConnections(source=vm).get("target") == [1, 2, 3]
    assert len(nest.GetConnections(synapse_model="static_synapse")) == 9
    with pytest.raises(AttributeError, match="'wieght' is not a connection property"):
        c.wieght  # noqa: B018
    with pytest.raises(AttributeError, match="_parts_of"):
        c._parts_of  # noqa: B018
    with pytest.raises(IndexError, match="index 3 out of range for a SynapseCollection of 3 connections"):
        c[3]
    nest.Connect(np.array([3, 1]), np.array([2, 2]), "one_to_one", {"weight": 0.5})  # arrays of ids
    assert nest.GetConnections(source=n, target=n[1]).get("weight") == [0.5, 7.0, 0.5]
    assert len(nest.GetConnections(synapse_label=1)) == 0  # no labelled (*_lbl) connection
    with pytest.raises(nest.NESTErrors.InexistentConnection, match="no stdp_synapse connection to remove"):
        nest.Disconnect(n[0], n[0], syn_spec="stdp_synapse")  # NEST 3.10: InexistentConnection (none of that model)
    with pytest.raises(TypeError, match="must be either a nest.spatial.free or a nest.spatial.grid"):  # PyNEST's
        nest.Create("iaf_psc_delta", positions=3)
    assert nest.Create("iaf_psc_delta", {"V_m": -60.0}).V_m == -60.0  # PyNEST: a dict in place of n
    with pytest.raises(nest.NESTErrors.BadProperty, match=r"Create: parameter 'n' = \{'V_m': -60.0\} is not "
                                                          r"allowed; give params either as the second argument"):
        nest.Create("iaf_psc_delta", {"V_m": -60.0}, {"V_m": -61.0})


def test_simulate_and_read_recorders():
    n, sr, vm = _network()
    nest.Simulate(50.0)
    assert nest.biological_time == 50.0
    ev = sr.events
    assert sr.n_events == len(ev["times"]) > 0
    np.testing.assert_array_equal(sr.get("events")["senders"], ev["senders"])
    assert np.all(np.diff(ev["times"]) >= 0) and set(ev["senders"].tolist()) == {1, 2, 3}
    # NEST 3.10 gives 147: the samples of the last 1 ms slice (t = 50) come with the next Simulate
    assert vm.n_events == 3 * 49 and vm.events["V_m"].shape == (147,)
    sr.n_events = 0
    assert sr.n_events == 0 and sr.events["times"].size == 0
    with pytest.raises(nest.NESTErrors.BadProperty, match="'n_events' = 5 is not allowed; only 0 may be set"):
        sr.n_events = 5
    with nest.RunManager():
        nest.Run(20.0)
    assert nest.biological_time == 70.0 and sr.n_events > 0


def test_raster_plot_and_voltage_trace_return_lines_as_pynest():
    import matplotlib.lines
    n, sr, vm = _network()
    with pytest.raises(nest.NESTErrors.BadProperty, match="raster_plot: no events recorded"):
        nest.raster_plot.from_device(sr)
    nest.Simulate(50.0)
    # PyNEST 3.10: from_device returns plt.plot's list of lines (raster, histogram by default),
    # voltage_trace one such list per neuron
    lines = nest.raster_plot.from_device(sr)
    assert len(lines) == 1 and isinstance(lines[0], matplotlib.lines.Line2D)
    assert len(lines[0].figure.axes) == 2
    assert len(nest.raster_plot.from_device(sr, hist=False)[0].figure.axes) == 1
    traces = nest.voltage_trace.from_device(vm)
    assert len(traces) == 3 and all(isinstance(t[0], matplotlib.lines.Line2D) for t in traces)
    with pytest.raises(nest.NESTErrors.BadProperty, match="raster_plot: give one spike_recorder"):
        nest.raster_plot.from_device(vm)
    with pytest.raises(nest.NESTErrors.BadProperty, match="voltage_trace: give one voltmeter or multimeter"):
        nest.voltage_trace.from_device(sr)


def test_reset_kernel_forgets_everything():
    _network()
    nest.CopyModel("iaf_psc_delta", "gone")
    nest.Simulate(5.0)
    nest.ResetKernel()
    assert nest.GetKernelStatus("network_size") == 0 and nest.biological_time == 0.0
    assert "gone" not in nest.node_models and nest.Create("parrot_neuron").tolist() == [1]


def test_face_and_object_api_share_one_simulator():
    n = nest.Create("iaf_psc_delta", 2)
    sim = nest.get_simulator()
    sim.connect(n, n, "one_to_one")
    assert len(nest.GetConnections()) == 2 and sim.num_nodes == 2


def test_error_types_as_pynest():
    # exception types NEST 3.10 raises for each call (checked with NEST's venv; NEST's
    # testsuite other/test_status.py and regressions/test_ticket_692 assert them)
    nest.ResetKernel()
    with pytest.raises(KeyError):
        nest.GetKernelStatus("nonexistent_status_key")
    with pytest.raises(TypeError):
        nest.GetKernelStatus(42)
    with pytest.raises(ValueError):
        nest.SetKernelStatus({"nonexistent_status_key": 0})
    with pytest.raises(KeyError):
        nest.GetDefaults("iaf_psc_alpha", 42)
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry, match="nonexistent_status_key"):
        nest.SetDefaults("iaf_psc_alpha", "nonexistent_status_key", 0)
    assert nest.GetDefaults("iaf_psc_alpha", "V_m") == -70.0  # unchanged by the refused call
    for value in (0, 0.0, "", {}, "foo"):
        with pytest.raises(TypeError):
            nest.GetConnections(source=value)
        with pytest.raises(TypeError):
            nest.GetConnections(target=value)
    assert isinstance(nest.GetKernelStatus("memory_size"), int)
    assert set(nest.GetKernelStatus("spike_buffer_resize_log")) == {"global_max_spikes_sent", "new_buffer_size",
                                                                     "times"}


def test_stop_never_is_the_largest_double():
    # NEST 3.10: GetDefaults("spike_recorder", "stop") == 1.7976931348623157e+308 (sys.float_info.max),
    # and that value given back means "never stop"
    assert nest.GetDefaults("spike_recorder", "stop") == 1.7976931348623157e308
    assert nest.GetDefaults("poisson_generator", "stop") == 1.7976931348623157e308
    sr = nest.Create("spike_recorder", 2)
    assert sr.stop == (1.7976931348623157e308,) * 2
    assert sr[0].get()["stop"] == 1.7976931348623157e308
    sr.set({"stop": [1.7976931348623157e308, 3.0]})
    assert sr.stop == (1.7976931348623157e308, 3.0)
    assert np.isinf(nest.get_simulator().get_defaults("spike_recorder", "stop"))  # spikesim stores inf


def test_node_collection_add_zero_and_invalid_types():
    # NEST 3.10 (other/test_node_collection_operations.py): nc + 0 and 0 + nc give nc; adding
    # an int other than 0, a list or a tuple raises TypeError from either side
    nc = nest.Create("iaf_psc_alpha")
    assert nc + 0 == nc
    assert 0 + nc == nc
    for bad in (1, [], [0], (0,)):
        with pytest.raises(TypeError):
            nc + bad  # noqa: B018
        with pytest.raises(TypeError):
            bad + nc  # noqa: B018


def test_module_functions_cannot_be_replaced():
    # NEST 3.10 (other/test_nest_set_get.py): nest.get = 5 raises AttributeError; nest.get of an
    # unknown kernel attribute raises KeyError
    with pytest.raises(AttributeError):
        nest.get = 5
    with pytest.raises(KeyError):
        nest.get("accessAbsolutelyUnknownKernelAttribute")
    assert callable(nest.get)


def test_unknown_node_attribute_errors_as_pynest():
    # NEST 3.10 (other/test_node_collection_get.py, _set.py): reading an unknown attribute raises
    # KeyError; setting an unknown parameter raises UnaccessedDictionaryEntry and changes nothing
    nodes = nest.Create("iaf_psc_alpha", 10)
    with pytest.raises(KeyError):
        nodes.nonexistent_attribute  # noqa: B018
    assert not hasattr(nodes, "nonexistent_attribute")
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry, match="nonexistent_attribute"):
        nodes.nonexistent_attribute = 1.0
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry, match="nonexistent_attribute"):
        nodes.set({"V_m": -60.0, "nonexistent_attribute": 1.0})
    assert nodes.V_m == (-70.0,) * 10
