"""Plots of recorded data (matplotlib; headless-safe; every function returns its figure).

``raster`` (spikes), ``traces`` (sampled variables), ``psth`` (time histogram),
``weight_histogram`` and ``plot_recordings`` (multi-panel plans, as CompNeuroPy's
``PlotRecordings``). None of them shows a window: they return figures.
"""

from .plans import NoSpikesWarning, plot_recordings
from .psth import psth
from .raster import raster
from .traces import traces
from .weights import weight_histogram

__all__ = ["raster", "traces", "psth", "weight_histogram", "plot_recordings", "NoSpikesWarning"]
