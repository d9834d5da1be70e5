"""NodeCollection: an ordered set of node ids of one simulator.

Ids are 1-based in creation order, devices included (NEST's convention).  A
collection is sorted and free of duplicates, like PyNEST's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np

from spikesim.errors import BadParameter, UnknownNode
from spikesim.network.node_table import NodeTable
from spikesim.network.space import positions_of


class HasNodeTable(Protocol):
    """A simulator, as far as a NodeCollection needs it: its node table."""

    node_table: NodeTable


class NodeCollection:
    """Ids of nodes of one simulator, with ``get``/``set`` of their parameters.

    ``get(key)`` returns one numpy array (one value per node); ``get(k1, k2)`` and
    ``get()`` return a dict of such arrays.  ``set(key=value)`` takes a scalar for
    all nodes or a sequence with one value per node.
    """

    __slots__ = ("_ids", "_table")
    _ids: np.ndarray
    _table: NodeTable

    def __init__(self, owner: NodeTable | HasNodeTable, ids: Any) -> None:
        table = owner if isinstance(owner, NodeTable) else owner.node_table
        arr = np.asarray(ids, dtype=np.int64).ravel()
        if arr.size > 1 and np.any(np.diff(arr) <= 0):
            raise BadParameter("NodeCollection: node ids must be unique and in ascending order, "
                               f"got {arr[:8].tolist()}...")
        if arr.size and (arr[0] < 1 or arr[-1] > table.num_nodes):
            bad = arr[(arr < 1) | (arr > table.num_nodes)][0]
            raise UnknownNode(f"node id {bad} does not exist; ids run from 1 to {table.num_nodes}")
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_ids", arr)

    @property
    def table(self) -> NodeTable:
        """The node table of the simulator the nodes belong to."""
        return self._table

    # -- sequence protocol -----------------------------------------------------------
    @property
    def ids(self) -> np.ndarray:
        """The node ids as a read-only int64 array."""
        v = self._ids.view()
        v.flags.writeable = False
        return v

    @property
    def positions(self) -> np.ndarray:
        """``(n, d)`` positions of the nodes (layer units), of nodes created with positions.

        Raises
        ------
        BadProperty
            If a node has no position.
        """
        return positions_of(self._table, self._ids)

    @property
    def global_id(self) -> np.ndarray:
        """The node ids (NEST's name)."""
        return self.ids

    def tolist(self) -> list[int]:
        """The node ids as a list of ints."""
        return [int(i) for i in self._ids]

    def __len__(self) -> int:
        return int(self._ids.size)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """The node ids as a numpy array (``np.array(nodes)``, ``arr[a:b] = nodes``)."""
        return np.array(self._ids, dtype=dtype if dtype is not None else np.int64)

    def __iter__(self) -> Iterator[NodeCollection]:
        for i in self._ids:
            yield type(self)(self._table, [i])

    def __getitem__(self, key: Any) -> NodeCollection:
        if isinstance(key, (int, np.integer)):
            n = len(self)
            if not -n <= key < n:
                raise IndexError(f"index {key} out of range for a NodeCollection of {n} nodes")
            return type(self)(self._table, [self._ids[key]])
        if isinstance(key, slice):
            if key.step is not None and key.step < 0:
                raise BadParameter("NodeCollection: slicing with a negative step is not allowed")
            return type(self)(self._table, self._ids[key])
        arr = np.asarray(key)
        if arr.dtype == bool:
            return type(self)(self._table, self._ids[arr])
        return type(self)(self._table, np.sort(self._ids[arr.astype(np.int64)]))

    def __add__(self, other: NodeCollection) -> NodeCollection:
        if not isinstance(other, NodeCollection) or other._table is not self._table:
            raise BadParameter("NodeCollection: can only add collections of the same simulator")
        both = np.concatenate([self._ids, other._ids])
        if not self._ids.size or not other._ids.size or self._ids[-1] < other._ids[0]:
            return type(self)(self._table, both)  # ascending already: no sort of 10^6 ids
        merged = np.unique(both)
        if merged.size != both.size:
            raise BadParameter("NodeCollection: the collections to add overlap")
        return type(self)(self._table, merged)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, NodeCollection) and other._table is self._table
                and np.array_equal(self._ids, other._ids))

    def __hash__(self) -> int:
        return hash((id(self._table), self._ids.tobytes()))

    def __contains__(self, node: Any) -> bool:
        if isinstance(node, NodeCollection):
            return bool(np.isin(node._ids, self._ids).all())
        return bool(np.isin(int(node), self._ids))

    def index(self, node_id: int) -> int:
        """Position of ``node_id`` in the collection.

        Raises
        ------
        ValueError
            If the node is not in the collection.
        """
        pos = np.searchsorted(self._ids, node_id)
        if pos >= self._ids.size or self._ids[pos] != node_id:
            raise ValueError(f"node {node_id} is not in this NodeCollection")
        return int(pos)

    def __repr__(self) -> str:
        if not len(self):
            return "NodeCollection(<empty>)"
        ids = self._ids
        if ids[-1] - ids[0] + 1 == ids.size:
            span = f"{ids[0]}" if ids.size == 1 else f"{ids[0]}..{ids[-1]}"
        else:
            span = ", ".join(map(str, ids[:6])) + (", ..." if ids.size > 6 else "")
        models = sorted({self._table.population_of(int(i)).model_name for i in ids[:1000]})
        return f"NodeCollection(metadata=None, model={','.join(models)}, size={ids.size}, ids={span})"

    # -- parameters ---------------------------------------------------------------------
    def get(self, *keys: str) -> Any:
        """Values of ``keys``, one entry per node: a numpy array of numbers, bools or
        strings, or a list where the values are containers (``events`` dicts,
        ``record_from`` lists).

        With one key, its values; with several or none, a dict ``key -> values``.

        Raises
        ------
        BadProperty
            If a key is not a parameter of every node (the message lists the keys).

        Examples
        --------
        >>> import spikesim
        >>> sim = spikesim.Simulator()
        >>> n = sim.create("iaf_psc_delta", 2, {"I_e": [0.0, 400.0]})
        >>> n.get("I_e")
        array([  0., 400.])
        >>> n.get("model").tolist()
        ['iaf_psc_delta', 'iaf_psc_delta']
        """
        return self._table.get(self._ids, keys)

    def set(self, params: dict[str, Any] | list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        """Set parameters: a dict (scalar or one value per node), a list of dicts, or keywords."""
        if params is None:
            params = {}
        if isinstance(params, (list, tuple)):
            if len(params) != len(self):
                raise BadParameter(f"NodeCollection.set: got {len(params)} dicts for {len(self)} nodes; "
                                   "give one dict per node or one dict for all")
            if kwargs:
                raise BadParameter("NodeCollection.set: give either a list of dicts or keywords, not both")
            self._table.set_list(self._ids, list(params))
            return
        merged = {**params, **kwargs}
        self._table.set(self._ids, merged)
