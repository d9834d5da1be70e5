"""PyNEST-style NodeCollection and SynapseCollection.

PyNEST's return conventions live here and only here: ``get`` gives a scalar for one
node, a tuple for several, a dict for several keys, a DataFrame with
``output="pandas"``; attributes read and write parameters (``n.V_m``,
``sr.n_events``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import BadProperty
from spikesim.network.nodes import NodeCollection as _CoreNodes
from spikesim.network.synapse_collection import SynapseCollection as _CoreSynapses


def _py(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, tuple):
        return list(v)
    return v


def _shape(values: np.ndarray, single: bool) -> Any:
    if single:
        return _py(values[0])
    return tuple(_py(v) for v in values)


def _pandas(data: dict[str, Any], index: np.ndarray, name: str) -> Any:
    import pandas as pd
    frame = pd.DataFrame({k: list(v) if isinstance(v, np.ndarray) and v.dtype == object else v
                          for k, v in data.items()}, index=index)
    frame.index.name = name
    return frame


class NodeCollection(_CoreNodes):
    """PyNEST's NodeCollection: node ids of one simulator, with PyNEST's ``get``/``set``.

    Parameters keep NEST's units (ms, mV, pA, nS).  Attributes read and write
    parameters: ``nodes.V_m`` is ``nodes.get("V_m")``, ``nodes.V_m = -70.0`` sets it.
    """

    __slots__ = ()

    def get(self, *params: Any, output: str = "") -> Any:  # type: ignore[override]  # PyNEST's shapes
        """Parameter values: a scalar for one node, a tuple for several, a dict for several keys.

        Parameters
        ----------
        *params : str or list of str
            Names; a list always gives a dict.  No names: every parameter.
        output : {"", "pandas", "json"}, default ""
            ``"pandas"``: a DataFrame indexed by node id; ``"json"``: a JSON string.

        Raises
        ------
        BadProperty
            If a name is not a parameter of every node.
        """
        keys: list[str] = []
        for p in params:
            keys.extend([p] if isinstance(p, str) else list(p))
        raw = self.table.get(self.ids, tuple(keys))
        if len(keys) == 1:
            raw = {keys[0]: raw}
        if output == "pandas":
            return _pandas(raw, self.ids, "node_ids")
        if output == "json":
            import json
            return json.dumps({k: [_py(x) for x in v] for k, v in raw.items()}, default=str)
        single = len(self) == 1
        shaped = {k: _shape(v, single) for k, v in raw.items()}
        if len(keys) == 1 and not (len(params) == 1 and not isinstance(params[0], str)):
            return shaped[keys[0]]
        return shaped

    def set(self, params: Any = None, **kwargs: Any) -> None:  # type: ignore[override]  # PyNEST's shapes
        """Set parameters: a dict (scalars or one value per node), a list of dicts, or keywords.

        Tuples count as lists, as in PyNEST.

        Raises
        ------
        BadProperty
            If a name is not a settable parameter or a value is not allowed.
        """
        if isinstance(params, dict):
            params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()}
        super().set(params, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "spatial":
            return None
        try:
            return self.get(name)
        except BadProperty:
            raise AttributeError(f"'{name}' is not a parameter of these nodes") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})


class SynapseCollection(_CoreSynapses):
    """PyNEST's SynapseCollection: connections with PyNEST's ``get``/``set``, iteration and indexing.

    Weights are in pA or nS (as the target model takes them), delays in ms.  Attributes
    read and write connection properties: ``conns.weight``.
    """

    def get(self, keys: Any = None, output: str = "") -> Any:  # type: ignore[override]  # PyNEST's shapes
        """Connection properties: a value (or list) for one key, a dict for several.

        Parameters
        ----------
        keys : str or list of str, optional
            Property names; ``None``: every property.
        output : {"", "pandas"}, default ""
            ``"pandas"``: a DataFrame with a row per connection.

        Raises
        ------
        BadProperty
            If a key is not a connection property.
        """
        single_key = isinstance(keys, str)
        kl = [keys] if single_key else (list(keys) if keys is not None else list(self.keys()))
        raw = _CoreSynapses.get(self, *kl)
        if len(kl) == 1:
            raw = {kl[0]: raw}
        if output == "pandas":
            import pandas as pd
            return pd.DataFrame({k: list(v) if v.dtype == object else v for k, v in raw.items()})
        single = len(self) == 1

        def shape(v: np.ndarray) -> Any:
            return _py(v[0]) if single else [_py(x) for x in v]
        if single_key:
            return shape(raw[keys])
        return {k: shape(v) for k, v in raw.items()}

    def set(self, params: Any = None, **kwargs: Any) -> None:  # type: ignore[override]  # PyNEST's shapes
        """Set ``weight`` or ``delay`` (ms): a dict, one dict per connection, or keywords.

        Raises
        ------
        BadProperty
            If a key is not settable or a value is not allowed.
        """
        if isinstance(params, list):
            keys = set().union(*params)
            params = {k: [p[k] for p in params] for k in keys}
        _CoreSynapses.set(self, params, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.get(name)
        except BadProperty:
            raise AttributeError(f"'{name}' is not a connection property") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})
