"""aeif_cond_alpha_multisynapse and aeif_cond_beta_multisynapse (receptors 1..n, lists
``E_rev`` and ``tau_syn`` or ``tau_rise``/``tau_decay``).

The dynamics are checked against NEST 3.10 by the reference cases
(tests/data/nest/cases/aeif_cond_{alpha,beta}_multisynapse_*.json, made by
tools/make_reference_aeif_multisynapse.py, replayed by tests/reference/test_nest_deterministic.py
to 1e-9 with identical spikes).  Here: NEST's defaults, recordables and verdicts on
parameter sets and connections (tests/data/nest/aeif_multisynapse_defaults.json, same
script, NEST's exception class per call), thread independence and checkpoints.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import numba
import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty, NumericalInstability, UnknownReceptorType
from tests.reference import cases

MODELS = ("aeif_cond_alpha_multisynapse", "aeif_cond_beta_multisynapse")
NEST = json.loads((Path(__file__).resolve().parents[1] / "data" / "nest" / "aeif_multisynapse_defaults.json")
                  .read_text())
CASES = [n for n in cases.names() if n.startswith(MODELS)]


def _values(d: dict[str, Any]) -> dict[str, Any]:
    return {k: np.asarray(v).tolist() for k, v in d.items()}


def test_every_model_has_reference_cases() -> None:
    for model in MODELS:
        assert f"{model}_drive" in CASES, model
    assert "aeif_cond_beta_multisynapse_equal_taus" in CASES


@pytest.mark.parametrize("model", MODELS)
def test_defaults_and_recordables_are_nests(model: str) -> None:
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create(model)
    got = n.get()
    ref = NEST[model]
    for key, v in ref["defaults"].items():
        if key in ("g", "dg"):  # NEST's lists of the receptors' state: spikesim's g_1 .., dg_1 ..
            for k, x in enumerate(v, start=1):
                assert float(np.asarray(got[f"{key}_{k}"]).ravel()[0]) == x, key
        elif key == "n_receptors":
            assert len(np.asarray(got["E_rev"]).ravel()) == v
        else:
            np.testing.assert_array_equal(np.asarray(got[key]).ravel(), np.asarray(v, dtype=float), err_msg=key)
    assert sorted(n.get("recordables")[0]) == ref["recordables"]
    three = sim.create(model, params=ref["three"])
    assert sorted(three.get("recordables")[0]) == ref["recordables_3"]


@pytest.mark.parametrize("model,index", [(m, i) for m in MODELS for i in range(len(NEST[m]["sets"]))])
def test_set_is_refused_where_nest_refuses_it(model: str, index: int) -> None:
    entry = NEST[model]["sets"][index]
    n = spikesim.Simulator(resolution=0.1, seed=1).create(model)
    before = _values(n.get())
    if entry["error"] is None:
        n.set(entry["set"])
        for key, v in entry["set"].items():
            np.testing.assert_array_equal(np.asarray(n.get(key)).ravel(), np.asarray(v, dtype=float), err_msg=key)
        return
    assert entry["error"] == "BadProperty"
    with pytest.raises(BadProperty, match=f"{model}: parameter '"):
        n.set(entry["set"])
    assert _values(n.get()) == before


@pytest.mark.parametrize("model", MODELS)
def test_connections_as_nest(model: str) -> None:
    ref = NEST[model]["connections"]
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create(model, params=NEST[model]["three"])
    sg = sim.create("spike_generator", params={"spike_times": [1.0]})
    dc = sim.create("dc_generator")
    # NEST: IncompatibleReceptorType for spikes, UnknownReceptorType for currents; spikesim
    # raises UnknownReceptorType for both, naming the receptors allowed
    assert ref["spikes_receptor_0"] == ref["spikes_receptor_4"] == "IncompatibleReceptorType"
    for bad in (0, 4):
        with pytest.raises(UnknownReceptorType, match=f"receptor_type {bad} is not allowed"):
            sim.connect(sg, n, syn_spec={"receptor_type": bad})
    assert ref["current_receptor_1"] == "UnknownReceptorType"
    with pytest.raises(UnknownReceptorType, match="receptor_type 1 is not allowed"):
        sim.connect(dc, n, syn_spec={"receptor_type": 1})
    assert ref["negative_weight_connect"] is None
    sim.connect(sg, n, syn_spec={"receptor_type": 2, "weight": -1.0})
    assert ref["fewer_receptors_after_connect"] == "BadProperty"
    with pytest.raises(BadProperty, match="have connections"):
        n.set({k: v[:2] for k, v in NEST[model]["three"].items()})
    assert ref["negative_weight_simulate"] == "BadProperty"
    with pytest.raises(BadProperty, match=r"'weight' = -1\.0 is not allowed"):
        sim.simulate(10.0)


@pytest.mark.parametrize("model", MODELS)
def test_unstable_neuron_is_a_clear_error(model: str) -> None:
    sim = spikesim.Simulator(resolution=0.1)
    sim.create(model, 2, {"V_m": -2000.0})
    with pytest.raises(NumericalInstability, match=f"{model}: numerical instability"):
        sim.simulate(5.0)


def _run(name: str, threads: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, np.ndarray]]:
    with monkeypatch.context() as mp:
        mp.setattr(cases.spikesim, "Simulator", functools.partial(spikesim.Simulator, threads=threads))
        sim, _ = cases.run(cases.load(name))
    assert sim.threads == threads
    labels = [nd["label"] for nd in cases.load(name)["nodes"] if nd["model"] in ("spike_recorder", "multimeter")]
    return {label: cases.sorted_events(sim.nodes(label).get("events")[0]) for label in labels}


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="one core: threads=2 would run on one thread")
@pytest.mark.parametrize("name", CASES)
def test_two_threads_give_the_same_results(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = _run(name, 1, monkeypatch), _run(name, 2, monkeypatch)
    ref = cases.load(name)["expected"]["sr"]["events"]
    np.testing.assert_array_equal(np.rint(two["sr"]["times"] / 0.1), np.rint(np.asarray(ref["times"]) / 0.1))
    for label in one:
        for k, v in one[label].items():
            np.testing.assert_array_equal(two[label][k], v, err_msg=f"{label}.{k}")


@pytest.mark.parametrize("model", MODELS)
def test_checkpoint_carries_every_state_variable(model: str, tmp_path: Path) -> None:
    three = NEST[model]["three"]

    def build() -> tuple[spikesim.Simulator, spikesim.NodeCollection]:
        sim = spikesim.Simulator(resolution=0.1, seed=3)
        n = sim.create(model, 2, [{"I_e": 700.0, **three}, {"I_e": 300.0, "t_ref": 2.0, **three}], label="n")
        sg = sim.create("spike_generator", params={"spike_times": [3.0, 7.5, 12.0, 12.5, 26.0]})
        for r, w in ((1, 20.0), (2, 30.0), (3, 10.0)):
            sim.connect(sg, n, syn_spec={"weight": w, "delay": 0.5 * r, "receptor_type": r})
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
    assert "dg_3" in ref and "g_3" in ref
    for key in ("V_m", "w", "refractory_count", "I_stim", "integration_step", "g_1", "g_2", "g_3", "dg_1", "dg_2",
                "dg_3"):
        np.testing.assert_array_equal(np.asarray(got[key]), np.asarray(ref[key]), err_msg=key)
