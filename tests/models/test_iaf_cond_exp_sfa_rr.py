"""iaf_cond_exp_sfa_rr beyond its NEST reference case.

The dynamics are checked against NEST 3.10 by
``tests/data/nest/cases/iaf_cond_exp_sfa_rr_drive.json`` (made by
``tools/make_reference_models3.py``, replayed by
``tests/reference/test_nest_deterministic.py``).  Here: NEST's defaults and recordables
(``tests/data/nest/iaf_cond_exp_sfa_rr_defaults.json``), NEST's parameter checks (read
from its ``set_status``), the adaptation a spike leaves, threads and checkpoints.
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from tests.models.nest_defaults import assert_nest_defaults, assert_refused_and_unchanged

MODEL = "iaf_cond_exp_sfa_rr"


def test_defaults_and_recordables_are_nests():
    assert_nest_defaults(MODEL)


@pytest.mark.parametrize("key, bad", [("V_reset", -57.0), ("C_m", 0.0), ("t_ref", -1.0), ("tau_sfa", 0.0),
                                      ("tau_rr", -1.0), ("tau_syn_ex", 0.0)])
def test_nest_parameter_checks_leave_the_neuron_unchanged(key, bad):
    assert_refused_and_unchanged(MODEL, key, bad)


def _run(threads: int, t: float = 200.0) -> tuple[spikesim.Simulator, spikesim.NodeCollection, np.ndarray]:
    sim = spikesim.Simulator(resolution=0.1, seed=3, threads=threads)
    n = sim.create(MODEL, 6, [{"I_e": 350.0 + 60.0 * k} for k in range(6)], label="n")
    pg = sim.create("poisson_generator", params={"rate": 4000.0})
    sim.connect(pg, n, syn_spec={"weight": 2.0, "delay": 1.0})
    mm = sim.create("multimeter", params={"interval": 0.1, "record_from": ["V_m", "g_sfa", "g_rr"]})
    sim.connect(mm, n)
    sim.simulate(t)
    ev = mm.get("events")[0]
    return sim, n, np.stack([np.asarray(ev[k]) for k in ("times", "senders", "V_m", "g_sfa", "g_rr")])


def test_each_spike_adds_q_sfa_and_q_rr():
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create(MODEL, params={"I_e": 600.0})
    sr = sim.create("spike_recorder")
    mm = sim.create("multimeter", params={"interval": 0.1, "record_from": ["g_sfa", "g_rr"]})
    sim.connect(n, sr)
    sim.connect(mm, n)
    sim.simulate(100.0)
    t_spike = float(sr.get("events")[0]["times"][0])
    ev = mm.get("events")[0]
    t, g_sfa, g_rr = (np.asarray(ev[k]) for k in ("times", "g_sfa", "g_rr"))
    k = int(np.flatnonzero(np.isclose(t, t_spike))[0])
    assert g_sfa[k - 1] == 0.0 and g_rr[k - 1] == 0.0   # nothing before the first spike
    assert g_sfa[k] == 14.48 and g_rr[k] == 3214.0      # NEST's q_sfa and q_rr, added after the step's integration


def test_two_threads_and_a_checkpoint_give_the_same_results(tmp_path):
    _, _, one = _run(1)
    _, n2, two = _run(2)
    np.testing.assert_array_equal(one, two)
    part, _, _ = _run(1, 77.0)
    part.checkpoint(tmp_path / "c.h5")
    resumed = spikesim.Simulator.restore(tmp_path / "c.h5")
    resumed.simulate(123.0)
    got, ref = resumed.nodes("n").get(), n2.get()
    for key in spikesim.models.NODE_MODELS[MODEL].state:
        np.testing.assert_array_equal(np.asarray(got[key]), np.asarray(ref[key]), err_msg=key)
