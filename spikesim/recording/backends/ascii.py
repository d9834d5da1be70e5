"""The ascii backend: one text file per device, in NEST's layout.

File name: ``data_path/data_prefix + (label or model) + "-" + node id + "-0." +
file_extension``.  Three header lines (library version, e.g. "# spikesim version:
0.1.0", or NEST's version under the NEST face; backend version; column names) are
followed by tab-separated rows; ``numpy.loadtxt(f, skiprows=3)`` reads it.  Unlike
NEST, every device writes one time-ordered file whatever the number of threads.
Rows are written as the run goes and synced to disk at the end of every
``simulate`` call.

Faults keep what was written: a batch is written whole or not at all (a failed
write, e.g. disk full, cuts the file back to where the batch began, so it ends at a
complete line), a file this backend wrote is never truncated or re-created later
(``overwrite_files`` applies only to files from before), and a file deleted or
replaced behind the simulator's back is an error at the next flush or run.  Every
such error is a :class:`~spikesim.errors.RecordingError` naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.errors import BadProperty, RecordingError, bad_property
from spikesim.recording.backends.base import (
    BackendContext,
    Batch,
    RecordedDevice,
    RecordingBackend,
)

FORMAT_VERSION = 2


@dataclass
class _Written:
    """A file this backend wrote: its identity, how long it made it, its header."""

    ident: tuple[int, int]  # (st_dev, st_ino)
    size: int  # bytes, ending at a complete line
    header: bytes


class AsciiBackend(RecordingBackend):
    """One text file per device, written as the run goes.

    Per-device parameters: ``precision`` (decimals of floats: times in ms, values in
    their units) and ``file_extension``.  Files are opened by :meth:`prepare` (never
    replacing one unless the simulator's ``overwrite_files`` allows it, and never one
    this backend wrote: a device coming back to its file appends to it) and synced to
    disk by :meth:`flush`.

    Parameters
    ----------
    context : BackendContext, optional
        File settings (``data_path``, ``data_prefix``, ``overwrite_files``).
    """

    name = "ascii"
    device_defaults = {"precision": 3, "file_extension": "dat"}

    def __init__(self, context: BackendContext | None = None) -> None:
        super().__init__(context)
        # unbuffered: a failed write leaves nothing pending that a later flush or
        # close could append after the point the file was cut back to
        self._files: dict[int, io.FileIO] = {}
        self._paths: dict[int, Path] = {}
        self._devices: dict[int, RecordedDevice] = {}
        self._resume: dict[int, tuple[Path, int]] = {}
        self._written: dict[Path, _Written] = {}

    def check_device_param(self, device: RecordedDevice, key: str, value: object) -> None:
        """Vet ``precision`` and ``file_extension``.

        Raises
        ------
        BadProperty
            If ``precision`` is not an integer in [0, 17], or ``file_extension`` is
            not a string without "/".
        """
        if key == "precision" and (isinstance(value, bool) or not isinstance(value, (int, np.integer))
                                   or not 0 <= value <= 17):
            raise bad_property(device.model.name, "precision", value, "it must be an integer in [0, 17]")
        if key == "file_extension" and (not isinstance(value, str) or "/" in value):
            raise bad_property(device.model.name, "file_extension", value, "it must be a plain string")

    def enroll(self, device: RecordedDevice) -> None:
        """Note the device; its file is opened by the next :meth:`prepare` (or write)."""
        self._devices[device.node_id] = device

    def disenroll(self, device: RecordedDevice) -> None:
        """Close the device's file (it stays on disk) and forget the device."""
        self._close(device.node_id)
        self._devices.pop(device.node_id, None)

    def path_of(self, device: RecordedDevice) -> Path:
        """The file the device writes to under the current settings and label."""
        sim = self.context
        name = f"{sim.data_prefix}{device.name}-{device.node_id}-0.{device.bp['file_extension']}"
        return Path(sim.data_path or ".") / name

    def device_status(self, device: RecordedDevice) -> dict[str, Any]:
        """``precision``, ``file_extension`` and ``filenames`` (a list of one path)."""
        d = dict(device.bp)
        d["filenames"] = [str(self.path_of(device))]
        return d

    def device_changed(self, device: RecordedDevice) -> None:
        """Close the device's file if its name changed; the next run opens the new one."""
        path = self._paths.get(device.node_id)
        if path is not None and path != self.path_of(device):
            self._close(device.node_id)

    def checkpoint_state(self, device: RecordedDevice) -> dict[str, Any]:
        """The device's file and its length in bytes (called between runs)."""
        path = self._paths.get(device.node_id)
        if path is None:
            return {}
        return {"path": str(path), "size": self._written[path].size}

    def resume(self, device: RecordedDevice, state: dict[str, Any] | None) -> None:
        """Continue the device's file from a checkpoint: it is cut back to the
        checkpointed length and appended to (no new header)."""
        if state and state.get("path"):
            self._resume[device.node_id] = (Path(state["path"]), int(state["size"]))

    def _open_resumed(self, device: RecordedDevice) -> None:
        path, size = self._resume.pop(device.node_id)
        if not path.exists() or path.stat().st_size < size:
            raise BadProperty(f"ascii backend: '{path}' is missing or shorter than at the checkpoint "
                              f"({size} bytes); it is not the file this run wrote")
        try:
            f = _open_append(path)
            os.ftruncate(f.fileno(), size)  # what the checkpoint's run wrote after it is not this run's
        except OSError as exc:
            raise _recording_error(f"ascii backend: cannot reopen '{path}' to continue it: {exc.strerror}. "
                                   "Make the file writable.", exc) from exc
        self._adopt(device.node_id, path, f)
        self._written[path] = _Written(_ident(f), size, _header(device, self.context.file_producer))

    def prepare(self) -> None:
        """Open the files of devices that have none yet and write their three header
        lines; a file this backend wrote before (the device was moved or relabelled and
        came back) is appended to, and resumed ones are cut back to the checkpoint.
        Files deleted or replaced since the last call are reported first.

        Either every file opens or none is created or emptied.

        Raises
        ------
        BadProperty
            If a file exists and ``overwrite_files`` is False (nothing is opened then),
            if ``data_path`` is not an existing directory, or if a resumed file is
            missing or shorter than at the checkpoint.
        RecordingError
            If an open file was deleted or replaced, if a file cannot be created
            (permission denied ...), or if a file this backend wrote was changed by
            something else or would get other columns.
        """
        self._check_open_files()
        for i in [i for i in self._resume if i in self._devices and i not in self._files]:
            self._open_resumed(self._devices[i])
        todo = [d for i, d in self._devices.items() if i not in self._files]
        paths = [self.path_of(d) for d in todo]
        fresh = [self._vet(d, p) for d, p in zip(todo, paths, strict=True)]
        self._open_all(todo, paths, fresh)
        for i in list(self._files):
            if self._written[self._paths[i]].size == 0:
                self._append(i, self._written[self._paths[i]].header)

    def _vet(self, device: RecordedDevice, path: Path) -> bool:
        """Whether ``path`` gets a new file (else it is appended to); raises if neither
        is allowed.  Opens nothing."""
        mark = self._written.get(path)
        if mark is not None:
            try:
                st = path.stat()
            except FileNotFoundError:
                st = None
            if st is not None and (st.st_dev, st.st_ino) == mark.ident:
                if st.st_size != mark.size:
                    raise RecordingError(
                        f"ascii backend: '{path}' was changed by something else since this simulator wrote "
                        f"it ({mark.size} bytes, now {st.st_size}); it is not appended to. Move it away "
                        "or give the device another label.")
                if mark.header != _header(device, self.context.file_producer):
                    raise RecordingError(
                        f"ascii backend: '{path}' was written with other columns than the device records "
                        "now; it is not appended to. Give the device another label or data_prefix.")
                return False
            del self._written[path]  # gone or replaced: not ours any more
        if path.exists() and not self.context.overwrite_files:
            raise BadProperty(
                f"ascii backend: the file '{path}' already exists and overwriting files is disabled. "
                "Set overwrite_files=True on the simulator (nest.overwrite_files = True) to "
                "overwrite it, or change data_path, data_prefix or the device's label.")
        if not path.parent.exists():
            raise bad_property("ascii backend", "data_path", str(path.parent), "the directory must exist")
        if not path.parent.is_dir():
            raise bad_property("ascii backend", "data_path", str(path.parent),
                               f"it is not a directory, so '{path}' cannot be created; "
                               "set data_path to an existing, writable directory")
        return True

    def _open_all(self, devices: list[RecordedDevice], paths: list[Path], fresh: list[bool]) -> None:
        """Open every file; only when all opened are existing ones emptied (``fresh``)."""
        opened: list[tuple[io.FileIO, bool]] = []
        for p in paths:
            created = not os.path.lexists(p)
            try:
                opened.append((_open_append(p), created))
            except OSError as exc:
                for (f, made), q in zip(opened, paths, strict=False):
                    f.close()
                    if made:
                        with contextlib.suppress(OSError):
                            q.unlink()
                raise _recording_error(
                    f"ascii backend: cannot open the file '{p}' for writing: {exc.strerror}. Make data_path "
                    f"('{p.parent}') a writable directory, or set data_path to one.", exc) from exc
        for d, p, (f, _), new in zip(devices, paths, opened, fresh, strict=True):
            self._adopt(d.node_id, p, f)
            if new:
                os.ftruncate(f.fileno(), 0)  # overwrite_files allowed it (checked in _vet)
                self._written[p] = _Written(_ident(f), 0, _header(d, self.context.file_producer))

    def _adopt(self, node_id: int, path: Path, f: io.FileIO) -> None:
        self._files[node_id] = f
        self._paths[node_id] = path

    def write(self, device: RecordedDevice, batch: Batch) -> None:
        """Append the batch's rows: integers as such, floats with ``precision`` decimals.

        The batch is written whole or not at all.  A device enrolled during a run gets
        its file opened here (see :meth:`prepare`).

        Raises
        ------
        RecordingError
            If the file cannot take the rows (disk full, file too large, I/O error):
            the file is cut back to its length before the batch and stays usable.
        """
        if device.node_id not in self._files:  # enrolled during a run: open now
            self.prepare()
        prec = int(device.bp["precision"])
        cols = [batch["senders"].astype(np.int64)]
        fmts = ["%d"]
        if device.p["time_in_steps"]:
            cols += [batch["times"], batch["offsets"]]
            fmts += ["%d", f"%.{prec}f"]
        else:
            cols.append(batch["times"])
            fmts.append(f"%.{prec}f")
        for c in _value_columns(batch):
            cols.append(batch[c])
            fmts.append("%d" if batch[c].dtype.kind in "iu" else f"%.{prec}f")
        table = np.column_stack(cols) if len(cols) > 1 else cols[0][:, None]
        buf = io.BytesIO()
        np.savetxt(buf, table, fmt=fmts, delimiter="\t")
        mark = self._written[self._paths[device.node_id]]
        self._append(device.node_id, (mark.header if mark.size == 0 else b"") + buf.getvalue())

    def _append(self, node_id: int, data: bytes) -> None:
        """Write ``data`` at the end of the device's file, or cut the file back."""
        f, path = self._files[node_id], self._paths[node_id]
        mark = self._written[path]
        view, done = memoryview(data), 0
        try:
            while done < len(view):
                n = f.write(view[done:])
                if not n:
                    raise OSError(errno.EIO, "the write made no progress")
                done += n
        except OSError as exc:
            try:
                os.ftruncate(f.fileno(), mark.size)
                kept = f"it keeps the {mark.size} bytes written before, ending at a complete line"
            except OSError:
                kept = "it could not be cut back and may end in a partial line"
            raise _recording_error(
                f"ascii backend: writing to '{path}' failed: {exc.strerror}. The rows of this write are "
                f"not in the file; {kept}. Free disk space (or raise the file size limit) and simulate "
                "on, or move the device to another backend (record_to).", exc) from exc
        mark.size += done

    def _check_open_files(self) -> None:
        """Close and report the open files that were deleted or replaced."""
        lost = []
        for i in list(self._files):
            what = self._lost(i)
            if what is not None:
                path = self._paths[i]
                lost.append(f"'{path}' {what}")
                self._close(i)
                self._written.pop(path, None)
        if lost:
            raise RecordingError(
                f"ascii backend: {'; '.join(lost)} while the simulator had it open, and the rows "
                "written to it are gone (n_events still counts them). Keep data_path and its files "
                "in place while simulating; the next simulate starts a new file.")

    def _lost(self, node_id: int) -> str | None:
        """How the device's file was lost (deleted, replaced), or None if it is intact."""
        f, path = self._files[node_id], self._paths[node_id]
        st = os.fstat(f.fileno())
        if st.st_nlink == 0:
            return "was deleted (or its directory was)"
        try:
            now = os.stat(path)
        except OSError:
            return "was moved away or deleted"
        if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            return "was replaced by another file"
        return None

    def flush(self) -> None:
        """Sync every open file to disk.

        Raises
        ------
        RecordingError
            If a file cannot be synced, or was deleted or replaced during the run.
        """
        for i, f in self._files.items():
            try:
                os.fsync(f.fileno())
            except OSError as exc:
                raise _recording_error(
                    f"ascii backend: syncing '{self._paths[i]}' to disk failed: {exc.strerror}. "
                    "Rows written since the last simulate may be incomplete.", exc) from exc
        self._check_open_files()

    def _close(self, node_id: int) -> None:
        f = self._files.pop(node_id, None)
        if f is not None:
            with contextlib.suppress(OSError):  # unbuffered: nothing left to write, only the handle
                f.close()
        self._paths.pop(node_id, None)

    def close(self) -> None:
        """Close every open file (the files stay on disk; a later run appends to them)."""
        for i in list(self._files):
            self._close(i)


def _open_append(path: Path) -> io.FileIO:
    """``path`` opened unbuffered for appending, created if missing, never truncated."""
    return io.FileIO(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666), "a")


def _ident(f: io.FileIO) -> tuple[int, int]:
    st = os.fstat(f.fileno())
    return (st.st_dev, st.st_ino)


def _header(device: RecordedDevice, producer: str) -> bytes:
    """The three header lines of the device's file (``producer``: the library and its version)."""
    cols = ["sender"]
    cols += ["time_step", "time_offset"] if device.p["time_in_steps"] else ["time_ms"]
    cols += _value_columns(device.empty_batch())
    return (f"# {producer}\n# RecordingBackendASCII version: {FORMAT_VERSION}\n"
            + "\t".join(cols) + "\n").encode()


def _recording_error(message: str, cause: OSError) -> RecordingError:
    """A RecordingError carrying the operating system's error code of ``cause``."""
    err = RecordingError(message)
    err.errno = cause.errno
    return err


def _value_columns(batch: Batch) -> list[str]:
    """The value columns in NEST's order: floating-point values first, then integer
    ones (a weight_recorder writes ``weights targets receptors ports``)."""
    names = [c for c in batch if c not in ("senders", "times", "offsets")]
    return [c for c in names if batch[c].dtype.kind == "f"] + [c for c in names if batch[c].dtype.kind != "f"]
