"""stdp_triplet_synapse against NEST 3.10 (case made by tools/make_reference_triplet.py),
plus threads, checkpoints and NEST's set_status checks.

The weight-recorder events and final weights are compared by
tests/reference/test_nest_deterministic.py; here the per-synapse state NEST reported
after the last Simulate call (``weight``, ``Kplus``, ``Kplus_triplet`` of both synapse
copies) is compared within 1e-9.
"""

from __future__ import annotations

import functools

import numba
import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty
from tests.reference import cases

NAME = "stdp_triplet_synapse_weight_recorder"


def _state(sim: spikesim.Simulator, model: str, keys: list[str]) -> dict[str, np.ndarray]:
    got = sim.get_connections(synapse_model=model).get("source", "target", *keys)
    order = np.lexsort((np.asarray(got["target"]), np.asarray(got["source"])))
    return {k: np.asarray(v)[order] for k, v in got.items()}


def _compare(sim: spikesim.Simulator, spec: dict, ref: list[dict]) -> None:
    got = _state(sim, spec["synapse_model"], spec["keys"])
    np.testing.assert_array_equal(got["source"], [r["source"] for r in ref])
    np.testing.assert_array_equal(got["target"], [r["target"] for r in ref])
    for k in spec["keys"]:
        np.testing.assert_allclose(got[k].astype(float), [r[k] for r in ref], atol=1e-9, rtol=1e-9, err_msg=k)


def test_synapse_state_matches_nest():
    case = cases.load(NAME)
    sim, _ = cases.run(case)
    _compare(sim, case["synapse_state"], case["expected_synapse_state"])
    _compare(sim, case["synapse_state_b"], case["expected_synapse_state_b"])


def test_case_exercises_the_rule():
    """Weights moved away from their start, both ways, and the triplet traces built up."""
    case = cases.load(NAME)
    a, b = case["expected_synapse_state"], case["expected_synapse_state_b"]
    assert all(r["weight"] != 10.0 for r in a) and all(r["Kplus_triplet"] > 1.0 for r in a + b)
    assert any(r["weight"] < -8.0 for r in b) and any(r["weight"] > -8.0 for r in b)
    assert len(case["expected"]["wr"]["events"]["times"]) >= 20


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="one core: threads=2 would run on one thread")
def test_two_threads_give_the_same_results(monkeypatch):
    out = []
    for threads in (1, 2):
        with monkeypatch.context() as mp:
            mp.setattr(cases.spikesim, "Simulator", functools.partial(spikesim.Simulator, threads=threads))
            sim, _ = cases.run(cases.load(NAME))
        assert sim.threads == threads
        out.append((cases.sorted_events(sim.nodes("wr").get("events")[0], ("times", "senders", "targets")),
                    _state(sim, "trip_a", ["weight", "Kplus", "Kplus_triplet"])))
    for k, v in out[0][0].items():
        np.testing.assert_array_equal(out[1][0][k], v, err_msg=k)
    for k, v in out[0][1].items():
        np.testing.assert_array_equal(out[1][1][k], v, err_msg=k)


def _build(seed: int = 5) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=0.1, seed=seed)
    pre = sim.create("poisson_generator", params={"rate": 40.0})
    post_drive = sim.create("poisson_generator", params={"rate": 30.0})
    pp = sim.create("parrot_neuron", 3)
    post = sim.create("iaf_psc_alpha", 4, params={"I_e": 300.0, "tau_minus_triplet": 80.0})
    sim.connect(pre, pp)
    sim.connect(post_drive, post, syn_spec={"weight": 800.0})
    sim.connect(pp, post, syn_spec={"synapse_model": "stdp_triplet_synapse", "weight": 30.0, "Aplus": 0.3,
                                    "Aminus": 0.2, "Aplus_triplet": 0.1, "Aminus_triplet": 0.05,
                                    "delay": 1.5})
    return sim


def test_checkpoint_continues_identically(tmp_path):
    whole = _build()
    whole.simulate(300.0)
    part = _build()
    part.simulate(137.0)
    part.checkpoint(tmp_path / "c.h5")
    resumed = spikesim.Simulator.restore(tmp_path / "c.h5")
    resumed.simulate(163.0)
    keys = ["weight", "Kplus", "Kplus_triplet"]
    ref = _state(whole, "stdp_triplet_synapse", keys)
    got = _state(resumed, "stdp_triplet_synapse", keys)
    assert np.any(ref["weight"] != 30.0)
    for k in ref:
        np.testing.assert_array_equal(got[k], ref[k], err_msg=k)


@pytest.mark.parametrize("key,bad", [("Kplus", -0.1), ("Kplus_triplet", -1e-3)])
def test_nest_state_checks(key, bad):
    # NEST: "State Kplus must be positive." / "State Kplus_triplet must be positive." (0 is allowed)
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    a, b = sim.create("parrot_neuron", 2)
    with pytest.raises(BadProperty, match=f"'{key}' = {bad!r}"):
        sim.connect(a, b, syn_spec={"synapse_model": "stdp_triplet_synapse", key: bad})
    assert len(sim.get_connections().get("source")) == 0
    sim.connect(a, b, syn_spec={"synapse_model": "stdp_triplet_synapse", key: 0.0})
    assert sim.get_connections().get(key) == [0.0]


def test_weight_and_wmax_must_have_the_same_sign():
    # NEST 3.10: "Weight and Wmax must have same sign." (a weight of 0 counts as positive),
    # checked when a connect call sets more than weight and delay (a weight alone is taken)
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    a, b = sim.create("parrot_neuron", 2)
    with pytest.raises(BadProperty, match="same sign"):
        sim.connect(a, b, syn_spec={"synapse_model": "stdp_triplet_synapse", "weight": -1.0, "Wmax": 5.0})
    with pytest.raises(BadProperty, match="same sign"):
        sim.connect(a, b, syn_spec={"synapse_model": "stdp_triplet_synapse", "weight": 0.0, "Wmax": -5.0})
    assert len(sim.get_connections().get("source")) == 0
    sim.connect(a, b, syn_spec={"synapse_model": "stdp_triplet_synapse", "weight": -1.0, "Wmax": -5.0})
    sim.connect(a, b, syn_spec={"synapse_model": "stdp_triplet_synapse", "weight": -1.0})  # as NEST takes it
    assert list(sim.get_connections().get("weight")) == [-1.0, -1.0]


def test_tau_minus_triplet_must_be_positive():
    # NEST's ArchivingNode: tau_minus and tau_minus_triplet must be > 0
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create("iaf_psc_alpha")
    with pytest.raises(BadProperty, match="'tau_minus_triplet' = 0.0"):
        n.set({"tau_minus_triplet": 0.0})
