"""Neurons integrated by RKF45 (iaf_cond_exp, iaf_cond_alpha, hh_psc_alpha) whose
integrator steps shrink without end stop the run with NumericalInstability instead of
hanging.

The value is the one that hung the property test (tests/models/test_parameters_property.py,
2026-11-30): ``g_in = -1e300`` nS.  With it ``dg_in/dt = -g_in / tau_syn_in`` is about
1e300 nS/ms, so the error control asks for steps near 1e-60 ms and one 0.1 ms step
would need some 1e59 integrator steps.  NEST 3.10 does not return from
``Simulate(0.1)`` with it either (tried with a kill after 60 s); here the integrator
gives up after ``MAX_SUBSTEPS`` steps.  ``hh_psc_alpha`` hung the same way on
``I_syn_ex = 1e300`` pA (found by setting each parameter and state to +-1e300, +-1e30
and 1e-300 in turn); NEST 3.10 does not return from it either.
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
import spikesim.nest as nest
from spikesim.errors import NumericalInstability
from spikesim.models._rkf45 import MAX_SUBSTEPS

MODELS = ["iaf_cond_exp", "iaf_cond_alpha"]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("params", [{"g_in": -1e300}, {"g_ex": -1e300}])
def test_a_stiff_beyond_use_neuron_is_a_clear_error_not_a_hang(model: str, params: dict[str, float]) -> None:
    sim = spikesim.Simulator(resolution=0.1)
    sim.create(model, 2, params)
    with pytest.raises(NumericalInstability, match=f"{model}: numerical instability in neuron 0 .*"
                                                   f"over {MAX_SUBSTEPS:,} steps"):
        sim.simulate(0.1)


@pytest.mark.parametrize("model", MODELS)
def test_large_but_usable_conductances_still_run(model: str) -> None:
    """A big inhibitory conductance (1e4 nS, tau 2 ms) needs more steps, not an error:
    ``V_m`` is pulled to ``E_in`` (-85 mV) and stays between it and ``E_L``."""
    sim = spikesim.Simulator(resolution=0.1)
    n = sim.create(model, 2, {"g_in": 1e4})
    sim.simulate(20.0)
    v = np.asarray(n.get("V_m"), dtype=float)
    assert np.all((v >= -85.0) & (v <= -70.0))


@pytest.mark.timeout(120)
@pytest.mark.parametrize("params", [{"I_syn_ex": 1e300}, {"I_syn_in": -1e300}])
def test_hh_with_a_huge_current_is_a_clear_error_not_a_hang(params: dict[str, float]) -> None:
    sim = spikesim.Simulator(resolution=0.1)
    sim.create("hh_psc_alpha", 2, params)
    with pytest.raises(NumericalInstability, match=f"hh_psc_alpha: numerical instability in neuron 0 .*"
                                                   f"over {MAX_SUBSTEPS:,} steps"):
        sim.simulate(0.1)


def test_the_nest_face_raises_nests_error_name() -> None:
    nest.ResetKernel()
    nest.Create("iaf_cond_exp", 1, {"g_in": -1e300})
    with pytest.raises(nest.NESTErrors.NumericalInstability):
        nest.Simulate(0.1)
