"""Postsynaptic spike history for spike-timing-dependent plasticity.

Neurons that are targets of plastic synapses keep every spike they emit, with the
value of their traces ``K-`` and ``K-_triplet`` just after it (NEST's ArchivingNode):
``K- <- K- exp((t_last - t) / tau_minus) + 1`` and the same with ``tau_minus_triplet``
(the second trace of ``stdp_triplet_synapse``).  The history is an append-only log
shared by all neurons, linked per neuron in both directions so a synapse can find
the spikes of its target inside a time window by walking from the newest one.
"""

from __future__ import annotations

import numpy as np
from numba import njit


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
        self.t = np.zeros(1024)
        self.k = np.zeros(1024)
        self.kt = np.zeros(1024)
        self.prev = np.zeros(1024, dtype=np.int64)
        self.next = np.zeros(1024, dtype=np.int64)
        self.length = 0

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

    def record(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, k: int, tics_per_step: int) -> None:
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
        """
        if not self.on.any() or k == 0:
            return
        self.reserve(int(mult[:k].sum()) + 1)
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
