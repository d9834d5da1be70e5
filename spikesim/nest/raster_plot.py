"""``nest.raster_plot``: raster plots from spike recorders or their ascii files."""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import BadProperty
from spikesim.plotting.raster import raster


def _events(detec: Any) -> tuple[np.ndarray, np.ndarray]:
    if detec.get("model") != "spike_recorder" if len(detec) == 1 else True:
        raise BadProperty("raster_plot: give one spike_recorder")
    if detec.get("record_to") == "ascii":
        return from_file_data(detec.get("filenames"))
    ev = detec.get("events")
    times = ev["times"]
    if detec.get("time_in_steps"):
        times = times * detec.table.grid.resolution
    return ev["senders"], times


def from_file_data(fnames: Any) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(fnames, str):
        fnames = [fnames]
    data = [np.loadtxt(f, skiprows=3, ndmin=2) for f in fnames]
    data = np.concatenate([d for d in data if d.size]) if any(d.size for d in data) else np.zeros((0, 2))
    return data[:, 0].astype(np.int64), data[:, 1]


def from_device(detec: Any, **kwargs: Any):
    """Raster plot of a spike_recorder's events (memory or ascii); returns the figure."""
    senders, times = _events(detec)
    if times.size == 0:
        raise BadProperty("raster_plot: no events recorded")
    return raster(senders, times, **kwargs)


def from_file(fname: Any, **kwargs: Any):
    senders, times = from_file_data(fname)
    return raster(senders, times, **kwargs)


def from_data(data: np.ndarray, **kwargs: Any):
    data = np.asarray(data)
    return raster(data[:, 0], data[:, 1], **kwargs)
