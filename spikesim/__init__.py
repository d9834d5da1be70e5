"""spikesim: a simulator of spiking point-neuron networks whose strength is recording.

The object API is the core::

    import spikesim
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create("iaf_psc_delta", 100, {"I_e": 400.0})
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    sim.simulate(100.0)
    sr.get("events")

``spikesim.nest`` offers the same simulator with PyNEST's names.
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import analysis, errors, io
from .kernel.simulator import Simulator
from .models import models
from .monitors import Monitors
from .network.nodes import NodeCollection
from .network.parameters import exponential, lognormal, normal, uniform
from .recording.backends import recording_backends as _recording_backends
from .recording.observer import Observer

recording_backends = _recording_backends()

__all__ = ["Simulator", "NodeCollection", "Monitors", "Observer", "models", "errors", "recording_backends",
           "normal", "uniform", "lognormal", "exponential", "__version__"]
