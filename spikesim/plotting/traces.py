"""Plots of sampled state variables."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure


def traces(times: np.ndarray, senders: np.ndarray, values: np.ndarray, ylabel: str = "V_m (mV)",
           title: str | None = None, ax: Axes | None = None, legend: bool = True) -> Figure | SubFigure:
    """One line per sender of ``values`` against ``times`` (ms); returns the figure."""
    import matplotlib.pyplot as plt

    times = np.asarray(times, dtype=float)
    senders = np.asarray(senders)
    values = np.asarray(values, dtype=float)
    fig: Figure | SubFigure
    if ax is None:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
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
