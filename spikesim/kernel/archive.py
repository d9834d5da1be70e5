"""Postsynaptic spike history for spike-timing-dependent plasticity.

Neurons that are targets of plastic synapses keep every spike they emit, with the
value of their traces ``K-`` and ``K-_triplet`` just after it (NEST's ArchivingNode):
``K- <- K- exp((t_last - t) / tau_minus) + 1`` and the same with ``tau_minus_triplet``
(the second trace of ``stdp_triplet_synapse``).  The history is an append-only log
shared by all neurons, linked per neuron in both directions so a synapse can find
the spikes of its target inside a time window by walking from the newest one.

The log is compacted before it would grow (:meth:`PostArchive.record` with a
``cutoffs`` function): a plastic connection with last spike ``t_last`` and dendritic
delay ``d`` reads its target's spikes after ``t_last - d`` and, for the trace, the
newest one before, so for each neuron the spikes before the smallest ``t_last - d`` of
its plastic inputs, except the newest of them, can never be read again and are
dropped.  Every existing connection reads what it read before, so results do not
change; memory stays bounded in long runs (NEST's archiving node forgets, for the same
reason, spikes every synapse has read).  A plastic connection made later onto a neuron
starts from the spikes that are left (as in NEST, whose new synapses see what its
history still holds); a neuron whose plastic input never fires keeps all its spikes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numba import njit

#: log entries below which it is never compacted (only grown)
COMPACT_FROM = 1 << 16
#: room for log entries of a new archive
FIRST_CAPACITY = 1024


class PostArchive:
    """Spike log and traces of the neurons that have plastic input.

    Spike times in the log are stamps in ms; ``prev``/``next`` link each entry to the
    same neuron's previous and next spike (-1: none), ``last_idx`` is its newest entry.

    Parameters
    ----------
    n_nodes : int
        Number of nodes (``on`` says which of them keep a history).
    """

    def __init__(self, n_nodes: int) -> None:
        self.on = np.zeros(n_nodes, dtype=np.bool_)
        self.kminus = np.zeros(n_nodes)
        self.last_spike = np.full(n_nodes, -1.0)
        self.last_idx = np.full(n_nodes, -1, dtype=np.int64)
        self.tau_inv = np.full(n_nodes, 1.0 / 20.0)
        self.ktriplet = np.zeros(n_nodes)
        self.tau_triplet_inv = np.full(n_nodes, 1.0 / 110.0)
        self.t = np.zeros(FIRST_CAPACITY)
        self.k = np.zeros(FIRST_CAPACITY)
        self.kt = np.zeros(FIRST_CAPACITY)
        self.prev = np.zeros(FIRST_CAPACITY, dtype=np.int64)
        self.next = np.zeros(FIRST_CAPACITY, dtype=np.int64)
        self.length = 0
        #: entries dropped by :meth:`compact` since this archive was made (a diagnostic)
        self.dropped = 0

    def resize(self, n_nodes: int) -> None:
        """Make room for ``n_nodes`` nodes (new ones keep no history, tau_minus 20 ms,
        tau_minus_triplet 110 ms)."""
        grow = n_nodes - self.on.size
        if grow > 0:
            self.on = np.concatenate([self.on, np.zeros(grow, dtype=np.bool_)])
            self.kminus = np.concatenate([self.kminus, np.zeros(grow)])
            self.last_spike = np.concatenate([self.last_spike, np.full(grow, -1.0)])
            self.last_idx = np.concatenate([self.last_idx, np.full(grow, -1, dtype=np.int64)])
            self.tau_inv = np.concatenate([self.tau_inv, np.full(grow, 1.0 / 20.0)])
            self.ktriplet = np.concatenate([self.ktriplet, np.zeros(grow)])
            self.tau_triplet_inv = np.concatenate([self.tau_triplet_inv, np.full(grow, 1.0 / 110.0)])

    def reserve(self, extra: int) -> None:
        """Make room in the log for ``extra`` more spikes (the capacity at least doubles)."""
        need = self.length + extra
        if need > self.t.size:
            cap = max(need, 2 * self.t.size)
            for name in ("t", "k", "kt", "prev", "next"):
                old = getattr(self, name)
                new = np.zeros(cap, dtype=old.dtype)
                new[:self.length] = old[:self.length]
                setattr(self, name, new)

    def compact(self, cut: np.ndarray, slack: float) -> int:
        """Drop the spikes no plastic connection can read again (module docstring).

        Parameters
        ----------
        cut : ndarray
            Per node (0-based): the smallest ``t_last - d`` (ms) of its plastic inputs;
            its spikes before ``cut - slack`` go, but the newest of them stays.
        slack : float
            Margin (ms) below ``cut``: one step, far more than the STDP comparisons'
            tolerance.

        Returns
        -------
        int
            Log entries dropped.
        """
        n = self.length
        keep = _kept(cut - slack, self.last_idx, self.t, self.prev, n)
        new_len = _compact_log(keep, self.last_idx, self.t, self.k, self.kt, self.prev, self.next, n)
        self.length = new_len
        self.dropped += n - new_len
        return n - new_len

    def record(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, k: int, tics_per_step: int,
               cutoffs: Callable[[], np.ndarray] | None = None) -> None:
        """Archive the spikes of one slice.

        Parameters
        ----------
        ids, steps, mult : ndarray
            The first ``k`` entries: 0-based node index, step of emission ``s`` (the
            spike time is the stamp ``(s + 1) h``, in ms) and multiplicity.
        k : int
            Spikes in the slice.
        tics_per_step : int
            Tics (µs) per step.
        cutoffs : callable or None
            When the log is full and holds at least :data:`COMPACT_FROM` entries: the
            per-node cut of :meth:`compact` (the same on every process, so every
            process compacts alike); the log is compacted before it grows.
        """
        if not self.on.any() or k == 0:
            return
        extra = int(mult[:k].sum()) + 1
        if cutoffs is not None and self.length + extra > self.t.size and self.length >= COMPACT_FROM:
            self.compact(cutoffs(), tics_per_step * 0.001)
        self.reserve(extra)
        self.length = _archive(ids, steps, mult, k, self.on, self.kminus, self.last_spike, self.last_idx,
                               self.tau_inv, self.t, self.k, self.prev, self.next, self.length,
                               tics_per_step, self.ktriplet, self.tau_triplet_inv, self.kt)

    def state(self) -> dict[str, np.ndarray]:
        """The arrays that restore the archive (:meth:`from_state`); the log without spare room."""
        n = self.length
        return {"on": self.on, "kminus": self.kminus, "last_spike": self.last_spike, "last_idx": self.last_idx,
                "tau_inv": self.tau_inv, "t": self.t[:n], "k": self.k[:n], "prev": self.prev[:n],
                "next": self.next[:n], "ktriplet": self.ktriplet, "tau_triplet_inv": self.tau_triplet_inv,
                "kt": self.kt[:n]}

    @classmethod
    def from_state(cls, state: dict[str, np.ndarray]) -> PostArchive:
        """An archive holding what :meth:`state` returned (a state saved before the
        triplet trace existed restores it as never updated)."""
        arch = cls(state["on"].size)
        for key in ("on", "kminus", "last_spike", "last_idx", "tau_inv", "ktriplet", "tau_triplet_inv"):
            if key in state:
                setattr(arch, key, state[key].copy())
        n_log = state["t"].size
        arch.reserve(n_log)
        for key in ("t", "k", "kt", "prev", "next"):
            if key in state:
                getattr(arch, key)[:n_log] = state[key]
        arch.length = n_log
        return arch


@njit(cache=True)
def _archive(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, on: np.ndarray, kminus: np.ndarray,
             last_spike: np.ndarray, last_idx: np.ndarray, tau_inv: np.ndarray, log_t: np.ndarray, log_k: np.ndarray,
             prev: np.ndarray, nxt: np.ndarray, length: int, tps: int, ktriplet: np.ndarray,
             tau_triplet_inv: np.ndarray, log_kt: np.ndarray) -> int:
    """Append the spikes of the ``on`` neurons to the log; returns its new length."""
    for a in range(n):
        j = ids[a]
        if not on[j]:
            continue
        t = ((steps[a] + 1) * tps) * 0.001
        for _ in range(int(mult[a] + 0.5)):
            kminus[j] = kminus[j] * np.exp((last_spike[j] - t) * tau_inv[j]) + 1.0
            ktriplet[j] = ktriplet[j] * np.exp((last_spike[j] - t) * tau_triplet_inv[j]) + 1.0
            last_spike[j] = t
            e = length
            log_t[e] = t
            log_k[e] = kminus[j]
            log_kt[e] = ktriplet[j]
            prev[e] = last_idx[j]
            nxt[e] = -1
            if last_idx[j] >= 0:
                nxt[last_idx[j]] = e
            last_idx[j] = e
            length += 1
    return length


@njit(cache=True)
def _kept(lo: np.ndarray, last_idx: np.ndarray, log_t: np.ndarray, prev: np.ndarray, n: int) -> np.ndarray:
    """Per log entry: whether it stays (each neuron's spikes at or after ``lo`` of it, ms,
    and the newest one before)."""
    keep = np.zeros(n, dtype=np.bool_)
    for j in range(last_idx.size):
        e = last_idx[j]
        while e >= 0:
            keep[e] = True
            if log_t[e] < lo[j]:
                break
            e = prev[e]
    return keep


@njit(cache=True)
def _compact_log(keep: np.ndarray, last_idx: np.ndarray, log_t: np.ndarray, log_k: np.ndarray,
                 log_kt: np.ndarray, prev: np.ndarray, nxt: np.ndarray, n: int) -> int:
    """Move the kept entries to the front in their order, relinking them; the new length."""
    where = np.full(n, -1, dtype=np.int64)
    m = 0
    for e in range(n):
        if keep[e]:
            where[e] = m
            m += 1
    for e in range(n):
        q = where[e]
        if q < 0:
            continue
        log_t[q], log_k[q], log_kt[q] = log_t[e], log_k[e], log_kt[e]
        p = prev[e]
        prev[q] = where[p] if p >= 0 else -1  # a dropped predecessor ends the chain
        nx = nxt[e]
        nxt[q] = where[nx] if nx >= 0 else -1
    for j in range(last_idx.size):
        if last_idx[j] >= 0:
            last_idx[j] = where[last_idx[j]]
    return m
