"""stdp_dopamine_synapse with volume_transmitter against NEST 3.10.

The cases and NEST's results are in ``tests/data/nest/dopamine_reference.json`` (made by
``tools/make_reference_dopamine.py`` under NEST 3.10's interpreter; the networks are
built by ``tests/models/dopamine_cases.py`` for both): after every Simulate call each
connection's ``weight``, ``c``, ``n`` and ``Kplus`` must equal NEST's bit for bit, and
the weight recorder's events (senders, targets, times, weights) must be NEST's.  The
weight update uses NEST's own ``numerics::expm1`` (spikesim.models._nest_numerics);
with the C library's ``expm1`` the weights differ by up to 1.8e-15.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spikesim import nest
from tests.models import dopamine_cases

DATA = json.loads((Path(__file__).resolve().parent.parent / "data" / "nest" / "dopamine_reference.json").read_text())
CASES = {c["name"]: c for c in DATA["cases"]}


@pytest.mark.parametrize("name", sorted(CASES))
def test_connection_state_matches_nest(name: str) -> None:
    case = CASES[name]
    got = dopamine_cases.run(nest, case)
    ref: dict[str, Any] = case["expected"]
    assert len(got["states"]) == len(ref["states"]) == len(case["simulate"])
    for call, (mine, theirs) in enumerate(zip(got["states"], ref["states"], strict=True)):
        assert [(r["source"], r["target"]) for r in mine] == [(r["source"], r["target"]) for r in theirs]
        for k in dopamine_cases.KEYS:
            np.testing.assert_allclose([r[k] for r in mine], [r[k] for r in theirs], rtol=0, atol=0,
                                       err_msg=f"{name}: {k} after Simulate call {call}")
    for k in ("senders", "targets", "times"):
        np.testing.assert_array_equal(got["wr"][k], ref["wr"][k], err_msg=k)
    np.testing.assert_allclose(got["wr"]["weights"], ref["wr"]["weights"], rtol=0, atol=0)


def test_cases_exercise_the_rule() -> None:
    """NEST's results move weights both ways, clip them at Wmin and Wmax, and the weight
    recorder saw at least 30 transmissions per case."""
    final = {name: [r["weight"] for r in c["expected"]["states"][-1]] for name, c in CASES.items()}
    start = {name: [cn["syn"]["weight"] for cn in c["connections"]] for name, c in CASES.items()}
    assert max(final["basic"]) > max(start["basic"]) and min(final["basic"]) == 0.0  # Wmin 0 (default)
    dopa_c = final["intervals"][-6:]  # the second model's connections: Wmin 10, Wmax 14
    assert 10.0 in dopa_c and 14.0 in dopa_c
    assert -10.0 in final["clipping"]
    assert all(len(c["expected"]["wr"]["times"]) >= 30 for c in CASES.values())
