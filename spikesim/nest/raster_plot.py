"""``nest.raster_plot``: raster plots from spike recorders or their ascii files.

Spike times are in ms; a recorder with ``time_in_steps`` is converted with the resolution.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from spikesim.errors import BadProperty
from spikesim.plotting.raster import raster

__all__ = ["from_data", "from_device", "from_file", "from_file_data"]


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


def from_file_data(fnames: str | Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Senders and spike times (ms) read from spike_recorder ascii files (3 header lines).

    Parameters
    ----------
    fnames : str or iterable of str
        One file or several; their events are concatenated in file order.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Sender ids (int64) and times (ms).
    """
    if isinstance(fnames, str):
        fnames = [fnames]
    parts = [np.loadtxt(f, skiprows=3, ndmin=2) for f in fnames]
    data = np.concatenate([d for d in parts if d.size]) if any(d.size for d in parts) else np.zeros((0, 2))
    return data[:, 0].astype(np.int64), data[:, 1]


def _lines(fig: Any) -> list[Any]:
    """What PyNEST's raster functions return: the Line2D objects of the raster dots."""
    return list(fig.axes[0].get_lines())


def from_device(detec: Any, **kwargs: Any) -> Any:
    """Raster plot of a spike_recorder's events (memory or ascii), with a rate histogram
    unless ``hist=False``; returns the list of plotted lines, as PyNEST does.

    Parameters
    ----------
    detec : NodeCollection
        One spike_recorder.
    **kwargs
        Passed to :func:`spikesim.plotting.raster.raster` (``title``, ``hist`` ...).

    Raises
    ------
    BadProperty
        If ``detec`` is not one spike_recorder or recorded no events.
    """
    senders, times = _events(detec)
    if times.size == 0:
        raise BadProperty("raster_plot: no events recorded")
    kwargs.setdefault("hist", True)
    return _lines(raster(senders, times, **kwargs))


def from_file(fname: str | Iterable[str], **kwargs: Any) -> Any:
    """Raster plot of the events in spike_recorder ascii file(s); returns the plotted lines."""
    senders, times = from_file_data(fname)
    kwargs.setdefault("hist", True)
    return _lines(raster(senders, times, **kwargs))


def from_data(data: np.ndarray, **kwargs: Any) -> Any:
    """Raster plot of an array with columns (sender, time in ms); returns the plotted lines."""
    data = np.asarray(data)
    kwargs.setdefault("hist", True)
    return _lines(raster(data[:, 0], data[:, 1], **kwargs))
