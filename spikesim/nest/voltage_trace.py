"""``nest.voltage_trace``: membrane potential traces from a voltmeter or multimeter."""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import BadProperty
from spikesim.plotting.traces import traces

__all__ = ["from_device", "from_file"]


def from_device(detec: Any, neurons: Any = None, title: str | None = None, grayscale: bool = False,
                timeunit: str = "ms") -> Any:
    """Plot V_m (mV) of every recorded neuron against time (ms); returns one list of lines per
    neuron, as PyNEST does.

    Parameters
    ----------
    detec : NodeCollection
        One voltmeter or multimeter recording ``V_m``.
    neurons : NodeCollection or node ids, optional
        Plot only these neurons.
    title : str, optional
        Figure title (default "Membrane potential").
    grayscale, timeunit
        Accepted for PyNEST compatibility; ignored (times are always in ms).

    Raises
    ------
    BadProperty
        If ``detec`` is not one voltmeter/multimeter recording ``V_m``, or recorded nothing.
    """
    if len(detec) != 1 or detec.get("model") not in ("voltmeter", "multimeter"):
        raise BadProperty("voltage_trace: give one voltmeter or multimeter")
    if "V_m" not in detec.get("record_from"):
        raise BadProperty("voltage_trace: the device does not record 'V_m'")
    ev = detec.get("events")
    times = ev["times"] * (detec.table.grid.resolution if detec.get("time_in_steps") else 1.0)
    senders = ev["senders"]
    v = ev["V_m"]
    if neurons is not None:
        keep = np.isin(senders, np.asarray(getattr(neurons, "ids", neurons)))
        times, senders, v = times[keep], senders[keep], v[keep]
    if times.size == 0:
        raise BadProperty("voltage_trace: no events recorded")
    fig = traces(times, senders, v, title=title or "Membrane potential")
    return [[line] for line in fig.axes[0].get_lines()]


def _load(fname: str) -> np.ndarray:
    """The numbers of a text file: plain columns, or an ascii backend file (three header lines)."""
    try:
        return np.loadtxt(fname, ndmin=2)
    except ValueError:  # a column-name line
        return np.loadtxt(fname, skiprows=3, ndmin=2)


def from_file(fname: str | list[str] | tuple[str, ...], title: str | None = None, grayscale: bool = False) -> Any:
    """Plot membrane potentials (mV) from text file(s); returns one list of lines per neuron.

    Three columns are (sender, time in ms, V_m), as a multimeter's ascii file or
    ``numpy.savetxt`` of its events; two are (sender, V_m) and one V_m alone, plotted
    against the sample index.  Several files are concatenated in order.

    Parameters
    ----------
    fname : str or list of str
        The file(s).
    title : str, optional
        Figure title (default names the file).
    grayscale : bool
        Accepted for PyNEST compatibility; ignored.

    Raises
    ------
    BadProperty
        If the files hold more than three columns or no rows.
    """
    names = [fname] if isinstance(fname, str) else list(fname)
    data = np.concatenate([_load(f) for f in names])
    if data.size == 0 or data.shape[1] > 3:
        raise BadProperty(f"voltage_trace: {fname!r} must hold rows of 1 to 3 columns (sender, time in ms, V_m)")
    title = title or f"Membrane potential from file '{fname}'"
    if data.shape[1] == 3:
        times, senders, v = data[:, 1], data[:, 0], data[:, 2]
    else:
        senders = data[:, 0] if data.shape[1] == 2 else np.zeros(len(data))
        times = np.zeros(len(data))
        for s in np.unique(senders):  # the sample index of each neuron's values
            times[senders == s] = np.arange(np.count_nonzero(senders == s), dtype=float)
        v = data[:, -1]
    fig = traces(times, senders.astype(np.int64), v, title=title)
    return [[line] for line in fig.axes[0].get_lines()]
