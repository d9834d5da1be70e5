"""PyNEST's rules for indexing a NodeCollection: which keys it takes and which errors it raises.

NEST checks keys before it looks at nodes: an index or a slice bound outside the
collection is an ``IndexError``, a list mixing types a ``TypeError``, repeated indices
a ``ValueError`` and unsorted ones a ``BadProperty``.  The functions here turn a key
into positions (0-based) into the collection, or raise as NEST does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import BadParameter, BadProperty


def _slice_positions(key: slice, n: int) -> np.ndarray:
    """Positions of a slice, with NEST's bounds: ``start`` in ``-n..n-1``, ``stop`` in ``-n+1..n``
    (a bound outside is an IndexError, not clipped as in Python), ``step >= 1``, and a
    slice that selects nothing is refused."""
    step = 1 if key.step is None else key.step
    if not isinstance(step, (int, np.integer)) or step < 1:
        raise IndexError(f"NodeCollection: slicing step must be a strictly positive integer, got {key.step!r}")
    start = 0 if key.start is None else key.start
    stop = n if key.stop is None else key.stop
    for name, v in (("start", start), ("stop", stop)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
            raise TypeError(f"NodeCollection: slice {name} must be an integer, got {v!r}")
    if not -n <= start < n:
        raise IndexError(f"NodeCollection: slice start value {start} outside of the NodeCollection "
                         f"({n} nodes: -{n} to {n - 1})")
    if not -n < stop <= n:
        raise IndexError(f"NodeCollection: slice stop value {stop} outside of the NodeCollection "
                         f"({n} nodes: -{n - 1} to {n})")
    positions = np.arange(n)[int(start):int(stop):int(step)]
    if not positions.size:
        raise BadParameter(f"NodeCollection: slice [{key.start}:{key.stop}] selects no node; start < stop "
                           "required (NEST has no empty slices)")
    return positions


def _list_positions(key: list[Any] | tuple[Any, ...], n: int) -> np.ndarray:
    """Positions of a list or tuple: all bools (a mask of length ``n``) or all integers."""
    if all(isinstance(x, (bool, np.bool_)) for x in key):
        return _mask_positions(np.array(key, dtype=bool), n)
    if all(isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)) for x in key):
        return _int_positions(np.array(key, dtype=np.int64), n)
    raise TypeError(f"NodeCollection: indices must be all integers or all bools, got {list(key)[:8]}")


def _mask_positions(mask: np.ndarray, n: int) -> np.ndarray:
    if mask.size != n:
        raise IndexError(f"NodeCollection: a bool index array must have one entry per node ({n}), "
                         f"got {mask.size}")
    return np.flatnonzero(mask)


def _int_positions(pos: np.ndarray, n: int) -> np.ndarray:
    if np.unique(pos).size != pos.size:
        raise ValueError(f"NodeCollection: indices must be unique, got {pos[:8].tolist()}")
    outside = pos[(pos < 0) | (pos >= n)]
    if outside.size:
        raise IndexError(f"NodeCollection: index {int(outside[0])} points outside of the NodeCollection "
                         f"({n} nodes: 0 to {n - 1})")
    if pos.size > 1 and np.any(np.diff(pos) <= 0):
        raise BadProperty(f"NodeCollection: indices must be sorted in ascending order, got {pos[:8].tolist()}")
    return pos


def _array_positions(key: np.ndarray, n: int) -> np.ndarray:
    if key.ndim != 1:
        raise TypeError(f"NodeCollection: NumPy indices must be one-dimensional, got shape {key.shape}")
    if key.dtype == bool:
        return _mask_positions(key, n)
    if key.dtype.kind not in "iu":
        raise TypeError(f"NodeCollection: NumPy indices must be integers or bools, got dtype {key.dtype}")
    return _int_positions(key.astype(np.int64), n)


def positions(key: Any, n: int) -> int | np.ndarray:
    """Positions (0-based) that ``key`` selects in a NodeCollection of ``n`` nodes, PyNEST's way.

    Parameters
    ----------
    key : int, slice, list, tuple or numpy.ndarray
        An index (negative counts from the end), a slice with positive step, a list or
        1-d array of unique ascending indices, or a bool mask with one entry per node.
    n : int
        Number of nodes in the collection.

    Returns
    -------
    int or numpy.ndarray
        One position for an integer key (non-negative), else an ascending int64 array.

    Raises
    ------
    IndexError
        If an index or a slice bound lies outside the collection, a slice step is not
        positive, a bool mask does not have ``n`` entries, or the key is of another type.
    TypeError
        If a list mixes types or holds non-integers, or an array is not 1-d of ints or bools.
    ValueError
        If indices repeat.
    BadProperty
        If indices are not ascending, or a slice selects nothing (``BadParameter``).
    """
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        if not -n <= key < n:
            raise IndexError(f"NodeCollection: index {key} outside of the NodeCollection ({n} nodes)")
        return int(key) % n
    if isinstance(key, slice):
        return _slice_positions(key, n)
    if isinstance(key, (list, tuple)):
        return _list_positions(key, n) if len(key) else np.zeros(0, dtype=np.int64)
    if isinstance(key, np.ndarray):
        return _array_positions(key, n) if key.size else np.zeros(0, dtype=np.int64)
    raise IndexError("NodeCollection: only integers, slices, lists, tuples and numpy arrays are valid indices, "
                     f"got {type(key).__name__}")
