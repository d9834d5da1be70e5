"""Recording devices: spike_recorder, multimeter and voltmeter.

A device decides *what* and *when*; its backend decides *where*.  Every option
shared by backends (window, time in steps, column names) is applied here, once, so
backends receive finished batches.

Time semantics (NEST's):

* the window is ``(origin + start, origin + stop]``: an event stamped exactly at
  ``origin + start`` is not recorded, one at ``origin + stop`` is;
* a spike carries the stamp ``(s + 1) h`` of the end of the step ``s -> s + 1`` in
  which it was emitted;
* a multimeter samples the state at ``t = offset + k * interval`` (``k = 0, 1, ...``,
  ``t > 0``), i.e. the state after the update that ends at ``t``;
* ``times`` are ms computed as NEST does (tics x 0.001 ms), or integer steps with an
  ``offsets`` column of zeros when ``time_in_steps`` is True.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit

from spikesim.errors import bad_property
from spikesim.models.base import Model, ms_to_steps
from spikesim.models.recorders import RecorderModel
from spikesim.models.units import unit_of
from spikesim.recording.backends import Batch
from spikesim.timegrid import TICS_PER_MS

if TYPE_CHECKING:
    from spikesim.recording.manager import RecordingManager


_NUMBER_KEYS = ("start", "stop", "origin", "interval", "offset")


def _check_types(owner: str, new: dict[str, Any]) -> None:
    """Raise BadProperty for a common device parameter of the wrong type (values are
    checked by ``validated``)."""
    for k in _NUMBER_KEYS:
        v = new.get(k, 0.0)
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or math.isnan(v):
            raise bad_property(owner, k, v, "it must be a number of ms")
    if "time_in_steps" in new and not isinstance(new["time_in_steps"], (bool, np.bool_)):
        raise bad_property(owner, "time_in_steps", new["time_in_steps"], "it must be True or False")
    if "label" in new and not isinstance(new["label"], str):
        raise bad_property(owner, "label", new["label"], "it must be a string")
    if "record_to" in new and not isinstance(new["record_to"], str):
        raise bad_property(owner, "record_to", new["record_to"], "give the name of a recording backend")
    rf = new.get("record_from", ())
    if not isinstance(rf, str) and (not isinstance(rf, (list, tuple, np.ndarray))
                                    or not all(isinstance(x, str) for x in rf)):
        raise bad_property(owner, "record_from", rf, "give a list of names of recordables")


def _check_times(owner: str, p: dict[str, Any], h: float) -> None:
    """Raise BadProperty unless the times of the parameters ``p`` (ms) fit the grid of
    resolution ``h`` (ms) and ``start <= stop``, ``interval > 0``, ``offset >= 0``."""
    for k in ("start", "stop", "origin", "offset"):
        if k in p and not math.isinf(p[k]) and abs(p[k] / h - round(p[k] / h)) > 1e-9:
            raise bad_property(owner, k, p[k], f"it must be a multiple of the resolution ({h} ms)")
    if p["stop"] < p["start"]:
        raise bad_property(owner, "stop", p["stop"], f"it must be >= start ({p['start']})")
    if "interval" in p:
        iv = p["interval"]
        if not (iv > 0) or abs(iv / h - round(iv / h)) > 1e-9:
            raise bad_property(owner, "interval", iv, f"it must be a positive multiple of the resolution ({h} ms)")
        if p["offset"] < 0:
            raise bad_property(owner, "offset", p["offset"], "it must be >= 0")


class RecordingDevice:
    """One recording node: its parameters, its backend and its event counter.

    Parameters
    ----------
    recording : RecordingManager
        The simulator's recording manager (backends, time grid).
    model : type[RecorderModel]
        The recorder model.
    node_id : int
        The device's node id.
    params : dict[str, Any]
        Its complete, validated parameters (times in ms).

    Raises
    ------
    BadProperty
        If ``params["record_to"]`` names no backend.
    """

    #: the cached recording window: (the parameters it was computed from, (lo, hi] in steps)
    _window: tuple[tuple[float, float, float, float], tuple[int, int]] | None = None

    def __init__(self, recording: RecordingManager, model: type[RecorderModel], node_id: int,
                 params: dict[str, Any], enroll: bool = True) -> None:
        self.recording = recording
        self.grid = recording.grid
        self.model = model
        self.node_id = node_id
        self.p: dict[str, Any] = dict(params)
        self.n_events = 0
        self.backend = recording.backend(self.p["record_to"])
        #: the backend's per-device parameters (precision, file names ...)
        self.bp: dict[str, Any] = dict(self.backend.device_defaults)
        if enroll:
            self.backend.enroll(self)
        #: connected targets of a sampler / sources of a spike recorder (node ids)
        self.connected: np.ndarray = np.zeros(0, dtype=np.int64)
        #: models of the nodes a sampler samples (their recordables' units)
        self.recorded_models: list[type[Model]] = []
        #: spike rows recorded but not yet handed to the backend (spike recorders)
        self._pending: _PendingRows | None = None

    @classmethod
    def check_defaults(cls, recording: RecordingManager, model: type[RecorderModel], params: dict[str, Any]) -> None:
        """Check ``params`` as new defaults of ``model`` the way one device would take
        them, without creating a device (nothing is enrolled with a backend).

        Raises
        ------
        BadProperty
            If a parameter is not allowed (see :meth:`validated`).
        """
        probe = cls(recording, model, 0, model.params, enroll=False)
        probe.validated({k: v for k, v in params.items() if k in model.params and k != "n_events"})

    # -- parameters --------------------------------------------------------------
    @property
    def name(self) -> str:
        """The label, or the model name without one (file names, messages)."""
        return self.p["label"] or self.model.name

    def validated(self, new: dict[str, Any]) -> dict[str, Any]:
        """The parameters after applying ``new``; nothing of the device changes.

        Parameters
        ----------
        new : dict[str, Any]
            Parameters to change: the model's, or per-device keys of the (new)
            ``record_to`` backend.  Times in ms.

        Returns
        -------
        dict[str, Any]
            The full parameter set (``record_from`` as a tuple).

        Raises
        ------
        BadProperty
            For an unknown key or backend, a wrong type, ``events``, ``n_events`` other
            than 0, times not a multiple of the resolution, ``stop < start``, a
            non-positive ``interval``, ``offset < 0``, ``time_in_steps`` changed after
            ``simulate``, or a sampling parameter changed after ``connect``.
        """
        p = dict(self.p)
        h = self.grid.resolution
        name = self.model.name
        _check_types(name, new)
        if "time_in_steps" in new and new["time_in_steps"] != p["time_in_steps"] and \
                (self.grid.step > 0 or self.n_events > 0):
            # events already stored in one unit would be mixed with events in the other
            raise bad_property(name, "time_in_steps", new["time_in_steps"],
                               "it cannot be changed after simulate has been called")
        target = self.recording.backend(new.get("record_to", p["record_to"]))
        backend_keys = set(target.device_defaults)
        for k, v in new.items():
            if k in backend_keys and k not in p:
                target.check_device_param(self, k, v)
                continue
            if k not in p and k not in ("events",):
                raise bad_property(self.model.name, k, v,
                                   f"{self.model.name} with record_to '{target.name}' has the parameters "
                                   f"{sorted(set(p) | backend_keys)}")
            if k == "events":
                raise bad_property(self.model.name, "events", "...", "events are read-only; set n_events=0 to clear")
            if k == "n_events":
                if v != 0:
                    raise bad_property(self.model.name, "n_events", v, "only 0 may be set, to clear the events")
                continue
            if k == "record_from":
                v = (v,) if isinstance(v, str) else tuple(v)
            if k in ("record_from", "interval", "offset") and len(self.connected) and v != p[k]:
                # the kernel's sampling plan is fixed when the device is connected
                raise bad_property(name, k, v, f"it cannot be changed after the {name} has been "
                                   "connected; set it before connect")
            p[k] = v
        _check_times(name, p, h)
        return p

    def set(self, new: dict[str, Any]) -> None:
        """Apply ``new`` (see :meth:`validated`); ``n_events=0`` clears the events and a
        new ``record_to`` moves the device to that backend (per-backend keys restart
        from its defaults).

        Raises
        ------
        BadProperty
            As :meth:`validated`, before anything changes.
        """
        p = self.validated(new)
        if new.get("n_events") == 0:
            self.clear()
        if p["record_to"] != self.p["record_to"]:
            backend = self.recording.backend(p["record_to"])  # raises on an unknown name
            self.backend.disenroll(self)
            self.backend = backend
            self.p = p
            self.bp = dict(backend.device_defaults)  # per-backend settings start afresh
            backend.enroll(self)
        else:
            self.p = p
        for k, v in new.items():
            if k in self.bp and k not in self.p:
                self.bp[k] = v
        self.backend.device_changed(self)

    def status(self) -> dict[str, Any]:
        """Parameters, the backend's per-device entries, ``n_events``, ``events`` and
        the node's identity (``model``, ``global_id``, ``element_type``)."""
        d = dict(self.p)
        d.update(self.backend.device_status(self))
        d["n_events"] = self.n_events
        d["events"] = self.events
        d["model"] = self.model.name
        d["global_id"] = self.node_id
        d["element_type"] = "recorder"
        return d

    # -- state in and out ---------------------------------------------------------
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Parameters (raw values: the caller makes them JSON-able), counter and backend
        state, plus arrays: the connected nodes and the events the backend keeps only
        in memory (``events/<column>``)."""
        meta = {"p": dict(self.p), "bp": dict(self.bp), "n_events": self.n_events,
                "backend_state": self.backend.checkpoint_state(self)}
        arrays = {"connected": self.connected}
        arrays.update({f"events/{c}": v for c, v in self.backend.stored_events(self).items()})
        return meta, arrays

    def load_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Continue from :meth:`state` (``meta["bp"]`` already restored to values)."""
        self.bp.update(meta["bp"])
        self.n_events = meta["n_events"]
        self.connected = arrays["connected"].astype(np.int64)
        events = {k[len("events/"):]: v for k, v in arrays.items() if k.startswith("events/")}
        if events:
            self.backend.load_events(self, events)
        self.backend.resume(self, meta.get("backend_state"))

    # -- events ------------------------------------------------------------------
    def columns(self) -> tuple[str, ...]:
        """Names of the columns of the device's records: ``senders``, ``times`` (ms, or
        steps followed by ``offsets`` in ms), then the recorded variables."""
        cols = ["senders", "times"]
        if self.p["time_in_steps"]:
            cols.append("offsets")
        if self.model.sampler:
            cols.extend(self.p["record_from"])
        return tuple(cols)

    def unit(self, column: str) -> str:
        """The unit of one of the device's columns (see :func:`spikesim.models.units.unit_of`)."""
        return unit_of(column, self.recorded_models, bool(self.p["time_in_steps"]))

    def empty_batch(self) -> Batch:
        """A batch with the device's columns and no rows (int64 senders and steps)."""
        out: Batch = {}
        for c in self.columns():
            out[c] = np.zeros(0, dtype=np.int64 if c == "senders" or
                              (c == "times" and self.p["time_in_steps"]) else np.float64)
        return out

    @property
    def events(self) -> Batch:
        """The recorded events as columns, keys in sorted order as NEST returns them."""
        ev = self.backend.events(self)
        ev = ev if ev is not None else self.empty_batch()
        return {k: ev[k] for k in sorted(ev)}

    def clear(self) -> None:
        """Forget the recorded events (``n_events = 0``); file backends keep their files."""
        self.n_events = 0
        self.backend.clear(self)

    def window(self) -> tuple[int, int]:
        """The recording window ``(origin + start, origin + stop]`` as stamps ``(lo, hi]``
        in steps (cached: asked once per slice)."""
        h = self.grid.resolution
        key = (self.p["origin"], self.p["start"], self.p["stop"], h)
        cached = self._window
        if cached is None or cached[0] != key:
            o = ms_to_steps(self.p["origin"], h)
            cached = (key, (o + ms_to_steps(self.p["start"], h), o + ms_to_steps(self.p["stop"], h)))
            self._window = cached
        return cached[1]

    def emit(self, senders: np.ndarray, steps: np.ndarray, values: dict[str, np.ndarray],
             times_ms: np.ndarray | None = None) -> None:
        """Hand one finished, time-ordered batch to the backend (``times_ms``: the
        steps already converted as :meth:`Simulator._steps_to_ms` does)."""
        if senders.size == 0:
            return
        batch: Batch = {"senders": senders.astype(np.int64, copy=False)}
        if self.p["time_in_steps"]:
            batch["times"] = steps.astype(np.int64, copy=False)
            batch["offsets"] = np.zeros(steps.size)
        else:
            batch["times"] = self.grid.steps_to_ms(steps) if times_ms is None else times_ms
        batch.update(values)
        self.n_events += int(senders.size)
        self.backend.write(self, batch)

    def emit_grid(self, senders: np.ndarray, steps: np.ndarray, values: dict[str, np.ndarray]) -> None:
        """Hand samples to the backend: every sender at every step, ``values[v]`` of
        shape (steps, senders), i.e. time-ordered rows with senders ordered within."""
        if senders.size == 0 or steps.size == 0:
            return
        times = steps.astype(np.int64, copy=False) if self.p["time_in_steps"] else self.grid.steps_to_ms(steps)
        self.n_events += int(senders.size * steps.size)
        self.backend.write_grid(self, senders.astype(np.int64, copy=False), times, values)

    # -- spike recorder ------------------------------------------------------------
    #: rows a spike recorder holds before they go to its backend (the engine also hands
    #: them over at the end of every run and at least every EMIT_EVERY s of wall time)
    PENDING_ROWS = 1 << 16

    def record_spikes(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray,
                      counts: np.ndarray) -> None:
        """Record the spikes of one slice (sorted by step, then id); they wait in the
        device's buffer until :meth:`emit_pending`.

        ``counts[id]`` is the number of connections from node ``id`` to this recorder.
        """
        lo, hi = self.window()
        tics = self.grid.tics_per_step
        if self._pending is None:
            self._pending = _PendingRows(self.PENDING_ROWS)
        p = self._pending
        f0 = p.fill
        f, ordered = _spike_rows_into(ids, steps, mult, counts, lo, hi, tics, p.senders, p.stamps, p.times, f0)
        if f < 0:  # no room for this slice's rows: hand over what waits, grow if one slice needs it
            self.emit_pending()
            if -f > p.senders.size:
                self._pending = p = _PendingRows(-f)
            f0 = 0
            f, ordered = _spike_rows_into(ids, steps, mult, counts, lo, hi, tics, p.senders, p.stamps, p.times, 0)
        if not ordered:  # the kernel listed spikes population by population
            order = np.lexsort((p.senders[f0:f], p.stamps[f0:f]))
            for a in (p.senders, p.stamps, p.times):
                a[f0:f] = a[f0:f][order]
        p.fill = f

    def emit_pending(self) -> None:
        """Hand the buffered spike rows to the backend."""
        p = self._pending
        if p is None or not p.fill:
            return
        f, p.fill = p.fill, 0
        self.emit(p.senders[:f].copy(), p.stamps[:f].copy(), {}, p.times[:f].copy())

    # -- samplers --------------------------------------------------------------------
    def sample_steps(self, s0: int, m: int) -> np.ndarray:
        """Boolean mask over the stamps ``s0+1 .. s0+m`` at which this device samples."""
        h = self.grid.resolution
        iv = ms_to_steps(self.p["interval"], h)
        off = ms_to_steps(self.p["offset"], h)
        lo, hi = self.window()
        # stamps k in (s0, s0+m] with k >= off, k = off (mod iv), lo < k <= hi and k > 0
        first = max(s0 + 1, off, lo + 1, 1)
        first += (off - first) % iv
        last = min(s0 + m, hi)
        mask = np.zeros(m, dtype=bool)
        if first <= last:
            mask[first - s0 - 1:last - s0:iv] = True
        return mask


class _PendingRows:
    """A spike recorder's rows waiting for the backend: senders, stamps, times (ms)."""

    def __init__(self, capacity: int) -> None:
        self.senders = np.empty(capacity, dtype=np.int64)
        self.stamps = np.empty(capacity, dtype=np.int64)
        self.times = np.empty(capacity, dtype=np.float64)
        self.fill = 0


@njit(cache=True)
def _spike_rows_into(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, counts: np.ndarray, lo: int, hi: int,
                     tics: int, senders: np.ndarray, stamps: np.ndarray, times: np.ndarray, fill: int
                     ) -> tuple[int, bool]:
    """A spike recorder's rows of one slice's spikes, appended at ``fill`` in one pass:
    spikes stamped in the window ``(lo, hi]``, each repeated ``counts[id] *
    multiplicity`` times, with their stamps and times in ms (``stamp * tics * 0.001``
    as the simulator computes them).  Returns the new fill and whether the input was
    in (time, id) order, or ``(-rows, ordered)`` when the rows do not fit (nothing
    written)."""
    n = 0
    ordered = True
    for k in range(ids.shape[0]):
        st = steps[k] + 1
        if lo < st <= hi:
            c = counts[ids[k]] * np.int64(mult[k])
            if c > 0:
                n += c
        if k and (steps[k] < steps[k - 1] or (steps[k] == steps[k - 1] and ids[k] < ids[k - 1])):
            ordered = False
    if fill + n > senders.shape[0]:
        return -n, ordered
    ms_per_tic = 1.0 / TICS_PER_MS
    i = fill
    for k in range(ids.shape[0]):
        st = steps[k] + 1
        if lo < st <= hi:
            c = counts[ids[k]] * np.int64(mult[k])
            t = np.float64(st) if tics == 1000 else np.float64(st * tics) * ms_per_tic
            for _ in range(c):
                senders[i] = ids[k]
                stamps[i] = st
                times[i] = t
                i += 1
    return i, ordered
