"""Detectors: recording devices that take each spike with its connection's weight and
receptor port (NEST 3.10's correlation_detector, correlomatrix_detector, spin_detector).

The engine hands them the spikes of each ``min_delay`` slice as it hands them to spike
recorders (``record_spikes``); when a simulation starts it tells each detector its
incoming connections (:meth:`Detector.set_inputs`).  Within a slice the events arrive as
NEST delivers them with one thread: by sender, then stamp, then connection order, so
the order-dependent parts of NEST's algorithms (spin decoding, count histograms) agree.

Backends.  ``spin_detector`` writes events (``senders``, ``times``, ``state``) through
its ``record_to`` backend like a spike recorder.  The correlation detectors keep
histograms, not events, and NEST gives them no backend: their results are the status
entries (``histogram``, ``covariance`` ...), cumulative over simulate calls, carried by
checkpoints, and available on every backend the simulator has only in this form;
``record_to`` other than ``"memory"`` is refused with a clear error.  A spike counts if
the device is active at its stamp (``(origin + start, origin + stop]``) and, for
the histograms, if its stamp lies in ``[Tstart, Tstop]`` (ms).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spikesim.errors import StepMultipleRequired, UnknownReceptorType, bad_property
from spikesim.models.recorders import CorrelationDetectorModel, CorrelomatrixDetectorModel, SpinDetectorModel
from spikesim.recording.backends import Batch
from spikesim.recording.detector_kernels import correlate, correlomatrix, decode_spins
from spikesim.recording.devices import RecordingDevice

_INF_STEPS = 2 ** 62
#: the longest histogram (tau_max / delta_tau lags on each side) a detector accepts
_MAX_LAGS = 10 ** 7
_NO_IDS = np.zeros(0, dtype=np.int64)


class Detector(RecordingDevice):
    """A recording device fed with weighted, port-labelled spike events.

    Events are handled in NEST's delivery blocks: the ``min_delay`` intervals (NEST's
    min_delay counts every connection, those to recorders too) and the end of a run
    (:meth:`ran`).  Spikes of a block that is not complete yet wait in the device.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._src = np.zeros(0, dtype=np.int64)
        self._w = np.zeros(0)
        self._r = np.zeros(0, dtype=np.int64)
        self._md = 1
        self._wait = (np.zeros(0, dtype=np.int64),) * 3

    def set_inputs(self, src: np.ndarray, w: np.ndarray, r: np.ndarray, min_delay: int) -> None:
        """Take the incoming connections: source node ids, weights and receptor ports,
        in connection order (kept per source, the order events arrive in), and NEST's
        ``min_delay`` (steps) over all connections.

        Raises
        ------
        UnknownReceptorType
            If a port is one the detector has no channel for.
        """
        order = np.argsort(src, kind="stable")
        self._src = np.asarray(src, dtype=np.int64)[order]
        self._w = np.asarray(w, dtype=np.float64)[order]
        self._r = np.asarray(r, dtype=np.int64)[order]
        self._md = max(1, int(min_delay))
        n = self.channels()
        if n and self._r.size and (self._r.min() < 0 or self._r.max() >= n):
            bad = int(self._r[(self._r < 0) | (self._r >= n)][0])
            raise UnknownReceptorType(f"{self.model.name} {self.node_id}: receptor_type {bad} is not "
                                      f"allowed; it has the ports 0 .. {n - 1}")

    def channels(self) -> int:
        """Receptor ports the detector has (0: any)."""
        return 0

    def ready(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, drain: bool = False
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The events of the complete blocks among the waiting spikes and one slice's
        (node ids, emission steps, multiplicities; all blocks if ``drain``), in arrival
        order: (sender, stamp, port, multiplicity x weight, multiplicity, active, block).

        Blocks ending by the clock (``grid.step``: the slice's first step while a
        slice is recorded, the end of the slices run in a hand-over) are complete."""
        keep = np.isin(ids, self._src)
        ids, steps, mult = (np.concatenate([a, b[keep].astype(np.int64)])
                            for a, b in zip(self._wait, (ids, steps, mult), strict=True))
        block = steps // self._md
        now = block < self.grid.step // self._md if not drain else np.ones(ids.size, dtype=bool)
        self._wait = (ids[~now], steps[~now], mult[~now])
        ids, steps, mult, block = ids[now], steps[now], mult[now], block[now]
        order = np.lexsort((steps, ids, block))
        ids, stamps, mult, block = ids[order], steps[order] + 1, mult[order], block[order]
        lo = np.searchsorted(self._src, ids, "left")
        per = np.searchsorted(self._src, ids, "right") - lo
        spike = np.repeat(np.arange(ids.size), per)
        conn = lo[spike] + np.arange(spike.size) - np.repeat(np.cumsum(per) - per, per)
        m = mult[spike]
        active = self.in_windows(stamps[spike]) if spike.size else np.zeros(0, dtype=bool)
        return ids[spike], stamps[spike], self._r[conn], m * self._w[conn], m, active, block[spike]


class SpinDetector(Detector):
    """``spin_detector``: binary neurons' transitions as events with a ``state`` column
    (0 down, 1 up); see :func:`spikesim.recording.detector_kernels.decode_spins`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._held = 0

    def columns(self) -> tuple[str, ...]:
        """``senders``, ``times`` (ms, or steps and ``offsets``), ``state``."""
        return (*super().columns(), "state")

    def unit(self, column: str) -> str:
        """The unit of a column (``state`` is dimensionless)."""
        return "dimensionless" if column == "state" else super().unit(column)

    def empty_batch(self) -> Batch:
        """A batch with the device's columns and no rows (``state`` int64)."""
        out = super().empty_batch()
        out["state"] = np.zeros(0, dtype=np.int64)
        return out

    def record_spikes(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, counts: np.ndarray) -> bool:
        """Decode one slice's spikes; the rows wait until :meth:`emit_pending`.  Returns
        whether :attr:`PENDING_ROWS` rows or more wait."""
        self._decode(ids, steps, mult, False)
        return self._held >= self.PENDING_ROWS

    def _decode(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, drain: bool) -> None:
        snd, stamp, _, _, m, active, block = self.ready(ids, steps, mult, drain)
        if not active.any():
            return
        out_s, out_t, out_v = (np.empty(snd.size, dtype=np.int64) for _ in range(3))
        n = decode_spins(snd, stamp, m, active, block, out_s, out_t, out_v)
        if n:
            self._rows.append((out_s[:n], out_t[:n], out_v[:n]))
            self._held += n

    def emit_pending(self) -> None:
        """Decode the complete blocks and hand the rows, in decoding order, to the backend."""
        self._decode(_NO_IDS, _NO_IDS, _NO_IDS, False)
        rows, self._rows, self._held = self._rows, [], 0
        if not rows:
            return self._hand_over(None) if self._unsent else None
        s, t, v = (np.concatenate([r[k] for r in rows]) for k in range(3))
        self.emit(s, t, {"state": v})

    def ran(self, segment: int, first: int, last: int) -> None:
        """The end of a run ends a delivery block: decode and write what waits (and
        flush, as the run's hand-over did before)."""
        super().ran(segment, first, last)
        if self._wait[0].size:
            self._decode(_NO_IDS, _NO_IDS, _NO_IDS, True)
            self.emit_pending()
            self.recording.flush()


class HistogramDetector(Detector):
    """A detector whose results are histograms in its status (no backend)."""

    #: no ``events`` entry in its status (NEST's histogram detectors have none)
    has_events: bool = False
    #: parameters whose change clears the histograms
    RESETTING: tuple[str, ...] = ("delta_tau", "tau_max", "Tstart", "Tstop")
    #: spikes counted per port
    _n_events: np.ndarray

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reset()

    def steps(self, p: dict[str, Any] | None = None) -> tuple[int, int, int, int]:
        """(delta_tau, tau_max, first, last counted stamp) in steps for parameters ``p``."""
        p = self.p if p is None else p
        h = self.grid.resolution
        t0 = (math.ceil(p["Tstart"] / h - 1e-9) if math.isfinite(p["Tstart"])
              else int(math.copysign(_INF_STEPS, p["Tstart"])))
        t1 = _INF_STEPS if math.isinf(p["Tstop"]) else math.floor(p["Tstop"] / h + 1e-9)
        return round(p["delta_tau"] / h), round(p["tau_max"] / h), max(t0, -_INF_STEPS), t1

    def validated(self, new: dict[str, Any]) -> dict[str, Any]:
        """The parameters after applying ``new`` (see :meth:`RecordingDevice.validated`).

        Raises
        ------
        BadProperty
            For ``record_to`` other than ``"memory"``, ``n_events`` other than all
            zeros, a non-numeric or negative time, ``Tstop < Tstart``,
            ``N_channels < 1``.
        StepMultipleRequired
            If ``delta_tau`` is not a positive multiple of the resolution, ``tau_max``
            not a multiple of ``delta_tau`` (or ``delta_tau`` an even number of steps
            for ``correlomatrix_detector``).
        """
        name = self.model.name
        new = dict(new)
        nev = new.pop("n_events", [0] * self._ports(new))  # None is no list of zeros: refused
        if (np.ndim(nev) != 1 or len(nev) != self._ports(new) or np.any(np.asarray(nev) != 0)):
            raise bad_property(name, "n_events", nev, f"only {[0] * self._ports(new)} may be set, to clear "
                               "the histograms")
        if new.get("record_to", "memory") != "memory":
            raise bad_property(name, "record_to", new["record_to"], f"a {name} keeps its histograms as status "
                               "entries (as NEST); it writes nothing to a backend")
        for k in ("delta_tau", "tau_max", "Tstart", "Tstop"):
            v = new.get(k, 0.0)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or math.isnan(v):
                raise bad_property(name, k, v, "it must be a number of ms")
        p = super().validated(new)
        self._check(p)
        return p

    def _ports(self, new: dict[str, Any]) -> int:
        return 2

    def _check(self, p: dict[str, Any]) -> None:
        """Raise unless the histogram parameters of ``p`` fit together and the grid."""
        name, h = self.model.name, self.grid.resolution
        dt, tm = p["delta_tau"], p["tau_max"]
        if not (dt > 0) or math.isinf(dt) or round(dt / h) < 1 or abs(dt / h - round(dt / h)) > 1e-9:
            raise StepMultipleRequired(f"{name}: parameter 'delta_tau' = {dt!r} is not allowed; it must be a "
                                       f"positive multiple of the resolution ({h} ms)")
        d = round(dt / h)
        if not (tm >= 0) or math.isinf(tm) or abs(tm / h - round(tm / h)) > 1e-9 or round(tm / h) % d:
            raise StepMultipleRequired(f"{name}: parameter 'tau_max' = {tm!r} is not allowed; it must be a "
                                       f"multiple of delta_tau ({dt} ms)")
        if round(tm / h) // d > _MAX_LAGS:  # the histograms would not fit in memory
            raise bad_property(name, "tau_max", tm, f"at most {_MAX_LAGS} times delta_tau ({dt} ms)")
        if p["Tstop"] < p["Tstart"]:
            raise bad_property(name, "Tstop", p["Tstop"], f"it must be >= Tstart ({p['Tstart']} ms)")

    def set(self, new: dict[str, Any]) -> None:
        """Apply ``new``; a histogram parameter or ``n_events`` (zeros) clears the
        histograms (NEST resets its state on either).

        Raises
        ------
        BadProperty
            As :meth:`validated`, before anything changes.
        """
        super().set(new)
        if "n_events" in new or any(k in new for k in self.RESETTING):
            self.reset()

    def reset(self) -> None:
        """Empty the histograms and the queues of past spikes."""
        raise NotImplementedError

    def _room(self, qt: np.ndarray, qw: np.ndarray, qc: np.ndarray, ends: np.ndarray, n: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Queues compacted to their front with room for ``n`` more spikes (last axis)."""
        for q in range(ends.shape[0]):
            a, b = ends[q]
            if a:
                qt[q, :b - a], qw[q, :b - a], qc[q, :b - a] = qt[q, a:b].copy(), qw[q, a:b].copy(), qc[q, a:b].copy()
                ends[q] = (0, b - a)
        need = int(ends[:, 1].max()) + n
        if need > qt.shape[1]:
            cap = max(need, 2 * qt.shape[1], 64)
            grow = ((0, 0), (0, cap - qt.shape[1]))
            qt, qw, qc = np.pad(qt, grow), np.pad(qw, grow), np.pad(qc, grow)
        return qt, qw, qc

    def _queues(self, k: int) -> None:
        self._qt = np.zeros((k, 64), dtype=np.int64)
        self._qw = np.zeros((k, 64))
        self._qc = np.zeros((k, 64), dtype=np.int64)
        self._ends = np.zeros((k, 2), dtype=np.int64)

    def emit_pending(self) -> None:
        """Count the spikes of the complete blocks; nothing goes to a backend: the
        histograms stay in the status."""
        self.record(_NO_IDS, _NO_IDS, _NO_IDS, False)

    def ran(self, segment: int, first: int, last: int) -> None:
        """The end of a run ends a delivery block: count what waits."""
        super().ran(segment, first, last)
        self.record(_NO_IDS, _NO_IDS, _NO_IDS, True)

    def record_spikes(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, counts: np.ndarray) -> bool:
        """Add one slice's spikes to the histograms; returns False (nothing waits for a backend)."""
        self.record(ids, steps, mult, False)
        return False

    def record(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, drain: bool) -> None:
        """Add the spikes of the complete blocks (all if ``drain``) to the histograms."""
        raise NotImplementedError

    def status(self, events: bool = True) -> dict[str, Any]:
        """Parameters, the node's entries and the histograms (no ``events``)."""
        d = super().status(events=False)
        d["n_events"] = self._n_events.copy()
        d.update(self.results())
        return d

    def results(self) -> dict[str, np.ndarray]:
        """The histogram status entries (copies)."""
        raise NotImplementedError

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """As :meth:`RecordingDevice.state`, plus the histograms and queued spikes."""
        meta, arrays = super().state()
        arrays.update({f"det/{k}": v for k, v in self._arrays().items()})
        return meta, arrays

    def load_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Continue from :meth:`state`."""
        super().load_state(meta, {k: v for k, v in arrays.items() if not k.startswith("det/")})
        for k, v in arrays.items():
            if k.startswith("det/"):
                setattr(self, "_" + k[4:], np.array(v))

    def _arrays(self) -> dict[str, np.ndarray]:
        return {"qt": self._qt, "qw": self._qw, "qc": self._qc, "ends": self._ends, "n_events": self._n_events,
                **{k: getattr(self, "_" + k) for k in self.results()}}


class CorrelationDetector(HistogramDetector):
    """``correlation_detector`` (see :func:`spikesim.recording.detector_kernels.correlate`)."""

    def channels(self) -> int:
        """Two receptor ports, 0 and 1."""
        return 2

    def reset(self) -> None:
        """Empty the histograms (``1 + 2 tau_max / delta_tau`` bins) and the queues."""
        d, t, _, _ = self.steps()
        nb = 1 + 2 * t // d
        self._histogram, self._histogram_correction = np.zeros(nb), np.zeros(nb)
        self._count_histogram = np.zeros(nb, dtype=np.int64)
        self._n_events = np.zeros(2, dtype=np.int64)
        self._queues(2)

    def results(self) -> dict[str, np.ndarray]:
        """``histogram``, ``histogram_correction`` (weight products), ``count_histogram``;
        bin ``k`` holds lags ``(k - tau_max / delta_tau) delta_tau`` ms (port 1 after port 0)."""
        return {"histogram": self._histogram.copy(), "histogram_correction": self._histogram_correction.copy(),
                "count_histogram": self._count_histogram.copy()}

    def record(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, drain: bool) -> None:
        """Add the spikes of the complete blocks (all if ``drain``) to the histograms."""
        _, stamp, port, w, m, active, _ = self.ready(ids, steps, mult, drain)
        if not active.any():
            return
        self._qt, self._qw, self._qc = self._room(self._qt, self._qw, self._qc, self._ends, int(active.sum()))
        d, t, t0, t1 = self.steps()
        correlate(port, stamp, w, m, active, self._qt, self._qw, self._qc, self._ends, t, d, t0, t1,
                  self._histogram, self._histogram_correction, self._count_histogram, self._n_events)


class CorrelomatrixDetector(HistogramDetector):
    """``correlomatrix_detector`` (see :func:`spikesim.recording.detector_kernels.correlomatrix`)."""

    RESETTING = (*HistogramDetector.RESETTING, "N_channels")

    def channels(self) -> int:
        """``N_channels`` receptor ports."""
        return int(self.p["N_channels"])

    def _ports(self, new: dict[str, Any]) -> int:
        n = new.get("N_channels", self.p["N_channels"])
        # checked here, before n_events is compared with n zeros; bounded so N x N matrices fit
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 10_000:
            raise bad_property(self.model.name, "N_channels", n, "it must be an integer in [1, 10000]")
        return int(n)

    def _check(self, p: dict[str, Any]) -> None:
        super()._check(p)
        n = p["N_channels"]
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise bad_property(self.model.name, "N_channels", n, "it must be an integer >= 1")
        if round(p["delta_tau"] / self.grid.resolution) % 2 != 1:
            raise StepMultipleRequired(f"{self.model.name}: parameter 'delta_tau' = {p['delta_tau']!r} is not "
                                       f"allowed; it must be an odd multiple of the resolution "
                                       f"({self.grid.resolution} ms)")

    def reset(self) -> None:
        """Empty the matrices (``N x N x (1 + tau_max / delta_tau)``) and the queue."""
        d, t, _, _ = self.steps()
        n = self.channels()
        self._covariance = np.zeros((n, n, 1 + t // d))
        self._count_covariance = np.zeros((n, n, 1 + t // d), dtype=np.int64)
        self._n_events = np.zeros(n, dtype=np.int64)
        self._queues(1)
        self._margin = 1

    def results(self) -> dict[str, np.ndarray]:
        """``covariance`` (weight products) and ``count_covariance`` (pairs)."""
        return {"covariance": self._covariance.copy(), "count_covariance": self._count_covariance.copy()}

    def record(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, drain: bool) -> None:
        """Add the spikes of the complete blocks (all if ``drain``) to the matrices."""
        _, stamp, port, w, m, active, _ = self.ready(ids, steps, mult, drain)
        if not active.any():
            return
        # spikes older than tau_max + delta_tau / 2 plus the slice's spread cannot pair
        # with any of its events: that bounds the queue (NEST uses min_delay likewise)
        self._margin = max(self._margin, int(stamp.max() - stamp.min()) + 1)
        self._qt, self._qw, self._qc = self._room(self._qt, self._qw, self._qc, self._ends, int(active.sum()))
        d, t, t0, t1 = self.steps()
        correlomatrix(port, stamp, w, m, active, self._qt[0], self._qw[0], self._qc[0], self._ends[0], t, d,
                      self._margin, t0, t1, self._covariance, self._count_covariance, self._n_events)


def device_class(model: type) -> type[RecordingDevice] | None:
    """The detector device class of a recorder model, copies included (``None``: not a
    detector).

    Parameters
    ----------
    model : type
        A recorder model class.
    """
    for base, cls in _CLASSES:
        if issubclass(model, base):
            return cls
    return None


_CLASSES: list[tuple[type, type[RecordingDevice]]] = [(CorrelationDetectorModel, CorrelationDetector),
                                                     (CorrelomatrixDetectorModel, CorrelomatrixDetector),
                                                     (SpinDetectorModel, SpinDetector)]

__all__ = ["Detector", "SpinDetector", "HistogramDetector", "CorrelationDetector", "CorrelomatrixDetector",
           "device_class"]
