"""PlotRecordings: CompNeuroPy's plan-driven figures of :class:`Monitors` recordings."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from spikesim._optional import require
from spikesim.data.events import SpikeEvents, Traces, default_unit
from spikesim.errors import BadParameter, bad_property
from spikesim.monitors.times import RecordingTimes

__all__ = ["PlotRecordings"]

#: CompNeuroPy plan formats -> formats of spikesim.plotting.plot_recordings
_FORMATS = {"line": "line", "raster": "raster", "mean": "psth"}


class PlotRecordings:
    """Draw one chunk of Monitors recordings after a plan, as CompNeuroPy's ``PlotRecordings``.

    Parameters
    ----------
    figname : str
        File to save the figure to.
    recordings : list of dict
        ``Monitors.get_recordings()``.
    recording_times : RecordingTimes
        ``Monitors.get_recording_times()``.
    shape : (int, int)
        Rows and columns of panels.
    plan : dict of lists
        ``position``, ``compartment``, ``variable`` and ``format`` per panel; formats
        ``"line"`` (a recorded variable), ``"raster"`` and ``"mean"`` (population rate)
        for ``"spike"``.
    chunk : int, default 0
        The chunk to draw.
    time_lim : (float, float), optional
        Time axis (ms); default: the first to the last sample of the chunk.
    dpi : int, default 300
        Resolution of the saved figure.

    Raises
    ------
    BadProperty
        If ``chunk`` does not exist or ``plan`` names an unknown format.
    BadParameter
        If the chunk holds no recordings of a compartment of the plan.

    A raster without spikes in the interval is drawn empty and reported with a
    WARNING line (not an error), as CompNeuroPy does.  The figure is ``self.figure``.
    """

    def __init__(self, figname: str, recordings: Sequence[Mapping[str, Any]], recording_times: RecordingTimes,
                 shape: tuple[int, int], plan: Mapping[str, Sequence[Any]], chunk: int = 0,
                 time_lim: tuple[float, float] | None = None, dpi: int = 300) -> None:
        require("matplotlib", feature="plotting")
        import matplotlib.pyplot as plt

        from spikesim.plotting.plans import NoSpikesWarning, plot_recordings

        print(f"Generate fig {figname}", end="... ", flush=True)
        if not isinstance(chunk, (int, np.integer)) or not 0 <= chunk < len(recordings):
            raise bad_property("PlotRecordings", "chunk", chunk, f"there are {len(recordings)} chunks")
        rec = recordings[chunk]
        formats = list(plan.get("format", []))
        for f in formats:
            if f not in _FORMATS:
                raise bad_property("PlotRecordings", "plan['format']", f, f"the formats are {sorted(_FORMATS)}")
        comps = list(dict.fromkeys(plan.get("compartment", [])))
        data = {c: self._data(rec, recording_times, chunk, c) for c in comps}
        if time_lim is None:
            lims = [recording_times.time_lims(chunk, c) for c in comps
                    if recording_times.nbr_periods(chunk, c)]
            time_lim = (min(a for a, _ in lims), max(b for _, b in lims)) if lims else None
        mapped = {**plan, "format": [_FORMATS[f] for f in formats]}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NoSpikesWarning)  # reported below, CompNeuroPy's way
            fig = plot_recordings(data, mapped, shape=shape, time_lim=time_lim,
                                  figsize=(6.4 * shape[1], 4.8 * shape[0]))
        for c, f, v in zip(plan["compartment"], formats, plan["variable"], strict=False):
            if f == "raster" and v == "spike" and not self._has_spikes(data[c], time_lim):
                print(f"\n  WARNING PlotRecordings: {c} does not contain any spikes in the given time interval.")
        fig.savefig(figname, dpi=dpi)
        plt.close(fig)
        self.figure = fig
        print("Done\n")

    @staticmethod
    def _data(rec: Mapping[str, Any], times: RecordingTimes, chunk: int, comp: str) -> list[Any]:
        """SpikeEvents and Traces of one compartment; neuron ranks serve as ids."""
        out: list[Any] = []
        dt = rec["dt"]
        if f"{comp};spike" in rec:
            spikes = rec[f"{comp};spike"]
            senders = np.concatenate([np.full(len(s), r, dtype=np.int64) for r, s in spikes.items()] or
                                     [np.zeros(0, np.int64)])
            t = np.concatenate([np.asarray(s, dtype=float) for s in spikes.values()] or [np.zeros(0)]) * dt
            order = np.lexsort((senders, t))
            out.append(SpikeEvents(senders[order], t[order]))
        variables = [k.split(";", 1)[1] for k in rec if k.startswith(f"{comp};")]
        values = {v: np.asarray(rec[f"{comp};{v}"]) for v in variables
                  if v not in ("spike", "period", "parameter_dict")}
        if values:
            t = times.sample_times(chunk, comp, rec[f"{comp};period"])
            n = next(iter(values.values())).shape[1]
            units = {v: rec.get("units", {}).get(f"{comp};{v}", default_unit(v)) for v in values}
            out.append(Traces(np.repeat(t, n), np.tile(np.arange(n), t.size),
                              {v: a.ravel() for v, a in values.items()}, units=units))
        if not out:
            raise BadParameter(f"PlotRecordings: chunk {chunk} has no recordings of {comp!r}")
        return out

    @staticmethod
    def _has_spikes(data: list[Any], time_lim: tuple[float, float] | None) -> bool:
        for d in data:
            if isinstance(d, SpikeEvents):
                if time_lim is None:
                    return len(d) > 0
                t = d.times
                return bool(((t >= time_lim[0] - 1e-9) & (t <= time_lim[1] + 1e-9)).any())
        return False
