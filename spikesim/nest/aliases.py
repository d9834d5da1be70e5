"""Make ``import nest`` (and ``import nest.<sub>``) resolve to :mod:`spikesim.nest`.

Used by ``python -m spikesim.nest script.py`` and by the pytest plugin that runs
NEST's own test suite against spikesim; a PyNEST script then needs no edit.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import types

__all__ = ["SUBMODULES", "install"]

#: submodules of spikesim.nest a PyNEST script may import as ``nest.<name>``
SUBMODULES = ("raster_plot", "voltage_trace", "random", "math", "spatial")


def install(name: str = "nest") -> types.ModuleType:
    """Register :mod:`spikesim.nest` and its public submodules under ``name`` in ``sys.modules``.

    Parameters
    ----------
    name : str, default "nest"
        The top-level name scripts import.

    Returns
    -------
    module
        The face, :mod:`spikesim.nest`.
    """
    face = importlib.import_module("spikesim.nest")
    sys.modules[name] = face
    subs = {m.name for m in pkgutil.iter_modules(face.__path__) if not m.name.startswith("_")}
    subs -= {"aliases", "pytest_plugin"}
    for sub in sorted(subs | set(SUBMODULES)):
        try:
            mod = importlib.import_module(f"spikesim.nest.{sub}")
        except ImportError:
            continue
        sys.modules[f"{name}.{sub}"] = mod
    return face
