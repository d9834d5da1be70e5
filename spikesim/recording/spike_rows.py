"""A spike recorder's buffer of rows waiting for its backend, the compiled pass that
fills it from one slice's spikes (see :meth:`RecordingDevice.record_spikes`), and
the hand-overs a device keeps until its backend accepted them."""

from __future__ import annotations

import numpy as np
from numba import njit

from spikesim.timegrid import TICS_PER_MS


class PendingRows:
    """A spike recorder's rows waiting for the backend: senders, stamps, times (ms)."""

    def __init__(self, capacity: int) -> None:
        self.senders = np.empty(capacity, dtype=np.int64)
        self.stamps = np.empty(capacity, dtype=np.int64)
        self.times = np.empty(capacity, dtype=np.float64)
        self.fill = 0

    def grown(self, capacity: int) -> PendingRows:
        """A buffer of ``capacity`` rows holding this one's rows."""
        out = PendingRows(capacity)
        f = out.fill = self.fill
        out.senders[:f], out.stamps[:f], out.times[:f] = self.senders[:f], self.stamps[:f], self.times[:f]
        return out


class HandOver:
    """Rows of a device for its backend: a batch (``write``) or a grid (``write_grid``).

    Parameters
    ----------
    segment : int
        The recording segment the rows belong to.
    rows : int
        How many records (counted in ``n_events`` once written).
    batch : dict of ndarray
        The columns, for ``write`` (empty for a grid).
    grid : (senders, times, values) or None
        For ``write_grid``: node ids, times (ms or steps), values of shape (times, senders).
    """

    __slots__ = ("segment", "rows", "batch", "grid")

    def __init__(self, segment: int, rows: int, batch: dict[str, np.ndarray],
                 grid: tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]] | None = None) -> None:
        self.segment = segment
        self.rows = rows
        self.batch = batch
        self.grid = grid


@njit(cache=True)
def spike_rows_into(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, counts: np.ndarray, lo: int, hi: int,
                     tics: int, senders: np.ndarray, stamps: np.ndarray, times: np.ndarray, fill: int
                     ) -> tuple[int, bool]:
    """A spike recorder's rows of one slice's spikes, appended at ``fill`` in one pass:
    spikes stamped in the window ``(lo, hi]``, each repeated ``counts[id] *
    multiplicity`` times, with their stamps and times in ms (``stamp * tics * 0.001``
    as the simulator computes them).  Returns the new fill and whether the input was
    in (time, id) order, or ``(-rows, ordered)`` when the rows do not fit (nothing
    written)."""
    n = 0
    ordered = True
    for k in range(ids.shape[0]):
        st = steps[k] + 1
        if lo < st <= hi:
            c = counts[ids[k]] * np.int64(mult[k])
            if c > 0:
                n += c
        if k and (steps[k] < steps[k - 1] or (steps[k] == steps[k - 1] and ids[k] < ids[k - 1])):
            ordered = False
    if fill + n > senders.shape[0]:
        return -n, ordered
    ms_per_tic = 1.0 / TICS_PER_MS
    i = fill
    for k in range(ids.shape[0]):
        st = steps[k] + 1
        if lo < st <= hi:
            c = counts[ids[k]] * np.int64(mult[k])
            t = np.float64(st) if tics == 1000 else np.float64(st * tics) * ms_per_tic
            for _ in range(c):
                senders[i] = ids[k]
                stamps[i] = st
                times[i] = t
                i += 1
    return i, ordered
