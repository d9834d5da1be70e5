"""Stimulation devices: spike_generator, poisson_generator, dc_generator,
step_current_generator and ac_generator.

Generators are devices: their parameters are kept per node as plain values and the
kernel turns them, once per time slice, into spikes, Poisson rates or current
amplitudes for all generators of a model at once.

Activity windows follow NEST's stimulation devices, relative to ``origin``:

* a ``spike_generator`` emits the spikes stamped in ``(start, stop]``;
* a ``poisson_generator`` draws in the steps ``s`` with ``start < s h <= stop``; its
  spikes carry the stamp ``(s + 1) h``, so the first can come at ``start + 2h``;
* current generators send in step ``s`` when ``start < (s + 2) h <= stop``; a current
  sent in step ``s`` with delay ``d`` is read by the target in step ``s + d`` and acts
  on the membrane from step ``s + d + 1`` on.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numba import njit

from spikesim.errors import bad_property
from spikesim.models.base import Model, ms_to_steps


class Generator(Model):
    """Common part of stimulation devices: activity window ``origin``, ``start``, ``stop`` (ms)."""

    kind = "generator"
    output: ClassVar[str] = ""  # "spike", "poisson" or "current"
    params: ClassVar[dict[str, Any]] = {"origin": 0.0, "start": 0.0, "stop": math.inf}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's window: ``origin``, ``start``, ``stop`` (ms) on the grid of ``h`` ms.

        Raises
        ------
        BadProperty
            When a time is off the grid or ``stop < start``.
        """
        for k in ("origin", "start", "stop"):
            _on_grid(cls.name, k, p[k], h)
        if p["stop"] < p["start"]:
            raise bad_property(cls.name, "stop", p["stop"],
                               f"it must be >= start ({p['start']})")

    @staticmethod
    def window(p: dict[str, Any], h: float) -> tuple[int, int]:
        """Active window ``(lo, hi]`` in steps, origin included."""
        o = ms_to_steps(p["origin"], h)
        return o + ms_to_steps(p["start"], h), o + ms_to_steps(p["stop"], h)


def _on_grid(owner: str, key: str, t: float, h: float) -> None:
    if math.isinf(t):
        return
    if abs(t / h - round(t / h)) > 1e-9:
        raise bad_property(owner, key, t, f"it must be a multiple of the resolution ({h} ms)")


class SpikeGenerator(Generator):
    """NEST's ``spike_generator``: emits spikes at ``spike_times`` (ms), optionally weighted."""

    name = "spike_generator"
    output = "spike"
    sends = "spikes"
    params = {**Generator.params, "spike_times": (), "spike_weights": (), "precise_times": False,
              "allow_offgrid_times": False, "shift_now_spikes": False}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's parameters (times in ms, on the grid of ``h`` ms).

        Raises
        ------
        BadProperty
            When a parameter is out of range or off the time grid.
        """
        super().check_node(p, h)
        t = np.asarray(p["spike_times"], dtype=float)
        if t.ndim != 1:
            raise bad_property(cls.name, "spike_times", p["spike_times"], "it must be a 1-d list of times in ms")
        if t.size and np.any(np.diff(t) < 0):
            raise bad_property(cls.name, "spike_times", list(t[:6]), "times must be sorted in ascending order")
        if p["precise_times"]:
            raise bad_property(cls.name, "precise_times", True, "spikesim supports on-grid spike times only (False)")
        w = np.asarray(p["spike_weights"], dtype=float)
        if w.size and w.size != t.size:
            raise bad_property(cls.name, "spike_weights", f"{w.size} values",
                               f"give none or one per spike time ({t.size})")
        if not p["allow_offgrid_times"]:
            off = np.abs(t / h - np.round(t / h)) > 1e-9
            if off.any():
                raise bad_property(cls.name, "spike_times", float(t[off][0]),
                                   f"times must be multiples of the resolution ({h} ms) unless "
                                   "allow_offgrid_times is True")

    @classmethod
    def schedule(cls, p: dict[str, Any], h: float) -> tuple[np.ndarray, np.ndarray]:
        """Stamp steps of the spikes to emit and their multiplicities (weights if set)."""
        t = np.asarray(p["spike_times"], dtype=float)
        k = (np.round(t / h).astype(np.int64) if p["allow_offgrid_times"] is False
             else np.ceil(t / h - 1e-9).astype(np.int64))
        lo, hi = cls.window(p, h)
        w = np.asarray(p["spike_weights"], dtype=float)
        keep = (k > lo) & (k <= hi) & (k >= 1)
        k = k[keep]
        if w.size:
            return k, w[keep]
        steps, mult = np.unique(k, return_counts=True)
        return steps, mult.astype(np.float64)


class PoissonGenerator(Generator):
    """NEST's ``poisson_generator``: independent Poisson spike trains at ``rate`` (spikes/s)."""

    name = "poisson_generator"
    output = "poisson"
    sends = "poisson"
    params = {**Generator.params, "rate": 0.0}
    nonnegative = ("rate",)

    @classmethod
    def active(cls, p: dict[str, Any], h: float, s0: int, m: int) -> np.ndarray:
        """Whether the generator draws in the steps ``s0 .. s0+m-1``."""
        lo, hi = cls.window(p, h)
        s = np.arange(s0, s0 + m)
        return (s > lo) & (s <= hi) & (p["rate"] > 0)

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's parameters (times in ms, on the grid of ``h`` ms).

        Raises
        ------
        BadProperty
            When a parameter is out of range or off the time grid.
        """
        super().check_node(p, h)
        if not (p["rate"] >= 0):
            raise bad_property(cls.name, "rate", p["rate"], "it must be >= 0 (spikes/s)")


class CurrentGenerator(Generator):
    """Common part of generators sending a current (pA) to their targets."""

    output = "current"
    sends = "current"

    @classmethod
    def amplitudes(cls, p: dict[str, Any], h: float, s0: int, m: int) -> np.ndarray:  # pragma: no cover
        """Current (pA) sent in the steps ``s0 .. s0+m-1``; each current generator defines it."""
        raise NotImplementedError("each current generator defines amplitudes()")

    @classmethod
    def prepare_many(cls, nodes: list[dict[str, Any]], h: float) -> Any:
        """Whatever :meth:`amplitudes_many` needs for these nodes, made once per prepare."""
        return nodes

    @classmethod
    def amplitudes_many(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:
        """Currents of many nodes of this model, shape (m, nodes).  Models with many
        nodes override it with one vectorised computation per slice."""
        return np.stack([cls.amplitudes(p, h, s0, m) for p in prepared], axis=1)

    @classmethod
    def active(cls, p: dict[str, Any], h: float, s0: int, m: int) -> np.ndarray:
        """Whether the current is sent in the steps ``s0 .. s0+m-1``."""
        lo, hi = cls.window(p, h)
        k = np.arange(s0 + 2, s0 + m + 2)
        return (k > lo) & (k <= hi)


class DcGenerator(CurrentGenerator):
    """NEST's ``dc_generator``: a constant current ``amplitude`` (pA); recordable ``I`` (pA)."""

    name = "dc_generator"
    params = {**Generator.params, "amplitude": 0.0}
    recordables = ("I",)
    units = {"I": "pA"}

    @classmethod
    def amplitudes(cls, p: dict[str, Any], h: float, s0: int, m: int) -> np.ndarray:
        """Current (pA) sent in the steps ``s0 .. s0+m-1``."""
        return np.where(cls.active(p, h, s0, m), float(p["amplitude"]), 0.0)


class StepCurrentGenerator(CurrentGenerator):
    """NEST's ``step_current_generator``: current ``amplitude_values`` (pA) from
    ``amplitude_times`` (ms) on; recordable ``I`` (pA)."""

    name = "step_current_generator"
    params = {**Generator.params, "amplitude_times": (), "amplitude_values": (),
              "allow_offgrid_times": False}
    recordables = ("I",)
    units = {"I": "pA"}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's parameters (times in ms, on the grid of ``h`` ms).

        Raises
        ------
        BadProperty
            When a parameter is out of range or off the time grid.
        """
        super().check_node(p, h)
        t = np.asarray(p["amplitude_times"], dtype=float)
        v = np.asarray(p["amplitude_values"], dtype=float)
        if t.shape != v.shape:
            raise bad_property(cls.name, "amplitude_values", f"{v.size} values",
                               f"give one value per amplitude time ({t.size})")
        if t.size and np.any(np.diff(t) <= 0):
            raise bad_property(cls.name, "amplitude_times", list(t[:6]),
                               "times must be strictly increasing")
        if not p["allow_offgrid_times"]:
            off = np.abs(t / h - np.round(t / h)) > 1e-9
            if off.any():
                raise bad_property(cls.name, "amplitude_times", float(t[off][0]),
                                   f"times must be multiples of the resolution ({h} ms)")

    @classmethod
    def amplitudes(cls, p: dict[str, Any], h: float, s0: int, m: int) -> np.ndarray:
        """Current (pA) sent in the steps ``s0 .. s0+m-1``."""
        t = np.asarray(p["amplitude_times"], dtype=float)
        v = np.asarray(p["amplitude_values"], dtype=float)
        ks = np.ceil(t / h - 1e-9).astype(np.int64)
        k = np.arange(s0 + 1, s0 + m + 1)
        # the value of amplitude_times[i] is sent from the step that ends at that time on
        idx = np.searchsorted(ks, k, side="right") - 1
        amp = np.where(idx >= 0, v[np.maximum(idx, 0)] if v.size else 0.0, 0.0)
        return np.where(cls.active(p, h, s0, m), amp, 0.0)


class AcGenerator(CurrentGenerator):
    """NEST's ``ac_generator``: a sine current ``offset + amplitude sin(2 pi frequency t + phase)``.

    ``amplitude`` and ``offset`` in pA, ``frequency`` in Hz, ``phase`` in degrees; ``t``
    (ms) is the end of the step the current is sent in.  Like NEST, the sine is
    propagated step by step with the rotation matrix of one step, started from its
    exact value at the beginning of each slice; recordable ``I`` (pA).
    """

    name = "ac_generator"
    params = {**Generator.params, "amplitude": 0.0, "offset": 0.0, "phase": 0.0, "frequency": 0.0}
    recordables = ("I",)
    units = {"I": "pA"}

    @classmethod
    def amplitudes(cls, p: dict[str, Any], h: float, s0: int, m: int) -> np.ndarray:
        """Current (pA) sent in the steps ``s0 .. s0+m-1``."""
        return cls.amplitudes_many(cls.prepare_many([p], h), h, s0, m)[:, 0]

    @classmethod
    def prepare_many(cls, nodes: list[dict[str, Any]], h: float) -> Any:
        """Per node: amplitude, offset (pA), omega (1/ms), phase (rad), window (steps)."""
        cols = [(p["amplitude"], p["offset"], 2.0 * math.pi * p["frequency"] / 1000.0,
                 p["phase"] * 2.0 * math.pi / 360.0) for p in nodes]
        win = np.array([cls.window(p, h) for p in nodes], dtype=np.int64).reshape(-1, 2)
        return np.array(cols, dtype=np.float64).reshape(-1, 4), win

    @classmethod
    def amplitudes_many(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:
        """Currents (pA) of the prepared nodes in the steps ``s0 .. s0+m-1``, shape (m, nodes)."""
        par, win = prepared
        return _ac_currents(par, win, h, s0, m)


@njit(cache=True)
def _ac_currents(par: np.ndarray, win: np.ndarray, h: float, s0: int, m: int) -> np.ndarray:
    """Sine currents (pA) of ac generators: rows of ``par`` are (amplitude, offset, omega, phi)."""
    out = np.zeros((m, par.shape[0]))
    t = s0 * h
    for g in range(par.shape[0]):
        amp, off, om, phi = par[g, 0], par[g, 1], par[g, 2], par[g, 3]
        a00, a01, a10, a11 = math.cos(om * h), -math.sin(om * h), math.sin(om * h), math.cos(om * h)
        y0 = amp * math.cos(om * t + phi)
        y1 = amp * math.sin(om * t + phi)
        for i in range(m):
            y0, y1 = a00 * y0 + a01 * y1, a10 * y0 + a11 * y1
            k = s0 + i + 2
            if win[g, 0] < k <= win[g, 1]:
                out[i, g] = y1 + off
    return out
