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
   A write is a transaction: it stores the whole batch or raises having stored
   none of it.  A batch whose write raised stays with its device, which offers it
   again (first, before newer rows) at its next hand-over, and counts it in
   ``n_events`` only once a write returned; a backend that lost the batch for good
   (a stream whose subscriber is gone) raises :class:`~spikesim.errors.RecordsLost`
   and the device drops it.  An error in one device's write does not keep the
   other devices' batches from their backends.
4. ``flush()``: at the end of every ``simulate`` call (data must be safe then),
   also when the run stopped on an error, Ctrl-C or SIGTERM; every backend is
   flushed even when one raises.
5. ``close()``: when the simulator is reset or dropped.

``disenroll(device)`` undoes ``enroll`` (device moved to another backend).  When a
device is set, ``check_device_param(device, key, value)`` vets each per-device key
first and ``device_changed(device)`` follows; ``device_status(device)`` adds entries
to its status.  ``events(device)`` reads records back (None: not readable here) and
``clear(device)`` forgets them (``n_events = 0``).
Checkpoints call ``checkpoint_state(device)`` and ``stored_events(device)`` when
writing, ``load_events(device, batch)`` and ``resume(device, state)`` when restoring.
Optional hooks have default no-ops so a backend implements only what it needs.

A backend sees the simulator only through its :class:`BackendContext` (clock,
seed, segment, file settings) and each device only through :class:`RecordedDevice`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Protocol

import numpy as np

from spikesim._version import __version__
from spikesim.errors import bad_property
from spikesim.models.recorders import RecorderModel

#: a batch of records: equally long columns by name
Batch = dict[str, np.ndarray]


class BackendContext(Protocol):
    """What a backend may read of its simulator (the recording manager provides it)."""

    #: directory of recording files ("" = the working directory)
    data_path: str
    #: prefix of every recording file name
    data_prefix: str
    #: whether existing files may be replaced
    overwrite_files: bool
    #: the recording segment (chunk) new records belong to
    segment: int
    #: what a file header names as its producer, e.g. "spikesim version: 0.1.0"
    file_producer: str

    @property
    def resolution(self) -> float:
        """The time step in ms."""

    @property
    def seed(self) -> int:
        """The simulator's seed (provenance)."""

    @property
    def time(self) -> float:
        """The simulator's clock in ms."""


class RecordedDevice(Protocol):
    """What a backend may read of a recording device."""

    node_id: int
    model: type[RecorderModel]
    #: the device's parameters (``label``, ``record_from``, ``time_in_steps`` ...)
    p: dict[str, Any]
    #: the backend's per-device parameters (``precision``, ``file_extension`` ...)
    bp: dict[str, Any]
    #: node ids the device is connected to
    connected: np.ndarray

    @property
    def name(self) -> str:
        """The label, or the model name without one."""

    def columns(self) -> tuple[str, ...]:
        """Names of the columns of the device's records, in order."""

    def empty_batch(self) -> Batch:
        """A batch with the device's columns and no rows."""

    def unit(self, column: str) -> str:
        """The unit of one of the device's columns."""


class _NoContext:
    """The context of a backend made without a simulator (tests, tools)."""

    data_path = ""
    data_prefix = ""
    overwrite_files = False
    segment = 0
    file_producer = f"spikesim version: {__version__}"
    resolution = 0.1
    seed = 0
    time = 0.0


class RecordingBackend(ABC):
    """Base class of all recording backends.

    A subclass sets :attr:`name`, implements :meth:`write` and overrides the hooks it
    needs; every other hook is a no-op here, so callers never probe a backend for a
    method.  The order of the calls is the life cycle in this module's docstring.

    Parameters
    ----------
    context : BackendContext, optional
        What the backend sees of its simulator; without one, defaults (no files
        replaced, the working directory, segment 0).
    """

    #: the name devices choose with ``record_to``
    name: ClassVar[str] = ""
    #: backend-wide settings and their defaults (GetDefaults/SetDefaults(backend))
    defaults: ClassVar[dict[str, Any]] = {}
    #: per-device parameters and their defaults (appear in the device's status)
    device_defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, context: BackendContext | None = None) -> None:
        self.context: BackendContext = context if context is not None else _NoContext()
        self.settings: dict[str, Any] = dict(self.defaults)

    # -- devices ---------------------------------------------------------------------------
    def enroll(self, device: RecordedDevice) -> None:  # noqa: B027 - optional hook
        """A device starts writing to this backend (at its creation or on ``set``).

        The device's per-backend parameters (``bp``) already hold ``device_defaults``.
        """

    def disenroll(self, device: RecordedDevice) -> None:  # noqa: B027 - optional hook
        """A device stops writing to this backend (it moved to another one)."""

    def check_device_param(self, device: RecordedDevice, key: str, value: object) -> None:  # noqa: B027
        """Check a per-device parameter before the device takes it (optional hook).

        Parameters
        ----------
        device : RecordedDevice
            The device being set.
        key : str
            One of :attr:`device_defaults`.
        value : object
            The value asked for.

        Raises
        ------
        BadProperty
            If ``value`` is not allowed for ``key`` (the default allows everything).
        """

    def device_changed(self, device: RecordedDevice) -> None:  # noqa: B027 - optional hook
        """The device's parameters changed (label, precision ...); e.g. a new file name."""

    def device_status(self, device: RecordedDevice) -> dict[str, Any]:
        """Per-device entries shown in the device's status (by default its ``bp``)."""
        return dict(device.bp)

    # -- life cycle --------------------------------------------------------------------------
    def prepare(self) -> None:  # noqa: B027 - optional hook
        """Called before the first slice of every ``simulate`` call."""

    @abstractmethod
    def write(self, device: RecordedDevice, batch: Batch) -> None:
        """Store one batch of finished records of ``device``.

        Parameters
        ----------
        device : RecordedDevice
            The device that recorded them.
        batch : Batch
            Equally long columns: ``senders``, ``times`` (ms at the stamps, or integer
            steps plus ``offsets`` with ``time_in_steps``) and the value columns, in
            chronological order with ties ordered by sender.
        """

    def write_grid(self, device: RecordedDevice, senders: np.ndarray, times: np.ndarray,
                   values: dict[str, np.ndarray]) -> None:
        """Store multimeter samples: each of ``senders`` at each of ``times``.

        Backends that store such grids as they are override this; the default writes
        the equivalent rows (time-major, senders ordered within a time) through
        :meth:`write`.

        Parameters
        ----------
        device : RecordedDevice
            The sampling device.
        senders : np.ndarray
            Node ids (int64), ascending.
        times : np.ndarray
            Sample times: ms (``offset + k * interval``, all > 0), or steps with
            ``time_in_steps``.
        values : dict[str, np.ndarray]
            Recordable name -> samples of shape ``(times.size, senders.size)``, in the
            recordable's unit (mV, pA, nS ...).
        """
        self.write(device, grid_rows(device, senders, times, values))

    def flush(self) -> None:  # noqa: B027 - optional hook
        """Called at the end of every ``simulate`` call: recorded data must be safe then."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Called when the simulator is reset or dropped: release files and sockets."""

    def set_settings(self, params: dict[str, Any]) -> None:
        """Backend-wide settings (SetDefaults(backend, {...})).

        Raises
        ------
        BadProperty
            If a key is not a setting of this backend (the message lists them).
        """
        for k, v in params.items():
            if k not in self.settings:
                raise bad_property(f"recording backend '{self.name}'", k, v,
                                   f"its settings are {sorted(self.settings)}")
        self.settings.update(params)

    # -- reading back ------------------------------------------------------------------------
    def events(self, device: RecordedDevice) -> Batch | None:
        """The device's events if this backend keeps them readable, else None."""
        return None

    def clear(self, device: RecordedDevice) -> None:  # noqa: B027 - optional hook
        """Forget the device's events (``n_events = 0``); file backends keep their files."""

    # -- checkpoints ------------------------------------------------------------------------
    def checkpoint_state(self, device: RecordedDevice) -> dict[str, Any] | None:
        """What the backend needs to continue the device's records after a restore.

        JSON-able, e.g. how much of a file belongs to the checkpoint; None if nothing.
        """
        return None

    def stored_events(self, device: RecordedDevice) -> Batch:
        """Records a checkpoint must carry because they live nowhere else.

        With a ``segment`` column; backends writing files return none (``{}``).
        """
        return {}

    def load_events(self, device: RecordedDevice, batch: Batch) -> None:  # noqa: B027 - optional hook
        """Replace the device's records by ``batch`` from :meth:`stored_events`."""

    def resume(self, device: RecordedDevice, state: dict[str, Any] | None) -> None:  # noqa: B027 - optional hook
        """Continue the device's records from :meth:`checkpoint_state` of a checkpoint."""


def grid_rows(device: RecordedDevice, senders: np.ndarray, times: np.ndarray, values: dict[str, np.ndarray]) -> Batch:
    """The rows of a grid of samples, time-major with senders ordered within a time.

    Arguments as for :meth:`RecordingBackend.write_grid`; with ``time_in_steps`` an
    ``offsets`` column of zeros (ms) is added.
    """
    nt, ns = times.size, senders.size
    batch: Batch = {"senders": np.tile(senders, nt), "times": np.repeat(times, ns)}
    if device.p["time_in_steps"]:
        batch["offsets"] = np.zeros(nt * ns)
    for k, v in values.items():
        batch[k] = v.reshape(-1)
    return batch
