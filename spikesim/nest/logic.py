"""``nest.logic``: choosing between parameters value by value."""

from __future__ import annotations

from typing import Any

from spikesim.network.parameters import Conditional, Parameter, as_parameter

__all__ = ["conditional"]


def conditional(condition: Any, param_if_true: Any, param_if_false: Any) -> Parameter:
    """Where ``condition`` draws non-zero, ``param_if_true``'s value, else ``param_if_false``'s.

    Raises
    ------
    TypeError
        If an argument is neither a Parameter nor a number.
    """
    return Conditional(as_parameter(condition), as_parameter(param_if_true), as_parameter(param_if_false))
