"""``spikesim plot FILE``: one panel per device, drawn with :mod:`spikesim.plotting`.

Spike devices: raster with the population rate below (spikes/s per neuron that
spiked, 5 ms bins); multimeters: traces of each variable (up to
:data:`MAX_TRACES` senders); weight recorders: the histogram of the recorded weights.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from spikesim._optional import require
from spikesim.cli.summary import CliError, DeviceSummary, FileSummary

__all__ = ["MAX_TRACES", "plot_file"]

#: senders drawn per multimeter variable (the first ones by node id)
MAX_TRACES = 10


def _title(s: FileSummary, d: DeviceSummary) -> str:
    return f"{d.model} {d.name} ({s.path.name})"


def _spikes(fig: Any, s: FileSummary, d: DeviceSummary, ev: dict[str, np.ndarray]) -> None:
    from spikesim.plotting import raster
    raster(np.asarray(ev["senders"]), np.asarray(ev["times"], dtype=float), hist=True,
           title=f"{_title(s, d)}: {d.n_events} spikes", fig=fig)


def _samples(fig: Any, s: FileSummary, d: DeviceSummary, ev: dict[str, np.ndarray]) -> None:
    from spikesim.plotting import traces
    variables = [c for c in d.columns if c not in ("senders", "times", "segment")] or ["(none)"]
    senders = np.asarray(ev["senders"])
    shown = np.isin(senders, np.unique(senders)[:MAX_TRACES])
    axes = fig.subplots(len(variables), 1, sharex=True, squeeze=False)[:, 0]
    for i, (ax, var) in enumerate(zip(axes, variables, strict=True)):
        if var not in ev:
            ax.set_title(f"{_title(s, d)}: no variables recorded")
            continue
        title = _title(s, d) if i == 0 else None
        traces(np.asarray(ev["times"], dtype=float)[shown], senders[shown], np.asarray(ev[var])[shown],
               ylabel=f"{var} ({d.units.get(var) or 'dimensionless'})", title=title, ax=ax)


def _weights(fig: Any, s: FileSummary, d: DeviceSummary, ev: dict[str, np.ndarray]) -> None:
    from spikesim.plotting import weight_histogram
    ax = fig.add_subplot(111)
    weight_histogram(np.asarray(ev["weights"], dtype=float), ax=ax, histtype="stepfilled",
                     title=f"{_title(s, d)}: {d.n_events} weight events", xlabel="Weight (model units)")
    ax.set_ylabel("Count")


_DRAW = {"spikes": _spikes, "samples": _samples, "weights": _weights}


def _plottable(s: FileSummary, device: str | None) -> list[DeviceSummary]:
    """The devices to draw: those named, else all whose events the file holds.

    Raises
    ------
    CliError
        If a named device's events are elsewhere, or there is nothing to draw.
    """
    chosen = s.select(device)
    missing = [d for d in chosen if d.events is None]
    if device is not None and missing:
        where = missing[0].params.get("file", "another file")
        raise CliError(f"the events of {missing[0].name} are not in {s.path} but in {where}; plot that file")
    chosen = [d for d in chosen if d.events is not None]
    if not chosen:
        raise CliError(f"{s.path} holds no recorded events to plot")
    return chosen


def draw_file(s: FileSummary, device: str | None) -> Any:
    """Draw the devices of a file into one matplotlib figure and return it.

    Parameters
    ----------
    s : FileSummary
        A file read with its events (:func:`spikesim.cli.files.load`).
    device : str or None
        A label or node id (None: every device whose events the file holds).

    Raises
    ------
    CliError
        If the device is unknown or there is nothing to draw.
    """
    require("matplotlib", feature="spikesim plot")
    import matplotlib.pyplot as plt
    chosen = _plottable(s, device)
    fig = plt.figure(figsize=(9.0, 4.5 * len(chosen)))
    subfigs: list[Any] = [fig] if len(chosen) == 1 else list(fig.subfigures(len(chosen), 1, squeeze=False)[:, 0])
    for sub, d in zip(subfigs, chosen, strict=True):
        assert d.events is not None
        _DRAW[d.kind](sub, s, d, d.events)
    return fig


def plot_file(s: FileSummary, device: str | None, out: Path | None) -> Path:
    """Draw the devices of a file (:func:`draw_file`) and save the figure.

    Parameters
    ----------
    s : FileSummary
        A file read with its events (:func:`spikesim.cli.files.load`).
    device : str or None
        A label or node id (None: every device whose events the file holds).
    out : Path or None
        The image file (the format from its suffix: .png, .pdf, .svg ...); None: ``<FILE>.png``.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    CliError
        If the device is unknown, there is nothing to draw, or the image cannot be written.
    """
    require("matplotlib", feature="spikesim plot")
    import matplotlib
    matplotlib.use("Agg", force=True)  # a command writes a file; it never opens a window
    import matplotlib.pyplot as plt
    fig = draw_file(s, device)
    target = out if out is not None else s.path.with_suffix(".png")
    try:
        fig.savefig(target, dpi=100)
    except (OSError, ValueError) as err:
        raise CliError(f"cannot write the figure '{target}': {' '.join(str(err).split())}") from None
    finally:
        plt.close(fig)
    return target
