"""How the NEST face reads ``Create``'s parameters as PyNEST does: a dict or one dict per
node, a list for a scalar parameter read node by node, and NEST's error classes for
names it does not know.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import BadProperty, UnaccessedDictionaryEntry
from spikesim.nest.simulation import get_simulator
from spikesim.network.populations import READ_ONLY


def check_params_shape(params: Any, n: Any) -> None:
    """Check ``params`` of ``Create`` for ``n`` nodes: PyNEST takes a dict or one dict per node.

    Raises
    ------
    TypeError
        If ``params`` is neither None, a dict, nor a list or tuple of ``n`` dicts.
    """
    if params is None or isinstance(params, dict):
        return
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"Create: params must be a dict of parameters or a list or tuple of dicts, not {params!r}")
    if len(params) != n or not all(isinstance(d, dict) for d in params):
        raise TypeError(f"Create: a list of params must have one dict per node ({n}), got {len(params)} entries")


def unaccessed_in_create(model: Any, params: Any, exc: BadProperty) -> None:
    """Raise NEST's UnaccessedDictionaryEntry when ``Create`` refused ``params`` (``exc``) and a
    name in them is no settable parameter of ``model``; return otherwise.

    Raises
    ------
    UnaccessedDictionaryEntry
        If a name is unknown to the model or read-only.
    """
    names: set[str] = set()
    for d in params if isinstance(params, (list, tuple)) else [params]:
        names |= set(d) if isinstance(d, dict) else set()
    known = set(get_simulator().get_defaults(model)) if isinstance(model, str) else set()
    unread = sorted((names - known) | (names & set(READ_ONLY)))
    if unread:
        raise UnaccessedDictionaryEntry(f"Create: unaccessed elements in params: {unread} are not settable "
                                        f"parameters of '{model}' ({exc})") from exc


def first_n(params: dict[str, Any], n: int, defaults: dict[str, Any]) -> dict[str, Any]:
    """``params`` for ``n`` nodes of a model with ``defaults``, read as PyNEST does.

    PyNEST indexes per-node arrays by node: extra trailing values are ignored, too few are
    an IndexError; list-valued parameters (record_from, spike_times ...) are left whole.

    Raises
    ------
    IndexError
        If a scalar parameter gets a list of fewer than ``n`` values (``n`` > 1).
    """
    out = {}
    for k, v in params.items():
        scalar_param = k in defaults and not isinstance(defaults[k], (list, tuple, np.ndarray, dict))
        if scalar_param and isinstance(v, (list, tuple, np.ndarray)) and np.ndim(v) == 1 and n > 1:
            if len(v) < n:
                raise IndexError(f"Create: '{k}' has {len(v)} values for {n} nodes; give a scalar or one "
                                 "value per node")
            v = v[:n]
        out[k] = v
    return out
