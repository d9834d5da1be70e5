"""Bad input through the object API: a clear error, and the simulator left as it was.

Every case runs on the same small network after 5 ms of simulation.  It checks the
error class and message (parameter, value, what is allowed), then that nothing
changed: node parameters, connections, recorders, defaults, the clock, and, by
continuing the run, the random streams (the rest of the run must equal a run in which
the bad call never happened).
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.errors import (
    BadDelay,
    BadParameter,
    BadProperty,
    IllegalConnection,
    UnknownModelName,
)
from spikesim.network.nodes import NodeCollection


def network():
    sim = spikesim.Simulator(resolution=0.1, seed=3)
    n = sim.create("iaf_psc_delta", 4, {"I_e": 376.0, "V_m": spikesim.uniform(-70.0, -60.0)}, label="exc")
    sg = sim.create("spike_generator", params={"spike_times": [1.0, 2.0, 7.0]})
    pg = sim.create("poisson_generator", params={"rate": 8000.0})
    sr = sim.create("spike_recorder")
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
    spare = sim.create("multimeter", params={"record_from": ["V_mm"]})  # never connected
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 2}, {"weight": 2.0})
    sim.connect(sg, n, syn_spec={"weight": 5.0})
    sim.connect(pg, n, syn_spec={"weight": 0.5})
    sim.connect(n, sr)
    sim.connect(mm, n[:2])
    sim.simulate(5.0)
    return sim, {"n": n, "sg": sg, "pg": pg, "sr": sr, "mm": mm, "spare": spare}


def snapshot(sim: spikesim.Simulator) -> dict:
    """Everything a failed call could have changed, in comparable form."""
    # the seconds spent in create/connect/simulate (time_*) count failed calls too, as NEST's do: not state
    status = {k: v for k, v in sim.kernel_status().items() if not k.startswith("time_")}
    state: dict = {"status": status, "labels": sorted(sim.labels), "step": sim.step}
    for m in sim.models():
        state["defaults " + m] = repr(sim.get_defaults(m))
    for pop in sim.populations:
        st = NodeCollection(sim, pop.ids).get()
        st.pop("events", None)
        state[f"nodes {pop.first}"] = {k: repr(np.asarray(v).tolist()) for k, v in st.items()}
    if status["num_connections"]:
        cols = sim.get_connections().get("source", "target", "weight", "delay", "synapse_model")
        state["connections"] = {k: v.tolist() for k, v in cols.items()}
    return state


def _ev(nodes: NodeCollection) -> dict:
    return nodes.get("events")[0]


# (id, bad call, error class, message pattern); the pattern names parameter, value and the allowed set
CASES = [
    ("unknown model", lambda s, d: s.create("iaf_psc_nope", 2), UnknownModelName,
     r"unknown node model 'iaf_psc_nope'; the node models are \[.*'iaf_psc_delta'"),
    ("synapse model given to create", lambda s, d: s.create("static_synapse"), UnknownModelName,
     r"'static_synapse' is a synapse model; create takes a node model"),
    ("unknown synapse model", lambda s, d: s.connect(d["n"], d["n"], syn_spec="stdp_nope"), UnknownModelName,
     r"unknown synapse model 'stdp_nope'; the synapse models are \[.*'static_synapse'"),
    ("unknown parameter at create", lambda s, d: s.create("iaf_psc_delta", 2, {"V_mm": -60.0}), BadProperty,
     r"iaf_psc_delta: parameter 'V_mm' = -60.0 is not allowed; iaf_psc_delta has the parameters \[.*'V_m'"),
    ("unknown parameter at set", lambda s, d: d["n"].set(V_mm=-60.0), BadProperty,
     r"parameter 'V_mm' = -60.0 is not allowed; iaf_psc_delta has the parameters \[.*'V_m'"),
    ("unknown parameter of a list of dicts", lambda s, d: s.create("iaf_psc_delta", 2, [{"V_m": -60.0}, {"tau": 1.0}]),
     BadProperty, r"parameter 'tau' = 1.0 is not allowed; iaf_psc_delta has the parameters"),
    ("unknown recordable", lambda s, d: s.connect(d["spare"], d["n"][2:]), BadProperty,
     r"multimeter: parameter 'record_from' contains 'V_mm', which iaf_psc_delta cannot record; "
     r"its recordables are \['V_m'\]"),
    ("interval not a multiple of h", lambda s, d: s.create("multimeter", params={"interval": 0.15}), BadProperty,
     r"multimeter: parameter 'interval' = 0.15 is not allowed; it must be a positive multiple of the "
     r"resolution \(0.1 ms\)"),
    ("interval zero", lambda s, d: d["spare"].set(interval=0.0), BadProperty,
     r"'interval' = 0.0 is not allowed; it must be a positive multiple"),
    ("interval negative", lambda s, d: s.create("voltmeter", params={"interval": -1.0}), BadProperty,
     r"voltmeter: parameter 'interval' = -1.0 is not allowed; it must be a positive multiple"),
    ("interval changed after connect", lambda s, d: d["mm"].set(interval=1.0), BadProperty,
     r"multimeter: parameter 'interval' = 1.0 is not allowed; it cannot be changed after the multimeter "
     r"has been connected"),
    ("delay below resolution", lambda s, d: s.connect(d["n"], d["n"], syn_spec={"delay": 0.05}), BadDelay,
     r"parameter 'delay' = 0.05 ms is not allowed; delays must be >= the resolution \(0.1 ms\)"),
    ("random delay below resolution",
     lambda s, d: s.connect(d["n"], d["n"], syn_spec={"delay": spikesim.normal(0.3, 1.0)}), BadDelay,
     r"parameter 'delay' = -?\d.* ms is not allowed; delays must be >= the resolution"),
    ("delay of a synapse collection", lambda s, d: s.get_connections(d["n"], d["n"]).set(delay=0.01), BadDelay,
     r"'delay' = 0.01 ms is not allowed"),
    ("recorder stop before start", lambda s, d: d["sr"].set(start=5.0, stop=2.0), BadProperty,
     r"spike_recorder: parameter 'stop' = 2.0 is not allowed; it must be >= start \(5.0\)"),
    ("generator stop before start", lambda s, d: s.create("poisson_generator", params={"start": 5.0, "stop": 2.0}),
     BadProperty, r"poisson_generator: parameter 'stop' = 2.0 is not allowed; it must be >= start \(5.0\)"),
    ("unknown rule", lambda s, d: s.connect(d["n"], d["n"], "all_to_some"), BadProperty,
     r"connect: parameter 'rule' = 'all_to_some' is not allowed; choose one of \['all_to_all', 'one_to_one'"),
    ("all_to_all weights of the wrong shape",
     lambda s, d: s.connect(d["n"], d["n"], "all_to_all", {"weight": np.ones(3)}), BadProperty,
     r"parameter 'weight' = 'array of shape \(3,\)' is not allowed; give a scalar or an array of shape \(4, 4\)"),
    ("one_to_one delays of the wrong length",
     lambda s, d: s.connect(d["n"], d["n"], "one_to_one", {"delay": [1.0, 2.0]}), BadProperty,
     r"parameter 'delay' = 'array of shape \(2,\)' is not allowed; give a scalar or an array of shape \(4,\)"),
    ("fixed_indegree weights of the wrong shape",
     lambda s, d: s.connect(d["n"], d["n"], {"rule": "fixed_indegree", "indegree": 2}, {"weight": np.ones(4)}),
     BadProperty, r"'weight' = 'array of shape \(4,\)' is not allowed; give a scalar or an array of shape \(4, 2\)"),
    ("per-node values of the wrong length", lambda s, d: d["n"].set(V_m=[-60.0, -61.0, -62.0]), BadProperty,
     r"iaf_psc_delta: parameter 'V_m' = 'array of shape \(3,\)' is not allowed; give a scalar or 4 values"),
    ("per-node values at create", lambda s, d: s.create("iaf_psc_delta", 3, {"I_e": [1.0, 2.0]}), BadProperty,
     r"parameter 'I_e' = 'array of shape \(2,\)' is not allowed; give a scalar or 3 values"),
    ("list of dicts of the wrong length", lambda s, d: d["n"].set([{"V_m": -60.0}] * 3), BadParameter,
     r"NodeCollection.set: got 3 dicts for 4 nodes; give one dict per node or one dict for all"),
    ("list of dicts at create", lambda s, d: s.create("iaf_psc_delta", 3, [{"V_m": -60.0}] * 2), BadProperty,
     r"create: parameter 'params' = '2 dicts' is not allowed; give one dict or 3 dicts"),
    ("sampler the wrong way round", lambda s, d: s.connect(d["n"], d["mm"]), IllegalConnection,
     r"cannot connect node 1 \(iaf_psc_delta\) to node 8 \(multimeter\): a multimeter samples its targets: "
     r"connect it as connect\(multimeter, neurons\)"),
    ("spike recorder the wrong way round", lambda s, d: s.connect(d["sr"], d["n"]), IllegalConnection,
     r"cannot connect node 7 \(spike_recorder\) to node 1 \(iaf_psc_delta\): .*connect\(sources, spike_recorder\)"),
    ("second sampler connection", lambda s, d: s.connect(d["mm"], d["n"][1:]), IllegalConnection,
     r"multimeter 8 is already connected to node 2; a sampler records each neuron once"),
    ("multimeter on a generator without recordables", lambda s, d: s.connect(d["mm"], d["pg"]), IllegalConnection,
     r"cannot connect node 8 \(multimeter\) to node 6 \(poisson_generator\): a multimeter can only sample "
     r"neurons and generators with recordables"),
    ("unknown backend", lambda s, d: d["sr"].set(record_to="tape"), BadProperty,
     r"parameter 'record_to' = 'tape' is not allowed; choose one of the recording backends \[.*'ascii'.*'memory'"),
    ("unknown backend at create", lambda s, d: s.create("spike_recorder", params={"record_to": "tape"}),
     BadProperty, r"'record_to' = 'tape' is not allowed; choose one of the recording backends"),
    ("n_events other than 0", lambda s, d: d["sr"].set(n_events=3), BadProperty,
     r"spike_recorder: parameter 'n_events' = 3 is not allowed; only 0 may be set, to clear the events"),
    ("read-only parameter", lambda s, d: d["n"].set(global_id=3), BadProperty,
     r"iaf_psc_delta: parameter 'global_id' = 3 is not allowed; it is read-only"),
    ("invalid value", lambda s, d: d["n"].set(C_m=[250.0, 250.0, -1.0, 250.0]), BadProperty,
     r"iaf_psc_delta: parameter 'C_m' = -1.0 is not allowed; it must be > 0"),
    ("not a number", lambda s, d: d["n"].set(V_th="high"), BadProperty,
     r"iaf_psc_delta: parameter 'V_th' = 'high' is not allowed; it must be a number"),
    ("NaN", lambda s, d: d["n"].set(V_th=float("nan")), BadProperty,
     r"parameter 'V_th' = nan is not allowed; it must be a number"),
    ("simulate a negative time", lambda s, d: s.simulate(-1.0), BadProperty,
     r"simulate: parameter 't' = -1.0 is not allowed; it must be a finite number of ms >= 0"),
    ("simulate off the grid", lambda s, d: s.simulate(0.15), BadProperty,
     r"simulate: parameter 't' = 0.15 is not allowed; it must be a multiple of the resolution \(0.1 ms\)"),
    ("indegree too large", lambda s, d: s.connect(d["n"], d["n"], {"rule": "fixed_indegree", "indegree": 5,
                                                                    "allow_multapses": False}),
     BadProperty, r"connect: parameter 'indegree' = 5 is not allowed; at most 4 without multapses"),
    ("probability out of range", lambda s, d: s.connect(d["n"], d["n"], {"rule": "pairwise_bernoulli", "p": 1.5}),
     BadProperty, r"connect: parameter 'p' = 1.5 is not allowed; it must be a probability in \[0, 1\]"),
    ("one_to_one sizes", lambda s, d: s.connect(d["n"][:2], d["n"], "one_to_one"), BadProperty,
     r"rule 'one_to_one' needs as many sources as targets; got 2 sources and 4 targets"),
    ("unknown node id", lambda s, d: s.connect([1, 99], [2, 3], "one_to_one"), BadProperty,
     r"connect: parameter 'pre' = 99 is not allowed; node ids run from 1 to 9"),
    ("set_defaults unknown parameter", lambda s, d: s.set_defaults("iaf_psc_delta", {"tau": 3.0}), BadProperty,
     r"iaf_psc_delta: parameter 'tau' = 3.0 is not allowed; iaf_psc_delta has the parameters"),
    ("copy_model onto an existing name", lambda s, d: s.copy_model("iaf_psc_delta", "parrot_neuron"), BadProperty,
     r"copy_model: parameter 'new' = 'parrot_neuron' is not allowed; a model of that name exists already"),
    ("duplicate label", lambda s, d: s.create("parrot_neuron", label="exc"), BadProperty,
     r"create: parameter 'label' = 'exc' is not allowed; labels must be unique"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_and_changes_nothing(case):
    _, call, exc, pattern = case
    sim, d = network()
    before = snapshot(sim)
    with pytest.raises(exc, match=pattern):
        call(sim, d)
    assert snapshot(sim) == before
    # continuing gives the run in which the bad call never happened (streams untouched)
    sim.simulate(10.0)
    clean, dc = network()
    clean.simulate(10.0)
    for key in ("sr", "mm"):
        a, b = _ev(d[key]), _ev(dc[key])
        assert a.keys() == b.keys()
        for col in a:
            np.testing.assert_array_equal(a[col], b[col])
    assert len(_ev(d["sr"])["times"]) > 0


def test_failed_connect_does_not_consume_random_draws():
    sim, d = network()
    with pytest.raises(BadDelay):
        sim.connect(d["n"], d["n"], {"rule": "fixed_indegree", "indegree": 3}, {"delay": 0.01})
    sim.connect(d["n"], d["n"], {"rule": "fixed_indegree", "indegree": 3})
    clean, dc = network()
    clean.connect(dc["n"], dc["n"], {"rule": "fixed_indegree", "indegree": 3})
    np.testing.assert_array_equal(sim.get_connections().get("source"), clean.get_connections().get("source"))


def test_error_classes_are_catchable_as_python_errors():
    sim = spikesim.Simulator()
    with pytest.raises(KeyError):
        sim.create("nope")
    with pytest.raises(ValueError):
        sim.create("iaf_psc_delta", params={"nope": 1})
    with pytest.raises(spikesim.errors.SpikesimError):
        sim.simulate(-1)


def test_failed_list_of_dicts_set_changes_no_node():
    sim, d = network()
    before = d["n"].get("V_m")
    with pytest.raises(BadProperty, match="parameter 'tau' = 1.0 is not allowed"):
        d["n"].set([{"V_m": -50.0}, {"V_m": -51.0}, {"V_m": -52.0}, {"tau": 1.0}])
    np.testing.assert_array_equal(d["n"].get("V_m"), before)


def test_failed_create_of_recorders_leaves_no_file(tmp_path):
    sim = spikesim.Simulator()
    sim.data_path = str(tmp_path)
    with pytest.raises(BadProperty, match="parameter 'start' = 0.05 is not allowed"):
        sim.create("spike_recorder", 2, [{"record_to": "ascii"}, {"start": 0.05}])
    sim.create("parrot_neuron", 2)
    sim.simulate(1.0)
    assert list(tmp_path.iterdir()) == []


def test_set_defaults_rejects_bad_values():
    sim = spikesim.Simulator()
    with pytest.raises(BadProperty, match="parameter 'C_m' = -1.0 is not allowed; it must be > 0"):
        sim.set_defaults("iaf_psc_delta", {"C_m": -1.0})
