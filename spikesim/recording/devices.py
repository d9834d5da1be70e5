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

import weakref
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from spikesim.data.export import NodeLookup, RecorderInfo, recorder_block
from spikesim.errors import RecordsLost, bad_property
from spikesim.models.base import Model
from spikesim.models.recorders import RecorderModel
from spikesim.models.units import unit_of
from spikesim.recording.backends import Batch
from spikesim.recording.device_checks import check_reductions, check_times, check_types
from spikesim.recording.reducing import ScheduledDevice
from spikesim.recording.schedules import normalised_schedule
from spikesim.recording.spike_rows import HandOver, PendingRows, spike_rows_into
from spikesim.recording.tally import RecentRows

if TYPE_CHECKING:
    from spikesim.recording.manager import RecordingManager


class RecordView(Protocol):
    """A snapshot (a run result) holding a slice of a device's records by position."""

    def materialise(self, device: RecordingDevice) -> None:
        """Copy the slice out of the device: its records are about to be forgotten."""


class RecordingDevice(ScheduledDevice):
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

    recording: RecordingManager

    def __init__(self, recording: RecordingManager, model: type[RecorderModel], node_id: int,
                 params: dict[str, Any], enroll: bool = True) -> None:
        self.recording, self.grid, self.model, self.node_id = recording, recording.grid, model, node_id
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
        self._pending: PendingRows | None = None
        #: n_events when the backend's current record began (a move to another backend)
        self._base = 0
        #: (record position, segment) where records of a new segment begin
        self._seg_marks: list[tuple[int, int]] = []
        #: segment -> [first, last] step simulated while the device existed
        self.spans: dict[int, list[int]] = {}
        self._views: weakref.WeakSet[Any] = weakref.WeakSet()
        #: hand-overs the backend has not accepted yet, oldest first (see :meth:`_hand_over`)
        self._unsent: list[HandOver] = []
        #: the stamps of the last accepted hand-overs (how many records lie after a step)
        self.recent = RecentRows(keep=bool(model.sampler))
        self._init_reductions()

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
        check_types(name, new)
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
            if k == "schedule":
                v = normalised_schedule(name, v)
            if k in ("record_from", "interval", "offset") and len(self.connected) and v != p[k]:
                # the kernel's sampling plan is fixed when the device is connected
                raise bad_property(name, k, v, f"it cannot be changed after the {name} has been "
                                   "connected; set it before connect")
            p[k] = v
        check_times(name, p, h)
        check_reductions(name, p, self.p, h, bool(self.spans) or self.n_events > 0)
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
            self._forget()
            self._base = self.n_events
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

    def status(self, events: bool = True) -> dict[str, Any]:
        """Parameters, the backend's entries, ``n_events``, ``events`` (if ``events``: a file
        backend reads its file) and the node's ``model``, ``global_id``, ``element_type``."""
        d = dict(self.p)
        d.update(self.backend.device_status(self))
        d["n_events"] = self.n_events
        d.update({"events": self.events} if events else {})
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
                "backend_state": self.backend.checkpoint_state(self), "base": self._base,
                "seg_marks": [list(m) for m in self._seg_marks],
                "spans": {str(k): list(v) for k, v in self.spans.items()}}
        meta["reduce"], arrays = self.reduction_state()
        arrays["connected"] = self.connected
        arrays.update({f"events/{c}": v for c, v in self.backend.stored_events(self).items()})
        return meta, arrays

    def load_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Continue from :meth:`state` (``meta["bp"]`` already restored to values)."""
        self._forget()
        self.bp.update(meta["bp"])
        self.n_events = meta["n_events"]
        self._base = int(meta.get("base", 0))
        self._seg_marks = [(int(a), int(b)) for a, b in meta.get("seg_marks", [])]
        self.spans = {int(k): [int(a), int(b)] for k, (a, b) in meta.get("spans", {}).items()}
        self.connected = arrays["connected"].astype(np.int64)
        self.load_reduction_state(meta.get("reduce"), arrays)
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
        cols.extend(self.value_columns(bool(self.model.sampler)))
        return tuple(cols)

    def unit(self, column: str) -> str:
        """The unit of one of the device's columns (see :func:`spikesim.models.units.unit_of`)."""
        if column == "rate":
            return "spikes/s"
        if column.endswith(("_mean", "_var")) and column not in self.p.get("record_from", ()):
            u = unit_of(column.rsplit("_", 1)[0], self.recorded_models)
            return f"{u}^2" if column.endswith("_var") and u != "dimensionless" else u
        return unit_of(column, self.recorded_models, bool(self.p["time_in_steps"]))

    def empty_batch(self) -> Batch:
        """A batch with the device's columns and no rows (int64 senders and steps)."""
        out: Batch = {}
        for c in self.columns():
            out[c] = np.zeros(0, dtype=np.int64 if c in ("senders", "counts") or
                              (c == "times" and self.p["time_in_steps"]) else np.float64)
        return out

    @property
    def events(self) -> Batch:
        """The recorded events as columns, keys in sorted order as NEST returns them;
        with ``reduce="total"`` the spike counts per node (``senders``, ``counts``)."""
        if self.p.get("reduce") == "total":
            return self.spike_totals()
        ev = self.backend.events(self)
        ev = ev if ev is not None else self.empty_batch()
        return {k: ev[k] for k in sorted(ev)}

    def clear(self) -> None:
        """Forget the recorded events (``n_events = 0``); file backends keep their files.

        Run results holding some of them copy their slice first."""
        self._forget()
        self.n_events = 0
        self._base = 0
        self._unsent = []
        self.recent.clear()
        self._bins.totals = np.zeros(0, dtype=np.int64)
        self.backend.clear(self)

    # -- records by position and segment ----------------------------------------------
    def cursor(self) -> int:
        """How many records the backend holds for the device (the position of the next)."""
        return self.n_events - self._base

    def _mark_segment(self, seg: int) -> None:  # where a backend keeps no segment column
        if not self._seg_marks or self._seg_marks[-1][1] != seg:
            self._seg_marks.append((self.cursor(), seg))

    def records(self) -> Batch:
        """Every record the backend holds for the device, in the order written, with a
        ``segment`` column; the backend's own arrays where it keeps them in memory
        (read them, do not modify them)."""
        ev = self.backend.stored_events(self)
        if ev and "segment" in ev:
            return ev
        ev = dict(self.backend.events(self) or self.empty_batch())
        seg = np.zeros(ev["senders"].size, dtype=np.int64)
        for pos, k in self._seg_marks:
            seg[pos:] = k
        ev["segment"] = seg
        return ev

    def segmented_events(self) -> Batch:
        """The recorded events with their ``segment`` column (the chunk: ``reset`` starts
        the next), as copies with sorted keys; ``SpikeEvents.from_events`` and
        ``Traces.from_events`` take it and keep the segments apart."""
        ev = self.records()
        return {k: np.array(ev[k]) for k in sorted(ev)}

    def events_by_segment(self) -> list[Batch]:
        """The recorded events split by segment: item ``k`` holds segment ``k`` (times
        in ms ascending within it), one item for every segment up to the current one."""
        ev = self.records()
        seg = ev["segment"]
        n = max(self.recording.segment, int(seg.max()) if seg.size else 0) + 1
        return [{k: ev[k][seg == i] for k in sorted(ev) if k != "segment"} for i in range(n)]

    def watch(self, view: RecordView) -> None:
        """Let ``view`` copy its slice of the records out before they are forgotten
        (kept weakly: a view nobody holds costs nothing)."""
        self._views.add(view)

    def _forget(self) -> None:
        """The records are about to be dropped or replaced: snapshots copy their slices."""
        for v in list(self._views):
            v.materialise(self)
        self._views = weakref.WeakSet()
        self._seg_marks = []

    def ran(self, segment: int, first: int, last: int) -> None:
        """Note that the steps ``first -> last`` (stamps ``first + 1 .. last``) were
        simulated in ``segment``."""
        span = self.spans.setdefault(segment, [first, last])
        span[0], span[1] = min(span[0], first), max(span[1], last)

    def neo_info(self) -> RecorderInfo:
        """What the Neo export needs of the device: recorded nodes, kind, resolution
        (ms), interval (ms), units of the recorded variables and provenance."""
        h = self.grid.resolution
        values = [c for c in self.columns() if c not in ("senders", "times", "offsets")]
        return RecorderInfo(np.unique(self.connected), bool(self.model.sampler), h,
                            self.p.get("interval"), {c: self.unit(c) for c in values},
                            {"label": self.name, "recorder": self.model.name, "node_id": self.node_id,
                             "seed": int(self.recording.seed), "resolution": h})

    def to_neo(self, nodes: NodeLookup | None = None) -> Any:
        """A ``neo.Block`` of everything recorded, one ``Segment`` per segment (chunk).

        Every segment's ``t_start``/``t_stop`` (ms) is the window ``(origin + start,
        origin + stop]`` clipped to the time simulated in that segment while the
        device existed; see :func:`spikesim.data.export.recorder_block`.  ``nodes``
        (the simulator's node table) adds each train's population and model.

        Raises
        ------
        BadProperty
            For a weight_recorder or a device that reduces (its events are no spike
            trains or signals).
        ImportError
            Neo is not installed.
        """
        if "weights" in self.columns() or self.p.get("reduce"):
            raise bad_property(self.model.name, "to_neo", self.name, "weight_recorder events and reductions "
                               "have no Neo form")
        parts = dict(enumerate(self.events_by_segment()))
        windows = {k: self.window_ms(a, b) for k, (a, b) in self.spans.items()}
        for k, ev in parts.items():
            if k not in windows and ev["senders"].size:
                windows[k] = self.window_ms(0, self.grid.step)
        return recorder_block(self.neo_info(), parts, windows or {0: (0.0, 0.0)}, nodes)

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
        self._hand_over(HandOver(self.recording.segment, int(senders.size), batch))

    def emit_grid(self, senders: np.ndarray, steps: np.ndarray, values: dict[str, np.ndarray]) -> None:
        """Take samples from the engine: every sender at every stamp ``steps``, ``values[v]``
        of shape (steps, senders); reduced first when the device has ``average`` or ``reduce``."""
        if senders.size == 0 or steps.size == 0:
            return
        if self.p.get("average") or self.p.get("reduce"):
            self._reduce_samples(senders, steps, values)
        else:
            self.emit_samples(senders, steps, values)

    def emit_samples(self, senders: np.ndarray, steps: np.ndarray, values: dict[str, np.ndarray]) -> None:
        """Hand samples to the backend: every sender at every step, ``values[v]`` of
        shape (steps, senders), i.e. time-ordered rows with senders ordered within."""
        if senders.size == 0 or steps.size == 0:
            return
        times = steps.astype(np.int64, copy=False) if self.p["time_in_steps"] else self.grid.steps_to_ms(steps)
        self._hand_over(HandOver(self.recording.segment, int(senders.size * steps.size), {},
                                  (senders.astype(np.int64, copy=False), times, values)))

    def _hand_over(self, item: HandOver | None) -> None:
        """Write what waits for the backend, oldest first, then ``item``.

        Transactional: a hand-over leaves the queue, and counts in ``n_events``, once
        the backend's write returned; one that raised (a full disk, Ctrl-C) stays and
        goes first at the next hand-over, to the backend the device then uses.  Nothing
        is lost or written twice if a backend stores a batch whole or not at all (one
        that lost it for good raises :class:`~spikesim.errors.RecordsLost`).
        """
        if item is not None:
            self._unsent.append(item)
        while self._unsent:
            it = self._unsent[0]
            self._mark_segment(it.segment)
            try:
                if it.grid is not None:
                    self.backend.write_grid(self, *it.grid)
                else:
                    self.backend.write(self, it.batch)
            except RecordsLost:
                self._unsent.pop(0)  # gone with the subscriber: offering it again would duplicate
                raise
            self._unsent.pop(0)
            self.n_events += it.rows
            self.recent.add(it, bool(self.p["time_in_steps"]))

    # -- spike recorder ------------------------------------------------------------
    #: rows a spike recorder holds before they go to its backend (the engine also hands
    #: them over at the end of every run and at least every EMIT_EVERY s of wall time)
    PENDING_ROWS = 1 << 16

    def record_spikes(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray,
                      counts: np.ndarray) -> bool:
        """Record the spikes of one slice (sorted by step, then id); they wait in the
        device's buffer until :meth:`emit_pending`.

        ``counts[id]`` is the number of connections from node ``id`` to this recorder.
        Only memory is touched (the buffer grows), so recording cannot fail half-way
        through a slice.  Returns whether :attr:`PENDING_ROWS` rows or more wait (the
        engine then hands them over between slices).
        """
        if self.p.get("reduce"):
            self._reduce_spikes(ids, steps, mult, counts)
            return False
        lo, hi = self.window()
        if not self.windows().simple:  # several windows: keep the spikes in one of them
            keep = self.in_windows(steps.astype(np.int64) + 1)
            ids, steps, mult = ids[keep], steps[keep], mult[keep]
        tics = self.grid.tics_per_step
        if self._pending is None:
            self._pending = PendingRows(self.PENDING_ROWS)
        p = self._pending
        f0 = p.fill
        f, ordered = spike_rows_into(ids, steps, mult, counts, lo, hi, tics, p.senders, p.stamps, p.times, f0)
        if f < 0:  # no room for this slice's rows: a larger buffer keeps what waits
            self._pending = p = p.grown(max(2 * p.senders.size, f0 - f))
            f, ordered = spike_rows_into(ids, steps, mult, counts, lo, hi, tics, p.senders, p.stamps, p.times, f0)
        if not ordered:  # the kernel listed spikes population by population
            order = np.lexsort((p.senders[f0:f], p.stamps[f0:f]))
            for a in (p.senders, p.stamps, p.times):
                a[f0:f] = a[f0:f][order]
        p.fill = f
        return f >= self.PENDING_ROWS

    def emit_pending(self) -> None:
        """Hand the buffered spike rows, and anything the backend refused before, to
        the backend (see :meth:`_hand_over`)."""
        if self.p.get("reduce") in ("rate", "counts"):
            self._emit_bins()
        p = self._pending
        if p is None or not p.fill:
            return self._hand_over(None) if self._unsent else None
        f, p.fill = p.fill, 0  # copied out: a failed write keeps the copies queued
        senders, stamps, times = p.senders[:f].copy(), p.stamps[:f].copy(), p.times[:f].copy()
        if p.senders.size > self.PENDING_ROWS:  # grown for a burst: give the memory back
            self._pending = PendingRows(self.PENDING_ROWS)
        self.emit(senders, stamps, {}, times)
