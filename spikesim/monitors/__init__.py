"""The chunked-recording face (CompNeuroPy's ``CompNeuroMonitors``)."""

from __future__ import annotations

from spikesim.monitors.monitors import Monitors, PlotRecordings, RecordingTimes

__all__ = ["Monitors", "PlotRecordings", "RecordingTimes"]
