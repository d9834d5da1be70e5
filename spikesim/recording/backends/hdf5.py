"""The hdf5 backend: chunked, compressed, self-describing files readable during a run.

One file per simulator
----------------------
All devices of a simulator that record to ``hdf5`` share one file,
``data_path/data_prefix + file_name`` (backend setting ``file_name``, default
``recording.h5``).  One file rather than one per device (the ascii layout) because a
run is analysed as a whole: the simulator's provenance (resolution, seed, versions)
is stored once, there is one handle to flush and one file to move, and
:func:`spikesim.io.read` returns every device of the run at once.  Distributed runs
will write one such file per MPI process (a rank suffix) and the reader will merge.

Layout (``format_version`` 2)::

    /                    attrs: format="spikesim-recording", format_version,
                         spikesim_version, hdf5_version, resolution (ms),
                         tics_per_ms, seed, created (UTC, ISO 8601)
    /devices/<node id>   attrs: node_id, model, label, columns, time_in_steps,
                         start, stop, origin (ms) [, interval, offset (ms), record_from]
        <column>         1-D dataset per column of the device's batches
                         (senders, times, [offsets], one per recorded variable),
                         chunked, compressed, Fletcher-32 checksummed; attr ``unit``
        n_rows           int64[1]: rows committed by the last flush
    /devices/<node id>   a multimeter (attr layout="grid"): its samples as grids
        grid<k>/         k = 0, 1, ...: a new grid when the sampled neurons change
            senders      int64[n]: the sampled node ids (columns of the grids)
            times        the sampling times (one per row) [, offsets]
            <variable>   2-D dataset (time x sender) per recorded variable, chunked
                         (rows of about ``chunk_rows`` values), compressed, checksummed
            n_rows       int64[1]: time rows committed by the last flush

A multimeter samples all its neurons at every sampling time, so a grid stores each
value once, without a sender and a time beside it: a third of the bytes of rows.
:func:`spikesim.io.read` returns either layout as the same rows (time-major, senders
ordered within a time).  Version 1 files (rows only) are still read.

Times are ms (``unit="ms"``) or, when the device records ``time_in_steps``, integer
steps (``unit="steps"``) plus an ``offsets`` column in ms.

Writing, flushing and memory
----------------------------
``write`` appends each batch to a per-device buffer of at most ``chunk_rows`` rows
(default 65,536: chunks of 512 KB) and writes it out when full; writing every small
batch straight through would cost about 0.1 ms per column and batch in h5py.  The
writes run in a thread of their own (setting ``write_in_thread``, default True) while
the compiled kernels, which release the GIL, simulate the next slices on the other
core.  h5py holds the GIL while HDF5 runs a dataset's filters, so the thread builds
the chunks of the backend's own datasets itself without the GIL (:mod:`._chunks`:
shuffle, LZF or deflate, Fletcher-32) and stores them with ``write_direct_chunk``;
any HDF5 reader decodes them with the dataset's filters.  With LZF a dataset whose
chunks hardly shrink (sampled voltages: 7%) is stored raw for a while, shuffle and
LZF marked skipped in each chunk's filter mask.  At most 8 write-outs wait for the
thread, and a chunk's buffer grows with the rows it holds, so memory stays bounded by
a few chunks per device; a failed write is raised by the next ``write``, ``flush``
or ``events`` of the simulating thread.  ``flush`` writes all buffers out, flushes
the datasets, fsyncs, and only then raises every device's ``n_rows``: a reader that
honours ``n_rows`` sees whole flushes, never half of one.  The kernel calls ``flush``
at the end of every ``simulate`` call; ``write`` also calls it when more than
``flush_interval`` seconds of wall time passed since the last one (checked on every
write; the engine hands batches over at least every 0.5 s).

Readable during the run and after a crash: SWMR
-----------------------------------------------
The file is written in HDF5's single-writer/multiple-reader mode (``libver="latest"``,
``swmr_mode=True``).  SWMR orders its metadata writes so that the file on disk is
always consistent; other processes open it with ``swmr=True`` (as
:func:`spikesim.io.read` does) while the run continues, and after the writer died
(``kill -9``) the file opens the same way, holding everything up to the last flush.
Closing and reopening the file at each flush instead would leave it open for writing
between flushes, and a crash then can leave the metadata inconsistent.

SWMR forbids creating objects while it is on, so devices and their attributes are
laid out in ``prepare``; when a device joined or changed its parameters since then,
``prepare`` closes the file and reopens it for the change (a reader that keeps the
file open across that moment may need to reopen it).  The writer does not use HDF5's
file locks (``locking=False``): a lock held by a reader would make that reopen fail,
and HDF5 refuses to open one file twice in a process with different locking flags,
which ``events`` and :func:`spikesim.io.read` in the writing process need.  Clobbering
is prevented by the ``overwrite_files`` check instead.  ``n_events = 0`` hides earlier
rows from ``events`` but keeps them in the file, which is the run's record.
"""

from __future__ import annotations

import datetime
import os
import queue
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.errors import BadProperty, KernelException, bad_property
from spikesim.recording.backends._chunks import ChunkEncoder, Scratch, pipeline
from spikesim.recording.backends.base import (
    BackendContext,
    Batch,
    RecordedDevice,
    RecordingBackend,
)
from spikesim.timegrid import TICS_PER_MS

FORMAT = "spikesim-recording"
FORMAT_VERSION = 2

COMPRESSIONS = ("gzip", "lzf", "none")


def _h5py() -> Any:
    try:
        import h5py
    except ImportError as err:
        raise KernelException("the hdf5 recording backend needs the package h5py; "
                              "install it with 'pip install h5py'") from err
    return h5py


@dataclass
class _Track:
    """What the backend knows about one enrolled device."""

    device: RecordedDevice
    columns: tuple[str, ...] = ()
    datasets: dict[str, Any] = field(default_factory=dict)
    written: int = 0      # rows in the file's datasets
    committed: int = 0    # rows n_rows announces (last flush)
    cleared: int = 0      # rows hidden from events() by n_events = 0
    buffer: list[Batch] = field(default_factory=list)
    buffered: int = 0
    dirty: bool = True    # layout/attributes must be (re)written at the next prepare
    signature: tuple[Any, ...] = ()  # what the file's attributes describe
    resume: tuple[int, int] | None = None  # (rows, cleared) to continue from a checkpoint
    # multimeters (grid layout); written/committed/cleared still count rows (time x sender)
    grid: bool = False
    senders: np.ndarray | None = None   # node ids of the current grid's columns
    base: int = 0                       # rows in the grids before the current one
    grid_rows: int = 0                  # time rows written to the current grid
    checked: Any = None                 # the senders array last found equal to ``senders``
    tails: dict[str, Any] = field(default_factory=dict)  # column -> _Tail (direct chunk writes)


def _signature(device: RecordedDevice) -> tuple[Any, ...]:
    return device.columns(), tuple(sorted((k, v) for k, v in device.p.items() if k != "n_events"))


def _sampled(device: RecordedDevice) -> np.ndarray:
    """Node ids a multimeter samples, in the order of its rows' senders."""
    return np.sort(np.asarray(device.connected, dtype=np.int64))


Job = list[tuple[Any, tuple[Any, ...]]]  # (function, arguments) run in order by the writer


def _execute(job: Job) -> None:
    for fn, args in job:
        fn(*args)


def _direct_compression(ds: Any) -> tuple[str, int] | None:
    """(compression, level) when spikesim can build the chunks of ``ds`` itself (its
    filters are a pipeline the backend makes), else None (h5py writes them)."""
    if ds.dtype not in (np.float64, np.int64) or ds.ndim not in (1, 2) or ds.chunks is None \
            or (ds.ndim == 2 and ds.chunks[1] != ds.shape[1]):
        return None
    pl = ds.id.get_create_plist()
    filters = [pl.get_filter(i) for i in range(pl.get_nfilters())]
    codes = [f[0] for f in filters]
    for comp in ("none", "lzf", "gzip"):
        if codes == pipeline(comp):
            level = int(filters[1][2][0]) if comp == "gzip" and len(filters[1][2]) else 1
            return comp, level
    return None


def _append(ds: Any, r0: int, r1: int, parts: list[np.ndarray]) -> None:
    """Rows r0..r1-1 of a dataset, through h5py (HDF5 filters them holding the GIL)."""
    ds.resize(r1, axis=0)
    ds[r0:r1] = parts[0] if len(parts) == 1 else np.concatenate(parts)


class _Syncer:
    """Pushes written chunks to the disk as the run goes (``fdatasync`` in the writer
    thread, which releases the GIL), so that the fsync of each flush, at the end of
    every ``simulate`` call, finds little left to write: a flush of 80 MB of V_m
    samples otherwise cost the simulating thread about a tenth of a second."""

    EVERY = 8 << 20  # bytes between two syncs

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = 0

    def wrote(self, n: int) -> None:
        self.pending += n
        if self.pending >= self.EVERY:
            self.pending = 0
            try:
                os.fdatasync(self.fd)
            except OSError:  # a file system without it: the flush's fsync still runs
                pass


class _Tail:
    """The writer's view of one dataset written chunk by chunk (direct writes): a
    column of rows or a grid variable; the chunk being filled starts at row ``start``
    and holds ``fill`` rows.  Its buffer grows with the rows it holds, up to one
    chunk, so a device that records little holds little."""

    def __init__(self, ds: Any, syncer: _Syncer | None, compression: str, level: int, scratch: Scratch) -> None:
        self.ds = ds
        self.syncer = syncer
        self.rows = int(ds.chunks[0])
        self.encoder = ChunkEncoder(compression, level, 8, scratch)
        n = int(ds.shape[0])
        self.start = n - n % self.rows
        self.fill = n - self.start
        self.buf = np.zeros((min(self.rows, max(self.fill, 256)), *ds.shape[1:]), dtype=ds.dtype)
        if self.fill:  # continue the partial chunk already in the file
            self.buf[:self.fill] = ds[self.start:n]

    def _room(self, rows: int) -> None:
        """Make the buffer hold at least ``rows`` rows (at most a chunk)."""
        if rows > self.buf.shape[0]:
            big = np.zeros((min(self.rows, max(rows, 2 * self.buf.shape[0])), *self.buf.shape[1:]),
                           dtype=self.buf.dtype)
            big[:self.fill] = self.buf[:self.fill]
            self.buf = big

    def _write(self, rows: int, chunk: np.ndarray | None = None) -> None:
        """Store the first ``rows`` rows of the buffer (or a whole ``chunk`` given) as
        the chunk at ``start`` (the rest of a partial chunk as zeros: it is rewritten
        once full)."""
        if chunk is None:
            chunk = self.buf if rows == self.rows else self.encoder.scratch.padded(self.buf[:rows], self.rows)
        data, mask = self.encoder.encode(chunk)
        self.ds.id.write_direct_chunk((self.start,) + (0,) * (self.buf.ndim - 1), data, filter_mask=mask)
        if self.syncer is not None:
            self.syncer.wrote(len(data))

    def append(self, r1: int, parts: list[np.ndarray]) -> None:
        """Rows up to time row ``r1`` (the parts follow the rows already given)."""
        self.ds.resize(r1, axis=0)
        for p in parts:
            i = 0
            whole = p.flags.c_contiguous
            while i < p.shape[0]:
                if whole and self.fill == 0 and p.shape[0] - i >= self.rows:  # a whole chunk: no copy
                    self._write(self.rows, p[i:i + self.rows])
                    self.start += self.rows
                    i += self.rows
                    continue
                k = min(self.rows - self.fill, p.shape[0] - i)
                self._room(self.fill + k)
                self.buf[self.fill:self.fill + k] = p[i:i + k]
                self.fill += k
                i += k
                if self.fill == self.rows:
                    self._write(self.rows)
                    self.start += self.rows
                    self.fill = 0

    def write_partial(self) -> None:
        """Store the chunk being filled (zeros after its rows; rewritten once full)."""
        if self.fill:
            self._write(self.fill)


def _writer_loop(jobs: queue.Queue, errors: list[BaseException]) -> None:
    """The hdf5 writer thread: runs jobs in order until it gets None; after a failure
    it records the error and skips the remaining jobs (the kernel raises it)."""
    while True:
        job = jobs.get()
        try:
            if job is None:
                return
            if not errors:
                _execute(job)
        except BaseException as err:  # noqa: BLE001 - handed to the simulating thread
            errors.append(err)
        finally:
            jobs.task_done()


def _close_quietly(f: Any, jobs: queue.Queue) -> None:
    """The backend was dropped without close(): end its writer thread, close the file."""
    try:
        jobs.put(None, timeout=1.0)
    except queue.Full:
        pass
    try:
        f.close()
    except Exception:  # noqa: BLE001 - interpreter shutdown; nothing left to report to
        pass


class Hdf5Backend(RecordingBackend):
    """Appends every device's batches to one SWMR HDF5 file per simulator."""

    name = "hdf5"
    defaults = {"file_name": "recording.h5", "flush_interval": 10.0, "compression": "lzf",
                "compression_level": 1, "chunk_rows": 65536, "write_in_thread": True}

    def __init__(self, context: BackendContext | None = None) -> None:
        super().__init__(context)
        self._h5 = _h5py()
        self._tracks: dict[int, _Track] = {}
        self._file: Any = None
        self._path: Path | None = None  # the file this backend created (open or not)
        self._last_flush = time.monotonic()
        self._finalizer: weakref.finalize | None = None
        self._jobs: queue.Queue = queue.Queue(maxsize=8)
        self._errors: list[BaseException] = []
        self._worker: threading.Thread | None = None
        self._scratch = Scratch()  # the encoders' work buffers (chunks are encoded one at a time)

    # -- settings ----------------------------------------------------------------------------
    def set_settings(self, params: dict[str, Any]) -> None:
        owner = "recording backend 'hdf5'"
        for k, v in params.items():
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
            if k == "write_in_thread" and not isinstance(v, (bool, np.bool_)):
                raise bad_property(owner, k, v, "it must be True or False")
            if k == "chunk_rows" and (isinstance(v, bool) or not isinstance(v, (int, np.integer))
                                      or not v >= 1):
                raise bad_property(owner, k, v, "it must be a positive integer")
        super().set_settings(params)

    def path(self) -> Path:
        """The file the next ``simulate`` writes to."""
        sim = self.context
        return Path(sim.data_path or ".") / f"{sim.data_prefix}{self.settings['file_name']}"

    # -- devices -----------------------------------------------------------------------------
    def enroll(self, device: RecordedDevice) -> None:
        self._tracks[device.node_id] = _Track(device)

    def disenroll(self, device: RecordedDevice) -> None:
        t = self._tracks.pop(device.node_id, None)
        if t is not None and self._file is not None:
            self._write_out(t)
            self._write_partials(t)
            self._commit([t])

    def device_changed(self, device: RecordedDevice) -> None:
        t = self._tracks.get(device.node_id)
        if t is not None and t.signature != _signature(device):
            t.dirty = True  # relaid out at the next prepare; n_events = 0 alone does not

    def device_status(self, device: RecordedDevice) -> dict[str, Any]:
        return {"filenames": [str(self._path or self.path())]}

    # -- life cycle --------------------------------------------------------------------------
    def prepare(self) -> None:
        if not self._tracks:
            return
        target = self.path()
        if self._path is not None and target != self._path:  # file_name/data_path changed
            self.close()
            self._path = None
            for t in self._tracks.values():
                t.columns = ()
        if self._path is None:
            self._create(target)
        elif self._file is None or any(t.dirty or (t.grid and not np.array_equal(t.senders, _sampled(t.device)))
                                       for t in self._tracks.values()):
            self._reopen()
        self._last_flush = time.monotonic()

    def _create(self, path: Path) -> None:
        sim = self.context
        if path.exists() and not sim.overwrite_files:
            raise BadProperty(
                f"hdf5 backend: the file '{path}' already exists and overwriting files is disabled. "
                "Set overwrite_files=True on the simulator (nest.overwrite_files = True) to overwrite "
                "it, or change data_path, data_prefix or the backend's file_name "
                "(sim.set_defaults('hdf5', {'file_name': ...})).")
        if not path.parent.is_dir():
            raise bad_property("hdf5 backend", "data_path", str(path.parent), "the directory must exist")
        from spikesim._version import __version__
        try:
            f = self._h5.File(path, "w", libver="latest", locking=False)
        except OSError as err:
            raise KernelException(
                f"hdf5 backend: cannot create '{path}' ({err}); another simulator in this process "
                "may be writing it: give each simulator its own data_path, data_prefix or "
                "file_name (sim.set_defaults('hdf5', {'file_name': ...})).") from err
        f.attrs.update({
            "format": FORMAT, "format_version": FORMAT_VERSION, "spikesim_version": __version__,
            "hdf5_version": self._h5.version.hdf5_version, "resolution": sim.resolution,
            "tics_per_ms": TICS_PER_MS, "seed": sim.seed,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")})
        f.create_group("devices")
        self._open(f, path)

    def _reopen(self) -> None:
        assert self._path is not None
        if self._file is not None:
            self.flush()
            self._file.close()
            self._file = None
        try:
            f = self._h5.File(self._path, "r+", libver="latest", locking=False)
        except OSError as err:
            raise KernelException(
                f"hdf5 backend: cannot reopen '{self._path}' to lay out new or changed devices ({err}); "
                "was it moved, deleted or made read-only during the run? Point the backend at a new "
                "file with sim.set_defaults('hdf5', {'file_name': ...}).") from err
        self._open(f, self._path)

    def _open(self, f: Any, path: Path) -> None:
        """Lay out every device in ``f`` (not yet in SWMR mode), then start SWMR writing."""
        if self._finalizer is not None:
            self._finalizer.detach()
        self._file, self._path = f, path
        self._finalizer = weakref.finalize(self, _close_quietly, f, self._jobs)
        try:
            self._syncer: _Syncer | None = _Syncer(int(f.id.get_vfd_handle()))
        except Exception:  # noqa: BLE001 - a driver without a file descriptor
            self._syncer = None
        for t in self._tracks.values():
            self._layout(t)
        f.flush()
        f.swmr_mode = True

    def _compression(self) -> dict[str, Any]:
        s = self.settings
        comp: dict[str, Any] = {}
        if s["compression"] != "none":
            comp = {"compression": s["compression"], "shuffle": True}
            if s["compression"] == "gzip":
                comp["compression_opts"] = int(s["compression_level"])
        return comp

    def _layout(self, t: _Track) -> None:
        dev = t.device
        g = self._file["devices"].require_group(str(dev.node_id))
        cols = dev.columns()
        t.grid = bool(dev.model.sampler)
        if t.grid:
            self._layout_grid(t, g, cols)
            return
        dtypes = {c: a.dtype for c, a in dev.empty_batch().items()}
        old = [k for k in g if k != "n_rows"]
        if set(old) != set(cols):
            # only before the first row: the device layer freezes time_in_steps once simulate
            # ran and record_from once connected (simulate(0) lays out without writing)
            assert all(g[k].shape[0] == 0 for k in old), f"columns of device {dev.node_id} changed under rows"
            for k in old:
                del g[k]
        s = self.settings
        comp = self._compression()
        for c in cols:
            if c not in g:
                ds = g.create_dataset(c, shape=(0,), maxshape=(None,), dtype=dtypes[c],
                                      chunks=(int(s["chunk_rows"]),), fletcher32=True, **comp)
            else:
                ds = g[c]
            ds.attrs["unit"] = dev.unit(c)
        if "n_rows" not in g:
            g.create_dataset("n_rows", data=np.zeros(1, dtype=np.int64))
        n_file = int(g[cols[0]].shape[0])
        if t.resume is not None:  # restored from a checkpoint: continue after its rows
            rows, cleared = t.resume
            if n_file < rows:
                raise KernelException(
                    f"hdf5 backend: '{self._path}' holds {n_file} rows of device {dev.node_id}, fewer than the "
                    f"{rows} the checkpoint recorded; it is not the file this run wrote")
            for c in cols:
                g[c].resize((rows,))
            g["n_rows"][0] = rows
            t.written = t.committed = rows
            t.cleared = cleared
            t.resume = None
        elif not t.columns:  # newly enrolled: rows already in the file belong to an earlier enrolment
            t.written = t.committed = t.cleared = n_file
        g.attrs.update(self._device_attrs(dev, cols))
        t.columns = cols
        t.signature = _signature(dev)
        t.datasets = {c: g[c] for c in cols}
        t.datasets["n_rows"] = g["n_rows"]
        t.tails = {c: _Tail(g[c], self._syncer, *d, self._scratch) for c in cols
                   if (d := _direct_compression(g[c])) is not None}
        t.dirty = False

    def _layout_grid(self, t: _Track, g: Any, cols: tuple[str, ...]) -> None:
        """Lay out a multimeter: continue its last grid, or start a new one when the
        sampled neurons or the columns changed (a grid without rows is replaced)."""
        dev = t.device
        for k in [k for k in g if not k.startswith("grid")]:  # only a device that never wrote rows
            assert g[k].shape[0] == 0, f"device {dev.node_id} changed layout under rows"
            del g[k]
        names = sorted((k for k in g if k.startswith("grid")), key=lambda k: int(k[4:]))
        if t.resume is not None:  # restored from a checkpoint: keep its rows, drop later ones
            rows, cleared = t.resume
            names = self._truncate_grids(g, names, rows, dev)
            t.committed = rows
            t.cleared = cleared
            t.resume = None
            fresh = False
        else:
            fresh = not t.columns  # newly enrolled: rows in the file belong to an earlier enrolment
        senders: np.ndarray | None = _sampled(dev)
        if names:
            last = g[names[-1]]
            if np.array_equal(last["senders"][:], senders) and set(last) == set(self._grid_keys(cols)):
                senders = None  # continue the last grid
            elif last["times"].shape[0] == 0:
                del g[names.pop()]  # replace a grid that holds no rows
        if senders is not None and senders.size:
            name = f"grid{int(names[-1][4:]) + 1 if names else 0}"
            self._create_grid(g.create_group(name), senders, cols, dev)
            names.append(name)
        blocks = [g[k] for k in names]
        t.base = sum(b["senders"].shape[0] * b["times"].shape[0] for b in blocks[:-1])
        t.tails = {}
        if blocks:
            cur = blocks[-1]
            t.grid_rows = int(cur["times"].shape[0])
            t.senders = cur["senders"][:]
            t.datasets = {c: cur[c] for c in self._grid_keys(cols)}
            for c in cols:
                if c != "senders" and (direct := _direct_compression(cur[c])) is not None:
                    t.tails[c] = _Tail(cur[c], self._syncer, *direct, self._scratch)
        else:  # samples nothing yet
            t.grid_rows = 0
            t.senders = np.zeros(0, dtype=np.int64)
            t.datasets = {}
        t.written = t.base + t.grid_rows * t.senders.size
        if fresh:
            t.committed = t.cleared = t.written
        g.attrs.update(self._device_attrs(dev, cols))
        g.attrs["layout"] = "grid"
        t.columns = cols
        t.checked = None
        t.signature = _signature(dev)
        t.dirty = False

    @staticmethod
    def _grid_keys(cols: tuple[str, ...]) -> list[str]:
        return [c for c in cols if c != "senders"] + ["senders", "n_rows"]

    def _create_grid(self, b: Any, senders: np.ndarray, cols: tuple[str, ...], dev: Any) -> None:
        ct = max(1, int(self.settings["chunk_rows"]) // senders.size)
        comp = self._compression()
        b.create_dataset("senders", data=senders)
        b["senders"].attrs["unit"] = ""
        for c in cols:
            if c == "senders":
                continue
            if c in ("times", "offsets"):
                dt = np.int64 if c == "times" and dev.p["time_in_steps"] else np.float64
                ds = b.create_dataset(c, shape=(0,), maxshape=(None,), dtype=dt,
                                      chunks=(int(self.settings["chunk_rows"]),), fletcher32=True, **comp)
                ds.attrs["unit"] = dev.unit(c)
            else:
                ds = b.create_dataset(c, shape=(0, senders.size), maxshape=(None, senders.size), dtype=np.float64,
                                      chunks=(ct, senders.size), fletcher32=True, **comp)
                ds.attrs["unit"] = dev.unit(c)
        b.create_dataset("n_rows", data=np.zeros(1, dtype=np.int64))

    def _truncate_grids(self, g: Any, names: list[str], rows: int, dev: Any) -> list[str]:
        """Cut the grids back to ``rows`` rows (time x sender); returns the grids kept."""
        done = 0
        kept: list[str] = []
        for k in names:
            b = g[k]
            ns, nt = b["senders"].shape[0], b["times"].shape[0]
            if done >= rows and kept:
                del g[k]
                continue
            keep_t = nt if ns == 0 else min(nt, (rows - done) // ns)
            if ns and done + keep_t * ns != min(rows, done + nt * ns):
                raise KernelException(f"hdf5 backend: '{self._path}' does not end a sampling time at row {rows} "
                                      f"of device {dev.node_id}; it is not the file the checkpointed run wrote")
            for c in b:
                if c not in ("senders", "n_rows"):
                    b[c].resize(keep_t, axis=0)
            b["n_rows"][0] = keep_t
            done += keep_t * ns
            kept.append(k)
        if done < rows:
            raise KernelException(
                f"hdf5 backend: '{self._path}' holds {done} rows of device {dev.node_id}, fewer than the "
                f"{rows} the checkpoint recorded; it is not the file this run wrote")
        return kept

    def _device_attrs(self, dev: Any, cols: tuple[str, ...]) -> dict[str, Any]:
        sdt = self._h5.string_dtype()
        attrs: dict[str, Any] = {"node_id": dev.node_id, "model": dev.model.name, "label": dev.p["label"],
                                 "columns": np.array(cols, dtype=sdt)}
        for k, v in dev.p.items():
            if k in ("record_to", "n_events", "label"):
                continue
            attrs[k] = np.array(list(v), dtype=sdt) if isinstance(v, tuple) else v
        return attrs

    # -- checkpoints --------------------------------------------------------------------------
    def checkpoint_state(self, device: RecordedDevice) -> dict[str, Any]:
        """Where the device's rows are and how many there are (called between runs)."""
        t = self._tracks[device.node_id]
        return {"path": str(self._path) if self._path is not None else None, "rows": int(t.committed),
                "cleared": int(t.cleared)}

    def resume(self, device: RecordedDevice, state: dict[str, Any] | None) -> None:
        """Continue writing the device into the checkpointed file, after its checkpointed
        rows (rows written later by the interrupted run are dropped at the next prepare)."""
        if not state or state.get("path") is None:
            return
        self._tracks[device.node_id].resume = (int(state["rows"]), int(state["cleared"]))
        self._path = Path(state["path"])

    # -- data --------------------------------------------------------------------------------
    def write(self, device: RecordedDevice, batch: Batch) -> None:
        t = self._tracks[device.node_id]
        if self._file is None or t.dirty:  # enrolled or changed during a run
            self.prepare()
        t.buffer.append(batch)
        t.buffered += batch["senders"].size
        if t.buffered >= self.settings["chunk_rows"]:
            self._write_out(t)
        if time.monotonic() - self._last_flush >= self.settings["flush_interval"]:
            self.flush()

    def write_grid(self, device: RecordedDevice, senders: np.ndarray, times: np.ndarray,
                   values: dict[str, np.ndarray]) -> None:
        t = self._tracks[device.node_id]
        if self._file is None or t.dirty:
            self.prepare()
        if senders is not t.checked and not np.array_equal(senders, t.senders):
            raise KernelException(
                f"hdf5 backend: multimeter {device.node_id} sampled neurons {senders[:5].tolist()}... that its "
                f"grid in '{self._path}' does not have (laid out for {t.senders[:5].tolist()}...); connect "
                "samplers between simulate calls")
        t.checked = senders
        t.buffer.append((times, values))  # type: ignore[arg-type]
        t.buffered += times.size * senders.size
        if t.buffered >= self.settings["chunk_rows"]:
            self._write_out(t)
        if time.monotonic() - self._last_flush >= self.settings["flush_interval"]:
            self.flush()

    def _write_out(self, t: _Track) -> None:
        if not t.buffered:
            return
        if t.grid:
            self._write_out_grid(t)
            return
        n0, n1 = t.written, t.written + t.buffered
        self._run([(t.tails[c].append, (n1, [b[c] for b in t.buffer])) if c in t.tails else
                   (_append, (t.datasets[c], n0, n1, [b[c] for b in t.buffer])) for c in t.columns])
        t.written = n1
        t.buffer = []  # the job holds the old list's arrays
        t.buffered = 0

    def _write_out_grid(self, t: _Track) -> None:
        parts: list[Any] = t.buffer  # (times, {variable: (times x senders)})
        n_t = sum(p[0].size for p in parts)
        r0, r1 = t.grid_rows, t.grid_rows + n_t
        job: Job = []
        for c, ds in t.datasets.items():
            if c in ("senders", "n_rows"):
                continue
            if c in ("times", "offsets"):
                data = [p[0] for p in parts] if c == "times" else [np.zeros(n_t)]
                job.append((t.tails[c].append, (r1, data)) if c in t.tails else (_append, (ds, r0, r1, data)))
            elif c in t.tails:
                job.append((t.tails[c].append, (r1, [p[1][c] for p in parts])))
            else:
                job.append((_append, (ds, r0, r1, [p[1][c] for p in parts])))
        self._run(job)
        t.grid_rows = r1
        t.written = t.base + r1 * t.senders.size
        t.buffer = []
        t.buffered = 0

    # -- the writer thread ---------------------------------------------------------------------
    def _run(self, job: Job) -> None:
        """Run the writes of a job (``(function, arguments)`` pairs), in a thread of their own
        (setting ``write_in_thread``): HDF5 compresses and checksums there while the
        kernels, which release the GIL, simulate the next slices.  At most a few jobs
        wait, so memory stays bounded; ``_drain`` waits for them (flush, events, close)."""
        self._check_writer()
        if not self.settings["write_in_thread"]:
            _execute(job)
            return
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=_writer_loop, args=(self._jobs, self._errors), daemon=True,
                                            name="spikesim-hdf5-writer")
            self._worker.start()
        self._jobs.put(job)

    def _drain(self) -> None:
        if self._worker is not None:
            self._jobs.join()
        self._check_writer()

    def _check_writer(self) -> None:
        if self._errors:
            err = self._errors.pop(0)
            self._errors.clear()
            raise KernelException(f"hdf5 backend: writing to '{self._path}' failed ({err}); the rows of the "
                                  "last flush are safe in the file") from err

    def _stop_writer(self) -> None:
        if self._worker is not None:
            self._jobs.put(None)
            self._worker.join()
        self._worker = None

    def _commit(self, tracks: list[_Track]) -> None:
        """Make written rows durable, then announce them in ``n_rows`` (in this order)."""
        self._drain()
        for t in tracks:
            for ds in t.datasets.values():
                ds.flush()
        self._file.flush()
        os.fsync(self._file.id.get_vfd_handle())
        for t in tracks:
            if t.committed != t.written:
                n_rows = t.datasets["n_rows"]
                n_rows[0] = t.grid_rows if t.grid else t.written
                n_rows.flush()
                t.committed = t.written

    def _write_partials(self, t: _Track) -> None:
        """Store the grid chunks being filled (after the device's write-out)."""
        if t.tails:
            self._run([(tail.write_partial, ()) for tail in t.tails.values()])

    def flush(self) -> None:
        if self._file is None:
            return
        tracks = list(self._tracks.values())
        for t in tracks:
            self._write_out(t)
            self._write_partials(t)
        self._commit(tracks)
        self._last_flush = time.monotonic()

    def events(self, device: RecordedDevice) -> Batch | None:
        t = self._tracks.get(device.node_id)
        if t is None or self._file is None or (not t.datasets and not t.grid):
            return None
        self._write_out(t)
        self._write_partials(t)
        self._drain()
        if t.grid:
            rows = grid_rows_of(self._file["devices"][str(device.node_id)], t.columns, device.p["time_in_steps"],
                                last_rows=t.grid_rows)
            return {c: v[t.cleared:t.written] for c, v in rows.items()}
        return {c: t.datasets[c][t.cleared:t.written] for c in t.columns}

    def clear(self, device: RecordedDevice) -> None:
        t = self._tracks.get(device.node_id)
        if t is not None:
            t.cleared = t.written + t.buffered

    def close(self) -> None:
        """Flush and close the file; a later ``prepare`` reopens it for appending."""
        if self._file is None:
            return
        try:
            self.flush()
        finally:
            self._stop_writer()
        self._file.close()
        self._file = None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        for t in self._tracks.values():
            t.dirty = True
            t.datasets = {}
            t.tails = {}


def grid_rows_of(g: Any, columns: list[str] | tuple[str, ...], time_in_steps: bool,
                 last_rows: int | None = None) -> Batch:
    """The rows of a multimeter stored as grids (layout "grid"): time-major, senders
    ordered within a time, like the rows the device hands to the other backends.

    Each grid is read up to its ``n_rows`` (the last flush), or the last one up to
    ``last_rows`` when given (the writer's own view)."""
    names = sorted((k for k in g if k.startswith("grid")), key=lambda k: int(k[4:]))
    parts: dict[str, list[np.ndarray]] = {c: [] for c in columns}
    for i, k in enumerate(names):
        b = g[k]
        n = last_rows if last_rows is not None and i == len(names) - 1 else int(b["n_rows"][0])
        senders = b["senders"][:]
        for c in columns:
            if c in ("times", "offsets"):
                ds = b[c]
                if ds.shape[0] < n:
                    raise ValueError(f"grid {k} column '{c}' has {ds.shape[0]} rows but n_rows says {n}")
                parts[c].append(np.repeat(ds[:n], senders.size))
            elif c == "senders":
                parts[c].append(np.tile(senders, n))
            else:
                ds = b[c]
                if ds.shape[0] < n:
                    raise ValueError(f"grid {k} column '{c}' has {ds.shape[0]} rows but n_rows says {n}")
                parts[c].append(ds[:n].reshape(-1))
    out: Batch = {}
    for c in columns:
        if parts[c]:
            out[c] = np.concatenate(parts[c]) if len(parts[c]) > 1 else parts[c][0]
        else:
            out[c] = np.zeros(0, dtype=np.int64 if c == "senders" or (c == "times" and time_in_steps) else np.float64)
    return out
