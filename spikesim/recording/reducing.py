"""What a recording device does with schedules and reductions (a base class of
:class:`~spikesim.recording.devices.RecordingDevice`; see
:mod:`spikesim.recording.schedules` and :mod:`spikesim.recording.reductions`)."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from spikesim.models.base import ms_to_steps
from spikesim.recording.reductions import IntervalMean, SpikeBins, closed_bins, interval_ends, population_stats
from spikesim.recording.reductions import smooth_rate as _smooth
from spikesim.recording.schedules import Windows
from spikesim.timegrid import TimeGrid


class _Segments(Protocol):
    segment: int


class ScheduledDevice:
    """Windows, schedules and reductions of a recording device (the device supplies
    :meth:`emit`, :meth:`emit_samples` and :attr:`events`)."""

    p: dict[str, Any]
    grid: TimeGrid
    node_id: int
    connected: np.ndarray
    recording: _Segments
    spans: dict[int, list[int]]
    #: the cached recording window: (the parameters it was computed from, (lo, hi] in steps)
    _window: tuple[tuple[float, float, float, float], tuple[int, int]] | None = None
    _windows: Windows | None = None
    _windows_key: tuple[Any, ...] = ()

    def _init_reductions(self) -> None:
        self._avg = IntervalMean()
        self._bins = SpikeBins()
        #: the clock (steps) when the device was made: rate bins begin after it
        self._born = self.grid.step
        #: the recording segment the open intervals and bins belong to
        self._acc_segment = self.recording.segment

    def _new_segment(self) -> None:
        """After a ``reset``: drop the open interval and bins of the last segment (they
        never ended) and start the bins at the new segment's beginning."""
        seg = self.recording.segment
        if seg == self._acc_segment:
            return
        prev = max((b for k, (_, b) in self.spans.items() if k < seg), default=self._born)
        start = 0 if self.grid.step < prev else prev   # reset(model=True) set the clock back to 0
        totals = self._bins.totals
        self._avg, self._bins = IntervalMean(), SpikeBins()
        self._bins.totals = totals
        self._born, self._acc_segment = start, seg

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

    def window_ms(self, first: int, last: int) -> tuple[float, float]:
        """The window ``(origin + start, origin + stop]`` in ms, clipped to the stamps
        ``first + 1 .. last`` (steps), i.e. to ``(first h, last h]``; empty: zero length."""
        lo, hi = self.window()
        a = max(lo, first)
        t = self.grid.steps_to_ms(np.array([a, max(a, min(hi, last))], dtype=np.int64))
        return float(t[0]), float(t[1])

    def emit(self, senders: np.ndarray, steps: np.ndarray, values: dict[str, np.ndarray],
             times_ms: np.ndarray | None = None) -> None:
        """Hand a batch to the backend (the device's)."""
        raise NotImplementedError

    @property
    def events(self) -> dict[str, np.ndarray]:
        """The recorded events (the device's)."""
        raise NotImplementedError

    def emit_samples(self, senders: np.ndarray, steps: np.ndarray, values: dict[str, np.ndarray]) -> None:
        """Hand a grid of samples to the backend (the device's)."""
        raise NotImplementedError

    # -- windows -----------------------------------------------------------------------
    def windows(self) -> Windows:
        """The device's recording windows (window, schedule or period), cached."""
        lo, hi = self.window()
        key = (lo, hi, self.p["origin"], self.p["start"], self.p.get("schedule", ()), self.p.get("period", 0.0),
               self.p.get("duty", 1.0), self.grid.resolution)
        if self._windows is None or key != self._windows_key:
            self._windows = Windows(lo, hi, self.p, self.grid.resolution)
            self._windows_key = key
        return self._windows

    def in_windows(self, stamps: np.ndarray) -> np.ndarray:
        """Whether each stamp (steps) lies in a recording window (``(start, stop]`` semantics)."""
        return self.windows().mask(stamps)

    def value_columns(self, sampler: bool) -> list[str]:
        """The columns after ``senders`` and ``times``: the recorded variables of a
        ``sampler`` (``<var>_mean``, ``<var>_var`` with ``reduce="population"``), ``rate``
        or ``counts`` of a spike recorder that reduces, else none."""
        reduce = self.p.get("reduce", "")
        if sampler and reduce == "population":
            return [f"{v}_{s}" for v in self.p["record_from"] for s in ("mean", "var")]
        if sampler:
            return list(self.p["record_from"])
        return [reduce] if reduce in ("rate", "counts") else []

    # -- samplers ----------------------------------------------------------------------
    def sample_steps(self, s0: int, m: int) -> np.ndarray:
        """Boolean mask over the stamps ``s0+1 .. s0+m`` at which this device samples
        (with ``average``: every step of the intervals it records)."""
        if self.p.get("average") or not self.windows().simple:
            return self._sample_mask(s0, m)
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

    def _sample_mask(self, s0: int, m: int) -> np.ndarray:
        """Boolean mask over the stamps ``s0+1 .. s0+m``: sample times in a window or,
        with ``average``, every step of an interval whose sample time is."""
        h = self.grid.resolution
        iv = ms_to_steps(self.p["interval"], h)
        off = ms_to_steps(self.p["offset"], h)
        stamps = np.arange(s0 + 1, s0 + m + 1, dtype=np.int64)
        ends = interval_ends(stamps, iv, off) if self.p.get("average") else stamps
        keep: np.ndarray = (ends >= off) & (ends >= 1) & self.windows().mask(ends)
        if not self.p.get("average"):
            keep &= (stamps - off) % iv == 0
        return keep

    def _reduce_samples(self, senders: np.ndarray, steps: np.ndarray, values: dict[str, np.ndarray]) -> None:
        """Interval means and population statistics of a grid of samples (stamps ``steps``)."""
        self._new_segment()
        if self.p.get("average"):
            h = self.grid.resolution
            steps, values = self._avg.add(steps, values, ms_to_steps(self.p["interval"], h),
                                          ms_to_steps(self.p["offset"], h))
            if steps.size == 0:
                return
        if self.p.get("reduce") == "population":
            stats = population_stats(values)
            self.emit(np.full(steps.size, self.node_id, dtype=np.int64), steps, stats)
        else:
            self.emit_samples(senders, steps, values)

    # -- spike recorders -----------------------------------------------------------------
    def _bin_steps(self) -> int:
        return ms_to_steps(self.p["bin"], self.grid.resolution)

    def _reduce_spikes(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, counts: np.ndarray) -> None:
        """Count one slice's spikes (node ids, steps, multiplicities) in the open bins."""
        self._new_segment()
        stamps = steps.astype(np.int64) + 1
        n = counts[ids] * mult.astype(np.int64)
        keep = self.windows().mask(stamps) & (n > 0)
        if self._bins.next_bin < 0:
            self._bins.next_bin = self._born // self._bin_steps() + 1
        self._bins.add(self.p["reduce"], self._bin_steps(), ids[keep].astype(np.int64), stamps[keep], n[keep])

    def _emit_bins(self) -> None:
        """Record the bins the clock passed (``rate``, ``counts``)."""
        mode = self.p["reduce"]
        if mode == "total":
            return
        self._new_segment()
        bs = self._bin_steps()
        if self._bins.next_bin < 0:
            self._bins.next_bin = self._born // bs + 1
        senders, stamps, values = closed_bins(self._bins, mode, bs, self.grid.step, self.windows().range_mask,
                                              int(self.connected.size), float(self.p["bin"]))
        if mode == "rate":
            senders = np.full(stamps.size, self.node_id, dtype=np.int64)
        self.emit(senders, stamps, values)

    def spike_totals(self) -> dict[str, np.ndarray]:
        """Spikes counted per recorded node (``reduce="total"``): ``senders`` (the
        nodes connected, ascending) and ``counts``."""
        ids = np.unique(self.connected).astype(np.int64)
        tot = self._bins.totals
        tot = np.pad(tot, (0, max(0, int(ids.max(initial=0)) + 1 - tot.size)))
        return {"senders": ids, "counts": tot[ids].astype(np.int64)}

    def smooth_rate(self, window: str = "gaussian", width: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
        """The recorded population rate (``reduce="rate"``) smoothed as Brian2's
        ``PopulationRateMonitor.smooth_rate`` (see :func:`spikesim.recording.reductions.smooth_rate`).

        Returns
        -------
        (times, rate)
            Bin ends (ms, as recorded) and the smoothed rate (spikes/s), over the
            recorded bins taken as consecutive.

        Raises
        ------
        ValueError
            If the device records no rate, or for a bad window or width.
        """
        if self.p.get("reduce") != "rate":
            raise ValueError(f"smooth_rate: device {self.node_id} has reduce = {self.p.get('reduce')!r}; "
                             "set reduce='rate' on a spike_recorder")
        ev = self.events
        return ev["times"], _smooth(ev["rate"], float(self.p["bin"]), window, width)

    # -- state -------------------------------------------------------------------------
    def reduction_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Open intervals and bins: meta and arrays (``reduce/...``)."""
        am, aa = self._avg.state()
        bm, ba = self._bins.state()
        arrays = {f"reduce/avg/{k}": v for k, v in aa.items()}
        arrays.update({f"reduce/bins/{k}": v for k, v in ba.items()})
        return {"avg": am, "bins": bm, "born": self._born, "segment": self._acc_segment}, arrays

    def load_reduction_state(self, meta: dict[str, Any] | None, arrays: dict[str, np.ndarray]) -> None:
        """Continue from :meth:`reduction_state` (nothing: a checkpoint without it)."""
        if meta is None:
            return
        self._born = int(meta["born"])
        self._acc_segment = int(meta["segment"])
        self._avg.load(meta["avg"], {k[len("reduce/avg/"):]: v for k, v in arrays.items()
                                     if k.startswith("reduce/avg/")})
        self._bins.load(meta["bins"], {k[len("reduce/bins/"):]: v for k, v in arrays.items()
                                       if k.startswith("reduce/bins/")})
