"""``spikesim info FILE``: what a recording or a checkpoint holds, as text or JSON."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from spikesim.cli.summary import DeviceSummary, FileSummary

__all__ = ["as_dict", "as_json", "as_text"]


def _json_number(v: Any) -> Any:
    """JSON for a value: infinities as ``"inf"``/``"-inf"``, numpy scalars as Python numbers."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if isinstance(v, (list, tuple)):
        return [_json_number(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _json_number(x) for k, x in v.items()}
    return v


def _time_span(d: DeviceSummary) -> tuple[float, float] | None:
    """First and last event time (ms), when the events are at hand and there are some."""
    if d.events is None or not np.asarray(d.events["times"]).size:
        return None
    t = np.asarray(d.events["times"], dtype=float)
    return float(t.min()), float(t.max())


def _n_senders(d: DeviceSummary) -> int | None:
    return None if d.events is None else int(np.unique(np.asarray(d.events["senders"])).size)


def _device_dict(d: DeviceSummary) -> dict[str, Any]:
    span = _time_span(d)
    return {"node_id": d.node_id, "model": d.model, "label": d.label, "kind": d.kind, "n_events": d.n_events,
            "n_senders": _n_senders(d), "columns": d.columns, "units": d.units,
            "variables": [c for c in d.columns if c not in ("senders", "times", "segment")],
            "window_ms": list(d.window) if math.isfinite(d.window[0]) else None,
            "first_event_ms": span[0] if span else None,
            "last_event_ms": span[1] if span else None, "events_in_file": d.events is not None, **d.params}


def as_dict(s: FileSummary) -> dict[str, Any]:
    """The summary as JSON-able data (``spikesim info --json``); times in ms, size in bytes.

    Parameters
    ----------
    s : FileSummary
        What :func:`spikesim.cli.files.load` read (counts are enough).

    Returns
    -------
    dict
        ``path``, ``kind``, ``size_bytes``, ``provenance``, ``devices`` (node id, model,
        label, kind, counts, columns, units, window, first and last event time ...) and,
        for a checkpoint, ``network``.
    """
    out: dict[str, Any] = {"path": str(s.path), "kind": s.kind, "size_bytes": s.size,
                           "provenance": s.provenance, "devices": [_device_dict(d) for d in s.devices]}
    if s.network:
        out["network"] = s.network
    result: dict[str, Any] = _json_number(out)
    return result


def as_json(s: FileSummary) -> str:
    """:func:`as_dict` as an indented JSON document (valid JSON: no NaN or Infinity)."""
    return json.dumps(as_dict(s), indent=2, allow_nan=False)


def _size(n: int) -> str:
    """A file size in bytes, kB, MB or GB (powers of 1000)."""
    if n < 1000:
        return f"{n} bytes"
    x, unit = float(n), "bytes"
    for unit in ("kB", "MB", "GB"):  # noqa: B007 -- the unit reached is the one printed
        x /= 1000.0
        if x < 1000.0:
            break
    return f"{x:.1f} {unit}"


def _ms(t: float) -> str:
    return "inf" if math.isinf(t) else f"{t:g}"


def _device_lines(d: DeviceSummary) -> list[str]:
    what = {"spikes": "spikes", "samples": "samples", "weights": "weight events"}[d.kind]
    head = f"  {d.node_id:>5}  {d.model}" + (f" '{d.label}'" if d.label else "") + f": {d.n_events} {what}"
    senders = _n_senders(d)
    if senders is not None:
        head += f" from {senders} sender{'s' if senders != 1 else ''}"
    if "interval" in d.params:
        head += f", every {d.params['interval']:g} ms"
    lines = [head]
    variables = [f"{c} ({d.units.get(c) or 'dimensionless'})" for c in d.columns
                 if c not in ("senders", "times", "segment", "targets", "receptors", "ports")]
    if variables:
        lines.append("         variables: " + ", ".join(variables))
    span = _time_span(d)
    times = f"events at {span[0]:g} .. {span[1]:g} ms; " if span else ""
    window = (f"window ({_ms(d.window[0])}, {_ms(d.window[1])}] ms" if math.isfinite(d.window[0])
              else "window not stored in the file")
    lines.append(f"         {times}{window}")
    if "file" in d.params:
        lines.append(f"         events in {d.params['file']}")
    return lines


#: how provenance entries are shown: key -> (label, unit)
_PROVENANCE = {"spikesim_version": ("spikesim", ""), "written_by": ("written by", ""),
               "format_version": ("format version", ""),
               "created": ("created", ""), "written": ("written", ""), "seed": ("seed", ""),
               "resolution": ("resolution", " ms"), "threads": ("threads", ""), "hdf5_version": ("HDF5", "")}


def _provenance(prov: dict[str, Any]) -> str:
    shown = [f"{label} {prov[k]}{unit}" for k, (label, unit) in _PROVENANCE.items() if prov.get(k) is not None]
    return ", ".join(shown)


def as_text(s: FileSummary) -> str:
    """The summary for people: provenance, then one block per device (times in ms).

    Parameters
    ----------
    s : FileSummary
        What :func:`spikesim.cli.files.load` read.

    Returns
    -------
    str
        Several lines, without a trailing newline.
    """
    what = {"recording": "spikesim recording (hdf5 backend)", "ascii": "recording of the ascii backend (one device)",
            "checkpoint": "spikesim checkpoint"}[s.kind]
    lines = [f"{s.path}: {what}, {_size(s.size)}"]
    lines.append("  " + _provenance(s.provenance))
    net = s.network
    if net:
        pops = ", ".join(f"{p['n']} {p['model']}" + (f" '{p['label']}'" if p["label"] else "")
                         for p in net["populations"] if p["kind"] != "recorder")
        lines.append(f"  simulated time {net['time']:g} ms; {net['num_nodes']} nodes: {pops}")
        lines.append(f"  {net['num_connections']} connections ({', '.join(net['synapse_models'])})")
    lines.append(f"  {len(s.devices)} recording device{'s' if len(s.devices) != 1 else ''}:")
    for d in s.devices:
        lines.extend(_device_lines(d))
    return "\n".join(lines)
