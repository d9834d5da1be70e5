"""Per-neuron spike trains derived from columnar events."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from spikesim.data.checks import selected_events


def spike_trains(senders: ArrayLike, times: ArrayLike, ids: ArrayLike | None = None,
                 t_start: float | None = None, t_stop: float | None = None
                 ) -> dict[int, np.ndarray]:
    """Spike times of each neuron, derived from the columnar events.

    Parameters
    ----------
    senders : array of int
        Node id of every spike.
    times : array of float
        Time of every spike (ms).
    ids : array of int, optional
        The neurons to return, in this order; silent ones get an empty array.
        Default: every sender, ascending.
    t_start, t_stop : float, optional
        Keep spikes in ``(t_start, t_stop]`` (ms); ``None`` leaves that side open.

    Returns
    -------
    dict of int to ndarray
        ``id -> times`` (ms, float64), ascending. The sort is stable, as Brian2's
        ``SpikeMonitor.spike_trains()``: equal times keep their recorded order.

    Examples
    --------
    >>> trains = spike_trains([2, 1, 2], [0.5, 1.0, 1.5], ids=[1, 2, 3])
    >>> trains[2]
    array([0.5, 1.5])
    >>> trains[3]
    array([], dtype=float64)
    """
    ids_, col, t = selected_events("spike_trains", senders, times, ids, t_start, t_stop)
    order = np.lexsort((t, col))  # by neuron, then time; lexsort is stable
    col, t = col[order], t[order]
    bounds = np.searchsorted(col, np.arange(ids_.size + 1))
    return {int(i): t[bounds[k]:bounds[k + 1]] for k, i in enumerate(ids_)}
