"""``nest.voltage_trace``: membrane potential traces from a voltmeter or multimeter."""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import BadProperty
from spikesim.plotting.traces import traces

__all__ = ["from_device"]


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
