"""Time histograms (PSTH) of spike times."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from spikesim.data.checks import (
    bad_parameter,
    bin_index,
    closed_window,
    n_bins,
    window_mask,
)

__all__ = ["TimeHistogram", "time_histogram"]


class TimeHistogram(NamedTuple):
    """Result of :func:`time_histogram`; all arrays have one entry per bin."""

    #: left edge of every bin (ms); bin ``k`` covers ``(bin_starts[k], bin_starts[k] + bin_size]``
    bin_starts: np.ndarray
    #: spikes per bin (int64)
    counts: np.ndarray
    #: spikes/s per neuron: ``counts / n_neurons / (bin_size / 1000)``
    rate: np.ndarray
    #: bin width (ms)
    bin_size: float
    #: neurons the rate is divided by
    n_neurons: int


def time_histogram(times: ArrayLike, bin_size: float, t_start: float = 0.0,
                   t_stop: float | None = None, n_neurons: int = 1) -> TimeHistogram:
    """Spike counts and rates in consecutive bins (a PSTH), as Elephant's ``time_histogram``.

    Bins are labelled by their left edge and cover ``(left, left + bin_size]``, the
    recording window's convention, so a spike stamped at the end of a step counts in
    the bin that contains that step. (Elephant and ``np.histogram`` use
    ``[left, right)``; they agree with this except for spikes exactly on an edge.)

    Parameters
    ----------
    times : array of float
        Spike times (ms) of all neurons pooled, e.g. a spike recorder's ``times``.
    bin_size : float
        Bin width (ms).
    t_start : float, default 0.0
        Left edge of the first bin (ms).
    t_stop : float
        Required. Right edge of the last bin (ms); ``t_stop - t_start`` must be a whole number of
        bins. Spikes outside ``(t_start, t_stop]`` are ignored.
    n_neurons : int, default 1
        Number of neurons the times come from; ``rate`` is per neuron.

    Returns
    -------
    TimeHistogram
        ``bin_starts`` (ms), ``counts``, ``rate`` (spikes/s per neuron), ``bin_size``,
        ``n_neurons``.

    Raises
    ------
    BadParameter
        ``t_stop`` is missing, the window is not ``t_start < t_stop``, ``bin_size`` is
        not positive or the window not a whole number of bins, or ``n_neurons`` is not
        an integer >= 1.

    Examples
    --------
    >>> h = time_histogram([1.0, 5.0, 5.5, 12.0], bin_size=5.0, t_stop=15.0, n_neurons=2)
    >>> h.bin_starts
    array([ 0.,  5., 10.])
    >>> h.counts
    array([2, 1, 1])
    >>> h.rate
    array([200., 100., 100.])
    """
    t_start, t_stop = closed_window("time_histogram", t_start, t_stop)
    n = n_bins("time_histogram", "bin_size", bin_size, t_start, t_stop)
    if isinstance(n_neurons, bool) or not isinstance(n_neurons, (int, np.integer)) or n_neurons < 1:
        raise bad_parameter("time_histogram", "n_neurons", n_neurons, "it must be an integer >= 1")
    t = np.asarray(times, dtype=np.float64).reshape(-1)
    t = t[window_mask(t, t_start, t_stop)]
    k = np.clip(bin_index(t, t_start, bin_size), 0, n - 1)
    counts = np.bincount(k, minlength=n).astype(np.int64)
    starts = t_start + bin_size * np.arange(n)
    rate = counts / int(n_neurons) / (bin_size / 1000.0)
    return TimeHistogram(starts, counts, rate, float(bin_size), int(n_neurons))
