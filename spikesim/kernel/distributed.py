"""The engine's part of a distributed run: local blocks and gathers.

Each rank updates a contiguous block of every neuron population (see
:func:`spikesim.parallel.block`) on contiguous copies of its state, and stores only the
connections onto its nodes.  Once per slice the ranks exchange the spikes their
neurons emitted (:mod:`spikesim.kernel.exchange`), so every rank delivers, archives
and records exactly what one process would, in the same order.  Samples of multimeters
(:func:`gather_samples`) and weight-recorder rows (:func:`gather_weight_rows`) are
gathered into a one-process run's order before the devices get them, so every rank's
devices hold all events; at the end of each run the neuron state blocks are gathered
(:func:`gather_state`) so that ``get``, ``set`` and checkpoints see the whole state on
every rank.  All functions here are collective.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

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
