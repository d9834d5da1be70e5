"""AdEx neurons whose integration leaves its stable range stop the run with NEST's
NumericalInstability instead of running on with steps that shrink without end."""

from __future__ import annotations

import pytest

import spikesim
import spikesim.nest as nest
from spikesim.errors import NumericalInstability

MODELS = ["aeif_cond_alpha", "aeif_cond_exp", "aeif_psc_alpha"]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("params", [{"a": -1e300}, {"b": 2e6, "I_e": 2000.0}, {"V_m": -2000.0}])
def test_an_unstable_neuron_is_a_clear_error_not_a_hang(model: str, params: dict[str, float]) -> None:
    sim = spikesim.Simulator(resolution=0.1)
    sim.create(model, 2, params)
    with pytest.raises(NumericalInstability, match=f"{model}: numerical instability"):
        sim.simulate(20.0)


@pytest.mark.parametrize("model", MODELS)
def test_stable_neurons_are_not_flagged(model: str) -> None:
    sim = spikesim.Simulator(resolution=0.1)
    n = sim.create(model, 2, {"I_e": 800.0})
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    sim.simulate(200.0)
    assert sr.get("n_events") > 0


def test_the_nest_face_raises_nests_error_name() -> None:
    nest.ResetKernel()
    nest.Create("aeif_cond_alpha", 1, {"a": -1e300})
    with pytest.raises(nest.NESTErrors.NumericalInstability):
        nest.Simulate(5.0)
