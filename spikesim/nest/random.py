"""``nest.random``: random parameters drawn per node or per connection.

Values are in the units of the parameter they are given for (mV, ms, pA, nS).
"""

from __future__ import annotations

from spikesim.network.parameters import (
           Exponential,
           Lognormal,
           Normal,
           Parameter,
           Uniform,
           UniformInt,
           exponential,
           lognormal,
           normal,
           uniform,
           uniform_int,
)

__all__ = ["Exponential", "Lognormal", "Normal", "Parameter", "Uniform", "UniformInt", "exponential", "lognormal",
           "normal", "uniform", "uniform_int"]
