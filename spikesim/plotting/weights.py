"""Histogram of synaptic weights (e.g. after plasticity)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from spikesim.data.checks import bad_parameter
from spikesim.plotting.figures import figure_and_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure


def weight_histogram(weights: np.ndarray, bins: int | np.ndarray = 50, density: bool = False,
                     ax: Axes | None = None, label: str | None = None, title: str | None = None,
                     xlabel: str = "Weight",
                     histtype: Literal["bar", "barstacked", "step", "stepfilled"] = "step",
                     **style: Any) -> Figure | SubFigure:
    """Histogram of ``weights``; returns the figure.

    Call it again with the same ``ax`` and another ``label`` to overlay distributions,
    as NEST's store/restore example compares weights after several runs.

    Parameters
    ----------
    weights : array of float
        Connection weights (the synapse model's unit: pA for current-based, nS for
        conductance-based models, mV for ``iaf_psc_delta``), e.g.
        ``sim.get_connections(...).get("weight")``.
    bins : int or array of float, default 50
        Number of bins, or bin edges (as ``numpy.histogram``).
    density : bool, default False
        Plot a probability density ``p(w)`` instead of counts.
    ax : matplotlib Axes, optional
        Draw into this axes; default: a new figure.
    label, title, xlabel : str, optional
        Labels (a legend is drawn when ``label`` is given); ``style`` goes to
        ``Axes.hist`` (e.g. ``lw=2``, ``alpha=0.7``).

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into.

    Raises
    ------
    BadParameter
        A weight is not finite.

    Examples
    --------
    >>> fig = weight_histogram([1.0, 1.5, 2.0], bins=2)
    >>> fig.axes[0].get_ylabel()
    'Number of connections'
    """
    w = np.asarray(weights, dtype=float).reshape(-1)
    if not np.all(np.isfinite(w)):
        raise bad_parameter("weight_histogram", "weights", w[~np.isfinite(w)][:5],
                            "weights must be finite numbers")
    fig, ax = figure_and_axes(ax)
    edges = bins if isinstance(bins, int) else np.asarray(bins, dtype=float).tolist()
    ax.hist(w, bins=edges, density=density, histtype=histtype, label=label, **style)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("p(w)" if density else "Number of connections")
    if title:
        ax.set_title(title)
    if label is not None:
        ax.legend()
    return fig
