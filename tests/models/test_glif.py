"""glif_psc, glif_cond and glif_psc_double_alpha beyond their NEST reference cases.

The dynamics of the five GLIF levels are checked against NEST 3.10 by
``tests/data/nest/cases/glif_{psc,cond,psc_double_alpha}_drive.json`` (made by
``tools/make_reference_models4.py``, replayed within 1e-9 by
``tests/reference/test_nest_deterministic.py``); here their ``V_m`` samples must be
NEST's to the last bit (glif_cond: spikesim mirrors GSL's RKF45 steps).  Also: NEST's
defaults and recordables (``tests/data/nest/glif_*_defaults.json``, same script), NEST's parameter checks (each
refused by NEST 3.10 with a BadProperty when run; the ones NEST accepts are accepted),
receptors, threads and checkpoints.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import spikesim
import spikesim.nest as nest
from spikesim.errors import BadProperty
from tests.models.nest_defaults import DATA
from tests.reference import cases

CASES = Path(__file__).resolve().parents[1] / "data" / "nest" / "cases"
GLIF5 = {"spike_dependent_threshold": True, "after_spike_currents": True, "adapting_threshold": True}
#: per model: the name of its membrane conductance, the count of its parameters and
#: state variables in NEST's defaults (glif_cond shows no threshold components), two
#: receptors, and the weights (pA or nS) of the threads/checkpoint run
MODELS = {
    "glif_psc": ("g", 23, {"tau_syn": [2.0, 1.0]}, (30.0, -15.0)),
    "glif_cond": ("g_m", 22, {"tau_syn": [0.2, 2.0], "E_rev": [0.0, -85.0]}, (5.0, 0.5)),
    "glif_psc_double_alpha": ("g", 25, {"tau_syn_fast": [2.0, 1.0], "tau_syn_slow": [6.0, 9.0],
                                        "amp_slow": [0.3, 0.8]}, (30.0, -15.0)),
}


@pytest.mark.parametrize("model", MODELS)
def test_defaults_and_recordables_are_nests(model):
    ref = json.loads((DATA / f"{model}_defaults.json").read_text())
    got = spikesim.Simulator(resolution=0.1, seed=1).create(model).get()
    assert sorted(got["recordables"][0]) == ref["recordables"]
    cls = spikesim.models.NODE_MODELS[model]
    keys = [k for k in (*cls.params, *cls.state) if k in ref]
    assert len(keys) == MODELS[model][1]
    for key in keys:
        assert np.asarray(got[key][0]).tolist() == ref[key], key
    # NEST's list ASCurrents is spikesim's ASCurrents_1, ASCurrents_2
    assert [got["ASCurrents_1"][0], got["ASCurrents_2"][0]] == ref["ASCurrents"]


@pytest.mark.parametrize("model", MODELS)
def test_v_m_is_nests_bit_for_bit(model):
    case = json.loads((CASES / f"{model}_drive.json").read_text())
    sim = cases.build(case)
    for t in case["simulate"]:
        sim.simulate(t)
    for label in ("mm", "mm_coarse"):
        ref = cases.sorted_events(case["expected"][label]["events"])
        got = cases.sorted_events(sim.nodes(label).get("events")[0])
        k = len(ref["V_m"])
        assert k > 1000 or label == "mm_coarse"
        assert [float(v).hex() for v in got["V_m"][:k]] == [float(v).hex() for v in ref["V_m"]]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("params, key", [
    ({"adapting_threshold": True}, "adapting_threshold"),
    ({"after_spike_currents": True, "asc_r": [1.0]}, "asc_r"),
    ({"after_spike_currents": True, "asc_decay": [0.0, 0.1]}, "asc_decay"),
    ({"after_spike_currents": True, "asc_r": [1.5, 0.2]}, "asc_r"),
    ({"V_reset": -50.0}, "V_reset"), ({"C_m": 0.0}, "C_m"), ({"g": -1.0}, "g"), ({"t_ref": 0.0}, "t_ref"),
    ({"spike_dependent_threshold": True, "th_spike_decay": 0.0}, "th_spike_decay"),
    ({"spike_dependent_threshold": True, "voltage_reset_fraction": 1.2}, "voltage_reset_fraction"),
    ({**GLIF5, "th_voltage_decay": 0.0}, "th_voltage_decay"),
    ({"tau_syn": [1.0, 0.0]}, "tau_syn"),
    ({"threshold_spike": 1.0}, "threshold_spike"), ({"threshold_voltage": 1.0}, "threshold_voltage"),
    ({"ASCurrents_1": 1.0}, "ASCurrents_1"),
])
def test_nest_parameter_checks(model, params, key):
    # NEST 3.10 refuses each of these with a BadProperty (ASCurrents: as the list ASCurrents;
    # glif_cond's membrane conductance is g_m)
    if key == "g":
        params, key = {MODELS[model][0]: -1.0}, MODELS[model][0]
    if key == "tau_syn" and model == "glif_psc_double_alpha":
        params, key = {"tau_syn_fast": [1.0, 0.0]}, "tau_syn_fast"
    n = spikesim.Simulator(resolution=0.1, seed=1).create(model)
    before = n.get()
    with pytest.raises(BadProperty, match=f"'{key}'"):
        n.set(params)
    for k, v in n.get().items():
        assert np.array_equal(np.asarray(v, dtype=object), np.asarray(before[k], dtype=object)), k


@pytest.mark.parametrize("model", MODELS)
def test_what_nest_accepts_without_the_mechanism(model):
    # NEST 3.10 checks asc_r and voltage_reset_fraction only with their mechanism on
    n = spikesim.Simulator(resolution=0.1, seed=1).create(model)
    n.set({"asc_r": [1.5, 0.2], "voltage_reset_fraction": 1.2})
    assert n.get("voltage_reset_fraction")[0] == 1.2
    with pytest.raises(BadProperty, match="'asc_r'"):  # and refuses them once it is on
        n.set({"after_spike_currents": True})
    m = spikesim.Simulator(resolution=0.1, seed=1).create(model)
    m.set({**GLIF5, "threshold_spike": 1.5, "ASCurrents_2": -3.0})
    assert m.get("threshold")[0] == pytest.approx(-51.68 + 1.5)


@pytest.mark.parametrize("model", MODELS)
def test_receptors_are_one_to_n_for_spikes_as_in_nest(model):
    # NEST 3.10 refuses receptors 0 and 3 with tau_syn of length 2 (its IncompatibleReceptorType;
    # spikesim's face raises UnknownReceptorType for every receptor a model lacks)
    nest.ResetKernel()
    n = nest.Create(model, params=MODELS[model][2])
    sg = nest.Create("spike_generator")
    for rt in (0, 3):
        with pytest.raises(nest.kernel.NESTErrors.UnknownReceptorType):
            nest.Connect(sg, n, syn_spec={"receptor_type": rt})
    nest.Connect(sg, n, syn_spec={"receptor_type": 2})
    assert nest.GetConnections(target=n).get("receptor") == 2


def _run(model: str, threads: int, tmp: Path | None = None) -> tuple[np.ndarray, dict]:
    def build() -> spikesim.Simulator:
        sim = spikesim.Simulator(resolution=0.1, seed=3, threads=threads)
        _, _, receptors, (w1, w2) = MODELS[model]
        n = sim.create(model, 6, {**GLIF5, **receptors}, label="n")
        pg = sim.create("poisson_generator", params={"rate": 6000.0})
        sim.connect(pg, n, syn_spec={"weight": w1, "receptor_type": 1})
        sim.connect(pg, n, syn_spec={"weight": w2, "receptor_type": 2})
        sim.connect(sim.create("dc_generator", params={"amplitude": 200.0}), n)
        sim.connect(n, sim.create("spike_recorder", label="sr"))
        return sim

    sim = build()
    if tmp is None:
        sim.simulate(300.0)
    else:
        sim.simulate(123.4)
        sim.checkpoint(tmp / "ck.h5")
        sim = spikesim.Simulator.restore(tmp / "ck.h5")
        sim.simulate(176.6)
    ev = sim.nodes("sr").get("events")[0]
    return np.stack([np.asarray(ev["times"]), np.asarray(ev["senders"], dtype=float)]), sim.nodes("n").get()


@pytest.mark.parametrize("model", MODELS)
def test_two_threads_and_a_checkpoint_give_the_same_results(model, tmp_path):
    one, state = _run(model, 1)
    assert one.shape[1] > 30 and np.asarray(state["ASCurrents_2"]).any()
    for other, st in (_run(model, 2), _run(model, 1, tmp_path)):
        np.testing.assert_array_equal(one, other)
        for k in set(state) - {"thread", "vp"}:
            assert np.array_equal(np.asarray(state[k], dtype=object), np.asarray(st[k], dtype=object)), k
