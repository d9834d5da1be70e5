"""The memory backend: events kept in RAM as columnar numpy arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Batch, RecordingBackend


class MemoryBackend(RecordingBackend):
    """Keeps each device's batches and concatenates them when ``events`` is read."""

    name = "memory"

    def __init__(self) -> None:
        super().__init__()
        self._batches: dict[int, list[Batch]] = {}
        self._columns: dict[int, tuple[str, ...]] = {}

    def enroll(self, device: Any) -> None:
        self._batches.setdefault(device.node_id, [])
        self._columns[device.node_id] = device.columns()

    def disenroll(self, device: Any) -> None:
        self._batches.pop(device.node_id, None)

    def write(self, device: Any, batch: Batch) -> None:
        self._batches[device.node_id].append(batch)

    def events(self, device: Any) -> Batch:
        parts = self._batches.get(device.node_id, [])
        if len(parts) > 1:  # consolidate so later reads are cheap
            merged = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
            self._batches[device.node_id] = [merged]
            parts = [merged]
        if parts:
            return {k: v.copy() for k, v in parts[0].items()}
        return device.empty_batch()

    def clear(self, device: Any) -> None:
        self._batches[device.node_id] = []
