"""The columnar base of spikesim's data objects, and the units of recordables.

Columnar arrays are canonical (NEST's ``events`` dict, Brian2's ``i``/``t``):
:class:`ColumnarEvents` holds ``senders`` (node ids), ``times`` (ms) and a
``segment`` index per row; :class:`~spikesim.data.events.SpikeEvents` and
:class:`~spikesim.data.traces.Traces` build on it. Per-neuron views, pandas frames
and Neo blocks are derived from the columns on request and never stored.

A *segment* (Neo's name; CompNeuroPy calls it a chunk) is one stretch of recording
between resets; times of different segments may restart at 0. Time windows
``(t_start, t_stop]`` (ms) exclude their start and include their stop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike

from spikesim._optional import require
from spikesim.data.checks import as_ids, bad_parameter, check_window, window_mask
from spikesim.data.neo import new_block
from spikesim.errors import BadParameter
from spikesim.models import NODE_MODELS
from spikesim.models.units import unit_of

__all__ = ["ColumnarEvents", "default_unit", "times_ms", "frozen", "INDEX_COLUMNS"]

#: columns of an events dict that are not recorded variables
INDEX_COLUMNS = ("senders", "times", "offsets", "segment")


def default_unit(variable: str) -> str:
    """The unit the installed models declare for a recordable.

    Looks ``variable`` up in the ``units`` of every model of
    :data:`spikesim.models.NODE_MODELS` (via :func:`spikesim.models.units.unit_of`).
    A name no model gives a unit, or that models give different units (``v`` is
    mV in ``izhikevich2007`` but dimensionless in ``qif``), is ``"dimensionless"``:
    pass ``units=`` to :class:`~spikesim.data.traces.Traces` then.

    Parameters
    ----------
    variable : str
        A recordable's name, e.g. ``"V_m"``.

    Returns
    -------
    str
        Its unit (``"mV"``, ``"pA"``, ``"nS"``, ``"ms"`` ...) or ``"dimensionless"``.

    Examples
    --------
    >>> default_unit("V_m"), default_unit("I_syn_ex"), default_unit("Act_m")
    ('mV', 'pA', 'dimensionless')
    """
    declared = {unit_of(variable, [m]) for m in NODE_MODELS.values() if variable in m.units}
    unit = declared.pop() if len(declared) == 1 else "dimensionless" if declared else unit_of(variable)
    return unit or "dimensionless"  # id columns ("") have no unit


def times_ms(owner: str, events: Mapping[str, Any], resolution: float | None) -> np.ndarray:
    """The ``times`` of an events dict in ms.

    Events recorded with ``time_in_steps`` carry steps and ``offsets`` (ms); they are
    converted with ``resolution`` (ms).

    Raises
    ------
    BadParameter
        The events are in steps and ``resolution`` is missing.
    """
    times = np.asarray(events["times"])
    if "offsets" not in events:
        return times.astype(np.float64, copy=False)
    if resolution is None:
        raise bad_parameter(owner, "resolution", None, "the events were recorded with time_in_steps "
                            "(they have 'offsets'); pass the simulation resolution in ms, "
                            "e.g. resolution=sim.resolution")
    return times * float(resolution) - np.asarray(events["offsets"], dtype=np.float64)


def frozen(a: ArrayLike) -> np.ndarray:
    """A read-only copy of ``a``: the columns of a data object never change."""
    out = np.array(a, copy=True)
    out.setflags(write=False)
    return out


def segment_column(owner: str, segment: int | ArrayLike, n: int) -> tuple[np.ndarray, set[int]]:
    """The segment index of every one of ``n`` rows and the set of segments declared.

    Raises
    ------
    BadParameter
        ``segment`` is neither one integer >= 0 nor one per row.
    """
    seg = np.asarray(segment)
    if seg.ndim == 0:
        if not np.issubdtype(seg.dtype, np.integer) or int(seg) < 0:
            raise bad_parameter(owner, "segment", segment, "it must be an integer >= 0")
        return np.full(n, int(seg), dtype=np.int64), {int(seg)}
    if seg.shape != (n,) or (n and (not np.issubdtype(seg.dtype, np.integer) or seg.min() < 0)):
        raise bad_parameter(owner, "segment", f"array of shape {seg.shape}",
                            f"give one integer >= 0, or one per event ({n})")
    seg = seg.astype(np.int64, copy=False)
    return seg, {int(s) for s in np.unique(seg)}


class ColumnarEvents:
    """Columns shared by spike events and traces: senders, times (ms), segment."""

    def __init__(self, senders: ArrayLike, times: ArrayLike, segment: int | ArrayLike,
                 annotations: Mapping[str, Any] | None) -> None:
        owner = type(self).__name__
        s = np.asarray(senders)
        t = np.asarray(times, dtype=np.float64)
        if s.ndim != 1 or t.shape != s.shape:
            raise BadParameter(f"{owner}: 'senders' and 'times' must be 1-D arrays of equal length; "
                               f"got shapes {s.shape} and {t.shape}")
        if s.size and not np.issubdtype(s.dtype, np.integer):
            raise bad_parameter(owner, "senders", s[:5], "senders must be integer node ids")
        seg, declared = segment_column(owner, segment, s.size)
        self.senders = frozen(s.astype(np.int64))
        self.times = frozen(t)
        self.segment = frozen(seg)
        self._declared = declared
        self.annotations: dict[str, Any] = dict(annotations or {})

    def __len__(self) -> int:
        return int(self.senders.size)

    @property
    def ids(self) -> np.ndarray:
        """The node ids that occur as senders, ascending."""
        return np.unique(self.senders)

    @property
    def segments(self) -> list[int]:
        """The segment indices this object holds (including segments without events)."""
        return sorted(self._declared)

    def _one_segment(self, owner: str, segment: int | None) -> np.ndarray:
        """Mask of the events of ``segment``; ``None`` is allowed when there is only one."""
        if segment is None:
            if len(self._declared) > 1:
                raise bad_parameter(owner, "segment", None, f"this object holds segments {self.segments} "
                                    "whose times may restart; pass one, e.g. segment=0")
            return np.ones(len(self), dtype=bool)
        if segment not in self._declared:
            raise bad_parameter(owner, "segment", segment, f"this object holds segments {self.segments}")
        return self.segment == segment

    def _mask(self, owner: str, ids: ArrayLike | None, t_start: float | None, t_stop: float | None,
              segment: int | None) -> np.ndarray:
        check_window(owner, t_start, t_stop)
        keep = window_mask(self.times, t_start, t_stop)
        if ids is not None:
            keep &= np.isin(self.senders, as_ids(owner, ids, self.senders))
        if segment is not None:
            keep &= self._one_segment(owner, segment)
        return keep

    def _columns(self) -> dict[str, np.ndarray]:
        return {"segment": self.segment, "senders": self.senders, "times": self.times}

    def to_dict(self) -> dict[str, np.ndarray]:
        """Copies of the columns, an events dict with a ``segment`` column."""
        return {k: np.array(v) for k, v in self._columns().items()}

    def to_numpy(self) -> np.ndarray:
        """The events as one structured array with a field per column."""
        cols = self._columns()
        out = np.empty(len(self), dtype=[(k, v.dtype) for k, v in cols.items()])
        for k, v in cols.items():
            out[k] = v
        return out

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` with a column per column; units in ``df.attrs["units"]``."""
        require("pandas", feature="to_pandas")
        import pandas as pd
        df = pd.DataFrame(self.to_dict())
        df.attrs["units"] = self.units_of_columns()
        df.attrs["annotations"] = dict(self.annotations)
        return df

    def units_of_columns(self) -> dict[str, str]:
        """Unit of every column (``times`` in ms)."""
        return {"segment": "dimensionless", "senders": "dimensionless", "times": "ms"}

    def _neo_block(self, neo: Any) -> Any:
        """An empty ``neo.Block`` with a Segment per segment index and this object's annotations."""
        return new_block(neo, self.annotations, self.segments)

    def _declare(self, declared: Iterable[int]) -> Self:
        """Make this object hold the segments ``declared`` (also those without rows)."""
        self._declared = set(declared)
        return self

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({len(self)} events, {self.ids.size} senders, "
                f"segments {self.segments})")
