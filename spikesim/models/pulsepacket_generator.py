"""pulsepacket_generator: packets of spikes scattered normally around pulse times.

The train is drawn once, when the simulator prepares, from a stream keyed by the seed and
the generator's node id, and is sent to all targets like a ``spike_generator``'s: it does
not depend on threads, processes or checkpoints.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim import rng
from spikesim.errors import bad_property
from spikesim.models.generators import Generator


class PulsepacketGenerator(Generator):
    """NEST's ``pulsepacket_generator``: for each of ``pulse_times`` (ms), ``activity`` spikes
    at times drawn from a normal distribution of standard deviation ``sdev`` (ms).

    A spike drawn at ``x`` ms is emitted in step ``ceil(x / h)`` (stamp one step later) when
    that step lies in the window ``start < s h <= stop`` (relative to ``origin``); spikes
    before 0 ms are dropped.  NEST checks the window once per slice; spikesim per step.
    """

    name = "pulsepacket_generator"
    output = "spike"
    sends = "spikes"
    params = {**Generator.params, "pulse_times": (), "activity": 0, "sdev": 0.0}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's parameters (``activity`` spikes per pulse, ``sdev`` in ms).

        Raises
        ------
        BadProperty
            When ``activity`` or ``sdev`` is negative, or ``activity`` is not an integer.
        """
        super().check_node(p, h)
        a = p["activity"]
        if isinstance(a, bool) or not float(a).is_integer():
            raise bad_property(cls.name, "activity", a, "it must be an integer number of spikes per pulse")
        if not (a >= 0):
            raise bad_property(cls.name, "activity", a, "the activity cannot be negative")
        if not (p["sdev"] >= 0):
            raise bad_property(cls.name, "sdev", p["sdev"], "the standard deviation cannot be negative (ms)")
        t = np.asarray(p["pulse_times"], dtype=float)
        if t.ndim != 1 or not np.all(np.isfinite(t)):
            raise bad_property(cls.name, "pulse_times", p["pulse_times"], "it must be a 1-d list of finite times (ms)")

    @classmethod
    def draw_schedule(cls, p: dict[str, Any], h: float, seed: int, node: int) -> tuple[np.ndarray, np.ndarray]:
        """Stamp steps of the spikes of node ``node`` (1-based id) and their multiplicities."""
        t = np.sort(np.asarray(p["pulse_times"], dtype=float))
        a = int(p["activity"])
        if t.size == 0 or a == 0:
            return np.zeros(0, np.int64), np.zeros(0)
        g = rng.generator(seed, node, rng.PURPOSE_GENERATOR)
        x = (t[:, None] + p["sdev"] * g.standard_normal((t.size, a))).ravel()
        tics = np.floor(x * 1000.0 + 0.5).astype(np.int64)  # NEST's time in tics of 1 us, rounded half up
        tics = tics[tics >= 0]
        tps = round(h * 1000.0)
        k = -(-tics // tps)  # the step a spike falls in: tics rounded up to a whole step
        lo, hi = cls.window(p, h)
        k = k[(k > lo) & (k <= hi)]
        steps, mult = np.unique(k + 1, return_counts=True)
        return steps, mult.astype(np.float64)
