"""On-the-fly reductions of recorded data, with bounded memory.

Reductions turn what the engine hands a device into ordinary records (columns of a
batch), so every backend stores them unchanged.  Bytes are those the memory backend
keeps (8 per column and record); what the device holds between hand-overs is given
as "held".

* **interval means** (multimeter ``average=True``): the sample at ``t`` is the
  arithmetic mean of the values the neuron has after each step of ``(t - interval,
  t]`` (only steps simulated while the device existed, in the same segment); records
  as without ``average`` (8 x (2 + variables) bytes per neuron and sample time).  Held:
  one running sum per sampled neuron and variable (8 bytes each);
* **population statistics** (multimeter ``reduce="population"``, with or without
  ``average``): one record per sample time, ``sender`` = the device's node id, with
  ``<var>_mean`` and ``<var>_var`` (population mean and variance, ddof 0) of every
  recorded variable: 16 + 16 x variables bytes per sample time, whatever the number
  of neurons;
* **spike bins** (spike_recorder ``reduce`` with ``bin`` ms): bins ``(t - bin, t]`` ending
  at multiples ``t`` of ``bin``; ``"rate"``: one record per bin (24 bytes: sender = the
  device's node id, time, ``rate`` in spikes/s = spikes in the bin / (connections x
  bin)); ``"counts"``: one record per neuron that spiked in a bin (24 bytes: sender,
  time, ``counts``), never more than recording every spike (16 bytes a spike);
  ``"total"``: no records, a count per node kept by the device (8 bytes per node id up
  to the largest recorded; ``events`` gives ``senders`` and ``counts``, checkpoints
  keep them; ``n_events=0`` clears them).  Held: one (bin, neuron, count) row per
  neuron that spiked in a bin not yet ended.  A bin is recorded once the clock passed
  its end, if it overlaps the recording windows; only spikes in the windows count (a
  bin cut by a window edge counts the spikes inside, over the whole bin width).

An interval or bin that has not ended when a ``reset`` starts a new segment is dropped.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: allowed ``reduce`` values per recorder kind
SAMPLER_REDUCTIONS = ("", "population")
SPIKE_REDUCTIONS = ("", "rate", "counts", "total")


def interval_ends(stamps: np.ndarray, interval: int, offset: int) -> np.ndarray:
    """The sample stamp whose interval ``(t - interval, t]`` holds each stamp (steps)."""
    out: np.ndarray = stamps + (offset - stamps) % interval
    return out


class IntervalMean:
    """Running sums of samples over the current interval (see the module)."""

    def __init__(self) -> None:
        self.end = -1                       # sample stamp of the open interval (-1: none)
        self.n = 0                          # steps summed into it
        self.sums: dict[str, np.ndarray] = {}

    def add(self, stamps: np.ndarray, values: dict[str, np.ndarray], interval: int, offset: int
            ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Fold samples taken at ``stamps`` (values: times x senders) into interval means.

        Returns
        -------
        (ends, means)
            The sample stamps of the intervals completed (their last step arrived) and
            their means (times x senders); the last, unfinished interval stays open.
        """
        ends = interval_ends(stamps, interval, offset)
        starts = np.flatnonzero(np.concatenate([[True], ends[1:] != ends[:-1]]))
        group_ends = ends[starts]
        n = np.diff(np.append(starts, ends.size))
        sums = {v: np.add.reduceat(x, starts, axis=0) for v, x in values.items()}
        if self.n:
            if self.end == group_ends[0]:
                n[0] += self.n
                for v in sums:
                    sums[v][0] += self.sums[v]
            else:  # an interval whose last step never came (the window moved): given as it is
                group_ends = np.append([self.end], group_ends)
                n = np.append([self.n], n)
                sums = {v: np.concatenate([self.sums[v][None], s]) for v, s in sums.items()}
        k = group_ends.size if stamps[-1] == ends[-1] else group_ends.size - 1
        if k == group_ends.size:
            self.end, self.n, self.sums = -1, 0, {}
        else:
            self.end, self.n = int(group_ends[-1]), int(n[-1])
            self.sums = {v: s[-1].copy() for v, s in sums.items()}
        return group_ends[:k], {v: s[:k] / n[:k, None] for v, s in sums.items()}

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """The open interval: meta and arrays (``sum/<var>``)."""
        return {"end": self.end, "n": self.n}, {f"sum/{v}": s for v, s in self.sums.items()}

    def load(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Continue from :meth:`state`."""
        self.end, self.n = int(meta["end"]), int(meta["n"])
        self.sums = {k[4:]: np.array(v, dtype=np.float64) for k, v in arrays.items() if k.startswith("sum/")}


def population_stats(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``<var>_mean`` and ``<var>_var`` (ddof 0) over the senders of each sample time."""
    out: dict[str, np.ndarray] = {}
    for v, x in values.items():
        out[f"{v}_mean"] = x.mean(axis=1)
        out[f"{v}_var"] = x.var(axis=1)
    return out


class SpikeBins:
    """Spike counts of the bins not yet recorded, and the totals of ``reduce="total"``.

    Open bins are kept as (bin, sender, count) rows aggregated by (bin, sender): at
    most one row per neuron and open bin.
    """

    def __init__(self) -> None:
        self.bins = np.zeros(0, dtype=np.int64)    # bin index b: stamps ((b - 1) bin, b bin]
        self.ids = np.zeros(0, dtype=np.int64)
        self.n = np.zeros(0, dtype=np.int64)
        #: the first bin not yet recorded (-1: from the clock when first used)
        self.next_bin = -1
        #: spikes per node id (``reduce="total"``)
        self.totals = np.zeros(0, dtype=np.int64)

    def add(self, mode: str, bin_steps: int, ids: np.ndarray, stamps: np.ndarray, n: np.ndarray) -> None:
        """Count ``n[k]`` spikes of node ``ids[k]`` stamped ``stamps[k]`` (steps)."""
        if ids.size == 0:
            return
        if mode == "total":
            size = max(int(ids.max()) + 1, self.totals.size)
            self.totals = np.bincount(ids, weights=n, minlength=size).astype(np.int64) + np.pad(
                self.totals, (0, size - self.totals.size))
            return
        bins = np.concatenate([self.bins, (stamps + bin_steps - 1) // bin_steps])
        ids = np.concatenate([self.ids, np.zeros_like(ids) if mode == "rate" else ids])
        n = np.concatenate([self.n, n])
        order = np.lexsort((ids, bins))
        bins, ids, n = bins[order], ids[order], n[order]
        first = np.flatnonzero(np.concatenate([[True], (bins[1:] != bins[:-1]) | (ids[1:] != ids[:-1])]))
        self.bins, self.ids, self.n = bins[first], ids[first], np.add.reduceat(n, first)

    def take(self, last_bin: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Remove and return the rows (bin, sender, count) of the bins up to ``last_bin``."""
        k = int(np.searchsorted(self.bins, last_bin, side="right"))
        out = self.bins[:k], self.ids[:k], self.n[:k]
        self.bins, self.ids, self.n = self.bins[k:], self.ids[k:], self.n[k:]
        return out

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Meta and arrays to continue from (see :meth:`load`)."""
        return {"next_bin": self.next_bin}, {"bins": self.bins, "ids": self.ids, "n": self.n,
                                              "totals": self.totals}

    def load(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Continue from :meth:`state`."""
        self.next_bin = int(meta["next_bin"])
        for k in ("bins", "ids", "n", "totals"):
            setattr(self, k, np.asarray(arrays[k], dtype=np.int64))


def smooth_rate(rate: np.ndarray, bin_ms: float, window: str = "gaussian", width: float = 5.0) -> np.ndarray:
    """A binned population rate smoothed as Brian2's ``PopulationRateMonitor.smooth_rate``.

    Parameters
    ----------
    rate : np.ndarray
        The rate per bin (spikes/s), bins of ``bin_ms`` ms, in time order.
    bin_ms : float
        The bin width (ms).
    window : {"gaussian", "flat"}
        A gaussian of standard deviation ``width`` (cut at 4 sd on each side) or a
        flat window of ``width`` (rounded to an odd number of bins), normalised to 1.
    width : float
        Width of the window (ms).

    Returns
    -------
    np.ndarray
        The smoothed rate (spikes/s), same length (``mode="same"``: zeros beyond both ends).

    Raises
    ------
    ValueError
        For an unknown window or a width that is not positive.
    """
    if not width > 0:
        raise ValueError(f"smooth_rate: width = {width!r} ms is not allowed; it must be > 0")
    if window == "gaussian":
        half = int(np.ceil(4 * width / bin_ms))
        x = np.arange(-half, half + 1) * bin_ms
        kernel = np.exp(-0.5 * (x / width) ** 2)
    elif window == "flat":
        k = 2 * (int(round(width / bin_ms)) // 2) + 1
        kernel = np.ones(k)
    else:
        raise ValueError(f"smooth_rate: window = {window!r} is not allowed; give 'gaussian' or 'flat'")
    return np.convolve(np.asarray(rate, dtype=np.float64), kernel / kernel.sum(), mode="same")


def closed_bins(bins: SpikeBins, mode: str, bin_steps: int, clock: int, active: Any, n_sources: int,
                bin_ms: float) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The records of the bins that ended by ``clock`` (steps), removed from ``bins``.

    Parameters
    ----------
    bins : SpikeBins
        The open bins (``next_bin`` set).
    mode : {"rate", "counts"}
        The reduction.
    bin_steps : int
        Bin width (steps).
    clock : int
        The step the simulation reached.
    active : callable
        ``active(first, n)``: whether the stamps ``first .. first + n - 1`` lie in the
        recording windows.
    n_sources : int
        Connections to the recorder (the rate's population size).
    bin_ms : float
        Bin width (ms).

    Returns
    -------
    (senders, stamps, values)
        Rows ordered by time then sender: for ``"rate"`` sender 0 (the caller puts the
        device id) and ``rate`` (spikes/s) of every bin that overlaps a window; for
        ``"counts"`` the neurons that spiked and ``counts``.
    """
    last = clock // bin_steps
    first = bins.next_bin
    b, ids, n = bins.take(last)
    if last >= first:
        bins.next_bin = last + 1
    if mode == "counts":
        return ids, b * bin_steps, {"counts": n}
    if last < first:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), {"rate": np.zeros(0)}
    overlap = active((first - 1) * bin_steps + 1, (last - first + 1) * bin_steps).reshape(-1, bin_steps).any(axis=1)
    every = np.arange(first, last + 1, dtype=np.int64)
    counts = np.zeros(every.size)
    counts[b - first] = n   # one row per bin: senders were folded to 0
    rate = counts / (max(n_sources, 1) * bin_ms * 1e-3)
    keep = every[overlap]
    return np.zeros(keep.size, np.int64), keep * bin_steps, {"rate": rate[overlap]}

