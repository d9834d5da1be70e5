"""hh_cond_exp_traub beyond its NEST reference case.

The dynamics are checked against NEST 3.10 by
``tests/data/nest/cases/hh_cond_exp_traub_drive.json`` (made by
``tools/make_reference_models3.py``, replayed by
``tests/reference/test_nest_deterministic.py``).  Here: NEST's defaults, starting state
and recordables (``tests/data/nest/hh_cond_exp_traub_defaults.json``, same script),
NEST's parameter checks (C_m > 0, tau_syn > 0, t_ref >= 0), threads and checkpoints.
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from tests.models.nest_defaults import assert_nest_defaults, assert_refused_and_unchanged

MODEL = "hh_cond_exp_traub"


def test_defaults_and_recordables_are_nests():
    assert_nest_defaults(MODEL)


@pytest.mark.parametrize("key, bad", [("C_m", 0.0), ("tau_syn_ex", 0.0), ("tau_syn_in", -1.0), ("t_ref", -0.5)])
def test_nest_parameter_checks_leave_the_neuron_unchanged(key, bad):
    assert_refused_and_unchanged(MODEL, key, bad)


def _network(threads: int = 1) -> tuple[spikesim.Simulator, spikesim.NodeCollection, spikesim.NodeCollection]:
    sim = spikesim.Simulator(resolution=0.1, seed=7, threads=threads)
    n = sim.create(MODEL, 8, [{"I_e": 40.0 * k} for k in range(8)], label="n")
    pg = sim.create("poisson_generator", params={"rate": 2000.0})
    mm = sim.create("multimeter", params={"interval": 0.1, "record_from": ["V_m", "g_ex", "g_in", "Act_n"]})
    sim.connect(pg, n[:4], syn_spec={"weight": 3.0, "delay": 1.0})
    sim.connect(pg, n[4:], syn_spec={"weight": -4.0, "delay": 1.5})
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 3}, {"weight": 2.0, "delay": 2.0})
    sim.connect(mm, n)
    return sim, n, mm


def _events(mm: spikesim.NodeCollection) -> np.ndarray:
    ev = mm.get("events")[0]
    return np.stack([np.asarray(ev[k]) for k in ("times", "senders", "V_m", "g_ex", "g_in", "Act_n")])


def test_two_threads_give_the_same_trace():
    (s1, _, m1), (s2, _, m2) = _network(1), _network(2)
    s1.simulate(150.0)
    s2.simulate(150.0)
    np.testing.assert_array_equal(_events(m1), _events(m2))


def test_checkpoint_continues_exactly(tmp_path):
    whole, n_whole, _ = _network()
    whole.simulate(80.0)
    part, _, _ = _network()
    part.simulate(33.0)
    part.checkpoint(tmp_path / "c.h5")
    resumed = spikesim.Simulator.restore(tmp_path / "c.h5")
    resumed.simulate(47.0)
    got, ref = resumed.nodes("n").get(), n_whole.get()
    for key in spikesim.models.NODE_MODELS[MODEL].state:
        np.testing.assert_array_equal(np.asarray(got[key]), np.asarray(ref[key]), err_msg=key)
