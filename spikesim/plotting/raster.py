"""Raster plot of spike events, with an optional time histogram below it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from spikesim._optional import require
from spikesim.analysis import TIME_TOL, time_histogram
from spikesim.errors import BadParameter

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure


def _panels(fig: Figure | SubFigure | None, ax: Axes | None, hist: bool
            ) -> tuple[Figure | SubFigure, Axes, Axes | None]:
    """The figure, the raster's axes and the histogram's (None without ``hist``)."""
    require("matplotlib", feature="plotting")
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax, None
    out = fig if fig is not None else plt.figure()
    if not hist:
        return out, out.add_subplot(111), None
    ax1 = out.add_axes((0.1, 0.3, 0.85, 0.6))
    return out, ax1, out.add_axes((0.1, 0.1, 0.85, 0.17), sharex=ax1)


def _rate_panel(ax: Axes, senders: np.ndarray, times: np.ndarray, b: float, xlabel: str) -> None:
    """Population rate (spikes/s per neuron that spiked) in bins of ``b`` ms, as bars."""
    # first edge strictly below the first spike, since bins are (left, right]
    lo, hi = (times.min() - TIME_TOL, times.max() - TIME_TOL) if times.size else (0.0, 0.0)
    t0 = float(np.ceil(lo / b) * b - b)
    t1 = float(max(np.ceil(hi / b) * b, t0 + b))
    h = time_histogram(times, b, t0, t1, n_neurons=max(np.unique(senders).size, 1))
    ax.bar(h.bin_starts, h.rate, width=b, align="edge", color="gray", edgecolor="black")
    ax.set_ylabel("Rate (Hz)")
    ax.set_xlabel(xlabel)


def raster(senders: np.ndarray, times: np.ndarray, hist: bool = False, hist_binwidth: float = 5.0,
           title: str | None = None, xlabel: str = "Time (ms)", fig: Figure | None = None,
           ax: Axes | None = None, **style: Any) -> Figure | SubFigure:
    """Plot spike times (ms) against sender ids; return the figure.

    Parameters
    ----------
    senders : array of int
        Node id of every spike.
    times : array of float
        Time of every spike (ms).
    hist : bool, default False
        Add a panel below with the population rate (spikes/s per neuron that spiked)
        in bins of ``hist_binwidth`` ms, labelled by their left edge and covering
        ``(left, left + hist_binwidth]`` (see ``spikesim.analysis.time_histogram``).
    hist_binwidth : float, default 5.0
        Bin width (ms) of the histogram.
    title, xlabel : str, optional
        Labels; ``style`` goes to ``Axes.plot`` (``marker``, ``markersize`` ...).
    fig : matplotlib Figure, optional
        Draw into this figure; default: a new one.
    ax : matplotlib Axes, optional
        Draw the raster into this axes (then ``hist`` must be False).

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into (``ax``'s figure when ``ax`` is given).

    Raises
    ------
    BadParameter
        ``hist=True`` together with ``ax``.

    Examples
    --------
    >>> fig = raster([1, 2, 1], [1.0, 2.0, 3.0])
    >>> fig.axes[0].get_ylabel()
    'Neuron ID'
    """
    require("matplotlib", feature="plotting")
    import matplotlib.pyplot as plt

    senders = np.asarray(senders)
    times = np.asarray(times, dtype=float)
    if ax is not None and hist:
        raise BadParameter("raster: parameter 'hist' = True is not allowed together with 'ax'; "
                           "the histogram needs its own panel: pass fig=... instead of ax=...")
    out, ax1, ax2 = _panels(fig, ax, hist)
    ax1.plot(times, senders, style.pop("marker", "."), markersize=style.pop("markersize", 2), **style)
    ax1.set_ylabel("Neuron ID")
    if title:
        ax1.set_title(title)
    if ax2 is not None:
        plt.setp(ax1.get_xticklabels(), visible=False)
        _rate_panel(ax2, senders, times, hist_binwidth, xlabel)
    else:
        ax1.set_xlabel(xlabel)
    return out
