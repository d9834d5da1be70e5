"""The engine's part of a distributed run: local blocks, the spike exchange, gathers.

Each rank updates a contiguous block of every neuron population (see
:func:`spikesim.parallel.block`) on contiguous copies of its state, and stores only the
connections onto its nodes.  Once per ``min_delay`` slice the ranks exchange the
spikes their neurons emitted (:func:`exchange_spikes`); merged in (step, id) order, the
list is the one a one-process run makes, so every rank delivers, archives and records
exactly what one process would, in the same order, and the sums in the ring buffers
are bit-identical for any number of processes and threads.  Samples of multimeters
(:func:`gather_samples`) and weight-recorder rows (:func:`gather_weight_rows`) are
gathered into a one-process run's order before the devices get them, so every rank's
devices hold all events; at the end of each run the neuron state blocks are gathered
(:func:`gather_state`) so that ``get``, ``set`` and checkpoints see the whole state on
every rank.  All functions here are collective.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit

from spikesim.parallel import Communicator, block

if TYPE_CHECKING:
    from spikesim.kernel.samplers import SamplerPlan
    from spikesim.network.node_table import NodeTable
    from spikesim.network.populations import NeuronPopulation
    from spikesim.network.projection import Projection

#: per updated population: (state, derived, ring base, sampled columns) of its local neurons
LocalArrays = tuple[np.ndarray, np.ndarray, int, "np.ndarray | None"]
#: per updated population: (population, index among all populations, kernel)
Update = tuple["NeuronPopulation", int, Any]


def local_arrays(comm: Communicator, nodes: NodeTable, updates: Sequence[Update],
                 samplers: Mapping[int, SamplerPlan]) -> list[LocalArrays]:
    """The arrays the neuron kernels update during a run on this rank.

    One process: the populations' own arrays (nothing is copied).  Several: contiguous
    copies of this rank's block, handed back by :func:`store_local`.

    Parameters
    ----------
    comm : Communicator
        The ranks.
    nodes : NodeTable
        Where each population's local block lies.
    updates : sequence
        (population, population index, kernel) of every neuron population.
    samplers : mapping
        Population index -> its sampler plan.
    """
    out: list[LocalArrays] = []
    for pop, pi, _ in updates:
        assert pop.D is not None
        plan = samplers.get(pi)
        cols = plan.rec_col if plan is not None else None
        if comm.size == 1:
            out.append((pop.S, pop.D, pop.first - 1, cols))
            continue
        lo, hi = nodes.local_range(pop)
        out.append((np.ascontiguousarray(pop.S[:, lo:hi]), np.ascontiguousarray(pop.D[:, lo:hi]),
                    pop.first - 1 + lo, None if cols is None else cols[lo:hi]))
    return out


def store_local(comm: Communicator, nodes: NodeTable, updates: Sequence[Update], local: Sequence[LocalArrays],
                gather: bool) -> None:
    """Copy the blocks of :func:`local_arrays` back; with ``gather``, all ranks' blocks.

    Parameters
    ----------
    comm, nodes, updates
        As for :func:`local_arrays`.
    local : sequence
        What :func:`local_arrays` returned, updated by the run.
    gather : bool
        Whether to gather every rank's blocks (collective: only when no rank failed).
    """
    if comm.size == 1:
        return
    for (pop, _, _), (S_loc, _, _, _) in zip(updates, local, strict=True):
        lo, hi = nodes.local_range(pop)
        pop.S[:, lo:hi] = S_loc
    if gather:
        gather_state(comm, [u[0] for u in updates], [loc[0] for loc in local])


def exchange_slice(comm: Communicator, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n_gen: int,
                   s0: int, n_nodes: int, emit_at: float, meanwhile: Callable[[], None] | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The slice's spike list of a one-process run, and whether to hand over now.

    Parameters
    ----------
    comm : Communicator
        The ranks.
    ids, steps, mult : ndarray
        This rank's list: the ``n_gen`` spikes of spike generators (known on every
        rank, so not exchanged), then this rank's neurons' spikes in (step, id) order.
    n_gen : int
        Spike generators' spikes at the start of the list.
    s0 : int
        First step of the slice.
    n_nodes : int
        Nodes in the network.
    emit_at : float
        Monotonic time (s) from which this rank wants the recorded data handed over;
        the ranks decide together (a hand-over gathers samples, a collective call).
    meanwhile : callable or None
        Work done while the spikes travel (no collective call in it).

    Returns
    -------
    ids, steps, mult : ndarray
        The generators' spikes, then all ranks' neurons' spikes in (step, id) order.
    emit : bool
        Whether some rank wants the recorded data handed over now.
    """
    i, s, mu, emit = exchange_spikes(comm, ids[n_gen:], steps[n_gen:], mult[n_gen:], s0, n_nodes,
                                     time.monotonic() >= emit_at, meanwhile)
    if n_gen:
        i, s, mu = np.concatenate([ids[:n_gen], i]), np.concatenate([steps[:n_gen], s]), \
            np.concatenate([mult[:n_gen], mu])
    return i, s, mu, emit


def exchange_spikes(comm: Communicator, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, s0: int,
                    n_nodes: int, flag: bool, meanwhile: Callable[[], None] | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Every rank's spikes of the slice from ``s0``, merged in (step, id) order.

    Each spike is packed into one int64 key ``(step - s0) * n_nodes + id`` (so sorting
    the keys gives the serial order) and its multiplicity; one variable-size allgather
    carries them with a flag per rank.

    Parameters
    ----------
    comm : Communicator
        The ranks.
    ids, steps, mult : ndarray
        This rank's neurons' spikes: 0-based ids, emission steps, multiplicities.
    s0 : int
        First step of the slice.
    n_nodes : int
        Nodes in the network.
    flag : bool
        This rank's vote (e.g. "hand the recorded data over now").
    meanwhile : callable or None
        Work done after the gather has begun and before it is waited for.

    Returns
    -------
    ids, steps, mult : ndarray
        All ranks' spikes in (step, id) order.
    any_flag : bool
        Whether some rank voted yes (the same on every rank).
    """
    keys = (steps - s0) * n_nodes + ids
    packed = np.concatenate([[int(flag)], keys, mult.astype(np.int64)])
    t0 = time.perf_counter()
    finish = comm.allgather_start(packed)
    if meanwhile is not None:
        t1 = time.perf_counter()
        meanwhile()
        t0 += time.perf_counter() - t1  # the exchange's cost is what the work did not hide
    parts = finish()
    comm.stats.seconds += time.perf_counter() - t0
    comm.stats.slices += 1
    comm.stats.bytes += packed.nbytes
    offs = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([p.size for p in parts], out=offs[1:])
    out_ids, out_steps, out_mult, any_flag = _merged(np.concatenate(parts), offs, n_nodes, s0)
    return out_ids, out_steps, out_mult, bool(any_flag)


@njit(cache=True, nogil=True)
def _merged(flat: np.ndarray, offs: np.ndarray, n_nodes: int, s0: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The ranks' packed lists (``flat[offs[r]:offs[r + 1]]`` is rank ``r``'s ``[flag,
    keys..., multiplicities...]``) merged in key order: ids, steps, multiplicities and
    whether some rank's flag is set."""
    total = 0
    flag = False
    for r in range(offs.size - 1):
        total += (offs[r + 1] - offs[r] - 1) // 2
        flag = flag or flat[offs[r]] != 0
    keys = np.empty(total, dtype=np.int64)
    mult = np.empty(total, dtype=np.int64)
    k = 0
    for r in range(offs.size - 1):
        n = (offs[r + 1] - offs[r] - 1) // 2
        keys[k:k + n] = flat[offs[r] + 1:offs[r] + 1 + n]
        mult[k:k + n] = flat[offs[r] + 1 + n:offs[r + 1]]
        k += n
    order = np.argsort(keys, kind="mergesort")  # keys are unique: any sort gives one order
    ids = np.empty(total, dtype=np.int64)
    steps = np.empty(total, dtype=np.int64)
    mu = np.empty(total, dtype=np.float64)
    for j in range(total):
        key = keys[order[j]]
        steps[j] = key // n_nodes + s0
        ids[j] = key - (key // n_nodes) * n_nodes
        mu[j] = mult[order[j]]
    return ids, steps, mu, flag


def gather_samples(comm: Communicator, plans: Mapping[int, SamplerPlan],
                   pops: Mapping[int, NeuronPopulation]) -> None:
    """Fill every plan's buffered samples with all ranks' columns (in place).

    A plan's columns are its sampled neurons in id order, so a rank's neurons (a
    contiguous block) own a contiguous run of columns.

    Parameters
    ----------
    comm : Communicator
        The ranks.
    plans : mapping
        Population index -> its sampler plan (the same on every rank).
    pops : mapping
        Population index -> the population.
    """
    for pi, plan in plans.items():
        f = plan.fill
        if f == 0 or plan.source is not None:  # generators' values: computed on every rank
            continue
        runs = [np.searchsorted(plan.cols, block(pops[pi].n, r, comm.size)) for r in range(comm.size)]
        a, b = runs[comm.rank]
        parts = comm.allgather(np.ascontiguousarray(plan.out[:f, :, a:b]).ravel())
        for (ra, rb), part in zip(runs, parts, strict=True):
            plan.out[:f, :, ra:rb] = part.reshape(f, plan.out.shape[1], rb - ra)


def gather_weight_rows(comm: Communicator, proj: Projection, rows: np.ndarray) -> np.ndarray:
    """All ranks' weight-recorder rows of one projection and slice, in serial order.

    Parameters
    ----------
    comm : Communicator
        The ranks.
    proj : Projection
        The plastic projection (knows where its connections sit in a one-process run).
    rows : ndarray
        This rank's rows ``(sender, target, stamp, weight, receptor, local connection)``.

    Returns
    -------
    ndarray
        Every rank's rows with the connection index of a one-process run, ordered by
        (stamp, sender, connection) as one process writes them.
    """
    rows = rows.copy()
    if rows.shape[0]:
        rows[:, 5] = proj.global_index(rows[:, 0].astype(np.int64) - 1, rows[:, 5].astype(np.int64))
    allrows = np.concatenate(comm.allgather(rows.ravel())).reshape(-1, 6)
    order = np.lexsort((allrows[:, 5], allrows[:, 0], allrows[:, 2]))
    out: np.ndarray = allrows[order]
    return out


def gather_state(comm: Communicator, pops: Sequence[NeuronPopulation], local: Sequence[np.ndarray]) -> None:
    """Write every rank's state block into every rank's full state arrays.

    Parameters
    ----------
    comm : Communicator
        The ranks.
    pops : sequence of NeuronPopulation
        The neuron populations (the same on every rank).
    local : sequence of ndarray
        This rank's block of each population's state, ``(rows, hi - lo)``.
    """
    for pop, S_loc in zip(pops, local, strict=True):
        parts = comm.allgather(np.ascontiguousarray(S_loc).ravel())
        for r, part in enumerate(parts):
            lo, hi = block(pop.n, r, comm.size)
            pop.S[:, lo:hi] = part.reshape(pop.S.shape[0], hi - lo)


def gather_ring(comm: Communicator, nodes: NodeTable, ring: np.ndarray) -> np.ndarray:
    """The ring buffer with every rank's columns (its nodes' input in transit), for checkpoints.

    Parameters
    ----------
    comm : Communicator
        The ranks.
    nodes : NodeTable
        Which nodes live on which rank.
    ring : ndarray
        ``ring[channel, slot, node]``; only this rank's nodes' columns are meaningful.

    Returns
    -------
    ndarray
        A new ring, each node's column from its rank (the same on every rank).
    """
    out = ring.copy()
    parts = comm.allgather(np.ascontiguousarray(ring[:, :, nodes.local_mask()]).ravel())
    for r, part in enumerate(parts):
        mask = nodes.local_mask(r)
        out[:, :, mask] = part.reshape(ring.shape[0], ring.shape[1], int(mask.sum()))
    return out


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
    spikes = [int(p.d.max()) for (_, r), p in projections.items() if r == "spike" and len(p)]
    gens = [int(p.d.min()) for (_, r), p in projections.items() if r in ("current", "poisson") and len(p)]
    return bool(gens) and max(spikes, default=0) <= min(gens)
