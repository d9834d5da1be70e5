"""Removing connections: NEST's ``Disconnect`` of node pairs and of SynapseCollections.

A disconnection is checked whole before anything is removed, so an error (a pair
with no connection of the model) leaves every connection in place.  Removing keeps
the survivors' order, so the sums the engine delivers keep their order of additions
and a run stays independent of threads and processes; under MPI every call is
collective and each rank removes the connections it stores (those onto its nodes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numba import njit

from spikesim.errors import DimensionMismatch, InexistentConnection, NotImplementedFeature
from spikesim.network.arguments import node_ids

if TYPE_CHECKING:
    from spikesim.models.registry import ModelRegistry
    from spikesim.network.node_table import NodeTable
    from spikesim.network.projection import Projection
    from spikesim.parallel import Communicator


class ConnectionStore(Protocol):
    """What a disconnection needs of a simulator's connections (the Connector)."""

    projections: dict[tuple[str, str], Projection]
    nodes: NodeTable
    models: ModelRegistry

    def changed(self, delays: bool = False) -> None:
        """Note a change of connections."""


#: the disconnection rules NEST has
RULES = ("one_to_one", "all_to_all")


def disconnect(store: ConnectionStore, pre: Any, post: Any = None, rule: str = "one_to_one",
               synapse_model: str = "static_synapse") -> int:
    """Remove connections; returns how many this rank removed.

    Either the connections of a SynapseCollection ``pre`` (``post`` None), or the
    first connection of ``synapse_model`` of each pair that ``rule`` makes of the
    nodes ``pre`` and ``post`` (:func:`pairs`).  Everything is checked before anything
    is removed.

    Raises
    ------
    InexistentConnection
        If a pair has no such connection.
    DimensionMismatch, NotImplementedFeature
        See :func:`pairs`.
    UnknownModelName
        If ``synapse_model`` is no synapse model.
    KernelException
        If the SynapseCollection is out of date.
    """
    comm = store.nodes.comm
    if post is None:
        parts = pre.positions()
        if any(bool((pos < 0).any()) for _, pos in parts):
            raise InexistentConnection("Disconnect: some connections of this SynapseCollection were removed "
                                       "already; nothing was removed")
    else:
        store.models.synapse_model(synapse_model, "Disconnect")
        src, tgt = pairs(node_ids(store.nodes, pre, "pre"), node_ids(store.nodes, post, "post"), rule)
        parts = find(store, src, tgt, synapse_model, store.nodes.local_mask(), comm)
    return remove(store, parts, comm)


def pairs(src: np.ndarray, tgt: np.ndarray, rule: str) -> tuple[np.ndarray, np.ndarray]:
    """The (source, target) id pairs a disconnection rule names.

    Parameters
    ----------
    src, tgt : ndarray of int
        Node ids (1-based) of the two sides.
    rule : str
        ``"one_to_one"`` (``src[i]`` with ``tgt[i]``) or ``"all_to_all"``.

    Raises
    ------
    DimensionMismatch
        If ``one_to_one`` sides differ in length.
    NotImplementedFeature
        If ``rule`` is another rule (NEST removes only by these two).
    """
    if rule == "one_to_one":
        if src.size != tgt.size:
            raise DimensionMismatch(f"Disconnect: rule one_to_one needs sources and targets of the same "
                                    f"size, not {src.size} and {tgt.size}")
        return src, tgt
    if rule == "all_to_all":
        return np.repeat(src, tgt.size), np.tile(tgt, src.size)
    raise NotImplementedFeature(f"Disconnect: rule {rule!r} is not implemented; the rules are {list(RULES)}")


def find(store: ConnectionStore, src: np.ndarray, tgt: np.ndarray, synapse_model: str, local: np.ndarray,
         comm: Communicator) -> list[tuple[Projection, np.ndarray]]:
    """Of each pair, the first connection of ``synapse_model`` (spike and current
    routes), among those this rank stores: positions by projection.

    Parameters
    ----------
    store : ConnectionStore
        The connections.
    src, tgt : ndarray of int
        Pairs of node ids (1-based).
    synapse_model : str
        The model of the connections to remove.
    local : ndarray of bool
        Per node (0-based): whether this rank stores the connections onto it.
    comm : Communicator
        The processes (a missing pair is an error on every rank).

    Raises
    ------
    InexistentConnection
        If some pair has no such connection (then nothing is removed).
    """
    s0, t0 = np.asarray(src, dtype=np.int64) - 1, np.asarray(tgt, dtype=np.int64) - 1
    mine = local[t0]
    found = np.zeros(s0.size, dtype=np.bool_)
    out: list[tuple[Projection, np.ndarray]] = []
    for (name, route), p in sorted(store.projections.items()):
        if name != synapse_model or route not in ("spike", "current") or len(p) == 0:
            continue
        pos = _first_of_pairs(p.ptr, p.tgt.astype(np.int64), s0, t0, mine & ~found)
        hit = pos >= 0
        found |= hit
        if hit.any():
            out.append((p, np.unique(pos[hit])))
    missing = int((mine & ~found).sum()) + _duplicates(s0[mine], t0[mine])
    if comm.size > 1:
        missing = int(comm.allreduce(float(missing), "sum"))
    if missing:
        raise InexistentConnection(f"Disconnect: {missing} of the {s0.size} (source, target) pairs have no "
                                   f"{synapse_model} connection to remove (or name one connection twice); "
                                   "nothing was removed")
    return out


def _duplicates(s0: np.ndarray, t0: np.ndarray) -> int:
    """Pairs named more than once (each would need a connection of its own)."""
    if s0.size < 2:
        return 0
    return int(s0.size - np.unique(np.stack([s0, t0]), axis=1).shape[1])


@njit(cache=True)
def _first_of_pairs(ptr: np.ndarray, tgt: np.ndarray, s0: np.ndarray, t0: np.ndarray,
                    wanted: np.ndarray) -> np.ndarray:
    """Position of the first connection from ``s0[i]`` onto ``t0[i]`` (-1: none or not wanted)."""
    out = np.full(s0.size, -1, dtype=np.int64)
    for i in range(s0.size):
        if not wanted[i] or s0[i] + 1 >= ptr.size:
            continue
        for c in range(ptr[s0[i]], ptr[s0[i] + 1]):
            if tgt[c] == t0[i]:
                out[i] = c
                break
    return out


def remove(store: ConnectionStore, parts: list[tuple[Projection, np.ndarray]], comm: Communicator) -> int:
    """Remove the connections at ``parts`` (positions by projection); returns how many.

    Parameters
    ----------
    store : ConnectionStore
        The connections (told of the change).
    parts : list of (Projection, ndarray)
        Positions to remove in each projection (this rank's).
    comm : Communicator
        The processes: plastic projections renumber their connections' places over
        all ranks (collective: every rank calls this with its own parts).
    """
    by_proj = {id(p): pos for p, pos in parts}
    n = 0
    for _, p in sorted(store.projections.items()):
        pos = by_proj.get(id(p), np.zeros(0, dtype=np.int64))
        if comm.size > 1:
            _renumber(p, pos, comm)
        if pos.size:
            p.remove(pos)
            n += int(pos.size)
    store.changed(delays=True)
    return n


def _renumber(p: Projection, pos: np.ndarray, comm: Communicator) -> None:
    """Places over all ranks (``gpos``, ``gcount``) once ``pos`` and the other ranks'
    removed connections are gone: each survivor moves up by the removed ones before
    it in its source's row."""
    if p.gcount is None or p.gpos is None:
        return
    gone_src = np.concatenate(comm.allgather(p.src[pos].astype(np.int64)))
    gone_pos = np.concatenate(comm.allgather(np.asarray(p.gpos[pos], dtype=np.int64)))
    p.gcount -= np.bincount(gone_src, minlength=p.gcount.size)[:p.gcount.size]
    if gone_src.size == 0:
        return
    key_gone = np.sort(gone_src * (1 << 32) + gone_pos)
    own_src = p.src.astype(np.int64)
    key_own = own_src * (1 << 32) + p.gpos
    before = np.searchsorted(key_gone, key_own) - np.searchsorted(key_gone, own_src * (1 << 32))
    p.gpos = p.gpos - before
