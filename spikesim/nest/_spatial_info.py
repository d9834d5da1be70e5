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
