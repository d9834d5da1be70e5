"""How much a planned run will record: bytes per device and backend, before running.

:func:`recording_estimate` counts the records each device will make over the next
``t`` ms (``Simulator.recording_estimate`` calls it):

* samplers: exactly, from their sample times in the windows and the neurons sampled
  (one row per sample time with ``reduce="population"``);
* spike recorders and weight recorders: from the rate measured so far (records per
  simulated step in the windows), or from an expected rate in spikes/s per recorded
  neuron given by the user; ``reduce="rate"``: one row per bin; ``"total"``: no rows.

Bytes are 8 per column and row (int64 senders and counts, float64 times and values;
plus 8 for the segment column after a ``reset``), which is what the memory backend
keeps (reading ``events`` concatenates the batches: briefly twice that).  The hdf5
backend writes about as many bytes to disk and keeps only a chunk per device in RAM;
the ascii backend writes text.  When what the memory backend will hold does not fit
in the available RAM, a :class:`RuntimeWarning` says so and names the fixes.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from spikesim.models.base import ms_to_steps
from spikesim.models.recorders import RecorderModel
from spikesim.recording.schedules import Windows
from spikesim.timegrid import TimeGrid

#: steps counted per pass when counting steps in windows (bounds the work arrays)
_CHUNK = 1 << 20
#: RAM the memory backend may fill before the estimate warns (a fraction of what is available)
RAM_FRACTION = 0.8


class EstimatedDevice(Protocol):
    """What the estimate reads of a recording device."""

    node_id: int
    model: type[RecorderModel]
    grid: TimeGrid
    p: dict[str, Any]
    connected: np.ndarray
    n_events: int
    spans: dict[int, list[int]]

    @property
    def name(self) -> str:
        """The label, or the model name."""

    def columns(self) -> tuple[str, ...]:
        """The columns of its records."""

    def windows(self) -> Windows:
        """Its recording windows."""



@dataclass
class DeviceEstimate:
    """The estimate of one device: records and bytes over the planned run."""

    node_id: int
    name: str
    backend: str
    rows: int
    bytes: int
    #: how the rows were obtained: "exact", "measured", "expected" or "unknown" (no rate yet)
    basis: str


@dataclass
class RecordingEstimate:
    """Bytes a planned run will record, per device and per backend.

    ``memory_bytes`` is what the memory backend will hold in addition after the run;
    ``available`` is the RAM available now (bytes, from ``/proc/meminfo`` or
    ``os.sysconf``; 0 if unknown).
    """

    t: float
    devices: list[DeviceEstimate] = field(default_factory=list)
    available: int = 0

    @property
    def by_backend(self) -> dict[str, int]:
        """Bytes per backend name."""
        out: dict[str, int] = {}
        for d in self.devices:
            out[d.backend] = out.get(d.backend, 0) + d.bytes
        return out

    @property
    def memory_bytes(self) -> int:
        """Bytes the memory backend will add."""
        return self.by_backend.get("memory", 0)

    @property
    def fits(self) -> bool:
        """Whether the memory backend's part fits in :data:`RAM_FRACTION` of the available RAM."""
        return not self.available or self.memory_bytes <= RAM_FRACTION * self.available


def available_ram() -> int:
    """RAM available to new allocations (bytes): ``MemAvailable`` of ``/proc/meminfo``,
    else free pages times page size from ``os.sysconf``; 0 if neither is known."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 0


def _count(mask_of: Any, first: int, n: int) -> int:
    """How many of the stamps ``first .. first + n - 1`` ``mask_of(first, n)`` selects."""
    total = 0
    for a in range(first, first + n, _CHUNK):
        total += int(np.count_nonzero(mask_of(a, min(_CHUNK, first + n - a))))
    return total


def _sample_times(dev: EstimatedDevice, first: int, n: int) -> np.ndarray:
    """Which of the stamps ``first .. first + n - 1`` are sample times of a sampler (a
    record each, also with ``average``: the interval's mean is recorded at its end)."""
    h = dev.grid.resolution
    iv, off = ms_to_steps(dev.p["interval"], h), ms_to_steps(dev.p["offset"], h)
    stamps = np.arange(first, first + n, dtype=np.int64)
    keep: np.ndarray = ((stamps - off) % iv == 0) & (stamps >= off) & (stamps >= 1) & dev.windows().mask(stamps)
    return keep


def _observed_steps(dev: EstimatedDevice) -> int:
    """Steps simulated so far in the device's windows."""
    w = dev.windows()
    return sum(_count(w.range_mask, a + 1, b - a) for a, b in dev.spans.values() if b > a)


def _rows(dev: EstimatedDevice, n_steps: int, rate: float | None) -> tuple[int, str]:
    """Records of ``dev`` over the next ``n_steps`` steps, and how they were obtained."""
    s0 = dev.grid.step
    reduce = dev.p.get("reduce", "")
    if dev.model.sampler:
        samples = _count(lambda a, m: _sample_times(dev, a, m), s0 + 1, n_steps)
        per = 1 if reduce == "population" else int(np.unique(dev.connected).size)
        return samples * per, "exact"
    if reduce == "total":
        return 0, "exact"
    in_win = _count(dev.windows().range_mask, s0 + 1, n_steps)
    if reduce == "rate":
        return math.ceil(in_win / ms_to_steps(dev.p["bin"], dev.grid.resolution)), "exact"
    if rate is not None:
        spikes = rate * dev.connected.size * in_win * dev.grid.resolution * 1e-3
        if reduce == "counts":
            bins = math.ceil(in_win / ms_to_steps(dev.p["bin"], dev.grid.resolution))
            spikes = min(spikes, bins * np.unique(dev.connected).size)
        return int(round(spikes)), "expected"
    seen = _observed_steps(dev)
    if not seen:
        return 0, "unknown"
    return int(round(dev.n_events / seen * in_win)), "measured"


def _row_bytes(dev: EstimatedDevice, segment: int) -> int:
    """Bytes of one record of ``dev`` in the memory backend (8 per column; a segment column
    after a ``reset``)."""
    return 8 * (len(dev.columns()) + (1 if segment else 0))


def recording_estimate(devices: Iterable[EstimatedDevice], t: float, rates: float | Mapping[int, float] | None = None,
                       segment: int = 0, warn: bool = True) -> RecordingEstimate:
    """Bytes the recording devices will record over the next ``t`` ms.

    Parameters
    ----------
    devices : iterable of RecordingDevice
        The simulator's recording devices.
    t : float
        The planned run (ms), from the current clock.
    rates : float or mapping of int to float, optional
        Expected firing rate (spikes/s) of every recorded neuron, or per spike or
        weight recorder (by node id); devices without one use the rate measured so
        far (their records per simulated step in their windows).
    segment : int
        The recording segment (after a ``reset`` the memory backend adds a column).
    warn : bool
        Whether to warn when the memory backend's part will not fit in RAM.

    Returns
    -------
    RecordingEstimate
        Rows and bytes per device, bytes per backend, the RAM available.

    Raises
    ------
    ValueError
        If ``t`` is negative or not finite, or a rate is negative.

    Warns
    -----
    RuntimeWarning
        When the memory backend would hold more than :data:`RAM_FRACTION` of the
        available RAM: record to a file backend (``record_to="hdf5"``) or reduce.
    """
    if not (0 <= t < math.inf):
        raise ValueError(f"recording_estimate: t = {t!r} ms is not allowed; it must be a finite number >= 0")
    out = RecordingEstimate(float(t), available=available_ram())
    for dev in devices:
        rate = rates.get(dev.node_id) if isinstance(rates, Mapping) else rates
        if rate is not None and not rate >= 0:
            raise ValueError(f"recording_estimate: rate {rate!r} spikes/s for device {dev.node_id} is not "
                             "allowed; it must be >= 0")
        rows, basis = _rows(dev, ms_to_steps(t, dev.grid.resolution), rate)
        out.devices.append(DeviceEstimate(dev.node_id, dev.name, dev.p["record_to"], rows,
                                          rows * _row_bytes(dev, segment), basis))
    if warn and not out.fits:
        big = sorted((d for d in out.devices if d.backend == "memory"), key=lambda d: -d.bytes)[:3]
        warnings.warn(
            f"recording_estimate: the memory backend will hold about {out.memory_bytes / 2**30:.2f} GiB more over "
            f"{t} ms, but only {out.available / 2**30:.2f} GiB of RAM is available (largest: "
            + ", ".join(f"{d.name} {d.node_id}: {d.bytes / 2**30:.2f} GiB" for d in big)
            + "); record to a file (record_to='hdf5') or reduce: reduce='rate'/'counts'/'total' on spike "
            "recorders, reduce='population' or a longer interval on multimeters, or a schedule",
            RuntimeWarning, stacklevel=2)
    return out


def memory_bytes(devices: Iterable[Any]) -> int:
    """Bytes of the arrays the memory backend holds for ``devices`` (their records and
    segment columns, as :meth:`RecordingDevice.records` reads them)."""
    total = 0
    for dev in devices:
        if dev.p["record_to"] == "memory":
            ev = dev.backend.stored_events(dev)  # a segment column is kept only after a reset
            total += sum(int(v.nbytes) for k, v in ev.items() if k != "segment" or dev.recording.segment)
    return total
