"""amat2_psc_exp beyond its NEST reference case.

The dynamics are checked against NEST 3.10 by
``tests/data/nest/cases/amat2_psc_exp_drive.json`` (made by
``tools/make_reference_models4.py``, replayed by
``tests/reference/test_nest_deterministic.py``) and bit for bit by
``tests/nest/test_bitwise_vm.py``.  Here: NEST's defaults and recordables
(``tests/data/nest/amat2_psc_exp_defaults.json``, same script), NEST's parameter checks
(each refused by NEST 3.10 with a BadProperty when run), the computed ``V_th``, beta = 0
giving mat2_psc_exp's spikes, threads and checkpoints.
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
import spikesim.nest as nest
from spikesim.errors import BadProperty
from tests.models.nest_defaults import assert_nest_defaults, assert_refused_and_unchanged

MODEL = "amat2_psc_exp"


def test_defaults_and_recordables_are_nests():
    assert_nest_defaults(MODEL)


@pytest.mark.parametrize("key, bad", [("C_m", 0.0), ("tau_v", 0.0), ("t_ref", 0.0), ("tau_v", 10.0),
                                      ("tau_v", 1.0), ("tau_v", 3.0), ("tau_syn_ex", 10.0),
                                      ("tau_2", -1.0)])
def test_nest_parameter_checks(key, bad):
    # NEST 3.10 refuses each of these (tau_v equal to tau_m 10, tau_syn_ex 1 or tau_syn_in 3;
    # tau_syn_ex equal to tau_m) with a BadProperty
    assert_refused_and_unchanged(MODEL, key, bad)


def test_face_raises_nests_exception_class():
    nest.ResetKernel()
    n = nest.Create(MODEL)
    with pytest.raises(nest.kernel.NESTErrors.BadProperty):
        n.set(tau_v=10.0)
    assert n.get("tau_v") == 5.0


def test_v_th_sums_omega_and_the_three_components():
    # NEST 3.10, the same calls: V_th -65.0; V_th_v 2 -> -63.0; V_th_alpha_1 1 -> -62.0;
    # set(V_th=...) refused
    nest.ResetKernel()
    n = nest.Create(MODEL)
    assert n.get("V_th") == -65.0
    n.set(V_th_v=2.0)
    assert n.get("V_th") == -63.0
    n.set(V_th_alpha_1=1.0)
    assert n.get("V_th") == -62.0
    with pytest.raises(BadProperty, match="V_th.*read-only"):
        n.set(V_th=3.0)


def _spikes(model: str, params: dict[str, float], threads: int = 1) -> np.ndarray:
    sim = spikesim.Simulator(resolution=0.1, seed=1, threads=threads)
    n = sim.create(model, 4, params=params)
    pg = sim.create("poisson_generator", params={"rate": 8000.0})
    sr = sim.create("spike_recorder")
    sim.connect(pg, n, syn_spec={"weight": 40.0})
    sim.connect(n, sr)
    sim.simulate(300.0)
    ev = sr.get("events")[0]
    return np.stack([np.asarray(ev["times"]), np.asarray(ev["senders"], dtype=float)])


def test_beta_zero_spikes_as_mat2_psc_exp():
    # NEST's documentation: with identical parameters and beta 0 the two models behave alike
    common = {"C_m": 200.0, "tau_m": 10.0, "alpha_1": 10.0, "alpha_2": 1.0, "omega": -65.0, "I_e": 100.0}
    a, m = _spikes(MODEL, common), _spikes("mat2_psc_exp", common)
    assert a.shape[1] > 100
    np.testing.assert_array_equal(a, m)


def test_two_threads_give_the_same_results():
    p = {"beta": 0.4, "I_e": 100.0}
    np.testing.assert_array_equal(_spikes(MODEL, p, 1), _spikes(MODEL, p, 2))


def test_checkpoint_and_restore_mid_run_continue_identically(tmp_path):
    def build() -> spikesim.Simulator:
        sim = spikesim.Simulator(resolution=0.1, seed=3)
        n = sim.create(MODEL, 5, {"beta": 0.3, "I_e": 120.0}, label="n")
        pg = sim.create("poisson_generator", params={"rate": 5000.0})
        sim.connect(pg, n, syn_spec={"weight": 30.0})
        sim.connect(n, sim.create("spike_recorder", label="sr"))
        return sim

    whole = build()
    whole.simulate(200.0)
    part = build()
    part.simulate(77.7)
    part.checkpoint(tmp_path / "ck.h5")
    restored = spikesim.Simulator.restore(tmp_path / "ck.h5")
    restored.simulate(122.3)
    a, b = whole.nodes("n").get(), restored.nodes("n").get()
    for k in a:
        assert np.array_equal(np.asarray(a[k], dtype=object), np.asarray(b[k], dtype=object)), k
    assert np.asarray(a["V_th_v"]).any()
    ea, eb = whole.nodes("sr").get("events")[0], restored.nodes("sr").get("events")[0]
    assert ea["times"].size > 20
    np.testing.assert_array_equal(ea["times"], eb["times"])
    np.testing.assert_array_equal(ea["senders"], eb["senders"])
