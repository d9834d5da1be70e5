"""iaf_chxk_2008 beyond its NEST reference case.

The dynamics are checked against NEST 3.10 by
``tests/data/nest/cases/iaf_chxk_2008_drive.json`` (made by
``tools/make_reference_models4.py``, replayed by
``tests/reference/test_nest_deterministic.py``): spikes on NEST's steps (NEST records
them off the grid, see the case's note), all recordables within 1e-9.  Here: NEST's
defaults and recordables (``tests/data/nest/iaf_chxk_2008_defaults.json``, same
script), NEST's parameter checks (each refused by NEST 3.10 with a BadProperty when
run), the recordable ``g_ahp`` against the parameter ``g_ahp``, threads and checkpoints.
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from tests.models.nest_defaults import assert_nest_defaults, assert_refused_and_unchanged

MODEL = "iaf_chxk_2008"


def test_defaults_and_recordables_are_nests():
    assert_nest_defaults(MODEL)


@pytest.mark.parametrize("key, bad", [("C_m", 0.0), ("tau_syn_ex", 0.0), ("tau_syn_in", -1.0), ("tau_ahp", 0.0)])
def test_nest_parameter_checks(key, bad):
    assert_refused_and_unchanged(MODEL, key, bad)


def _run(threads: int, tmp=None) -> tuple[np.ndarray, dict, np.ndarray]:
    def build() -> spikesim.Simulator:
        sim = spikesim.Simulator(resolution=0.1, seed=3, threads=threads)
        n = sim.create(MODEL, 4, {"I_e": 1500.0}, label="n")
        pg = sim.create("poisson_generator", params={"rate": 4000.0})
        sim.connect(pg, n, syn_spec={"weight": 20.0})
        sim.connect(pg, n, syn_spec={"weight": -10.0})
        sim.connect(n, sim.create("spike_recorder", label="sr"))
        mm = sim.create("multimeter", params={"interval": 0.1, "record_from": ["g_ahp"]}, label="mm")
        sim.connect(mm, n)
        return sim

    sim = build()
    if tmp is None:
        sim.simulate(200.0)
    else:
        sim.simulate(77.7)
        sim.checkpoint(tmp / "ck.h5")
        sim = spikesim.Simulator.restore(tmp / "ck.h5")
        sim.simulate(122.3)
    ev = sim.nodes("sr").get("events")[0]
    g = np.asarray(sim.nodes("mm").get("events")[0]["g_ahp"])
    return np.stack([np.asarray(ev["times"]), np.asarray(ev["senders"], dtype=float)]), sim.nodes("n").get(), g


def test_g_ahp_records_the_conductance_not_the_parameter():
    spikes, state, g = _run(1)
    assert spikes.shape[1] > 20
    assert np.all(np.asarray(state["g_ahp"]) == 443.8)  # the parameter (nS) is unchanged
    assert g.max() > 0.0 and g[0] == 0.0               # the recorded conductance rises after spikes


def test_two_threads_and_a_checkpoint_give_the_same_results(tmp_path):
    one, state, g = _run(1)
    two = _run(2)
    np.testing.assert_array_equal(g, two[2])
    for other, st, _ in (two, _run(1, tmp_path)):
        np.testing.assert_array_equal(one, other)
        for k in set(state) - {"thread", "vp"}:
            assert np.array_equal(np.asarray(state[k], dtype=object), np.asarray(st[k], dtype=object)), k
