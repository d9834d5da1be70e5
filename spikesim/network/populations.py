"""Populations: the nodes made by one ``create`` call, stored as arrays.

Neurons keep parameters ``P`` (name -> array) and state ``S`` (rows x neurons);
generators and recorders keep one small object or dict per node.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Protocol

import numpy as np

from spikesim.errors import BadProperty, bad_property
from spikesim.models.base import Model, NeuronModel
from spikesim.network.parameters import Parameter


class RecorderNode(Protocol):
    """What the network layer needs of a recording device (see :mod:`spikesim.recording`)."""

    node_id: int
    model: type[Model]
    p: dict[str, Any]
    #: node ids the device is connected to
    connected: np.ndarray
    #: models of the nodes a sampler samples
    recorded_models: list[type[Model]]

    def validated(self, new: dict[str, Any]) -> dict[str, Any]:
        """The parameters after applying ``new``; raises without changing anything."""

    def set(self, new: dict[str, Any]) -> None:
        """Apply ``new``."""

    def status(self, events: bool = True) -> dict[str, Any]:
        """Parameters and read-only entries, as ``get`` shows them (``events`` only
        when asked: a file backend reads them from its file)."""

#: keys every node reports but nobody sets
READ_ONLY = ("model", "global_id", "element_type", "recordables", "local", "thread", "vp",
             "receptor_types", "node_uses_wfr", "thread_local_id", "events", "spike_count")


def _as_array(model: str, key: str, v: Any, n: int, like: Any, ragged: bool = False) -> np.ndarray:
    """One value per node, typed like the default ``like`` (a tuple default: one list of
    numbers per node as a ``(n, k)`` array, the same length for all unless ``ragged``:
    then shorter lists are padded with NaN)."""
    if isinstance(like, tuple):
        return _as_lists(model, key, v, n, ragged)
    arr = np.asarray(v)
    if arr.ndim == 0:
        arr = np.full(n, arr.item(), dtype=arr.dtype)
    if arr.shape != (n,):
        raise bad_property(model, key, f"array of shape {arr.shape}", f"give a scalar or {n} values")
    if isinstance(like, bool):
        if arr.dtype != bool:
            raise bad_property(model, key, _first(arr), "it must be True or False")
        return arr.copy()
    if arr.dtype.kind not in "biuf":
        # strings, None, random parameters inside a list of dicts ...
        bad = next((x for x in arr if not isinstance(x, (int, float, np.integer, np.floating))
                    or isinstance(x, bool)), arr[0])
        bad = bad.item() if isinstance(bad, np.generic) else bad
        hint = " (random parameters go in one dict for all nodes, not in per-node values)" \
            if isinstance(bad, Parameter) else ""
        raise bad_property(model, key, bad, "it must be a number" + hint)
    out = arr.astype(np.float64)
    if np.isnan(out).any():
        raise bad_property(model, key, float("nan"), "it must be a number")
    return out


def _as_lists(model: str, key: str, v: Any, n: int, ragged: bool = False) -> np.ndarray:
    """A list-valued parameter (e.g. ``tau_syn``): one list for all nodes or one per node
    (``ragged``: one per node of any lengths, padded with NaN)."""
    try:
        arr = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        padded = _padded(model, key, v, n) if ragged else None
        if padded is None:
            raise bad_property(model, key, v, "it must be a list of numbers") from None
        return padded
    if arr.ndim == 1:
        arr = np.broadcast_to(arr, (n, arr.size))
    if arr.ndim != 2 or arr.shape[0] != n:
        raise bad_property(model, key, v, f"give one list of numbers for all {n} nodes")
    if np.isnan(arr).any():
        raise bad_property(model, key, float("nan"), "it must be a number")
    return arr.copy()


def _padded(model: str, key: str, v: Any, n: int) -> np.ndarray | None:
    """Lists of several lengths, one per node, as the rows of an array padded with NaN
    (None where ``v`` is not ``n`` lists of numbers)."""
    if not isinstance(v, (list, tuple, np.ndarray)) or len(v) != n:
        return None
    try:
        rows = [np.asarray(r, dtype=np.float64) for r in v]
    except (TypeError, ValueError):
        return None
    if any(r.ndim != 1 for r in rows):
        return None
    if any(np.isnan(r).any() for r in rows):
        raise bad_property(model, key, float("nan"), "it must be a number")
    out = np.full((n, max(r.size for r in rows)), np.nan)
    for i, r in enumerate(rows):
        out[i, :r.size] = r
    return out


def _unpadded(arr: np.ndarray) -> np.ndarray:
    """Rows of a NaN-padded list parameter as an object array of their lists (NaN cut off)."""
    out = np.empty(arr.shape[0], dtype=object)
    for i, row in enumerate(arr):
        out[i] = row[~np.isnan(row)]
    return out


def _ragged_update(old: np.ndarray, new: np.ndarray, local: np.ndarray) -> np.ndarray:
    """``old`` (NaN-padded lists, one row per node) with the rows at ``local`` replaced by
    ``new``; columns left holding padding only are cut off."""
    arr = np.full((old.shape[0], max(old.shape[1], new.shape[1])), np.nan)
    arr[:, :old.shape[1]] = old
    arr[local] = np.nan
    arr[local, :new.shape[1]] = new
    used = np.flatnonzero(~np.isnan(arr).all(axis=0))
    return arr[:, :int(used[-1]) + 1 if used.size else 0].copy()


def _flags(model: str, key: str, v: Any, n: int) -> np.ndarray:
    """``v`` as ``n`` bools (one for all or one per node), or BadProperty."""
    arr = np.asarray(v, dtype=object).ravel()
    if arr.size not in (1, n) or not all(isinstance(x, (bool, np.bool_)) for x in arr):
        raise bad_property(model, key, v, f"give True or False (one value or {n})")
    return np.broadcast_to(arr.astype(bool), (n,))


def _first(arr: np.ndarray) -> Any:
    x = arr[0]
    return x.item() if isinstance(x, np.generic) else x


def _unknown_key(model: str, key: Any, keys: list[str]) -> BadProperty:
    return BadProperty(f"{model}: there is no parameter '{key}' to get; {model} has the keys {sorted(set(keys))}")


class Placement(Protocol):
    """Where nodes run (the node table answers; see :meth:`NodeTable.placement`)."""

    def placement(self, pop: Population, local: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """NEST's ``local`` (bool), ``thread`` and ``vp`` of the nodes at ``local``."""


class Population(ABC):
    """The nodes of one ``create`` call: model, id range ``first .. first + n - 1``, label."""

    kind = ""
    element_type = "neuron"

    def __init__(self, model: type[Model], model_name: str, first: int, n: int, label: str | None) -> None:
        self.model = model
        self.model_name = model_name
        self.first = first
        self.n = n
        self.label = label
        #: answers ``local``, ``thread`` and ``vp`` (set by the node table; None: one
        #: process, one thread)
        self.placement: Placement | None = None

    @property
    def ids(self) -> np.ndarray:
        """The node ids of the population (int64, ascending)."""
        return np.arange(self.first, self.first + self.n, dtype=np.int64)

    @abstractmethod
    def get(self, key: str, local: np.ndarray) -> np.ndarray:
        """Values of ``key`` for the nodes at local indices ``local``, one per node.

        Raises
        ------
        BadProperty
            If the nodes have no such key (the message lists the keys).
        """

    @abstractmethod
    def all_keys(self) -> list[str]:
        """Every key ``get`` answers for nodes of this population."""

    def recordable_names(self) -> tuple[str, ...]:
        """What a multimeter may record of these nodes."""
        return self.model.recordables

    def receptor_ids(self, currents: bool = False) -> set[int]:
        """Receptor types a connection onto these nodes may name (``currents``: a
        connection that carries no spikes: currents, sampling)."""
        return set(self.model.receptor_types.values()) | {0}

    def status(self, local: np.ndarray) -> dict[str, np.ndarray]:
        """Every key's values for the nodes at ``local``."""
        return {k: self.get(k, local) for k in self.all_keys()}

    def base_status(self, local: np.ndarray) -> dict[str, Any]:
        """The read-only entries every node reports (model, global_id, element_type ...)."""
        if self.placement is not None:
            here, thread, vp = self.placement.placement(self, local)
        else:
            here, thread, vp = (np.ones(local.size, dtype=bool), np.zeros(local.size, dtype=np.int64),
                                np.zeros(local.size, dtype=np.int64))
        return {
            "model": np.array([self.model_name] * local.size, dtype=object),
            "global_id": self.first + local,
            "element_type": np.array([self.element_type] * local.size, dtype=object),
            "local": here,
            "thread": thread,
            "vp": vp,
            "frozen": np.zeros(local.size, dtype=bool),  # neurons answer their own (NeuronPopulation)
        }


class NeuronPopulation(Population):
    """Neurons of one model: ``P`` (parameters), ``S`` (state), ``D`` (derived).

    Parameters
    ----------
    model : type[NeuronModel]
        The model class.
    model_name : str
        The name it was created by (a copy's name for copied models).
    first, n : int
        First node id and number of neurons.
    defaults : dict
        Values of every parameter and state variable (units as the model declares).
    label : str or None
        The population's label.
    h : float
        The resolution in ms.

    Raises
    ------
    BadProperty
        If a default is not a number or the parameters are inconsistent.
    """

    kind = "neuron"

    def __init__(self, model: type[NeuronModel], model_name: str, first: int, n: int,
                 defaults: dict[str, Any], label: str | None, h: float) -> None:
        super().__init__(model, model_name, first, n, label)
        self.neuron_model = model
        self.h = h
        self.P: dict[str, np.ndarray] = {
            k: _as_array(model.name, k, defaults[k], n, model.params[k]) for k in model.params
        }
        self.S = np.zeros((max(len(self.state_names), 1), n))
        for r, (k, (d, rel)) in enumerate(self.state_spec.items()):
            v = np.asarray(defaults.get(k, d), dtype=float)
            self.S[r] = v - (self.P[rel] if rel else 0.0)
        self.D: np.ndarray | None = None
        #: state at the start of the first run (what Simulator.reset returns to)
        self.S0: np.ndarray | None = None
        self.spk = np.zeros((1, n), dtype=np.int32)
        #: neurons held still (NEST's ``frozen``): not updated, no spikes, input dropped
        self.frozen = np.zeros(n, dtype=bool)
        #: whether spikes are connected onto these neurons (the number of receptors of a
        #: multisynapse neuron is then fixed, as in NEST)
        self.has_connections = False
        # defaults changed by set_defaults/copy_model are checked here, not first at simulate
        model.check(self.P, h)

    @property
    def state_spec(self) -> dict[str, tuple[float, str | None]]:
        """State variables of these neurons: name -> (default, parameter stored relative to)."""
        return self.neuron_model.state_for(self.P)

    @property
    def state_names(self) -> tuple[str, ...]:
        """Names of the state rows, in order."""
        return tuple(self.state_spec)

    def recordable_names(self) -> tuple[str, ...]:
        """What a multimeter may record of these neurons."""
        return self.neuron_model.recordables_for(self.P)

    def receptor_ids(self, currents: bool = False) -> set[int]:
        """Receptor types a connection onto these neurons may name (``currents``: a
        connection that carries no spikes: currents, sampling)."""
        return self.neuron_model.receptors_for(self.P, currents)

    def keys(self) -> list[str]:
        """Names of the parameters and state variables."""
        return list(self.P) + list(self.state_names)

    def get(self, key: str, local: np.ndarray) -> np.ndarray:
        """Values of a parameter, a state variable (absolute, e.g. ``V_m`` in mV) or a
        read-only entry for the neurons at ``local``."""
        if key in self.P:
            out: np.ndarray = self.P[key][local].copy()
            if out.ndim == 2 and key in self.model.ragged_lists and np.isnan(out).any():
                return _unpadded(out)
            return out
        if key in self.state_spec:
            r = self.state_names.index(key)
            rel = self.state_spec[key][1]
            state: np.ndarray = self.S[r, local] + (self.P[rel][local] if rel else 0.0)
            return state
        if key == "frozen":
            flags: np.ndarray = self.frozen[local].copy()
            return flags
        if key == "recordables":
            return np.array([list(self.recordable_names())] * local.size + [None], dtype=object)[:-1]
        if key == "receptor_types":
            return np.array([dict(self.model.receptor_types)] * local.size + [None], dtype=object)[:-1]
        base = self.base_status(local)
        if key in base:
            entry: np.ndarray = base[key]
            return entry
        raise _unknown_key(self.model_name, key, self.all_keys())

    def all_keys(self) -> list[str]:
        """Parameters, state variables and read-only entries."""
        return [*self.keys(), "recordables", "receptor_types", *list(self.base_status(np.zeros(0, int)))]

    def set(self, local: np.ndarray, values: dict[str, Any]) -> None:
        """Validate all of ``values`` on copies, then commit (nothing changes on error).

        Raises
        ------
        BadProperty
            If a key is unknown or read-only, or a value is not allowed.
        """
        P = dict(self.P)
        S = self.S.copy()
        frozen = self.frozen
        for k, v in values.items():
            if k == "frozen":
                frozen = frozen.copy()
                frozen[local] = _flags(self.model_name, k, v, local.size)
            elif k in self.P:
                P[k] = self._updated(P[k], k, v, local)
            elif k in self.state_spec:
                if k in getattr(self.neuron_model, "read_only_state", ()):
                    raise bad_property(self.model_name, k, v, "it is read-only (the model computes it)")
                continue
            elif k in READ_ONLY:
                raise bad_property(self.model_name, k, v, "it is read-only")
            else:
                raise bad_property(self.model_name, k, v,
                                   f"{self.model_name} has the parameters {sorted(self.keys())}")
        S = self._relaid(S, P)
        # state relative to a parameter keeps its absolute value when that parameter moves
        for r, (k, (_, rel)) in enumerate(self.neuron_model.state_for(P).items()):
            if k in values:
                S[r, local] = _as_array(self.model_name, k, values[k], local.size, 0.0) - P[rel][local] \
                    if rel else _as_array(self.model_name, k, values[k], local.size, 0.0)
            elif rel and rel in values:
                S[r, local] -= P[rel][local] - self.P[rel][local]
        self.neuron_model.settle_state(P, S, tuple(self.neuron_model.state_for(P)), values, local)
        self.model.check(P, self.h)
        self.P = P
        self.S = S
        self.frozen = frozen
        self.D = None

    def _updated(self, old: np.ndarray, k: str, v: Any, local: np.ndarray) -> np.ndarray:
        """Parameter ``k`` with ``v`` set at ``local`` (a copy).

        Raises
        ------
        BadProperty
            If ``v`` is not allowed, or a list parameter would get another length on
            only some neurons of the population or on neurons with connections.
        """
        ragged = k in self.model.ragged_lists
        new = _as_array(self.model_name, k, v, local.size, self.model.params[k], ragged)
        if new.ndim == 2 and ragged:
            return _ragged_update(old, new, local)
        if new.ndim == 2 and new.shape[1] != old.shape[1]:
            if self.has_connections:
                raise bad_property(self.model_name, k, v, "the neurons have connections, so the number of "
                                   f"receptors ({old.shape[1]}) cannot change")
            if local.size != self.n:
                raise bad_property(self.model_name, k, v, f"all {self.n} neurons of a population have lists of "
                                   f"one length ({old.shape[1]}): set a new length on all of them at once")
            return new
        arr = np.array(old)
        arr[local] = new
        return arr

    def _relaid(self, S: np.ndarray, P: dict[str, np.ndarray]) -> np.ndarray:
        """``S`` with the rows of the state variables of parameters ``P`` (rows of
        variables kept, new ones at their defaults)."""
        names = tuple(self.neuron_model.state_for(P))
        if names == self.state_names:
            return S
        spec = self.neuron_model.state_for(P)
        out = np.zeros((max(len(names), 1), self.n))
        for r, k in enumerate(names):
            d, rel = spec[k]
            out[r] = S[self.state_names.index(k)] if k in self.state_names else d - (P[rel] if rel else 0.0)
        return out

    def prepare(self, m: int) -> None:
        """Derived constants up to date and spike flags for slices of ``m`` steps."""
        if self.D is None:
            self.model.check(self.P, self.h)
            self.D = np.ascontiguousarray(self.neuron_model.derive(self.P, self.h))
        if self.spk.shape[0] < m:
            self.spk = np.zeros((m, self.n), dtype=np.int32)

    def recordable_rows(self) -> dict[str, tuple[int, float, str | None]]:
        """Recordable name -> (state row, scale, parameter added to the value)."""
        out = {}
        for name in self.recordable_names():
            out[name] = self.neuron_model.recordable_source(name, self.state_names, self.h)
        return out


class DevicePopulation(Population):
    """Generators (a parameter dict per node) or recorders (a recording device per node).

    Parameters
    ----------
    model : type[Model]
        The model class (its ``kind`` is ``"generator"`` or ``"recorder"``).
    model_name : str
        The name it was created by.
    first, n : int
        First node id and number of nodes.
    label : str or None
        The population's label.
    nodes : list
        One dict (generators) or :class:`RecorderNode` (recorders) per node.
    """

    def __init__(self, model: type[Model], model_name: str, first: int, n: int, label: str | None,
                 nodes: list[Any]) -> None:
        super().__init__(model, model_name, first, n, label)
        self.nodes = nodes
        self.kind = model.kind

    @property
    def element_type(self) -> str:  # type: ignore[override]
        """NEST's element type: ``"recorder"``, ``"stimulator"`` or the model's own."""
        # a model may name its own (volume_transmitter: "other")
        return "recorder" if self.kind == "recorder" else str(getattr(self.model, "element_type", "stimulator"))

    def node_params(self, i: int, events: bool = True) -> dict[str, Any]:
        """Parameters (and, for recorders, status entries) of the node at local index ``i``;
        a recorder's ``events`` only with ``events`` (they may be read from a file)."""
        node = self.nodes[i]
        if self.kind != "recorder":
            return dict(node)
        st = dict(node.status(events))
        st["model"] = self.model_name  # a copy (CopyModel) reports its own name, as NEST does
        return st

    def get(self, key: str, local: np.ndarray) -> np.ndarray:
        """Values of ``key`` for the devices at ``local`` (numbers as a numeric array)."""
        out = []
        for i in local:
            st = self.node_params(int(i), events=key == "events")
            if key not in st:
                base = self.base_status(np.array([i]))
                if key in base:
                    out.append(base[key][0])
                    continue
                if key == "recordables" and hasattr(self.model, "recordables"):
                    out.append(list(self.model.recordables))
                    continue
                raise _unknown_key(self.model_name, key, self.all_keys())
            out.append(st[key])
        arr = np.empty(len(out), dtype=object)
        arr[:] = out
        if all(isinstance(v, (int, float, bool, np.number, np.bool_)) for v in out):
            return np.array(out)
        return arr

    def all_keys(self) -> list[str]:
        """The keys of the first node and the read-only entries."""
        keys = list(self.node_params(0, events=False)) if self.n else []
        if self.n and self.kind == "recorder" and getattr(self.nodes[0], "has_events", True):
            keys.append("events")
        return keys + [k for k in self.base_status(np.zeros(0, int)) if k not in keys]

    def recorder(self, i: int) -> RecorderNode:
        """The recording device at local index ``i`` (recorder populations)."""
        node: RecorderNode = self.nodes[i]
        return node
