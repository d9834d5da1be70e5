"""PyNEST-style SynapseCollection: connections with PyNEST's ``get``/``set`` shapes, equality,
iteration and indexing, and NEST's behaviour after ``ResetKernel`` (no connections).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim._optional import require
from spikesim.errors import BadProperty, UnaccessedDictionaryEntry, bad_property
from spikesim.nest._shapes import py_value, syn_table, to_json
from spikesim.nest._spatial_info import connection_distances
from spikesim.nest.handover import sampler_receptors
from spikesim.nest.simulation import get_simulator, model_id, note_delays
from spikesim.network.synapse_collection import KEYS
from spikesim.network.synapse_collection import SynapseCollection as _CoreSynapses


class SynapseCollection(_CoreSynapses):
    """PyNEST's SynapseCollection: connections with PyNEST's ``get``/``set``, iteration and indexing.

    Weights are in pA or nS (as the target model takes them), delays in ms.  Attributes
    read and write connection properties: ``conns.weight``.
    """

    def get(self, keys: Any = None, output: str = "") -> Any:  # type: ignore[override]  # PyNEST's shapes
        """Connection properties: a value (or list) for one key, a dict for several.

        A key of some of the synapse models (a plastic one) gives ``None`` for the
        connections of the others, as in PyNEST.  An empty collection, or one made before
        ``ResetKernel``, gives ``{}`` (no key, several keys) or ``()`` (one key).

        Parameters
        ----------
        keys : str or list of str, optional
            Property names; ``None``: every property.
        output : {"", "pandas", "json"}, default ""
            ``"pandas"``: a DataFrame with a row per connection, indexed by source.

        Raises
        ------
        BadProperty
            If a key is not a property of any of the connections.
        """
        single_key = isinstance(keys, str)
        if self._stale() or not len(self):
            if output == "pandas":
                require("pandas", feature="output='pandas'")
                import pandas as pd
                return pd.DataFrame()
            out: Any = () if single_key else {}
            return to_json(out) if output == "json" else out
        kl = [keys] if single_key else (list(keys) if keys is not None else self.keys())
        raw = {k: self._face_column(k) for k in kl}
        if output == "pandas":
            require("pandas", feature="output='pandas'")
            import pandas as pd
            return pd.DataFrame({k: list(v) if v.dtype == object else v for k, v in raw.items()},
                                index=_CoreSynapses.get(self, "source"))
        single = len(self) == 1

        def shape(v: np.ndarray) -> Any:
            return py_value(v[0]) if single else [py_value(x) for x in v]
        out = shape(raw[keys]) if single_key else {k: shape(v) for k, v in raw.items()}
        return to_json(out) if output == "json" else out

    def _stale(self) -> bool:
        """Whether the connections belong to a kernel that was reset (NEST then shows none)."""
        return self.store is not get_simulator().connector

    def _face_column(self, key: str) -> np.ndarray:
        if key in ("synapse_modelid", "synapse_id"):  # NEST's synapse_id is the synapse model's id
            names, which = np.unique(_CoreSynapses.get(self, "synapse_model").astype(str), return_inverse=True)
            ids: np.ndarray = np.array([model_id(str(m)) for m in names], dtype=np.int64)[which]
            return ids
        col = np.asarray(self.column_or_none(key))
        if key in ("receptor", "receptor_type") and col.size:
            sampled = sampler_receptors(get_simulator(), _CoreSynapses.get(self, "source"),
                                        _CoreSynapses.get(self, "target"))
            col = np.where(sampled > 0, sampled, col)
        return col

    def __eq__(self, other: object) -> bool:
        """Same connections in the same order (source, target, thread, synapse model, port), as
        PyNEST compares them."""
        if not isinstance(other, SynapseCollection):
            return NotImplemented
        if len(self) != len(other):
            return False
        keys = ["source", "target", "target_thread", "synapse_id", "port"]
        return bool(self.get(keys) == other.get(keys))

    def __hash__(self) -> int:
        return id(self)

    def sources(self) -> Any:
        """Source node ids, one per connection, as an iterator (PyNEST's)."""
        return iter(int(x) for x in _CoreSynapses.get(self, "source"))

    def targets(self) -> Any:
        """Target node ids, one per connection, as an iterator (PyNEST's)."""
        return iter(int(x) for x in _CoreSynapses.get(self, "target"))

    def __str__(self) -> str:
        return syn_table(self)

    def __repr__(self) -> str:
        return syn_table(self)

    def set(self, params: Any = None, **kwargs: Any) -> None:  # type: ignore[override]  # PyNEST's shapes
        """Set ``weight``, ``delay`` (ms) or a plastic property: a dict (a scalar or one value
        per connection), one dict per connection, or keywords.

        One dict per connection sets each connection's keys only; where the dicts name
        different keys, the connections are set group by group (a value refused in a later
        group leaves the earlier groups set).  After ``ResetKernel`` nothing is set, as in
        NEST.

        Raises
        ------
        UnaccessedDictionaryEntry
            If a key is no settable property of the connections it is given for (``source``,
            an unknown name, ``alpha`` for a static synapse), as in NEST.
        BadProperty
            If a value is not allowed, or the number of dicts is not the number of connections.
        """
        if self._stale():
            return  # NEST: the connections of a reset kernel are gone; setting them does nothing
        note_delays()
        if not isinstance(params, (list, tuple)):
            values = {**(params or {}), **kwargs}
            self._check_settable(values, np.arange(len(self)))
            _CoreSynapses.set(self, values)
            return
        dicts = list(params)
        if len(dicts) != len(self) or not all(isinstance(d, dict) for d in dicts):
            raise bad_property("SynapseCollection.set", "params", f"{len(dicts)} entries",
                               f"give one dict per connection ({len(self)})")
        groups: dict[tuple[str, ...], list[int]] = {}
        for i, d in enumerate(dicts):
            groups.setdefault(tuple(d), []).append(i)
        for keys, members in groups.items():
            self._check_settable(dict.fromkeys(keys), np.array(members))
        for keys, members in groups.items():
            part = self if len(groups) == 1 else self[np.array(members)]
            _CoreSynapses.set(part, {k: [dicts[i][k] for i in members] for k in keys})

    def disconnect(self) -> None:
        """Remove these connections (PyNEST's ``SynapseCollection.disconnect``).

        Raises
        ------
        KernelException
            If connections were added or removed since the collection was made.
        """
        get_simulator().disconnect(self)

    def _check_settable(self, values: dict[str, Any], where: np.ndarray) -> None:
        """Raise NEST's UnaccessedDictionaryEntry for a key that is no settable property of
        the connections at positions ``where``."""
        for k in values:
            if k == "weight" and self._shared_weight(where):
                raise UnaccessedDictionaryEntry(
                    "SynapseCollection.set: unaccessed element in params: 'weight'; these connections share "
                    "their model's weight: set it with SetDefaults() or CopyModel()")
            if k in ("weight", "delay"):
                continue
            fixed = k in KEYS or k in ("receptor_type", "synapse_id", "synapse_modelid", "sizeof")
            try:
                missing = fixed or any(v is None for v in self.column_or_none(k)[where])
            except BadProperty:
                missing = True
            if missing:
                raise UnaccessedDictionaryEntry(
                    f"SynapseCollection.set: unaccessed element in params: '{k}' is no settable property of "
                    f"these connections; settable are 'weight', 'delay' and their models' plastic properties")

    def _shared_weight(self, where: np.ndarray) -> bool:
        """Whether some connection at positions ``where`` has a model whose weight all its
        connections share (``static_synapse_hom_w``, ``tsodyks_synapse_hom``)."""
        models = get_simulator().models_registry
        names = set(_CoreSynapses.get(self, "synapse_model")[where].astype(str)) if where.size else set()
        return any("weight" in models.synapse_model(m)[0].common for m in names)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "distance":  # PyNEST's: source to target, NaN without positions
            return connection_distances(get_simulator().node_table, self.get("source"), self.get("target"))
        try:
            return self.get(name)
        except BadProperty:
            raise AttributeError(f"'{name}' is not a connection property") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})
