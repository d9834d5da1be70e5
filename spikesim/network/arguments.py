"""Arguments of ``connect``: node ids and connection values, checked."""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import bad_property
from spikesim.network.node_table import NodeTable
from spikesim.network.nodes import NodeCollection
from spikesim.network.parameters import Parameter


def node_ids(table: NodeTable, nodes: Any, what: str) -> np.ndarray:
    """The node ids of ``nodes`` (a NodeCollection of this simulator or ids), checked."""
    if isinstance(nodes, NodeCollection):
        if nodes.table is not table:
            raise bad_property("connect", what, nodes, "the nodes belong to another simulator")
        return nodes.ids
    arr = np.asarray(nodes)
    if arr.dtype.kind not in "iu":
        raise bad_property("connect", what, nodes, "give a NodeCollection or an array of node ids")
    arr = arr.astype(np.int64).ravel()
    if arr.size and (arr.min() < 1 or arr.max() > table.num_nodes):
        bad = arr[(arr < 1) | (arr > table.num_nodes)][0]
        raise bad_property("connect", what, int(bad), f"node ids run from 1 to {table.num_nodes}")
    return arr


def connection_values(v: Any, key: str, shape: tuple[int, ...] | None, n: int, gen: np.random.Generator,
                      grid: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """A connection property as a scalar array or one value per connection.  ``grid``: the
    (sources, targets) of ``all_to_all`` without autapses, whose (targets, sources) array of
    values gives the entries off the autapses, in order (NEST's reading)."""
    if isinstance(v, Parameter):
        return v.draw(gen, n)
    arr = np.asarray(v, dtype=float if key != "receptor_type" else np.int64)
    if arr.ndim == 0:
        return arr
    if grid is not None and arr.shape == (grid[1].size, grid[0].size):
        off_diagonal: np.ndarray = arr[grid[1][:, None] != grid[0][None, :]]
        return off_diagonal
    if shape is None:
        raise bad_property("connect", key, f"array of shape {arr.shape}",
                           "the pairwise rules make a random number of connections: give a scalar "
                           "or a random parameter")
    if arr.shape != tuple(shape) and arr.size != n:
        raise bad_property("connect", key, f"array of shape {arr.shape}",
                           f"give a scalar or an array of shape {tuple(shape)} for this rule")
    if arr.size != n:
        raise bad_property("connect", key, f"array of shape {arr.shape}", f"{n} values are needed")
    return arr.reshape(-1)


def check_number(owner: str, key: str, v: Any) -> None:
    """Raise :class:`~spikesim.errors.BadProperty` unless ``v`` is a finite number (or array of them);
    random parameters pass."""
    if isinstance(v, Parameter):
        return
    try:
        ok = bool(np.all(np.isfinite(np.asarray(v, dtype=float))))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise bad_property(owner, key, v, "it must be a finite number")


def check_default_scalar(owner: str, key: str, v: Any) -> None:
    """Refuse a synapse default that is not one value of the right type.

    A model's default is one value for every later connection, so a list (allowed in a
    ``syn_spec``, one value per connection) is an error here; ``receptor_type`` is a
    whole number >= 0, every other parameter a finite number; ``weight_recorder`` and
    ``volume_transmitter`` a node (which node it is, the caller checks) or None.

    Raises
    ------
    BadProperty
        Naming ``owner``, ``key`` and ``v`` when ``v`` is not allowed.
    """
    if isinstance(v, Parameter):
        return
    if key in ("weight_recorder", "volume_transmitter"):
        if v is None or hasattr(v, "ids") or (isinstance(v, (int, np.integer)) and not isinstance(v, bool)):
            return  # which node it is, the caller checks
        raise bad_property(owner, key, v, f"give one {key} node (or None)")
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise bad_property(owner, key, v, "a model default must be a single number")
    if key == "receptor_type":
        if not isinstance(v, (int, np.integer)) or not 0 <= v < 2**31:
            raise bad_property(owner, key, v, "it must be an integer >= 0")
        return
    check_number(owner, key, v)


def pick(a: np.ndarray, sel: np.ndarray) -> np.ndarray:
    """The selected entries of a per-connection column; a single value as it is."""
    a = np.asarray(a)
    return a if a.ndim == 0 else a[sel]
