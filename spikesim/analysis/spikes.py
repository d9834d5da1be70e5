"""Spike counts, firing rates, per-neuron spike trains and per-step spike matrices.

All functions take the columnar events of a spike recorder: ``senders`` (node ids) and
``times`` (ms), as in ``sim.nodes("sr").get("events")[0]``. Time semantics: a window
``(t_start, t_stop]`` excludes a spike stamped at ``t_start`` and includes one stamped
at ``t_stop`` (the recording devices' window); ``None`` leaves a side open. Times
within ``TIME_TOL`` (1e-6 ms) of a bound count as on it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from spikesim.data.checks import (
    bad_parameter,
    bin_index,
    bin_width,
    closed_window,
    n_bins,
    selected_events,
)
from spikesim.data.trains import spike_trains

__all__ = ["spike_trains", "spike_counts", "rates", "population_rate", "spike_matrix"]


def spike_counts(senders: ArrayLike, times: ArrayLike, ids: ArrayLike | None = None,
                 t_start: float | None = None, t_stop: float | None = None) -> np.ndarray:
    """Number of spikes of each neuron in the window ``(t_start, t_stop]``.

    Parameters
    ----------
    senders : array of int
        Node id of every spike.
    times : array of float
        Time of every spike (ms).
    ids : array of int, optional
        The neurons to count, in this order (silent ones count 0; other senders are
        ignored). Default: every sender, ascending, so silent neurons are absent.
    t_start, t_stop : float, optional
        Window ``(t_start, t_stop]`` in ms; ``None`` leaves that side open.

    Returns
    -------
    ndarray of int64
        One count per id.

    Raises
    ------
    BadParameter
        senders and times are not 1-D of equal length, ids are not unique integers, or
        the window is not ``t_start < t_stop`` (finite ms).

    Examples
    --------
    >>> spike_counts([1, 2, 1, 1], [1.0, 2.0, 3.0, 4.0])
    array([3, 1])
    >>> spike_counts([1, 2, 1, 1], [1.0, 2.0, 3.0, 4.0], ids=[3, 1], t_start=1.0, t_stop=3.0)
    array([0, 1])
    """
    ids_, col, _ = selected_events("spike_counts", senders, times, ids, t_start, t_stop)
    return np.bincount(col, minlength=ids_.size).astype(np.int64)


def rates(senders: ArrayLike, times: ArrayLike, ids: ArrayLike | None = None,
          t_start: float = 0.0, t_stop: float | None = None) -> np.ndarray:
    """Firing rate of each neuron (spikes/s) in the window ``(t_start, t_stop]``.

    Parameters
    ----------
    senders : array of int
        Node id of every spike.
    times : array of float
        Time of every spike (ms).
    ids : array of int, optional
        The neurons, in this order (silent ones get 0). Default: every sender, ascending.
    t_start : float, default 0.0
        Start of the window (ms, excluded).
    t_stop : float
        End of the window (ms, included). Required: the window length is the divisor.

    Returns
    -------
    ndarray of float64
        ``count / ((t_stop - t_start) / 1000)`` per id, in spikes/s.

    Raises
    ------
    BadParameter
        ``t_stop`` is missing, or as :func:`spike_counts`.

    Examples
    --------
    >>> rates([1, 1, 2], [10.0, 20.0, 30.0], ids=[1, 2, 3], t_stop=100.0)
    array([20., 10.,  0.])
    """
    t_start, t_stop = closed_window("rates", t_start, t_stop)
    counts = spike_counts(senders, times, ids, t_start, t_stop)
    return counts / ((t_stop - t_start) / 1000.0)


def population_rate(senders: ArrayLike, times: ArrayLike, ids: ArrayLike | None = None,
                    t_start: float = 0.0, t_stop: float | None = None) -> float:
    """Mean firing rate of a population (spikes/s per neuron) in ``(t_start, t_stop]``.

    This is NEST's reference ``mean_rate``: spikes / number of neurons / window (s).

    Parameters
    ----------
    senders : array of int
        Node id of every spike.
    times : array of float
        Time of every spike (ms).
    ids : array of int, optional
        The population; silent neurons count in the denominator. Default: the
        neurons that spiked (so silent ones are *not* counted; pass ``ids``).
    t_start : float, default 0.0
        Start of the window (ms, excluded).
    t_stop : float
        End of the window (ms, included). Required.

    Returns
    -------
    float
        Spikes/s per neuron.

    Raises
    ------
    BadParameter
        The population is empty (no ``ids`` and no spikes), or as :func:`rates`.

    Examples
    --------
    >>> population_rate([1, 1, 2], [10.0, 20.0, 30.0], ids=[1, 2, 3], t_stop=100.0)
    10.0
    """
    r = rates(senders, times, ids, t_start, t_stop)
    if r.size == 0:
        raise bad_parameter("population_rate", "ids", ids, "the population must not be empty "
                            "(no ids given and no spikes recorded)")
    return float(r.mean())


def spike_matrix(senders: ArrayLike, times: ArrayLike, ids: ArrayLike | None = None,
                 dt: float | None = None, t_start: float = 0.0, t_stop: float | None = None,
                 dtype: DTypeLike = np.uint8) -> np.ndarray:
    """Per-step spike matrix, steps x neurons, as BrainPy's and rectipy's monitors give.

    Row ``k`` covers ``(t_start + k dt, t_start + (k + 1) dt]``. With ``t_start = 0``
    and ``dt`` the resolution it holds the spikes stamped ``(k + 1) dt``, i.e. those
    emitted during the update ``k -> k + 1`` (NEST's stamp convention), so
    ``np.nonzero(m[:, j])[0]`` are the steps in which neuron ``ids[j]`` fired and
    ``t_start + (rows + 1) * dt`` their times.

    Parameters
    ----------
    senders : array of int
        Node id of every spike.
    times : array of float
        Time of every spike (ms).
    ids : array of int, optional
        The columns, in this order. Default: every sender, ascending.
    dt : float
        Step width (ms). Required.
    t_start : float, default 0.0
        Start of the first step (ms).
    t_stop : float
        End of the last step (ms); ``t_stop - t_start`` must be a whole number of steps.
    dtype : numpy dtype, default uint8
        An integer type holds the number of spikes per step (usually 0 or 1; clipped at
        the type's maximum); ``bool`` marks steps with any spike.

    Returns
    -------
    ndarray, shape (n_steps, len(ids))

    Raises
    ------
    BadParameter
        ``t_stop`` or ``dt`` is missing, ``dt`` is not positive, the window is not a
        whole number of steps, or as :func:`spike_counts`.

    Examples
    --------
    >>> spike_matrix([1, 2, 1], [0.1, 0.2, 0.30000000000000004], dt=0.1, t_stop=0.4)
    array([[1, 0],
           [0, 1],
           [1, 0],
           [0, 0]], dtype=uint8)
    """
    t_start, t_stop = closed_window("spike_matrix", t_start, t_stop)
    steps = n_bins("spike_matrix", "dt", dt, t_start, t_stop)
    width = bin_width("spike_matrix", "dt", dt)
    ids_, col, t = selected_events("spike_matrix", senders, times, ids, t_start, t_stop)
    row = np.clip(bin_index(t, t_start, width), 0, max(steps - 1, 0))
    flat = np.bincount(row * ids_.size + col, minlength=steps * ids_.size)
    counts = flat.reshape(steps, ids_.size)
    out_type = np.dtype(dtype)
    if out_type == np.bool_:
        return counts > 0
    if np.issubdtype(out_type, np.integer):
        counts = np.minimum(counts, np.iinfo(out_type).max)
    return counts.astype(out_type)
