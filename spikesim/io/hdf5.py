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
    LAYOUT_ATTR,
    N_ROWS,
    UNIT_ATTR,
    Batch,
    H5Group,
    grid_names,
    grid_rows_of,
)


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


def read(path: str | Path, retries: int = 5) -> Recording:
    """Read every device of an hdf5 recording file up to the writer's last flush.

    Parameters
    ----------
    path : str or Path
        A file written by the ``hdf5`` recording backend.
    retries : int
        Attempts (50 ms apart) when the file is momentarily unreadable because its
        writer is laying out new devices between two ``simulate`` calls.
    """
    import h5py
    path = Path(path)
    last: Exception | None = None
    for _ in range(max(1, retries)):
        try:
            with h5py.File(path, "r", swmr=True, locking=False) as f:
                return _read_open(f, path)
        except (OSError, KeyError, RuntimeError) as err:
            if isinstance(err, FileNotFoundError):
                raise
            last = err
            time.sleep(0.05)
    raise RecordingFileError(f"cannot read the recording '{path}' after {retries} attempts: {last}")


def _read_open(f: H5Group, path: Path) -> Recording:
    fmt = f.attrs.get("format")
    if fmt != FORMAT:
        raise RecordingFileError(f"'{path}' is not a spikesim recording (format attribute {fmt!r}, "
                                 f"expected '{FORMAT}')")
    version = int(f.attrs["format_version"])
    if version > FORMAT_VERSION:
        raise RecordingFileError(f"'{path}' has format_version {version}; this spikesim reads versions "
                                 f"up to {FORMAT_VERSION}: upgrade spikesim")
    attrs = {k: _attr(v) for k, v in f.attrs.items()}
    devices: dict[int, dict[str, Any]] = {}
    events: dict[int, Batch] = {}
    for name in sorted(f[DEVICES], key=int):
        g = f[DEVICES][name]
        meta = {k: _attr(v) for k, v in g.attrs.items()}
        read_device = _read_grids if meta.get(LAYOUT_ATTR) == GRID_LAYOUT else _read_rows
        events[int(name)] = read_device(g, meta, path, name)
        devices[int(name)] = meta
    return Recording(attrs, devices, events)


def _read_grids(g: H5Group, meta: dict[str, Any], path: Path, name: str) -> Batch:
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


def _read_rows(g: H5Group, meta: dict[str, Any], path: Path, name: str) -> Batch:
    """A device's columns up to its ``n_rows``; adds ``meta["units"]``."""
    cols = meta["columns"]
    n = int(g[N_ROWS][0])
    out = {}
    for c in cols:
        ds = g[c]
        if ds.shape[0] < n:
            raise RecordingFileError(f"'{path}': device {name} column '{c}' has {ds.shape[0]} rows "
                                     f"but n_rows says {n}; the file is damaged")
        out[c] = ds[:n]
    meta["units"] = {c: _attr(g[c].attrs.get(UNIT_ATTR, "")) for c in cols}
    return out
