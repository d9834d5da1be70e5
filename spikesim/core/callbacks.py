"""Functions called at fixed times during a run (``Simulator.every``).

Brian2's ``network_operation``, ANNarchy's ``every`` and PyNN's ``run(callbacks=)``
in one form: ``sim.every(period, fn, offset)`` calls ``fn(sim)`` whenever the clock
stands at ``offset + k * period`` (ms, k = 0, 1, 2 ...) inside a ``simulate`` call.
The run is split exactly there, so the call sees the state after every step up to
that time has been integrated and its spikes delivered, and may read state and
recordings or change parameters (the change acts from the next step on).

The times are absolute (counted from t = 0, not from when the function was
registered), so a run continued from a checkpoint, with the function registered
again, calls it at the same times.  Splitting a run there changes no result: the
engine's slices are aligned to ``min_delay`` from t = 0 whatever the calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spikesim.errors import KernelException, bad_property
from spikesim.kernel.progress import Progress
from spikesim.timegrid import GRID_TOL, TimeGrid


@dataclass
class Scheduled:
    """One registered function: called at steps ``offset + k * period`` (in steps).

    Attributes
    ----------
    fn : callable
        Called as ``fn(sim)``.
    period, offset : int
        Steps between calls and of the first call.
    next_due : int
        Step of the next call.
    active : bool
        False once :meth:`cancel` was called.
    """

    fn: Callable[[Any], object]
    period: int
    offset: int
    next_due: int
    active: bool = True

    def cancel(self) -> None:
        """Stop calling the function (from now on, also from inside a call)."""
        self.active = False


class Callbacks:
    """The functions registered with ``Simulator.every`` and the run split at their times.

    Parameters
    ----------
    grid : TimeGrid
        The resolution and the clock.
    """

    def __init__(self, grid: TimeGrid) -> None:
        self.grid = grid
        self.items: list[Scheduled] = []
        #: True while a registered function runs (a nested ``simulate`` is refused)
        self.inside = False

    def add(self, period: float, fn: Callable[[Any], object], offset: float = 0.0,
            names: tuple[str, str, str] = ("every", "period", "offset")) -> Scheduled:
        """Register ``fn``; see :meth:`spikesim.Simulator.every`.  ``names``: the caller
        and its names of ``period`` and ``offset``, for error messages.

        A time already past when ``fn`` is registered is skipped; a time at which the
        clock stands when ``simulate`` starts or ends is called then, each time once.

        Raises
        ------
        BadProperty
            If ``fn`` is not callable, or ``period`` (ms, > 0) or ``offset`` (ms, >= 0)
            is not a finite multiple of the resolution.

        Examples
        --------
        >>> import spikesim
        >>> sim = spikesim.Simulator()
        >>> n = sim.create("iaf_psc_alpha", 1, {"I_e": 400.0})
        >>> seen = []
        >>> handle = sim.every(10.0, lambda s: seen.append(round(s.time, 1)))
        >>> _ = sim.simulate(25.0)
        >>> seen
        [0.0, 10.0, 20.0]
        """
        owner, p_name, o_name = names
        if not callable(fn):
            raise bad_property(owner, "fn", fn, "it must be a callable taking the simulator")
        p = self._steps(owner, p_name, period, positive=True)
        o = self._steps(owner, o_name, offset, positive=False)
        now = self.grid.step
        k = 0 if now <= o else -(-(now - o) // p)  # the first due step at or after the clock
        item = Scheduled(fn, p, o, o + k * p)
        self.items.append(item)
        return item

    def _steps(self, owner: str, name: str, value: float, positive: bool) -> int:
        """``value`` ms as whole steps; raises BadProperty naming ``name``."""
        rule = "> 0" if positive else ">= 0"
        h = self.grid.resolution
        if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
                or not (value > 0 if positive else value >= 0)):
            raise bad_property(owner, name, value, f"it must be a finite number of ms {rule}")
        steps = value / h
        if abs(steps - round(steps)) > GRID_TOL * max(1.0, steps):
            raise bad_property(owner, name, value, f"it must be a multiple of the resolution ({h} ms)")
        return int(round(steps))

    def rewind(self) -> None:
        """The clock went back to 0 (``Simulator.reset``): every function is due at its offset."""
        for c in self.items:
            c.next_due = c.offset

    def check_outside(self, what: str) -> None:
        """Refuse ``what`` (e.g. ``simulate``) from inside a registered function.

        Raises
        ------
        KernelException
            If a registered function is running.
        """
        if self.inside:
            raise KernelException(f"{what}: called from a function registered with Simulator.every; such a "
                                  "function may read and set state but not run the simulation")

    def run(self, advance: Callable[[int, bool | None], None], nsteps: int, sim: Any,
            progress: bool | None = None) -> None:
        """Advance ``nsteps`` steps with ``advance(k, progress)``, calling the due functions
        on the way; one progress bar covers the whole run (see :mod:`spikesim.kernel.progress`).

        A function due at the clock's time when the run starts, or at its end, is called
        then; each due time is called once.
        """
        self.items = [c for c in self.items if c.active]
        if not self.items:
            advance(nsteps, progress)
            return
        start = self.grid.step
        end = start + nsteps
        bar = Progress(nsteps, self.grid.resolution, bool(sim.print_time), progress)
        try:
            while True:
                self._call_due(sim)
                now = self.grid.step
                if now >= end:
                    return
                due = [c.next_due for c in self.items if c.active and c.next_due > now]
                advance(min([end, *due]) - now, False)
                bar.update(self.grid.step - start)
        finally:
            bar.close()

    def _call_due(self, sim: Any) -> None:
        """Call every function due at the clock's step, in the order they were registered."""
        now = self.grid.step
        for c in list(self.items):
            if c.active and c.next_due == now:
                c.next_due += c.period
                self.inside = True
                try:
                    c.fn(sim)
                finally:
                    self.inside = False
