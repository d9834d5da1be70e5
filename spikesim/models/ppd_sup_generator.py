"""NEST's ``ppd_sup_generator``: superpositions of Poisson processes with dead time.

Each connection gets its own superposition of ``n_proc`` processes, each a Poisson
process of rate ``rate`` (spikes/s) with a dead time ``dead_time`` (ms), optionally
modulated by ``1 + relative_amplitude sin(2 pi frequency t)``.  As in NEST, a
connection's state is its age distribution: how many component processes are free
(active) and how many are in each of the ``int(dead_time / h)`` steps of their dead
time.  The kernel draws the trains per slice in compiled code (see
:mod:`spikesim.kernel.renewal`) from counter-based streams keyed by generator and target.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spikesim.errors import bad_property
from spikesim.models.generators import Generator


class PpdSupGenerator(Generator):
    """NEST's ``ppd_sup_generator``: per target, ``n_proc`` superposed Poisson processes
    of ``rate`` (spikes/s) each with dead time ``dead_time`` (ms).

    Active in the steps ``s`` with ``start < s h <= stop`` (ms, relative to ``origin``);
    in each, the free processes of a connection fire with probability
    ``h / (1000 / rate - dead_time) * (1 + relative_amplitude sin(2 pi frequency s h / 1000))``
    (``frequency`` in Hz), and the spikes carry the stamp ``(s + 1) h``.  A process that
    fired stays dead for ``int(dead_time / h)`` steps.  Connections start (as in NEST)
    from ``int(rate h n_proc / 1000)`` processes in each dead-time step, the rest free.
    NEST draws a Poisson number instead of a binomial one for large occupations with
    small probabilities; spikesim draws the exact binomial.
    """

    name = "ppd_sup_generator"
    output = "poisson"
    sends = "poisson"
    params = {**Generator.params, "rate": 0.0, "dead_time": 0.0, "n_proc": 1, "frequency": 0.0,
              "relative_amplitude": 0.0}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node: ``dead_time`` (ms) >= 0, ``1000 / rate`` (ms) > ``dead_time``,
        ``n_proc`` >= 1, ``relative_amplitude`` in [0, 1], the window.

        Raises
        ------
        BadProperty
            With NEST's rules and messages.
        """
        super().check_node(p, h)
        if not (p["dead_time"] >= 0):
            raise bad_property(cls.name, "dead_time", p["dead_time"], "The dead time cannot be negative.")
        rate = float(p["rate"])
        if (1000.0 / rate if rate != 0 else math.copysign(math.inf, rate)) <= p["dead_time"] or math.isinf(rate):
            raise bad_property(cls.name, "rate", p["rate"], f"The inverse rate has to be larger than the dead "
                               f"time (dead_time = {p['dead_time']} ms, 1000 / rate in ms).")
        n = p["n_proc"]
        if isinstance(n, (bool, np.bool_)) or not float(n).is_integer() or n < 1:
            raise bad_property(cls.name, "n_proc", n,
                               "The number of component processes cannot be smaller than one (an integer)")
        if not (0.0 <= p["relative_amplitude"] <= 1.0):
            raise bad_property(cls.name, "relative_amplitude", p["relative_amplitude"],
                               "The relative amplitude of the rate modulation must be in [0,1].")

    @staticmethod
    def constants(p: dict[str, Any], h: float) -> tuple[float, float, float, int, int]:
        """``(hazard per step, relative amplitude, omega in rad/ms, dead-time steps, n_proc)``;
        hazard 0 when ``rate`` is 0 or the modulation is off (amplitude or frequency 0)."""
        rate = float(p["rate"])
        hazard = h / (1000.0 / rate - float(p["dead_time"])) if rate > 0 else 0.0
        modulated = p["relative_amplitude"] > 0.0 and p["frequency"] != 0.0
        amp = float(p["relative_amplitude"]) if modulated else 0.0
        return hazard, amp, 2.0 * math.pi * float(p["frequency"]) / 1000.0, int(p["dead_time"] / h), int(p["n_proc"])

    @staticmethod
    def initial_age(p: dict[str, Any], h: float) -> np.ndarray:
        """NEST's starting state ``[free, dead-time steps...]`` (processes) of a connection."""
        bins = int(p["dead_time"] / h)
        n = int(p["n_proc"])
        occ0 = int(float(p["rate"]) / 1000.0 * n * h)
        out = np.full(bins + 1, occ0, dtype=np.float64)
        out[0] = n - occ0 * bins
        return out
