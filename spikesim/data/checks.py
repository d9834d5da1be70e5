"""Argument handling shared by the analysis functions: event arrays, ids, windows, bins.

Every analysis function uses the recording devices' time semantics (NEST's):

* a window ``(t_start, t_stop]`` excludes a spike stamped exactly at ``t_start`` and
  includes one stamped exactly at ``t_stop``; ``None`` leaves that side open;
* a bin of width ``w`` labelled by its left edge ``b`` covers ``(b, b + w]``, so a spike
  stamped at the end of a simulation step falls into the bin of that step.

Recorded times are floats computed as tics x 0.001 ms (``0.7000000000000001``), so a
time within :data:`TIME_TOL` of a window bound or bin edge counts as lying on it.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from spikesim.errors import BadParameter

#: ms; times this close to a bound or bin edge count as on it (far below any resolution)
TIME_TOL = 1e-6


def bad_parameter(owner: str, key: str, value: object, allowed: str) -> BadParameter:
    """The project's error for a bad argument: who, which parameter, which value, what is allowed.

    Parameters
    ----------
    owner : str
        The function or class that got the argument.
    key : str
        The parameter's name.
    value : object
        The value given (shown with ``repr``; pass a type name for a wrong type).
    allowed : str
        What is allowed instead, ideally with an example.

    Returns
    -------
    BadParameter
        The error, for the caller to raise.
    """
    return BadParameter(f"{owner}: parameter '{key}' = {value!r} is not allowed; {allowed}")


def as_events(owner: str, senders: object, times: object) -> tuple[np.ndarray, np.ndarray]:
    """``senders`` as int64 and ``times`` (ms) as float64 1-D arrays of equal length.

    Raises
    ------
    BadParameter
        The arrays are not 1-D of equal length, or senders are not whole numbers.
    """
    s = np.asarray(senders)
    t = np.asarray(times, dtype=np.float64)
    if s.ndim != 1 or t.ndim != 1 or s.size != t.size:
        raise BadParameter(f"{owner}: 'senders' and 'times' must be 1-D arrays of equal length; "
                           f"got shapes {s.shape} and {t.shape}")
    if s.size and not np.issubdtype(s.dtype, np.integer) and not np.all(np.mod(s, 1) == 0):
        raise bad_parameter(owner, "senders", s[:5], "senders must be integer node ids")
    return s.astype(np.int64, copy=False), t


def as_ids(owner: str, ids: object, senders: np.ndarray) -> np.ndarray:
    """The neuron ids to report on: ``ids`` (unique, in the given order) or the sorted senders.

    ``ids`` may be an array of node ids or anything with an ``ids`` attribute (a
    NodeCollection).

    Raises
    ------
    BadParameter
        ``ids`` are not integers or not unique.
    """
    if ids is None:
        return np.unique(senders)
    out = np.asarray(getattr(ids, "ids", ids)).reshape(-1)  # a NodeCollection gives .ids
    if out.size and not np.issubdtype(out.dtype, np.integer):
        raise bad_parameter(owner, "ids", out[:5], "ids must be integer node ids")
    out = out.astype(np.int64, copy=False)
    if np.unique(out).size != out.size:
        raise bad_parameter(owner, "ids", out[:10], "ids must not contain duplicates")
    return out


def columns(senders: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position of every sender in ``ids`` and whether it is there at all."""
    if ids.size == 0:
        return np.zeros(senders.size, dtype=np.int64), np.zeros(senders.size, dtype=bool)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    pos = np.minimum(np.searchsorted(sorted_ids, senders), ids.size - 1)
    return order[pos], sorted_ids[pos] == senders


def window_mask(times: np.ndarray, t_start: float | None, t_stop: float | None) -> np.ndarray:
    """Boolean mask of the times inside ``(t_start, t_stop]`` (``None``: open side)."""
    keep = np.ones(times.size, dtype=bool)
    if t_start is not None:
        keep &= times > t_start + TIME_TOL
    if t_stop is not None:
        keep &= times <= t_stop + TIME_TOL
    return keep


def check_window(owner: str, t_start: float | None, t_stop: float | None,
                 required: bool = False) -> None:
    """Raise unless the window ``(t_start, t_stop]`` (ms) is well formed.

    Parameters
    ----------
    owner : str
        The function checking, named in the message.
    t_start, t_stop : float or None
        The window bounds (ms); ``None`` leaves a side open unless ``required``.
    required : bool, default False
        Both bounds must be given.

    Raises
    ------
    BadParameter
        A bound is missing although required, not finite, or ``t_stop <= t_start``.
    """
    if required and t_stop is None:
        raise BadParameter(f"{owner}: parameter 't_stop' is required (ms): the window length "
                           "defines the result; pass the simulated time, e.g. t_stop=1000.0")
    if required and t_start is None:
        raise BadParameter(f"{owner}: parameter 't_start' is required (ms), e.g. t_start=0.0")
    for key, v in (("t_start", t_start), ("t_stop", t_stop)):
        if v is not None and not math.isfinite(v):
            raise bad_parameter(owner, key, v, "it must be a finite time in ms")
    if t_start is not None and t_stop is not None and not t_stop > t_start:
        raise bad_parameter(owner, "t_stop", t_stop, f"it must be > t_start ({t_start} ms)")


def closed_window(owner: str, t_start: float | None, t_stop: float | None) -> tuple[float, float]:
    """``(t_start, t_stop)`` (ms) of a window that needs both bounds, checked.

    Raises
    ------
    BadParameter
        As :func:`check_window` with ``required=True``.
    """
    check_window(owner, t_start, t_stop, required=True)
    if t_start is None or t_stop is None:  # pragma: no cover - check_window raised
        raise BadParameter(f"{owner}: the window needs t_start and t_stop (ms)")
    return t_start, t_stop


def bin_width(owner: str, key: str, width: float | None) -> float:
    """``width`` (ms), checked to be a positive, finite bin or step width.

    Raises
    ------
    BadParameter
        ``width`` is missing, not positive or not finite.
    """
    if width is None or not (width > 0) or not math.isfinite(width):
        raise bad_parameter(owner, key, width, "it must be a positive, finite time in ms")
    return width


def n_bins(owner: str, key: str, width: float | None, t_start: float, t_stop: float) -> int:
    """Number of bins of ``width`` (ms) in ``(t_start, t_stop]`` (ms).

    Raises
    ------
    BadParameter
        ``width`` is not a positive, finite time, or the window is not a whole
        number of bins (the message proposes the nearest ``t_stop`` that is).
    """
    width = bin_width(owner, key, width)
    x = (t_stop - t_start) / width
    n = round(x)
    if abs(x - n) > 1e-9 * max(1.0, n):
        lo, hi = t_start + math.floor(x) * width, t_start + math.ceil(x) * width
        raise BadParameter(f"{owner}: t_stop - t_start = {t_stop - t_start} ms is not a whole number "
                           f"of bins of {key} = {width} ms; choose t_stop = {lo} or {hi}")
    return int(n)


def bin_index(times: np.ndarray, t_start: float, width: float) -> np.ndarray:
    """Index ``k`` of the bin ``(t_start + k w, t_start + (k + 1) w]`` holding each time."""
    x = (times - t_start) / width - TIME_TOL / width
    return np.ceil(x).astype(np.int64) - 1


def selected_events(owner: str, senders: ArrayLike, times: ArrayLike, ids: ArrayLike | None,
              t_start: float | None, t_stop: float | None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ids, and the column (position in ids) and time (ms) of every event in ``(t_start, t_stop]``.

    Raises
    ------
    BadParameter
        As :func:`as_events`, :func:`check_window` and :func:`as_ids`.
    """
    s, t = as_events(owner, senders, times)
    check_window(owner, t_start, t_stop)
    ids_ = as_ids(owner, ids, s)
    col, found = columns(s, ids_)
    keep = found & window_mask(t, t_start, t_stop)
    return ids_, col[keep], t[keep]
