"""The time grid and the clock: the one place that knows resolution, tics and steps.

Time is NEST's: a grid of steps of ``resolution`` ms, each a whole number of tics
(1 tic = 0.001 ms).  A time in ms is computed from steps as ``steps x tics_per_step
x 0.001`` (so ``0.7000000000000001`` ms is what NEST reports too); a time in ms is
rounded to the nearest step with halves up (NEST's ``ld_round``).  The clock
``step`` counts the steps simulated so far; ``time`` is the same in ms.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spikesim.errors import bad_property

#: tics per ms (NEST's default, fixed here)
TICS_PER_MS = 1000.0
#: a time this close (in steps) to a grid point counts as on it
GRID_TOL = 1e-9


def ms_to_steps(t: float, h: float) -> int:
    """Round a time in ms to the nearest grid step of ``h`` ms, halves up.

    Infinite times map to ``+-2**62`` steps (an open window end).

    >>> ms_to_steps(0.25, 0.1)
    3
    """
    if math.isinf(t):
        return 2**62 if t > 0 else -(2**62)
    return int(math.floor(t / h + 0.5))


def check_resolution(h: Any) -> float:
    """``h`` as a float, or :class:`~spikesim.errors.BadProperty` when it is not a
    positive whole number of tics (ms)."""
    if isinstance(h, bool) or not isinstance(h, (int, float, np.integer, np.floating)) or not h > 0 \
            or math.isinf(h):
        raise bad_property("Simulator", "resolution", h, "it must be a positive number of ms")
    if abs(h * TICS_PER_MS - round(h * TICS_PER_MS)) > GRID_TOL:
        raise bad_property("Simulator", "resolution", h, "it must be a multiple of 0.001 ms (one tic)")
    return float(h)


class TimeGrid:
    """Resolution, tics and the clock of one simulator.

    Parameters
    ----------
    resolution : float
        Step size h in ms, a whole number of tics (0.001 ms).

    Raises
    ------
    BadProperty
        If ``resolution`` is not a positive multiple of 0.001 ms.

    Examples
    --------
    >>> grid = TimeGrid(0.1)
    >>> grid.tics_per_step, grid.ms_to_steps(1.0), float(grid.steps_to_ms(np.array([7]))[0])
    (100, 10, 0.7000000000000001)
    """

    def __init__(self, resolution: float) -> None:
        self.resolution = check_resolution(resolution)
        #: steps simulated so far (the clock)
        self.step = 0

    @property
    def tics_per_step(self) -> int:
        """Tics (0.001 ms) in one step."""
        return round(self.resolution * TICS_PER_MS)

    @property
    def time(self) -> float:
        """The clock in ms (``step`` converted as NEST does)."""
        return float(self.steps_to_ms(np.array([self.step]))[0])

    def set_resolution(self, h: float) -> None:
        """Change the resolution (ms); the caller checks that nothing depends on it yet."""
        self.resolution = check_resolution(h)

    def steps_to_ms(self, steps: np.ndarray) -> np.ndarray:
        """Times in ms of grid steps, as NEST computes them (tics x 0.001 ms)."""
        tics = self.tics_per_step
        if tics == 1000:
            return np.asarray(steps, dtype=np.float64)
        return (np.asarray(steps, dtype=np.int64) * tics) * (1.0 / TICS_PER_MS)

    def ms_to_steps(self, t: float) -> int:
        """The step nearest to ``t`` ms (halves up; infinite times to +-2**62)."""
        return ms_to_steps(t, self.resolution)

    def on_grid(self, t: float) -> bool:
        """Whether ``t`` ms is a whole number of steps (infinite times are)."""
        return math.isinf(t) or abs(t / self.resolution - round(t / self.resolution)) <= GRID_TOL

    def check_on_grid(self, owner: str, key: str, t: float) -> None:
        """Raise :class:`~spikesim.errors.BadProperty` unless ``t`` ms is on the grid."""
        if not self.on_grid(t):
            raise bad_property(owner, key, t, f"it must be a multiple of the resolution ({self.resolution} ms)")
