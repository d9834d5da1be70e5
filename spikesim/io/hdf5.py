"""Read the files of the hdf5 recording backend, during a run or after it (or a crash).

The file is opened in SWMR read mode without HDF5 file locking, so it can be read
while a simulator still writes it (also from that simulator's process, whose writer
opens it without locks) and after the writer was killed; every device is read up to
its ``n_rows``, i.e. up to the writer's last flush.  Between runs the writer has
closed the file and any HDF5 1.10+ reader opens it, with or without SWMR or locks.  The layout is
described in :mod:`spikesim.io.hdf5_layout`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.errors import SpikesimError
from spikesim.io.hdf5_layout import (
    DEVICES,
    FORMAT,
    FORMAT_VERSION,
    GRID_LAYOUT,
    GRID_PREFIX,
    LAYOUT_ATTR,
    N_ROWS,
    SENDERS,
    TIME_COLUMNS,
    UNIT_ATTR,
    Batch,
    H5Group,
    grid_names,
    grid_rows_of,
)
from spikesim.io.hdf5_open import open_for_reading


class RecordingFileError(SpikesimError, ValueError):
    """A file that is not a readable spikesim recording."""


class Recording(Mapping[int, Batch]):
    """The devices of one recording file: node id -> events (dict of numpy arrays).

    The events are the columns the device recorded, like ``device.get("events")``
    with the memory backend: ``senders``, ``times`` (ms, or steps plus ``offsets``
    when ``time_in_steps``) and one array per recorded variable.  ``rec[12]`` is
    device 12; ``rec["my_label"]`` is the one device labelled so.

    Attributes
    ----------
    attrs : dict
        File-level attributes: format, format_version, spikesim_version,
        resolution (ms), seed, created ...
    devices : dict
        Per node id, the device's attributes (model, label, columns, window ...) and
        ``units``: column -> unit string.
    """

    def __init__(self, attrs: dict[str, Any], devices: dict[int, dict[str, Any]],
                 events: dict[int, Batch]) -> None:
        self.attrs = attrs
        self.devices = devices
        self._events = events

    def __getitem__(self, key: int | str) -> Batch:
        if isinstance(key, str):
            hits = [i for i, d in self.devices.items() if d["label"] == key]
            if len(hits) != 1:
                labels = sorted({d["label"] for d in self.devices.values() if d["label"]})
                what = "no device has" if not hits else f"devices {hits} have"
                raise KeyError(f"{what} the label '{key}'; the labels are {labels}, or use a node id "
                               f"from {sorted(self._events)}")
            key = hits[0]
        if key not in self._events:
            raise KeyError(f"no device {key!r} in this recording; its node ids are {sorted(self._events)}")
        return self._events[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def __repr__(self) -> str:
        items = ", ".join(f"{i}: {d['model']} ({self._events[i]['senders'].size} rows)"
                          for i, d in self.devices.items())
        return f"Recording({items})"


def _attr(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return [x.decode() if isinstance(x, bytes) else str(x) for x in v.tolist()] \
            if v.dtype.kind in "OSU" else v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    return v


#: HDF5 superblock status flags: the file is open for writing / for SWMR writing
_WRITE_FLAGS = 0x01 | 0x04
#: errors h5py and numpy raise on a damaged file (h5py raises KeyError for an object
#: it cannot open, RuntimeError or ValueError for bad metadata, UnicodeError for bad names)
_DAMAGE = (OSError, KeyError, RuntimeError, ValueError, TypeError, IndexError, UnicodeError,
           OverflowError, AttributeError, AssertionError)
#: how long to keep retrying a file a live writer is changing (s)
RETRY_SECONDS = 2.0


def writer_flags(path: Path) -> int:
    """The status flags of an HDF5 file's superblock: 0 once its writer closed it.

    A writer that is still running, or was killed, leaves the write (and SWMR write)
    flags set; superblocks before version 2 keep them at another place.
    """
    with open(path, "rb") as fh:
        head = fh.read(24)
    if len(head) < 12:
        return 0
    if head[8] >= 2:
        return head[11]
    return int.from_bytes(head[16:20], "little") if len(head) >= 20 else 0


def read(path: str | Path, retries: int = 5) -> Recording:
    """Read every device of an hdf5 recording file up to the writer's last flush.

    A file its writer has closed is opened without SWMR, whose open of a damaged file
    fails at once (SWMR retries damaged metadata for minutes); a file whose writer is
    still running (or was killed) is opened in SWMR mode.  Failed opens are retried,
    for at most :data:`RETRY_SECONDS`, as a writer may be laying out new devices.

    Parameters
    ----------
    path : str or Path
        A file written by the ``hdf5`` recording backend.
    retries : int
        Attempts (50 ms apart) when the file is momentarily unreadable because its
        writer is laying out new devices between two ``simulate`` calls.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    RecordingFileError
        If the file is not a spikesim recording, is damaged (also: an ``n_rows`` that
        disagrees with its datasets), or comes from a newer format version.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: '{path}'")
    deadline = time.monotonic() + RETRY_SECONDS
    last: Exception | None = None
    live = False
    attempts = 0
    for attempts in range(1, max(1, retries) + 1):
        live = bool(writer_flags(path) & _WRITE_FLAGS)
        try:
            with open_for_reading(path, live) as f:
                return _read_open(f, path, closed=not live)
        except RecordingFileError:
            raise
        except _DAMAGE as err:
            if isinstance(err, FileNotFoundError):
                raise
            last = err
            # a writer may open the file (or lay out devices) between the check and the open
            if attempts == max(1, retries) or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
    state = "being written (or its writer was killed)" if live else "closed by its writer"
    raise RecordingFileError(f"cannot read the recording '{path}' after {attempts} attempts (a file {state}): "
                             f"it is damaged or not a spikesim recording: {type(last).__name__}: {last}")


def _read_open(f: H5Group, path: Path, closed: bool = False) -> Recording:
    fmt = f.attrs.get("format")
    if isinstance(fmt, bytes):
        fmt = fmt.decode(errors="replace")
    if fmt != FORMAT:
        raise RecordingFileError(f"'{path}' is not a spikesim recording (format attribute {fmt!r}, "
                                 f"expected '{FORMAT}')")
    try:
        version = int(f.attrs["format_version"])
    except _DAMAGE:
        raise RecordingFileError(f"'{path}' has no valid format_version; the file is damaged") from None
    if version > FORMAT_VERSION:
        raise RecordingFileError(f"'{path}' has format_version {version}; this spikesim reads versions "
                                 f"up to {FORMAT_VERSION}: upgrade spikesim")
    attrs = {k: _attr(v) for k, v in f.attrs.items()}
    devices: dict[int, dict[str, Any]] = {}
    events: dict[int, Batch] = {}
    for name in sorted(f[DEVICES], key=_node_id(path)):
        g = f[DEVICES][name]
        meta = {k: _attr(v) for k, v in g.attrs.items()}
        _check_meta(meta, path, name)
        grid = meta.get(LAYOUT_ATTR) == GRID_LAYOUT
        if grid:
            _check_grids(g, meta["columns"], path, name, closed)
        read_device = _read_grids if grid else _read_rows
        events[int(name)] = read_device(g, meta, path, name, closed)
        devices[int(name)] = meta
    return Recording(attrs, devices, events)


def _node_id(path: Path) -> Any:
    """The sort key of device group names: their node ids."""
    def key(name: str) -> int:
        if not name.isdigit():
            raise RecordingFileError(f"'{path}': device group '{name}' is not a node id; the file is damaged")
        return int(name)
    return key


def _check_meta(meta: dict[str, Any], path: Path, name: str) -> None:
    """Raise RecordingFileError unless a device's attributes name its columns."""
    cols = meta.get("columns")
    if not isinstance(cols, list) or not all(isinstance(c, str) for c in cols) or "label" not in meta \
            or "model" not in meta:
        raise RecordingFileError(f"'{path}': device {name} has damaged attributes (columns, label or "
                                 "model); the file is damaged")


def _n_rows(g: H5Group, path: Path, where: str) -> int:
    """A group's ``n_rows``, checked to be one non-negative integer."""
    ds = g[N_ROWS]
    if ds.shape != (1,) or ds.dtype.kind not in "iu":
        raise RecordingFileError(f"'{path}': {where} has an n_rows of shape {ds.shape} and dtype {ds.dtype}; "
                                 "the file is damaged")
    n = int(ds[0])
    if n < 0:
        raise RecordingFileError(f"'{path}': {where} has n_rows {n}; the file is damaged")
    return n


def _check_length(length: int, n: int, closed: bool, path: Path, what: str) -> None:
    """A closed file's datasets hold exactly ``n_rows``; a live file's at least."""
    if length < n or (closed and length != n):
        raise RecordingFileError(f"'{path}': {what} has {length} rows but n_rows says {n}; "
                                 "the file is damaged")


def _check_grids(g: H5Group, cols: list[str], path: Path, name: str, closed: bool) -> None:
    """Raise RecordingFileError unless every grid's datasets agree with its ``n_rows``."""
    for k in g:
        if not k.startswith(GRID_PREFIX) or not k[len(GRID_PREFIX):].isdigit():
            raise RecordingFileError(f"'{path}': device {name} holds '{k}', not a grid; the file is damaged")
    for k in grid_names(g):
        b = g[k]
        n = _n_rows(b, path, f"device {name} {k}")
        width = b[SENDERS].shape
        if len(width) != 1:
            raise RecordingFileError(f"'{path}': device {name} {k} senders has shape {width}; the file is damaged")
        for c in cols:
            if c == SENDERS:
                continue
            shape = b[c].shape
            if len(shape) < 1 or (c not in TIME_COLUMNS and shape[1:] != width):
                raise RecordingFileError(f"'{path}': device {name} {k} column '{c}' has shape {shape} for "
                                         f"{width[0]} senders; the file is damaged")
            _check_length(shape[0], n, closed, path, f"device {name} {k} column '{c}'")


def _read_grids(g: H5Group, meta: dict[str, Any], path: Path, name: str, closed: bool) -> Batch:
    """A multimeter's grids (format_version 2) as rows; adds ``meta["units"]``."""
    cols = meta["columns"]
    try:
        out = grid_rows_of(g, cols, bool(meta.get("time_in_steps", False)))
    except ValueError as err:
        raise RecordingFileError(f"'{path}': device {name}: {err}; the file is damaged") from None
    grids = grid_names(g)
    meta["units"] = {c: _attr(g[grids[0]][c].attrs.get(UNIT_ATTR, "")) if grids else
                     ("ms" if c == "offsets" else "") for c in cols}
    if not grids and "times" in cols:
        meta["units"]["times"] = "steps" if meta.get("time_in_steps") else "ms"
    return out


def _read_rows(g: H5Group, meta: dict[str, Any], path: Path, name: str, closed: bool) -> Batch:
    """A device's columns up to its ``n_rows``; adds ``meta["units"]``."""
    cols = meta["columns"]
    n = _n_rows(g, path, f"device {name}")
    out = {}
    for c in cols:
        ds = g[c]
        if len(ds.shape) != 1:
            raise RecordingFileError(f"'{path}': device {name} column '{c}' has shape {ds.shape}; "
                                     "the file is damaged")
        _check_length(ds.shape[0], n, closed, path, f"device {name} column '{c}'")
        out[c] = ds[:n]
    meta["units"] = {c: _attr(g[c].attrs.get(UNIT_ATTR, "")) for c in cols}
    return out
