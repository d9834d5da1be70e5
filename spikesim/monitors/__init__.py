"""The chunked-recording face (CompNeuroPy's ``CompNeuroMonitors``)."""

from __future__ import annotations

from spikesim.monitors.monitors import Monitors
from spikesim.monitors.plots import PlotRecordings
from spikesim.monitors.times import RecordingTimes

__all__ = ["Monitors", "PlotRecordings", "RecordingTimes"]
