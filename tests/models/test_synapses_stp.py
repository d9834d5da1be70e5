"""tsodyks2_synapse, tsodyks_synapse, stdp_pl_synapse_hom, the nearest-neighbour STDP synapses,
bernoulli_synapse, quantal_stp_synapse against
NEST 3.10 (cases made by tools/make_reference_synapses.py), plus threads, checkpoints
and NEST's parameter checks.

The recorded traces, spikes and weights of the deterministic cases are compared by
tests/reference/test_nest_deterministic.py; here the per-synapse state NEST reported
after the last Simulate call (``expected_synapse_state``) is compared within 1e-9.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty
from tests.models.synapse_checks import assert_connect_rejects_and_changes_nothing
from tests.reference import cases

NEAREST = ["stdp_nn_symm_synapse_weight_recorder", "stdp_nn_pre_centered_synapse_weight_recorder",
           "stdp_nn_restr_synapse_weight_recorder", "vogels_sprekeler_synapse_weight_recorder"]
DETERMINISTIC = ["tsodyks2_synapse_drive", "tsodyks_synapse_drive", "stdp_pl_synapse_hom_weight_recorder", *NEAREST]


def _state(sim: spikesim.Simulator, model: str, keys: list[str]) -> dict[str, np.ndarray]:
    got = sim.get_connections(synapse_model=model).get("source", "target", *keys)
    order = np.lexsort((np.asarray(got["target"]), np.asarray(got["source"])))
    return {k: np.asarray(v)[order] for k, v in got.items()}


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_synapse_state_matches_nest(name):
    case = cases.load(name)
    sim, _ = cases.run(case)
    keys = case["synapse_state"]["keys"]
    got = _state(sim, case["synapse_state"]["synapse_model"], keys)
    ref = case["expected_synapse_state"]
    np.testing.assert_array_equal(got["source"], [r["source"] for r in ref])
    np.testing.assert_array_equal(got["target"], [r["target"] for r in ref])
    for k in keys:
        np.testing.assert_allclose(got[k].astype(float), [r[k] for r in ref], atol=1e-9, rtol=1e-9, err_msg=k)


def test_cases_exercise_the_dynamics():
    """The reference cases are not trivial: state moved away from its start and neurons spiked."""
    for name in DETERMINISTIC:
        case = cases.load(name)
        assert len(case["expected"]["sr"]["events"]["times"]) >= 10
    t2 = cases.load("tsodyks2_synapse_drive")["expected_synapse_state"]
    assert all(r["x"] < 0.6 for r in t2) and any(r["u"] > 0.5 for r in t2)
    # the nearest-neighbour pairings, the all-to-all one and Vogels-Sprekeler's end with other weights here
    finals = [tuple(r["weight"] for r in cases.load(n)["expected"]["connections"])
              for n in ("stdp_synapse_weight_recorder", *NEAREST)]
    assert len(set(finals)) == len(finals)


def test_bernoulli_within_three_standard_errors_of_nest():
    case = cases.load("bernoulli_synapse_stat")
    seeds = case["expected"]["seeds"]
    first = []
    for seed in seeds:
        sim, _ = cases.run(case, seed=seed)
        ev = sim.nodes("sr").get("events")[0]
        ids = sim.nodes("n").ids
        counts = np.array([np.count_nonzero(ev["senders"] == i) for i in ids], dtype=float)
        first.append(counts[:50].mean())
    ref = case["expected"]["statistics"]["count_first50"]
    n = len(seeds)
    se = math.sqrt(ref["std"] ** 2 / n + float(np.var(first, ddof=1)) / n)
    assert abs(np.mean(first) - ref["mean"]) <= 3 * se
    # binomial(500, 0.3) averaged over 50 targets: mean 150, sd sqrt(500 * 0.21 / 50)
    assert abs(np.mean(first) - 150.0) <= 3 * math.sqrt(500 * 0.21 / 50 / n)


def test_quantal_stp_within_three_standard_errors_of_nest():
    case = cases.load("quantal_stp_synapse_stat")
    seeds = case["expected"]["seeds"]
    got: dict[str, list[float]] = {"rate": [], "mean_a": []}
    for seed in seeds:
        sim, _ = cases.run(case, seed=seed)
        ev = sim.nodes("sr").get("events")[0]
        got["rate"].append(ev["senders"].size / 100 / (sum(case["simulate"]) / 1000.0))
        got["mean_a"].append(float(np.mean(sim.get_connections(synapse_model="quantal_stp_synapse").get("a"))))
    n = len(seeds)
    for k, vals in got.items():
        ref = case["expected"]["statistics"][k]
        se = math.sqrt(ref["std"] ** 2 / n + float(np.var(vals, ddof=1)) / n)
        assert abs(np.mean(vals) - ref["mean"]) <= 3 * se, f"{k}: {np.mean(vals)} vs NEST {ref['mean']} ± 3 × {se}"


def _model(case: dict) -> str:
    if "synapse_state" in case:
        return case["synapse_state"]["synapse_model"]
    return case["connections"][1]["syn_spec"]["synapse_model"]


def _run_threads(name: str, threads: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    case = cases.load(name)
    sim = cases.build(case)
    sim.set_threads(threads)
    for t in case["simulate"]:
        sim.simulate(t)
    ev = sim.nodes("sr").get("events")[0]
    return ev, sim.get_connections(synapse_model=_model(case)).get()


@pytest.mark.parametrize("name", ["tsodyks2_synapse_drive", "tsodyks_synapse_drive", "bernoulli_synapse_stat",
                                  "quantal_stp_synapse_stat"])
def test_one_and_two_threads_identical(name):
    ev1, c1 = _run_threads(name, 1)
    ev2, c2 = _run_threads(name, 2)
    for k in ev1:
        np.testing.assert_array_equal(ev1[k], ev2[k])
    for k in c1:
        np.testing.assert_array_equal(np.asarray(c1[k]), np.asarray(c2[k]))
    assert ev1["times"].size > 0


@pytest.mark.parametrize("name", ["tsodyks2_synapse_drive", "tsodyks_synapse_drive",
                                  "stdp_pl_synapse_hom_weight_recorder", "bernoulli_synapse_stat",
                                  "quantal_stp_synapse_stat"])
def test_checkpoint_restore_continues_identically(name, tmp_path):
    case = cases.load(name)
    total = sum(case["simulate"])
    whole = cases.build(case)
    whole.simulate(total)
    part = cases.build(case)
    part.simulate(total / 2)
    part.checkpoint(tmp_path / "ck.h5")
    restored = spikesim.Simulator.restore(tmp_path / "ck.h5")
    restored.simulate(total - total / 2)
    ea, eb = whole.nodes("sr").get("events")[0], restored.nodes("sr").get("events")[0]
    np.testing.assert_array_equal(ea["times"], eb["times"])
    np.testing.assert_array_equal(ea["senders"], eb["senders"])
    model = _model(case)
    ca = whole.get_connections(synapse_model=model).get()
    cb = restored.get_connections(synapse_model=model).get()
    for k in ca:
        np.testing.assert_array_equal(np.asarray(ca[k]), np.asarray(cb[k]), err_msg=k)


BAD = [
    ("tsodyks2_synapse", {"U": 1.5}, "U"), ("tsodyks2_synapse", {"u": -0.1}, "u"),
    ("tsodyks2_synapse", {"tau_rec": 0.0}, "tau_rec"), ("tsodyks2_synapse", {"tau_fac": -1.0}, "tau_fac"),
    ("tsodyks_synapse", {"U": -0.5}, "U"), ("tsodyks_synapse", {"tau_psc": 0.0}, "tau_psc"),
    ("tsodyks_synapse", {"tau_rec": -3.0}, "tau_rec"), ("tsodyks_synapse", {"tau_fac": -1.0}, "tau_fac"),
    ("tsodyks_synapse", {"u": 2.0}, "u"), ("tsodyks_synapse", {"x": 0.7, "y": 0.5}, "x + y"),
    ("bernoulli_synapse", {"p_transmit": 1.01}, "p_transmit"),
    ("bernoulli_synapse", {"p_transmit": -0.2}, "p_transmit"),
    ("quantal_stp_synapse", {"U": 1.1}, "U"), ("quantal_stp_synapse", {"u": -1.0}, "u"),
    ("quantal_stp_synapse", {"tau_rec": 0.0}, "tau_rec"), ("quantal_stp_synapse", {"tau_fac": -2.0}, "tau_fac"),
    ("quantal_stp_synapse", {"n": 2.5}, "n"),
]


@pytest.mark.parametrize("model,params,key", BAD)
def test_connect_rejects_what_nest_rejects_and_changes_nothing(model, params, key):
    assert_connect_rejects_and_changes_nothing(model, params, key)


def test_set_defaults_checks_common_and_per_connection_values():
    sim = spikesim.Simulator()
    with pytest.raises(BadProperty, match="'tau_plus' = 0.0"):
        sim.set_defaults("stdp_pl_synapse_hom", {"tau_plus": 0.0})
    with pytest.raises(BadProperty, match="'U' = 1.2"):
        sim.set_defaults("tsodyks2_synapse", {"U": 1.2})
    assert sim.get_defaults("tsodyks2_synapse")["U"] == 0.5
    assert sim.get_defaults("stdp_pl_synapse_hom")["tau_plus"] == 20.0


def test_defaults_are_nests():
    sim = spikesim.Simulator()
    t2 = sim.get_defaults("tsodyks2_synapse")
    assert (t2["U"], t2["u"], t2["x"], t2["tau_rec"], t2["tau_fac"]) == (0.5, 0.5, 1.0, 800.0, 0.0)
    t1 = sim.get_defaults("tsodyks_synapse")
    assert (t1["U"], t1["u"], t1["x"], t1["y"], t1["tau_psc"], t1["tau_rec"], t1["tau_fac"]) == \
        (0.5, 0.0, 1.0, 0.0, 3.0, 800.0, 0.0)
    pl = sim.get_defaults("stdp_pl_synapse_hom")
    assert (pl["tau_plus"], pl["lambda"], pl["alpha"], pl["mu"]) == (20.0, 0.1, 1.0, 0.4)
    assert sim.get_defaults("bernoulli_synapse")["p_transmit"] == 1.0
    q = sim.get_defaults("quantal_stp_synapse")
    assert (q["U"], q["u"], q["tau_rec"], q["tau_fac"], q["n"], q["a"]) == (0.5, 0.5, 800.0, 0.0, 1, 1)


@pytest.mark.parametrize("w, wmax, ok", [(0.5, -1.0, False), (0.0, -1.0, True), (-0.5, -1.0, True), (-0.0, 1.0, True)])
def test_vogels_sprekeler_weight_sign_as_nest(w, wmax, ok):
    # NEST 3.10 (run on these four pairs): a nonzero weight must share Wmax's sign bit
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create("iaf_psc_alpha", 2)
    spec = {"synapse_model": "vogels_sprekeler_synapse", "weight": w, "Wmax": wmax}
    if ok:
        sim.connect(n[0], n[1], syn_spec=spec)
        assert sim.kernel_status()["num_connections"] == 1
    else:
        with pytest.raises(BadProperty, match="'weight' = 0.5"):
            sim.connect(n[0], n[1], syn_spec=spec)
        assert sim.kernel_status()["num_connections"] == 0


@pytest.mark.parametrize("name", ["stdp_synapse_weight_recorder", "vogels_sprekeler_synapse_weight_recorder",
                                  "tsodyks2_synapse_drive"])
def test_hpc_variants_give_the_models_results(name):
    # NEST's <model>_hpc differs from <model> only in how NEST stores target ids; the
    # case with every synapse model renamed gives the same events and weights
    base = cases.load(name)
    hpc = copy.deepcopy(base)
    for cm in hpc.get("copy_models", []):
        cm["old"] += "_hpc"
    for c in hpc["connections"]:
        spec = c.get("syn_spec") or {}
        if spec.get("synapse_model", "").endswith("_synapse"):
            spec["synapse_model"] += "_hpc"
    runs = [cases.run(c)[0] for c in (base, hpc)]
    for label in ("sr", "wr", "mm"):
        if not any(nd["label"] == label for nd in base["nodes"]):
            continue
        a, b = (cases.sorted_events(s.nodes(label).get("events")[0]) for s in runs)
        for k in a:
            np.testing.assert_array_equal(a[k], b[k], err_msg=f"{label}.{k}")
    wa, wb = (np.sort(np.asarray(s.get_connections().get("weight"), dtype=float)) for s in runs)
    np.testing.assert_array_equal(wa, wb)
    # not vacuous: the second run's synapses come from _hpc models (directly or through copies)
    used = [cm["old"] for cm in hpc.get("copy_models", [])] + [
        (c.get("syn_spec") or {}).get("synapse_model", "") for c in hpc["connections"]]
    assert any(m.endswith("_hpc") for m in used) and wa.size > 0
