"""NEST's ignore-and-spike mechanism: a neuron that ignores its threshold and spikes on a clock.

With ``ignore_and_spike`` on, a neuron's own threshold crossings are ignored (its
membrane may rise above threshold without spiking) and it spikes instead in a fixed
rhythm: first ``ignore_and_spike_offset`` ms after the countdown started (after the
neuron was created or the offset was set), then every ``ignore_and_spike_interval``
ms.  A forced spike acts as a dynamic one does (reset, refractoriness).  Both times
are converted to steps as NEST's ``Time(ms(t)).get_steps()`` does (rounded to tics,
then up to whole steps); both must be > 0.

The countdown is a state row (steps until the next forced spike; -1 until it starts,
where it is loaded with the offset's steps; -2 when it will never fire), so it is carried through checkpoints and
does not depend on threads.  It runs only while the mechanism is on: switching it off
and on again continues it; setting the offset restarts it; setting the interval acts
from the next reload.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from spikesim.models.base import refractory_steps

#: the mechanism's parameters and NEST 3.10's defaults (ms for the times)
PARAMS: dict[str, Any] = {"ignore_and_spike": False, "ignore_and_spike_offset": 1.0,
                          "ignore_and_spike_interval": 100.0}
#: parameters that must be > 0 (NEST's BadProperty otherwise)
POSITIVE = ("ignore_and_spike_offset", "ignore_and_spike_interval")
#: the countdown state variable: (default, stored relative to): -1 until it starts
COUNTDOWN = "ignore_and_spike_countdown"
STATE = {COUNTDOWN: (-1.0, None)}


def derived_rows(P: dict[str, np.ndarray], h: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per neuron: whether the mechanism is on (1.0 / 0.0), and the offset and the
    interval in steps of ``h`` ms (as NEST converts them)."""
    on = np.asarray(P["ignore_and_spike"], dtype=float)
    return on, refractory_steps(P["ignore_and_spike_offset"], h), refractory_steps(P["ignore_and_spike_interval"], h)


def restart_countdown(S: np.ndarray, row: int, values: dict[str, Any], local: np.ndarray) -> None:
    """Restart, in place, the countdown (state row ``row``) of the neurons at ``local``
    when ``values`` sets their offset, as NEST does on every set of the offset."""
    if "ignore_and_spike_offset" in values:
        S[row, local] = -1.0


@njit(cache=True, inline="always")
def forced_spike(count: float, offset: float, interval: float) -> tuple[float, bool]:
    """One step of the countdown: the new count (steps) and whether a forced spike is
    due in this step; a count of -1 (not started) is loaded with ``offset`` steps.

    An offset or interval shorter than half a step is 0 steps: NEST's countdown then
    passes 0 before it is tested and never spikes again (until the offset is set);
    here it stays at -2, which is never due either."""
    c = offset if count == -1.0 else count
    c -= 1.0
    due = c == 0.0
    if due:
        c = interval
    elif c < 0.0:
        c = -2.0
    return c, due
