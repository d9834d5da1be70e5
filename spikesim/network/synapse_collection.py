"""SynapseCollection: a view on stored connections, for reading and setting them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, Self

import numpy as np

from spikesim.errors import BadProperty, KernelException, bad_property
from spikesim.models.synapses_more import split_delay
from spikesim.timegrid import TimeGrid

if TYPE_CHECKING:
    from spikesim.network.projection import Projection


class ConnectionStore(Protocol):
    """What a SynapseCollection needs of the store its connections live in."""

    grid: TimeGrid

    def check_delay(self, d: np.ndarray) -> None:
        """Raise unless every delay (ms) is allowed."""

    def changed(self, delays: bool = False) -> None:
        """Note a change of connections."""

    def check_synapse_values(self, name: str, values: Mapping[str, np.ndarray]) -> None:
        """Raise unless ``values`` (one per connection) pass synapse model ``name``'s checks."""

#: keys every connection reports
KEYS = ("source", "target", "weight", "delay", "synapse_model", "receptor", "port", "target_thread",
        "synapse_id")


def delay_steps(d_ms: np.ndarray, h: float) -> np.ndarray:
    """Delays in ms to steps as NEST rounds them: ``floor(d * (1/h) + 0.5)``.

    NEST multiplies by steps per ms rather than dividing by h: 1.15 ms at h = 0.1 gives
    11.5 -> 12 steps, where ``1.15 / 0.1`` = 11.4999... would give 11.
    """
    return np.floor(np.asarray(d_ms, dtype=float) * (1.0 / h) + 0.5).astype(np.int64)


class SynapseCollection:
    """Connections selected by ``get_connections``, ordered by source (then creation).

    ``get(key)`` returns one array; ``get(k1, k2)``/``get()`` a dict of arrays.
    ``set(weight=...)`` takes a scalar or one value per connection.
    """

    def __init__(self, store: ConnectionStore, parts: list[tuple[Projection, np.ndarray]]) -> None:
        self._store = store
        self._parts = [(p, pos, p.version) for p, pos in parts]

    @classmethod
    def of(cls, other: SynapseCollection) -> Self:
        """The connections of ``other`` as an instance of this class (faces subclass it)."""
        other._check(removed_ok=True)
        return cls(other._store, [(p, pos) for p, pos, _ in other._parts])

    def __iter__(self) -> Iterator[Self]:
        """One collection per connection, in order."""
        self._check(removed_ok=True)
        for p, pos, v in self._parts:
            for i in pos:
                one = type(self)(self._store, [(p, np.array([i]))])
                # ``i`` is a position of version ``v``: connections removed while the loop
                # runs (Disconnect(conn) of an earlier one) must map it, not be taken as today's
                one._parts = [(p, np.array([i]), v)]
                yield one

    def __getitem__(self, key: Any) -> Self:
        """Connections by position: an index, a slice or an array of indices (PyNEST's).

        Raises
        ------
        IndexError
            If an index is out of range.
        KernelException
            If connections were added or removed since the collection was made.
        """
        self._check(removed_ok=True)
        n = len(self)
        if isinstance(key, (int, np.integer)) and not -n <= key < n:
            raise IndexError(f"index {key} out of range for a SynapseCollection of {n} connections")
        sel = np.unique(np.arange(n)[key])
        parts, a = [], 0
        for p, pos, _ in self._parts:
            mine = sel[(sel >= a) & (sel < a + pos.size)] - a
            if mine.size:
                parts.append((p, pos[mine]))
            a += pos.size
        return type(self)(self._store, parts)

    def __len__(self) -> int:
        return sum(pos.size for _, pos, _ in self._parts)

    def positions(self) -> list[tuple[Projection, np.ndarray]]:
        """The connections as (projection, positions in it) parts (-1: removed since).

        Raises
        ------
        KernelException
            If connections were added or removed since the collection was made.
        """
        self._check(removed_ok=True)
        return [(p, pos) for p, pos, _ in self._parts]

    def _check(self, removed_ok: bool = False) -> None:
        """Bring the positions up to date with removals since the collection was made.

        Raises
        ------
        KernelException
            If connections were added since, or (unless ``removed_ok``) some of these
            were removed.
        """
        self._parts = [(p, p.moved(pos, v), p.version) for p, pos, v in self._parts]
        if not removed_ok and any(bool((pos < 0).any()) for _, pos, _ in self._parts):
            raise KernelException("this SynapseCollection holds connections that were removed; "
                                  "call get_connections again")

    def _column(self, key: str) -> np.ndarray:
        self._check()
        cols = []
        h = self._store.grid.resolution
        for p, pos, _ in self._parts:
            if key == "source":
                cols.append(p.src[pos].astype(np.int64) + 1)
            elif key == "target":
                cols.append(p.tgt[pos].astype(np.int64) + 1)
            elif key == "weight":
                cols.append(np.array(p.weights()[pos], dtype=float))
            elif key == "delay":  # less a continuous delay's offset (cont_delay_synapse)
                d = p.delays()[pos].astype(float) * h
                cols.append(d - p.column("delay_offset")[pos] if "delay_offset" in p.extra else d)
            elif key == "synapse_model":
                cols.append(np.array([p.synapse_model] * pos.size, dtype=object))
            elif key in ("receptor", "receptor_type"):
                cols.append(p.receptors()[pos].astype(np.int64))
            elif key == "port":  # index among the model's connections, ordered by source (NEST's lcid)
                cols.append(pos.astype(np.int64))
            elif key in ("synapse_id", "target_thread"):
                cols.append(np.zeros(pos.size, dtype=np.int64))
            elif key in p.extra:  # a label is an integer
                cols.append(np.array(p.column(key)[pos], dtype=np.int64 if key == "synapse_label" else float))
            else:
                allowed = sorted(set(KEYS) | set(p.extra))
                raise BadProperty(f"SynapseCollection: there is no key '{key}' to get; the keys are {allowed}")
        if not cols:
            return np.zeros(0)
        return np.concatenate(cols)

    @property
    def store(self) -> ConnectionStore:
        """The store the connections live in (a simulator's connector)."""
        return self._store

    def column_or_none(self, key: str) -> np.ndarray:
        """One value per connection of ``key``, ``None`` for connections whose synapse model
        lacks it (a plastic column of some of the models): an object array then.

        Raises
        ------
        BadProperty
            If no connection's model has the key.
        KernelException
            If connections were added or removed since the collection was made.
        """
        if key in KEYS or key == "receptor_type" or all(key in p.extra for p, _, _ in self._parts):
            return self._column(key)
        if not any(key in p.extra for p, _, _ in self._parts):
            return self._column(key)  # raises, naming the keys there are
        self._check()
        out = np.full(len(self), None, dtype=object)
        a = 0
        for p, pos, _ in self._parts:
            if key in p.extra:
                out[a:a + pos.size] = p.column(key)[pos].astype(float)
            a += pos.size
        return out

    def keys(self) -> list[str]:
        """The keys ``get`` answers: NEST's connection keys and the plastic columns."""
        extra: list[str] = []
        for p, _, _ in self._parts:
            extra += [k for k in p.extra if k not in extra]
        return list(KEYS) + extra

    def get(self, *keys: str) -> Any:
        """One array per key (delays in ms), or a dict of arrays for several or no keys.

        Raises
        ------
        BadProperty
            If a key is unknown.
        KernelException
            If connections were added or removed since the collection was made.
        """
        if not keys:
            keys = tuple(self.keys())
        out = {k: self._column(k) for k in keys}
        return out[keys[0]] if len(keys) == 1 else out

    def set(self, params: dict[str, Any] | None = None, **kw: Any) -> None:
        """Set ``weight``, ``delay`` (ms) or a plastic column of every connection's model
        (scalar or one value per connection).  The models' checks apply as in ``connect``
        (NEST's ``set_status``: e.g. ``Kplus >= 0``, ``weight`` and ``Wmax`` of the same
        sign); nothing changes when a value is refused.

        Raises
        ------
        BadProperty
            If a key is not settable, a value is no number, their count is neither one
            nor one per connection, or a model refuses a value (the message names model,
            parameter, value and what is allowed).
        BadDelay
            If a delay is shorter than the resolution.
        KernelException
            If connections were added or removed since the collection was made.
        """
        self._check()
        values = {**(params or {}), **kw}
        n = len(self)
        staged = []
        for k, v in values.items():
            if k not in ("weight", "delay") and not all(k in p.extra for p, _, _ in self._parts):
                raise bad_property("SynapseCollection.set", k, v, "settable keys are ['delay', 'weight']")
            try:
                arr = np.asarray(v, dtype=float)
            except (TypeError, ValueError):
                raise bad_property("SynapseCollection.set", k, v, "give numbers") from None
            if arr.ndim == 0:
                arr = np.full(n, float(arr))
            if arr.shape != (n,):
                raise bad_property("SynapseCollection.set", k, f"{arr.size} values",
                                   f"give a scalar or one value per connection ({n})")
            if k == "delay":
                self._store.check_delay(arr)
            staged.append((k, arr))
        self._check_models(dict(staged))
        for k, arr in staged:
            a = 0
            for p, pos, _ in self._parts:
                vals = arr[a:a + pos.size]
                a += pos.size
                if k == "weight":
                    p.set_weights(pos, vals)
                elif k == "delay" and "delay_offset" in p.extra:  # NEST's split of a continuous delay
                    steps, offset = split_delay(vals, self._store.grid.resolution)
                    p.set_delays(pos, steps)
                    p.materialize("delay_offset")
                    p.extra["delay_offset"][pos] = offset
                elif k == "delay":
                    p.set_delays(pos, delay_steps(vals, self._store.grid.resolution))
                else:
                    p.materialize(k)
                    p.extra[k][pos] = vals
        self._store.changed(delays=any(k == "delay" for k, _ in staged))

    def _check_models(self, staged: dict[str, np.ndarray]) -> None:
        """Each part's model checks the values its connections would have after the set:
        the new ones with the unchanged ones, since joint checks (``weight`` against
        ``Wmax``, ``x + y``) see both."""
        keys = [k for k in staged if k != "delay"]
        if not keys:
            return
        a = 0
        for p, pos, _ in self._parts:
            values = {k: p.column(k)[pos] for k in p.extra}
            values["weight"] = p.weights()[pos]
            values.update({k: staged[k][a:a + pos.size] for k in keys})
            a += pos.size
            self._store.check_synapse_values(p.synapse_model, values)
