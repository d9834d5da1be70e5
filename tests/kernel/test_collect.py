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
