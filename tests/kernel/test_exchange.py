"""The spike exchange merges every rank's list into the one-process (step, id) order."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from spikesim.kernel.exchange import exchange_spikes
from spikesim.parallel import ExchangeStats


class _ThreeRanks:
    """Rank 0 of three (or ``size``); the other ranks' packed lists are given (their flags too)."""

    rank, size = 0, 3

    def __init__(self, others: list[np.ndarray]) -> None:
        self.others = others
        self.stats = ExchangeStats()

    def allgather_start(self, a: np.ndarray) -> Callable[[], list[np.ndarray]]:
        return lambda: [a, *self.others]


def _packed(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, s0: int, flag: bool) -> np.ndarray:
    return np.concatenate([[int(flag)], ((steps - s0) << 32) | ids, mult.astype(np.int64)])


@pytest.mark.parametrize("ranks", [3, 20])  # 20: more ranks than merged run by run (MERGE_RANKS)
def test_merged_in_step_then_id_order_with_multiplicities(ranks: int) -> None:
    rng = np.random.default_rng(5)
    s0 = 300
    lists = []
    for r in range(ranks):  # each rank's neurons: a block of ids, spikes in (step, id) order
        ids = rng.choice(np.arange(r * 300, r * 300 + 300), 40, replace=False)
        steps = rng.integers(s0, s0 + 15, 40)
        o = np.lexsort((ids, steps))
        lists.append((ids[o], steps[o], rng.integers(1, 4, 40).astype(float)))
    others = [_packed(i, s, m, s0, flag=(r == 2)) for r, (i, s, m) in enumerate(lists) if r > 0]
    done = []
    comm = _ThreeRanks(others)
    comm.size = ranks
    ids, steps, mult, flag = exchange_spikes(comm, *lists[0], 0, s0, False, lambda: done.append(True))
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
                                             np.zeros(0), 0, 0, False)
    assert ids.size == steps.size == mult.size == 0 and flag is False


def test_spike_generators_spikes_are_merged_in_not_sent() -> None:
    # rank 0's list: one spike generator's spike (id 50, known on every rank), then its neurons'
    other = _packed(np.array([7]), np.array([11]), np.ones(1), 10, flag=False)
    sent = []

    class _Two(_ThreeRanks):
        def allgather_start(self, a: np.ndarray) -> Callable[[], list[np.ndarray]]:
            sent.append(a)
            return lambda: [a, other]

    comm = _Two([other])
    comm.size = 2
    ids, steps, mult, _ = exchange_spikes(comm, np.array([50, 3]), np.array([12, 10]), np.array([2.0, 1.0]), 1,
                                          10, False)
    assert ids.tolist() == [3, 7, 50] and steps.tolist() == [10, 11, 12] and mult.tolist() == [1.0, 1.0, 2.0]
    assert sent[0].tolist() == [0, 3, 1]  # the flag, one key (step 10 - s0, id 3), one multiplicity
