"""Shared checks of the synapse tests (tests/models/test_synapses_*.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

import spikesim
from spikesim.errors import BadProperty


def assert_connect_rejects_and_changes_nothing(model: str, params: dict[str, Any], key: str) -> None:
    """``connect`` with the bad ``params`` of ``model`` raises BadProperty naming ``key`` and
    creates no connection; the same connect without them then creates all four."""
    sim = spikesim.Simulator()
    pre = sim.create("parrot_neuron", 2)
    post = sim.create("iaf_psc_exp", 2)
    with pytest.raises(BadProperty, match=re.escape(f"'{key}'")):
        sim.connect(pre, post, "all_to_all", {"synapse_model": model, **params})
    assert len(sim.get_connections()) == 0
    sim.connect(pre, post, "all_to_all", {"synapse_model": model})
    assert len(sim.get_connections()) == 4
