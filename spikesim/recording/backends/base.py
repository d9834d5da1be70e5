"""The recording backend interface.

Life cycle, driven by the kernel (NEST's ``recording_backend.h`` order):

1. ``enroll(device)``: a device chose this backend (at creation or on ``set``);
   the backend may add per-device parameters to the device's status.
2. ``prepare()``: at the start of every ``simulate`` call, before the first slice.
3. ``write(device, batch)``: zero or more times during a run, with a finished batch:
   a dict of equally long numpy arrays ``senders``, ``times`` (ms, or ``times`` in
   steps and ``offsets`` when the device records ``time_in_steps``) and one column per
   recorded variable.  Batches of one device arrive in chronological order, ties
   ordered by sender; the device has already applied its window and options.  The
   engine gathers spikes and samples over several slices before handing them on (at
   most about 1 MB of samples per sampled population and 65,536 spike rows per
   recorder, at least every 0.5 s of wall time, and always before ``flush``), so a
   backend sees a few large batches rather than one per slice.  Multimeters come
   through ``write_grid`` (samples as a time x sender grid; by default rows).
4. ``flush()``: at the end of every ``simulate`` call (data must be safe then).
5. ``close()``: when the simulator is reset or dropped.

``disenroll(device)`` undoes ``enroll`` (device moved to another backend).
Optional hooks have default no-ops so a backend implements only what it needs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np

Batch = dict[str, np.ndarray]


class RecordingBackend(ABC):
    """Base class of all recording backends."""

    name: str = ""
    #: backend-wide settings and their defaults (GetDefaults/SetDefaults(backend))
    defaults: dict[str, Any] = {}
    #: per-device parameters and their defaults (appear in the device's status)
    device_defaults: dict[str, Any] = {}

    def __init__(self) -> None:
        self.settings: dict[str, Any] = dict(self.defaults)

    def enroll(self, device: Any) -> None:  # noqa: B027 - optional hook
        """A device starts writing to this backend."""

    def disenroll(self, device: Any) -> None:  # noqa: B027 - optional hook
        """A device stops writing to this backend."""

    def prepare(self) -> None:  # noqa: B027 - optional hook
        """Called before the first slice of every simulate call."""

    @abstractmethod
    def write(self, device: Any, batch: Batch) -> None:
        """Store one batch of finished records of ``device``."""

    def write_grid(self, device: Any, senders: np.ndarray, times: np.ndarray,
                   values: dict[str, np.ndarray]) -> None:
        """Store samples of a multimeter: each of ``senders`` at each of ``times``,
        ``values[v]`` of shape (times, senders).  Backends that store such grids as
        they are override this; the default writes the equivalent rows."""
        self.write(device, grid_rows(device, senders, times, values))

    def flush(self) -> None:  # noqa: B027 - optional hook
        """Called at the end of every simulate call."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Called when the simulator is reset or dropped."""

    def check_device_param(self, device: Any, key: str, value: Any) -> None:  # noqa: B027
        """Raise BadProperty if ``value`` is not allowed for the per-device ``key``."""

    def device_changed(self, device: Any) -> None:  # noqa: B027 - optional hook
        """The device's parameters changed (label, precision ...)."""

    def device_status(self, device: Any) -> dict[str, Any]:
        """Per-device entries shown in the device's status."""
        return dict(device.bp)

    def set_settings(self, params: dict[str, Any]) -> None:
        """Backend-wide settings (SetDefaults(backend, {...}))."""
        from ...errors import bad_property
        for k, v in params.items():
            if k not in self.settings:
                raise bad_property(f"recording backend '{self.name}'", k, v,
                                   f"its settings are {sorted(self.settings)}")
        self.settings.update(params)

    def events(self, device: Any) -> Batch | None:
        """The device's events if this backend keeps them readable, else None."""
        return None

    def clear(self, device: Any) -> None:  # noqa: B027 - optional hook
        """Forget the device's events (``n_events = 0``)."""


def grid_rows(device: Any, senders: np.ndarray, times: np.ndarray, values: dict[str, np.ndarray]) -> Batch:
    """The rows of a grid of samples, time-major with senders ordered within a time."""
    nt, ns = times.size, senders.size
    batch: Batch = {"senders": np.tile(senders, nt), "times": np.repeat(times, ns)}
    if device.p["time_in_steps"]:
        batch["offsets"] = np.zeros(nt * ns)
    for k, v in values.items():
        batch[k] = v.reshape(-1)
    return batch
