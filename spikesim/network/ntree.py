"""NEST's position tree: which pool nodes a mask placed at an anchor selects.

NEST looks candidates up in a tree of boxes (quadrants in 2D, octants in 3D; a box is
split when more than 100 nodes fall in it, at most 10 levels deep).  A box wholly
inside the mask gives all its nodes, a box outside the mask's bounding box none, and
only the nodes of the remaining leaves are tested one by one.  On a grid many nodes
sit exactly on a mask's edge, where the box tests and the node test can round
differently; selecting as NEST does makes such connections exactly NEST's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from spikesim.network.masks import Mask

#: NEST's tree parameters: nodes a leaf holds before it splits, and the deepest level
CAPACITY, DEPTH = 100, 10


@dataclass
class Tree:
    """A box (``lower_left``, ``extent``) holding the pool rows ``rows``; split into
    ``2**dim`` children when it holds more than :data:`CAPACITY` nodes."""

    lower_left: np.ndarray
    extent: np.ndarray
    rows: np.ndarray
    children: list[Tree] = field(default_factory=list)

    @classmethod
    def build(cls, pos: np.ndarray, lower_left: np.ndarray, extent: np.ndarray, rows: np.ndarray | None = None,
              depth: int = 0) -> Tree:
        """The tree of positions ``pos`` (rows ``rows``, default all) in the box given."""
        rows = np.arange(pos.shape[0]) if rows is None else rows
        node = cls(lower_left, extent, rows)
        if rows.size > CAPACITY and depth < DEPTH:
            dim = pos.shape[1]
            # NEST's side test, with its tolerance of one epsilon towards the lower half
            right = ((lower_left + extent / 2) - pos[rows]) <= -np.finfo(float).eps
            quad = (right * (1 << np.arange(dim))).sum(axis=1)
            for j in range(1 << dim):
                off = np.array([(j >> i) & 1 for i in range(dim)], dtype=float)
                node.children.append(cls.build(pos, lower_left + extent * 0.5 * off, extent * 0.5,
                                               rows[quad == j], depth + 1))
        return node

    def select(self, mask: Mask, pos: np.ndarray, anchors: np.ndarray, out: np.ndarray,
               active: np.ndarray | None = None) -> None:
        """Set ``out[a, r]`` where the mask placed at ``anchors[a]`` selects pool row ``r``.

        Parameters
        ----------
        mask : Mask
            The mask (displacements from the anchor).
        pos : np.ndarray
            ``(n, dim)`` pool positions.
        anchors : np.ndarray
            ``(m, dim)`` anchors.
        out : np.ndarray
            ``(m, n)`` bool, updated in place.
        active : np.ndarray, optional
            Anchor rows still undecided for this box (default: all; the root then tests
            "outside" first, as NEST does).
        """
        root = active is None
        act = np.arange(anchors.shape[0]) if active is None else active
        if act.size == 0 or self.rows.size == 0:
            return
        lo = self.lower_left - anchors[act]
        hi = lo + self.extent
        if root:
            gone = mask.outside_box(lo, hi)
            full = ~gone & mask.inside_box(lo, hi)
        else:
            full = mask.inside_box(lo, hi)
            gone = ~full & mask.outside_box(lo, hi)
        if full.any():
            out[np.ix_(act[full], self.rows)] = True
        rest = act[~full & ~gone]
        if rest.size == 0:
            return
        if not self.children:
            d = pos[self.rows][None, :, :] - anchors[rest][:, None, :]
            hit = mask.inside(d.reshape(-1, pos.shape[1])).reshape(rest.size, self.rows.size)
            out[np.ix_(rest, self.rows)] |= hit
            return
        for child in self.children:
            child.select(mask, pos, anchors, out, rest)
