"""PyNEST-style NodeCollection and SynapseCollection.

PyNEST's return conventions live here and only here: ``get`` gives a scalar for one
node, a tuple for several, a dict for several keys, a DataFrame with
``output="pandas"``; attributes read and write parameters (``n.V_m``,
``sr.n_events``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import BadParameter, BadProperty, UnaccessedDictionaryEntry, UnknownNode
from spikesim.nest._indexing import positions
from spikesim.nest._shapes import (
    UnknownAttribute,
    nc_repr,
    nest_stop,
    pandas_frame,
    shaped,
    stop_in,
    to_json,
)
from spikesim.nest._spatial_info import metadata_key, spatial_info
from spikesim.nest._status import FACE_KEYS, HIDDEN_KEYS, checked_face_set, face_values
from spikesim.nest._synapses import SynapseCollection as SynapseCollection  # PyNEST has both here
from spikesim.nest.handover import nest_handover
from spikesim.nest.simulation import GetKernelStatus, get_simulator, model_id
from spikesim.network.nodes import NodeCollection as _CoreNodes
from spikesim.network.populations import READ_ONLY
from spikesim.parallel import world


def _models(nc: _CoreNodes) -> list[tuple[str, int]]:
    """The model of each run of nodes of one population: (model name, run length)."""
    return [(pop.model_name, int(local.size)) for pop, local, _ in nc.table.split(nc.ids)]


class NodeCollection(_CoreNodes):
    """PyNEST's NodeCollection: node ids of one simulator, with PyNEST's ``get``/``set``.

    Parameters keep NEST's units (ms, mV, pA, nS).  Attributes read and write
    parameters: ``nodes.V_m`` is ``nodes.get("V_m")``, ``nodes.V_m = -70.0`` sets it.
    ``NodeCollection()`` is empty and ``NodeCollection([ids])`` selects existing nodes of
    the present kernel, as in PyNEST.  After ``ResetKernel`` a collection is stale: reading,
    setting, slicing or adding it raises :class:`~spikesim.errors.UnknownNode`
    ("InvalidNodeCollection"), as NEST does.

    Raises
    ------
    BadProperty
        If ids are not unique and ascending.
    UnknownNode
        If an id does not exist.
    """

    __slots__ = ()

    def __init__(self, *args: Any) -> None:
        if len(args) == 2:
            super().__init__(args[0], args[1])
            return
        if len(args) > 2:
            raise TypeError(f"NodeCollection takes at most one argument (node ids), got {len(args)}")
        data = args[0] if args else None
        if isinstance(data, _CoreNodes):
            data = data.ids
        ids = np.asarray([] if data is None else list(data) if not isinstance(data, np.ndarray) else data)
        if ids.size and ids.dtype.kind not in "iu":
            raise BadProperty(f"NodeCollection: node ids must be integers, got {ids[:4].tolist()}")
        if ids.size > 1 and np.any(np.diff(ids) <= 0):
            raise BadProperty("NodeCollection: indices must be sorted in ascending order and unique, "
                              f"got {ids[:8].tolist()}")
        n = get_simulator().node_table.num_nodes
        if ids.size and (ids.min() < 1 or ids.max() > n):
            bad = int(ids[(ids < 1) | (ids > n)][0])
            raise UnknownNode(f"NodeCollection: Node with id {bad} does not exist; ids run from 1 to {n}")
        super().__init__(get_simulator(), ids.astype(np.int64))

    def _live(self) -> None:
        if self.table is not get_simulator().node_table and len(self):
            raise UnknownNode("InvalidNodeCollection: this NodeCollection belongs to a kernel that was reset "
                              "(ResetKernel); create the nodes again")

    def __getitem__(self, key: Any) -> NodeCollection:
        self._live()
        pos = positions(key, len(self))
        return NodeCollection(self.table, self.ids[[pos] if isinstance(pos, int) else pos])

    @property
    def global_id(self) -> Any:  # type: ignore[override]  # PyNEST: an int for one node
        """Node id: an int for one node, a tuple of ints for several (PyNEST's shapes)."""
        return shaped(self.ids, len(self) == 1)

    def __repr__(self) -> str:
        return nc_repr(self)

    __str__ = __repr__

    def __add__(self, other: Any) -> NodeCollection:
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:  # PyNEST: nc + 0 is nc
            return self
        self._live()
        if isinstance(other, NodeCollection):
            other._live()
        if not isinstance(other, _CoreNodes):
            raise TypeError(f"NodeCollection: can only add a NodeCollection (or 0), not {type(other).__name__}")
        if not len(other):
            return self
        if not len(self) and isinstance(other, _CoreNodes):
            return NodeCollection(other.table, other.ids)
        if metadata_key(self) != metadata_key(other):  # NEST: a layer joins only nodes of itself
            raise BadProperty("NodeCollection: can only join NodeCollections with same metadata (nodes of one "
                              "spatial layer, or nodes without positions)")
        return NodeCollection(self.table, super().__add__(other).ids)

    def __radd__(self, other: Any) -> NodeCollection:
        if isinstance(other, int) and other == 0:  # sum() of collections starts from 0
            return self
        return NotImplemented

    def __sub__(self, other: Any) -> NodeCollection:
        """The nodes of this collection not in ``other`` (PyNEST's difference)."""
        other_ids = other.ids if isinstance(other, _CoreNodes) else np.atleast_1d(np.asarray(other))
        return NodeCollection(self.table, self.ids[~np.isin(self.ids, other_ids)])

    def __eq__(self, other: object) -> bool:
        """Same node ids of the same models, as in PyNEST: collections of different kernels
        (before and after ``ResetKernel``) compare by content."""
        if not isinstance(other, _CoreNodes) or other.table is self.table:
            return super().__eq__(other)
        return bool(np.array_equal(self.ids, other.ids)) and _models(self) == _models(other)

    def __hash__(self) -> int:
        return super().__hash__()

    def _to_array(self, selection: str = "all") -> dict[Any, list[int]]:
        """PyNEST's debugging view of the ids: ``{"All": ids}``, this process's ids as
        ``{"Rank r": ids}``, or this process's ids by thread as ``{thread: ids}`` (every
        local thread a key, in id order within each).

        Raises
        ------
        BadParameter
            If ``selection`` is not ``"all"``, ``"rank"`` or ``"thread"``.
        """
        self._live()
        if selection == "all":
            return {"All": self.ids.tolist()}
        if selection not in ("rank", "thread"):
            raise BadParameter(f"NodeCollection._to_array: selection = {selection!r} is not allowed; "
                               "give 'all', 'rank' or 'thread'")
        here = np.zeros(0, dtype=bool) if not len(self) else np.atleast_1d(np.asarray(self.get("local"), bool))
        ids = self.ids[here]
        if selection == "rank":
            return {f"Rank {world().rank}": ids.tolist()}
        threads = np.atleast_1d(np.asarray(self.get("thread"), np.int64))[here] if len(self) else ids
        return {t: ids[threads == t].tolist() for t in range(int(GetKernelStatus("local_num_threads")))}

    def get(self, *params: Any, output: str = "") -> Any:  # type: ignore[override]  # PyNEST's shapes
        """Parameter values: a scalar for one node, a tuple for several, a dict for several keys.

        Parameters
        ----------
        *params : str or list of str
            Names; a list always gives a dict.  No names: every parameter.  Two or more
            names where the first is a dict-valued parameter address into it with the
            last, as in PyNEST: ``get("events", "senders")`` (one value per node),
            ``get("events", ["times", "V_m"])`` (a dict of them); otherwise several names
            give a dict.
        output : {"", "pandas", "json"}, default ""
            ``"pandas"``: a DataFrame indexed by node id; ``"json"``: a JSON string.

        Raises
        ------
        BadProperty
            If a name is not a parameter of every node.
        UnknownNode
            If the kernel was reset since the nodes were made.
        """
        self._live()
        if len(params) >= 2 and isinstance(params[0], str) and self._is_dict_param(params[0]):
            return self._nested(params[0], params[-1], output)  # PyNEST reads the first and the last
        keys: list[str] = []
        for p in params:
            keys.extend([p] if isinstance(p, str) else list(p))
        raw = self._raw(keys)
        if len(keys) == 1:
            raw = {keys[0]: raw}
        if output == "pandas":
            return pandas_frame(raw, self.ids)
        single = len(self) == 1
        by_key = {k: shaped(v, single) for k, v in raw.items()}
        if len(keys) == 1 and not (len(params) == 1 and not isinstance(params[0], str)):
            out = by_key[keys[0]]
        else:
            out = by_key
        return to_json(out) if output == "json" else out

    def _raw(self, keys: list[str]) -> Any:
        """The table's values, with NEST's ``model_id`` computed from the model names and the
        face's own entries (``frozen`` ...).  A key some of the nodes lack (of a collection
        of several models) gives ``None`` for those, as in PyNEST; no keys: every key any of
        the nodes has, without spikesim's recording extensions."""
        asked = [k for k in keys if k != "model_id" and k not in FACE_KEYS]
        if "model_id" in keys and "model" not in asked:
            asked.append("model")
        raw = self._table_values(asked, everything=not keys)
        nest_handover(get_simulator(), self.ids, raw)
        if "model_id" in keys or not keys:
            raw["model_id"] = np.array([model_id(str(m)) for m in raw["model"]], dtype=np.int64)
            if "model" not in keys and keys:
                del raw["model"]
        sim = get_simulator()
        for k in FACE_KEYS:
            if k in keys or not keys:
                raw[k] = face_values(self.table, self.ids, k, sim.time > 0)
        if not keys:
            raw = {k: v for k, v in raw.items() if k not in HIDDEN_KEYS}
        if "stop" in raw:
            raw["stop"] = nest_stop(raw["stop"])
        for k in ("senders", "targets"):  # a weight recorder's node filters: NodeCollections in PyNEST
            if k in raw:
                raw[k] = [NodeCollection(self.table, v) if isinstance(v, (list, tuple, np.ndarray)) else v
                          for v in raw[k]]
        if len(keys) == 1:
            return raw[keys[0]]
        return raw

    def _table_values(self, asked: list[str], everything: bool) -> dict[str, Any]:
        """``asked`` keys from the table (``everything``: all keys any node has), ``None``
        where a node's model lacks a key the others have."""
        groups = self.table.split(self.ids)
        has = [set(pop.all_keys()) for pop, _, _ in groups]
        if everything and len(groups) > 1:
            asked = list(dict.fromkeys(k for pop, _, _ in groups for k in pop.all_keys()))
        partial = [k for k in asked if any(k in h for h in has) and not all(k in h for h in has)]
        common = tuple(k for k in asked if k not in partial)
        raw = self.table.get(self.ids, common) if common or (everything and not asked) else {}
        if len(common) == 1:
            raw = {common[0]: raw}
        for k in partial:
            raw[k] = self._partial(k, groups)
        return {k: raw[k] for k in [*asked, *[k for k in raw if k not in asked]]}

    def _partial(self, key: str, groups: list[tuple[Any, np.ndarray, np.ndarray]]) -> np.ndarray:
        """``key`` of the nodes that have it, ``None`` for the others."""
        out = np.full(len(self), None, dtype=object)
        for pop, local, pos in groups:
            if key in pop.all_keys():
                for p, v in zip(pos, pop.get(key, local), strict=True):
                    out[p] = v.item() if isinstance(v, np.generic) else v
        return out

    def _is_dict_param(self, key: str) -> bool:
        if not len(self):
            return False
        try:
            first = self.table.get(self.ids[:1], (key,))
        except BadProperty:
            return False
        return isinstance(first[0], dict)

    def _nested(self, key: str, sub: Any, output: str) -> Any:
        raw = {key: self.table.get(self.ids, (key,))}
        nest_handover(get_simulator(), self.ids, raw)
        values = raw[key]
        picked: list[Any] = []
        for d in values:
            if isinstance(sub, str):
                if sub not in d:
                    raise BadProperty(f"get: '{key}' has no key '{sub}'; its keys are {sorted(d)}")
                picked.append(d[sub])
            else:
                picked.append({k: d[k] for k in sub})
        if len(self) == 1:
            out = picked[0]
        elif isinstance(sub, str):
            out = tuple(picked)
        else:  # several nodes, several keys: one list per key, as PyNEST
            out = {k: [p[k] for p in picked] for k in sub}
        if output == "pandas":
            frame = {sub: [out] if len(self) == 1 else list(out)} if isinstance(sub, str) else (
                {k: [p[k] for p in picked] for k in sub})
            return pandas_frame(frame, self.ids)
        return to_json(out) if output == "json" else out

    def set(self, params: Any = None, **kwargs: Any) -> None:  # type: ignore[override]  # PyNEST's shapes
        """Set parameters: a dict (scalars or one value per node), a list of dicts, or keywords.

        Tuples count as lists, as in PyNEST.

        Raises
        ------
        IndexError
            If a list for a scalar parameter has fewer values than there are nodes.
        UnaccessedDictionaryEntry
            If a name is no parameter of the nodes or is read-only (``vp``, ``model`` ...).
        NotImplementedFeature
            If ``frozen`` is set True on a device (spikesim freezes neurons only).
        BadProperty
            If a value is not allowed.
        """
        self._live()
        if isinstance(params, dict) or (params is None and kwargs):
            params, kwargs = self._per_node(checked_face_set({**(params or {}), **kwargs}, node_set=True)), {}
        elif isinstance(params, (list, tuple)):
            params = [checked_face_set(d, node_set=True) if isinstance(d, dict) else d for d in params]
        try:
            super().set(stop_in(params), **stop_in(kwargs))
        except BadProperty as exc:
            self._unaccessed(params, kwargs, exc)
            raise

    def _per_node(self, params: dict[str, Any]) -> dict[str, Any]:
        """PyNEST reads a list (or tuple, or array) given for a scalar parameter value by value,
        node by node: fewer values than nodes is an IndexError, extra ones are ignored."""
        if not len(self):
            return params
        first = self.table.get(self.ids[:1], ())
        out = {}
        for k, v in params.items():
            v = list(v) if isinstance(v, tuple) else v
            scalar = k in first and not isinstance(first[k][0], (list, tuple, dict, np.ndarray))
            if scalar and isinstance(v, (list, np.ndarray)) and np.ndim(v) == 1 and len(self) > 1:
                if len(v) < len(self):
                    raise IndexError(f"NodeCollection.set: '{k}' has {len(v)} values for {len(self)} nodes; "
                                     "give a scalar or one value per node")
                v = v[:len(self)]
            out[k] = v
        return out

    def _unaccessed(self, params: Any, kwargs: dict[str, Any], exc: BadProperty) -> None:
        """Raise NEST's UnaccessedDictionaryEntry if a refused name is no parameter of the nodes
        or one they only report (``vp``, ``model`` ...): NEST's set leaves both unread."""
        names = set(kwargs)
        for d in params if isinstance(params, list) else [params]:
            names |= set(d) if isinstance(d, dict) else set()
        known = set(self.table.get(self.ids[:1], ())) if len(self) else set()
        unread = sorted((names - known) | (names & set(READ_ONLY)))
        if unread:
            raise UnaccessedDictionaryEntry(f"unaccessed elements in params: {unread} are not settable "
                                            f"parameters of these nodes ({exc})") from exc

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "spatial":
            return spatial_info(self)
        try:
            return self.get(name)
        except BadProperty:
            raise UnknownAttribute(f"'{name}' is not a parameter of these nodes") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})
