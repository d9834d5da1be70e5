"""Compact connection storage.

All connections of one synapse model that travel the same route (spikes, currents,
Poisson input, recording, sampling) form a :class:`Projection`, stored as a CSR
table ordered by source: ``ptr[src] .. ptr[src+1]`` index the connections of the
node with 0-based index ``src``.  Targets are int32 node indices; delays are steps
in the smallest integer type that holds them; weights and delays that are the same
for every connection are stored once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from spikesim.network.removals import RemovalLog
from spikesim.parallel import Communicator


def _counting_order(src: np.ndarray, n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Stable order of ``src`` by value, and the CSR row pointers (O(n), no sort)."""
    order = np.empty(src.shape[0], dtype=np.int32 if src.shape[0] < 2**31 else np.int64)
    return order, _fill_order(src, n_nodes, order)


@njit(cache=True)
def _row_pointers(src: np.ndarray, n_nodes: int) -> np.ndarray:
    """CSR row pointers of connections with 0-based sources ``src``."""
    ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    for s in src:
        ptr[s + 1] += 1
    for i in range(n_nodes):
        ptr[i + 1] += ptr[i]
    return ptr


@njit(cache=True)
def _fill_order(src: np.ndarray, n_nodes: int, order: np.ndarray) -> np.ndarray:
    """Write the stable order of ``src`` by value into ``order``; returns the row pointers."""
    ptr = _row_pointers(src, n_nodes)
    fill = ptr[:-1].copy()
    for c in range(src.shape[0]):
        s = src[c]
        order[fill[s]] = c
        fill[s] += 1
    return ptr


@njit(cache=True)
def _scatter_by_source(src: np.ndarray, tgt: np.ndarray, n_nodes: int, out: np.ndarray) -> np.ndarray:
    """Stable counting sort of ``tgt`` by ``src`` into ``out``; returns the row pointers."""
    ptr = _row_pointers(src, n_nodes)
    fill = ptr[:-1].copy()
    for c in range(src.shape[0]):
        s = src[c]
        out[fill[s]] = tgt[c]
        fill[s] += 1
    return ptr


@njit(cache=True)
def _copy_rows(old_ptr: np.ndarray, old_tgt: np.ndarray, new_ptr: np.ndarray, out: np.ndarray) -> None:
    """Copy each source's old targets to the start of its new row."""
    for s in range(old_ptr.shape[0] - 1):
        a = old_ptr[s]
        b = new_ptr[s]
        for c in range(old_ptr[s + 1] - a):
            out[b + c] = old_tgt[a + c]


@njit(cache=True)
def _scatter_into(src: np.ndarray, tgt: np.ndarray, fill: np.ndarray, out: np.ndarray) -> None:
    """Write 1-based (src, tgt) pairs into their rows in order."""
    for c in range(src.shape[0]):
        s = src[c] - 1
        out[fill[s]] = tgt[c] - 1
        fill[s] += 1


@njit(cache=True)
def _flush_bucket(b: int, cap: int, shift: int, fill: np.ndarray, out: np.ndarray, rows: np.ndarray,
                  vals: np.ndarray, used: np.ndarray) -> None:
    """Write bucket ``b``'s staged targets into their rows, in the order staged."""
    base = b << shift
    for j in range(b * cap, b * cap + used[b]):
        s = base + rows[j]
        out[fill[s]] = vals[j]
        fill[s] += 1
    used[b] = 0


@njit(cache=True)
def _stage_into(src: np.ndarray, tgt: np.ndarray, fill: np.ndarray, out: np.ndarray, shift: int,
                rows: np.ndarray, vals: np.ndarray, used: np.ndarray) -> None:
    """:func:`_scatter_into` through buckets of ``1 << shift`` sources: each pair waits
    in its bucket until the bucket is full, then the bucket's pairs are written (writes
    into the rows of one bucket at a time find their cache lines and pages at hand)."""
    cap = rows.shape[0] // used.shape[0]
    for c in range(src.shape[0]):
        s = src[c] - 1
        b = s >> shift
        j = b * cap + used[b]
        rows[j] = s - (b << shift)
        vals[j] = tgt[c] - 1
        used[b] += 1
        if used[b] == cap:
            _flush_bucket(b, cap, shift, fill, out, rows, vals, used)


@njit(cache=True)
def _flush_all(shift: int, fill: np.ndarray, out: np.ndarray, rows: np.ndarray, vals: np.ndarray,
               used: np.ndarray) -> None:
    cap = rows.shape[0] // used.shape[0]
    for b in range(used.shape[0]):
        _flush_bucket(b, cap, shift, fill, out, rows, vals, used)


class StagedScatter:
    """Pairs written into their CSR rows through per-bucket staging buffers.

    Writing each pair of a large call straight into its row touches a cache line (and,
    for a table of gigabytes, a page) per pair; staged, the pairs of ``2**shift``
    consecutive sources are written together, ``per_source`` of them per source on
    average.  The order within a source is the order of :meth:`add` (buckets hold
    disjoint sources), so the table is exactly what direct writes make.

    Parameters
    ----------
    n_nodes : int
        Sources are 0 .. n_nodes - 1 (the pairs given to :meth:`add` are 1-based).
    fill : np.ndarray of int64
        Next free position of every source's row (advanced as pairs are written).
    out : np.ndarray
        The targets of the table, written in place.
    shift : int
        log2 of the sources per bucket, at most 16.  32,768 by default: few buckets
        (31 at 10^6 nodes) keep the staging writes' open cache lines in L1, and one
        bucket's next free positions (256 kB) in L2; measured at 10^6 nodes, 1.25e9
        pairs: 13.8 ns per pair against 18.8 with 4,096 sources per bucket and 21.6
        written directly.
    per_source : int
        Staged pairs per source: the buffers hold ``per_source * n_nodes`` pairs
        (6 bytes each; 24 MB at 10^6 nodes).

    Raises
    ------
    ValueError
        If ``shift`` is not in 0 .. 16 or ``per_source`` is below 1.
    """

    def __init__(self, n_nodes: int, fill: np.ndarray, out: np.ndarray, shift: int = 15,
                 per_source: int = 4) -> None:
        if not 0 <= shift <= 16 or per_source < 1:
            raise ValueError(f"StagedScatter: shift = {shift}, per_source = {per_source}; shift must be in "
                             "0 .. 16 (a source's place in its bucket is a uint16) and per_source at least 1")
        n_buckets = max(1, -(-n_nodes // (1 << shift)))
        cap = per_source << shift
        self.shift, self.fill, self.out = shift, fill, out
        self.rows = np.empty(n_buckets * cap, dtype=np.uint16)  # a source's place in its bucket
        self.vals = np.empty(n_buckets * cap, dtype=out.dtype)
        self.used = np.zeros(n_buckets, dtype=np.int64)

    def add(self, src: np.ndarray, tgt: np.ndarray) -> None:
        """Stage (and write when a bucket fills) pairs of 1-based ``src`` and ``tgt`` ids."""
        _stage_into(src, tgt, self.fill, self.out, self.shift, self.rows, self.vals, self.used)

    def finish(self) -> None:
        """Write every pair still staged."""
        _flush_all(self.shift, self.fill, self.out, self.rows, self.vals, self.used)


@njit(cache=True)
def _first_other(per_node: np.ndarray, tgt: np.ndarray, first: int) -> int:
    """Position of the first target whose value is not ``first`` (-1: none)."""
    for c in range(tgt.shape[0]):
        if per_node[tgt[c]] != first:
            return c
    return -1


@njit(cache=True)
def count_sources(src: np.ndarray, counts: np.ndarray) -> None:
    """Add one to ``counts[s - 1]`` for every 1-based source ``s`` in ``src``.

    O(len(src)): the counting pass of a large call then costs the same per synapse
    at any network size (a bincount of every block would cost a pass over all nodes).
    """
    for c in range(src.shape[0]):
        counts[src[c] - 1] += 1


def index_dtype(n_nodes: int) -> type:
    """Smallest dtype of 0-based target indices in a network of ``n_nodes`` nodes.

    Spike delivery streams through the targets of every spike, so halving their size
    (uint16 up to 65,536 nodes) halves the memory traffic of the hottest loop."""
    return np.uint16 if n_nodes <= 1 << 16 else np.int32


def _smallest_int(values: np.ndarray) -> np.ndarray:
    hi = int(values.max()) if values.size else 0
    dt = np.int16 if hi < 2**15 else np.int32
    return values.astype(dt)


def _column(old: np.ndarray, n_old: int, new: np.ndarray | np.generic | float, n_new: int, dtype: type) -> np.ndarray:
    """Concatenate a stored column and new values; stays length 1 while homogeneous."""
    new = np.asarray(new, dtype=dtype)
    old_hom = (old.size == 1 and n_old != 1) or n_old == 0
    if new.ndim == 0 or (new.size == 1 and n_new != 1) or (new.size and np.all(new == new.flat[0])):
        v = new.reshape(-1)[:1]
        if n_old == 0 or (old_hom and old.size == 1 and old[0] == v[0]):
            return v.copy()
        new = np.broadcast_to(v, (n_new,))
    old_full = np.broadcast_to(old, (n_old,)) if old.size == 1 and n_old != 1 else old
    return np.concatenate([old_full.astype(dtype, copy=False), new])


class Projection:
    """Connections of one synapse model along one route, as a CSR table by source.

    Columns (``w``, ``d``, ``rcpt``) hold one value per connection, or a single value
    when all connections share it.  Sources are implied by ``ptr``.
    """

    #: up to this many nodes, add_counted writes pairs straight into their rows
    DIRECT_SOURCES = 1 << 13

    def __init__(self, synapse_model: str, route: str, n_nodes: int) -> None:
        self.synapse_model = synapse_model
        self.route = route
        self.ptr = np.zeros(n_nodes + 1, dtype=np.int64)
        self.tgt: np.ndarray = np.zeros(0, dtype=index_dtype(n_nodes))
        self.w: np.ndarray = np.zeros(1)
        self.d: np.ndarray = np.zeros(1, dtype=np.int16)
        self.rcpt = np.zeros(1, dtype=np.int8)
        #: extra per-connection float columns (plastic synapses: traces ...)
        self.extra: dict[str, np.ndarray] = {}
        self.version = 0
        #: distributed runs, plastic projections: connections of each source over all
        #: ranks, and each stored connection's position in its source's row over all
        #: ranks (so weight-recorder rows come out as one process orders them)
        self.gcount: np.ndarray | None = None
        self.gpos: np.ndarray | None = None
        #: what removals took out (so collections made before them stay valid)
        self.removals = RemovalLog()

    def __len__(self) -> int:
        return int(self.tgt.size)

    @property
    def src(self) -> np.ndarray:
        """0-based source index of every connection (derived from ``ptr``)."""
        n = self.ptr.size - 1
        return np.repeat(np.arange(n, dtype=np.int32), np.diff(self.ptr))

    def _full(self, col: np.ndarray) -> np.ndarray:
        return np.broadcast_to(col, self.tgt.shape) if col.size == 1 and self.tgt.size != 1 else col

    def weights(self) -> np.ndarray:
        """One weight per connection (a stored single value broadcast)."""
        return self._full(self.w)

    def delays(self) -> np.ndarray:
        """One delay per connection, in steps."""
        return self._full(self.d)

    def receptors(self) -> np.ndarray:
        """One receptor type per connection."""
        return self._full(self.rcpt)

    def resize_nodes(self, n_nodes: int) -> None:
        """Extend the row pointers to a network of ``n_nodes`` nodes."""
        if n_nodes + 1 > self.ptr.size:
            self.ptr = np.concatenate([self.ptr, np.full(n_nodes + 1 - self.ptr.size, self.ptr[-1])])

    def shared_target_value(self, per_node: np.ndarray, block: int = 1 << 22) -> int:
        """The value of ``per_node`` that every target shares, else -1.

        A block of targets at a time: a table of 10^9 connections needs no temporary
        of its size (nor a sort of one).

        Parameters
        ----------
        per_node : np.ndarray of int
            A value per node (index: 0-based node), e.g. the input mode of each node.
        block : int
            Targets looked at a time.

        Returns
        -------
        int
            The shared value, or -1 when the values differ or there is no connection.
        """
        if self.tgt.size == 0:
            return -1
        first = int(per_node[self.tgt[0]])
        for a in range(0, self.tgt.size, block):
            if _first_other(per_node, self.tgt[a:a + block], first) >= 0:
                return -1
        return first

    def global_positions(self, src: np.ndarray, n_nodes: int) -> np.ndarray:
        """Positions of new connections (0-based sources ``src``, all ranks' of one
        call, in creation order) in their sources' rows over all ranks; counts them."""
        if self.gcount is None:
            self.gcount = np.zeros(n_nodes, dtype=np.int64)
        if self.gcount.size < n_nodes:
            self.gcount = np.concatenate([self.gcount, np.zeros(n_nodes - self.gcount.size, dtype=np.int64)])
        order = np.argsort(src, kind="stable")
        sorted_src = src[order]
        first = np.searchsorted(sorted_src, sorted_src, side="left")
        pos = np.empty(src.size, dtype=np.int64)
        pos[order] = np.arange(src.size) - first + self.gcount[sorted_src]
        self.gcount += np.bincount(src, minlength=self.gcount.size)
        return pos

    def global_index(self, src: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Index that stored connections ``c`` (sources ``src``) have in a one-process run."""
        if self.gcount is None or self.gpos is None:
            return c
        gptr = np.concatenate([[0], np.cumsum(self.gcount)])
        out: np.ndarray = gptr[src] + self.gpos[c]
        return out

    def add(self, src: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray,
            rcpt: np.ndarray, n_nodes: int, extra: dict[str, np.ndarray] | None = None,
            gpos: np.ndarray | None = None) -> None:
        """Append connections (0-based node indices; delays in steps), keeping source order.

        Ordering by source is a counting sort (linear, stable): connections of one
        source stay in creation order.  ``gpos``: see :meth:`global_positions`.
        """
        self.resize_nodes(n_nodes)
        n_old, n_new = len(self), int(src.size)
        src = src.astype(np.int32, copy=False)
        tgt = tgt.astype(index_dtype(n_nodes), copy=False)
        all_src = np.concatenate([self.src, src]) if n_old else src
        all_tgt = np.concatenate([self.tgt, tgt]).astype(tgt.dtype, copy=False) if n_old else tgt
        w_all = _column(self.w, n_old, w, n_new, np.float64)
        d_all = _column(self.d, n_old, d, n_new, np.int64)
        r_all = _column(self.rcpt, n_old, rcpt, n_new, np.int8)
        extras = {k: _column(self.extra.get(k, np.zeros(1)), n_old, (extra or {}).get(k, 0.0), n_new, np.float64)
                  for k in set(self.extra) | set(extra or {})}
        n = n_old + n_new
        gpos_all = None if gpos is None else np.concatenate([self.gpos, gpos]) if self.gpos is not None else gpos
        full = [c for c in (w_all, d_all, r_all, *extras.values()) if not (c.size == 1 and n != 1)]
        full += [] if gpos_all is None else [gpos_all]
        if n_old == 0 and (n_new < 2 or bool(np.all(src[1:] >= src[:-1]))):
            order = None
            self.ptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n_nodes))]).astype(np.int64)
            self.tgt = all_tgt
        elif not full:
            # only the targets vary: scatter them straight into place, no order array
            self.tgt = np.empty_like(all_tgt)
            self.ptr = _scatter_by_source(all_src, all_tgt, n_nodes, self.tgt)
            order = None
        else:
            order, self.ptr = _counting_order(all_src, n_nodes)
            self.tgt = all_tgt[order]

        def take(col: np.ndarray) -> np.ndarray:
            return col if order is None or (col.size == 1 and n != 1) else col[order]

        self.w = take(w_all)
        self.d = _smallest_int(take(d_all))
        self.rcpt = take(r_all)
        self.extra = {k: take(v) for k, v in extras.items()}
        self.gpos = None if gpos_all is None else take(gpos_all)
        self.version += 1

    def add_counted(self, counts: np.ndarray, blocks: Any, w: float, d: int, rcpt: int, n_nodes: int) -> None:
        """Append connections given block by block (1-based ids), knowing the number per
        source in advance: targets are written straight into their final place, after the
        source's existing connections (creation order within a source)."""
        self.resize_nodes(n_nodes)
        n_old = len(self)
        old_sizes = np.diff(self.ptr)
        ptr = np.zeros(n_nodes + 1, dtype=np.int64)
        np.cumsum(old_sizes[:n_nodes] + counts, out=ptr[1:])
        out: np.ndarray = np.empty(int(ptr[-1]), dtype=index_dtype(n_nodes))
        _copy_rows(self.ptr, self.tgt, ptr, out)
        fill = ptr[:-1] + old_sizes[:n_nodes]
        # tables of thousands of sources: stage the writes (see StagedScatter)
        staged = StagedScatter(n_nodes, fill, out) if n_nodes > self.DIRECT_SOURCES else None
        for src, tgt in blocks:
            if staged is None:
                _scatter_into(src, tgt, fill, out)
            else:
                staged.add(src, tgt)
        if staged is not None:
            staged.finish()
        self.ptr, self.tgt = ptr, out
        self.w = _column(self.w, n_old, np.float64(w), int(counts.sum()), np.float64)
        self.d = _smallest_int(_column(self.d, n_old, np.int64(d), int(counts.sum()), np.int64))
        self.rcpt = _column(self.rcpt, n_old, np.int8(rcpt), int(counts.sum()), np.int8)
        self.version += 1

    def column(self, key: str) -> np.ndarray:
        """An extra column (plasticity parameters and state), one value per connection."""
        return self._full(self.extra[key])

    def materialize(self, *keys: str) -> None:
        """Give the named columns one entry per connection (they are about to change)."""
        for k in keys:
            col = self.w if k == "weight" else self.extra[k]
            if col.size == 1 and self.tgt.size != 1:
                full = np.full(self.tgt.size, col[0])
                if k == "weight":
                    self.w = full
                else:
                    self.extra[k] = full

    def remove(self, pos: np.ndarray) -> None:
        """Remove the connections at positions ``pos``; the others keep their order."""
        keep = np.ones(len(self), dtype=np.bool_)
        keep[pos] = False
        self.ptr = np.concatenate([[0], np.cumsum(keep)]).astype(np.int64)[self.ptr]

        def take(col: np.ndarray) -> np.ndarray:
            return col if col.size == 1 else col[keep]  # one value: shared by all (or the only one)
        self.w, self.d, self.rcpt = take(self.w), take(self.d), take(self.rcpt)
        self.extra = {k: take(v) for k, v in self.extra.items()}
        self.gpos = None if self.gpos is None else self.gpos[keep]
        self.tgt = self.tgt[keep]
        self.version += 1
        self.removals.log(self.version, pos)

    def moved(self, pos: np.ndarray, since: int) -> np.ndarray:
        """Today's positions of connections at ``pos`` in version ``since`` (-1: removed);
        see :class:`~spikesim.network.removals.RemovalLog` (raises if some were added)."""
        return self.removals.moved(pos, since, self.version, len(self))

    def set_weights(self, pos: np.ndarray, values: np.ndarray) -> None:
        """Set the weights of the connections at ``pos``."""
        w = np.array(self.weights(), dtype=np.float64)
        w[pos] = values
        self.w = w

    def set_delays(self, pos: np.ndarray, steps: np.ndarray) -> None:
        """Set the delays (steps) of the connections at ``pos``."""
        d = np.array(self.delays(), dtype=np.int64)
        d[pos] = steps
        self.d = _smallest_int(d)


def gathered(p: Projection, comm: Communicator) -> Projection:
    """All ranks' connections of ``p`` in one table (collective), for checkpoints.

    Within a source, plastic connections come in a one-process run's order; others
    by target, each rank's connections onto one target in their order (what the sums
    delivered depend on).

    Parameters
    ----------
    p : Projection
        This rank's part.
    comm : Communicator
        The ranks.

    Returns
    -------
    Projection
        Every rank's connections (the same on every rank).
    """
    n_nodes = p.ptr.size - 1
    src = p.src.astype(np.int64)
    tgt = p.tgt.astype(np.int64)
    key = p.global_index(src, np.arange(src.size)) if p.gpos is not None else tgt

    def every(col: np.ndarray) -> np.ndarray:
        return np.concatenate(comm.allgather(np.ascontiguousarray(col)))

    src_all, tgt_all, key_all = every(src), every(tgt), every(key)
    order = np.lexsort((key_all, src_all))
    out = Projection(p.synapse_model, p.route, n_nodes)
    # sorted: the dict's order comes from a set, whose order differs between processes
    extra = {k: every(np.asarray(p.column(k), dtype=np.float64))[order] for k in sorted(p.extra)}
    w = every(np.asarray(p.weights(), dtype=np.float64))[order]
    d = every(np.asarray(p.delays(), dtype=np.int64))[order]
    r = every(np.asarray(p.receptors(), dtype=np.int64))[order]
    out.add(src_all[order], tgt_all[order], w, d, r, n_nodes, extra or None)
    out.version = p.version
    return out
