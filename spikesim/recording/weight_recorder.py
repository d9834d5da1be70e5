"""weight_recorder: records the weight a plastic synapse transmits each spike with.

It is attached to a synapse model (``set_defaults("stdp_synapse",
{"weight_recorder": wr})`` or ``copy_model``), not connected.  An event carries the
presynaptic spike's stamp, the sender, the target, the weight after the update,
the receptor and the port (the connection's index among its source's connections of
that model).  The window ``(origin + start, origin + stop]`` applies to the stamp;
``senders``/``targets`` restrict which connections are recorded (empty: all).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import bad_property
from spikesim.recording.backends import Batch
from spikesim.recording.devices import RecordingDevice


def _as_ids(new: dict[str, Any]) -> dict[str, Any]:
    """``new`` with ``senders``/``targets`` (node ids, or anything with ``ids`` such as a
    NodeCollection) as tuples of ints; recording may not import network to ask.

    Raises
    ------
    BadProperty
        If ``senders`` or ``targets`` is not a list of node ids (whole numbers >= 1).
    """
    out = dict(new)
    for k in ("senders", "targets"):
        if k not in new:
            continue
        v = getattr(new[k], "ids", new[k])
        try:  # a float id or a string is refused, not truncated
            ids = np.asarray(v, dtype=float)
            ok = isinstance(v, (list, tuple, np.ndarray)) and ids.ndim == 1 and bool(
                np.all((ids >= 1) & (ids < 2.0**62) & (ids == np.round(ids))))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise bad_property("weight_recorder", k, new[k], "give a list of node ids (whole numbers >= 1) "
                               "or a NodeCollection")
        out[k] = tuple(int(x) for x in ids)
    return out


class WeightRecordingDevice(RecordingDevice):
    """A recording device whose events are synapse transmissions (see the module)."""

    #: columns after ``senders`` and ``times``: target ids, weights (the synapse
    #: model's units), receptor ports and connection ports
    VALUE_COLUMNS = ("targets", "weights", "receptors", "ports")

    def columns(self) -> tuple[str, ...]:
        """``senders``, ``times`` (ms, or steps and ``offsets``), then :attr:`VALUE_COLUMNS`."""
        cols = ["senders", "times"]
        if self.p["time_in_steps"]:
            cols.append("offsets")
        return (*cols, *self.VALUE_COLUMNS)

    def empty_batch(self) -> Batch:
        """A batch with the device's columns and no rows (float64 weights, int64 ids)."""
        out = super().empty_batch()
        for c in self.VALUE_COLUMNS:
            out[c] = np.zeros(0, dtype=np.float64 if c == "weights" else np.int64)
        return out

    def validated(self, new: dict[str, Any]) -> dict[str, Any]:
        """As :meth:`RecordingDevice.validated`, ``senders``/``targets`` taken as node ids.

        Raises
        ------
        BadProperty
            As :meth:`RecordingDevice.validated`.
        """
        return super().validated(_as_ids(new))

    def set(self, new: dict[str, Any]) -> None:
        """As :meth:`RecordingDevice.set`, ``senders``/``targets`` taken as node ids.

        Raises
        ------
        BadProperty
            As :meth:`RecordingDevice.validated`, before anything changes.
        """
        super().set(_as_ids(new))

    def record_rows(self, rows: np.ndarray) -> None:
        """Record transmissions ``rows[:, (sender, target, stamp step, weight, receptor, port)]``
        stamped in the window, ordered by (stamp, sender, target)."""
        if rows.shape[0] == 0:
            return
        senders = rows[:, 0].astype(np.int64)
        targets = rows[:, 1].astype(np.int64)
        stamp = rows[:, 2].astype(np.int64)
        keep = self.in_windows(stamp)  # the window and the schedule
        if self.p["senders"]:
            keep &= np.isin(senders, self.p["senders"])
        if self.p["targets"]:
            keep &= np.isin(targets, self.p["targets"])
        if not keep.any():
            return
        rows = rows[keep]
        order = np.lexsort((targets[keep], senders[keep], stamp[keep]))
        rows = rows[order]
        self.emit(rows[:, 0].astype(np.int64), rows[:, 2].astype(np.int64), {
            "targets": rows[:, 1].astype(np.int64), "weights": rows[:, 3].copy(),
            "receptors": rows[:, 4].astype(np.int64), "ports": rows[:, 5].astype(np.int64)})
