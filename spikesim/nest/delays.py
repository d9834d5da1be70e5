"""NEST's kernel ``min_delay`` and ``max_delay`` as the NEST face reports them.

NEST keeps the extremes of every connection delay it has seen: they only widen (a
connection's delay set back keeps the extreme), and the user's own ``min_delay`` and
``max_delay`` widen them further, rounded to the grid (``min_delay`` down,
``max_delay`` up, at the present resolution).  Without connections NEST reports the
user's settings, else one step.  Times are in ms.
"""

from __future__ import annotations

import math

from spikesim.core.simulator import Simulator
from spikesim.timegrid import TICS_PER_MS

__all__ = ["DelayBounds", "grid_delay"]


def _on_grid(t: float, tics_per_step: int, up: bool) -> float:
    """``t`` ms rounded down (``up``: up) to a whole number of steps of ``tics_per_step`` tics."""
    tics = round(t * TICS_PER_MS)
    steps = -(-tics // tics_per_step) if up else tics // tics_per_step
    return float(steps * tics_per_step / TICS_PER_MS)


def _carries_signals(sim: Simulator) -> bool:
    """Whether a connection other than a recorder's or sampler's exists (those do not
    bound spikesim's delays)."""
    return any(len(p) for (_, route), p in sim.connector.projections.items() if route not in ("record", "sample"))


def grid_delay(sim: Simulator, d: float) -> float:
    """A delay (ms) as NEST keeps and reports it: a whole number of steps of the present
    resolution (``floor(d / h + 0.5)``), in ms as steps times NEST's ms per step (so 1.15
    at h = 0.1 is 1.2000000000000002, as NEST says)."""
    steps = int(math.floor(d * (1.0 / sim.grid.resolution) + 0.5))
    return float(steps * (sim.grid.tics_per_step / TICS_PER_MS))


class DelayBounds:
    """The user's ``min_delay``/``max_delay`` (ms, as given) and the extreme delays seen (ms)."""

    def __init__(self) -> None:
        self.user: list[float | None] = [None, None]
        self.seen: list[float | None] = [None, None]

    def user_bounds(self, sim: Simulator) -> tuple[float | None, float | None]:
        """The user's settings rounded as NEST rounds them (ms), ``None`` where not set."""
        lo, hi = self.user
        tps = sim.grid.tics_per_step
        return (None if lo is None else _on_grid(lo, tps, False)), (None if hi is None else _on_grid(hi, tps, True))

    def report(self, sim: Simulator) -> tuple[float, float]:
        """NEST's ``min_delay`` and ``max_delay`` now (ms); notes the present extremes."""
        now = (sim.min_delay, sim.max_delay)
        if _carries_signals(sim):
            self.seen = [now[0] if self.seen[0] is None else min(self.seen[0], now[0]),
                         now[1] if self.seen[1] is None else max(self.seen[1], now[1])]
        out = []
        for mine, user, pick in zip(self.seen, self.user_bounds(sim), (min, max), strict=True):
            vals = [v for v in (mine, user) if v is not None]
            out.append(pick(vals) if vals else now[0])
        return out[0], out[1]
