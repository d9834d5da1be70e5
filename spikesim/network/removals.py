"""Where connections of an earlier table version are after connections were removed.

A SynapseCollection names connections by their position in a projection's table.
Removing connections moves the ones after them up, so a collection made before a
removal would name other connections; PyNEST's collections stay valid when other
connections are disconnected.  A :class:`RemovalLog` keeps, per table version that a
removal made, the positions removed, and maps positions of an earlier version to
today's (-1 where the connection itself was removed).  Additions are not mapped: a
collection made before connections were added is out of date.
"""

from __future__ import annotations

import numpy as np

from spikesim.errors import KernelException


class RemovalLog:
    """The positions each removal took out of one projection's table, by the version
    it made (``version``: the table's version counter after the removal)."""

    def __init__(self) -> None:
        self._gone: dict[int, np.ndarray] = {}
        self._maps: dict[int, tuple[int, np.ndarray]] = {}

    def log(self, version: int, gone: np.ndarray) -> None:
        """Note that the removal that made table version ``version`` took out ``gone``."""
        self._gone[version] = np.unique(np.asarray(gone, dtype=np.int64))

    def moved(self, pos: np.ndarray, since: int, version: int, length: int) -> np.ndarray:
        """Today's positions of the connections at ``pos`` in table version ``since``.

        Parameters
        ----------
        pos : ndarray of int
            Positions in version ``since`` (-1 entries stay -1).
        since, version : int
            The version ``pos`` refers to, and today's.
        length : int
            Connections in today's table.

        Returns
        -------
        ndarray of int
            Positions today, -1 for connections removed since.

        Raises
        ------
        KernelException
            If connections were added since (only removals are mapped).
        """
        if since == version:
            return pos
        at, m = self._maps.get(since, (since, None))
        steps = [self._gone.get(v) for v in range(at + 1, version + 1)]
        if any(g is None for g in steps):
            raise KernelException("this SynapseCollection is out of date: connections were added since it "
                                  "was made; call get_connections again")
        if m is None:
            m = np.arange(length + sum(g.size for g in steps if g is not None), dtype=np.int64)
        for gone in steps:
            assert gone is not None
            alive = np.flatnonzero(m >= 0)
            cur = m[alive]
            before = np.searchsorted(gone, cur)  # removed positions ahead of each one
            hit = (before < gone.size) & (gone[np.minimum(before, gone.size - 1)] == cur)
            m[alive] = np.where(hit, -1, cur - before)
        self._maps = {since: (version, m)}  # the collections of one version are mapped alike
        return np.where(pos >= 0, m[np.maximum(pos, 0)], -1)
