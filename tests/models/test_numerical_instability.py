"""Neurons whose integration leaves its stable range stop the run with NEST's
NumericalInstability, naming the model, instead of running on with steps that shrink
without end.

AdEx models: NEST raises the same error.  gif_cond_exp(+multisynapse) with a membrane
time constant of ~1e-10 ms: NEST's own loop does not return for such a neuron; spikesim
stops after 100,000 RKF45 steps within one step of the grid.
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
import spikesim.nest as nest
from spikesim.errors import NumericalInstability

AEIF = ["aeif_cond_alpha", "aeif_cond_exp", "aeif_psc_alpha"]
GIF = ["gif_cond_exp", "gif_cond_exp_multisynapse"]
UNSTABLE = [
    *((m, p, 20.0, "") for m in AEIF for p in ({"a": -1e300}, {"b": 2e6, "I_e": 2000.0}, {"V_m": -2000.0})),
    *((m, {"C_m": 1e-6, "I_e": 500.0}, 5.0, ".*100,000 steps") for m in GIF),
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("model", "params", "t_sim", "detail"), UNSTABLE)
def test_an_unstable_neuron_is_a_clear_error_not_a_hang(model: str, params: dict[str, float], t_sim: float,
                                                         detail: str) -> None:
    sim = spikesim.Simulator(resolution=0.1)
    sim.create(model, 2, params)
    with pytest.raises(NumericalInstability, match=f"{model}: numerical instability{detail}"):
        sim.simulate(t_sim)


@pytest.mark.parametrize("model", AEIF)
def test_stable_neurons_are_not_flagged(model: str) -> None:
    sim = spikesim.Simulator(resolution=0.1)
    n = sim.create(model, 2, {"I_e": 800.0})
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    sim.simulate(200.0)
    assert sr.get("n_events") > 0


@pytest.mark.parametrize("model", GIF)
def test_an_ordinary_gif_cond_neuron_runs(model: str) -> None:
    sim = spikesim.Simulator(resolution=0.1)
    n = sim.create(model, 2, {"I_e": 500.0})
    sim.simulate(50.0)
    assert np.all(np.isfinite(n.get("V_m")))


def test_the_nest_face_raises_nests_error_name() -> None:
    nest.ResetKernel()
    nest.Create("aeif_cond_alpha", 1, {"a": -1e300})
    with pytest.raises(nest.NESTErrors.NumericalInstability):
        nest.Simulate(5.0)
