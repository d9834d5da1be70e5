"""The ascii backend: one text file per device, in NEST's layout.

File name: ``data_path/data_prefix + (label or model) + "-" + node id + "-0." +
file_extension``.  Three header lines (library version, backend version, column
names) are followed by tab-separated rows; ``numpy.loadtxt(f, skiprows=3)`` reads
it.  Unlike NEST, every device writes one time-ordered file whatever the number of
threads.  Rows are written as the run goes and flushed at the end of every
``simulate`` call.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

import numpy as np

from spikesim.errors import BadProperty, bad_property
from spikesim.recording.backends.base import (
    BackendContext,
    Batch,
    RecordedDevice,
    RecordingBackend,
)

FORMAT_VERSION = 2


class AsciiBackend(RecordingBackend):
    """One text file per device, written as the run goes.

    Per-device parameters: ``precision`` (decimals of floats: times in ms, values in
    their units) and ``file_extension``.  Files are opened by :meth:`prepare` (never
    replacing one unless the simulator's ``overwrite_files`` allows it) and synced
    to disk by :meth:`flush`.

    Parameters
    ----------
    context : BackendContext, optional
        File settings (``data_path``, ``data_prefix``, ``overwrite_files``).
    """

    name = "ascii"
    device_defaults = {"precision": 3, "file_extension": "dat"}

    def __init__(self, context: BackendContext | None = None) -> None:
        super().__init__(context)
        self._files: dict[int, IO[str]] = {}
        self._paths: dict[int, Path] = {}
        self._devices: dict[int, RecordedDevice] = {}
        self._resume: dict[int, tuple[Path, int]] = {}

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
        f = self._files.get(device.node_id)
        if f is None:
            return {}
        f.flush()
        return {"path": str(self._paths[device.node_id]), "size": f.tell()}

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
        f = open(path, "r+")  # noqa: SIM115 - stays open across runs until close()
        f.truncate(size)
        f.seek(size)
        self._files[device.node_id] = f
        self._paths[device.node_id] = path

    def prepare(self) -> None:
        """Open the files of devices that have none yet (resumed ones are cut back to the
        checkpoint and appended to) and write their three header lines.

        Raises
        ------
        BadProperty
            If a file exists and ``overwrite_files`` is False (nothing is opened then),
            if ``data_path`` does not exist, or if a resumed file is missing or shorter
            than at the checkpoint.
        """
        for i in [i for i in self._resume if i in self._devices and i not in self._files]:
            self._open_resumed(self._devices[i])
        todo = [d for i, d in self._devices.items() if i not in self._files]
        paths = [self.path_of(d) for d in todo]
        for p in paths:
            if p.exists() and not self.context.overwrite_files:
                raise BadProperty(
                    f"ascii backend: the file '{p}' already exists and overwriting files is disabled. "
                    "Set overwrite_files=True on the simulator (nest.overwrite_files = True) to "
                    "overwrite it, or change data_path, data_prefix or the device's label.")
            if not p.parent.exists():
                raise bad_property("ascii backend", "data_path", str(p.parent), "the directory must exist")
        from spikesim._version import __version__
        for d, p in zip(todo, paths, strict=True):
            f = open(p, "w")  # noqa: SIM115 - stays open across runs until close()
            f.write(f"# spikesim version: {__version__}\n")
            f.write(f"# RecordingBackendASCII version: {FORMAT_VERSION}\n")
            f.write("\t".join(self._header(d)) + "\n")
            self._files[d.node_id] = f
            self._paths[d.node_id] = p

    @staticmethod
    def _header(device: RecordedDevice) -> list[str]:
        cols = ["sender"]
        cols += ["time_step", "time_offset"] if device.p["time_in_steps"] else ["time_ms"]
        return cols + _value_columns(device.empty_batch())

    def write(self, device: RecordedDevice, batch: Batch) -> None:
        """Append the batch's rows: integers as such, floats with ``precision`` decimals.

        A device enrolled during a run gets its file opened here (see :meth:`prepare`).
        """
        f = self._files.get(device.node_id)
        if f is None:  # enrolled during a run: open now
            self.prepare()
            f = self._files[device.node_id]
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
        np.savetxt(f, table, fmt=fmts, delimiter="\t")

    def flush(self) -> None:
        """Flush every open file and sync it to disk."""
        for f in self._files.values():
            f.flush()
            os.fsync(f.fileno())

    def _close(self, node_id: int) -> None:
        f = self._files.pop(node_id, None)
        if f is not None:
            f.close()
        self._paths.pop(node_id, None)

    def close(self) -> None:
        """Close every open file (the files stay on disk)."""
        for i in list(self._files):
            self._close(i)


def _value_columns(batch: Batch) -> list[str]:
    """The value columns in NEST's order: floating-point values first, then integer
    ones (a weight_recorder writes ``weights targets receptors ports``)."""
    names = [c for c in batch if c not in ("senders", "times", "offsets")]
    return [c for c in names if batch[c].dtype.kind == "f"] + [c for c in names if batch[c].dtype.kind != "f"]
