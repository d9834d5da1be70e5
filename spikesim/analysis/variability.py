"""Spike-train variability: inter-spike intervals, their coefficient of variation, Fano factor.

Windows are ``(t_start, t_stop]`` in ms, as everywhere in :mod:`spikesim.analysis`; ISIs
are taken between the spikes inside the window only.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from spikesim.data.checks import bad_parameter
from spikesim.data.trains import spike_trains

__all__ = ["isi", "isis_per_neuron", "cv", "cv_isi", "fano_factor"]


def isi(times: ArrayLike) -> np.ndarray:
    """Inter-spike intervals of one spike train (ms), as Elephant's ``isi``.

    Parameters
    ----------
    times : array of float
        Spike times of one neuron (ms), ascending.

    Returns
    -------
    ndarray of float64
        ``times[1:] - times[:-1]`` (ms); empty for fewer than two spikes.

    Raises
    ------
    BadParameter
        ``times`` is not 1-D or not ascending.

    Examples
    --------
    >>> isi([1.0, 3.0, 3.5, 7.5])
    array([2. , 0.5, 4. ])
    """
    t = np.asarray(times, dtype=np.float64)
    if t.ndim != 1:
        raise bad_parameter("isi", "times", f"array of shape {t.shape}", "give the 1-D spike times of one neuron")
    out = np.diff(t)
    if np.any(out < 0):
        raise bad_parameter("isi", "times", t[:5], "the times must be ascending; sort them or "
                            "use isis_per_neuron(senders, times) for recorder events")
    return out


def isis_per_neuron(senders: ArrayLike, times: ArrayLike, ids: ArrayLike | None = None,
                    t_start: float | None = None, t_stop: float | None = None
                    ) -> dict[int, np.ndarray]:
    """Inter-spike intervals of each neuron (ms) from the columnar events.

    Parameters
    ----------
    senders : array of int
        Node id of every spike.
    times : array of float
        Time of every spike (ms), in any order.
    ids : array of int, optional
        The neurons, in this order. Default: every sender, ascending.
    t_start, t_stop : float, optional
        Only spikes in ``(t_start, t_stop]`` (ms) count.

    Returns
    -------
    dict of int to ndarray
        ``id -> ISIs`` (ms); empty for neurons with fewer than two spikes.

    Raises
    ------
    BadParameter
        senders and times are not 1-D of equal length, ids are not unique integers, or
        the window is not ``t_start < t_stop`` (finite ms).

    Examples
    --------
    >>> isis_per_neuron([1, 2, 1, 1], [1.0, 2.0, 3.0, 7.0])
    {1: array([2., 4.]), 2: array([], dtype=float64)}
    """
    return {i: isi(t) for i, t in spike_trains(senders, times, ids, t_start, t_stop).items()}


def cv(intervals: ArrayLike) -> float:
    """Coefficient of variation ``std / mean`` (std with ddof 0), as Elephant's ``cv``.

    Parameters
    ----------
    intervals : array of float
        Usually inter-spike intervals (any unit; the CV is dimensionless).

    Returns
    -------
    float
        ``nan`` for an empty input.

    Examples
    --------
    >>> round(cv([1.0, 3.0]), 6)
    0.5
    >>> cv([])
    nan
    """
    x = np.asarray(intervals, dtype=np.float64).reshape(-1)
    if x.size == 0:
        return float("nan")
    return float(x.std() / x.mean())


def cv_isi(senders: ArrayLike, times: ArrayLike, ids: ArrayLike | None = None,
           t_start: float | None = None, t_stop: float | None = None,
           min_spikes: int = 2) -> np.ndarray:
    """ISI coefficient of variation of each neuron.

    ``np.nanmean(cv_isi(...))`` is NEST's reference measure ``cv_isi_mean``.

    Parameters
    ----------
    senders : array of int
        Node id of every spike.
    times : array of float
        Time of every spike (ms).
    ids : array of int, optional
        The neurons, in this order. Default: every sender, ascending.
    t_start, t_stop : float, optional
        Only spikes in ``(t_start, t_stop]`` (ms) count.
    min_spikes : int, default 2
        Neurons with fewer spikes in the window get ``nan``; at least 2.

    Returns
    -------
    ndarray of float64
        ``std / mean`` of each neuron's ISIs (std with ddof 0).

    Raises
    ------
    BadParameter
        ``min_spikes`` is not an integer >= 2, or as :func:`isis_per_neuron`.

    Examples
    --------
    >>> cv_isi([1, 1, 1, 2, 2], [1.0, 2.0, 5.0, 1.0, 3.0], ids=[1, 2, 3])
    array([0.5, 0. , nan])
    >>> cv_isi([1, 1, 1, 2, 2], [1.0, 2.0, 5.0, 1.0, 3.0], min_spikes=3)
    array([0.5, nan])
    """
    if isinstance(min_spikes, bool) or not isinstance(min_spikes, (int, np.integer)) or min_spikes < 2:
        raise bad_parameter("cv_isi", "min_spikes", min_spikes, "it must be an integer >= 2 "
                            "(an ISI needs two spikes)")
    trains = spike_trains(senders, times, ids, t_start, t_stop)
    return np.array([cv(isi(t)) if t.size >= min_spikes else np.nan for t in trains.values()],
                    dtype=np.float64)


def fano_factor(counts: ArrayLike, ddof: int = 1) -> float:
    """Fano factor ``var / mean`` of spike counts.

    Parameters
    ----------
    counts : array of int
        Spike counts, e.g. ``spike_counts(senders, times, ids, t_start, t_stop)``.
    ddof : int, default 1
        Delta degrees of freedom of the variance. The default 1 is NEST's reference
        measure ``count_fano``; Elephant's ``fanofactor`` uses ``ddof=0``.

    Returns
    -------
    float
        ``nan`` when all counts are 0 or there are no more than ``ddof`` counts.

    Raises
    ------
    BadParameter
        ``ddof`` is neither 0 nor 1.

    Examples
    --------
    >>> fano_factor([1, 2, 3])
    0.5
    >>> round(fano_factor([1, 2, 3], ddof=0), 6)
    0.333333
    """
    x = np.asarray(counts, dtype=np.float64).reshape(-1)
    if ddof not in (0, 1):
        raise bad_parameter("fano_factor", "ddof", ddof, "it must be 0 or 1")
    if x.size <= ddof or x.mean() == 0:
        return float("nan")
    return float(x.var(ddof=ddof) / x.mean())
