"""What the commands read: a recording (hdf5 or ascii backend) or a checkpoint, as one summary.

:func:`load` tells them apart by the ascii header or the HDF5 file's ``format``
attribute and returns a
:class:`~spikesim.cli.summary.FileSummary`: provenance, one device summary per
recording device (with its events where the file holds them) and, for a checkpoint,
the network.  Times are in ms.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.cli.asciifile import is_ascii_file, load_ascii
from spikesim.cli.checkpoints import load_checkpoint
from spikesim.cli.summary import CliError, DeviceSummary, FileSummary, device_kind
from spikesim.data.columnar import default_unit, times_ms

__all__ = ["load"]

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
RECORDING_FORMAT = "spikesim-recording"
CHECKPOINT_FORMAT = "spikesim-checkpoint"
#: device settings and file attributes shown by ``info``
_DEVICE_PARAMS: tuple[str, ...] = ("interval", "record_from", "time_in_steps", "layout")
_PROVENANCE: tuple[str, ...] = ("spikesim_version", "format", "format_version", "created", "seed", "resolution",
                                "hdf5_version")


def _file_format(path: Path) -> str:
    """The ``format`` attribute of an HDF5 file ("" when it has none).

    Raises
    ------
    CliError
        If the file does not exist, is a directory, or is not an HDF5 file.
    """
    if not path.exists():
        raise CliError(f"no such file: '{path}'")
    if path.is_dir():
        raise CliError(f"'{path}' is a directory; give a recording (.h5) or checkpoint file")
    with open(path, "rb") as fh:
        head = fh.read(len(_HDF5_SIGNATURE))
    if head != _HDF5_SIGNATURE:
        raise CliError(f"'{path}' is not a spikesim recording or checkpoint (not an HDF5 file, nor a "
                       "file of the ascii backend)")
    from spikesim.io.hdf5 import writer_flags
    from spikesim.io.hdf5_open import open_for_reading
    try:
        # a file its writer still has open (or left after a crash) opens only in SWMR mode
        live = bool(writer_flags(path) & (0x01 | 0x04))
        with open_for_reading(path, live) as f:
            fmt = f.attrs.get("format", "")
    except (OSError, RuntimeError, ValueError, KeyError) as err:
        raise CliError(f"cannot open '{path}': the file is damaged ({_one_line(err)})") from None
    return fmt.decode(errors="replace") if isinstance(fmt, bytes) else str(fmt)


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


def load(path: str | Path, events: bool = True, resolution: float | None = None) -> FileSummary:
    """Read a recording or a checkpoint file into a :class:`FileSummary`.

    Parameters
    ----------
    path : str or Path
        A file of the hdf5 recording backend, one device's file of the ascii backend,
        or one written by ``sim.checkpoint``.
    events : bool, default True
        Keep the devices' events (False: counts only, for ``info``).
    resolution : float, optional
        The simulation step, ms, for ascii files with times in steps.

    Raises
    ------
    CliError
        If the file is missing, damaged or of no such kind.
    """
    path = Path(path)
    if path.is_file() and is_ascii_file(path):
        return load_ascii(path, events, resolution)
    fmt = _file_format(path)
    if fmt == CHECKPOINT_FORMAT:
        return load_checkpoint(path, events)
    return _load_recording(path, events)


def _recording_device(node_id: int, meta: dict[str, Any], ev: dict[str, np.ndarray], resolution: float | None,
                      keep: bool) -> DeviceSummary:
    """One device of a recording file (times converted to ms)."""
    if "offsets" in ev:  # time_in_steps: steps and offsets to ms
        ev["times"] = times_ms("spikesim info", ev, resolution)
        del ev["offsets"]
    columns = [c for c in meta.get("columns", list(ev)) if c != "offsets"]
    declared = meta.get("units", {})
    units = {c: declared.get(c) or ("" if c in ("senders", "targets") else default_unit(c)) for c in columns}
    units["times"] = "ms"
    origin = float(meta.get("origin", 0.0))
    window = (origin + float(meta.get("start", 0.0)), origin + float(meta.get("stop", math.inf)))
    params = {k: meta[k] for k in _DEVICE_PARAMS if k in meta}
    model = str(meta.get("model", "?"))
    return DeviceSummary(int(node_id), model, str(meta.get("label") or ""), device_kind(model, columns), columns,
                         units, int(np.asarray(ev["senders"]).size), window, params, ev if keep else None)


def _load_recording(path: Path, keep: bool) -> FileSummary:
    from spikesim.io import RecordingFileError, read
    try:
        rec = read(path)
    except (RecordingFileError, OSError) as err:
        raise CliError(_one_line(err)) from None
    resolution = rec.attrs.get("resolution")
    devices = [_recording_device(i, meta, dict(rec[i]), resolution, keep) for i, meta in rec.devices.items()]
    prov = {k: rec.attrs[k] for k in _PROVENANCE if k in rec.attrs}
    return FileSummary(path, "recording", path.stat().st_size, prov, devices)
