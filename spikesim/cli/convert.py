"""``spikesim convert FILE --to nwb|csv|parquet``.

* ``nwb`` (needs ``pip install 'spikesim[nwb]'``): a recording of the hdf5 backend
  through :func:`spikesim.io.nwb.convert`; an ascii backend's file and a
  checkpoint's memory-backend recorders through :func:`spikesim.io.nwb.write_nwb_events`
  (an ascii file stores no recording window and no resolution: the units table has
  no observation intervals, and its resolution is ``--resolution`` or NaN).
* ``csv`` and ``parquet``: one long table of every device's events, a row per
  event: ``device`` (node id), ``model``, ``label``, then the event columns
  (``senders``, ``times`` in ms, the recorded variables; a checkpoint's memory
  recorders add ``segment``).  A column a device does not have is empty there
  (integer columns become nullable).  Parquet keeps the dtypes and stores the units
  (JSON, ``{device: {column: unit}}``) in the schema metadata key ``spikesim_units``;
  it needs pyarrow (``pip install 'spikesim[parquet]'``).

The output is written beside it and renamed into place, so a failed conversion
leaves no partial file.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from spikesim._optional import require
from spikesim.cli.summary import CliError, FileSummary

__all__ = ["FORMATS", "events_table", "nwb_records", "convert_file"]

FORMATS = ("nwb", "csv", "parquet")
#: columns every row has, before the event columns
ID_COLUMNS = ("device", "model", "label")


def events_table(s: FileSummary) -> Any:
    """Every device's events as one ``pandas.DataFrame`` (see the module's text).

    Parameters
    ----------
    s : FileSummary
        A file read with its events.

    Returns
    -------
    pandas.DataFrame
        A row per event; ``df.attrs["units"]`` maps device -> column -> unit.

    Raises
    ------
    CliError
        If the file holds no events (a checkpoint whose recorders wrote to files).
    """
    require("pandas", feature="--to csv and --to parquet")
    import pandas as pd
    frames, units = [], {}
    for d in s.devices:
        if d.events is None:
            continue
        n = int(np.asarray(d.events["senders"]).size)
        cols: dict[str, Any] = {"device": np.full(n, d.node_id, dtype=np.int64),
                                "model": np.full(n, d.model, dtype=object),
                                "label": np.full(n, d.label, dtype=object)}
        cols.update({k: np.asarray(v) for k, v in d.events.items()})
        frames.append(pd.DataFrame(cols))
        units[str(d.node_id)] = {k: d.units.get(k, "") for k in d.events}
    if not frames:
        raise CliError(f"{s.path} holds no recorded events (its recorders wrote to other files)")
    table = pd.concat(_nullable_where_missing(frames), ignore_index=True, sort=False)
    table.attrs["units"] = units
    return table


def _nullable_where_missing(frames: list[Any]) -> list[Any]:
    """Integer columns some frames lack as pandas' nullable ``Int64``, so that the
    concatenation keeps them integers (with <NA> where a device has no such column)."""
    columns = {c for f in frames for c in f.columns}
    for c in columns:
        having = [f for f in frames if c in f.columns]
        if len(having) < len(frames) and all(f[c].dtype.kind in "iu" for f in having):
            for f in having:
                f[c] = f[c].astype("Int64")
    return frames


def nwb_records(s: FileSummary, t_end: float | None = None) -> tuple[list[Any], Any]:
    """The devices of an ascii file or a checkpoint as NWB records, and the session.

    Parameters
    ----------
    s : FileSummary
        An ascii backend's file or a checkpoint, read with its events.
    t_end : float, optional
        End of the simulated time, ms, which ends windows without a stop (default:
        a checkpoint's simulated time, else the latest event time).

    Returns
    -------
    tuple
        A list of :class:`spikesim.io.nwb_records.DeviceRecord` and the
        :class:`~spikesim.io.nwb_records.SessionInfo`.

    Raises
    ------
    CliError
        If the file holds no events (a checkpoint whose recorders wrote to files).
    """
    from spikesim.io.nwb_records import DeviceRecord, SessionInfo, recording_window
    held = [d for d in s.devices if d.events is not None]
    if not held:
        raise CliError(f"{s.path} holds no recorded events (its recorders wrote to other files); "
                       "convert those files")
    latest = max((float(np.max(d.events["times"])) for d in held if d.events and len(d.events["times"])),
                 default=0.0)
    end = float(t_end if t_end is not None else s.network.get("time", latest))
    records = []
    for d in held:
        assert d.events is not None
        ev = {k: np.asarray(v) for k, v in d.events.items() if k != "segment"}
        windows = (recording_window(d.window[0], d.window[1], 0.0, end),) if np.isfinite(d.window[0]) else ()
        interval = d.params.get("interval")
        records.append(DeviceRecord(d.node_id, d.model, ev, {k: d.units.get(k, "") for k in ev}, d.label,
                                    windows, interval=float(interval) if interval is not None else None))
    prov = s.provenance
    version = str(prov.get("spikesim_version") or prov.get("written_by") or "unknown")
    extra = {"source_file": str(s.path), "source_kind": s.kind, "t_end_ms": end}
    seed = prov.get("seed")
    session = SessionInfo(float(prov.get("resolution") or math.nan), int(seed) if seed is not None else None,
                          version, extra=extra)
    return records, session


def _write_atomically(target: Path, overwrite: bool, write: Any) -> None:
    """Call ``write(tmp)`` for a temporary file beside ``target``, then rename it over ``target``."""
    if target.exists() and not overwrite:
        raise CliError(f"'{target}' exists; pass --overwrite to replace it")
    if not target.parent.is_dir():
        raise CliError(f"directory '{target.parent}' does not exist")
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as err:
        raise CliError(f"cannot write '{target}': {' '.join(str(err).split())}") from None
    finally:
        tmp.unlink(missing_ok=True)


def _parquet(table: Any, path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise CliError("--to parquet needs pyarrow: pip install 'spikesim[parquet]'") from None
    units = table.attrs.pop("units", {})
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    meta = dict(arrow.schema.metadata or {})
    meta[b"spikesim_units"] = json.dumps(units).encode()
    pq.write_table(arrow.replace_schema_metadata(meta), path)


def convert_file(s: FileSummary, to: str, out: Path | None, overwrite: bool = False,
                 nwb_options: dict[str, Any] | None = None) -> Path:
    """Convert a file read by :func:`spikesim.cli.files.load` to ``to``; returns the file written.

    Parameters
    ----------
    s : FileSummary
        The file (read with its events).
    to : str
        ``"nwb"``, ``"csv"`` or ``"parquet"``.
    out : Path or None
        The output file (default: the input with the suffix ``.nwb``/``.csv``/``.parquet``).
    overwrite : bool, default False
        Replace an existing output file.
    nwb_options : dict, optional
        Keyword arguments of :func:`spikesim.io.nwb.write_nwb` (``t_end`` in ms,
        ``session_description``).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    CliError
        If ``to`` is unknown, the output exists (without ``overwrite``) or cannot be
        written, there are no events to convert, or pyarrow/pynwb is missing.
    """
    if to not in FORMATS:
        raise CliError(f"--to {to!r} is not a format; use one of {', '.join(FORMATS)}")
    target = out if out is not None else s.path.with_suffix(f".{to}")
    if to == "nwb":
        from spikesim.io import nwb
        try:
            if s.kind == "recording":
                return nwb.convert(s.path, target, overwrite=overwrite, **(nwb_options or {}))
            records, session = nwb_records(s, (nwb_options or {}).get("t_end"))
            options = {k: v for k, v in (nwb_options or {}).items() if k != "t_end"}
            return nwb.write_nwb_events(target, records, session, overwrite=overwrite, **options)
        except FileExistsError as err:
            raise CliError(f"{' '.join(str(err).split())} (pass --overwrite to replace it)") from None
    table = events_table(s)
    if to == "csv":
        _write_atomically(target, overwrite, lambda p: table.to_csv(p, index=False))
    else:
        _write_atomically(target, overwrite, lambda p: _parquet(table, p))
    return target
