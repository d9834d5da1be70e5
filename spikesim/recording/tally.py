"""How many of a device's counted records carry a stamp after a given step.

A device's ``n_events`` counts every record its backend accepted.  The NEST face
shows what NEST would have handed over by now (a multimeter gets the samples of the
last ``min_delay`` slice one call late), which for a backend that keeps no events in
memory (ascii, hdf5 ...) cannot be read back from the records.  A :class:`RecentRows`
keeps the time stamps of the device's last few hand-overs, enough to say how many of
the counted records lie after a step near the present time.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from spikesim.recording.spike_rows import HandOver

__all__ = ["RecentRows"]


class RecentRows:
    """Time stamps of a device's last :attr:`KEEP` accepted hand-overs.

    Each hand-over is kept as its distinct times (ms, or steps for ``time_in_steps``)
    and the rows per time (a grid of samples: the number of senders; a batch: one row
    per time).

    Parameters
    ----------
    keep : bool
        Whether to keep anything: only samplers need it, and a spike recorder's large
        batches are not held on to.
    """

    #: hand-overs kept; the engine hands over at the end of every run and rarely more
    #: often, so a few cover the last slices
    KEEP = 8

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        self._items: deque[tuple[np.ndarray, int, bool]] = deque(maxlen=self.KEEP)
        self._complete = True  # nothing dropped from the front yet

    def add(self, item: HandOver, in_steps: bool) -> None:
        """Note an accepted hand-over (``in_steps``: its times are integer steps)."""
        if not self.keep:
            return
        if len(self._items) == self.KEEP:
            self._complete = False
        if item.grid is not None:
            senders, times, _ = item.grid
            self._items.append((np.asarray(times), int(senders.size), in_steps))
        else:
            self._items.append((np.asarray(item.batch.get("times", ())), 1, in_steps))

    def clear(self) -> None:
        """Forget everything (the device's events were cleared)."""
        self._items.clear()
        self._complete = True

    def rows_after(self, step: int, h: float) -> int | None:
        """Counted rows stamped after ``step`` (steps of ``h`` ms); None when hand-overs
        that could hold some are no longer kept, or nothing is kept."""
        if not self.keep:
            return None
        total, covered = 0, self._complete
        for times, per, in_steps in self._items:
            limit = step if in_steps else (step + 0.5) * h  # ms stamps: halfway avoids rounding
            total += int(np.count_nonzero(times > limit)) * per
            covered = covered or (times.size > 0 and bool(times.min() <= limit))
        return total if covered else None
