"""The spike exchange merges every rank's list into the one-process (step, id) order."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from spikesim.kernel.distributed import exchange_spikes
from spikesim.parallel import ExchangeStats


class _ThreeRanks:
    """Rank 0 of three; the other ranks' packed lists are given (their flags too)."""

    rank, size = 0, 3

    def __init__(self, others: list[np.ndarray]) -> None:
        self.others = others
        self.stats = ExchangeStats()

    def allgather_start(self, a: np.ndarray) -> Callable[[], list[np.ndarray]]:
        return lambda: [a, *self.others]


def _packed(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, s0: int, n: int, flag: bool) -> np.ndarray:
    return np.concatenate([[int(flag)], (steps - s0) * n + ids, mult.astype(np.int64)])


def test_merged_in_step_then_id_order_with_multiplicities() -> None:
    rng = np.random.default_rng(5)
    n_nodes, s0 = 1000, 300
    lists = []
    for r in range(3):  # each rank's neurons: a block of ids, spikes in (step, id) order
        ids = rng.choice(np.arange(r * 300, r * 300 + 300), 40, replace=False)
        steps = rng.integers(s0, s0 + 15, 40)
        o = np.lexsort((ids, steps))
        lists.append((ids[o], steps[o], rng.integers(1, 4, 40).astype(float)))
    others = [_packed(i, s, m, s0, n_nodes, flag=(r == 2)) for r, (i, s, m) in enumerate(lists) if r > 0]
    done = []
    ids, steps, mult, flag = exchange_spikes(_ThreeRanks(others), *lists[0], s0, n_nodes, False,
                                             lambda: done.append(True))
    all_ids = np.concatenate([x[0] for x in lists])
    all_steps = np.concatenate([x[1] for x in lists])
    all_mult = np.concatenate([x[2] for x in lists])
    o = np.lexsort((all_ids, all_steps))
    np.testing.assert_array_equal(ids, all_ids[o])
    np.testing.assert_array_equal(steps, all_steps[o])
    np.testing.assert_array_equal(mult, all_mult[o])
    assert flag is True and done == [True]


def test_no_spikes_anywhere() -> None:
    empty = np.zeros(0, np.int64)
    ids, steps, mult, flag = exchange_spikes(_ThreeRanks([np.zeros(1, np.int64)] * 2), empty, empty,
                                             np.zeros(0), 0, 10, False)
    assert ids.size == steps.size == mult.size == 0 and flag is False
