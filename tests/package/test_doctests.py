"""Every Examples section in the package's docstrings runs (as ``pytest --doctest-modules`` would)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import spikesim

MODULES = sorted(m.name for m in pkgutil.walk_packages(spikesim.__path__, "spikesim.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_package_has_examples() -> None:
    attempted = sum(doctest.testmod(importlib.import_module(n), report=False).attempted for n in MODULES)
    assert attempted >= 50
