"""RecentRows: how many counted records lie after a step (expected values by counting)."""

from __future__ import annotations

import numpy as np

from spikesim.recording.spike_rows import HandOver
from spikesim.recording.tally import RecentRows


def _grid(times: list[float], senders: int) -> HandOver:
    return HandOver(0, len(times) * senders, {}, (np.arange(1, senders + 1), np.array(times), {}))


def test_rows_after_a_step_count_grid_and_batch_rows():
    r = RecentRows()
    r.add(_grid([0.5, 1.0, 1.5], 2), in_steps=False)
    r.add(HandOver(0, 3, {"senders": np.array([1, 2, 1]), "times": np.array([1.6, 1.8, 2.0])}), in_steps=False)
    # h = 0.1 ms, after step 10 (1.0 ms): the 1.5 ms samples of 2 senders and 3 spikes
    assert r.rows_after(10, 0.1) == 2 + 3
    assert r.rows_after(0, 0.1) == 6 + 3
    r.clear()
    assert r.rows_after(0, 0.1) == 0


def test_unknown_once_older_hand_overs_are_dropped():
    r = RecentRows()
    for k in range(RecentRows.KEEP + 1):  # one per ms, steps of 1 ms in steps
        r.add(_grid([float(k + 1)], 1), in_steps=True)
    # the hand-over at step 1 is gone: rows after step 0 cannot be told, after step 5 they can
    assert r.rows_after(0, 1.0) is None
    assert r.rows_after(5, 1.0) == RecentRows.KEEP + 1 - 5


def test_nothing_kept_when_told_not_to():
    r = RecentRows(keep=False)  # a spike recorder's device: its batches are not held on to
    r.add(_grid([1.0], 3), in_steps=False)
    assert r.rows_after(0, 0.1) is None
