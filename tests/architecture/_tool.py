"""Loads ``tools/archcheck.py`` (not an installed package) as the module ``archcheck``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    """Import ``tools/archcheck.py`` by path once and return the module."""
    if "archcheck" in sys.modules:
        return sys.modules["archcheck"]
    spec = importlib.util.spec_from_file_location("archcheck", REPO / "tools" / "archcheck.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["archcheck"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


archcheck = _load()
