"""How PyNEST's ``Connect`` reads ``pre`` and ``post`` that are not NodeCollections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from spikesim.errors import BadParameter


def _rule(conn_spec: Any) -> Any:
    """The rule named by ``conn_spec`` (``all_to_all`` when it names none)."""
    if isinstance(conn_spec, dict):
        return conn_spec.get("rule", "all_to_all")
    return "all_to_all" if conn_spec is None else conn_spec


def input_nodes(pre: Any, post: Any, conn_spec: Any, as_nodes: Callable[[Any], Any],
                is_nodes: Callable[[Any], bool]) -> tuple[Any, Any]:
    """``pre`` and ``post`` as PyNEST 3.10's Connect takes them.

    A list or array of node ids becomes a NodeCollection (``as_nodes``) when its ids are
    unique and the rule is not ``one_to_one``; otherwise both sides are connected as
    arrays of ids, pair by pair (NEST's ``connect_arrays``), which allows repeated and
    unsorted ids and needs ``one_to_one`` and equal lengths.

    Raises
    ------
    BadParameter
        If arrays of ids (repeated ids, or ``one_to_one``) differ in length, are not
        one-dimensional integer arrays, or come with a rule other than ``one_to_one``.
    """
    one_to_one = _rule(conn_spec) == "one_to_one"
    sides = []
    arrays = False
    for x in (pre, post):
        if is_nodes(x):
            sides.append(x)
            continue
        ids = np.asarray(x)
        if not one_to_one and ids.ndim == 1 and len(np.unique(ids)) == ids.size:
            sides.append(as_nodes(x))
        else:
            sides.append(ids)
            arrays = True
    if not arrays:
        return sides[0], sides[1]
    a, b = (np.asarray(s.tolist() if is_nodes(s) else s) for s in sides)
    if a.shape != b.shape or a.ndim != 1:
        raise BadParameter(f"Connect: pre and post of lengths {a.size} and {b.size} (shapes {a.shape}, {b.shape}); "
                           "where ids repeat (or the rule is 'one_to_one') both must be 1-dimensional and equally long")
    if not (np.issubdtype(a.dtype, np.integer) and np.issubdtype(b.dtype, np.integer)):
        raise BadParameter(f"Connect: node ids must be integers, got {a.dtype} and {b.dtype}")
    if not one_to_one:
        raise BadParameter(f"Connect: conn_spec = {conn_spec!r} is not allowed for arrays with repeated ids; "
                           "use 'one_to_one'")
    return a.astype(np.int64), b.astype(np.int64)
