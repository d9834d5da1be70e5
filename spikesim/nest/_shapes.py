"""PyNEST's shapes of values: scalars and tuples, NEST's "never" for ``stop``, JSON and pandas
output, and the printed forms of node and synapse collections.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from spikesim._optional import require
from spikesim.network.node_table import NodeTable
from spikesim.network.nodes import NodeCollection as _CoreNodes
from spikesim.network.synapse_collection import SynapseCollection as _CoreSynapses


def py_value(v: Any) -> Any:
    """A value as PyNEST hands it out: numpy scalars as Python numbers, tuples as lists
    (units unchanged)."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, tuple):
        return list(v)
    return v


#: NEST's value for "never stops": the largest double (spikesim stores ``inf``, ms)
NEVER = sys.float_info.max


def nest_stop(values: Any) -> Any:
    """``stop`` values (ms) as NEST reports them: ``inf`` becomes the largest double."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return np.where(np.isinf(values) & (values > 0), NEVER, values)
    if isinstance(values, np.ndarray):
        return np.array([nest_stop(v) for v in values], dtype=values.dtype)
    return NEVER if isinstance(values, float) and values == np.inf else values


def stop_in(params: Any) -> Any:
    """Parameters given in NEST's terms with a ``stop`` of the largest double (NEST's "never")
    turned into spikesim's ``inf`` (ms); anything else unchanged."""
    if isinstance(params, (list, tuple)):
        return [stop_in(p) for p in params]
    if isinstance(params, dict) and "stop" in params:
        v = params["stop"]
        if isinstance(v, (list, tuple, np.ndarray)):
            v = [np.inf if isinstance(x, (float, np.floating)) and x >= NEVER else x for x in v]
        elif isinstance(v, (float, np.floating)) and v >= NEVER:
            v = np.inf
        return {**params, "stop": v}
    return params


class UnknownAttribute(AttributeError, KeyError):
    """A node parameter that does not exist, read as an attribute: a KeyError as in PyNEST, and an
    AttributeError so that ``hasattr`` and ``getattr(nodes, name, default)`` work."""

    __str__ = Exception.__str__  # KeyError would quote the message


def shaped(values: np.ndarray, single: bool) -> Any:
    """One value per node in PyNEST's shape: the value itself for one node (``single``), a
    tuple for several (units unchanged)."""
    if single:
        return py_value(values[0])
    return tuple(py_value(v) for v in values)


def to_json(v: Any, **kwargs: Any) -> str:
    """A JSON string of ``v`` (PyNEST's ``to_json``, ``output="json"``): numpy arrays and
    scalars as lists and numbers, anything else as its text.

    Parameters
    ----------
    v : object
        Data returned by ``get``/``GetStatus``.
    **kwargs
        Passed to :func:`json.dumps` (``indent`` ...).
    """
    import json

    def conv(x: Any) -> Any:
        if isinstance(x, np.ndarray):
            return x.tolist()
        if isinstance(x, np.generic):
            return x.item()
        return str(x)
    return json.dumps(v, default=conv, **kwargs)


def pandas_frame(data: dict[str, Any], index: np.ndarray) -> Any:
    """A pandas DataFrame of ``key -> one value per node``, indexed by node id (unnamed, as
    PyNEST's); containers stay one cell each.

    Raises
    ------
    ImportError
        If pandas is not installed.
    """
    require("pandas", feature="pandas output")
    import pandas as pd
    return pd.DataFrame({k: list(v) if isinstance(v, np.ndarray) and v.dtype == object else v
                         for k, v in data.items()}, index=index)


def nc_repr(nc: _CoreNodes) -> str:
    """NEST's text: one block per run of equal model and constant step (first, last, step)."""
    ids = nc.ids
    if not ids.size:
        return "NodeCollection(<empty>)"
    table: NodeTable = nc.table
    models = [table.population_of(int(i)).model_name for i in ids]
    blocks: list[str] = []
    start = 0
    for k in range(1, ids.size + 1):
        step_ok = k < ids.size and models[k] == models[start] and (
            k - start < 2 or ids[k] - ids[k - 1] == ids[start + 1] - ids[start])
        if step_ok:
            continue
        part = ids[start:k]
        text = f"model={models[start]}, size={part.size}, first={part[0]}"
        if part.size > 1:
            text += f", last={part[-1]}"
            if part[1] - part[0] != 1:
                text += f", step={part[1] - part[0]}"
        blocks.append(text)
        start = k
    if len(blocks) == 1:
        return f"NodeCollection(metadata=None, {blocks[0]})"
    return "NodeCollection(metadata=None,\n               " + ";\n               ".join(blocks) + ")"


_ELLIPSIS = "\u22ee "


def syn_table(conns: _CoreSynapses) -> str:
    """The printed form of connections, NEST's table: source, target, model, weight, delay
    (ms); the first and last 15 rows when there are 35 or more."""
    if not len(conns):
        return "The synapse collection does not contain any connections."
    src, tgt, model, w, d = (_CoreSynapses.get(conns, k) for k in ("source", "target", "synapse_model", "weight",
                                                                    "delay"))
    heads = ("source", "target", "synapse model", "weight", "delay")
    widths = [len(h) + 2 for h in heads]
    widths[2] = max(widths[2], *(len(str(m)) for m in model))
    rows = [f"{s:>{widths[0] - 1}d} {t:>{widths[1]}d} {m:>{widths[2]}s} {x:>#{widths[3]}.4g} {y:>#{widths[4]}.4g}"
            for s, t, m, x, y in zip(src.tolist(), tgt.tolist(), model, w.tolist(), d.tolist(), strict=True)]
    if len(rows) >= 35:
        rows = [*rows[:15], _ELLIPSIS.rjust(widths[0] - 1), *rows[-15:]]
    head = " ".join(f"{h:^{n}}" for h, n in zip(heads, widths, strict=True))
    rule = " ".join("-" * n for n in widths)
    return "\n".join([head, rule, *rows])
