"""The hdf5 backend: chunked, compressed, self-describing files readable during a run.

One file per simulator
----------------------
All devices of a simulator that record to ``hdf5`` share one file,
``data_path/data_prefix + file_name`` (backend setting ``file_name``, default
``recording.h5``).  One file rather than one per device (the ascii layout) because a
run is analysed as a whole: the simulator's provenance (resolution, seed, versions)
is stored once, there is one handle to flush and one file to move, and
:func:`spikesim.io.read` returns every device of the run at once.  Distributed runs:
rank 0 writes all ranks' events (:mod:`spikesim.recording.manager`), as one process would.

The layout of the file is described in :mod:`spikesim.io.hdf5_layout`.

Writing, flushing and memory
----------------------------
``write`` appends each batch to a per-device buffer of at most ``chunk_rows`` rows
(default 65,536: chunks of 512 KB) and writes it out when full; writing every small
batch straight through would cost about 0.1 ms per column and batch in h5py.  The
writes run in a thread of their own (setting ``write_in_thread``, default True) while
the compiled kernels, which release the GIL, simulate the next slices on the other
core.  The thread builds the chunks of the backend's own datasets itself without
the GIL (:mod:`.chunks`: shuffle, deflate or LZF, Fletcher-32) and stores them with
``write_direct_chunk``; any HDF5 reader decodes them with the dataset's filters.
Measured (benchmarks/recording_cost.py, variants ``/lib``): letting h5py and HDF5
filter the same blocks from the writer thread cost +13% for all spikes and +69% for
V_m of 1,000 neurons every step, against +7% and +28% this way (2 busy cores).  At most 8 write-outs wait for the
thread, and a chunk's buffer grows with the rows it holds, so memory stays bounded by
a few chunks per device; a failed write is raised by the next ``write``, ``flush``
or ``events`` of the simulating thread.  ``flush`` writes all buffers out, flushes
the datasets, fsyncs, and only then raises every device's ``n_rows``: a reader that
honours ``n_rows`` sees whole flushes.  The kernel calls ``flush`` at the end of every
``simulate`` call; ``write`` flushes too when ``flush_interval`` seconds of wall time
passed (the engine hands batches over at least every 0.5 s).

Readable during the run, between runs and after a crash
-------------------------------------------------------
During a ``simulate`` call the file is written in HDF5's single-writer/multiple-reader
mode (``swmr_mode=True``; file format bounds :data:`LIBVER`, the HDF5 1.10 format
that SWMR needs, so HDF5 1.10 and later tools read the files).  SWMR orders its
metadata writes so that the file on disk is always consistent; other processes open
it with ``h5py.File(path, "r", swmr=True)`` (as :func:`spikesim.io.read` does) while
the run continues, and after the writer died (``kill -9``) the file opens the same
way, holding everything up to the last flush.  At the end of every ``simulate`` call
(``flush``) the file is closed: between runs it is a plain HDF5 file that any tool
opens, with or without SWMR and file locks, in this process or another; ``events``
reads it back from there, also after ``close``.  The next ``prepare`` reopens it and
lays out every device again (SWMR forbids creating objects while it is on).

The writer does not use HDF5's file locks (``locking=False``): a lock held by a reader
would make the reopen fail.  Clobbering is prevented by the ``overwrite_files`` check
and, within the process, by a registry of the files of live backends.  ``n_events =
0`` hides earlier rows from ``events`` but keeps them in the file, the run's record.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import queue
import time
import weakref
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from spikesim.errors import BadProperty, KernelException, RecordingError, bad_property
from spikesim.io.hdf5_layout import DEVICES, FORMAT, FORMAT_VERSION, N_ROWS, H5Group, device_name
from spikesim.recording.backends.base import BackendContext, Batch, RecordedDevice, RecordingBackend
from spikesim.recording.backends.hdf5.chunks import Scratch
from spikesim.recording.backends.hdf5.faults import check_same_file, clear_status, identity, recording_error
from spikesim.recording.backends.hdf5.layout import (
    DeviceLayout,
    Track,
    check_setting,
    forget_unflushed,
    grid_job,
    rows_of,
    sampled,
    signature,
)
from spikesim.recording.backends.hdf5.writer import Job, Syncer, WriterThread, append_rows, close_quietly
from spikesim.timegrid import TICS_PER_MS

#: files of live backends in this process (resolved path -> backend): the file is closed
#: between runs, so HDF5 itself no longer keeps a second simulator from clobbering it
_CLAIMED: weakref.WeakValueDictionary[str, Hdf5Backend] = weakref.WeakValueDictionary()
#: HDF5 file format bounds: the 1.10 format, the oldest SWMR writes, so HDF5 1.10 and
#: later tools read the files (h5py's "latest" would pick the newest library's format)
LIBVER = ("v110", "v110")

def _h5py() -> Any:
    try:
        import h5py
    except ImportError as err:
        raise KernelException("the hdf5 recording backend needs the package h5py; "
                              "install it with 'pip install h5py'") from err
    return h5py


class Hdf5Backend(RecordingBackend):
    """Appends every device's batches to one SWMR HDF5 file per simulator.

    Settings: ``file_name`` (default ``recording.h5``, in the context's ``data_path``
    after its ``data_prefix``), ``flush_interval`` (s of wall time, default 1: about what
    a crash can lose), ``compression`` (``gzip``, the default, which every HDF5 build decodes; ``none``; ``lzf``, which
    only h5py decodes), ``compression_level`` (gzip, 0-9, default 1),
    ``compress_samples`` (also compress multimeter samples, default False: deflate
    saves 16% of sampled voltages at 30x the cost of storing them raw), ``chunk_rows``
    (rows per chunk) and ``write_in_thread``.

    Parameters
    ----------
    context : BackendContext, optional
        What the backend sees of its simulator.

    Raises
    ------
    KernelException
        If h5py is not installed.
    """

    name = "hdf5"
    defaults = {"file_name": "recording.h5", "flush_interval": 1.0, "compression": "gzip",
                "compression_level": 1, "compress_samples": False, "chunk_rows": 65536, "write_in_thread": True}

    def __init__(self, context: BackendContext | None = None) -> None:
        super().__init__(context)
        self._h5 = _h5py()
        self._tracks: dict[int, Track] = {}
        self._file: H5Group = None
        self._path: Path | None = None  # the file this backend created (open or not)
        self._last_flush = time.monotonic()
        self._finalizer: weakref.finalize[[H5Group, queue.Queue[Job | None]], Hdf5Backend] | None = None
        self._writer = WriterThread()
        self._syncer: Syncer | None = None
        self._scratch = Scratch()  # the encoders' work buffers (chunks are encoded one at a time)
        self._ident: tuple[int, int] | None = None  # (device, inode) of the file written
        self._failed: Exception | None = None  # why the file failed (it is not reopened then)

    # -- settings ----------------------------------------------------------------------------
    def set_settings(self, params: dict[str, Any]) -> None:
        """Backend-wide settings (see the class).

        Raises
        ------
        BadProperty
            If a key is not a setting or a value is not valid for it.
        """
        for k, v in params.items():
            check_setting(k, v)
        super().set_settings(params)

    def path(self) -> Path:
        """The file the next ``simulate`` writes to."""
        sim = self.context
        return Path(sim.data_path or ".") / f"{sim.data_prefix}{self.settings['file_name']}"

    # -- devices -----------------------------------------------------------------------------
    def enroll(self, device: RecordedDevice) -> None:
        """Track ``device``; it is laid out in the file at the next ``prepare``."""
        self._tracks[device.node_id] = Track(device)

    def disenroll(self, device: RecordedDevice) -> None:
        """Commit the device's rows to the file and stop tracking it."""
        t = self._tracks.pop(device.node_id, None)
        if t is not None and self._file is not None:
            self._write_out(t)
            self._write_partials(t)
            self._commit([t])

    def device_changed(self, device: RecordedDevice) -> None:
        """Lay the device out anew at the next ``prepare`` if its columns or parameters
        changed (``n_events = 0`` alone does not)."""
        t = self._tracks.get(device.node_id)
        if t is not None and t.signature != signature(device):
            t.dirty = True

    def device_status(self, device: RecordedDevice) -> dict[str, Any]:
        """``filenames``: the file the device writes to."""
        return {"filenames": [str(self._path or self.path())]}

    # -- life cycle --------------------------------------------------------------------------
    def prepare(self) -> None:
        """Create the file, or reopen it to lay out new or changed devices.

        Raises
        ------
        BadProperty
            If the file exists and the context does not allow overwriting files, or its
            directory does not exist.
        KernelException
            If the file cannot be created or reopened.
        """
        if not self._tracks:
            return
        target = self.path()
        if self._path is not None and target != self._path:  # file_name/data_path changed
            self.close()
            self._path, self._failed = None, None
            for t in self._tracks.values():
                t.columns, t.resume = (), None
        if self._path is None:
            self._create(target)
        elif self._failed is not None:  # reopening would write its metadata again, maybe half
            raise RecordingError(f"hdf5 backend: '{target}' failed earlier ({self._failed}); set another "
                                 "file_name or data_path, or move the devices to another backend") from self._failed
        elif self._file is None or any(t.dirty or (t.grid and not np.array_equal(t.senders, sampled(t.device)))
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
        key = str(path.resolve())
        try:
            if _CLAIMED.get(key, self) is not self:
                raise OSError("the file belongs to another live simulator")
            f = self._h5.File(path, "w", libver=LIBVER, locking=False)
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
        f.create_group(DEVICES)
        self._open(f, path)

    def _reopen(self) -> None:
        assert self._path is not None
        self.flush()  # closes the file
        check_same_file(self._path, self._ident)
        try:
            f = self._h5.File(self._path, "r+", libver=LIBVER, locking=False)
        except OSError as err:
            raise RecordingError(
                f"hdf5 backend: cannot reopen '{self._path}' to lay out new or changed devices ({err}); "
                "was it moved, deleted or made read-only during the run? Point the backend at a new "
                "file with sim.set_defaults('hdf5', {'file_name': ...}).") from err
        self._open(f, self._path)

    def _open(self, f: H5Group, path: Path) -> None:
        """Lay out every device in ``f`` (not yet in SWMR mode), then start SWMR writing."""
        if self._finalizer is not None:
            self._finalizer = self._finalizer.detach() and None
        self._file, self._path = f, path
        _CLAIMED[str(path.resolve())] = self
        self._finalizer = weakref.finalize(self, close_quietly, f, self._writer.jobs)
        try:
            self._syncer = Syncer(int(f.id.get_vfd_handle()))
            self._ident = identity(self._syncer.fd)
        except Exception:  # noqa: BLE001 - a driver without a file descriptor
            self._syncer = None
        layout = DeviceLayout(self._h5, path, self.settings, self._syncer, self._scratch)
        try:
            for t in self._tracks.values():
                layout.lay_out(t, f[DEVICES].require_group(device_name(t.device.node_id)))
            f.flush()
            f.swmr_mode = True
        except (OSError, RuntimeError) as err:  # a full disk: HDF5 raises either
            self._fail(err)

    # -- checkpoints --------------------------------------------------------------------------
    def checkpoint_state(self, device: RecordedDevice) -> dict[str, Any]:
        """Where the device's rows are and how many there are (called between runs):
        ``path``, ``rows`` (committed by the last flush) and ``cleared``."""
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
        """Buffer a batch of the device's rows; write the buffer out once it holds a
        chunk (``chunk_rows``), and flush when ``flush_interval`` seconds passed.

        Raises
        ------
        KernelException
            If an earlier write failed in the writer thread.
        """
        t = self._tracks[device.node_id]
        if self._file is None or t.dirty:  # enrolled or changed during a run
            self.prepare()
        t.buffer.append(batch)
        t.buffered += batch["senders"].size
        self._written(t)

    def write_grid(self, device: RecordedDevice, senders: np.ndarray, times: np.ndarray,
                   values: dict[str, np.ndarray]) -> None:
        """Buffer samples of a multimeter (``values[v]``: times x senders) for its grid.

        Raises
        ------
        KernelException
            If ``senders`` are not the neurons its grid was laid out for (connect
            samplers between simulate calls), or an earlier write failed.
        """
        t = self._tracks[device.node_id]
        if self._file is None or t.dirty:
            self.prepare()
        if senders is not t.checked and not np.array_equal(senders, t.senders):
            raise KernelException(
                f"hdf5 backend: multimeter {device.node_id} sampled neurons {senders[:5].tolist()}... that its "
                f"grid in '{self._path}' does not have (laid out for {t.senders[:5].tolist()}...); connect "
                "samplers between simulate calls")
        t.checked = senders
        t.grid_buffer.append((times, values))
        t.buffered += times.size * senders.size
        self._written(t)

    def _written(self, t: Track) -> None:
        """After a batch was buffered: write out a full buffer, flush when it is time."""
        if t.buffered >= self.settings["chunk_rows"]:
            self._write_out(t)
        if time.monotonic() - self._last_flush >= self.settings["flush_interval"]:
            self._flush()

    def _write_out(self, t: Track) -> None:
        if not t.buffered:
            return
        if t.grid:
            self._write_out_grid(t)
            return
        n0, n1 = t.written, t.written + t.buffered
        self._run([(t.tails[c].append, (n1, [b[c] for b in t.buffer])) if c in t.tails else
                   (append_rows, (t.datasets[c], n0, n1, [b[c] for b in t.buffer])) for c in t.columns])
        t.written = n1
        t.buffer = []  # the job holds the old list's arrays
        t.buffered = 0

    def _write_out_grid(self, t: Track) -> None:
        job, n_t = grid_job(t)
        self._run(job)
        t.grid_rows += n_t
        t.written = t.base + t.grid_rows * t.senders.size
        t.grid_buffer = []
        t.buffered = 0

    def _run(self, job: Job) -> None:
        """Run the writes of a job, in the writer thread (setting ``write_in_thread``)."""
        try:
            self._writer.run(job, bool(self.settings["write_in_thread"]), self._path)
        except Exception as err:
            self._fail(err)

    def _fail(self, err: Exception) -> NoReturn:
        """After a failed write or a file deleted under the run: drop the writes not yet
        done, close the file, leave it readable (its last flush) and raise the error."""
        self._writer.abort()
        with contextlib.suppress(Exception):  # a file that failed may fail again; its flushed rows stay
            self._file.close()
        self._file = None
        if self._finalizer is not None:
            self._finalizer = self._finalizer.detach() and None
        if self._path is not None:
            clear_status(self._path)
        for t in self._tracks.values():
            forget_unflushed(t)
        self._failed = out = recording_error(self._path, err)
        raise out from (out.__cause__ if out is err else err)

    def _commit(self, tracks: list[Track]) -> None:
        """Make written rows durable, then announce them in ``n_rows`` (in this order)."""
        try:
            self._durable(tracks)
        except Exception as err:
            self._fail(err)

    def _durable(self, tracks: list[Track]) -> None:
        self._writer.drain(self._path)
        assert self._path is not None
        check_same_file(self._path, self._ident, self._syncer.fd if self._syncer is not None else None)
        for t in tracks:
            for ds in t.datasets.values():
                ds.flush()
        self._file.flush()
        os.fsync(self._file.id.get_vfd_handle())
        for t in tracks:
            if t.committed != t.written:
                n_rows = t.datasets[N_ROWS]
                n_rows[0] = t.grid_rows if t.grid else t.written
                n_rows.flush()
                t.committed = t.written

    def _write_partials(self, t: Track) -> None:
        """Store the chunks being filled (after the device's write-out)."""
        if t.tails:
            self._run([(tail.write_partial, ()) for tail in t.tails.values()])

    def flush(self) -> None:
        """End of a ``simulate`` call: write every buffer out, make it durable (fsync),
        raise every device's ``n_rows``, then close the file, so that between runs it
        is a plain HDF5 file any reader opens (``h5py.File(path, "r")``, h5dump); the
        next ``prepare`` reopens it.

        Raises
        ------
        KernelException
            If a write failed in the writer thread.
        """
        if self._file is None:
            return
        try:
            self._flush()
        finally:
            if self._file is not None:
                self._close_file()

    def _flush(self) -> None:
        """Write every buffer out, make it durable, then raise every ``n_rows``: a
        reader sees whole flushes.  The file stays open (SWMR)."""
        tracks = list(self._tracks.values())
        for t in tracks:
            self._write_out(t)
            self._write_partials(t)
        self._commit(tracks)
        self._last_flush = time.monotonic()

    def events(self, device: RecordedDevice) -> Batch | None:
        """The device's rows written so far (after its last ``n_events = 0``), read
        back from the file (also when it is closed: between runs, after ``close``);
        None before it was laid out.

        Raises
        ------
        KernelException
            If a write failed in the writer thread, or the file cannot be read.
        """
        t = self._tracks.get(device.node_id)
        if t is None or self._path is None or not t.columns:
            return None
        if self._file is not None:
            self._write_out(t)
            self._write_partials(t)
            try:
                self._writer.drain(self._path)
            except Exception as failure:
                self._fail(failure)
            return rows_of(t, self._file)
        err: Exception | None = None
        for locks in ({}, {"locking": False}):  # HDF5 shares a file open in this process only
            try:                                 # with the same locking flags
                with self._h5.File(self._path, "r", **locks) as f:
                    return rows_of(t, f)
            except (OSError, KeyError) as e:
                err = e
        raise KernelException(f"hdf5 backend: cannot read device {device.node_id} back from "
                              f"'{self._path}' ({err}); was it moved or deleted?") from err

    def clear(self, device: RecordedDevice) -> None:
        """Hide the device's rows so far from :meth:`events` (they stay in the file)."""
        t = self._tracks.get(device.node_id)
        if t is not None:
            t.cleared = t.written + t.buffered

    def close(self) -> None:
        """Flush and close the file; its rows stay readable through :meth:`events`,
        and a later ``prepare`` reopens it for appending."""
        try:
            self.flush()
        finally:
            _CLAIMED.pop(str(self._path.resolve()) if self._path is not None else "", None)

    def _close_file(self) -> None:
        """Close the open file (after a flush); the tracks are laid out anew on reopening."""
        try:
            self._writer.stop()
        finally:
            self._file.close()
            self._file = None
            if self._finalizer is not None:
                self._finalizer = self._finalizer.detach() and None
            for t in self._tracks.values():
                t.dirty = True
                t.datasets = {}
                t.tails = {}
