"""Checks of the parameters every recording device shares (types, then times on the grid)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spikesim.errors import bad_property
from spikesim.recording.reductions import SAMPLER_REDUCTIONS, SPIKE_REDUCTIONS
from spikesim.recording.schedules import check_schedule

_NUMBER_KEYS = ("start", "stop", "origin", "interval", "offset", "period", "duty", "bin")
#: parameters fixed once the device recorded (they change its columns or open accumulators)
_FROZEN = ("reduce", "average", "bin")
#: the reductions that count spikes in bins of ``bin`` ms (the others ignore it, so the
#: default of 1 ms must not stop a recorder at a resolution that does not divide it)
_BINNED = ("rate", "counts")


def check_types(owner: str, new: dict[str, Any]) -> None:
    """Raise BadProperty for a common device parameter of the wrong type (values are
    checked by ``validated``)."""
    for k in _NUMBER_KEYS:
        v = new.get(k, 0.0)
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or math.isnan(v):
            raise bad_property(owner, k, v, "it must be a number of ms")
    for k in ("time_in_steps", "average"):
        if k in new and not isinstance(new[k], (bool, np.bool_)):
            raise bad_property(owner, k, new[k], "it must be True or False")
    if "reduce" in new and not isinstance(new["reduce"], str):
        raise bad_property(owner, "reduce", new["reduce"], "give the name of a reduction, or '' for none")
    if "label" in new and not isinstance(new["label"], str):
        raise bad_property(owner, "label", new["label"], "it must be a string")
    if "record_to" in new and not isinstance(new["record_to"], str):
        raise bad_property(owner, "record_to", new["record_to"], "give the name of a recording backend")
    rf = new.get("record_from", ())
    if not isinstance(rf, str) and (not isinstance(rf, (list, tuple, np.ndarray))
                                    or not all(isinstance(x, str) for x in rf)):
        raise bad_property(owner, "record_from", rf, "give a list of names of recordables")


def check_times(owner: str, p: dict[str, Any], h: float) -> None:
    """Raise BadProperty unless the times of the parameters ``p`` (ms) fit the grid of
    resolution ``h`` (ms) and ``start <= stop``, ``interval > 0``, ``offset >= 0``."""
    for k in ("start", "stop", "origin", "offset"):
        if k in p and not math.isinf(p[k]) and abs(p[k] / h - round(p[k] / h)) > 1e-9:
            raise bad_property(owner, k, p[k], f"it must be a multiple of the resolution ({h} ms)")
    if p["stop"] < p["start"]:
        raise bad_property(owner, "stop", p["stop"], f"it must be >= start ({p['start']})")
    if "interval" in p:
        iv = p["interval"]
        if not (iv > 0) or math.isinf(iv) or abs(iv / h - round(iv / h)) > 1e-9:
            raise bad_property(owner, "interval", iv, f"it must be a positive multiple of the resolution ({h} ms)")
        if p["offset"] < 0:
            raise bad_property(owner, "offset", p["offset"], "it must be >= 0")


def check_reductions(owner: str, p: dict[str, Any], old: dict[str, Any], h: float, recorded: bool) -> None:
    """Raise BadProperty unless the schedule (see
    :func:`spikesim.recording.schedules.check_schedule`) and the reduction parameters of
    ``p`` are allowed: ``reduce`` one of the recorder's reductions, ``bin`` (ms)
    positive and, for the binned reductions (rate, counts), a multiple of ``h`` (ms),
    and ``reduce``/``average``/``bin`` unchanged from ``old`` once the device ``recorded`` (simulated or holds events).
    """
    check_schedule(owner, p, h)
    if "reduce" in p:
        allowed = SAMPLER_REDUCTIONS if "record_from" in p else SPIKE_REDUCTIONS
        if p["reduce"] not in allowed:
            raise bad_property(owner, "reduce", p["reduce"], f"it must be one of {list(allowed)}")
    binned = p.get("reduce", old.get("reduce", "")) in _BINNED
    if "bin" in p and (not p["bin"] > 0 or math.isinf(p["bin"])
                       or (binned and abs(p["bin"] / h - round(p["bin"] / h)) > 1e-9)):
        raise bad_property(owner, "bin", p["bin"], f"it must be a positive multiple of the resolution ({h} ms)")
    for k in _FROZEN:
        if recorded and k in p and p[k] != old.get(k):
            raise bad_property(owner, k, p[k], "it cannot be changed after the device recorded "
                               "(simulate was called); set it before simulate")
