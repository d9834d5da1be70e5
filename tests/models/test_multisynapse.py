"""iaf_psc_exp_multisynapse and iaf_psc_alpha_multisynapse (receptors 1..n, list ``tau_syn``).

The dynamics are checked against NEST 3.10 by the reference cases
(tests/data/nest/cases/iaf_psc_*_multisynapse_*.json, made by
tools/make_reference_multisynapse.py, replayed by tests/reference/test_nest_deterministic.py).
Here: NEST's defaults and recordables (tests/data/nest/multisynapse_defaults.json, same
script), NEST's set_status checks (read from each model's ``Parameters_::set`` in NEST's
sources), receptor checks, thread independence and checkpoints.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numba
import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty, UnknownReceptorType
from tests.reference import cases

MODELS = ("iaf_psc_exp_multisynapse", "iaf_psc_alpha_multisynapse")
DEFAULTS = json.loads((Path(__file__).resolve().parents[1] / "data" / "nest" / "multisynapse_defaults.json")
                      .read_text())
CASES = [n for n in cases.names() if n.startswith(MODELS)]


def _values(d: dict) -> dict:
    return {k: np.asarray(v).tolist() for k, v in d.items()}


def test_every_model_has_reference_cases():
    for model in MODELS:
        assert f"{model}_drive" in CASES and f"{model}_defaults" in CASES, model


@pytest.mark.parametrize("model", MODELS)
def test_defaults_and_recordables_are_nests(model):
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create(model)
    got = n.get()
    ref = DEFAULTS[model]
    for key, v in ref.items():
        if key in ("recordables", "recordables_3", "n_synapses_3"):
            continue
        np.testing.assert_array_equal(np.asarray(got[key]).ravel(), np.asarray(v, dtype=float), err_msg=key)
    assert sorted(n.get("recordables")[0]) == ref["recordables"]
    three = sim.create(model, params={"tau_syn": [1.0, 2.0, 3.0]})
    assert sorted(three.get("recordables")[0]) == ref["recordables_3"]
    assert len(three.get("tau_syn")[0]) == ref["n_synapses_3"]


# NEST 3.10 Parameters_::set checks: (parameter, a rejected value, an accepted boundary value or None)
CHECKS = [("C_m", 0.0, None), ("tau_m", 0.0, None), ("tau_m", -1.0, None), ("t_ref", -0.1, 0.0),
          ("V_reset", -55.0, -55.001), ("V_th", -70.0, -69.999), ("tau_syn", [2.0, 0.0], [2.0, 1e-9]),
          ("tau_syn", [-1.0], None), ("tau_minus", 0.0, None), ("tau_minus_triplet", 0.0, None)]


@pytest.mark.parametrize("model,key,bad,good", [(m, *c) for m in MODELS for c in CHECKS])
def test_nest_parameter_checks(model, key, bad, good):
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create(model)
    before = _values(n.get())
    with pytest.raises(BadProperty, match="lower than V_th" if key == "V_th" else f"'{key}'"):
        n.set({key: bad})
    assert _values(n.get()) == before
    if good is not None:
        n.set({key: good})
        np.testing.assert_array_equal(np.asarray(n.get(key)).ravel(), np.asarray(good, dtype=float))


def test_exp_time_constants_must_differ_from_tau_m():
    # NEST: "Membrane and synapse time constant(s) must differ" (exp only; alpha accepts them)
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create("iaf_psc_exp_multisynapse")
    with pytest.raises(BadProperty, match="differ from tau_m"):
        n.set({"tau_syn": [2.0, 10.0]})
    n.set({"tau_syn": [2.0, 10.000001]})
    sim.create("iaf_psc_alpha_multisynapse", params={"tau_syn": [2.0, 10.0]})


@pytest.mark.parametrize("model", MODELS)
def test_receptors(model):
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create(model, 2, params={"tau_syn": [1.0, 3.0]})
    sg = sim.create("spike_generator", params={"spike_times": [1.0]})
    dc = sim.create("dc_generator", params={"amplitude": 10.0})
    for bad in (0, 3):  # NEST: spikes need 1 <= receptor_type <= n_synapses
        with pytest.raises(UnknownReceptorType, match=f"receptor_type {bad} is not allowed"):
            sim.connect(sg, n, syn_spec={"receptor_type": bad})
    with pytest.raises(UnknownReceptorType, match="receptor_type 1 is not allowed"):
        sim.connect(dc, n, syn_spec={"receptor_type": 1})  # currents go to receptor 0
    assert len(sim.get_connections().get("source")) == 0
    sim.connect(dc, n)
    # before spikes are connected the number of receptors may change, on all neurons at once
    with pytest.raises(BadProperty, match="all 2 neurons"):
        n[0].set({"tau_syn": [1.0, 2.0, 3.0]})
    n.set({"tau_syn": [1.0, 2.0, 3.0]})
    sim.connect(sg, n, syn_spec={"receptor_type": 3, "weight": 5.0})
    with pytest.raises(BadProperty, match="have connections"):
        n.set({"tau_syn": [1.0, 2.0]})
    n.set({"tau_syn": [4.0, 5.0, 6.0]})  # the same number: allowed, as in NEST


def test_lists_per_neuron_and_from_defaults():
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    sim.copy_model("iaf_psc_exp_multisynapse", "ms4", {"tau_syn": [1.0, 2.0, 3.0, 4.0]})
    m = sim.create("ms4", 2, params=[{"tau_syn": [1.0, 2.0, 3.0, 5.0]}, {}])
    assert [list(x) for x in m.get("tau_syn")] == [[1.0, 2.0, 3.0, 5.0], [1.0, 2.0, 3.0, 4.0]]
    assert m.get("recordables")[1] == ["I_syn", "I_syn_1", "I_syn_2", "I_syn_3", "I_syn_4", "V_m"]
    with pytest.raises(BadProperty, match="lists of one length"):
        sim.create("ms4", 2, params=[{"tau_syn": [1.0, 2.0]}, {}])
    assert sim.num_nodes == 2  # the refused create made no nodes
    empty = sim.create("iaf_psc_alpha_multisynapse", params={"tau_syn": []})  # NEST allows no receptor
    assert empty.get("recordables")[0] == ["I_syn", "V_m"]


@pytest.mark.parametrize("model", MODELS)
def test_poisson_input_reaches_its_receptor_only(model):
    sim = spikesim.Simulator(resolution=0.1, seed=7)
    n = sim.create(model, 3, params={"tau_syn": [1.0, 3.0, 0.5]})
    pg = sim.create("poisson_generator", params={"rate": 20000.0})
    sim.connect(pg, n, syn_spec={"receptor_type": 2, "weight": 3.0})
    mm = sim.create("multimeter", params={"record_from": ["I_syn_1", "I_syn_2", "I_syn_3", "I_syn"],
                                          "interval": 0.1})
    sim.connect(mm, n)
    sim.simulate(20.0)
    ev = mm.get("events")[0]
    assert np.all(ev["I_syn_1"] == 0.0) and np.all(ev["I_syn_3"] == 0.0)
    assert np.all(ev["I_syn_2"] >= 0.0) and ev["I_syn_2"].max() > 0.0
    np.testing.assert_array_equal(ev["I_syn"], ev["I_syn_2"])


def _run(name: str, threads: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, np.ndarray]]:
    with monkeypatch.context() as mp:
        mp.setattr(cases.spikesim, "Simulator", functools.partial(spikesim.Simulator, threads=threads))
        sim, _ = cases.run(cases.load(name))
    assert sim.threads == threads
    labels = [nd["label"] for nd in cases.load(name)["nodes"] if nd["model"] in ("spike_recorder", "multimeter")]
    return {label: cases.sorted_events(sim.nodes(label).get("events")[0]) for label in labels}


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="one core: threads=2 would run on one thread")
@pytest.mark.parametrize("name", [n for n in CASES if n.endswith("_drive")])
def test_two_threads_give_the_same_results(name, monkeypatch):
    one, two = _run(name, 1, monkeypatch), _run(name, 2, monkeypatch)
    ref = cases.load(name)["expected"]["sr"]["events"]
    np.testing.assert_array_equal(np.rint(two["sr"]["times"] / 0.1), np.rint(np.asarray(ref["times"]) / 0.1))
    for label in one:
        for k, v in one[label].items():
            np.testing.assert_array_equal(two[label][k], v, err_msg=f"{label}.{k}")


@pytest.mark.parametrize("model", MODELS)
def test_checkpoint_carries_every_state_variable(model, tmp_path):
    def build() -> tuple[spikesim.Simulator, spikesim.NodeCollection]:
        sim = spikesim.Simulator(resolution=0.1, seed=3)
        n = sim.create(model, 2, [{"I_e": 400.0, "tau_syn": [1.0, 4.0, 0.7]},
                                  {"I_e": 300.0, "tau_syn": [2.0, 6.0, 3.0]}], label="n")
        sg = sim.create("spike_generator", params={"spike_times": [3.0, 7.5, 12.0, 12.5, 26.0]})
        sim.connect(sg, n[:1], syn_spec={"weight": 200.0, "delay": 1.0, "receptor_type": 1})
        sim.connect(sg, n, syn_spec={"weight": -300.0, "delay": 1.5, "receptor_type": 2})
        sim.connect(sg, n[1:], syn_spec={"weight": 500.0, "delay": 0.5, "receptor_type": 3})
        return sim, n

    whole, n_whole = build()
    whole.simulate(40.0)
    part, _ = build()
    part.simulate(13.0)  # in the middle of synaptic transients, with spikes in transit
    part.checkpoint(tmp_path / "c.h5")
    resumed = spikesim.Simulator.restore(tmp_path / "c.h5")
    resumed.simulate(27.0)
    got = resumed.nodes("n").get()
    ref = n_whole.get()
    assert "dI_syn_3" in ref if "alpha" in model else "I_syn_3" in ref
    for key in ref:
        if key.startswith(("V_m", "I", "dI", "refractory")):
            np.testing.assert_array_equal(np.asarray(got[key]), np.asarray(ref[key]), err_msg=key)
