"""Recording schedules: the windows in which a device records.

Every device records in its window ``(origin + start, origin + stop]``.  A schedule
narrows that to several windows, each with NEST's semantics (start exclusive, stop
inclusive, relative to ``origin``):

* ``schedule=[(a0, b0), (a1, b1), ...]`` (ms): windows ``(origin + a_i, origin + b_i]``,
  sorted and not overlapping (``b_i <= a_{i+1}``);
* ``period=P`` and ``duty=d`` (ms, fraction in (0, 1]): windows ``(origin + start +
  k P, origin + start + k P + d P]`` for ``k = 0, 1, ...``.

Windows are absolute (steps from time 0), so they hold across ``simulate`` calls and
checkpoints unchanged.  A spike (or transmission) is recorded when its stamp lies in
a window; a sampler samples at its sample times that lie in a window.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spikesim.errors import bad_property


def _on_grid(x: float, h: float) -> bool:
    return abs(x / h - round(x / h)) <= 1e-9


def _steps(x: float, h: float) -> int:
    return int(round(x / h))


def normalised_schedule(owner: str, value: Any) -> tuple[tuple[float, float], ...]:
    """``value`` as a tuple of ``(start, stop)`` pairs of floats (ms).

    Raises
    ------
    BadProperty
        If ``value`` is not a sequence of pairs of numbers.
    """
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise bad_property(owner, "schedule", value, "give a list of (start, stop) pairs in ms")
    out = []
    for w in value:
        if isinstance(w, np.ndarray):
            w = w.tolist()
        if not isinstance(w, (list, tuple)) or len(w) != 2 or not all(
                isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)
                and not math.isnan(x) for x in w):
            raise bad_property(owner, "schedule", value, f"each window must be a (start, stop) pair of ms, not {w!r}")
        out.append((float(w[0]), float(w[1])))
    return tuple(out)


def check_schedule(owner: str, p: dict[str, Any], h: float) -> None:
    """Check the schedule parameters of ``p`` (``schedule``, ``period``, ``duty``; ms).

    Raises
    ------
    BadProperty
        For a negative, infinite (except the last stop) or off-grid time, a window with
        ``stop <= start``, windows unsorted or overlapping, a negative ``period``, a
        ``duty`` outside (0, 1] or ``duty * period`` off the grid, or a schedule and a
        period both given.
    """
    sched = p.get("schedule", ())
    for i, (a, b) in enumerate(sched):
        if a < 0 or b < 0:
            raise bad_property(owner, "schedule", sched, f"window {i} ({a}, {b}) has a negative time")
        if b <= a:
            raise bad_property(owner, "schedule", sched, f"window {i} ({a}, {b}) must have stop > start")
        if math.isinf(a) or (math.isinf(b) and i != len(sched) - 1):
            raise bad_property(owner, "schedule", sched, f"window {i} ({a}, {b}): only the last stop may be inf")
        for x in (a, b):
            if not math.isinf(x) and not _on_grid(x, h):
                raise bad_property(owner, "schedule", sched,
                                   f"window {i} ({a}, {b}): times must be multiples of the resolution ({h} ms)")
        if i and a < sched[i - 1][1]:
            raise bad_property(owner, "schedule", sched, f"window {i} ({a}, {b}) begins before window {i - 1} "
                               f"{sched[i - 1]} ends; give sorted windows that do not overlap")
    period, duty = p.get("period", 0.0), p.get("duty", 1.0)
    if not (period >= 0) or math.isinf(period) or not _on_grid(period, h):
        raise bad_property(owner, "period", period, f"it must be 0 (no period) or a positive multiple of the "
                           f"resolution ({h} ms)")
    if not (0 < duty <= 1):
        raise bad_property(owner, "duty", duty, "it must be in (0, 1] (the fraction of each period recorded)")
    if period > 0 and not _on_grid(duty * period, h):
        raise bad_property(owner, "duty", duty, f"duty * period ({duty * period} ms) must be a multiple of the "
                           f"resolution ({h} ms)")
    if period > 0 and sched:
        raise bad_property(owner, "period", period, "give either a schedule or a period, not both")


class Windows:
    """The stamps (steps) at which a device records: its window ``(lo, hi]`` and the
    windows of its schedule or period (see the module).

    Parameters
    ----------
    lo, hi : int
        The device window as stamps ``(lo, hi]``.
    p : dict
        The device parameters (``origin``, ``start``, ``schedule``, ``period``, ``duty``; ms).
    h : float
        The resolution (ms).
    """

    def __init__(self, lo: int, hi: int, p: dict[str, Any], h: float) -> None:
        self.lo, self.hi = lo, hi
        o = _steps(p["origin"], h)
        sched = p.get("schedule", ())
        big = np.iinfo(np.int64).max // 4
        self.starts = np.array([o + _steps(a, h) for a, _ in sched], dtype=np.int64)
        self.stops = np.array([big if math.isinf(b) else o + _steps(b, h) for _, b in sched], dtype=np.int64)
        period = p.get("period", 0.0)
        self.period = _steps(period, h) if period > 0 else 0
        self.on = _steps(p.get("duty", 1.0) * period, h) if period > 0 else 0
        self.base = o + _steps(p["start"], h)
        #: whether the device window alone decides (no schedule, no period)
        self.simple = not sched and not self.period

    def mask(self, stamps: np.ndarray) -> np.ndarray:
        """Whether each stamp (steps, int64) lies in a window."""
        keep = (stamps > self.lo) & (stamps <= self.hi)
        if self.starts.size:
            i = np.searchsorted(self.starts, stamps, side="left") - 1
            ok = i >= 0
            keep &= ok & (stamps <= self.stops[np.maximum(i, 0)])
        elif self.period:
            keep &= (stamps > self.base) & ((stamps - self.base - 1) % self.period < self.on)
        return keep

    def range_mask(self, first: int, n: int) -> np.ndarray:
        """:meth:`mask` of the stamps ``first .. first + n - 1``."""
        return self.mask(np.arange(first, first + n, dtype=np.int64))

    def key(self) -> tuple[Any, ...]:
        """What the windows were computed from (a cache key)."""
        return (self.lo, self.hi, tuple(self.starts), tuple(self.stops), self.period, self.on, self.base)
