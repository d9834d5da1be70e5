"""Figure and axes handling shared by the plot functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spikesim._optional import require

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

__all__ = ["figure_and_axes"]


def figure_and_axes(ax: Axes | None) -> tuple[Figure | SubFigure, Axes]:
    """``ax`` and the figure it is in; a new figure with one axes when ``ax`` is None.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        The axes a plot function was asked to draw into.

    Returns
    -------
    (Figure or SubFigure, Axes)
        The figure to return to the caller and the axes to draw into.
    """
    require("matplotlib", feature="plotting")
    import matplotlib.pyplot as plt

    if ax is None:
        fig, new = plt.subplots()
        return fig, new
    return ax.figure, ax
