"""AdEx (aeif_cond_alpha, aeif_cond_exp, aeif_psc_alpha, aeif_psc_exp) and hh_psc_alpha.

The dynamics are checked against NEST 3.10 by the reference cases
(tests/data/nest/cases/{aeif_*,hh_psc_alpha}_*.json, made by
tools/make_reference_adex.py, replayed by tests/reference/test_nest_deterministic.py).
Here: NEST's defaults and recordables (tests/data/nest/adex_hh_defaults.json, same
script), NEST's parameter checks (read from each model's ``set_status`` in NEST's
sources), thread independence of the reference cases and checkpoints.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numba
import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty
from tests.reference import cases

AEIF = ("aeif_cond_alpha", "aeif_cond_exp", "aeif_psc_alpha", "aeif_psc_exp", "aeif_psc_delta")
MODELS = (*AEIF, "hh_psc_alpha")
DEFAULTS = json.loads((Path(__file__).resolve().parents[1] / "data" / "nest" / "adex_hh_defaults.json").read_text())
CASES = [n for n in cases.names() if n.startswith(MODELS)]


def test_every_model_has_reference_cases():
    for model in MODELS:
        assert any(n.startswith(model) for n in CASES), model


@pytest.mark.parametrize("model", MODELS)
def test_defaults_and_recordables_are_nests(model):
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    got = sim.create(model).get()
    ref = DEFAULTS[model]
    cls = spikesim.models.NODE_MODELS[model]
    assert sorted(cls.recordables) == ref["recordables"]
    for key in cls.params:
        assert key in ref, f"{key} is not a parameter of NEST's {model}"
        assert float(np.asarray(got[key]).ravel()[0]) == ref[key], key
    for key in ref:
        if key in cls.state:
            assert float(np.asarray(got[key]).ravel()[0]) == ref[key], key


# NEST 3.10 set_status checks: (parameter, a rejected value, an accepted boundary value or None)
AEIF_CHECKS = [("V_reset", 0.0, -1.0), ("Delta_T", -0.5, 0.0), ("V_peak", -55.0, -50.4), ("C_m", 0.0, None),
               ("t_ref", -0.1, 0.0), ("tau_syn_ex", 0.0, None), ("tau_syn_in", -1.0, None), ("tau_w", 0.0, None),
               ("gsl_error_tol", 0.0, None)]
HH_CHECKS = [("C_m", 0.0, None), ("t_ref", -0.1, 0.0), ("tau_syn_ex", 0.0, None), ("tau_syn_in", -2.0, None),
             ("g_K", -1.0, 0.0), ("g_Na", -1.0, 0.0), ("g_L", -1.0, 0.0)]


@pytest.mark.parametrize("model,key,bad,good",
                         [(m, *c) for m in AEIF for c in AEIF_CHECKS
                          if not (m == "aeif_psc_delta" and c[0].startswith("tau_syn"))]   # it has no synapses
                         + [("hh_psc_alpha", *c) for c in HH_CHECKS])
def test_nest_parameter_checks(model, key, bad, good):
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create(model)
    before = n.get()
    with pytest.raises(BadProperty, match=f"'{key}' = {bad!r}"):
        n.set({key: bad})
    after = n.get()
    for k, v in before.items():
        np.testing.assert_array_equal(np.asarray(after[k]), np.asarray(v), err_msg=k)
    if good is not None:
        n.set({key: good})
        assert float(np.asarray(n.get(key)).ravel()[0]) == good


@pytest.mark.parametrize("model", AEIF)
def test_exponential_overflow_check(model):
    # NEST: (V_peak - V_th) / Delta_T must stay below log(DBL_MAX / 1e20) ~ 663.7
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create(model)
    limit = math.log(np.finfo(float).max / 1e20)
    with pytest.raises(BadProperty, match="V_peak"):
        n.set({"V_th": -50.0, "V_peak": -50.0 + 0.01 * limit * 1.01, "Delta_T": 0.01})
    n.set({"V_th": -50.0, "V_peak": -50.0 + 0.01 * limit * 0.99, "Delta_T": 0.01})


def _run(name: str, threads: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, np.ndarray]]:
    with monkeypatch.context() as mp:
        mp.setattr(cases.spikesim, "Simulator", functools.partial(spikesim.Simulator, threads=threads))
        sim, _ = cases.run(cases.load(name))
    assert sim.threads == threads
    return {label: cases.sorted_events(sim.nodes(label).get("events")[0])
            for label in ("sr", "mm", "mm_coarse")}


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
        n = sim.create(model, 2, [{"I_e": 700.0}, {"I_e": 300.0}], label="n")
        sg = sim.create("spike_generator", params={"spike_times": [3.0, 7.5, 12.0, 26.0]})
        sim.connect(sg, n[:1], syn_spec={"weight": 20.0, "delay": 1.0})
        sim.connect(sg, n[1:], syn_spec={"weight": -30.0, "delay": 1.0})
        return sim, n

    whole, n_whole = build()
    whole.simulate(40.0)
    part, _ = build()
    part.simulate(13.0)  # in the middle of a synaptic transient
    part.checkpoint(tmp_path / "c.h5")
    resumed = spikesim.Simulator.restore(tmp_path / "c.h5")
    resumed.simulate(27.0)
    got = resumed.nodes("n").get()
    ref = n_whole.get()
    cls = spikesim.models.NODE_MODELS[model]
    for key in cls.state:
        np.testing.assert_array_equal(np.asarray(got[key]), np.asarray(ref[key]), err_msg=key)
