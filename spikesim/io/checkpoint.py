"""The checkpoint file: one container holding a simulator's state as parts wrote it.

A checkpoint is a :mod:`spikesim.io.container` file of format ``spikesim-checkpoint``:
JSON metadata (kernel settings and the clock; models; populations and devices;
projections; engine and backend settings) and named arrays (``pop{i}/...`` neuron
parameters and state, ``proj{i}/...`` connection tables with plastic weights and
traces, ``engine/ring`` input in transit, ``archive/...`` the postsynaptic spike
history, recorder events).  What goes in is decided by the parts themselves
(:mod:`spikesim.core.state` gathers it); this module only writes and reads the
file, atomically, checksummed, and without unpickling anything.

Parameter values are stored as JSON: tuples as lists, infinities as ``"inf"``;
:func:`plain` and :func:`unplain` convert.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.errors import BadProperty
from spikesim.io import container

FORMAT = "spikesim-checkpoint"
#: units of what the arrays hold
UNITS = {"time": "ms", "V_m": "mV", "current": "pA", "conductance": "nS", "weight": "model units",
         "delay": "steps", "ring": "per channel (ex, in, current), per slot, per node"}

#: the metadata a simulator is rebuilt from, and the kernel settings among it
META_KEYS = ("kernel", "recording", "populations", "connector", "projections", "engine")
KERNEL_KEYS = ("resolution", "seed", "threads", "print_time", "num_nodes", "step")


def plain(v: object) -> object:
    """A JSON-able copy of a parameter value (tuples -> lists, numpy -> Python).

    Raises
    ------
    BadProperty
        For a random parameter, which cannot be stored.
    """
    if hasattr(v, "draw"):
        raise BadProperty(f"checkpoint: a random parameter ({v!r}) among model defaults cannot be stored; "
                          "draw it when creating nodes instead")
    if isinstance(v, (tuple, list)):
        return [plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def unplain(v: object, like: object) -> object:
    """Undo :func:`plain` for a value whose default is ``like``."""
    if isinstance(v, str) and v in ("inf", "-inf") and isinstance(like, float):
        return math.inf if v == "inf" else -math.inf
    if isinstance(like, tuple) and isinstance(v, list):
        return tuple(v)
    return v


def plain_params(p: dict[str, Any]) -> dict[str, Any]:
    """:func:`plain` of every value.

    Raises
    ------
    BadProperty
        For a random parameter among the values.
    """
    return {k: plain(v) for k, v in p.items()}


def unplain_params(p: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """:func:`unplain` of every value, against the defaults."""
    return {k: unplain(v, defaults.get(k)) for k, v in p.items()}


def write(path: str | Path, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Path:
    """Write a checkpoint file atomically; returns its path.

    Raises
    ------
    FileNotFoundError, TypeError
        As :func:`spikesim.io.container.write`.
    """
    return container.write(path, FORMAT, meta, arrays, UNITS)


def read(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Metadata and arrays of a checkpoint file.

    Raises
    ------
    FileFormatError
        If the file is not a checkpoint, is damaged (also: metadata without the
        kernel settings and parts a simulator is rebuilt from) or comes from a newer format.
    """
    meta, arrays = container.read(path, FORMAT)
    missing = [k for k in META_KEYS if k not in meta]
    kernel = meta.get("kernel")
    if not missing and isinstance(kernel, dict):
        missing = [f"kernel/{k}" for k in KERNEL_KEYS if k not in kernel]
    elif not missing:
        missing = ["kernel (not a dict)"]
    if missing:
        raise container.FileFormatError(f"checkpoint '{path}' is damaged: its metadata lacks {missing}")
    return meta, arrays
