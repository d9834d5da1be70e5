"""The layout of the hdf5 recording backend's files, shared by its writer and the reader.

Layout (``format_version`` 2)::

    /                    attrs: format="spikesim-recording", format_version,
                         spikesim_version, hdf5_version, resolution (ms),
                         tics_per_ms, seed, created (UTC, ISO 8601)
    /devices/<node id>   attrs: node_id, model, label, columns, time_in_steps,
                         start, stop, origin (ms) [, interval, offset (ms), record_from]
        <column>         1-D dataset per column of the device's batches
                         (senders, times, [offsets], one per recorded variable),
                         chunked, compressed, Fletcher-32 checksummed; attr ``unit``
        n_rows           int64[1]: rows committed by the last flush
    /devices/<node id>   a multimeter (attr layout="grid"): its samples as grids
        grid<k>/         k = 0, 1, ...: a new grid when the sampled neurons change
            senders      int64[n]: the sampled node ids (columns of the grids)
            times        the sampling times (one per row) [, offsets]
            <variable>   2-D dataset (time x sender) per recorded variable, chunked
                         (rows of about ``chunk_rows`` values), compressed, checksummed
            n_rows       int64[1]: time rows committed by the last flush

A multimeter samples all its neurons at every sampling time, so a grid stores each
value once, without a sender and a time beside it: a third of the bytes of rows.
:func:`grid_rows_of` returns either layout as the same rows (time-major, senders
ordered within a time).  Version 1 files (rows only) are still read.

Times are ms (``unit="ms"``) or, when the device records ``time_in_steps``, integer
steps (``unit="steps"``) plus an ``offsets`` column in ms.

h5py ships no type information, so its groups and datasets are typed ``Any`` here
(:data:`H5Group`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: the file's ``format`` attribute
FORMAT = "spikesim-recording"
#: the file's ``format_version`` attribute: the newest layout written and read
FORMAT_VERSION = 2

#: the group holding one group per device, named by node id
DEVICES = "devices"
#: the dataset (int64[1]) announcing the rows (grids: time rows) of the last flush
N_ROWS = "n_rows"
#: the device attribute marking a multimeter's grids, and its value
LAYOUT_ATTR = "layout"
GRID_LAYOUT = "grid"
#: the name prefix of a multimeter's grids (``grid0``, ``grid1`` ...)
GRID_PREFIX = "grid"
#: the dataset attribute holding a column's unit
UNIT_ATTR = "unit"
#: the columns of the sending node ids and of the sampling times
SENDERS = "senders"
TIME_COLUMNS = ("times", "offsets")

#: an h5py group (h5py is untyped)
H5Group = Any

Batch = dict[str, np.ndarray]


def device_name(node_id: int) -> str:
    """The name of a device's group inside :data:`DEVICES`."""
    return str(node_id)


def grid_name(k: int) -> str:
    """The name of a multimeter's ``k``-th grid."""
    return f"{GRID_PREFIX}{k}"


def grid_names(g: H5Group) -> list[str]:
    """The grids of a device group ``g``, oldest first."""
    return sorted((k for k in g if k.startswith(GRID_PREFIX)), key=lambda k: int(k[len(GRID_PREFIX):]))


def grid_number(name: str) -> int:
    """``k`` of the grid named ``grid<k>``."""
    return int(name[len(GRID_PREFIX):])


def grid_keys(columns: tuple[str, ...]) -> list[str]:
    """The datasets of a grid of a device with ``columns``."""
    return [c for c in columns if c != SENDERS] + [SENDERS, N_ROWS]


def grid_rows_of(g: H5Group, columns: list[str] | tuple[str, ...], time_in_steps: bool,
                 last_rows: int | None = None) -> Batch:
    """The rows of a multimeter stored as grids (layout "grid"): time-major, senders
    ordered within a time, like the rows the device hands to the other backends.

    Parameters
    ----------
    g : h5py group
        The device's group.
    columns : sequence of str
        The device's columns (``senders``, ``times`` [, ``offsets``], variables).
    time_in_steps : bool
        Whether ``times`` are integer steps (else ms): the dtype of an empty result.
    last_rows : int, optional
        Read the last grid up to this many time rows (the writer's own view) instead
        of up to its ``n_rows`` (the last flush); the other grids always to ``n_rows``.

    Returns
    -------
    dict of str to np.ndarray
        One array per column, equally long.

    Raises
    ------
    ValueError
        If a dataset of a grid holds fewer rows than its ``n_rows`` (a damaged file).
    """
    names = grid_names(g)
    parts: dict[str, list[np.ndarray]] = {c: [] for c in columns}
    for i, k in enumerate(names):
        b = g[k]
        n = last_rows if last_rows is not None and i == len(names) - 1 else int(b[N_ROWS][0])
        senders = b[SENDERS][:]
        for c in columns:
            if c == SENDERS:
                parts[c].append(np.tile(senders, n))
                continue
            ds = b[c]
            if ds.shape[0] < n:
                raise ValueError(f"grid {k} column '{c}' has {ds.shape[0]} rows but n_rows says {n}")
            parts[c].append(np.repeat(ds[:n], senders.size) if c in TIME_COLUMNS else ds[:n].reshape(-1))
    out: Batch = {}
    for c in columns:
        if parts[c]:
            out[c] = np.concatenate(parts[c]) if len(parts[c]) > 1 else parts[c][0]
        else:
            out[c] = np.zeros(0, dtype=np.int64 if c == SENDERS or (c == "times" and time_in_steps) else np.float64)
    return out
