"""PyNEST's plots of layers: nodes, a node's targets or sources, masks and connection
probabilities (matplotlib, ``spikesim[plot]``).  Positions in layer units."""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim._optional import require
from spikesim.nest.spatial_functions import GetSourcePositions, GetTargetPositions
from spikesim.network.masks import Anchored, Ball, Box, Combined, Ellipse, Mask, as_mask
from spikesim.network.nodes import NodeCollection
from spikesim.network.parameters import Context, Parameter
from spikesim.network.space import Layer, layer_of


def _layer(nodes: Any, what: str) -> tuple[Layer, np.ndarray]:
    if not isinstance(nodes, NodeCollection):
        raise TypeError(f"{what} must be a NodeCollection.")
    return layer_of(nodes.table, nodes.ids, what)


def _axes(fig: Any, dim: int) -> tuple[Any, Any]:
    plt = require("matplotlib.pyplot", "plot", "spatial plots")
    if fig is None:
        fig = plt.figure()
        ax = fig.add_subplot(111, projection="3d") if dim == 3 else fig.add_subplot(111)
    else:
        ax = fig.gca()
    return fig, ax


def _extent_box(ax: Any, layer: Layer) -> None:
    """The layer's box as the axes' limits (2D)."""
    lo, hi = layer.lower_left, layer.lower_left + layer.extent
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal", "box")


def PlotLayer(layer: Any, fig: Any = None, nodecolor: Any = "b", nodesize: float = 20) -> Any:  # noqa: N802
    """Scatter the nodes of ``layer`` (2D or 3D) into ``fig`` (None: a new figure); return the figure.

    Raises
    ------
    TypeError
        If ``layer`` is no NodeCollection.
    BadProperty
        If it has no positions.
    """
    lay, rows = _layer(layer, "layer")
    fig, ax = _axes(fig, lay.dim)
    pos = lay.positions[rows]
    if lay.dim == 2:
        ax.scatter(pos[:, 0], pos[:, 1], s=nodesize, facecolor=nodecolor)
        _extent_box(ax, lay)
    else:
        ax.scatter(pos[:, 0], pos[:, 1], pos[:, 2], s=nodesize, c=nodecolor)
    return fig


def _plot_partners(own: Any, other: Any, positions: list[Any], fig: Any, mask: Mask | None,
                   probability: Parameter | None, colors: tuple[Any, Any], sizes: tuple[float, float],
                   mask_color: Any, cmap: str) -> Any:
    own_lay, own_rows = _layer(own, "node")
    other_lay, _ = _layer(other, "layer")
    fig, ax = _axes(fig, other_lay.dim)
    centre = own_lay.positions[own_rows[0]]
    pts = np.asarray(positions[0], dtype=float).reshape(-1, other_lay.dim)
    if other_lay.dim == 3:
        ax.scatter(pts[:, 0], pts[:, 1], pts[:, 2], s=sizes[1], c=colors[1])
        ax.scatter(*centre, s=sizes[0], c=colors[0])
        return fig
    if probability is not None:
        PlotProbabilityParameter(own, probability, None, _edges(other_lay), ax=ax, prob_cmap=cmap)
    if mask is not None:
        for patch in mask_patches(mask, centre, mask_color):
            ax.add_patch(patch)
    ax.scatter(pts[:, 0], pts[:, 1], s=sizes[1], facecolor=colors[1], zorder=2)
    ax.scatter([centre[0]], [centre[1]], s=sizes[0], facecolor=colors[0], zorder=3)
    _extent_box(ax, other_lay)
    return fig


def _edges(layer: Layer) -> list[float]:
    lo, hi = layer.lower_left, layer.lower_left + layer.extent
    return [float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])]


def PlotTargets(src_nrn: Any, tgt_layer: Any, syn_type: str | None = None, fig: Any = None,  # noqa: N802
                mask: Mask | None = None, probability_parameter: Parameter | None = None, src_color: Any = "red",
                src_size: float = 50, tgt_color: Any = "blue", tgt_size: float = 20, mask_color: Any = "yellow",
                probability_cmap: str = "Greens") -> Any:
    """Plot the targets of the one node ``src_nrn`` in ``tgt_layer`` (and a mask or probability
    around it); return the figure.

    Raises
    ------
    TypeError
        If an argument is no NodeCollection.
    BadProperty
        If a side has no positions.
    """
    return _plot_partners(src_nrn, tgt_layer, GetTargetPositions(src_nrn, tgt_layer, syn_type), fig, mask,
                          probability_parameter, (src_color, tgt_color), (src_size, tgt_size), mask_color,
                          probability_cmap)


def PlotSources(src_layer: Any, tgt_nrn: Any, syn_type: str | None = None, fig: Any = None,  # noqa: N802
                mask: Mask | None = None, probability_parameter: Parameter | None = None, tgt_color: Any = "red",
                tgt_size: float = 50, src_color: Any = "blue", src_size: float = 20, mask_color: Any = "yellow",
                probability_cmap: str = "Greens") -> Any:
    """Plot the sources in ``src_layer`` of the one node ``tgt_nrn`` (and a mask or probability
    around it); return the figure.

    Raises
    ------
    TypeError, BadProperty
        As :func:`PlotTargets` does, for the same inputs.
    """
    return _plot_partners(tgt_nrn, src_layer, GetSourcePositions(src_layer, tgt_nrn, syn_type), fig, mask,
                          probability_parameter, (tgt_color, src_color), (tgt_size, src_size), mask_color,
                          probability_cmap)


def PlotProbabilityParameter(source: Any, parameter: Parameter | None = None, mask: Mask | None = None,  # noqa: N802
                             edges: Any = (-0.5, 0.5, -0.5, 0.5), shape: Any = (100, 100), ax: Any = None,
                             prob_cmap: str = "Greens", mask_color: Any = "yellow") -> Any:
    """Image of ``parameter`` (clipped to [0, 1]) for connections from the one node ``source`` to
    points on a grid of ``shape`` over ``edges`` (x0, x1, y0, y1), and the ``mask`` around it.

    Raises
    ------
    ValueError
        If neither ``parameter`` nor ``mask`` is given.
    BadProperty
        If ``source`` has no position.
    """
    plt = require("matplotlib.pyplot", "plot", "spatial plots")
    if parameter is None and mask is None:
        raise ValueError("At least one of parameter or mask must be specified")
    lay, rows = _layer(source, "source")
    if ax is None:
        _, ax = plt.subplots()
    ax.set_xlim(*edges[:2])
    ax.set_ylim(*edges[2:])
    centre = lay.positions[rows[0]]
    if parameter is not None:
        xs, ys = np.linspace(edges[0], edges[1], shape[0]), np.linspace(edges[2], edges[3], shape[1])
        gx, gy = np.meshgrid(xs, ys)
        tgt = np.stack([gx.ravel(), gy.ravel()], axis=1)
        src = np.broadcast_to(centre, tgt.shape)
        ctx = Context(source=src, target=tgt, displacement=lay.pair_displacement(src, tgt))
        z = parameter.draw(np.random.default_rng(0), tgt.shape[0], ctx).reshape(gx.shape)
        img = ax.imshow(np.clip(z, 0.0, 1.0), extent=tuple(edges), origin="lower", cmap=prob_cmap, vmin=0.0,
                        vmax=1.0)
        plt.colorbar(img, ax=ax, fraction=0.046, pad=0.04)
    if mask is not None:
        for patch in mask_patches(mask, centre, mask_color):
            patch.set_zorder(0.5)
            ax.add_patch(patch)
    return ax


def mask_patches(mask: Any, centre: np.ndarray, color: Any = "yellow") -> list[Any]:
    """Matplotlib patches outlining a 2D mask (a Mask or a mask dict) placed at ``centre``
    (combinations: each part; kinds without an outline give none).

    Raises
    ------
    BadProperty
        If a mask dict is not allowed.
    """
    patches = require("matplotlib.patches", "plot", "spatial plots")
    mask = as_mask(mask)
    kw = {"edgecolor": color, "facecolor": "none", "lw": 2}
    if isinstance(mask, Anchored):
        return mask_patches(mask.m, centre + mask.anchor, color)
    if isinstance(mask, Combined):
        return mask_patches(mask.a, centre, color) + mask_patches(mask.b, centre, color)
    if isinstance(mask, Ball):
        return [patches.Circle(tuple(centre[:2] + mask.center[:2]), mask.r, **kw)]
    if isinstance(mask, Ellipse):
        return [patches.Ellipse(tuple(centre[:2] + mask.center[:2]), mask.a, mask.b, angle=mask.az, **kw)]
    if isinstance(mask, Box):
        ll = centre[:2] + mask.ll[:2]
        w, h = mask.ur[:2] - mask.ll[:2]
        return [patches.Rectangle(tuple(ll), w, h, angle=mask.az, rotation_point=tuple(centre[:2] + mask.c[:2]),
                                  **kw)]
    return []
