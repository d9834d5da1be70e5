"""The summary of a file the commands work on: its devices, provenance and network.

Times are in ms; a device's window is NEST's ``(origin + start, origin + stop]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.data.columnar import INDEX_COLUMNS

__all__ = ["CliError", "DeviceSummary", "FileSummary", "device_kind"]


class CliError(Exception):
    """An error the command reports as one line on stderr (exit status 2)."""


def device_kind(model: str, columns: list[str]) -> str:
    """``"spikes"``, ``"samples"`` (multimeter, voltmeter) or ``"weights"`` for a recorder model."""
    if model == "weight_recorder" or "weights" in columns:
        return "weights"
    if model in ("multimeter", "voltmeter") or any(c not in INDEX_COLUMNS for c in columns):
        return "samples"
    return "spikes"


@dataclass
class DeviceSummary:
    """One recording device of a file.

    Attributes
    ----------
    node_id : int
        The device's node id.
    model, label : str
        Its model and label ("" when it has none).
    kind : str
        ``"spikes"``, ``"samples"`` or ``"weights"`` (see :func:`device_kind`).
    columns : list of str
        The event columns (``senders``, ``times`` and the recorded variables).
    units : dict of str to str
        Unit of every column (``times``: ms).
    n_events : int
        Events (rows) recorded.
    window : (float, float)
        The recording window ``(lo, hi]`` in ms (``hi`` may be inf; ``lo`` is -inf
        when the file does not store it, as in the ascii backend's files).
    params : dict
        Further settings (``interval`` in ms, ``record_from``, ``record_to`` ...).
    events : dict of str to ndarray, or None
        The columns (``times`` in ms), or None when the file does not hold them (a
        checkpoint's device that recorded to a file: ``params["file"]`` names it).
    """

    node_id: int
    model: str
    label: str
    kind: str
    columns: list[str]
    units: dict[str, str]
    n_events: int
    window: tuple[float, float]
    params: dict[str, Any] = field(default_factory=dict)
    events: dict[str, np.ndarray] | None = None

    @property
    def name(self) -> str:
        """The label, or ``device <id>``."""
        return self.label or f"device {self.node_id}"

    def matches(self, key: str) -> bool:
        """Whether ``key`` (a label or a node id) names this device."""
        return key == self.label or key == str(self.node_id)


@dataclass
class FileSummary:
    """What one file holds.

    Attributes
    ----------
    path : Path
        The file.
    kind : str
        ``"recording"`` (hdf5 backend), ``"ascii"`` (one device's file of the ascii
        backend) or ``"checkpoint"``.
    size : int
        File size in bytes.
    provenance : dict
        spikesim version, format version, date, seed, resolution (ms) ...
    devices : list of DeviceSummary
        The recording devices, by node id.
    network : dict
        For a checkpoint: simulated time (ms), populations and connections.
    """

    path: Path
    kind: str
    size: int
    provenance: dict[str, Any]
    devices: list[DeviceSummary]
    network: dict[str, Any] = field(default_factory=dict)

    def select(self, key: str | None) -> list[DeviceSummary]:
        """The devices named ``key`` (label or node id), or all for None.

        Raises
        ------
        CliError
            If no device has that label or node id.
        """
        if key is None:
            return list(self.devices)
        hits = [d for d in self.devices if d.matches(key)]
        if not hits:
            names = ", ".join(d.label or str(d.node_id) for d in self.devices) or "none"
            raise CliError(f"no device '{key}' in {self.path}; its devices are: {names}")
        return hits
