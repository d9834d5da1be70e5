"""A file of the ascii recording backend (or NEST's) as the commands see it.

The backend writes one text file per device, in NEST's layout: two comment lines
(the writer's version, ``# RecordingBackendASCII version: N``), a line of
tab-separated column names (``sender``, ``time_ms`` or ``time_step time_offset``,
then the recorded values) and one row per event.  The file name is
``data_prefix + (label or model) + "-" + node id + "-" + vp + "." + extension``.

The header names neither the model nor the units, so they are inferred: a file with
a ``weights`` column is a weight recorder's, one with other value columns a
multimeter's (a voltmeter's when its name says so), else a spike recorder's; units
are those the installed models declare for each variable
(:func:`spikesim.data.columnar.default_unit`).  Times in steps are converted to ms
with the resolution the user gives (``--resolution``).
"""

from __future__ import annotations

import datetime
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.cli.summary import CliError, DeviceSummary, FileSummary, device_kind
from spikesim.data.columnar import default_unit

__all__ = ["ASCII_MARK", "is_ascii_file", "load_ascii"]

#: the second header line starts with this
ASCII_MARK = "# RecordingBackendASCII version:"
#: header column -> event column
_RENAME = {"sender": "senders", "time_ms": "times", "time_step": "times", "time_offset": "offsets"}
#: event columns that hold integers
_INTEGER = ("senders", "targets", "receptors", "ports")
_NAME = re.compile(r"^(?P<name>.*)-(?P<node>\d+)-(?P<vp>\d+)\.[^.]*$")
_MODELS = ("spike_recorder", "multimeter", "voltmeter", "weight_recorder", "spin_detector")


def _header(path: Path) -> list[str] | None:
    """The three header lines, or None when the file does not start with them."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = [fh.readline() for _ in range(3)]
    except OSError:
        return None
    if not (lines[0].startswith("# ") and lines[1].startswith(ASCII_MARK) and lines[2].strip()):
        return None
    return [line.rstrip("\n") for line in lines]


def is_ascii_file(path: Path) -> bool:
    """Whether ``path`` starts with the ascii backend's (or NEST's) three header lines."""
    return _header(path) is not None


def _read_rows(path: Path, n_columns: int) -> np.ndarray:
    """The rows as a float array of shape (n, n_columns).

    Raises
    ------
    CliError
        If a row does not have ``n_columns`` numbers.
    """
    try:
        with open(path, encoding="utf-8") as fh:
            body = fh.readlines()[3:]
        rows = [line for line in body if line.strip()]
        if not rows:
            return np.empty((0, n_columns))
        table = np.loadtxt(rows, ndmin=2, dtype=np.float64)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise CliError(f"cannot read the ascii recording '{path}': {' '.join(str(err).split())}") from None
    if table.shape[1] != n_columns:
        raise CliError(f"cannot read the ascii recording '{path}': its rows have {table.shape[1]} values, "
                       f"its header names {n_columns} columns")
    return table


def _columns(path: Path, raw: list[str]) -> list[str]:
    """The event columns the header names, checked: a sender and one time column
    (``time_ms``, or ``time_step`` with ``time_offset``), no repeats, names only."""
    columns = [_RENAME.get(c, c) for c in raw]
    problem = ""
    if "senders" not in columns or columns.count("times") != 1:
        problem = "no 'sender' and time column ('time_ms' or 'time_step')"
    elif ("offsets" in columns) != ("time_step" in raw):
        problem = "'time_step' and 'time_offset' go together"
    elif len(set(columns)) != len(columns):
        problem = "a column named twice"
    elif not all(c.isidentifier() and c.isascii() for c in columns):
        problem = "a column name that is not a name"
    if problem:
        raise CliError(f"cannot read the ascii recording '{path}': its header line {' '.join(raw)!r} has {problem}")
    return columns


def _integers(path: Path, column: str, values: np.ndarray) -> np.ndarray:
    """``values`` as int64, refusing what is not a whole number an int64 holds."""
    bad = ~np.isfinite(values) | (values != np.round(values)) | (np.abs(values) > 2.0**62)
    if bad.any():
        raise CliError(f"cannot read the ascii recording '{path}': its column '{column}' holds "
                       f"{values[bad][0]!r}, not a node id or other whole number")
    return values.astype(np.int64)


def _identity(path: Path, columns: list[str]) -> tuple[int, str, str]:
    """Node id, model and label, from the file name and the columns."""
    m = _NAME.match(path.name)
    name, node = (m["name"], int(m["node"])) if m else (path.stem, 0)
    named = [mod for mod in _MODELS if name == mod or name.endswith(mod)]
    if "weights" in columns:
        model = "weight_recorder"
    elif any(c not in ("senders", "times", "offsets") for c in columns):
        model = "voltmeter" if named == ["voltmeter"] else "multimeter"
    else:
        model = named[0] if named and named[0] in ("spike_recorder", "spin_detector") else "spike_recorder"
    return node, model, "" if named else name


def load_ascii(path: Path, keep: bool = True, resolution: float | None = None) -> FileSummary:
    """Read one device's file of the ascii backend into a :class:`FileSummary`.

    Parameters
    ----------
    path : Path
        A ``.dat`` file written by the ascii backend (spikesim's or NEST's).
    keep : bool, default True
        Keep the events (False: counts only).
    resolution : float, optional
        The simulation step, ms; needed only for files with times in steps.

    Raises
    ------
    CliError
        If the file is not such a file, its header lacks a sender or time column,
        a row does not match the header, an id
        column holds something other than whole numbers, or the
        times are in steps and ``resolution`` is missing or not positive.
    """
    header = _header(path)
    if header is None:
        raise CliError(f"'{path}' is not a recording of the ascii backend (no '{ASCII_MARK}' header)")
    raw = header[2].split()
    columns = _columns(path, raw)
    table = _read_rows(path, len(columns))
    ev = {c: _integers(path, c, table[:, i]) if c in _INTEGER else table[:, i] for i, c in enumerate(columns)}
    if "offsets" in ev:
        if resolution is None or not resolution > 0:
            raise CliError(f"'{path}' holds times in steps; pass --resolution MS (the simulation step) "
                           "to convert them to ms")
        ev["times"] = ev["times"] * resolution - ev["offsets"]
        del ev["offsets"]
    columns = [c for c in columns if c != "offsets"]
    node, model, label = _identity(path, columns)
    units = {c: "" if c in _INTEGER else "ms" if c == "times" else default_unit(c) for c in columns}
    writer, version = header[0][2:].split(":", 1) if ":" in header[0] else (header[0][2:], "")
    mtime = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC).isoformat(timespec="seconds")
    prov: dict[str, Any] = {"written_by": f"{writer.removesuffix(' version').strip()} {version.strip()}".strip(),
            "format_version": header[1].removeprefix(ASCII_MARK).strip(), "written": mtime}
    if resolution is not None:
        prov["resolution"] = resolution
    n = int(ev["senders"].size)
    dev = DeviceSummary(node, model, label, device_kind(model, columns), columns, units, n,
                        (-math.inf, math.inf), {"layout": "\t".join(raw)}, ev if keep else None)
    return FileSummary(path, "ascii", path.stat().st_size, prov, [dev])
