"""The memory backend: events kept in RAM as columnar numpy arrays.

Batches are kept as they arrive and concatenated on the first read after them, so a
run pays no copying; records of later recording segments carry a ``segment`` column
(hidden from :meth:`MemoryBackend.events`) so checkpoints and per-segment reads can
split them again.
"""

from __future__ import annotations

import numpy as np

from spikesim.recording.backends.base import (
    BackendContext,
    Batch,
    RecordedDevice,
    RecordingBackend,
)


class MemoryBackend(RecordingBackend):
    """Keeps each device's batches and concatenates them when ``events`` is read."""

    name = "memory"

    def __init__(self, context: BackendContext | None = None) -> None:
        super().__init__(context)
        self._batches: dict[int, list[Batch]] = {}
        self._columns: dict[int, tuple[str, ...]] = {}

    def enroll(self, device: RecordedDevice) -> None:
        """Start an (empty) record for the device, keeping one it already has."""
        self._batches.setdefault(device.node_id, [])
        self._columns[device.node_id] = device.columns()

    def disenroll(self, device: RecordedDevice) -> None:
        """Drop the device's records: they belonged to this backend."""
        self._batches.pop(device.node_id, None)

    def write(self, device: RecordedDevice, batch: Batch) -> None:
        """Keep ``batch``, tagged with the recording segment after a ``reset``."""
        seg = self.context.segment
        if seg:
            batch = {**batch, "segment": np.full(batch["senders"].size, seg, dtype=np.int64)}
        self._batches[device.node_id].append(batch)

    def _merged(self, device: RecordedDevice) -> Batch | None:
        """The device's batches joined into one (kept, so later reads are cheap), or None."""
        parts = self._batches.get(device.node_id, [])
        if any("segment" in p for p in parts) and not all("segment" in p for p in parts):
            parts = [p if "segment" in p else {**p, "segment": np.zeros(p["senders"].size, dtype=np.int64)}
                     for p in parts]
        if len(parts) > 1:
            parts = [{k: np.concatenate([p[k] for p in parts]) for k in parts[0]}]
            self._batches[device.node_id] = parts
        return parts[0] if parts else None

    def events(self, device: RecordedDevice) -> Batch:
        """A copy of all the device's records (every segment), in the order written."""
        ev = self._merged(device)
        if ev is not None:
            return {k: v.copy() for k, v in ev.items() if k != "segment"}
        return device.empty_batch()

    def stored_events(self, device: RecordedDevice) -> Batch:
        """Everything stored for the device, with its segment column (checkpoints, run
        results): the stored arrays themselves, not copies."""
        ev = self._merged(device)
        if ev is None:
            return {}
        out = dict(ev)
        out.setdefault("segment", np.zeros(ev["senders"].size, dtype=np.int64))
        return out

    def load_events(self, device: RecordedDevice, batch: Batch) -> None:
        """Replace the device's stored events by ``batch`` (as made by :meth:`stored_events`)."""
        self._batches[device.node_id] = [dict(batch)] if batch else []

    def segments(self, device: RecordedDevice) -> list[Batch]:
        """The device's events split by recording segment (one dict per segment)."""
        ev = self._merged(device)
        if ev is None:
            return [device.empty_batch()]
        seg = ev.get("segment", np.zeros(ev["senders"].size, dtype=np.int64))
        n_seg = self.context.segment + 1
        return [{k: v[seg == i].copy() for k, v in ev.items() if k != "segment"} for i in range(n_seg)]

    def clear(self, device: RecordedDevice) -> None:
        """Forget the device's records."""
        self._batches[device.node_id] = []
