"""array_input: a current generator that plays one value per time step from an array.

Each node holds ``amplitudes`` (pA, one per step) and sends ``amplitudes[k]`` in the
step that starts at ``origin + start + k h``; nothing before, after the last value, or
from ``stop`` on (the steps ``s`` with ``origin + start <= s h < origin + stop``).  A
current sent in step ``s`` over a connection with a delay of ``d`` steps arrives for
step ``s + d``; when it acts depends on the target (``qif`` and ``izhikevich2007``: in
that step; NEST's models: in the step after).

A (steps x N) input matrix is ``N`` nodes, column ``j`` in node ``j``, connected
``one_to_one`` to ``N`` neurons.  The values are kept as an :class:`AmplitudeTable`
(a tuple of floats that also holds them as a read-only array), so the kernel slices
them without converting per time slice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from spikesim.errors import bad_property
from spikesim.models.generators import CurrentGenerator


class AmplitudeTable(tuple):
    """An immutable sequence of amplitudes (pA) with a read-only float64 ``array`` view."""

    array: np.ndarray
    window_key: tuple[float, ...] | None = None
    window: tuple[int, int] = (0, 0)

    def __new__(cls, values: Iterable[float] | np.ndarray) -> AmplitudeTable:
        arr = np.array(values, dtype=np.float64).ravel()
        self = super().__new__(cls, arr.tolist())
        arr.setflags(write=False)
        self.array = arr
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (AmplitudeTable, (tuple(self),))


def _table(owner: str, p: dict[str, Any]) -> AmplitudeTable:
    a = p["amplitudes"]
    if isinstance(a, AmplitudeTable):
        return a
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise bad_property(owner, "amplitudes", a, "give a 1-d sequence of numbers (pA, one per step)") \
            from None
    if arr.ndim != 1:
        raise bad_property(owner, "amplitudes", a if arr.ndim == 0 else f"array of shape {arr.shape}",
                           "give a 1-d sequence of numbers (pA, one per step); a (steps x N) input is N "
                           "array_input nodes, one column each")
    if not np.isfinite(arr).all():
        raise bad_property(owner, "amplitudes", float(arr[~np.isfinite(arr)][0]), "values must be finite")
    return AmplitudeTable(arr)


class ArrayInput(CurrentGenerator):
    """A current generator playing ``amplitudes`` (pA), one value per time step; recordable ``I`` (pA)."""

    name = "array_input"
    params = {**CurrentGenerator.params, "amplitudes": ()}
    recordables = ("I",)
    units = {"I": "pA"}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's parameters (times in ms, on the grid of ``h`` ms).

        Raises
        ------
        BadProperty
            When a parameter is out of range or off the time grid.
        """
        super().check_node(p, h)
        # normalised in place: later slices slice the array without converting it
        p["amplitudes"] = _table(cls.name, p)

    @classmethod
    def amplitudes(cls, p: dict[str, Any], h: float, s0: int, m: int) -> np.ndarray:
        """Current (pA) sent in the steps ``s0 .. s0+m-1``."""
        table = p["amplitudes"]
        if not isinstance(table, AmplitudeTable):  # set() stores plain tuples
            table = p["amplitudes"] = _table(cls.name, p)
        arr = table.array
        key = (p["origin"], p["start"], p["stop"], h)
        if table.window_key != key:  # the window is cached: this runs once per node and slice
            table.window_key = key
            table.window = cls.window(p, h)
        lo, hi = table.window
        out = np.zeros(m)
        # steps s in [lo, hi) with 0 <= s - lo < len(arr)
        a = max(s0, lo)
        b = min(s0 + m, hi, lo + arr.size)
        if b > a:
            out[a - s0:b - s0] = arr[a - lo:b - lo]
        return out

    @classmethod
    def prepare_many(cls, nodes: list[dict[str, Any]], h: float) -> Any:
        """All nodes' values as one (longest table x nodes) matrix and their windows."""
        tables = []
        for p in nodes:
            if not isinstance(p["amplitudes"], AmplitudeTable):
                p["amplitudes"] = _table(cls.name, p)
            tables.append(p["amplitudes"].array)
        n = len(tables)
        longest = max((t.size for t in tables), default=0)
        values = np.zeros((max(longest, 1), n))
        for j, t in enumerate(tables):
            values[:t.size, j] = t
        windows = np.array([cls.window(p, h) for p in nodes], dtype=np.int64).reshape(n, 2)
        lengths = np.array([t.size for t in tables], dtype=np.int64)
        return values, windows[:, 0], windows[:, 1], lengths

    @classmethod
    def amplitudes_many(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:
        """:meth:`amplitudes` for every node at once: one numpy expression per slice."""
        values, lo, hi, lengths = prepared
        s = np.arange(s0, s0 + m)[:, None]
        k = s - lo[None, :]
        valid = (s >= lo) & (s < hi) & (k < lengths) & (k >= 0)
        picked = values[np.clip(k, 0, values.shape[0] - 1), np.arange(values.shape[1])[None, :]]
        return np.where(valid, picked, 0.0)
