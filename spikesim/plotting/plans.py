"""Multi-panel figures from a plot plan, as CompNeuroPy's ``PlotRecordings``.

A plan is a dict of equally long lists; entry ``k`` of each list describes one panel::

    plan = {"position":    [1, 2, 3],
            "compartment": ["exc", "exc", "inh"],
            "variable":    ["V_m", "spike", "spike"],
            "format":      ["line", "raster", "psth"]}
    fig = plot_recordings({"exc": [spikes_e, vm_e], "inh": spikes_i}, plan, shape=(2, 2))

``position`` counts panels of a ``shape = (rows, columns)`` grid from 1, row by row
(matplotlib's ``add_subplot`` numbering). ``variable`` is ``"spike"`` for spike events
or the name of a recorded variable. Formats:

* ``"line"``: one line per neuron of a sampled variable against time;
* ``"raster"``: spike times against neuron ids; a panel without spikes in the time
  interval is drawn empty with a :class:`NoSpikesWarning` (not an error);
* ``"psth"``: population rate (spikes/s per neuron that spiked) in bins of
  ``psth_bin_size`` ms.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from spikesim._optional import require
from spikesim.data.checks import TIME_TOL, bad_parameter
from spikesim.data.events import SpikeEvents, Traces
from spikesim.plotting.psth import psth
from spikesim.plotting.raster import raster
from spikesim.plotting.traces import traces

__all__ = ["plot_recordings", "NoSpikesWarning", "Panel", "FORMATS"]

#: panel formats and the kind of data they draw
FORMATS = {"line": "traces", "raster": "spikes", "psth": "spikes"}
_PLAN_KEYS = ("position", "compartment", "variable", "format")

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: what one compartment's recording may be
Recording = SpikeEvents | Traces | Mapping[str, Any]


class NoSpikesWarning(UserWarning):
    """A raster panel has no spikes in its time interval (CompNeuroPy prints a WARNING)."""


@dataclass(frozen=True)
class Panel:
    """One validated entry of a plot plan."""

    position: int
    compartment: str
    variable: str
    format: str


def _as_data(compartment: str, rec: Recording | Sequence[Recording]) -> list[SpikeEvents | Traces]:
    """The data objects of one compartment; events dicts are converted on the way."""
    items = list(rec) if isinstance(rec, (list, tuple)) else [rec]
    out: list[SpikeEvents | Traces] = []
    for item in items:
        if isinstance(item, (SpikeEvents, Traces)):
            out.append(item)
        elif isinstance(item, Mapping) and "senders" in item and "times" in item:
            sampled = set(item) - {"senders", "times", "offsets", "segment"}
            out.append(Traces.from_events(item) if sampled else SpikeEvents.from_events(item))
        else:
            raise bad_parameter("plot_recordings", f"recordings[{compartment!r}]", type(item).__name__,
                                "give SpikeEvents, Traces, a recorder's events dict, or a list of them")
    return out


def _find(panel: Panel, data: list[SpikeEvents | Traces]) -> SpikeEvents | Traces:
    """The object that holds the panel's variable, checked against its format."""
    kind = FORMATS[panel.format]
    where = f"plan entry {panel.position} ({panel.compartment!r}, {panel.variable!r}, {panel.format!r})"
    if kind == "spikes":
        if panel.variable != "spike":
            raise bad_parameter("plot_recordings", "plan['variable']", panel.variable,
                                f"{where}: format {panel.format!r} draws spikes; use variable 'spike'")
        for d in data:
            if isinstance(d, SpikeEvents):
                return d
        raise bad_parameter("plot_recordings", "recordings", panel.compartment,
                            f"{where}: the compartment has no SpikeEvents")
    if panel.variable == "spike":
        raise bad_parameter("plot_recordings", "plan['format']", panel.format,
                            f"{where}: spikes are drawn with format 'raster' or 'psth'")
    recorded = [v for d in data if isinstance(d, Traces) for v in d.variables]
    for d in data:
        if isinstance(d, Traces) and panel.variable in d.variables:
            return d
    raise bad_parameter("plot_recordings", "plan['variable']", panel.variable,
                        f"{where}: the recorded variables of {panel.compartment!r} are {recorded}")


def parse_plan(plan: Mapping[str, Sequence[Any]], shape: tuple[int, int],
               compartments: Sequence[str]) -> list[Panel]:
    """Validate a plan against the grid and the compartments; return its panels.

    Parameters
    ----------
    plan : dict of lists
        ``position``, ``compartment``, ``variable``, ``format``, equally long.
    shape : (int, int)
        Rows and columns of the grid.
    compartments : sequence of str
        The recorded compartments.

    Raises
    ------
    BadParameter
        A key is missing, the lists differ in length, or a position, format or
        compartment is not allowed.
    """
    missing = [k for k in _PLAN_KEYS if k not in plan]
    if missing:
        raise bad_parameter("plot_recordings", "plan", sorted(plan), f"it needs the keys {list(_PLAN_KEYS)}; "
                            f"missing {missing}")
    lengths = {k: len(plan[k]) for k in _PLAN_KEYS}
    if len(set(lengths.values())) != 1:
        raise bad_parameter("plot_recordings", "plan", lengths, "all lists must be equally long")
    rows, cols = shape
    panels = [Panel(int(p), str(c), str(v), str(f)) for p, c, v, f in zip(*(plan[k] for k in _PLAN_KEYS), strict=True)]
    seen: set[int] = set()
    for p in panels:
        if not 1 <= p.position <= rows * cols or p.position in seen:
            raise bad_parameter("plot_recordings", "plan['position']", p.position,
                                f"positions must be unique and in 1..{rows * cols} for shape {shape}")
        seen.add(p.position)
        if p.format not in FORMATS:
            raise bad_parameter("plot_recordings", "plan['format']", p.format,
                                f"the formats are {sorted(FORMATS)}")
        if p.compartment not in compartments:
            raise bad_parameter("plot_recordings", "plan['compartment']", p.compartment,
                                f"the recorded compartments are {sorted(compartments)}")
    return panels


def _time_lim(objects: Sequence[SpikeEvents | Traces]) -> tuple[float, float] | None:
    times = [o.times for o in objects if len(o)]
    if not times:
        return None
    t = np.concatenate(times)
    lo, hi = float(t.min()), float(t.max())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def _inclusive(t0: float | None) -> float | None:
    """A window start that keeps a time exactly at ``t0`` (windows exclude their start)."""
    return None if t0 is None else t0 - 2 * TIME_TOL


def _draw(ax: Axes, panel: Panel, data: SpikeEvents | Traces, time_lim: tuple[float, float] | None,
          psth_bin_size: float) -> None:
    t0, t1 = time_lim if time_lim is not None else (None, None)
    if isinstance(data, Traces):
        tr = data.select(t_start=_inclusive(t0), t_stop=t1, variables=[panel.variable])
        traces(tr.times, tr.senders, tr.values[panel.variable],
               ylabel=f"{panel.variable} ({tr.units[panel.variable]})", title=panel.compartment, ax=ax)
    else:
        ev = data.select(t_start=_inclusive(t0), t_stop=t1)
        if panel.format == "raster":
            if len(ev) == 0:
                warnings.warn(f"plot_recordings: {panel.compartment} does not contain any spikes in the "
                              f"given time interval {time_lim} ms.", NoSpikesWarning, stacklevel=3)
                ax.text(0.5, 0.5, "no spikes", ha="center", va="center", transform=ax.transAxes)
            raster(ev.senders, ev.times, title=panel.compartment, ax=ax)
        else:
            b = psth_bin_size
            # a round first edge strictly below t0, since bins exclude their left edge
            start = float(np.ceil((t0 - TIME_TOL) / b) * b - b) if t0 is not None else 0.0
            psth(ev.times, b, start, None, max(ev.ids.size, 1), ax=ax, title=panel.compartment)
    if time_lim is not None:
        ax.set_xlim(*time_lim)


def _check_mapping(key: str, value: object, allowed: str) -> None:
    """Raise unless ``value`` is a mapping: other types fail later with a bare AttributeError."""
    if not isinstance(value, Mapping):
        raise bad_parameter("plot_recordings", key, type(value).__name__, allowed)


def _grid(shape: Sequence[int] | None, n_panels: int) -> tuple[int, int]:
    """``(rows, columns)``: ``shape`` checked, or one column with a row per panel."""
    grid = tuple(shape) if shape is not None else (max(n_panels, 1), 1)
    if len(grid) != 2 or min(grid) < 1:
        raise bad_parameter("plot_recordings", "shape", grid, "it must be (rows, columns), both >= 1")
    return int(grid[0]), int(grid[1])


def _choose(recordings: Mapping[str, Recording | Sequence[Recording]], plan: Mapping[str, Sequence[Any]],
            shape: tuple[int, int] | None, segment: int
            ) -> tuple[tuple[int, int], list[Panel], list[SpikeEvents | Traces]]:
    """The grid, the checked panels of ``plan`` and the data of each in ``segment``."""
    _check_mapping("recordings", recordings,
                   "give a dict compartment -> SpikeEvents, Traces, a recorder's events dict or a list "
                   "of these; the chunks of Monitors.get_recordings() are drawn by "
                   "spikesim.monitors.PlotRecordings")
    _check_mapping("plan", plan, "give a dict of equal-length lists 'position', 'compartment', "
                   "'variable' and 'format'")
    data = {str(c): _as_data(str(c), r) for c, r in recordings.items()}
    grid = _grid(shape, len(next(iter(plan.values()), [])))
    panels = parse_plan(plan, grid, list(data))
    return grid, panels, [_find(p, data[p.compartment]).select(segment=segment) for p in panels]


def _figure(panels: Sequence[Panel], chosen: Sequence[SpikeEvents | Traces], grid: tuple[int, int],
            figsize: tuple[float, float] | None, time_lim: tuple[float, float] | None,
            psth_bin_size: float, title: str | None) -> Figure:
    """A figure with one axes per panel of a ``grid``, drawn from the ``chosen`` data.

    ``time_lim`` (ms) defaults to the first to the last time of the chosen data.
    """
    require("matplotlib", feature="plotting")
    import matplotlib.pyplot as plt

    if time_lim is None:
        time_lim = _time_lim(chosen)
    rows, cols = grid
    fig = plt.figure(figsize=figsize or (4.0 * cols, 3.0 * rows))
    for p, d in zip(panels, chosen, strict=True):
        _draw(fig.add_subplot(rows, cols, p.position), p, d, time_lim, psth_bin_size)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_recordings(recordings: Mapping[str, Recording | Sequence[Recording]], plan: Mapping[str, Sequence[Any]],
                    shape: tuple[int, int] | None = None, segment: int = 0,
                    time_lim: tuple[float, float] | None = None, figname: str | None = None,
                    figsize: tuple[float, float] | None = None, psth_bin_size: float = 5.0,
                    title: str | None = None) -> Figure:
    """Draw the panels of ``plan`` for one segment; return the figure (and save it).

    Parameters
    ----------
    recordings : dict
        ``compartment -> data``: SpikeEvents, Traces, a recorder's events dict, or a list.
    plan : dict of lists
        ``position``, ``compartment``, ``variable``, ``format`` per panel (module doc).
    shape : (int, int), optional
        Rows and columns of the grid; default one column with a row per panel.
    segment : int, default 0
        The segment (CompNeuroPy: chunk) to draw.
    time_lim : (float, float), optional
        Time axis limits (ms), inclusive, shared by all panels; data outside is not
        drawn. Default: the segment's first to last recorded time.
    figname : str, optional
        Save the figure to this file too (format from the extension).
    figsize : (float, float), optional
        Figure size in inches; default 4 x 3 per panel.
    psth_bin_size : float, default 5.0
        Bin width (ms) of ``"psth"`` panels.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one axes per panel.

    Raises
    ------
    BadParameter
        ``recordings`` or ``plan`` is not a dict (``Monitors.get_recordings()`` is a
        list), the plan names an unknown compartment, variable, format or position,
        or ``shape`` is not ``(rows, columns)`` with both >= 1.

    Warns
    -----
    NoSpikesWarning
        A ``"raster"`` panel has no spikes in the time interval; it is drawn empty.

    Examples
    --------
    >>> spikes = SpikeEvents([1, 2, 1], [1.0, 2.0, 3.0])
    >>> plan = {"position": [1, 2], "compartment": ["pop", "pop"],
    ...         "variable": ["spike", "spike"], "format": ["raster", "psth"]}
    >>> fig = plot_recordings({"pop": spikes}, plan, shape=(2, 1))
    >>> [ax.get_title() for ax in fig.axes]
    ['pop', 'pop']
    """
    grid, panels, chosen = _choose(recordings, plan, shape, segment)
    fig = _figure(panels, chosen, grid, figsize, time_lim, psth_bin_size, title)
    if figname is not None:
        fig.savefig(figname)
    return fig
