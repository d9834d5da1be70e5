"""iaf_cond_beta beyond its NEST reference case.

The dynamics are checked against NEST 3.10 by ``tests/data/nest/cases/iaf_cond_beta_drive.json``
(made by ``tools/make_reference_models3.py``, replayed by
``tests/reference/test_nest_deterministic.py``).  Here: NEST's defaults and recordables
(``tests/data/nest/iaf_cond_beta_defaults.json``, same script), NEST's parameter
checks (its ``set_status``: V_reset < V_th, C_m > 0, t_ref >= 0, every time constant
> 0), the peak of one conductance (the normalisation makes it the weight), threads.
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from tests.models.nest_defaults import assert_nest_defaults, assert_refused_and_unchanged

MODEL = "iaf_cond_beta"


def test_defaults_and_recordables_are_nests():
    assert_nest_defaults(MODEL)


@pytest.mark.parametrize("key, bad", [("C_m", 0.0), ("t_ref", -0.1), ("tau_rise_ex", 0.0), ("tau_decay_ex", -1.0),
                                      ("tau_rise_in", -0.5), ("tau_decay_in", 0.0), ("V_reset", -55.0)])
def test_nest_parameter_checks_leave_the_neuron_unchanged(key, bad):
    assert_refused_and_unchanged(MODEL, key, bad)


@pytest.mark.parametrize("rise, decay", [(0.5, 3.0), (3.0, 0.5), (1.0, 1.0)])
def test_one_spike_gives_a_conductance_that_peaks_at_its_weight(rise, decay):
    # g(t) = A (exp(-t/decay) - exp(-t/rise)) / (1/rise - 1/decay) peaks at
    # t_peak = decay rise ln(decay/rise) / (decay - rise); NEST's factor makes that peak w
    w = 7.5
    sim = spikesim.Simulator(resolution=0.01, seed=1)
    n = sim.create("iaf_cond_beta", params={"tau_rise_ex": rise, "tau_decay_ex": decay})
    sg = sim.create("spike_generator", params={"spike_times": [1.0]})
    mm = sim.create("multimeter", params={"interval": 0.01, "record_from": ["g_ex"]})
    sim.connect(sg, n, syn_spec={"weight": w, "delay": 1.0})
    sim.connect(mm, n)
    sim.simulate(30.0)
    ev = mm.get("events")[0]
    t, g = np.asarray(ev["times"]), np.asarray(ev["g_ex"])
    t_peak = rise if rise == decay else decay * rise * np.log(decay / rise) / (decay - rise)
    assert g.max() == pytest.approx(w, rel=1e-4)   # the grid of 0.01 ms lands near the peak
    assert t[np.argmax(g)] - 2.0 == pytest.approx(t_peak, abs=0.011)   # arrives at 2.0 ms


def test_two_threads_give_the_same_trace():
    def run(threads: int) -> np.ndarray:
        sim = spikesim.Simulator(resolution=0.1, seed=1, threads=threads)
        n = sim.create("iaf_cond_beta", 6, [{"tau_rise_ex": 0.1 * (k + 1), "tau_decay_ex": 2.0, "I_e": 380.0}
                                             for k in range(6)])
        pg = sim.create("poisson_generator", params={"rate": 3000.0})
        mm = sim.create("multimeter", params={"interval": 0.1, "record_from": ["V_m", "g_ex"]})
        sim.connect(pg, n, syn_spec={"weight": 2.0, "delay": 1.0})
        sim.connect(mm, n)
        sim.simulate(100.0)
        ev = mm.get("events")[0]
        return np.stack([np.asarray(ev[k]) for k in ("times", "senders", "V_m", "g_ex")])

    np.testing.assert_array_equal(run(1), run(2))
