"""``nest.raster_plot``: raster plots from spike recorders or their ascii files.

Spike times are in ms; a recorder with ``time_in_steps`` is converted with the resolution.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from spikesim._optional import require
from spikesim.errors import BadProperty
from spikesim.plotting.raster import raster

__all__ = ["extract_events", "from_data", "from_device", "from_file", "from_file_data", "from_file_numpy",
           "from_file_pandas"]


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
    """Raster plot of the events in spike_recorder ascii file(s) (concatenated in file
    order, times in ms); returns the plotted lines.

    Raises
    ------
    OSError
        If a file cannot be read.
    """
    senders, times = from_file_data(fname)
    kwargs.setdefault("hist", True)
    return _lines(raster(senders, times, **kwargs))


def from_file_numpy(fname: Iterable[str], **kwargs: Any) -> Any:
    """:func:`from_file` for a list of files, read with numpy (PyNEST's name)."""
    return from_file(list(fname) if not isinstance(fname, str) else fname, **kwargs)


def from_file_pandas(fname: Iterable[str], **kwargs: Any) -> Any:
    """:func:`from_file` for a list of files, read with pandas (PyNEST's name): columns
    sender and time (ms) after the three header lines.

    Raises
    ------
    ImportError
        If pandas is not installed.
    """
    pandas = require("pandas", feature="reading ascii files with pandas")
    names = [fname] if isinstance(fname, str) else list(fname)
    parts = [pandas.read_table(f, header=2, skipinitialspace=True).to_numpy()[:, :2] for f in names]
    data = np.concatenate(parts) if parts else np.zeros((0, 2))
    return from_data(data, **kwargs)


def extract_events(data: np.ndarray, time: list[float] | None = None, sel: Iterable[int] | None = None) -> np.ndarray:
    """The rows (sender, time in ms, ...) of ``data`` inside a time window and from chosen senders.

    Parameters
    ----------
    data : array of shape (n, >= 2)
        Sender ids in column 0, times (ms) in column 1.
    time : list of float, optional
        ``[t_max]``: rows with ``t < t_max``; ``[t_min, t_max]``: ``t_min <= t < t_max``
        (ms); none or empty: every time >= 0.
    sel : iterable of int, optional
        Keep only these senders (none or empty: all).

    Returns
    -------
    numpy.ndarray
        The selected rows, in their order.
    """
    data = np.asarray(data)
    if data.size == 0:
        return np.zeros((0, *data.shape[1:]))
    t_min, t_max = 0.0, float("inf")
    if time:
        t_max = time[-1]
        t_min = time[0] if len(time) > 1 else 0.0
    keep = (data[:, 1] >= t_min) & (data[:, 1] < t_max)
    chosen = list(sel) if sel is not None else []
    if chosen:
        keep &= np.isin(data[:, 0], chosen)
    return data[keep]


def from_data(data: np.ndarray, sel: Iterable[int] | None = None, **kwargs: Any) -> Any:
    """Raster plot of an array with columns (sender, time in ms), optionally only the senders
    ``sel``; returns the plotted lines.

    Raises
    ------
    BadProperty
        If no event is left to plot.
    """
    data = np.asarray(data)
    if sel is not None:
        data = extract_events(data, sel=sel)
    if data.size == 0:
        raise BadProperty("raster_plot: no events to plot")
    kwargs.setdefault("hist", True)
    return _lines(raster(data[:, 0], data[:, 1], **kwargs))
