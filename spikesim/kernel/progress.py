"""The progress bar of long runs (NEST's ``print_time``), on stderr."""

from __future__ import annotations

import sys
import time


def stderr_is_tty() -> bool:
    """Whether stderr is a terminal (a bar is shown there by default).

    Returns
    -------
    bool
        False also when stderr is closed or replaced by an object without ``isatty``.
    """
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """A one-line progress bar on stderr for runs longer than two seconds.

    Parameters
    ----------
    nsteps : int
        Steps the run advances (the bar's 100 %).
    h : float
        Resolution (ms per step), to show the simulated time.
    """

    def __init__(self, nsteps: int, h: float) -> None:
        self.nsteps = max(nsteps, 1)
        self.h = h
        self.t0 = time.perf_counter()
        self.last = self.t0
        self.shown = False

    def update(self, done: int) -> None:
        """Redraw the bar, at most every 0.5 s of wall time and only after the first 2 s.

        Parameters
        ----------
        done : int
            Steps of the run done so far.
        """
        now = time.perf_counter()
        if now - self.last < 0.5 or now - self.t0 < 2.0:
            return
        self.last = now
        self.shown = True
        frac = done / self.nsteps
        bar = "#" * int(30 * frac)
        sys.stderr.write(f"\r[{bar:<30}] {100 * frac:5.1f}%  {done * self.h:.1f} ms  "
                         f"{now - self.t0:.1f} s")
        sys.stderr.flush()

    def close(self) -> None:
        """End the bar's line, if it was drawn."""
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
