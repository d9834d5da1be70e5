"""Spatial networks through spikesim.nest against NEST 3.10: the scenarios of
``scenarios.py``, whose NEST results tools/make_reference_spatial.py stored in
data/reference_spatial.json (run under NEST 3.10's Python).

Deterministic cases (p = 1, masks, grids): the same connections, weights and delays
within 1e-9 (positions and displacements to 1e-12)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import spikesim.nest as nest
from tests.spatial import scenarios

REF = json.loads((Path(__file__).parent / "data" / "reference_spatial.json").read_text())


@pytest.fixture(autouse=True)
def fresh_kernel():
    nest.ResetKernel()
    yield
    nest.ResetKernel()


@pytest.mark.parametrize("name", sorted(n for n in scenarios.SCENARIOS if "big" not in n))
def test_connections_as_nest(name):
    got = scenarios.run(nest, name)
    want = REF["connections"][name]
    assert len(want) > 0
    assert [r[:2] for r in got] == [r[:2] for r in want]
    np.testing.assert_allclose(np.asarray(got)[:, 2:], np.asarray(want)[:, 2:], rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", sorted(n for n in scenarios.SCENARIOS if "big" in n))
def test_large_layers_connect_as_nest(name):
    """Layers of 400 and 900 nodes, where NEST's position tree splits and its box tests decide
    the nodes on the mask's edges: the same pairs (md5) and weights."""
    got, want = scenarios.summary(scenarios.run(nest, name)), REF["summaries"][name]
    assert got["n"] == want["n"] and got["md5"] == want["md5"]
    assert abs(got["wsum"] - want["wsum"]) < 1e-9 * want["n"]


@pytest.mark.parametrize("name", sorted(scenarios.LAYERS))
def test_layer_positions_and_spatial_dict_as_nest(name):
    got = scenarios.layer_facts(nest, name)
    want = REF["layers"][name]
    np.testing.assert_allclose(got["positions"], want["positions"], rtol=0, atol=1e-12)
    assert sorted(got["spatial"]) == sorted(want["spatial"])
    for k, v in want["spatial"].items():
        np.testing.assert_allclose(np.asarray(got["spatial"][k], dtype=float), np.asarray(v, dtype=float),
                                   rtol=0, atol=1e-12, err_msg=k)


def test_queries_as_nest():
    got = scenarios.queries(nest)
    want = REF["queries"]
    assert sorted(got) == sorted(want)
    for k, v in want.items():
        if k.startswith(("disp", "dist", "vm", "cm")):
            np.testing.assert_allclose(np.asarray(got[k], dtype=float), np.asarray(v, dtype=float), rtol=0,
                                       atol=1e-12, err_msg=k)
        else:
            assert got[k] == v, k
