"""V_m equals NEST 3.10's bit for bit (``float.hex``) for every case of
tests/data/nest/bitwise_vm.json (made by tools/make_reference_bitwise.py in NEST's venv,
with the runs of tests/nest/_bitwise.py): neurons driven by ``I_e`` and by spikes.
The membrane propagators are computed with NEST's own operations, including its
``numerics::expm1`` (spikesim.models._nest_numerics, also inside NEST's IAFPropagator)
and iaf_psc_delta's ``(1 - exp(-h/tau)) tau / C``.  The E_L = 0 cases expose the last
bits that ``V_m = y3 + E_L`` can round away."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

import spikesim.nest as nest
from spikesim.models._nest_numerics import nest_expm1
from tests.nest._bitwise import current_case, spike_case

DATA = json.loads((Path(__file__).parents[1] / "data" / "nest" / "bitwise_vm.json").read_text())


@pytest.mark.parametrize("case", DATA["cases"], ids=lambda c: f"{c['model']}-{c['resolution']}-{c['params']}")
def test_current_driven_v_m_equals_nest_bit_for_bit(case: dict[str, Any]) -> None:
    assert current_case(nest, case["model"], case["resolution"], case["params"]) == case["V_m_hex"]


@pytest.mark.parametrize("case", DATA["spike_cases"], ids=lambda c: c["model"])
def test_spike_driven_v_m_equals_nest_bit_for_bit(case: dict[str, Any]) -> None:
    assert spike_case(nest, case["model"]) == case["V_m_hex"]


def test_nest_expm1_is_nests_series_not_libm() -> None:
    # the value NEST's iaf_psc_alpha uses for h = 0.1 ms, tau_m = 10 ms (its machine code's series)
    assert nest_expm1(-0.01).hex() == "-0x1.460c0b518c09ep-7"
    assert math.expm1(-0.01).hex() == "-0x1.460c0b518c09fp-7"
    assert nest_expm1(-1.0) == math.exp(-1.0) - 1.0  # above ln 2: exp(x) - 1
    assert nest_expm1(0.0) == 0.0
