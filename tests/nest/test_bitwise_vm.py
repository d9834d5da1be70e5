"""V_m driven by I_e equals NEST 3.10's bit for bit (``float.hex``), for every case of
tests/data/nest/bitwise_vm.json (made by tools/make_reference_bitwise.py in NEST's venv):
the membrane propagators are computed with NEST's own operations, including its
``numerics::expm1`` (spikesim.models._nest_numerics) and iaf_psc_delta's
``(1 - exp(-h/tau)) tau / C``.  The E_L = 0 cases expose the last bits that
``V_m = y3 + E_L`` can round away."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import spikesim.nest as nest

DATA = json.loads((Path(__file__).parents[1] / "data" / "nest" / "bitwise_vm.json").read_text())


def _run(model: str, h: float, params: dict[str, float]) -> list[str]:
    """The same calls as the reference script's ``case``."""
    nest.ResetKernel()
    nest.resolution = h
    n = nest.Create(model)
    have: dict[str, Any] = n.get()
    p = dict(params)
    if "V_th" in have:
        p["V_th"] = 1e3
    if "V_reset" in have and "V_th" in have:
        p["V_reset"] = min(have["V_reset"], -10.0)
    if "V_peak" in have:
        p["V_peak"] = 2e3
    if model.startswith("gif"):
        p["lambda_0"] = 0.0
    if model == "pp_psc_delta":
        p["c_1"], p["c_2"] = 0.0, 0.0
    n.set(p)
    out = []
    for _ in range(8):
        nest.Simulate(h)
        out.append(float(n.get("V_m")).hex())
    return out


@pytest.mark.parametrize("case", DATA["cases"], ids=lambda c: f"{c['model']}-{c['resolution']}-{c['params']}")
def test_v_m_equals_nest_bit_for_bit(case: dict[str, Any]) -> None:
    assert _run(case["model"], case["resolution"], case["params"]) == case["V_m_hex"]


def test_nest_expm1_is_neither_libm_nor_exp_minus_one() -> None:
    import math

    from spikesim.models._nest_numerics import nest_expm1
    # the value NEST's iaf_psc_alpha uses for h = 0.1 ms, tau_m = 10 ms (its machine code's series)
    assert nest_expm1(-0.01).hex() == "-0x1.460c0b518c09ep-7"
    assert math.expm1(-0.01).hex() == "-0x1.460c0b518c09fp-7"
    assert nest_expm1(-1.0) == math.exp(-1.0) - 1.0  # above ln 2: exp(x) - 1
    assert nest_expm1(0.0) == 0.0
