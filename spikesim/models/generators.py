"""Stimulation devices: spike_generator, poisson_generator, dc_generator,
step_current_generator and ac_generator (noise_generator: :mod:`spikesim.models.noise_generator`).

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

from spikesim.errors import NotImplementedFeature, bad_property
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
            When a number parameter is not a number (or is NaN), a bool parameter not a
            bool, a time is off the grid or ``stop < start``.
        """
        _check_scalar_types(cls, p)
        for k in ("origin", "start", "stop"):
            on_grid(cls.name, k, p[k], h)
        if p["stop"] < p["start"]:
            raise bad_property(cls.name, "stop", p["stop"],
                               f"it must be >= start ({p['start']})")

    @classmethod
    def settled(cls, old: dict[str, Any], vals: dict[str, Any], h: float, now: int = 0) -> dict[str, Any]:
        """The values a node holding ``old`` stores when ``vals`` are set (at creation
        ``old`` is empty and ``vals`` complete); :meth:`check_node` then checks the
        result.  Models whose rules involve which keys are set together, or which store
        values other than those given (times moved onto the grid of ``h`` ms),
        override it; by default the values are stored as given.  ``now`` is the step the
        simulation stands at (the time of the ``set``, in steps of ``h``).

        Raises
        ------
        BadProperty
            Where a model's rule for keys set together is broken.
        """
        return vals

    @staticmethod
    def window(p: dict[str, Any], h: float) -> tuple[int, int]:
        """Active window ``(lo, hi]`` in steps, origin included."""
        o = ms_to_steps(p["origin"], h)
        return o + ms_to_steps(p["start"], h), o + ms_to_steps(p["stop"], h)

    @classmethod
    def prepare_recording(cls, nodes: list[dict[str, Any]], ids: np.ndarray, targets: list[np.ndarray],
                          h: float, seed: int) -> Any:  # pragma: no cover - models with recordables define it
        """What :meth:`recorded` needs for these nodes (ids ``ids``; ``targets[i]``: target ids
        of node ``i``'s connections in the order they were made; ``h`` in ms)."""
        raise NotImplementedError(f"{cls.name} has no recordables")

    @classmethod
    def recorded(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:  # pragma: no cover
        """Recordables in the steps ``s0 .. s0+m-1`` (the value of step ``s`` is stamped
        ``(s + 1) h``, as a neuron's), shape (m, recordables, nodes)."""
        raise NotImplementedError(f"{cls.name} has no recordables")


def _check_scalar_types(cls: type[Model], p: dict[str, Any]) -> None:
    """Refuse values of the wrong type before any arithmetic on them: a string, a list or
    NaN given for a number would otherwise fail deep in the window or rate code with a
    message naming neither the parameter nor the value."""
    for k, default in cls.params.items():
        v = p.get(k, default)
        if isinstance(default, (tuple, list)):
            _check_number_list(cls, k, v)
        elif isinstance(default, bool):
            if not isinstance(v, (bool, np.bool_)):
                raise bad_property(cls.name, k, v, "it must be a bool (True or False)")
        elif isinstance(default, (int, float)):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise bad_property(cls.name, k, v, "it must be a number")
            if math.isnan(v):
                raise bad_property(cls.name, k, v, "it must be a number, not NaN")


def _check_number_list(cls: type[Model], key: str, v: Any) -> None:
    """A list parameter (times in ms, amplitudes, rates, weights) must be a 1-d list of
    finite numbers; a string, a dict, None or a single number is refused by name."""
    if isinstance(v, (str, dict)) or v is None:
        raise bad_property(cls.name, key, v, "it must be a 1-d list of finite numbers")
    try:
        arr = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise bad_property(cls.name, key, v, "it must be a 1-d list of finite numbers") from None
    if arr.ndim != 1 or not np.isfinite(arr).all():
        raise bad_property(cls.name, key, v, "it must be a 1-d list of finite numbers")


def on_grid(owner: str, key: str, t: float, h: float) -> None:
    """Check that the time ``t`` (ms; infinity passes) of parameter ``key`` of
    ``owner`` is a multiple of the resolution ``h`` (ms).

    Raises
    ------
    BadProperty
        When it is not.
    """
    if math.isinf(t):
        return
    if abs(t / h - round(t / h)) > 1e-9:
        raise bad_property(owner, key, t, f"it must be a multiple of the resolution ({h} ms)")


TICS_PER_MS = 1000  # NEST's default time base, which spikesim's grid keeps


def _tics(t: np.ndarray, h: float) -> tuple[np.ndarray, int]:
    """Times (ms) as whole tics (0.001 ms, rounded to the nearest) and the tics per step of ``h`` ms."""
    return np.round(t * TICS_PER_MS).astype(np.int64), int(round(h * TICS_PER_MS))


class SpikeGenerator(Generator):
    """NEST's ``spike_generator``: emits spikes at ``spike_times`` (ms), optionally weighted."""

    name = "spike_generator"
    output = "spike"
    sends = "spikes"
    params = {**Generator.params, "spike_times": (), "spike_weights": (), "spike_multiplicities": (),
              "precise_times": False, "allow_offgrid_times": False, "shift_now_spikes": False}

    @classmethod
    def settled(cls, old: dict[str, Any], vals: dict[str, Any], h: float, now: int = 0) -> dict[str, Any]:
        """``spike_times`` (ms) stored as the grid times they are emitted at, as NEST stores
        them: a time within half a tic of a step is that step, an off-grid one (with
        ``allow_offgrid_times``) the end of its step, and with ``shift_now_spikes`` a time
        that is now (``origin`` plus the time equals the step ``now`` the simulation
        stands at; 0 ms at the start) moves to the next step.  Times :meth:`check_node`
        refuses stay as given so that its message names them."""
        if "spike_times" not in vals:
            return vals
        p = {**old, **vals}
        try:
            t = np.asarray(vals["spike_times"], dtype=float)
        except (TypeError, ValueError):
            return vals
        if p.get("precise_times") or t.ndim != 1 or not np.isfinite(t).all():
            return vals
        tics, per_step = _tics(t, h)
        if not p.get("allow_offgrid_times") and np.any(tics % per_step):
            return vals
        k = -(-tics // per_step)
        if p.get("shift_now_spikes"):
            at_now = now - int(round(float(p.get("origin", 0.0)) * TICS_PER_MS)) // per_step
            now_k = k == at_now if abs(at_now) < 2 ** 62 else np.zeros(k.shape, dtype=bool)
            k = np.where((k == 0) | now_k, k + 1, k)
        return {**vals, "spike_times": (k * per_step / TICS_PER_MS).tolist()}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's parameters (times in ms, on the grid of ``h`` ms).

        Times within half a tic (0.0005 ms) of a step are on it, as in NEST.

        Raises
        ------
        BadProperty
            When a parameter is out of range or off the time grid (NEST's texts where NEST's
            tests match them).
        NotImplementedFeature
            For ``precise_times=True``: spikesim has no off-grid spike times.
        """
        super().check_node(p, h)
        t = np.asarray(p["spike_times"], dtype=float)
        if t.ndim != 1:
            raise bad_property(cls.name, "spike_times", p["spike_times"], "it must be a 1-d list of times in ms")
        if t.size and np.any(np.diff(t) < 0):
            raise bad_property(cls.name, "spike_times", list(t[:6]), "times must be sorted in ascending order")
        if p["precise_times"]:
            if p["allow_offgrid_times"] or p["shift_now_spikes"]:  # NEST's text, which its tests match
                raise bad_property(cls.name, "precise_times", True, "Option precise_times cannot be set to true "
                                   "when either allow_offgrid_times or shift_now_spikes is set to true.")
            raise NotImplementedFeature(f"{cls.name}: precise_times = True: precise (off-grid) spike times are "
                                        "not supported by spikesim")
        w = np.asarray(p["spike_weights"], dtype=float)
        if w.size and w.size != t.size:
            raise bad_property(cls.name, "spike_weights", w.tolist(),
                               f"give none or one per spike time ({t.size} spike_times)")
        m = np.asarray(p["spike_multiplicities"], dtype=float)
        if m.size and (m.size != t.size or np.any(m < 0) or np.any(m != np.round(m))):
            raise bad_property(cls.name, "spike_multiplicities", list(m[:6]),
                               f"give none or one whole number >= 0 per spike time ({t.size})")
        tics, per_step = _tics(t, h)
        if np.any(tics == 0) and not p["shift_now_spikes"]:
            raise bad_property(cls.name, "spike_times", 0.0, "spike time cannot be set to 0 (the first step "
                               "emits at t = h; shift_now_spikes moves it there)")
        if not p["allow_offgrid_times"]:
            off = tics % per_step != 0
            if off.any():
                raise bad_property(cls.name, "spike_times", float(t[off][0]),
                                   f"Time point {float(t[off][0])} is not representable in current resolution "
                                   f"({h} ms); give multiples of it or set allow_offgrid_times")

    @classmethod
    def schedule(cls, p: dict[str, Any], h: float) -> tuple[np.ndarray, np.ndarray]:
        """Stamp steps of the spikes to emit (``origin`` plus each spike time) and their
        multiplicities (``spike_multiplicities``, times ``spike_weights`` where set);
        ``shift_now_spikes`` moves a spike at 0 ms to the first step."""
        tics, per_step = _tics(np.asarray(p["spike_times"], dtype=float), h)
        # a time within half a tic of a step is that step; an off-grid one goes to the end of its step
        k = -(-tics // per_step)
        if p["shift_now_spikes"]:
            k = np.maximum(k, 1)
        origin = ms_to_steps(p["origin"], h)
        if abs(origin) >= 2 ** 62:  # no step a simulation reaches
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        k = k + origin  # spike times count from the origin, as NEST's do
        lo, hi = cls.window(p, h)
        w = np.asarray(p["spike_weights"], dtype=float)
        m = np.asarray(p["spike_multiplicities"], dtype=float)
        keep = (k > lo) & (k <= hi) & (k >= 1)
        k = k[keep]
        if w.size:  # a weighted spike of multiplicity m acts as m spikes of that weight
            return k, w[keep] * (m[keep] if m.size else 1.0)
        steps, first = np.unique(k, return_inverse=True)
        mult = np.bincount(first, weights=m[keep] if m.size else None, minlength=steps.size)
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
    receives = "sample_requests"  # a multimeter may sample ``I``, the current sent (see recorded)
    #: whether each target gets its own current (then the model defines
    #: ``prepare_targets`` and ``currents_targets`` instead of ``amplitudes_many``)
    per_target: ClassVar[bool] = False

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
    def prepare_targets(cls, nodes: list[dict[str, Any]], gen_col: np.ndarray, gen_ids: np.ndarray,
                        tgt_ids: np.ndarray, h: float, seed: int) -> Any:  # pragma: no cover
        """What :meth:`currents_targets` needs (models with ``per_target`` define it)."""
        raise NotImplementedError("models with a current per target define prepare_targets()")

    @classmethod
    def currents_targets(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:  # pragma: no cover
        """Current (pA) of each connection, shape (m, connections) (models with ``per_target``)."""
        raise NotImplementedError("models with a current per target define currents_targets()")

    @classmethod
    def active(cls, p: dict[str, Any], h: float, s0: int, m: int) -> np.ndarray:
        """Whether the current is sent in the steps ``s0 .. s0+m-1``."""
        lo, hi = cls.window(p, h)
        k = np.arange(s0 + 2, s0 + m + 2)
        return (k > lo) & (k <= hi)

    @classmethod
    def prepare_recording(cls, nodes: list[dict[str, Any]], ids: np.ndarray, targets: list[np.ndarray],
                          h: float, seed: int) -> Any:
        """What :meth:`recorded` needs: the data of :meth:`prepare_many` (targets do not matter)."""
        return cls.prepare_many(nodes, h)

    @classmethod
    def recorded(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:
        """``I`` (pA): the current sent in each step ``s0 .. s0+m-1`` (0 outside the window,
        as NEST records it), shape (m, 1, nodes)."""
        return cls.amplitudes_many(prepared, h, s0, m)[:, None, :]


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
            raise bad_property(cls.name, "amplitude_values", v.tolist(),
                               f"give one value per amplitude time (amplitude_times = {t.tolist()})")
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
