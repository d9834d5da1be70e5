"""The core: :class:`Simulator`, the front object composed of the kernel's parts."""

from __future__ import annotations

from spikesim.core.simulator import Simulator

__all__ = ["Simulator"]
