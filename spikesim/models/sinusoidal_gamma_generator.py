"""NEST's ``sinusoidal_gamma_generator``: inhomogeneous gamma processes with a sinusoidal rate.

The rate (spikes/s) at time ``t`` (ms) is ``rate + amplitude sin(2 pi frequency t / 1000
+ phase)``, with ``0 <= amplitude <= rate`` so it never goes negative.  As in NEST, each
train is drawn from its hazard: in a step ending at ``t`` a train that last spiked (or
started) at ``t0`` spikes with probability

    h * order * rate(t) * L**(order - 1) * exp(-L) / Gamma(order, L),

where ``L = order * integral_{t0}^{t} rate`` and ``Gamma(a, x)`` is the upper incomplete
gamma function.  The kernel draws the trains (see :mod:`spikesim.kernel.renewal`) from
counter-based streams keyed by the generator (and target), per slice in compiled code.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spikesim.errors import bad_property
from spikesim.models.generators import Generator
from spikesim.models.poisson_generators import SinusoidalPoissonGenerator


class SinusoidalGammaGenerator(Generator):
    """NEST's ``sinusoidal_gamma_generator``: gamma trains of order ``order`` whose rate
    (spikes/s) is ``rate + amplitude sin(2 pi frequency t + phase)``.

    ``rate`` and ``amplitude`` in spikes/s, ``frequency`` in Hz, ``phase`` in degrees,
    ``t`` (ms) the end of the drawing step.  Spikes are drawn in the steps ``s`` with
    ``start < s h <= stop`` (relative to ``origin``) and carry the stamp ``(s + 1) h``.
    With ``individual_spike_trains`` (default; a model default only, as in NEST) each
    connection gets its own train, otherwise all targets get the same one.  The hazard
    integral of a train runs on through inactive steps and across runs (with the
    parameters that held while it accumulated).  The recordable ``rate`` (spikes/s) is
    the rate at the end of each step, also outside the window.
    """

    name = "sinusoidal_gamma_generator"
    output = "poisson"
    sends = "poisson"
    params = {**Generator.params, "rate": 0.0, "amplitude": 0.0, "frequency": 0.0, "phase": 0.0, "order": 1.0,
              "individual_spike_trains": True}
    recordables = ("rate",)
    receives = "sample_requests"
    units = {"rate": "spikes/s"}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node: ``order`` >= 1, ``0 <= amplitude <= rate`` (spikes/s), the window.

        Raises
        ------
        BadProperty
            With NEST's rules: ``order`` below 1, ``amplitude`` negative or above
            ``rate``; a time off the grid of ``h`` ms.
        """
        super().check_node(p, h)
        if not (p["order"] >= 1.0):
            raise bad_property(cls.name, "order", p["order"], "The gamma order must be at least 1.")
        if not (0.0 <= p["amplitude"] <= p["rate"]):
            raise bad_property(cls.name, "amplitude", p["amplitude"],
                               f"Rate parameters must fulfill 0 <= amplitude <= rate (rate = {p['rate']} spikes/s)")
        if math.isinf(p["rate"]):
            raise bad_property(cls.name, "rate", p["rate"], "the rate must be finite (spikes/s)")

    @classmethod
    def settled(cls, old: dict[str, Any], vals: dict[str, Any], h: float, now: int = 0) -> dict[str, Any]:
        """As NEST: ``individual_spike_trains`` is a model default only (SetDefaults,
        CopyModel), never set on a node that exists.

        Raises
        ------
        BadProperty
            When a node's ``individual_spike_trains`` is set.
        """
        return SinusoidalPoissonGenerator.settled(old, vals, h, now)

    @staticmethod
    def constants(p: dict[str, Any]) -> tuple[float, float, float, float, float]:
        """``(rate, amplitude, omega, phi, order)``: rates in spikes/ms, omega in rad/ms, phi in rad."""
        return (float(p["rate"]) / 1000.0, float(p["amplitude"]) / 1000.0,
                2.0 * math.pi * float(p["frequency"]) / 1000.0, float(p["phase"]) * math.pi / 180.0,
                float(p["order"]))

    @classmethod
    def prepare_recording(cls, nodes: list[dict[str, Any]], ids: np.ndarray, targets: list[np.ndarray],
                          h: float, seed: int) -> Any:
        """What :meth:`recorded` needs: the sine of each node (targets do not matter)."""
        return SinusoidalPoissonGenerator.prepare_rates(nodes, h)

    @classmethod
    def recorded(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:
        """``rate`` (spikes/s) in the steps ``s0 .. s0+m-1``, shape (m, 1, nodes): the rate
        at the end of the step (never negative, since ``amplitude <= rate``)."""
        return SinusoidalPoissonGenerator.recorded(prepared, h, s0, m)
