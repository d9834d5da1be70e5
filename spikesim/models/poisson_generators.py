"""Poisson generators with a rate that changes in time: sinusoidal_poisson_generator and
inhomogeneous_poisson_generator.

Each draws, in every step ``s`` of its window (``start < s h <= stop`` relative to
``origin``, as ``poisson_generator``), a Poisson count of mean ``rate(s) h`` for each
target (or one count shared by all targets), stamped ``(s + 1) h``.  The kernel takes
the mean counts of all generators of a model per slice (:meth:`RatePoissonGenerator.lambdas`)
and draws from counter-based streams keyed by generator and target node ids.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numba import njit

from spikesim.errors import bad_property
from spikesim.models.generators import Generator
from spikesim.timegrid import TICS_PER_MS


class RatePoissonGenerator(Generator):
    """Common part of Poisson generators whose rate (spikes/s) is a function of time."""

    output = "poisson"
    sends = "poisson"
    params: ClassVar[dict[str, Any]] = {**Generator.params}

    @classmethod
    def individual(cls, p: dict[str, Any]) -> bool:
        """Whether each target gets its own train (else all share one)."""
        return True

    @classmethod
    def prepare_rates(cls, nodes: list[dict[str, Any]], h: float) -> Any:  # pragma: no cover
        """What :meth:`lambdas` needs for these nodes; each model defines it."""
        raise NotImplementedError("each rate Poisson generator defines prepare_rates()")

    @classmethod
    def lambdas(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:  # pragma: no cover
        """Mean count per step (rate x h, 0 outside the window), shape (m, nodes)."""
        raise NotImplementedError("each rate Poisson generator defines lambdas()")

    @classmethod
    def _windows(cls, nodes: list[dict[str, Any]], h: float) -> np.ndarray:
        return np.array([cls.window(p, h) for p in nodes], dtype=np.int64).reshape(-1, 2)


class SinusoidalPoissonGenerator(RatePoissonGenerator):
    """NEST's ``sinusoidal_poisson_generator``: Poisson trains of rate
    ``max(0, rate + amplitude sin(2 pi frequency t + phase))`` (spikes/s).

    ``rate`` and ``amplitude`` in spikes/s, ``frequency`` in Hz, ``phase`` in degrees,
    ``t`` (ms) the end of the drawing step.  With ``individual_spike_trains`` (default)
    each target gets its own train, otherwise all targets get the same one.
    """

    name = "sinusoidal_poisson_generator"
    params = {**Generator.params, "rate": 0.0, "amplitude": 0.0, "frequency": 0.0, "phase": 0.0,
              "individual_spike_trains": True}
    recordables = ("rate",)
    receives = "sample_requests"
    units = {"rate": "spikes/s"}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's window (ms, on the grid of ``h`` ms) and ``individual_spike_trains``.

        Raises
        ------
        BadProperty
            When a time is off the grid or ``individual_spike_trains`` is not a bool.
        """
        super().check_node(p, h)
        if not isinstance(p["individual_spike_trains"], bool | np.bool_):
            raise bad_property(cls.name, "individual_spike_trains", p["individual_spike_trains"],
                               "it must be True or False")

    @classmethod
    def settled(cls, old: dict[str, Any], vals: dict[str, Any], h: float, now: int = 0) -> dict[str, Any]:
        """As NEST: ``individual_spike_trains`` is a model default only (SetDefaults,
        CopyModel), never set on a node that exists.

        Raises
        ------
        BadProperty
            When a node's ``individual_spike_trains`` is set.
        """
        if old and "individual_spike_trains" in vals:
            raise bad_property(cls.name, "individual_spike_trains", vals["individual_spike_trains"],
                               "The individual_spike_trains property can only be set as a model default "
                               "using SetDefaults or upon CopyModel")
        return vals

    @classmethod
    def individual(cls, p: dict[str, Any]) -> bool:
        """Whether each target gets its own train (``individual_spike_trains``)."""
        return bool(p["individual_spike_trains"])

    @classmethod
    def prepare_rates(cls, nodes: list[dict[str, Any]], h: float) -> Any:
        """Rows (rate, amplitude in spikes/ms, omega in 1/ms, phase in rad) and windows (steps)."""
        par = np.array([(p["rate"] / 1000.0, p["amplitude"] / 1000.0, 2.0 * math.pi * p["frequency"] / 1000.0,
                         p["phase"] * math.pi / 180.0) for p in nodes], dtype=np.float64).reshape(-1, 4)
        return par, cls._windows(nodes, h)

    @classmethod
    def lambdas(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:
        """Mean count per step (rate x h, 0 outside the window), shape (m, nodes)."""
        par, win = prepared
        return _sine_lambdas(par, win, h, s0, m)

    @classmethod
    def prepare_recording(cls, nodes: list[dict[str, Any]], ids: np.ndarray, targets: list[np.ndarray],
                          h: float, seed: int) -> Any:
        """What :meth:`recorded` needs: the data of :meth:`prepare_rates` (targets do not matter)."""
        return cls.prepare_rates(nodes, h)

    @classmethod
    def recorded(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:
        """``rate`` (spikes/s) in each step ``s0 .. s0+m-1``, shape (m, 1, nodes).

        As NEST records it: ``max(0, rate + amplitude sin(2 pi frequency t + phase))`` with
        ``t`` the end of the step, also outside the window (the oscillator runs on while
        the generator sends nothing).
        """
        par, _ = prepared
        return _sine_rates(par, h, s0, m)[:, None, :]


@njit(cache=True)
def _sine_lambdas(par: np.ndarray, win: np.ndarray, h: float, s0: int, m: int) -> np.ndarray:
    out = np.zeros((m, par.shape[0]))
    for g in range(par.shape[0]):
        for i in range(m):
            s = s0 + i
            if win[g, 0] < s <= win[g, 1]:
                r = par[g, 0] + par[g, 1] * math.sin(par[g, 2] * (s + 1) * h + par[g, 3])
                out[i, g] = max(r, 0.0) * h
    return out


@njit(cache=True)
def _sine_rates(par: np.ndarray, h: float, s0: int, m: int) -> np.ndarray:
    """Rates (spikes/s) in the steps ``s0 .. s0+m-1`` whatever the window."""
    out = np.zeros((m, par.shape[0]))
    for g in range(par.shape[0]):
        for i in range(m):
            r = par[g, 0] + par[g, 1] * math.sin(par[g, 2] * (s0 + i + 1) * h + par[g, 3])
            out[i, g] = max(r, 0.0) * 1000.0
    return out


class InhomogeneousPoissonGenerator(RatePoissonGenerator):
    """NEST's ``inhomogeneous_poisson_generator``: Poisson trains, one per target, whose
    rate (spikes/s) is ``rate_values[i]`` from ``rate_times[i]`` (ms) on (0 before the first).

    Times must be strictly increasing, > 0 and on the grid of the resolution unless
    ``allow_offgrid_times`` (then a time counts from the end of the step it falls in).
    """

    name = "inhomogeneous_poisson_generator"
    params = {**Generator.params, "rate_times": (), "rate_values": (), "allow_offgrid_times": False}

    @classmethod
    def settled(cls, old: dict[str, Any], vals: dict[str, Any], h: float, now: int = 0) -> dict[str, Any]:
        """As NEST: ``rate_times`` and ``rate_values`` are set together; with
        ``allow_offgrid_times`` a time off the grid of ``h`` ms is stored rounded up to
        the end of its step; ``allow_offgrid_times`` changes only with rate times or
        while none are set.

        Raises
        ------
        BadProperty
            When only one of ``rate_times`` and ``rate_values`` is set, or
            ``allow_offgrid_times`` alone while rate times are set.
        """
        if ("rate_times" in vals) != ("rate_values" in vals):
            key = "rate_times" if "rate_times" in vals else "rate_values"
            raise bad_property(cls.name, key, vals[key], "Rate times and values must be reset together "
                               "(set rate_times and rate_values in one call)")
        if "rate_times" not in vals:
            if "allow_offgrid_times" in vals and len(old.get("rate_times", ())) > 0:
                raise bad_property(cls.name, "allow_offgrid_times", vals["allow_offgrid_times"],
                                   "Option can only be set together with rate times or if no rate times have "
                                   "been set")
            return vals
        if not vals.get("allow_offgrid_times", old.get("allow_offgrid_times", False)):
            return vals
        t = np.asarray(vals["rate_times"], dtype=float).ravel()
        tics = round(h * TICS_PER_MS)  # a step's length in tics: times stored as NEST's grid times
        return {**vals, "rate_times": tuple(float(k) * tics / TICS_PER_MS for k in _steps(t, h))}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's parameters (times in ms, rates in spikes/s); the messages
        carry NEST's texts.

        Raises
        ------
        BadProperty
            When times and values differ in number, times are not strictly increasing,
            not > 0, or off the grid without ``allow_offgrid_times``.
        """
        super().check_node(p, h)
        t = np.asarray(p["rate_times"], dtype=float).ravel()
        v = np.asarray(p["rate_values"], dtype=float).ravel()
        if t.size != v.size:
            raise bad_property(cls.name, "rate_values", v.tolist(), f"Rate times and values have to be the same "
                               f"size (rate_times = {t.tolist()})")
        if t.size and not (t[0] > 0):
            raise bad_property(cls.name, "rate_times", float(t[0]), "Time points must lie strictly in the future.")
        if not p["allow_offgrid_times"]:
            off = np.abs(t / h - np.round(t / h)) > 1e-9
            if off.any():
                raise bad_property(cls.name, "rate_times", float(t[off][0]),
                                   f"Time point {float(t[off][0]):g} is not representable in current resolution "
                                   f"({h} ms); give multiples of it or set allow_offgrid_times")
        k = _steps(t, h)
        if k.size > 1 and np.any(np.diff(k) <= 0):
            raise bad_property(cls.name, "rate_times", list(t[:6]), "Rate times must be strictly increasing")

    @classmethod
    def prepare_rates(cls, nodes: list[dict[str, Any]], h: float) -> Any:
        """Per node: the steps where the rate changes and the rates (spikes/ms); windows (steps)."""
        tables = [(_steps(np.asarray(p["rate_times"], dtype=float).ravel(), h),
                   np.asarray(p["rate_values"], dtype=float).ravel() / 1000.0) for p in nodes]
        return tables, cls._windows(nodes, h)

    @classmethod
    def lambdas(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:
        """Mean count per step (rate x h, 0 outside the window), shape (m, nodes)."""
        tables, win = prepared
        s = np.arange(s0, s0 + m)
        out = np.zeros((m, len(tables)))
        for g, (ks, rates) in enumerate(tables):  # per slice and generator, not per step
            idx = np.searchsorted(ks, s + 1, side="right") - 1  # rate time k applies from step k - 1 on
            lam = np.where(idx >= 0, rates[np.maximum(idx, 0)] if rates.size else 0.0, 0.0) * h
            out[:, g] = np.where((s > win[g, 0]) & (s <= win[g, 1]), np.maximum(lam, 0.0), 0.0)
        return out


def _steps(t: np.ndarray, h: float) -> np.ndarray:
    """Steps of times (ms): on-grid times exactly, others rounded up to the end of their step."""
    return np.ceil(t / h - 1e-9).astype(np.int64)
