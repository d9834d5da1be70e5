"""The step-loop face (rectipy's ``Network.run`` and ``Observer``).

Importing it binds :meth:`spikesim.Simulator.run` to :func:`run`.
"""

from __future__ import annotations

from spikesim.core.simulator import register_step_loop
from spikesim.observer.observer import Observer
from spikesim.observer.runner import run

register_step_loop(run)

__all__ = ["Observer", "run"]
