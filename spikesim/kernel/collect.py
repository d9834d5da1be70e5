"""The slice's spike list gathered on several threads, in the serial order.

:func:`spike_buffers` makes the flag arrays the neuron kernels write and the slice's
spike list.  :func:`~spikesim.kernel.delivery.collect_spikes` scans every population's spike flags
step by step on one thread.  With more threads, :func:`collect_spikes_parallel` makes
the same list in two passes over the steps of the slice, each step on its own thread:
the first counts the spikes of each step and marks the groups of 64 flags that hold
any, the second (after a prefix sum has given every step its place in the list)
writes the marked groups' spikes there and clears their flags.  The list is the
serial one entry for entry: ordered by (step, id), whatever the number of threads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numba import njit, prange, uint64

from spikesim.kernel.delivery import collect_spikes, take_flags

#: flags tested at once (one OR over a group; spikes are rare)
GROUP = 64


@njit(cache=True, nogil=True)
def _count_step(row_flat: np.ndarray, offs: np.ndarray, sizes: np.ndarray, i: int, marks: np.ndarray) -> int:
    """Spikes of step ``i`` in all populations; marks the groups of 64 flags holding any."""
    count = 0
    g = 0
    for q in range(sizes.shape[0]):
        n = sizes[q]
        row = row_flat[offs[q] + i * n:offs[q] + (i + 1) * n]
        for g0 in range(0, n, GROUP):
            g1 = min(g0 + GROUP, n)
            seg = row[g0:g1]
            acc = 0
            nz = 0
            for j in range(uint64(g1 - g0)):  # branch-free: SIMD
                acc |= seg[j]
                nz += seg[j] != 0
            marks[g] = acc != 0
            count += nz
            g += 1
    return count


@njit(cache=True, nogil=True)
def _write_step(flat: np.ndarray, offs: np.ndarray, sizes: np.ndarray, bases: np.ndarray, i: int, step: int,
                marks: np.ndarray, out_ids: np.ndarray, out_steps: np.ndarray, out_mult: np.ndarray, k: int) -> None:
    """Step ``i``'s spikes from the marked groups into the list from entry ``k``; clears their flags."""
    g = 0
    for q in range(sizes.shape[0]):
        n = sizes[q]
        row = flat[offs[q] + i * n:offs[q] + (i + 1) * n]
        for g0 in range(0, n, GROUP):
            if marks[g]:
                k = take_flags(row, g0, min(g0 + GROUP, n), bases[q], step, out_ids, out_steps, out_mult, k)
            g += 1


@njit(cache=True, parallel=True, nogil=True)
def collect_spikes_parallel(flat: np.ndarray, offs: np.ndarray, sizes: np.ndarray, bases: np.ndarray, s0: int,
                            m: int, out_ids: np.ndarray, out_steps: np.ndarray, out_mult: np.ndarray,
                            k: int) -> int:
    """:func:`~spikesim.kernel.delivery.collect_spikes` (same arguments, same list, same
    return: the list's new length) with the steps of the slice spread over threads."""
    n_groups = 0
    for q in range(sizes.shape[0]):
        n_groups += (sizes[q] + GROUP - 1) // GROUP
    marks = np.zeros((m, n_groups), dtype=np.bool_)
    counts = np.zeros(m, dtype=np.int64)
    for i in prange(m):
        counts[i] = _count_step(flat, offs, sizes, i, marks[i])
    start = np.empty(m, dtype=np.int64)
    acc = k
    for i in range(m):
        start[i] = acc
        acc += counts[i]
    for i in prange(m):
        if counts[i]:
            _write_step(flat, offs, sizes, bases, i, s0 + i, marks[i], out_ids, out_steps, out_mult, start[i])
    return acc


class _Flagging(Protocol):
    """A neuron population as the spike buffers see it: its first node id and the
    ``(m, n)`` spike-flag array its kernel writes (``spk``)."""

    first: int
    spk: Any


@dataclass
class SpikeBuffers:
    """The spike flags of all populations of a rank and the slice's spike list.

    ``flat`` holds the populations' flags in node-id order, each a C-contiguous
    ``(m, n_q)`` block from ``off[q]`` (``n[q]`` neurons with 0-based ids from
    ``base[q]``); ``ids``, ``steps`` (emission steps) and ``mult`` (multiplicities)
    hold the slice's list, room for every neuron spiking in every step.
    """

    flat: np.ndarray
    off: np.ndarray
    n: np.ndarray
    base: np.ndarray
    ids: np.ndarray
    steps: np.ndarray
    mult: np.ndarray

    def collect(self, s0: int, m: int, k: int, threads: int) -> int:
        """Move the flags of steps ``s0 .. s0+m-1`` into the list after its first ``k``
        entries, in (step, id) order, on ``threads`` threads; returns the list's length."""
        fn = collect_spikes_parallel if threads > 1 else collect_spikes
        return int(fn(self.flat, self.off, self.n, self.base, s0, m, self.ids, self.steps, self.mult, k))


def spike_buffers(neurons: Sequence[_Flagging], local_range: Callable[[Any], tuple[int, int]],
                  m: int) -> SpikeBuffers:
    """One buffer for the spike flags of all ``neurons`` populations (each gets its
    ``spk`` view) and the slice's spike list, for slices of ``m`` steps; a population's
    flags cover the neurons ``local_range(pop)`` (this rank's) of it."""
    by_id = sorted(neurons, key=lambda p: p.first)
    ranges = [local_range(p) for p in by_id]
    sizes = np.array([hi - lo for lo, hi in ranges], dtype=np.int64)
    off = np.concatenate([[0], np.cumsum(sizes * m)]).astype(np.int64)
    flat = np.zeros(int(off[-1]), dtype=np.int32)
    for q, pop in enumerate(by_id):
        pop.spk = flat[off[q]:off[q + 1]].reshape(m, int(sizes[q]))
    base = np.array([p.first - 1 + lo for p, (lo, _) in zip(by_id, ranges, strict=True)], dtype=np.int64)
    cap = int(sizes.sum()) * m + 16
    return SpikeBuffers(flat, off, sizes, base, np.zeros(cap, dtype=np.int64), np.zeros(cap, dtype=np.int64),
                        np.zeros(cap, dtype=np.float64))
