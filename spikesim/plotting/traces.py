"""Plots of sampled state variables."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from spikesim.plotting.figures import figure_and_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure


def traces(times: np.ndarray, senders: np.ndarray, values: np.ndarray, ylabel: str = "V_m (mV)",
           title: str | None = None, ax: Axes | None = None, legend: bool = True) -> Figure | SubFigure:
    """One line per sender of ``values`` against ``times`` (ms); returns the figure.

    Parameters
    ----------
    times : array of float
        Sample times (ms).
    senders : array of int
        Node id of every sample.
    values : array of float
        The samples, in the variable's unit (name it in ``ylabel``).
    ylabel : str, default "V_m (mV)"
        Label of the value axis.
    title : str, optional
        Axes title.
    ax : matplotlib Axes, optional
        Draw into this axes; default: a new figure.
    legend : bool, default True
        Label the lines by node id (only up to 10 senders).

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into.

    Examples
    --------
    >>> fig = traces([0.1, 0.1, 0.2, 0.2], [1, 2, 1, 2], [-70.0, -65.0, -69.0, -64.0])
    >>> len(fig.axes[0].lines)
    2
    """
    times = np.asarray(times, dtype=float)
    senders = np.asarray(senders)
    values = np.asarray(values, dtype=float)
    fig, ax = figure_and_axes(ax)
    for s in np.unique(senders):
        sel = senders == s
        ax.plot(times[sel], values[sel], label=f"node {s}")
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if legend and np.unique(senders).size <= 10:
        ax.legend()
    return fig
