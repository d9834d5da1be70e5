"""Plots of recorded data (matplotlib; headless-safe; every function returns its figure).

``raster`` (spikes), ``traces`` (sampled variables), ``psth`` (time histogram),
``weight_histogram`` and ``plot_recordings`` (multi-panel plans, as CompNeuroPy's
``PlotRecordings``). None of them shows a window: they return figures.
"""

from spikesim.plotting.plans import NoSpikesWarning, plot_recordings
from spikesim.plotting.psth import psth
from spikesim.plotting.raster import raster
from spikesim.plotting.traces import traces
from spikesim.plotting.weights import weight_histogram

__all__ = ["raster", "traces", "psth", "weight_histogram", "plot_recordings", "NoSpikesWarning"]
