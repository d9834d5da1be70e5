"""The slice's spike list gathered on several threads, in the serial order.

:func:`~spikesim.kernel.delivery.collect_spikes` scans every population's spike flags
step by step on one thread.  With more threads, :func:`collect_spikes_parallel` makes
the same list in two passes over the steps of the slice, each step on its own thread:
the first counts the spikes of each step and marks the groups of 64 flags that hold
any, the second (after a prefix sum has given every step its place in the list)
writes the marked groups' spikes there and clears their flags.  The list is the
serial one entry for entry: ordered by (step, id), whatever the number of threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, uint64

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
                for j in range(g0, min(g0 + GROUP, n)):
                    v = row[j]
                    if v != 0:
                        out_ids[k] = bases[q] + j
                        out_steps[k] = step
                        out_mult[k] = v
                        row[j] = 0
                        k += 1
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
