"""RecordingTimes: start and stop of every recording period of :class:`Monitors`.

Times are in ms from the last reset of the chunk; indices count samples in the chunk's
recorded array (see :mod:`spikesim.monitors.monitors` for the time semantics).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import bad_property

__all__ = ["RecordingTimes", "decimals"]


def decimals(h: float) -> int:
    """Decimals needed to write multiples of ``h`` ms (0.1 -> 1, 0.025 -> 3).

    Parameters
    ----------
    h : float
        A step or period (ms).

    Returns
    -------
    int
        The number of decimals (at most 10).
    """
    for d in range(10):
        if abs(round(h, d) - h) < 1e-12:
            return d
    return 10


class RecordingTimes:
    """Start and stop of every recording period, per chunk and compartment.

    ``all()[chunk][compartment]["start" | "stop"]["ms" | "idx"]`` is a list with one
    entry per period: the time (ms) of its first / last sample and their indices in
    the chunk's recorded array.

    Parameters
    ----------
    recording_times_list : list of dict
        One dict per chunk, as :class:`~spikesim.monitors.Monitors` builds it.
    """

    def __init__(self, recording_times_list: list[dict[str, Any]]) -> None:
        self.recording_times_list = recording_times_list

    def all(self) -> list[dict[str, Any]]:
        """The recording times of all chunks, compartments and periods."""
        return self.recording_times_list

    def _entry(self, chunk: int | None, compartment: str | None) -> tuple[int, str]:
        n = len(self.recording_times_list)
        c = 0 if chunk is None else chunk
        if not 0 <= c < n:
            raise bad_property("RecordingTimes", "chunk", chunk, f"there are {n} chunks (0..{n - 1})")
        names = list(self.recording_times_list[c])
        comp = names[0] if compartment is None else compartment
        if comp not in names:
            raise bad_property("RecordingTimes", "compartment", compartment, f"the compartments are {names}")
        return c, comp

    def nbr_periods(self, chunk: int | None = None, compartment: str | None = None) -> int:
        """Number of recording periods (start to pause) of a chunk and compartment.

        Defaults: chunk 0 and the first compartment.

        Raises
        ------
        BadProperty
            If the chunk or compartment does not exist.
        """
        c, comp = self._entry(chunk, compartment)
        return len(self.recording_times_list[c][comp]["start"]["idx"])

    nr_periods = nbr_periods

    def _lims(self, unit: str, chunk: int | None, compartment: str | None, period: int | None) -> tuple[Any, Any]:
        c, comp = self._entry(chunk, compartment)
        entry = self.recording_times_list[c][comp]
        n = len(entry["start"][unit])
        if n == 0:
            raise bad_property("RecordingTimes", "compartment", comp, f"it recorded nothing in chunk {c}")
        if period is None:
            return entry["start"][unit][0], entry["stop"][unit][-1]
        if not 0 <= period < n:
            raise bad_property("RecordingTimes", "period", period, f"chunk {c} of {comp!r} has {n} periods")
        return entry["start"][unit][period], entry["stop"][unit][period]

    def time_lims(self, chunk: int | None = None, compartment: str | None = None,
                  period: int | None = None) -> tuple[float, float]:
        """(first, last) sample time in ms; of one period, or of all periods.

        Raises
        ------
        BadProperty
            If the chunk, compartment or period does not exist, or nothing was recorded.
        """
        return self._lims("ms", chunk, compartment, period)

    def idx_lims(self, chunk: int | None = None, compartment: str | None = None,
                 period: int | None = None) -> tuple[int, int]:
        """(first, last) index in the recorded array; of one period, or of all periods.

        Raises
        ------
        BadProperty
            If the chunk, compartment or period does not exist, or nothing was recorded.
        """
        return self._lims("idx", chunk, compartment, period)

    def sample_times(self, chunk: int, compartment: str, period_ms: float) -> np.ndarray:
        """Time (ms) of every sample of a chunk, in the order of the recorded array.

        Parameters
        ----------
        chunk : int
        compartment : str
        period_ms : float
            The compartment's recording period (ms).

        Raises
        ------
        BadProperty
            If the chunk or compartment does not exist.
        """
        c, comp = self._entry(chunk, compartment)
        entry = self.recording_times_list[c][comp]
        dec = decimals(period_ms)
        parts = [np.round(t0 + period_ms * np.arange(i1 - i0 + 1), max(dec, 6))
                 for t0, i0, i1 in zip(entry["start"]["ms"], entry["start"]["idx"], entry["stop"]["idx"], strict=True)]
        return np.concatenate(parts) if parts else np.zeros(0)
