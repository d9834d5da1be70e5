"""Peri-stimulus / population time histogram (PSTH) of spike times."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from spikesim.analysis import TIME_TOL, time_histogram
from spikesim.data.checks import bad_parameter
from spikesim.plotting.figures import figure_and_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

_YLABELS = {"rate": "Rate (spikes/s per neuron)", "counts": "Spikes per bin"}


def _check(output: str, bin_size: float) -> None:
    """Raise unless ``output`` is known and ``bin_size`` (ms) a positive, finite time."""
    if output not in _YLABELS:
        raise bad_parameter("psth", "output", output, f"it must be one of {sorted(_YLABELS)}")
    if not (bin_size > 0) or not math.isfinite(bin_size):
        raise bad_parameter("psth", "bin_size", bin_size, "it must be a positive, finite time in ms")


def _default_stop(times: np.ndarray, t_start: float, bin_size: float) -> float:
    """The first bin edge (ms) at or after the last spike, at least one bin after ``t_start``."""
    last = float(times.max()) if times.size else t_start
    return t_start + bin_size * max(math.ceil((last - t_start - TIME_TOL) / bin_size), 1)


def psth(times: np.ndarray, bin_size: float = 5.0, t_start: float = 0.0, t_stop: float | None = None,
         n_neurons: int = 1, output: str = "rate", ax: Axes | None = None, title: str | None = None,
         xlabel: str = "Time (ms)", **style: Any) -> Figure | SubFigure:
    """Bar plot of a time histogram of ``times`` (ms); returns the figure.

    Bins are labelled by their left edge and cover ``(left, left + bin_size]``, as
    :func:`spikesim.analysis.time_histogram` computes them.

    Parameters
    ----------
    times : array of float
        Spike times (ms), all neurons pooled.
    bin_size : float, default 5.0
        Bin width (ms).
    t_start : float, default 0.0
        Left edge of the first bin (ms).
    t_stop : float, optional
        Right edge of the last bin (ms); default: the first bin edge at or after the
        last spike.
    n_neurons : int, default 1
        Neurons the times come from (``output="rate"`` is per neuron).
    output : {"rate", "counts"}, default "rate"
        Spikes/s per neuron, or spikes per bin.
    ax : matplotlib Axes, optional
        Draw into this axes; default: a new figure.
    title, xlabel : str, optional
        Labels; ``style`` goes to ``Axes.bar``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into.

    Raises
    ------
    BadParameter
        ``output`` is unknown, ``bin_size`` is not a positive finite time, or the
        window or ``n_neurons`` are rejected by :func:`spikesim.analysis.time_histogram`.

    Examples
    --------
    >>> fig = psth([1.0, 5.0, 7.0], bin_size=5.0, n_neurons=2)
    >>> [float(bar.get_height()) for bar in fig.axes[0].patches]  # spikes/s per neuron
    [200.0, 100.0]
    """
    _check(output, bin_size)
    times = np.asarray(times, dtype=float).reshape(-1)
    if t_stop is None:
        t_stop = _default_stop(times, t_start, bin_size)
    h = time_histogram(times, bin_size, t_start, t_stop, n_neurons)
    fig, ax = figure_and_axes(ax)
    style = {"color": "gray", "edgecolor": "black", **style}
    ax.bar(h.bin_starts, h.rate if output == "rate" else h.counts, width=bin_size, align="edge", **style)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(_YLABELS[output])
    ax.set_xlim(t_start, t_stop)
    if title:
        ax.set_title(title)
    return fig
