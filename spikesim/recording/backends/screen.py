"""The screen backend: prints every record to stdout as it is written."""

from __future__ import annotations

import sys

import numpy as np

from spikesim.errors import bad_property
from spikesim.recording.backends.base import (
    Batch,
    RecordedDevice,
    RecordingBackend,
)


class ScreenBackend(RecordingBackend):
    """One tab-separated line per record: sender, then the other columns in batch order
    (times in ms, or steps and offsets), floats with ``precision`` decimals."""

    name = "screen"
    device_defaults = {"precision": 3}

    def check_device_param(self, device: RecordedDevice, key: str, value: object) -> None:
        """Vet ``precision``.

        Raises
        ------
        BadProperty
            If ``precision`` is not an integer in [0, 17].
        """
        if key == "precision" and (isinstance(value, bool) or not isinstance(value, (int, np.integer))
                                   or not 0 <= value <= 17):
            raise bad_property(device.model.name, "precision", value, "it must be an integer in [0, 17]")

    def write(self, device: RecordedDevice, batch: Batch) -> None:
        """Print the batch's rows (integers as such, floats with ``precision`` decimals)."""
        prec = int(device.bp["precision"])
        names = [c for c in batch if c != "senders"]
        lines = []
        for i in range(batch["senders"].size):
            vals = [str(int(batch["senders"][i]))]
            for c in names:
                v = batch[c][i]
                vals.append(str(int(v)) if batch[c].dtype.kind in "iu" else f"{v:.{prec}f}")
            lines.append("\t".join(vals))
        sys.stdout.write("\n".join(lines) + "\n")
