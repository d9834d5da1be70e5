"""The Examples in the analysis docstrings run (as `pytest --doctest-modules` would)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["spikesim.analysis", "spikesim.analysis.spikes", "spikesim.analysis.variability",
           "spikesim.analysis.histograms"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
    if name != "spikesim.analysis":
        assert result.attempted > 0, f"{name} has no examples"
