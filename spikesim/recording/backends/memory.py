"""The memory backend: events kept in RAM as columnar numpy arrays.

Batches are kept as they arrive and concatenated on the first read after them, so a
run pays no copying; records of later recording segments carry a ``segment`` column
(hidden from :meth:`MemoryBackend.events`) so checkpoints and per-segment reads can
split them again.

An optional memory budget (``sim.set_defaults("memory", {"budget_mb": 500})``) bounds
the RAM the backend holds: when the kept batches of all its devices exceed it, they
are appended to a spill file (HDF5, ``spill_file`` in the simulator's ``data_path``)
and dropped from RAM, instead of the run failing for lack of memory.  Reads join the
spilled rows and those still in RAM, in the order written, so events, segments and
checkpoints are the same with or without a budget.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.errors import bad_property
from spikesim.recording.backends.base import (
    BackendContext,
    Batch,
    RecordedDevice,
    RecordingBackend,
)

#: bytes in a MB (budget_mb counts powers of 1000, as file sizes are shown)
_MB = 1_000_000


class _SpillFile:
    """Rows of devices appended to an HDF5 file: ``dev<node id>/<column>`` datasets.

    The file is opened for each append or read (spills are rare and large), so no
    handle stays open between runs.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: dict[int, int] = {}  # node id -> rows spilled

    def append(self, node_id: int, batch: Batch) -> None:
        """Append ``batch`` (every column equally long) to the device's datasets."""
        import h5py
        n = int(batch["senders"].size)
        if not n:
            return
        # a new file when nothing of this backend is in it yet (a stale one is replaced)
        with h5py.File(self.path, "a" if self.rows else "w", locking=False) as f:
            g = f.require_group(f"dev{node_id}")
            for k, v in batch.items():
                if k not in g:
                    g.create_dataset(k, shape=(self.rows.get(node_id, 0),), maxshape=(None,), dtype=v.dtype,
                                     chunks=(max(1024, min(n, 1 << 20)),))
                ds = g[k]
                ds.resize((ds.shape[0] + n,))
                ds[-n:] = v
        self.rows[node_id] = self.rows.get(node_id, 0) + n

    def read(self, node_id: int) -> Batch | None:
        """The device's spilled rows, or None when it has none."""
        if not self.rows.get(node_id):
            return None
        import h5py
        with h5py.File(self.path, "r", locking=False) as f:
            return {k: np.asarray(v[()]) for k, v in f[f"dev{node_id}"].items()}

    def drop(self, node_id: int) -> None:
        """Forget the device's spilled rows (the file keeps its datasets until removed)."""
        if self.rows.pop(node_id, 0):
            import h5py
            with h5py.File(self.path, "a", locking=False) as f:
                del f[f"dev{node_id}"]


class MemoryBackend(RecordingBackend):
    """Keeps each device's batches and concatenates them when ``events`` is read.

    Settings: ``budget_mb`` (MB of events kept in RAM, None for no limit; beyond it
    the batches spill to ``spill_file``) and ``spill_file`` (file name, in the
    simulator's ``data_path`` after its ``data_prefix``; ``{pid}`` becomes the process
    id, so that simulations in several processes do not share one).
    """

    name = "memory"
    defaults = {"budget_mb": None, "spill_file": "memory_spill-{pid}.h5"}

    def __init__(self, context: BackendContext | None = None) -> None:
        super().__init__(context)
        self._batches: dict[int, list[Batch]] = {}
        self._columns: dict[int, tuple[str, ...]] = {}
        self._held = 0  # bytes of the batches kept in RAM
        self._spill: _SpillFile | None = None

    def set_settings(self, params: dict[str, Any]) -> None:
        """Backend-wide settings: ``budget_mb`` and ``spill_file``.

        Raises
        ------
        BadProperty
            If ``budget_mb`` is not a positive number (MB) or None, or ``spill_file``
            is not a non-empty file name without "/", or a key is not a setting.
        """
        b = params.get("budget_mb")
        if b is not None and (isinstance(b, bool) or not isinstance(b, (int, float)) or not b > 0):
            raise bad_property("recording backend 'memory'", "budget_mb", b, "it must be a positive number (MB) "
                               "or None for no budget")
        f = params.get("spill_file", "x")
        if not isinstance(f, str) or not f or "/" in f:
            raise bad_property("recording backend 'memory'", "spill_file", f, "it must be a file name without '/'")
        super().set_settings(params)
        self._spill_if_over()

    @property
    def spill_path(self) -> Path | None:
        """The spill file, once something was spilled (else None)."""
        return self._spill.path if self._spill is not None else None

    def enroll(self, device: RecordedDevice) -> None:
        """Start an (empty) record for the device, keeping one it already has."""
        self._batches.setdefault(device.node_id, [])
        self._columns[device.node_id] = device.columns()

    def disenroll(self, device: RecordedDevice) -> None:
        """Drop the device's records: they belonged to this backend."""
        self._forget(device.node_id)
        self._batches.pop(device.node_id, None)

    def write(self, device: RecordedDevice, batch: Batch) -> None:
        """Keep ``batch``, tagged with the recording segment after a ``reset``; spill
        every device's kept batches to the spill file when over the budget."""
        seg = self.context.segment
        if seg:
            batch = {**batch, "segment": np.full(batch["senders"].size, seg, dtype=np.int64)}
        self._batches[device.node_id].append(batch)
        self._held += sum(v.nbytes for v in batch.values())
        self._spill_if_over()

    def _spill_if_over(self) -> None:
        budget = self.settings.get("budget_mb")
        if budget is None or self._held <= float(budget) * _MB:
            return
        if self._spill is None:
            sim = self.context
            name = f"{sim.data_prefix}{str(self.settings['spill_file']).replace('{pid}', str(os.getpid()))}"
            self._spill = _SpillFile(Path(sim.data_path or ".") / name)
        for node_id, parts in self._batches.items():
            if parts:
                self._spill.append(node_id, _with_segment(_concat(parts)))
                self._batches[node_id] = []
        self._held = 0

    def _forget(self, node_id: int) -> None:
        """Drop the device's spilled rows and its bytes from the RAM count."""
        self._held -= sum(v.nbytes for p in self._batches.get(node_id, []) for v in p.values())
        if self._spill is not None:
            self._spill.drop(node_id)

    def _merged(self, device: RecordedDevice) -> Batch | None:
        """The device's rows (spilled ones first) joined into one, or None.  Without
        spilled rows the join is kept, so later reads are cheap."""
        parts = self._batches.get(device.node_id, [])
        spilled = self._spill.read(device.node_id) if self._spill is not None else None
        if spilled is not None:
            return _concat([spilled, *[_with_segment(p) for p in parts]])
        if any("segment" in p for p in parts) and not all("segment" in p for p in parts):
            parts = [_with_segment(p) for p in parts]
        if len(parts) > 1:
            parts = [_concat(parts)]
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
        return _with_segment(dict(ev))

    def load_events(self, device: RecordedDevice, batch: Batch) -> None:
        """Replace the device's stored events by ``batch`` (as made by :meth:`stored_events`)."""
        self._forget(device.node_id)
        self._batches[device.node_id] = [dict(batch)] if batch else []
        self._held += sum(v.nbytes for v in batch.values()) if batch else 0
        self._spill_if_over()

    def segments(self, device: RecordedDevice) -> list[Batch]:
        """The device's events split by recording segment (one dict per segment)."""
        ev = self._merged(device)
        if ev is None:
            return [device.empty_batch()]
        seg = ev.get("segment", np.zeros(ev["senders"].size, dtype=np.int64))
        n_seg = self.context.segment + 1
        return [{k: v[seg == i].copy() for k, v in ev.items() if k != "segment"} for i in range(n_seg)]

    def clear(self, device: RecordedDevice) -> None:
        """Forget the device's records (in RAM and spilled)."""
        self._forget(device.node_id)
        self._batches[device.node_id] = []


def _with_segment(batch: Batch) -> Batch:
    """``batch`` with a ``segment`` column (zeros when it has none)."""
    if "segment" in batch:
        return batch
    return {**batch, "segment": np.zeros(batch["senders"].size, dtype=np.int64)}


def _concat(parts: list[Batch]) -> Batch:
    """Batches with the same columns joined into one."""
    if len(parts) == 1:
        return parts[0]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
