"""Recorded data as objects: spike events, sampled traces, the result of a run.

The data layer knows nothing of simulators, devices or files: recording fills these
objects, analysis and plotting read them, io converts them.  Columnar arrays
(``senders``, ``times``, one column per variable) are canonical; per-neuron views
are derived from them.
"""

from __future__ import annotations

from spikesim.data.events import SpikeEvents, Trace, Traces
from spikesim.data.results import RunResult

__all__ = ["SpikeEvents", "Trace", "Traces", "RunResult"]
