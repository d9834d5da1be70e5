"""``nest.math``: functions of parameters, applied value by value when the parameter is drawn."""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.network.parameters import Mapped, Parameter, Redraw, as_parameter

__all__ = ["cos", "exp", "max", "min", "redraw", "sin"]


def exp(parameter: Any) -> Parameter:
    """``e ** value`` of each drawn value.

    Raises
    ------
    TypeError
        If ``parameter`` is neither a Parameter nor a number.
    """
    return Mapped(np.exp, as_parameter(parameter), "exp")


def sin(parameter: Any) -> Parameter:
    """Sine of each drawn value (radians).

    Raises
    ------
    TypeError
        If ``parameter`` is neither a Parameter nor a number.
    """
    return Mapped(np.sin, as_parameter(parameter), "sin")


def cos(parameter: Any) -> Parameter:
    """Cosine of each drawn value (radians).

    Raises
    ------
    TypeError
        If ``parameter`` is neither a Parameter nor a number.
    """
    return Mapped(np.cos, as_parameter(parameter), "cos")


def min(parameter: Any, value: float) -> Parameter:  # noqa: A001 - NEST's name
    """Each drawn value, capped at ``value`` from above.

    Raises
    ------
    TypeError
        If ``parameter`` is neither a Parameter nor a number.
    """
    return Mapped(np.minimum, as_parameter(parameter), "min", float(value))


def max(parameter: Any, value: float) -> Parameter:  # noqa: A001 - NEST's name
    """Each drawn value, raised to at least ``value``.

    Raises
    ------
    TypeError
        If ``parameter`` is neither a Parameter nor a number.
    """
    return Mapped(np.maximum, as_parameter(parameter), "max", float(value))


def redraw(parameter: Any, min: float, max: float) -> Parameter:  # noqa: A002 - NEST's names
    """Values of ``parameter`` inside ``[min, max]``: values outside are drawn again.

    Raises
    ------
    BadProperty
        If ``max < min``.
    """
    return Redraw(as_parameter(parameter), min, max)
