"""Positions of nodes in space: NEST's grid and free layers, periodic boundaries.

A population created with positions is a *layer*: every node has a position (2 or 3
coordinates, in the units of the layer's extent, NEST's convention of mm being only a
habit), the layer a box (``center``, ``extent``) and possibly periodic boundaries
(``edge_wrap``).  Positions are build-time data: connection rules, node parameters and
queries read them; the simulation loop never does.  Every MPI rank holds all of them.

Grid layers place node ``i`` as NEST does: the last grid index runs fastest, the first
(x) slowest; y runs from the top of the layer down ("matrix convention").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from spikesim import rng
from spikesim.errors import BadProperty, bad_property
from spikesim.network.parameters import Parameter


def _vector(owner: str, key: str, v: Any, dims: tuple[int, ...] = (2, 3)) -> np.ndarray:
    """``v`` as a float vector of 2 or 3 finite numbers (else BadProperty)."""
    try:
        arr = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise bad_property(owner, key, v, f"give {' or '.join(map(str, dims))} numbers") from None
    if arr.ndim != 1 or arr.size not in dims or not np.all(np.isfinite(arr)):
        raise bad_property(owner, key, v, f"give {' or '.join(map(str, dims))} finite numbers")
    return arr


@dataclass(frozen=True, eq=False)
class Grid:
    """Nodes on a regular grid (NEST's ``spatial.grid``).

    Parameters
    ----------
    shape : sequence of int
        Nodes along each of 2 or 3 dimensions (columns, rows[, depth]).
    center : sequence of float, optional
        Center of the layer (default: the origin).
    extent : sequence of float, optional
        Size of the layer along each dimension (default 1.0 each); nodes sit at the
        centres of the grid's cells.
    edge_wrap : bool, default False
        Periodic boundaries.
    """

    shape: Any
    center: Any = None
    extent: Any = None
    edge_wrap: bool = False


@dataclass(frozen=True, eq=False)
class Free:
    """Nodes at given or drawn positions (NEST's ``spatial.free``).

    Parameters
    ----------
    pos : array-like or Parameter or list of Parameters
        One position (2 or 3 numbers) per node; or a Parameter drawn for every
        coordinate (``num_dimensions`` or ``extent`` says how many); or one Parameter
        per dimension.
    extent : sequence of float, optional
        Size of the layer; default: the positions' bounding box, rounded up to whole
        units in each dimension (NEST's).  The layer is centred on the bounding box.
    edge_wrap : bool, default False
        Periodic boundaries (needs the extent to be meaningful).
    num_dimensions : int, optional
        Dimensions of a single Parameter ``pos``.
    """

    pos: Any
    extent: Any = None
    edge_wrap: bool = False
    num_dimensions: int | None = None


@dataclass(eq=False)
class Layer:
    """The positions of one population and its box.

    Parameters
    ----------
    positions : np.ndarray
        ``(n, d)`` float positions, row ``i`` the population's ``i``-th node.
    lower_left : np.ndarray
        Lower-left corner of the layer.
    extent : np.ndarray
        Size along each dimension.
    edge_wrap : bool
        Periodic boundaries in every dimension.
    shape : tuple of int, optional
        Grid shape of a grid layer (None: a free layer).
    """

    positions: np.ndarray
    lower_left: np.ndarray
    extent: np.ndarray
    edge_wrap: bool = False
    shape: tuple[int, ...] | None = None
    _meta: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def dim(self) -> int:
        """Number of dimensions (2 or 3)."""
        return int(self.positions.shape[1])

    @property
    def center(self) -> np.ndarray:
        """Center of the layer."""
        out: np.ndarray = self.lower_left + self.extent / 2
        return out

    def displacement(self, frm: np.ndarray, to: np.ndarray) -> np.ndarray:
        """``to - frm`` (rows of positions), with periodic boundaries the image in
        ``[-extent/2, extent/2)`` (NEST's ``Displacement`` and mask tests).

        Parameters
        ----------
        frm, to : np.ndarray
            ``(m, d)`` or ``(d,)`` positions, broadcast against each other.

        Returns
        -------
        np.ndarray
            ``(m, d)`` displacements.
        """
        d = np.atleast_2d(np.asarray(to, dtype=float) - np.asarray(frm, dtype=float)).copy()
        if self.edge_wrap:
            half = 0.5 * self.extent
            d = -half + np.fmod(d + half, self.extent)
            d = np.where(d < -half, d + self.extent, d)
        return d

    def pair_displacement(self, frm: np.ndarray, to: np.ndarray) -> np.ndarray:
        """``to - frm`` per dimension, with periodic boundaries the nearest image (rounded half away
        from zero: NEST's per-dimension displacement of distance-dependent parameters)."""
        d = np.atleast_2d(np.asarray(to, dtype=float) - np.asarray(frm, dtype=float)).copy()
        if self.edge_wrap:
            q = d * (1 / self.extent)
            d -= self.extent * (np.sign(q) * np.floor(np.abs(q) + 0.5))
        return d

    def state(self) -> tuple[dict[str, Any], np.ndarray]:
        """JSON-able description and the positions array (for checkpoints)."""
        meta = {"lower_left": self.lower_left.tolist(), "extent": self.extent.tolist(),
                "edge_wrap": bool(self.edge_wrap), "shape": None if self.shape is None else list(self.shape)}
        return meta, self.positions

    @classmethod
    def from_state(cls, meta: dict[str, Any], positions: np.ndarray) -> Layer:
        """A layer of :meth:`state`."""
        shape = None if meta["shape"] is None else tuple(int(s) for s in meta["shape"])
        return cls(np.asarray(positions, dtype=float).copy(), np.asarray(meta["lower_left"], dtype=float),
                   np.asarray(meta["extent"], dtype=float), bool(meta["edge_wrap"]), shape)


def distance(d: np.ndarray) -> np.ndarray:
    """Euclidean length of each row of displacements, summed dimension by dimension (as NEST)."""
    acc = d[:, 0] * d[:, 0]
    for i in range(1, d.shape[1]):
        acc = acc + d[:, i] * d[:, i]
    out: np.ndarray = np.sqrt(acc)
    return out


def grid_layer(spec: Grid) -> Layer:
    """The layer of a :class:`Grid` (its size is the product of the shape).

    Raises
    ------
    BadProperty
        If the shape, center or extent is not allowed.
    """
    try:
        shape = tuple(int(s) for s in spec.shape)
        whole = all(float(s) == int(s) and not isinstance(s, bool) for s in spec.shape)
    except (TypeError, ValueError):
        raise bad_property("grid", "shape", spec.shape, "give 2 or 3 positive integers") from None
    if len(shape) not in (2, 3) or not whole or min(shape) < 1:
        raise bad_property("grid", "shape", spec.shape, "give 2 or 3 positive integers")
    d = len(shape)
    extent = np.ones(d) if spec.extent is None else _vector("grid", "extent", spec.extent, (d,))
    if np.any(extent <= 0):
        raise bad_property("grid", "extent", spec.extent, "every extent must be > 0")
    center = np.zeros(d) if spec.center is None else _vector("grid", "center", spec.center, (d,))
    lower_left = center - extent / 2
    dims = np.asarray(shape, dtype=float)
    lid = np.arange(int(np.prod(shape)))
    gridpos = np.empty((lid.size, d))
    rest = lid
    for i in range(d - 1, 0, -1):
        gridpos[:, i] = rest % shape[i]
        rest = rest // shape[i]
    gridpos[:, 0] = rest
    ext = extent.copy()
    upper_left = lower_left.copy()
    upper_left[1] += ext[1]  # y runs downwards
    ext[1] = -ext[1]
    step = ext / dims
    positions = upper_left + step * gridpos + step * 0.5
    return Layer(positions, lower_left, extent, _flag("grid", spec.edge_wrap), shape)


def _flag(owner: str, v: Any) -> bool:
    if not isinstance(v, (bool, np.bool_)):
        raise bad_property(owner, "edge_wrap", v, "it must be True or False")
    return bool(v)


def free_layer(spec: Free, n: int, draw: Any) -> Layer:
    """The layer of a :class:`Free` specification for ``n`` nodes.

    Parameters
    ----------
    spec : Free
        The positions or their Parameters.
    n : int
        Nodes to place when the positions are drawn (a list gives its own number).
    draw : callable
        ``draw(parameter, n)``: the values of a Parameter for ``n`` nodes (the caller's
        random stream).

    Raises
    ------
    BadProperty
        If positions, extent or ``num_dimensions`` are not allowed, or a node lies
        outside the given extent.
    """
    pos = _free_positions(spec, n, draw)
    if pos.shape[0] == 0:
        raise bad_property("free", "pos", spec.pos, "give at least one position")
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    center = (hi + lo) / 2
    if spec.extent is None:
        if pos.shape[0] <= 1:
            raise BadProperty("free: if only one node is created, 'extent' must be specified")
        extent = np.ceil(hi - lo)
    else:
        extent = _vector("free", "extent", spec.extent, (pos.shape[1],))
        if np.any(extent <= 0):
            raise bad_property("free", "extent", spec.extent, "every extent must be > 0")
        if np.any(lo < center - extent / 2) or np.any(hi > center + extent / 2):
            raise bad_property("free", "extent", spec.extent, "Node position outside of layer: the extent must "
                               "hold every position")
    return Layer(pos, center - extent / 2, extent, _flag("free", spec.edge_wrap))


def _free_positions(spec: Free, n: int, draw: Any) -> np.ndarray:
    p = spec.pos
    if isinstance(p, Parameter) or (isinstance(p, (list, tuple)) and p and all(isinstance(q, Parameter) for q in p)):
        per_dim = list(p) if isinstance(p, (list, tuple)) else None
        d = len(per_dim) if per_dim is not None else spec.num_dimensions
        if d is None and spec.extent is not None:
            d = len(spec.extent)
        if d not in (2, 3):
            raise bad_property("free", "num_dimensions", d, "give 2 or 3 (or an extent) with a Parameter as pos")
        params = per_dim if per_dim is not None else [p] * d
        return np.stack([np.asarray(draw(q, n), dtype=float) for q in params], axis=1)
    try:
        arr = np.asarray(p, dtype=float)
    except (TypeError, ValueError):
        raise bad_property("free", "pos", p, "give a list of positions or a Parameter") from None
    if arr.ndim != 2 or arr.shape[1] not in (2, 3) or not np.all(np.isfinite(arr)):
        raise bad_property("free", "pos", f"array of shape {arr.shape}",
                           "give one position of 2 or 3 finite numbers per node")
    return arr


class SpatialTable(Protocol):
    """What the spatial queries need of a node table: its layers and its populations."""

    layers: dict[int, Layer]

    def split(self, ids: np.ndarray) -> list[tuple[Any, np.ndarray, np.ndarray]]:
        """Sorted ids grouped by population: (population, local indices, positions in ids)."""


def layer_of(table: SpatialTable, ids: np.ndarray, what: str = "nodes") -> tuple[Layer, np.ndarray]:
    """The one layer holding all of ``ids`` and their rows in it.

    Raises
    ------
    BadProperty
        If the nodes have no positions or belong to several layers.
    """
    order = np.argsort(ids, kind="stable")
    groups = table.split(np.asarray(ids)[order])
    if len(groups) != 1 or groups[0][0].first not in table.layers:
        raise bad_property("spatial", what, _short(ids), "give nodes of one population created with positions")
    pop, local, _ = groups[0]
    rows = np.empty(len(ids), dtype=np.int64)
    rows[order] = local
    return table.layers[pop.first], rows


def positions_of(table: SpatialTable, ids: np.ndarray) -> np.ndarray:
    """``(len(ids), d)`` positions of nodes ``ids`` (any layers of one dimension), in the order given.

    Raises
    ------
    BadProperty
        If a node has no position or the layers' dimensions differ.
    """
    ids = np.asarray(ids, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    parts = []
    for pop, local, _ in table.split(ids[order]):
        if pop.first not in table.layers:
            raise bad_property("spatial", "nodes", int(pop.first + local[0]),
                               "the node has no position (create it with positions)")
        parts.append(table.layers[pop.first].positions[local])
    if len({p.shape[1] for p in parts}) > 1:
        raise bad_property("spatial", "nodes", _short(ids), "the nodes' layers have different dimensions")
    out = np.empty((ids.size, parts[0].shape[1] if parts else 2))
    if parts:
        out[order] = np.concatenate(parts)
    return out


def _short(ids: Any) -> Any:
    arr = np.asarray(ids).ravel()
    return arr.tolist() if arr.size <= 8 else f"{arr[:8].tolist()}..."


def build_layer(spec: Grid | Free, n: int, first: int, seed: int) -> Layer:
    """The layer of a population of ``n`` nodes (a list of positions or a grid sets its own
    number; ``n`` must then be 1 or that number) whose first id is ``first``; drawn
    positions come from the stream of (``seed``, ``first``), the same on every rank.

    Raises
    ------
    BadProperty
        If the specification is not allowed or ``n`` does not match it.
    """
    if isinstance(spec, Grid):
        layer = grid_layer(spec)
    elif isinstance(spec, Free):
        gen = rng.generator(seed, first, rng.PURPOSE_PARAMETER, _POSITIONS_KEY)
        layer = free_layer(spec, n, lambda p, m: p.draw(gen, m))
    else:
        raise bad_property("create", "positions", spec, "give a spatial grid or free specification")
    size = layer.positions.shape[0]
    if n not in (1, size):
        raise bad_property("create", "n", n, f"the positions place {size} nodes: give n=1 or n={size}")
    return layer


#: part of the key of the stream free positions are drawn from ("positions" as 63 bits)
_POSITIONS_KEY = int.from_bytes(b"position", "little") >> 1
