"""Raster plot of spike events, with an optional time histogram below it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from spikesim.analysis import TIME_TOL, time_histogram
from spikesim.errors import BadParameter

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure


def raster(senders: np.ndarray, times: np.ndarray, hist: bool = False, hist_binwidth: float = 5.0,
           title: str | None = None, xlabel: str = "Time (ms)", fig: Figure | None = None,
           ax: Axes | None = None, **style: Any) -> Figure | SubFigure:
    """Plot spike times (ms) against sender ids; return the figure.

    With ``hist=True`` a second panel shows the population rate (spikes/s per neuron
    that spiked) in bins of ``hist_binwidth`` ms, labelled by their left edge and
    covering ``(left, left + hist_binwidth]`` (see ``spikesim.analysis.time_histogram``).
    ``ax`` draws the raster into an existing axes (then ``hist`` must be False).
    """
    import matplotlib.pyplot as plt

    senders = np.asarray(senders)
    times = np.asarray(times, dtype=float)
    if ax is not None and hist:
        raise BadParameter("raster: parameter 'hist' = True is not allowed together with 'ax'; "
                           "the histogram needs its own panel: pass fig=... instead of ax=...")
    if ax is not None:
        out, ax1 = ax.figure, ax
    else:
        out = fig if fig is not None else plt.figure()
        if hist:
            ax1 = out.add_axes((0.1, 0.3, 0.85, 0.6))
            ax2 = out.add_axes((0.1, 0.1, 0.85, 0.17), sharex=ax1)
        else:
            ax1 = out.add_subplot(111)
    ax1.plot(times, senders, style.pop("marker", "."), markersize=style.pop("markersize", 2), **style)
    ax1.set_ylabel("Neuron ID")
    if title:
        ax1.set_title(title)
    if hist:
        plt.setp(ax1.get_xticklabels(), visible=False)
        b = hist_binwidth
        # first edge strictly below the first spike, since bins are (left, right]
        lo, hi = (times.min() - TIME_TOL, times.max() - TIME_TOL) if times.size else (0.0, 0.0)
        t0 = float(np.ceil(lo / b) * b - b)
        t1 = float(max(np.ceil(hi / b) * b, t0 + b))
        h = time_histogram(times, b, t0, t1, n_neurons=max(np.unique(senders).size, 1))
        ax2.bar(h.bin_starts, h.rate, width=b, align="edge", color="gray", edgecolor="black")
        ax2.set_ylabel("Rate (Hz)")
        ax2.set_xlabel(xlabel)
    else:
        ax1.set_xlabel(xlabel)
    return out
