"""PyNEST's spatial functions: masks, positions, displacements,
distances, nearest nodes, layer dumps and the targets and sources of layers.

Positions, displacements and distances are in the units of the layers' extent.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.errors import BadProperty, KernelException
from spikesim.nest._collections import NodeCollection
from spikesim.nest.construction import GetConnections
from spikesim.nest.simulation import get_simulator
from spikesim.network import spatial_rules
from spikesim.network.masks import Mask, create_mask
from spikesim.network.nodes import NodeCollection as _CoreNodes
from spikesim.network.space import Layer, distance, layer_of, positions_of

__all__ = ["CreateMask", "Displacement", "Distance", "DumpLayerConnections", "DumpLayerNodes", "FindCenterElement",
           "FindNearestElement", "GetPosition", "GetSourceNodes", "GetSourcePositions", "GetTargetNodes",
           "GetTargetPositions", "LayerExpected", "PrintNodes", "SelectNodesByMask"]


class LayerExpected(KernelException):
    """NEST's error for a spatial function given nodes without positions."""


def CreateMask(masktype: str, specs: dict[str, Any], anchor: Any = None) -> Mask:  # noqa: N802 - NEST's name
    """A mask (see :mod:`spikesim.network.masks` for the kinds and parameters, layer units,
    angles in degrees), shifted by ``anchor``; masks combine by ``&``, ``|``, ``-``.

    Raises
    ------
    BadProperty
        If the kind, a key or a value is not allowed.
    """
    return create_mask(masktype, dict(specs), anchor)


def _layer(nodes: Any, what: str = "nodes") -> tuple[Layer, np.ndarray]:
    if not isinstance(nodes, _CoreNodes):
        raise TypeError(f"{what} must be a NodeCollection with spatial extent")
    try:
        return layer_of(nodes.table, nodes.ids, what)
    except BadProperty:
        raise LayerExpected(f"{what}: the nodes have no positions (LayerExpected): create them with "
                            "positions=nest.spatial.grid(...) or free(...)") from None


def GetPosition(nodes: Any) -> list[Any]:  # noqa: N802 - NEST's name
    """Positions of ``nodes``: one list of coordinates for one node, else a list of them.

    Raises
    ------
    TypeError
        If ``nodes`` is no NodeCollection.
    LayerExpected
        If the nodes have no positions.
    """
    layer, rows = _layer(nodes)
    out: list[Any] = layer.positions[rows].tolist()
    return out[0] if len(out) == 1 else out


def _pairs(from_arg: Any, to_arg: Any) -> tuple[np.ndarray, np.ndarray, Layer]:
    """NEST's operands of Displacement/Distance: (from, to) positions and the layer measuring them."""
    if not isinstance(to_arg, _CoreNodes):
        raise TypeError("to_arg must be a NodeCollection")
    to_layer, to_rows = _layer(to_arg, "to_arg")
    if isinstance(from_arg, _CoreNodes):
        from_layer, from_rows = _layer(from_arg, "from_arg")
        frm, to = from_layer.positions[from_rows], to_layer.positions[to_rows]
        if len(frm) > 1 and len(to) > 1 and len(frm) != len(to):
            raise ValueError("to_arg and from_arg must have same size unless one have size 1.")
        # NEST measures from the target back to the source node, in the source's layer
        return to, frm, from_layer
    pts = np.atleast_2d(np.asarray(from_arg, dtype=float))
    if len(pts) > 1 and len(to_rows) > 1 and len(pts) != len(to_rows):
        raise ValueError("to_arg and from_arg must have same size unless one have size 1.")
    return pts, to_layer.positions[to_rows], to_layer


def Displacement(from_arg: Any, to_arg: Any) -> list[list[float]]:  # noqa: N802 - NEST's name
    """Displacements between positions or nodes ``from_arg`` and nodes ``to_arg`` (one of them
    may be a single item), as NEST computes them: from a position to a node ``to - from``;
    between nodes ``from - to`` in the layer of ``from_arg``; periodic layers wrap.

    Raises
    ------
    TypeError
        If ``to_arg`` is no NodeCollection.
    ValueError
        If both have several items and their numbers differ.
    LayerExpected
        If nodes have no positions.
    """
    frm, to, layer = _pairs(from_arg, to_arg)
    out: list[list[float]] = layer.displacement(frm, to).tolist()
    return out


def Distance(from_arg: Any, to_arg: Any) -> list[float]:  # noqa: N802 - NEST's name
    """Distances between positions or nodes ``from_arg`` and nodes ``to_arg`` (the lengths of
    :func:`Displacement`).

    Raises
    ------
    TypeError, ValueError, LayerExpected
        As :func:`Displacement` does, for the same inputs.
    """
    frm, to, layer = _pairs(from_arg, to_arg)
    out: list[float] = distance(layer.displacement(frm, to)).tolist()
    return out


def FindNearestElement(layer: Any, locations: Any, find_all: bool = False) -> Any:  # noqa: N802
    """The node of ``layer`` nearest to each location (``find_all``: every node at the
    smallest distance, within a relative 1e-14): a NodeCollection for one location without
    ``find_all``, else a list.

    Raises
    ------
    TypeError
        If ``layer`` is no NodeCollection or ``locations`` no coordinates.
    ValueError
        If ``layer`` is empty.
    """
    if not isinstance(layer, _CoreNodes):
        raise TypeError("layer must be a NodeCollection")
    if not len(layer):
        raise ValueError("layer cannot be empty")
    if not isinstance(locations, (list, tuple, np.ndarray)):
        raise TypeError("locations must be coordinate array or list of coordinate arrays")
    locs = [locations] if not isinstance(locations[0], (list, tuple, np.ndarray)) else list(locations)
    result: list[Any] = []
    for loc in locs:
        d = np.asarray(Distance(np.asarray(loc, dtype=float), layer))
        if not find_all:
            result.append(layer[int(np.argmin(d))])
        else:
            m = d.min()
            result.append([layer[int(i)] for i in np.flatnonzero((d == m) | (np.abs(d - m) <= 1e-14 * m))])
    return result[0] if len(result) == 1 else result


def FindCenterElement(layer: Any) -> Any:  # noqa: N802 - NEST's name
    """The node of ``layer`` nearest to the layer's center (the first of equals).

    Raises
    ------
    TypeError
        If ``layer`` is no NodeCollection.
    LayerExpected
        If it has no positions.
    """
    lay, _ = _layer(layer, "layer")
    return FindNearestElement(layer, lay.center.tolist())


def SelectNodesByMask(layer: Any, anchor: Any, mask_obj: Mask) -> NodeCollection:  # noqa: N802 - NEST's name
    """The nodes of ``layer`` inside ``mask_obj`` placed at ``anchor`` (periodic layers wrap).

    Raises
    ------
    TypeError
        If ``layer`` is no NodeCollection.
    BadProperty
        If the anchor is not 2 or 3 numbers or the mask does not fit the layer.
    """
    lay, rows = _layer(layer, "layer")
    a = np.asarray(anchor, dtype=float)
    if a.ndim != 1 or a.size not in (2, 3):
        raise BadProperty(f"SelectNodesByMask: anchor {anchor!r} is not allowed: Center must be 2- or 3-dimensional")
    mask = spatial_rules.place({"mask": mask_obj, "allow_oversized_mask": False}, lay)
    pool = spatial_rules.Pool.of(lay)
    pts = pool.mapped(lay.positions[rows])
    inside = spatial_rules.in_mask(mask, pool, pts, a[None, :])[0]
    return NodeCollection(get_simulator(), np.sort(np.asarray(layer.ids)[inside]))


def _g(values: Iterable[float]) -> str:
    """Numbers as C++ streams print them by default (6 significant digits)."""
    return " ".join(f"{float(v):g}" for v in values)


def DumpLayerNodes(layer: Any, outname: str | Path) -> None:  # noqa: N802 - NEST's name
    """Write ``id x y [z]`` per node of ``layer`` to ``outname``.

    Raises
    ------
    TypeError
        If ``layer`` is no NodeCollection.
    LayerExpected
        If it has no positions.
    """
    lay, rows = _layer(layer, "layer")
    lines = [f"{int(i)} {_g(p)}\n" for i, p in zip(layer.ids, lay.positions[rows], strict=True)]
    Path(outname).write_text("".join(lines))


def DumpLayerConnections(source_layer: Any, target_layer: Any, synapse_model: str,  # noqa: N802 - NEST's name
                         outname: str | Path) -> None:
    """Write ``source target weight delay dx dy [dz]`` per connection of ``synapse_model`` from
    ``source_layer`` to ``target_layer``; the displacement runs from source to target in the
    target layer.

    Raises
    ------
    TypeError
        If a layer is no NodeCollection.
    LayerExpected
        If one has no positions.
    """
    _layer(source_layer, "source_layer")
    tgt_lay, _ = _layer(target_layer, "target_layer")
    conns = GetConnections(source_layer, target_layer, synapse_model)
    s, t = np.asarray(conns.get("source"), dtype=np.int64).ravel(), np.asarray(conns.get("target")).ravel()
    w, d = np.asarray(conns.get("weight"), dtype=float).ravel(), np.asarray(conns.get("delay"), dtype=float).ravel()
    order = np.lexsort((t, s))
    table = get_simulator().node_table
    disp = tgt_lay.displacement(positions_of(table, s[order]), positions_of(table, t[order]))
    lines = [f"{int(a)} {int(b)} {_g([x, y])} {_g(v)}\n"
             for a, b, x, y, v in zip(s[order], t[order], w[order], d[order], disp, strict=True)]
    Path(outname).write_text("".join(lines))



def _partners(sources: Any, targets: Any, syn_model: str | None, outgoing: bool) -> dict[int, list[int]]:
    """Each node of one side (sources if ``outgoing``) -> its partners on the other side, by connection."""
    conns = GetConnections(sources, targets, syn_model)
    s = np.asarray(conns.get("source"), dtype=np.int64).ravel() if len(conns) else np.zeros(0, np.int64)
    t = np.asarray(conns.get("target"), dtype=np.int64).ravel() if len(conns) else np.zeros(0, np.int64)
    own, other = (s, t) if outgoing else (t, s)
    out: dict[int, list[int]] = {int(i): [] for i in (sources if outgoing else targets).ids}
    for a, b in zip(own, other, strict=True):
        out[int(a)].append(int(b))
    return out


def _collections(m: dict[int, list[int]]) -> tuple[NodeCollection, ...]:
    sim = get_simulator()
    return tuple(NodeCollection(sim, np.unique(np.asarray(v, dtype=np.int64))) for v in m.values())


def _check(nodes: Any, what: str) -> None:
    if not isinstance(nodes, _CoreNodes):
        raise TypeError(f"{what} must be a NodeCollection")


def GetTargetNodes(sources: Any, tgt_layer: Any, syn_model: str | None = None) -> tuple[NodeCollection, ...]:  # noqa: N802
    """For each source, the nodes of ``tgt_layer`` it connects to (of ``syn_model``, None: any).

    Raises
    ------
    TypeError
        If an argument is no NodeCollection.
    """
    _check(sources, "sources")
    _check(tgt_layer, "tgt_layer")
    return _collections(_partners(sources, tgt_layer, syn_model, True))


def GetSourceNodes(src_layer: Any, targets: Any, syn_model: str | None = None) -> tuple[NodeCollection, ...]:  # noqa: N802
    """For each target, the nodes of ``src_layer`` connecting to it (of ``syn_model``, None: any).

    Raises
    ------
    TypeError
        If an argument is no NodeCollection.
    """
    _check(src_layer, "src_layer")
    _check(targets, "targets")
    return _collections(_partners(src_layer, targets, syn_model, False))


def GetTargetPositions(sources: Any, tgt_layer: Any, syn_model: str | None = None) -> list[list[list[float]]]:  # noqa: N802
    """For each source, the positions of its targets in ``tgt_layer``, one per connection.

    Raises
    ------
    TypeError
        If an argument is no NodeCollection.
    LayerExpected
        If ``tgt_layer`` has no positions.
    """
    _check(sources, "sources")
    _layer(tgt_layer, "tgt_layer")
    table = get_simulator().node_table
    return [positions_of(table, np.asarray(v, dtype=np.int64)).tolist()
            for v in _partners(sources, tgt_layer, syn_model, True).values()]


def GetSourcePositions(src_layer: Any, targets: Any, syn_model: str | None = None) -> list[list[list[float]]]:  # noqa: N802
    """For each target, the positions of its sources in ``src_layer``, one per connection.

    Raises
    ------
    TypeError
        If an argument is no NodeCollection.
    LayerExpected
        If ``src_layer`` has no positions.
    """
    _check(targets, "targets")
    _layer(src_layer, "src_layer")
    table = get_simulator().node_table
    return [positions_of(table, np.asarray(v, dtype=np.int64)).tolist()
            for v in _partners(src_layer, targets, syn_model, False).values()]


def PrintNodes() -> None:  # noqa: N802 - NEST's name
    """Print the node id ranges and their models, one line per run of one model (NEST's format)."""
    table = get_simulator().node_table
    runs: list[list[Any]] = []
    for pop in table.populations:
        if runs and runs[-1][2] == pop.model_name and runs[-1][1] + 1 == pop.first:
            runs[-1][1] = pop.first + pop.n - 1
        else:
            runs.append([pop.first, pop.first + pop.n - 1, pop.model_name])
    w = len(str(table.num_nodes))
    for first, last, model in runs:
        ids = f"{first:>{w}} .. {last:>{w}}" if last > first else f"{first:>{w}}" + " " * (w + 4)
        print(f"{ids} {model}")
