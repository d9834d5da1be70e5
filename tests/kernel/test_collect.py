"""The spike list gathered on several threads equals the serial one, entry for entry."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from spikesim.kernel.collect import collect_spikes_parallel
from spikesim.kernel.delivery import collect_spikes


def _flags(rng: np.random.Generator, sizes: list[int], m: int, p: float) -> tuple[np.ndarray, np.ndarray]:
    """Spike flags of populations of ``sizes`` over ``m`` steps (multiplicities 1-3)."""
    offs = np.concatenate([[0], np.cumsum(np.array(sizes) * m)]).astype(np.int64)
    flat = np.zeros(int(offs[-1]), dtype=np.int32)
    hit = rng.random(flat.size) < p
    flat[hit] = rng.integers(1, 4, int(hit.sum()))
    return flat, offs


@pytest.mark.parametrize("sizes,m,p", [([1000, 250], 15, 0.003), ([63, 64, 65, 1], 7, 0.2), ([5], 1, 0.0),
                                       ([130, 7], 4, 1.0)])
def test_parallel_list_is_the_serial_list(sizes: list[int], m: int, p: float) -> None:
    rng = np.random.default_rng(3)
    flat, offs = _flags(rng, sizes, m, p)
    n = np.array(sizes, dtype=np.int64)
    bases = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(np.int64) + 100
    cap = int(n.sum()) * m + 8
    outs = []
    for fn in (collect_spikes, collect_spikes_parallel):
        f = flat.copy()
        ids, steps, mult = np.full(cap, -1, np.int64), np.full(cap, -1, np.int64), np.zeros(cap)
        ids[:3] = 7  # the list's first k entries (spike generators' spikes) stay
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        k = fn(f, offs, n, bases, 40, m, ids, steps, mult, 3)
        assert not f.any()  # every flag cleared
        outs.append((k, ids[:k].copy(), steps[:k].copy(), mult[:k].copy()))
    (k1, i1, s1, m1), (k2, i2, s2, m2) = outs
    assert k1 == k2 == 3 + int(np.count_nonzero(flat))
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(s1, s2)
    np.testing.assert_array_equal(m1, m2)
    order = np.lexsort((i1[3:], s1[3:]))
    np.testing.assert_array_equal(order, np.arange(k1 - 3))  # (step, id) order


def _numpy_list(flat: np.ndarray, offs: np.ndarray, sizes: list[int], bases: np.ndarray, s0: int,
                m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The reference list: per step, the populations in order, each population's set
    flags in index order (``np.nonzero``)."""
    ids, steps, mult = [], [], []
    for i in range(m):
        for q, n in enumerate(sizes):
            row = flat[offs[q] + i * n:offs[q] + (i + 1) * n]
            (nz,) = np.nonzero(row)
            ids.append(bases[q] + nz)
            steps.append(np.full(nz.size, s0 + i))
            mult.append(row[nz].astype(np.float64))
    return np.concatenate(ids), np.concatenate(steps), np.concatenate(mult)


@pytest.mark.parametrize("sizes,m,p", [([10_000, 2_500], 15, 0.0032), ([64, 128, 8, 1], 3, 1.0),
                                       ([63, 65, 7, 9, 130], 5, 0.3), ([200, 57], 6, 0.0), ([1], 2, 1.0)])
def test_collected_list_is_the_numpy_list(sizes: list[int], m: int, p: float) -> None:
    rng = np.random.default_rng(11)
    flat, offs = _flags(rng, sizes, m, p)
    if p == 0.3:  # a group full of spikes, a sub-group of 8 full, one set flag last in a group
        flat[offs[4]:offs[4] + 64] = rng.integers(1, 9, 64)
        flat[offs[1]:offs[1] + 8] = 5
        flat[offs[1] + 63] = 2
        flat[offs[1] + 64] = 7  # the 65th flag: the short last group
    n = np.array(sizes, dtype=np.int64)
    bases = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(np.int64) + 5
    ref = _numpy_list(flat, offs, sizes, bases, 40, m)
    cap = int(n.sum()) * m + 8
    for fn in (collect_spikes, collect_spikes_parallel):
        f = flat.copy()
        ids, steps, mult = np.full(cap, -1, np.int64), np.full(cap, -1, np.int64), np.zeros(cap)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        k = fn(f, offs, n, bases, 40, m, ids, steps, mult, 2)
        assert not f.any()  # every flag cleared
        assert k == 2 + ref[0].size
        np.testing.assert_array_equal(ids[2:k], ref[0])
        np.testing.assert_array_equal(steps[2:k], ref[1])
        np.testing.assert_array_equal(mult[2:k], ref[2])
        assert (ids[k:] == -1).all()  # nothing written past the list
