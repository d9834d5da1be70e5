"""mat2_psc_exp's V_th is computed, as in NEST 3.10 (``E_L + omega + V_th_alpha_1 +
V_th_alpha_2``): it shows a new ``omega`` or threshold component at once, keeps its
absolute value when ``E_L`` moves, and cannot be set.  Expected values from NEST 3.10
runs of the same calls (omega 20 -> 20.0; after a step 20.0; E_L -60 -> 20.0;
V_th_alpha_1 3 -> 23.0; ``set(V_th=...)`` raises)."""

from __future__ import annotations

import pytest

import spikesim.nest as nest
from spikesim.errors import BadProperty


def test_v_th_follows_omega_and_the_threshold_components() -> None:
    nest.ResetKernel()
    n = nest.Create("mat2_psc_exp")
    assert n.get("V_th") == -51.0
    n.set(omega=20.0)
    assert n.get("V_th") == 20.0
    nest.Simulate(0.1)
    assert n.get("V_th") == 20.0
    n.set(E_L=-60.0)
    assert n.get("V_th") == 20.0
    n.set(V_th_alpha_1=3.0)
    assert n.get("V_th") == 23.0


def test_v_th_cannot_be_set() -> None:
    nest.ResetKernel()
    n = nest.Create("mat2_psc_exp")
    with pytest.raises(BadProperty, match="V_th.*read-only"):
        n.set(V_th=3.0)
    assert n.get("V_th") == -51.0
