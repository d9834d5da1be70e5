"""The spike exchange between ranks, once per slice, and the work that may go on meanwhile.

Each rank packs the spikes its neurons emitted in a slice into int64 keys whose order
is the one-process (step, id) order (:func:`exchange_spikes`); merged, the list is the
one a one-process run makes, so every rank delivers, archives and records exactly what
one process would, in the same order, and every sum in the ring buffers is
bit-identical for any number of processes and threads.

While the spikes travel, a rank lets the generators send the next slice's input, where
that provably leaves every ring cell's additions in the one-process order
(:func:`generators_ahead`).  Overlapping the exchange with the next slice's update
(slices of half of ``min_delay``, each slice's spikes delivered one slice later) was
built and measured on this project's 2-core machine: it did not pay (Brunel order
2500, 2 processes, six alternating pairs: 0.71-0.86 s with it, 0.57-0.75 s without),
because MPICH advances a non-blocking collective only inside MPI calls, so it was
removed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from spikesim.parallel import Communicator

if TYPE_CHECKING:
    from spikesim.network.projection import Projection

#: a slice's spike list: 0-based ids, emission steps, multiplicities, in (step, id) order
SpikeList = tuple[np.ndarray, np.ndarray, np.ndarray]


def exchange_spikes(comm: Communicator, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n_gen: int, s0: int,
                    flag: bool, meanwhile: Callable[[], None] | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Every rank's spikes of the slice from ``s0``, merged in (step, id) order.

    Each spike is packed into one int64 key ``(step - s0) << 32 | id`` (so sorting
    the keys gives the serial order) and its multiplicity; one variable-size allgather
    carries them with a flag per rank.

    Parameters
    ----------
    comm : Communicator
        The ranks.
    ids, steps, mult : ndarray
        This rank's list: the ``n_gen`` spike generators' spikes (known on every rank,
        so not sent), then its neurons' spikes (0-based ids, emission steps,
        multiplicities) in (step, id) order.
    n_gen : int
        Spike generators' spikes at the start of the list.
    s0 : int
        First step of the slice.
    flag : bool
        This rank's vote (e.g. "hand the recorded data over now").
    meanwhile : callable or None
        Work done after the gather has begun and before it is waited for.

    Returns
    -------
    ids, steps, mult : ndarray
        All ranks' spikes, the generators' merged in, in (step, id) order.
    any_flag : bool
        Whether some rank voted yes (the same on every rank).
    """
    flight = InFlight.start(comm, ids, steps, mult, n_gen, s0, flag)
    if meanwhile is not None:
        meanwhile()
    (ids, steps, mult), any_flag = flight.finish(comm)
    return ids, steps, mult, any_flag


@dataclass
class InFlight:
    """One slice's spikes on their way between ranks (:meth:`start`, then :meth:`finish`).

    ``finisher`` completes the gather; ``gen`` holds the spike generators' spikes of
    the slice (known on every rank, so not exchanged); ``s0`` is the slice's first step.
    """

    finisher: Callable[[], list[np.ndarray]]
    gen: SpikeList
    s0: int
    nbytes: int

    @classmethod
    def start(cls, comm: Communicator, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n_gen: int, s0: int,
              flag: bool) -> InFlight:
        """Begin the exchange of a slice's list: the ``n_gen`` spike generators' spikes
        first, then this rank's neurons' spikes in (step, id) order (the arrays may be
        reused once this returns)."""
        packed = _pack(ids, steps, mult, n_gen, s0, flag)
        gen = (ids[:n_gen].copy(), steps[:n_gen].copy(), mult[:n_gen].copy())
        return cls(comm.allgather_start(packed), gen, s0, packed.nbytes)

    def finish(self, comm: Communicator) -> tuple[SpikeList, bool]:
        """Wait for the other ranks; the slice's whole list in (step, id) order (spike
        generators' spikes merged in) and whether some rank's flag was set.  The wait
        counts as the exchange's time in ``comm.stats``."""
        t0 = time.perf_counter()
        parts = self.finisher()
        comm.stats.seconds += time.perf_counter() - t0
        comm.stats.slices += 1
        comm.stats.bytes += self.nbytes
        offs = np.array([0, *accumulate(p.size for p in parts)], dtype=np.int64)
        ids, steps, mult, flag = _merged(np.concatenate(parts), offs, self.s0)
        gi, gs, gm = self.gen
        if gi.size:  # generators' spikes come first: restore (step, id) order
            ids, steps, mult = np.concatenate([gi, ids]), np.concatenate([gs, steps]), np.concatenate([gm, mult])
            if ids.size > 1:
                order = np.lexsort((ids, steps))
                ids, steps, mult = ids[order], steps[order], mult[order]
        return (ids, steps, mult), bool(flag)


@njit(cache=True, nogil=True)
def _pack(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n_gen: int, s0: int, flag: bool) -> np.ndarray:
    """``[flag, keys..., multiplicities...]`` of the list's neurons' spikes (after the
    ``n_gen`` generators' ones), key ``(step - s0) << ID_BITS | id``."""
    n = ids.shape[0] - n_gen
    out = np.empty(1 + 2 * n, dtype=np.int64)
    out[0] = 1 if flag else 0
    for j in range(n):
        out[1 + j] = ((steps[n_gen + j] - s0) << ID_BITS) | ids[n_gen + j]
        out[1 + n + j] = np.int64(mult[n_gen + j])
    return out


#: bits of a key that hold the node id (below them: the step in the slice)
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1

#: ranks up to which lists are merged run by run (each rank's keys ascend); beyond, sorted
MERGE_RANKS = 16


@njit(cache=True, nogil=True)
def _merged(flat: np.ndarray, offs: np.ndarray, s0: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The ranks' packed lists (``flat[offs[r]:offs[r + 1]]`` is rank ``r``'s ``[flag,
    keys..., multiplicities...]``, keys ascending) merged in key order: ids, steps,
    multiplicities and whether some rank's flag is set."""
    ranks = offs.size - 1
    head = np.empty(ranks, dtype=np.int64)
    end = np.empty(ranks, dtype=np.int64)
    total = 0
    flag = False
    for r in range(ranks):
        n = (offs[r + 1] - offs[r] - 1) // 2
        head[r] = offs[r] + 1
        end[r] = offs[r] + 1 + n
        total += n
        flag = flag or flat[offs[r]] != 0
    ids = np.empty(total, dtype=np.int64)
    steps = np.empty(total, dtype=np.int64)
    mu = np.empty(total, dtype=np.float64)
    if ranks > MERGE_RANKS:  # keys are unique: any sort gives one order
        pos = np.empty(total, dtype=np.int64)
        k = 0
        for r in range(ranks):
            for q in range(head[r], end[r]):
                pos[k] = q
                k += 1
        keys = np.empty(total, dtype=np.int64)
        for j in range(total):
            keys[j] = flat[pos[j]]
        order = pos[np.argsort(keys)]
    for j in range(total):
        if ranks > MERGE_RANKS:
            q = order[j]
            r = np.searchsorted(offs, q, side="right") - 1
        else:
            r = -1
            for x in range(ranks):  # the rank whose next key is smallest
                if head[x] < end[x] and (r < 0 or flat[head[x]] < flat[head[r]]):
                    r = x
            q = head[r]
            head[r] += 1
        key = flat[q]
        steps[j] = (key >> ID_BITS) + s0
        ids[j] = key & ID_MASK
        mu[j] = flat[q + (end[r] - offs[r] - 1)]  # the multiplicity, n entries after the key
    return ids, steps, mu, flag


def _delays(projections: Mapping[tuple[str, str], Projection], route: str, largest: bool) -> list[int]:
    """Largest (or smallest) delay (steps) of each non-empty projection of a route."""
    return [int(p.d.max() if largest else p.d.min()) for (_, r), p in projections.items() if r == route and len(p)]


def generators_ahead(comm: Communicator, projections: Mapping[tuple[str, str], Projection]) -> bool:
    """Whether generators may send the next slice's input while this slice's spikes
    are exchanged between ranks (only under MPI: there is nothing to wait for otherwise).

    Only when no cell of the ring can get both: the spikes of a slice land at most
    ``dmax`` steps after it, the next slice's generator input at least ``dgen`` steps
    after that slice, so ``dmax <= dgen`` keeps them apart and every cell's additions
    stay in the one-process order (generator input, then spikes, both sent before the
    slice that reads them).  A rank decides for its own targets.
    """
    if comm.size == 1:
        return False
    gens = _delays(projections, "current", False) + _delays(projections, "poisson", False)
    return bool(gens) and max(_delays(projections, "spike", True), default=0) <= min(gens)
