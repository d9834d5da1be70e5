"""Checks shared by the tests of models made from NEST reference data: NEST's defaults
and recordables (``tests/data/nest/<model>_defaults.json``, written by the
``tools/make_reference_*.py`` script of the model) and NEST's parameter checks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty

DATA = Path(__file__).resolve().parents[1] / "data" / "nest"


def assert_nest_defaults(model: str) -> None:
    """A new ``model`` neuron has NEST's recordables, parameter values and starting state."""
    ref = json.loads((DATA / f"{model}_defaults.json").read_text())
    got = spikesim.Simulator(resolution=0.1, seed=1).create(model).get()
    cls = spikesim.models.NODE_MODELS[model]
    assert sorted(cls.recordables) == ref["recordables"]
    for key in (*cls.params, *[k for k in cls.state if k in ref]):
        assert float(np.asarray(got[key]).ravel()[0]) == ref[key], key


def assert_refused_and_unchanged(model: str, key: str, bad: float) -> None:
    """Setting ``key`` to ``bad`` raises BadProperty naming both and changes nothing."""
    n = spikesim.Simulator(resolution=0.1, seed=1).create(model)
    before = n.get()
    with pytest.raises(BadProperty, match=f"'{key}' = {bad!r}"):
        n.set({key: bad})
    after = n.get()
    for k, v in before.items():
        np.testing.assert_array_equal(np.asarray(after[k]), np.asarray(v), err_msg=k)
