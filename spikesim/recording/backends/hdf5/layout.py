"""Devices laid out in the hdf5 backend's file (:mod:`spikesim.io.hdf5_layout`).

SWMR forbids creating objects while it is on, so the backend lays out every device
(datasets, attributes) whenever it opens the file, before SWMR writing starts:
:class:`DeviceLayout` does that for one device, continuing the rows already in the
file, cutting them back to a checkpoint's, or starting a new grid of a multimeter
whose sampled neurons changed.  :class:`Track` is what the backend knows of a device.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.errors import KernelException, bad_property
from spikesim.io.hdf5_layout import (
    DEVICES,
    GRID_LAYOUT,
    GRID_PREFIX,
    LAYOUT_ATTR,
    N_ROWS,
    SENDERS,
    TIME_COLUMNS,
    UNIT_ATTR,
    Batch,
    H5Group,
    device_name,
    grid_keys,
    grid_name,
    grid_names,
    grid_number,
    grid_rows_of,
)
from spikesim.recording.backends.base import RecordedDevice
from spikesim.recording.backends.hdf5.chunks import Scratch
from spikesim.recording.backends.hdf5.writer import H5Dataset, Job, Syncer, Tail, append_rows, direct_compression

#: the values of the ``compression`` setting
COMPRESSIONS = ("gzip", "lzf", "none")


def check_setting(k: str, v: Any) -> None:
    """Raise BadProperty if ``v`` is not a valid value of the setting ``k``."""
    owner = "recording backend 'hdf5'"
    if k == "file_name" and (not isinstance(v, str) or not v.strip()):
        raise bad_property(owner, k, v, "it must be a non-empty file name")
    if k == "flush_interval" and (isinstance(v, bool) or not isinstance(v, (int, float))
                                  or not v > 0):
        raise bad_property(owner, k, v, "it must be a positive number of seconds "
                           "(float('inf'): flush only at the end of simulate)")
    if k == "compression" and v not in COMPRESSIONS:
        raise bad_property(owner, k, v, f"choose one of {list(COMPRESSIONS)}")
    if k == "compression_level" and (isinstance(v, bool) or not isinstance(v, (int, np.integer))
                                     or not 0 <= v <= 9):
        raise bad_property(owner, k, v, "it must be an integer in [0, 9] (gzip only)")
    if k in ("write_in_thread", "compress_samples") and not isinstance(v, (bool, np.bool_)):
        raise bad_property(owner, k, v, "it must be True or False")
    if k == "chunk_rows" and (isinstance(v, bool) or not isinstance(v, (int, np.integer))
                              or not v >= 1):
        raise bad_property(owner, k, v, "it must be a positive integer")


@dataclass
class Track:
    """What the backend knows about one enrolled device.

    ``written``, ``committed`` and ``cleared`` count rows, for a multimeter too (time
    rows x senders).
    """

    device: RecordedDevice
    columns: tuple[str, ...] = ()
    datasets: dict[str, H5Dataset] = field(default_factory=dict)
    written: int = 0      # rows in the file's datasets
    committed: int = 0    # rows n_rows announces (last flush)
    cleared: int = 0      # rows hidden from events() by n_events = 0
    buffer: list[Batch] = field(default_factory=list)
    buffered: int = 0     # rows in buffer or grid_buffer
    dirty: bool = True    # layout/attributes must be (re)written at the next prepare
    signature: tuple[Any, ...] = ()  # what the file's attributes describe
    resume: tuple[int, int] | None = None  # (rows, cleared) to continue from a checkpoint
    # multimeters (grid layout)
    grid: bool = False
    grid_buffer: list[tuple[np.ndarray, dict[str, np.ndarray]]] = field(default_factory=list)  # (times, values)
    senders: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # the current grid's
    base: int = 0                       # rows in the grids before the current one
    grid_rows: int = 0                  # time rows written to the current grid
    checked: np.ndarray | None = None   # the senders array last found equal to ``senders``
    tails: dict[str, Tail] = field(default_factory=dict)  # column -> direct chunk writes


def forget_unflushed(t: Track) -> None:
    """After the file failed: drop what was not flushed; the next lay-out continues
    after the rows of the last flush (rows written after it are cut off)."""
    if t.columns:
        t.resume = (t.committed, min(t.cleared, t.committed))
    t.buffer, t.grid_buffer, t.buffered = [], [], 0
    t.dirty, t.datasets, t.tails = True, {}, {}


def signature(device: RecordedDevice) -> tuple[Any, ...]:
    """What the file's attributes of ``device`` describe (a change needs a new layout)."""
    return device.columns(), tuple(sorted((k, v) for k, v in device.p.items() if k != "n_events"))


def sampled(device: RecordedDevice) -> np.ndarray:
    """Node ids a multimeter samples, in the order of its rows' senders."""
    return np.sort(np.asarray(device.connected, dtype=np.int64))


def compression_options(settings: dict[str, Any], samples: bool = False) -> dict[str, Any]:
    """h5py's ``create_dataset`` options for the backend's ``compression`` settings;
    ``samples``: for a grid of sampled values, stored uncompressed unless the setting
    ``compress_samples`` is on (deflate saves 16% of sampled voltages for about 30
    times the time of storing them raw)."""
    comp: dict[str, Any] = {}
    if settings["compression"] != "none" and (not samples or settings["compress_samples"]):
        comp = {"compression": settings["compression"], "shuffle": True}
        if settings["compression"] == "gzip":
            comp["compression_opts"] = int(settings["compression_level"])
    return comp


def attach_scales(b: H5Group, cols: tuple[str, ...]) -> None:
    """Make a grid's ``times`` and ``senders`` HDF5 dimension scales of its variables
    (rows: times, columns: senders), so that generic tools (h5py's ``dims``, HDFView,
    netCDF readers) label the axes of a grid without knowing spikesim's layout."""
    b["times"].make_scale("times")
    b[SENDERS].make_scale("senders")
    for c in cols:
        if c in (SENDERS, "times"):
            continue
        ds = b[c]
        ds.dims[0].attach_scale(b["times"])
        ds.dims[0].label = "time"
        if ds.ndim == 2:
            ds.dims[1].attach_scale(b[SENDERS])
            ds.dims[1].label = "sender"


class DeviceLayout:
    """Lays out devices in an open file (not yet in SWMR mode).

    Parameters
    ----------
    h5 : module
        h5py.
    path : Path
        The file (for messages).
    settings : dict
        The backend's settings (``chunk_rows``, ``compression``, ``compression_level``).
    syncer : Syncer or None
        Given to the datasets written chunk by chunk.
    scratch : Scratch
        The writer's work buffers.
    """

    def __init__(self, h5: Any, path: Path, settings: dict[str, Any], syncer: Syncer | None,
                 scratch: Scratch) -> None:
        self.h5 = h5
        self.path = path
        self.settings = settings
        self.syncer = syncer
        self.scratch = scratch

    def lay_out(self, t: Track, g: H5Group) -> None:
        """Lay out the device of ``t`` in its group ``g`` and point ``t`` at it.

        Raises
        ------
        KernelException
            If the file holds fewer rows of the device than a checkpoint being resumed.
        """
        cols = t.device.columns()
        t.grid = bool(t.device.model.sampler) and not t.device.p.get("reduce")  # reductions are rows
        if t.grid:
            self._lay_out_grid(t, g, cols)
        else:
            self._lay_out_rows(t, g, cols)
        t.columns = cols
        t.signature = signature(t.device)
        t.dirty = False

    def _lay_out_rows(self, t: Track, g: H5Group, cols: tuple[str, ...]) -> None:
        dev = t.device
        dtypes = {c: a.dtype for c, a in dev.empty_batch().items()}
        old = [k for k in g if k != N_ROWS]
        if set(old) != set(cols):
            # only before the first row: the device layer freezes time_in_steps once simulate
            # ran and record_from once connected (simulate(0) lays out without writing)
            assert all(g[k].shape[0] == 0 for k in old), f"columns of device {dev.node_id} changed under rows"
            for k in old:
                del g[k]
        comp = compression_options(self.settings)
        for c in cols:
            if c not in g:
                ds = g.create_dataset(c, shape=(0,), maxshape=(None,), dtype=dtypes[c],
                                      chunks=(int(self.settings["chunk_rows"]),), fletcher32=True, **comp)
            else:
                ds = g[c]
            ds.attrs[UNIT_ATTR] = dev.unit(c)
        if N_ROWS not in g:
            g.create_dataset(N_ROWS, data=np.zeros(1, dtype=np.int64))
        n_file = int(g[cols[0]].shape[0])
        if t.resume is not None:  # restored from a checkpoint: continue after its rows
            rows, cleared = t.resume
            if n_file < rows:
                raise KernelException(
                    f"hdf5 backend: '{self.path}' holds {n_file} rows of device {dev.node_id}, fewer than the "
                    f"{rows} the checkpoint recorded; it is not the file this run wrote")
            for c in cols:
                g[c].resize((rows,))
            g[N_ROWS][0] = rows
            t.written = t.committed = rows
            t.cleared = cleared
            t.resume = None
        elif not t.columns:  # newly enrolled: rows already in the file belong to an earlier enrolment
            t.written = t.committed = t.cleared = n_file
        g.attrs.update(self._device_attrs(dev, cols))
        t.datasets = {c: g[c] for c in cols}
        t.datasets[N_ROWS] = g[N_ROWS]
        t.tails = {c: Tail(g[c], self.syncer, *d, self.scratch) for c in cols
                   if (d := direct_compression(g[c])) is not None}

    def _lay_out_grid(self, t: Track, g: H5Group, cols: tuple[str, ...]) -> None:
        """Lay out a multimeter: continue its last grid, or start a new one when the
        sampled neurons or the columns changed (a grid without rows is replaced)."""
        dev = t.device
        for k in [k for k in g if not k.startswith(GRID_PREFIX)]:  # only a device that never wrote rows
            assert g[k].shape[0] == 0, f"device {dev.node_id} changed layout under rows"
            del g[k]
        names = grid_names(g)
        if t.resume is not None:  # restored from a checkpoint: keep its rows, drop later ones
            rows, cleared = t.resume
            names = self._truncate_grids(g, names, rows, dev)
            t.committed = rows
            t.cleared = cleared
            t.resume = None
            fresh = False
        else:
            fresh = not t.columns  # newly enrolled: rows in the file belong to an earlier enrolment
        self._current_grid(g, names, cols, dev)
        blocks = [g[k] for k in names]
        t.base = sum(b[SENDERS].shape[0] * b["times"].shape[0] for b in blocks[:-1])
        t.tails = {}
        if blocks:
            cur = blocks[-1]
            t.grid_rows = int(cur["times"].shape[0])
            t.senders = cur[SENDERS][:]
            t.datasets = {c: cur[c] for c in grid_keys(cols)}
            for c in cols:
                if c != SENDERS and (direct := direct_compression(cur[c])) is not None:
                    t.tails[c] = Tail(cur[c], self.syncer, *direct, self.scratch)
        else:  # samples nothing yet
            t.grid_rows = 0
            t.senders = np.zeros(0, dtype=np.int64)
            t.datasets = {}
        t.written = t.base + t.grid_rows * t.senders.size
        if fresh:
            t.committed = t.cleared = t.written
        g.attrs.update(self._device_attrs(dev, cols))
        g.attrs[LAYOUT_ATTR] = GRID_LAYOUT
        t.checked = None

    def _current_grid(self, g: H5Group, names: list[str], cols: tuple[str, ...], dev: RecordedDevice) -> None:
        """Make the last of ``names`` (updated in place) the grid to continue: keep the
        last one if it fits the sampled neurons and columns, else start a new one."""
        senders = sampled(dev)
        start_new = True
        if names:
            last = g[names[-1]]
            if np.array_equal(last[SENDERS][:], senders) and set(last) == set(grid_keys(cols)):
                start_new = False  # continue the last grid
            elif last["times"].shape[0] == 0:
                del g[names.pop()]  # replace a grid that holds no rows
        if start_new and senders.size:
            name = grid_name(grid_number(names[-1]) + 1 if names else 0)
            self._create_grid(g.create_group(name), senders, cols, dev)
            names.append(name)

    def _create_grid(self, b: H5Group, senders: np.ndarray, cols: tuple[str, ...], dev: RecordedDevice) -> None:
        chunk_rows = int(self.settings["chunk_rows"])
        ct = max(1, chunk_rows // senders.size)
        comp = compression_options(self.settings)
        b.create_dataset(SENDERS, data=senders)
        b[SENDERS].attrs[UNIT_ATTR] = ""
        for c in cols:
            if c == SENDERS:
                continue
            if c in TIME_COLUMNS:
                dt = np.int64 if c == "times" and dev.p["time_in_steps"] else np.float64
                ds = b.create_dataset(c, shape=(0,), maxshape=(None,), dtype=dt,
                                      chunks=(chunk_rows,), fletcher32=True, **comp)
            else:
                ds = b.create_dataset(c, shape=(0, senders.size), maxshape=(None, senders.size), dtype=np.float64,
                                      chunks=(ct, senders.size), fletcher32=True,
                                      **compression_options(self.settings, samples=True))
            ds.attrs[UNIT_ATTR] = dev.unit(c)
        b.create_dataset(N_ROWS, data=np.zeros(1, dtype=np.int64))
        attach_scales(b, cols)

    def _truncate_grids(self, g: H5Group, names: list[str], rows: int, dev: RecordedDevice) -> list[str]:
        """Cut the grids back to ``rows`` rows (time x sender); returns the grids kept."""
        done = 0
        kept: list[str] = []
        for k in names:
            b = g[k]
            ns, nt = b[SENDERS].shape[0], b["times"].shape[0]
            if done >= rows and kept:
                del g[k]
                continue
            keep_t = nt if ns == 0 else min(nt, (rows - done) // ns)
            if ns and done + keep_t * ns != min(rows, done + nt * ns):
                raise KernelException(f"hdf5 backend: '{self.path}' does not end a sampling time at row {rows} "
                                      f"of device {dev.node_id}; it is not the file the checkpointed run wrote")
            for c in b:
                if c not in (SENDERS, N_ROWS):
                    b[c].resize(keep_t, axis=0)
            b[N_ROWS][0] = keep_t
            done += keep_t * ns
            kept.append(k)
        if done < rows:
            raise KernelException(
                f"hdf5 backend: '{self.path}' holds {done} rows of device {dev.node_id}, fewer than the "
                f"{rows} the checkpoint recorded; it is not the file this run wrote")
        return kept

    def _device_attrs(self, dev: RecordedDevice, cols: tuple[str, ...]) -> dict[str, Any]:
        sdt = self.h5.string_dtype()
        attrs: dict[str, Any] = {"node_id": dev.node_id, "model": dev.model.name, "label": dev.p["label"],
                                 "columns": np.array(cols, dtype=sdt)}
        for k, v in dev.p.items():
            if k in ("record_to", "n_events", "label"):
                continue
            if k == "schedule":  # recording windows (ms): one (start, stop) row each
                attrs[k] = np.array(v, dtype=np.float64).reshape(-1, 2)
                continue
            attrs[k] = np.array(list(v), dtype=sdt) if isinstance(v, tuple) else v
        return attrs


def grid_job(t: Track) -> tuple[Job, int]:
    """The writes of a multimeter's buffered samples (``grid_buffer``) after its
    ``grid_rows`` time rows, and the number of time rows they add."""
    parts = t.grid_buffer  # (times, {variable: (times x senders)})
    n_t = sum(p[0].size for p in parts)
    r0, r1 = t.grid_rows, t.grid_rows + n_t
    job: Job = []
    for c, ds in t.datasets.items():
        if c in ("senders", N_ROWS):
            continue
        if c in ("times", "offsets"):
            data = [p[0] for p in parts] if c == "times" else [np.zeros(n_t)]
        else:
            data = [p[1][c] for p in parts]
        job.append((t.tails[c].append, (r1, data)) if c in t.tails else (append_rows, (ds, r0, r1, data)))
    return job, n_t


def rows_of(t: Track, f: H5Group) -> Batch:
    """The rows ``cleared:written`` of the device of ``t`` in the open file ``f``."""
    g = f[DEVICES][device_name(t.device.node_id)]
    if t.grid:
        rows = grid_rows_of(g, t.columns, t.device.p["time_in_steps"], last_rows=t.grid_rows)
        return {c: v[t.cleared:t.written] for c, v in rows.items()}
    return {c: g[c][t.cleared:t.written] for c in t.columns}
