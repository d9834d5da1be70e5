"""gif_cond_exp neurons whose RKF45 steps shrink without end (a membrane time constant
of ~1e-10 ms here) stop the run with NumericalInstability, naming the model, instead of
running on: NEST's own loop does not return for such a neuron."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.errors import NumericalInstability

MODELS = ["gif_cond_exp", "gif_cond_exp_multisynapse"]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("model", MODELS)
def test_a_stiff_gif_cond_neuron_is_a_clear_error(model: str) -> None:
    sim = spikesim.Simulator(resolution=0.1)
    sim.create(model, 2, {"C_m": 1e-6, "I_e": 500.0})
    with pytest.raises(NumericalInstability, match=f"{model}: numerical instability.*100,000 steps"):
        sim.simulate(5.0)


@pytest.mark.parametrize("model", MODELS)
def test_an_ordinary_gif_cond_neuron_runs(model: str) -> None:
    sim = spikesim.Simulator(resolution=0.1)
    n = sim.create(model, 2, {"I_e": 500.0})
    sim.simulate(50.0)
    assert np.all(np.isfinite(n.get("V_m")))
