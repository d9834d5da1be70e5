"""Recorded data as objects: spike events, sampled traces, the result of a run.

The data layer knows nothing of simulators, devices or files: recording fills these
objects, analysis and plotting read them, io converts them.  Columnar arrays
(``senders``, ``times``, one column per variable) are canonical; per-neuron views
are derived from them.  Modules: ``events`` (SpikeEvents), ``traces`` (Trace,
Traces), ``columnar`` (their shared base, ``default_unit``), ``neo`` (Neo
conversion), ``results`` (RunResult), ``checks`` and ``trains`` (argument handling).
"""

from __future__ import annotations

from spikesim.data.columnar import default_unit
from spikesim.data.events import SpikeEvents
from spikesim.data.results import RunResult
from spikesim.data.traces import Trace, Traces

__all__ = ["SpikeEvents", "Trace", "Traces", "RunResult", "default_unit"]
