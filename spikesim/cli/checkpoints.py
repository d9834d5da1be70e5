"""A checkpoint file as the commands see it: its recorders, their events, the network.

A checkpoint (:mod:`spikesim.io.checkpoint`) holds every recorder's settings and
count; the events of recorders of the memory backend are in its arrays
(``pop{i}/dev{j}/events/<column>``), those of file backends in their own files.
"""

from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.cli.summary import CliError, DeviceSummary, FileSummary, device_kind
from spikesim.data.columnar import default_unit, times_ms

__all__ = ["load_checkpoint"]


def _number(v: Any, default: float) -> float:
    """A stored window bound (``"inf"`` for infinity) as a float (ms)."""
    if v is None:
        return default
    if isinstance(v, str):
        return math.inf if v == "inf" else -math.inf if v == "-inf" else float(v)
    return float(v)


def _root_attrs(path: Path) -> dict[str, Any]:
    import h5py
    with h5py.File(path, "r", locking=False) as f:
        return {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in f.attrs.items()
                if k in ("spikesim_version", "format", "format_version")}


def _device(pop: dict[str, Any], j: int, prefix: str, arrays: dict[str, np.ndarray], resolution: float,
            keep: bool) -> DeviceSummary:
    """The j-th device of a recorder population ``pop`` (arrays under ``prefix``)."""
    dev = pop["devices"][j]
    p = dev.get("p", {})
    model = str(pop["model"])
    ev = {k.removeprefix(prefix): v for k, v in arrays.items() if k.startswith(prefix)}
    if "offsets" in ev:
        ev["times"] = times_ms("spikesim info", ev, resolution)
        del ev["offsets"]
    columns = ["senders", "times", *[c for c in ev if c not in ("senders", "times")]]
    if not ev:  # recorded to a file: the columns are the settings'
        columns += list(p.get("record_from", []))
        columns += ["targets", "weights"] if model == "weight_recorder" else []
    units = {c: "" if c in ("senders", "targets", "segment") else "ms" if c == "times" else default_unit(c)
             for c in columns}
    origin = _number(p.get("origin"), 0.0)
    window = (origin + _number(p.get("start"), 0.0), origin + _number(p.get("stop"), math.inf))
    params = {k: p[k] for k in ("interval", "record_from", "record_to", "time_in_steps") if k in p}
    state = dev.get("backend_state") or {}
    if isinstance(state, dict) and state.get("path"):
        params["file"] = state["path"]
    label = str(p.get("label") or (pop.get("label") if pop.get("n") == 1 else "") or "")
    return DeviceSummary(int(pop["first"]) + j, model, label, device_kind(model, columns), columns, units,
                         int(dev.get("n_events", 0)), window, params, (ev if keep else None) if ev else None)


def _network(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    k = meta["kernel"]
    pops = [{"model": p["model"], "n": int(p["n"]), "label": p.get("label") or "", "kind": p.get("kind", "")}
            for p in meta["populations"]]
    n_conn = sum(int(v.size) for key, v in arrays.items() if key.startswith("proj") and key.endswith("/tgt"))
    return {"time": float(k["step"]) * float(k["resolution"]), "num_nodes": int(k["num_nodes"]),
            "populations": pops, "num_connections": n_conn,
            "synapse_models": sorted({p.get("synapse_model", "?") for p in meta["projections"]})}


def load_checkpoint(path: Path, keep: bool = True) -> FileSummary:
    """Read a checkpoint file into a :class:`~spikesim.cli.summary.FileSummary`.

    Parameters
    ----------
    path : Path
        A file written by ``sim.checkpoint``.
    keep : bool, default True
        Keep the events of memory-backend recorders.

    Raises
    ------
    CliError
        If the checkpoint is damaged (checksum, metadata) or from a newer format.
    """
    from spikesim.io import checkpoint
    from spikesim.io.container import FileFormatError
    try:
        meta, arrays = checkpoint.read(path)
        attrs = _root_attrs(path)
        k = meta["kernel"]
        resolution = float(k["resolution"])
        devices = [_device(pop, j, f"pop{i}/dev{j}/events/", arrays, resolution, keep)
                   for i, pop in enumerate(meta["populations"]) if pop.get("kind") == "recorder"
                   for j in range(len(pop.get("devices", [])))]
        network = _network(meta, arrays)
    except (FileFormatError, OSError, KeyError, TypeError, ValueError) as err:
        raise CliError(f"cannot read the checkpoint '{path}': {' '.join(str(err).split())}") from None
    mtime = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC).isoformat(timespec="seconds")
    prov = {**attrs, "written": mtime, "seed": k["seed"], "resolution": resolution, "threads": k.get("threads")}
    return FileSummary(path, "checkpoint", path.stat().st_size, prov, devices, network)
