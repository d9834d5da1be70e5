"""The compiled delivery kernels against each other.

Each fast path (SIMD Poisson counts, delivery split over target ranges) must add
exactly what the general kernel adds: same draws, same sums, same order.
"""

from __future__ import annotations

import numpy as np
import pytest

from spikesim import rng
from spikesim.kernel.delivery import (
    deliver_poisson,
    deliver_poisson_uniform,
    deliver_spikes,
    deliver_spikes_by_step,
    step_cuts,
)
from spikesim.models.base import CH_EX, CH_IN, INPUT_SINGLE, INPUT_SPLIT


@pytest.mark.parametrize("lam", [1e-3, 0.37, 4.0, 60.0])
@pytest.mark.parametrize("consecutive", [True, False])
def test_simd_poisson_counts_equal_the_guided_inversion(lam, consecutive):
    g = np.random.default_rng(3)
    n_tgt, L, s0, d0, f0 = 700, 9, 1234, 4, 0.25
    if consecutive:
        tgt = np.arange(n_tgt, dtype=np.uint16)
    else:  # multapses and gaps: the scatter path
        tgt = np.sort(g.integers(0, n_tgt, 2 * n_tgt)).astype(np.uint16)
    keys = g.integers(0, 2**63, tgt.size, dtype=np.int64).astype(np.uint64)
    cdf = rng.poisson_table(lam)
    guide = rng.guide_table(cdf)
    active = np.array([[True], [False], [True], [True], [True]])
    chunks = np.array([0, 300, 301, tgt.size], dtype=np.int64)
    fast = np.zeros((3, L, n_tgt))
    deliver_poisson_uniform(active, cdf, keys, tgt, fast, CH_EX, d0, f0, chunks, s0, L)
    ref = np.zeros((3, L, n_tgt))
    deliver_poisson(active, cdf[None, :], guide[None, :], np.zeros(tgt.size, np.int64), keys, tgt,
                    np.full(tgt.size, CH_EX, np.int8), np.full(tgt.size, f0), np.array([d0], np.int16),
                    chunks, s0, ref, L)
    np.testing.assert_array_equal(fast, ref)
    counts = fast[CH_EX].sum() / f0
    assert counts == pytest.approx(lam * 4 * tgt.size, rel=0.2, abs=20)  # 4 active steps


@pytest.mark.parametrize("weights", ["one", "mixed"])
@pytest.mark.parametrize("parts", [2, 3, 7])
def test_delivery_split_by_steps_equals_serial_delivery(weights, parts):
    g = np.random.default_rng(5)
    n_nodes, L, d0 = 3000, 12, 7
    deg = g.integers(0, 200, n_nodes)
    ptr = np.concatenate([[0], np.cumsum(deg)]).astype(np.int64)
    tgt = g.integers(0, n_nodes, ptr[-1]).astype(np.uint16)  # unsorted rows, multapses
    w = np.array([-0.4]) if weights == "one" else g.normal(0.0, 1.0, ptr[-1])
    steps = np.sort(g.integers(100, 105, 400)).astype(np.int64)  # 5 steps of a slice
    ids = np.concatenate([np.sort(g.choice(n_nodes, (steps == s).sum(), replace=False))
                          for s in range(100, 105)]).astype(np.int64)
    mult = g.integers(1, 3, ids.size).astype(np.float64)
    mode = np.full(n_nodes, INPUT_SPLIT, np.int8)
    mode[::3] = INPUT_SINGLE
    args = (ptr, tgt, w, np.array([d0], np.int16), np.zeros(1, np.int8), mode, -1)
    serial = np.zeros((3, L, n_nodes))
    deliver_spikes(ids, steps, mult, ids.size, *args, serial, L)
    par = np.zeros((3, L, n_nodes))
    deliver_spikes_by_step(ids, steps, mult, ids.size, *args, par, L, parts)
    np.testing.assert_array_equal(par, serial)
    assert serial[[CH_EX, CH_IN]].sum() == pytest.approx(
        sum(mult[k] * w[ptr[i]:ptr[i + 1]].sum() if w.size > 1 else mult[k] * w[0] * deg[i]
            for k, i in enumerate(ids)))
    cuts = step_cuts(ids, steps, ids.size, ptr, parts)
    assert cuts[0] == 0 and cuts[-1] == ids.size and np.all(np.diff(cuts) >= 0)
    inner = cuts[(cuts > 0) & (cuts < ids.size)]
    assert np.all(steps[inner] != steps[inner - 1])  # cut only between steps
