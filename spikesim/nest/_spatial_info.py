"""PyNEST's ``nodes.spatial``: the layer of a collection as a dict."""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import BadProperty
from spikesim.network.nodes import NodeCollection
from spikesim.network.space import Layer, layer_of


def layer_or_none(nodes: NodeCollection) -> Layer | None:
    """The one layer holding all of ``nodes`` (None: some node has no position, or several layers)."""
    if not len(nodes):
        return None
    try:
        return layer_of(nodes.table, nodes.ids)[0]
    except BadProperty:
        return None


def metadata_key(nodes: NodeCollection) -> frozenset[int | None]:
    """What NEST compares before joining collections: the layers (by first id) of the
    populations ``nodes`` touch, None standing for nodes without positions."""
    table = nodes.table
    return frozenset(pop.first if pop.first in table.layers else None for pop, _, _ in table.split(nodes.ids))


def spatial_info(nodes: NodeCollection) -> dict[str, Any] | None:
    """NEST's ``spatial`` dict of ``nodes``: ``center``, ``edge_wrap``, ``extent``,
    ``network_size`` (the collection's size), and ``shape`` (grid) or ``positions`` (free);
    None for nodes without positions."""
    layer = layer_or_none(nodes)
    if layer is None:
        return None
    out: dict[str, Any] = {"center": layer.center, "edge_wrap": layer.edge_wrap, "extent": layer.extent.copy(),
                           "network_size": len(nodes)}
    if layer.shape is not None:
        out["shape"] = np.asarray(layer.shape)
    else:
        out["positions"] = nodes.positions
    return out


def connection_distances(table: Any, sources: Any, targets: Any) -> list[float]:
    """NEST's ``SynapseCollection.distance``: for each connection the distance from its source
    to its target in the target's layer (periodic: the wrapped displacement), NaN unless
    both have positions."""
    src, tgt = np.asarray(sources, dtype=np.int64).ravel(), np.asarray(targets, dtype=np.int64).ravel()
    out = np.full(src.size, np.nan)
    for i, (s, t) in enumerate(zip(src, tgt, strict=True)):
        ps, pt = table.population_of(int(s)), table.population_of(int(t))
        if ps.first in table.layers and pt.first in table.layers:
            lay = table.layers[pt.first]
            d = lay.displacement(table.layers[ps.first].positions[s - ps.first], lay.positions[t - pt.first])
            out[i] = float(np.sqrt(np.sum(d * d)))
    return [float(x) for x in out]
