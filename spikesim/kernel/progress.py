"""The progress bar of long runs (NEST's ``print_time``) and the run messages of the log.

The bar is tqdm's (``tqdm.auto``: a widget in Jupyter, a text line on stderr elsewhere),
with the simulated time (ms), the rate (simulated ms per wall-clock second) and the
ETA.  When it is shown (:func:`progress_wanted`):

* asked for (``simulate(t, progress=True)``, or ``print_time`` on): from the start
  of the run, also when stderr is not a terminal;
* not asked (``progress=None``, ``print_time`` off): only when stderr is a terminal
  and only once the run has lasted :data:`AUTO_DELAY` s, so CI logs and short runs
  stay clean;
* ``progress=False``: never.

Every run also logs one INFO message to ``logging.getLogger("spikesim")`` (simulated
ms, wall-clock s); the package's logger has a ``NullHandler``, so nothing is printed
unless the application configures logging (``logging.basicConfig(level="INFO")``) or
``nest.set_verbosity`` lowers its level and a handler is installed.
"""

from __future__ import annotations

import logging
import sys
import time
import warnings
from typing import Any

from spikesim.errors import SpikesimWarning

#: the package's logger; applications add handlers, the library only a NullHandler
LOGGER = logging.getLogger("spikesim")
LOGGER.addHandler(logging.NullHandler())

#: wall-clock seconds a run lasts before an unasked bar appears (on a terminal only)
AUTO_DELAY = 2.0
#: the bar's line: percentage, simulated ms, elapsed<remaining wall time, rate
BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} ms [{elapsed}<{remaining}, {rate_fmt}]"

_missing_tqdm_warned = False


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


def progress_wanted(print_time: bool, asked: bool | None) -> tuple[bool, float]:
    """Whether a run shows a bar, and after how many wall-clock seconds (s).

    Parameters
    ----------
    print_time : bool
        The kernel's ``print_time`` (NEST's switch for the run's progress).
    asked : bool or None
        The run's ``progress`` argument: True shows, False hides, None decides
        (``print_time``, else a terminal on stderr).

    Returns
    -------
    (bool, float)
        Shown or not; the delay (0 when asked for, :data:`AUTO_DELAY` otherwise).
    """
    if asked is not None:
        return bool(asked), 0.0
    if print_time:
        return True, 0.0
    return stderr_is_tty(), AUTO_DELAY


def _tqdm_class() -> Any:
    """``tqdm.auto.tqdm``, or None (with one warning naming the package) when tqdm is missing."""
    global _missing_tqdm_warned
    try:
        from tqdm.auto import tqdm
    except ImportError:
        if not _missing_tqdm_warned:
            _missing_tqdm_warned = True
            warnings.warn("the progress bar needs tqdm: pip install tqdm (running without a bar)",
                          SpikesimWarning, stacklevel=4)
        return None
    return tqdm


class Progress:
    """The progress of one run: a tqdm bar (when shown) and a log message at the end.

    Parameters
    ----------
    nsteps : int
        Steps the run advances (the bar's 100 %).
    h : float
        Resolution (ms per step): the bar counts simulated ms.
    print_time : bool, default True
        The kernel's ``print_time``; with the default and ``asked=None`` the bar is shown
        (the engine used to create a Progress only when it wanted a bar).
    asked : bool or None, default None
        The run's ``progress`` argument (see :func:`progress_wanted`).
    desc : str, default "simulate"
        The bar's label.
    """

    def __init__(self, nsteps: int, h: float, print_time: bool = True, asked: bool | None = None,
                 desc: str = "simulate") -> None:
        self.nsteps = max(int(nsteps), 0)
        self.h = float(h)
        self.desc = desc
        self.t0 = time.perf_counter()
        self.done = 0
        self.closed = False
        self.bar: Any = None
        show, delay = progress_wanted(print_time, asked)
        if show and self.nsteps > 0:
            tqdm = _tqdm_class()
            if tqdm is not None:
                # counted in steps, shown in ms (unit_scale): the bar ends exactly at 100 %
                self.bar = tqdm(total=self.nsteps, unit_scale=self.h, desc=desc, unit="ms", delay=delay,
                                bar_format=BAR_FORMAT, file=sys.stderr, leave=True, dynamic_ncols=True)

    @property
    def shown(self) -> bool:
        """Whether a bar exists (it may still wait for its delay)."""
        return self.bar is not None

    def update(self, done: int) -> None:
        """Move the bar to ``done`` steps of the run (tqdm redraws at most ~10 times a second).

        Parameters
        ----------
        done : int
            Steps of the run done so far (not an increment).
        """
        if done > self.done and self.bar is not None:
            self.bar.update(int(done) - self.done)
        self.done = max(self.done, int(done))

    def close(self) -> None:
        """Close the bar and log the run (simulated ms, wall-clock s) at INFO; idempotent."""
        if self.closed:
            return
        self.closed = True
        if self.bar is not None:
            self.bar.close()
        wall = time.perf_counter() - self.t0
        LOGGER.info("%s: %.1f ms simulated of %.1f ms in %.2f s of wall-clock time", self.desc,
                    self.done * self.h, self.nsteps * self.h, wall)
