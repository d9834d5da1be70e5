"""The spike exchange merges every rank's list into the one-process (step, id) order."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from spikesim.kernel.exchange import SliceExchange, exchange_spikes, lag_allowed, lag_slice_steps
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
    ids, steps, mult, flag = exchange_spikes(comm, *lists[0], s0, False, lambda: done.append(True))
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
                                             np.zeros(0), 0, False)
    assert ids.size == steps.size == mult.size == 0 and flag is False


class _Proj:
    """A projection as the lag rule sees it: delays (steps) and a length."""

    def __init__(self, d: list[int]) -> None:
        self.d = np.array(d)

    def __len__(self) -> int:
        return int(self.d.size)


class _Vote:
    """Two ranks; the other rank's vote in the all-reduce is given (1.0: cannot lag)."""

    rank, size = 0, 2

    def __init__(self, other: float = 0.0) -> None:
        self.other = other

    def allreduce(self, x: float, op: str) -> float:
        assert op == "max"
        return max(x, self.other)


def test_lag_only_where_no_cell_gets_spikes_and_later_generator_input() -> None:
    spikes, poisson = ("static_synapse", "spike"), ("static_synapse", "poisson")
    ok = {spikes: _Proj([10, 25]), poisson: _Proj([30])}
    assert lag_allowed(_Vote(), 10, ok, True, False)
    assert not lag_allowed(_Vote(), 10, {spikes: _Proj([10, 31]), poisson: _Proj([30])}, True, False)
    assert lag_allowed(_Vote(), 10, {spikes: _Proj([10])}, True, False)  # no generator at all
    assert not lag_allowed(_Vote(), 1, {spikes: _Proj([1])}, True, False)  # a slice of 1 step cannot halve
    assert not lag_allowed(_Vote(), 10, ok, False, False)  # currents, rate or gamma/mip generators
    assert not lag_allowed(_Vote(), 10, ok, True, True)  # plastic synapses
    assert not lag_allowed(_Vote(1.0), 10, ok, True, False)  # another rank cannot: nobody does
    assert lag_slice_steps(15, True) == 7 and lag_slice_steps(15, False) == 15 and lag_slice_steps(2, True) == 1


class _Serial:
    rank, size = 0, 1


def test_one_process_never_lags() -> None:
    assert not lag_allowed(_Serial(), 10, {("s", "spike"): _Proj([10])}, True, False)


def test_lagged_lists_come_one_slice_late_and_all_by_the_run_end() -> None:
    comm = _ThreeRanks([np.zeros(1, np.int64)] * 2)  # the other ranks have no spikes
    ex = SliceExchange(comm, lag=True)  # type: ignore[arg-type]
    lists = []
    for s0, last in ((0, False), (5, False), (10, True)):
        ids, steps = np.array([s0 + 1, s0 + 2]), np.array([s0, s0 + 1])
        lists.append([x[1].tolist() for x in ex.lists(ids, steps, np.ones(2), 0, s0, False, last, None)])
    assert lists == [[], [[0, 1]], [[5, 6], [10, 11]]]  # emission steps of the lists delivered
    assert ex.pending is None and comm.stats.slices == 3
