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

from spikesim.recording.backends import Batch
from spikesim.recording.devices import RecordingDevice


class WeightRecordingDevice(RecordingDevice):
    """A recording device whose events are synapse transmissions."""

    VALUE_COLUMNS = ("targets", "weights", "receptors", "ports")

    def columns(self) -> tuple[str, ...]:
        cols = ["senders", "times"]
        if self.p["time_in_steps"]:
            cols.append("offsets")
        return (*cols, *self.VALUE_COLUMNS)

    def empty_batch(self) -> Batch:
        out = super().empty_batch()
        for c in self.VALUE_COLUMNS:
            out[c] = np.zeros(0, dtype=np.float64 if c == "weights" else np.int64)
        return out

    def validated(self, new: dict[str, Any]) -> dict[str, Any]:
        new = {k: (tuple(np.asarray(getattr(v, "ids", v), dtype=np.int64).ravel()) if k in ("senders", "targets")
                   else v) for k, v in new.items()}
        return super().validated(new)

    def set(self, new: dict[str, Any]) -> None:
        new = {k: (tuple(np.asarray(getattr(v, "ids", v), dtype=np.int64).ravel()) if k in ("senders", "targets")
                   else v) for k, v in new.items()}
        super().set(new)

    def record_rows(self, rows: np.ndarray) -> None:
        """Record transmissions ``rows[:, (sender, target, stamp step, weight, receptor, port)]``."""
        if rows.shape[0] == 0:
            return
        lo, hi = self.window()
        senders = rows[:, 0].astype(np.int64)
        targets = rows[:, 1].astype(np.int64)
        stamp = rows[:, 2].astype(np.int64)
        keep = (stamp > lo) & (stamp <= hi)
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
