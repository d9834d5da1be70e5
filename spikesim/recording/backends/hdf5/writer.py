"""The hdf5 backend's writer thread and the datasets it fills chunk by chunk.

The backend hands its writes over as jobs (``(function, arguments)`` pairs run in
order) to :class:`WriterThread`, which runs them in a thread of its own while the
compiled kernels, which release the GIL, simulate the next slices.  Writes through
h5py and HDF5's filters stalled the simulating thread measurably more (see the
``/lib`` variants of benchmarks/recording_cost.py), so for the backend's own datasets
a :class:`Tail` builds each chunk itself without the GIL (:mod:`.chunks`) and stores it with
``write_direct_chunk``; :class:`Syncer` pushes the written bytes to the disk as the
run goes.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.io.hdf5_layout import H5Group
from spikesim.recording.backends.hdf5.chunks import ChunkEncoder, Scratch, pipeline
from spikesim.recording.backends.hdf5.faults import recording_error

#: an h5py dataset (h5py is untyped)
H5Dataset = Any
#: writes run in order by the writer: (function, arguments) pairs
Job = list[tuple[Callable[..., None], tuple[Any, ...]]]
#: write-outs that may wait for the writer thread (memory stays bounded)
MAX_WAITING_JOBS = 8


def execute(job: Job) -> None:
    """Run the writes of ``job`` in order, in the calling thread."""
    for fn, args in job:
        fn(*args)


def direct_compression(ds: H5Dataset) -> tuple[str, int] | None:
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


def append_rows(ds: H5Dataset, r0: int, r1: int, parts: list[np.ndarray]) -> None:
    """Store rows ``r0`` to ``r1 - 1`` of a dataset through h5py (HDF5 filters them
    holding the GIL); ``parts`` are the rows, in order."""
    ds.resize(r1, axis=0)
    ds[r0:r1] = parts[0] if len(parts) == 1 else np.concatenate(parts)


class Syncer:
    """Pushes written chunks to the disk as the run goes (``fdatasync`` in the writer
    thread, which releases the GIL), so that the fsync of each flush, at the end of
    every ``simulate`` call, finds little left to write: a flush of 80 MB of V_m
    samples otherwise cost the simulating thread about a tenth of a second.

    Parameters
    ----------
    fd : int
        The file descriptor of the open file.
    """

    EVERY = 8 << 20  # bytes between two syncs

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = 0

    def wrote(self, n: int) -> None:
        """``n`` more bytes were written; sync once :attr:`EVERY` bytes are pending."""
        self.pending += n
        if self.pending >= self.EVERY:
            self.pending = 0
            with contextlib.suppress(OSError):  # a file system without it: the flush's fsync still runs
                os.fdatasync(self.fd)


class Tail:
    """The writer's view of one dataset written chunk by chunk (direct writes): a
    column of rows or a grid variable; the chunk being filled starts at row ``start``
    and holds ``fill`` rows.  Its buffer grows with the rows it holds, up to one
    chunk, so a device that records little holds little.

    Parameters
    ----------
    ds : h5py dataset
        A dataset whose filters :func:`direct_compression` recognised; rows already in
        it are continued.
    syncer : Syncer or None
        Told the bytes of every chunk written (None: no syncing during the run).
    compression, level : str, int
        The dataset's compression, as :func:`direct_compression` returns them.
    scratch : Scratch
        The writing thread's work buffers.
    """

    def __init__(self, ds: H5Dataset, syncer: Syncer | None, compression: str, level: int,
                 scratch: Scratch) -> None:
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
        """Store rows up to row ``r1`` (grids: time rows); ``parts`` follow the rows
        already given, in order."""
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


def writer_loop(jobs: queue.Queue[Job | None], errors: list[BaseException]) -> None:
    """The hdf5 writer thread: runs jobs in order until it gets None; after a failure
    it records the error and skips the remaining jobs (the simulating thread raises it)."""
    while True:
        job = jobs.get()
        try:
            if job is None:
                return
            if not errors:
                execute(job)
        except BaseException as err:  # noqa: BLE001 - handed to the simulating thread
            errors.append(err)
        finally:
            jobs.task_done()


def close_quietly(f: H5Group, jobs: queue.Queue[Job | None]) -> None:
    """The backend was dropped without close(): end its writer thread, close the file."""
    with contextlib.suppress(queue.Full):
        jobs.put(None, timeout=1.0)
    with contextlib.suppress(Exception):  # interpreter shutdown; nothing left to report to
        f.close()


class WriterThread:
    """Runs the backend's jobs in a thread of its own (started on the first job).

    At most :data:`MAX_WAITING_JOBS` jobs wait, so memory stays bounded; a failed job
    is raised, as a RecordingError naming the file, by the next :meth:`run`, :meth:`drain` or
    :meth:`check` of the simulating thread.
    """

    def __init__(self) -> None:
        self.jobs: queue.Queue[Job | None] = queue.Queue(maxsize=MAX_WAITING_JOBS)
        self.errors: list[BaseException] = []
        self._worker: threading.Thread | None = None

    def run(self, job: Job, in_thread: bool, path: Path | None) -> None:
        """Run the writes of ``job``: in the writer thread, or at once when not
        ``in_thread``.

        Raises
        ------
        RecordingError
            If an earlier job failed (``path``: the file, for the message).
        """
        self.check(path)
        if not in_thread:
            execute(job)
            return
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=writer_loop, args=(self.jobs, self.errors), daemon=True,
                                            name="spikesim-hdf5-writer")
            self._worker.start()
        self.jobs.put(job)

    def drain(self, path: Path | None) -> None:
        """Wait until every job ran.

        Raises
        ------
        RecordingError
            If a job failed (``path``: the file, for the message).
        """
        if self._worker is not None:
            self.jobs.join()
        self.check(path)

    def check(self, path: Path | None) -> None:
        """Raise the first failure of a job, once.

        Raises
        ------
        RecordingError
            If a job failed (``path``: the file, for the message).
        """
        if self.errors:
            err = self.errors.pop(0)
            self.errors.clear()
            raise recording_error(path, err) from err

    def abort(self) -> None:
        """End the thread without running the jobs still waiting; forget any failure."""
        self.errors.append(RuntimeError("aborted"))  # the loop skips jobs after a failure
        try:
            self.stop()
        finally:
            self.errors.clear()

    def stop(self) -> None:
        """End the thread after the jobs already given."""
        if self._worker is not None:
            self.jobs.put(None)
            self._worker.join()
        self._worker = None
