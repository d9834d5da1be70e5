"""spikesim's own file container: self-describing, versioned, atomic, checksummed.

One HDF5 file (h5py) holds named numpy arrays (datasets) and one JSON document of
metadata (the root attribute ``meta``).  HDF5 because it is the field's common
ground (NWB and NEST's SIONlib-free tools read it), stores large arrays at disk
speed with partial reads, and can hold no code: nothing in it is ever unpickled.

* Root attributes: ``format`` (what the file is), ``format_version``,
  ``spikesim_version``, ``units`` (JSON), ``meta`` (JSON), ``checksum``.
* ``checksum`` is ``sha256:<hex>`` over every dataset (path, dtype, shape, bytes, in
  sorted order) and the other root attributes; :func:`read` recomputes it and
  refuses a truncated or altered file.
* :func:`write` writes a temporary file beside the target, fsyncs it and renames it
  over the target, so a reader never sees a half-written file and an existing file
  survives a failed write.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from spikesim._optional import require
from spikesim.errors import SpikesimError

#: the newest container version this spikesim reads and the one it writes
FORMAT_VERSION = 1
#: HDF5 file format bounds: the oldest format that holds the file, at most HDF5 1.10's,
#: so HDF5 1.10 and later tools read it whatever HDF5 h5py bundles
LIBVER = ("earliest", "v110")


class FileFormatError(SpikesimError, ValueError):
    """A file that is not a valid spikesim file (truncated, altered, other format or newer)."""


def _checksum(attrs: dict[str, str], arrays: dict[str, np.ndarray]) -> str:
    """``sha256:<hex>`` over the attributes and every array (path, dtype, shape, bytes)."""
    h = hashlib.sha256()
    for k in sorted(attrs):
        h.update(f"{k}={attrs[k]}\n".encode())
    for path in sorted(arrays):
        a = np.ascontiguousarray(arrays[path])
        h.update(f"{path}|{a.dtype.str}|{a.shape}\n".encode())
        h.update(a.data.cast("B"))
    return "sha256:" + h.hexdigest()


def _json_default(v: object) -> object:
    """JSON for numpy values and sets in metadata (sets as sorted lists)."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (set, frozenset)):
        return sorted(v)
    raise TypeError(f"cannot store a {type(v).__name__} in spikesim's metadata")


def write(path: str | Path, fmt: str, meta: dict[str, Any], arrays: dict[str, np.ndarray],
          units: dict[str, str] | None = None) -> Path:
    """Write ``arrays`` and ``meta`` atomically to ``path`` (an .h5 file).

    Parameters
    ----------
    path : str or Path
        The file to write; its directory must exist.
    fmt : str
        What the file is (the ``format`` attribute :func:`read` checks).
    meta : dict[str, Any]
        JSON-able metadata (numpy values and sets are converted).
    arrays : dict[str, np.ndarray]
        Datasets by path (``a/b``); numbers and booleans only.
    units : dict[str, str], optional
        Units of what the arrays hold (ms, mV, pA ...), stored as JSON.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    FileNotFoundError
        If the directory does not exist.
    TypeError
        If an array holds anything but numbers or booleans, or ``meta`` a value JSON
        cannot hold.
    """
    from spikesim._version import __version__

    path = Path(path)
    if not path.parent.exists():
        raise FileNotFoundError(f"directory '{path.parent}' does not exist")
    arrays = {k.strip("/"): np.ascontiguousarray(v) for k, v in arrays.items()}
    for k, v in arrays.items():
        if v.dtype.kind not in "biuf":
            raise TypeError(f"array '{k}' has dtype {v.dtype}; only numbers and booleans are stored")
    attrs = {
        "format": fmt,
        "format_version": str(FORMAT_VERSION),
        "spikesim_version": __version__,
        "units": json.dumps(units or {}, sort_keys=True),
        "meta": json.dumps(meta, default=_json_default, sort_keys=True),
    }
    attrs["checksum"] = _checksum(attrs, arrays)
    _replace_atomically(path, attrs, arrays)
    return path


def _replace_atomically(path: Path, attrs: dict[str, str], arrays: dict[str, np.ndarray]) -> None:
    """Write a temporary file beside ``path``, fsync it, rename it over ``path`` and
    fsync the directory; the temporary file never survives a failure."""
    import h5py

    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with h5py.File(tmp, "w", libver=LIBVER) as f:
            for k, v in arrays.items():
                f.create_dataset(k, data=v)
            for k, text in attrs.items():
                f.attrs[k] = text
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    finally:
        if tmp.exists():
            tmp.unlink()


def read(path: str | Path, fmt: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read and verify a file written by :func:`write`; returns (meta, arrays).

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    FileFormatError
        If it is not HDF5, holds another format than ``fmt``, comes from a newer
        format version, is damaged or fails its checksum.
    """
    import h5py

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: '{path}'")
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise FileFormatError(f"'{path}' is not a readable spikesim file (truncated or not HDF5): {exc}") from None
    try:
        with f:
            attrs, arrays = _contents(f, path, fmt)
        stored = attrs.pop("checksum", None)
        if stored is None or stored != _checksum(attrs, arrays):
            raise FileFormatError(f"'{path}' failed its checksum: the file was altered or is incomplete")
        meta = json.loads(attrs["meta"])
    except FileFormatError:
        raise
    except _DAMAGE as exc:
        raise FileFormatError(f"'{path}' is damaged: {type(exc).__name__}: {exc}") from None
    if not isinstance(meta, dict):
        raise FileFormatError(f"'{path}' is damaged: its metadata is a {type(meta).__name__}, not a dict")
    return meta, arrays


#: what h5py, numpy and json raise on a damaged file (h5py: KeyError for an object it
#: cannot open, RuntimeError/ValueError for bad metadata; UnicodeError for bad text)
_DAMAGE = (OSError, KeyError, RuntimeError, ValueError, TypeError, IndexError, UnicodeError,
           OverflowError, AttributeError)


def _contents(f: Any, path: Path, fmt: str) -> tuple[dict[str, str], dict[str, np.ndarray]]:
    """The root attributes (as text) and every dataset of an open file of format ``fmt``."""
    import h5py

    attrs = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in f.attrs.items()}
    if attrs.get("format") != fmt:
        raise FileFormatError(f"'{path}' holds '{attrs.get('format', 'no spikesim format')}', not '{fmt}'")
    try:
        version = int(attrs["format_version"])
    except (KeyError, ValueError):
        raise FileFormatError(f"'{path}' has no valid format_version") from None
    if version > FORMAT_VERSION:
        raise FileFormatError(f"'{path}' has format version {version}; this spikesim "
                              f"({attrs.get('spikesim_version')}) reads up to {FORMAT_VERSION}: upgrade spikesim")
    limit = 1100 * max(path.stat().st_size, 1) + (1 << 20)
    arrays: dict[str, np.ndarray] = {}

    def visit(name: str, obj: object) -> None:
        if isinstance(obj, h5py.Dataset):
            # gzip expands at most ~1030 times: larger is a damaged shape, not data
            if obj.size * obj.dtype.itemsize > limit:
                raise FileFormatError(f"'{path}' is damaged: dataset '{name}' claims {obj.shape} "
                                      f"{obj.dtype} values, more than the file can hold")
            arrays[name] = obj[()]
    f.visititems(visit)
    return attrs, arrays


def save_state(path: str | Path, data: dict[str, Any]) -> Path:
    """Store chosen aspects of a simulation: a dict of arrays, DataFrames and plain values.

    DataFrames keep their columns (numbers only) and index; plain values (numbers,
    strings, lists of them) go into the metadata.  Read it back with :func:`load_state`.

    Raises
    ------
    ValueError
        If a key contains "/".
    TypeError
        If a value cannot be stored (see :func:`write`).
    """
    pd = sys.modules.get("pandas")  # a DataFrame exists only if pandas was imported

    meta: dict[str, Any] = {"items": {}}
    arrays: dict[str, np.ndarray] = {}
    for key, v in data.items():
        if "/" in key:
            raise ValueError(f"save_state: key '{key}' must not contain '/'")
        if pd is not None and isinstance(v, pd.DataFrame):
            meta["items"][key] = {"kind": "dataframe", "columns": [str(c) for c in v.columns],
                                  "index_name": v.index.name}
            arrays[f"{key}/index"] = np.asarray(v.index)
            for i, c in enumerate(v.columns):
                arrays[f"{key}/c{i}"] = np.asarray(v[c])
        elif isinstance(v, np.ndarray):
            meta["items"][key] = {"kind": "array"}
            arrays[key] = v
        else:
            meta["items"][key] = {"kind": "value", "value": v}
    return write(path, "spikesim-state", meta, arrays)


def load_state(path: str | Path) -> dict[str, Any]:
    """Read what :func:`save_state` stored.

    Raises
    ------
    FileNotFoundError, FileFormatError
        As :func:`read`.
    """
    meta, arrays = read(path, "spikesim-state")
    out: dict[str, Any] = {}
    for key, item in meta["items"].items():
        if item["kind"] == "dataframe":
            pd = require("pandas", feature="load_state of a DataFrame")
            cols = {c: arrays[f"{key}/c{i}"] for i, c in enumerate(item["columns"])}
            idx = pd.Index(arrays[f"{key}/index"], name=item["index_name"])
            out[key] = pd.DataFrame(cols, index=idx)
        elif item["kind"] == "array":
            out[key] = arrays[key]
        else:
            out[key] = item["value"]
    return out
