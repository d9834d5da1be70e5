"""Raster plot of spike events, with an optional time histogram below it."""

from __future__ import annotations

from typing import Any

import numpy as np


def raster(senders: np.ndarray, times: np.ndarray, hist: bool = False, hist_binwidth: float = 5.0,
           title: str | None = None, xlabel: str = "Time (ms)", fig: Any = None, **style: Any):
    """Plot spike times (ms) against sender ids; return the figure.

    With ``hist=True`` a second panel shows the population rate (spikes/s per neuron)
    in bins of ``hist_binwidth`` ms, labelled by their left edge.
    """
    import matplotlib.pyplot as plt

    senders = np.asarray(senders)
    times = np.asarray(times, dtype=float)
    if fig is None:
        fig = plt.figure()
    if hist:
        ax1 = fig.add_axes([0.1, 0.3, 0.85, 0.6])
        ax2 = fig.add_axes([0.1, 0.1, 0.85, 0.17], sharex=ax1)
    else:
        ax1 = fig.add_subplot(111)
    ax1.plot(times, senders, style.pop("marker", "."), markersize=style.pop("markersize", 2), **style)
    ax1.set_ylabel("Neuron ID")
    if title:
        ax1.set_title(title)
    if hist:
        plt.setp(ax1.get_xticklabels(), visible=False)
        t0 = float(np.floor(times.min())) if times.size else 0.0
        t1 = float(np.ceil(times.max())) if times.size else hist_binwidth
        edges = np.arange(t0, t1 + hist_binwidth, hist_binwidth)
        counts, _ = np.histogram(times, edges)
        n_neurons = max(np.unique(senders).size, 1)
        ax2.bar(edges[:-1], counts / n_neurons / (hist_binwidth / 1000.0), width=hist_binwidth,
                align="edge", color="gray", edgecolor="black")
        ax2.set_ylabel("Rate (Hz)")
        ax2.set_xlabel(xlabel)
    else:
        ax1.set_xlabel(xlabel)
    return fig
