"""The recording manager of one simulator: its backends, their settings and lifecycle.

A backend is created the first time a device chooses it and lives until the
simulator is closed.  The manager is also what backends see of the simulator (the
:class:`~spikesim.recording.backends.base.BackendContext`): the time grid and
clock, the seed, the recording segment, and NEST's file settings ``data_path``,
``data_prefix`` and ``overwrite_files``, and the producer line of file headers.  It drives the lifecycle NEST's
``recording_backend.h`` describes: ``prepare`` before a run, ``flush`` after it,
``close`` at the end.

In a distributed run every rank's devices hold all events (see
:mod:`spikesim.kernel.distributed`), so only rank 0 writes files: on the other ranks
the file backends (:data:`FILE_BACKENDS`) keep their settings and report the same
file names but write nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spikesim._version import __version__
from spikesim.recording.backends import backend_class, recording_backends
from spikesim.recording.backends.base import RecordingBackend
from spikesim.timegrid import TimeGrid

#: backends that write files, which rank 0 alone writes in a distributed run
FILE_BACKENDS = ("ascii", "hdf5")


def _silent(cls: type[RecordingBackend]) -> type[RecordingBackend]:
    """``cls`` with its file operations turned off (ranks other than 0)."""
    def nothing(self: RecordingBackend, *args: Any, **kwargs: Any) -> None:
        return None

    ops = {k: nothing for k in ("prepare", "write", "write_grid", "flush", "close", "resume")}
    return type(f"Silent{cls.__name__}", (cls,), ops)


class RecordingManager:
    """Backends and recording settings of one simulator.

    Parameters
    ----------
    grid : TimeGrid
        The simulator's time grid and clock.
    seed : callable
        Returns the simulator's seed (written as provenance into files).
    """

    def __init__(self, grid: TimeGrid, seed: Callable[[], int]) -> None:
        self.grid = grid
        self._seed = seed
        self._backends: dict[str, RecordingBackend] = {}
        #: directory of recording files ("" = the working directory)
        self.data_path = ""
        #: prefix of every recording file name
        self.data_prefix = ""
        #: whether existing files may be replaced
        self.overwrite_files = False
        #: recording segment (a chunk: ``reset`` starts the next)
        self.segment = 0
        #: this process's rank in a distributed run (files are written by rank 0)
        self.rank = 0
        #: the first line of an ascii file (after "# "): the library and its version; the
        #: NEST face names the NEST version it follows, as readers of NEST's files expect
        self.file_producer = f"spikesim version: {__version__}"

    # -- what backends see -----------------------------------------------------------------
    @property
    def resolution(self) -> float:
        """The time step in ms."""
        return self.grid.resolution

    @property
    def seed(self) -> int:
        """The simulator's seed."""
        return self._seed()

    @property
    def time(self) -> float:
        """The clock in ms."""
        return self.grid.time

    # -- backends ----------------------------------------------------------------------
    @staticmethod
    def names() -> tuple[str, ...]:
        """Names of the available backends."""
        return recording_backends()

    def backend(self, name: str) -> RecordingBackend:
        """The backend ``name`` of this simulator, created on first use.

        Raises
        ------
        BadProperty
            If there is no backend of that name (the message lists them).
        """
        if name not in self._backends:
            cls = backend_class(name)
            self._backends[name] = (_silent(cls) if self.rank and name in FILE_BACKENDS else cls)(self)
        return self._backends[name]

    def active(self) -> list[RecordingBackend]:
        """The backends created so far."""
        return list(self._backends.values())

    def device_keys(self, name: object) -> set[str]:
        """Per-device parameter names the backend ``name`` adds.

        ``name`` is a user's ``record_to`` value, not yet vetted: anything that is not
        the name of a backend adds none.
        """
        if isinstance(name, str) and name in self.names():
            return set(backend_class(name).device_defaults)
        return set()

    # -- lifecycle -------------------------------------------------------------------------
    def prepare(self) -> None:
        """Before the first slice of every ``simulate`` call."""
        for b in self._backends.values():
            b.prepare()

    def flush(self) -> None:
        """After every ``simulate`` call: recorded data is safe.

        Every backend flushes even when one fails (a full disk must not cost the
        other files their data); the first error is raised afterwards.

        Raises
        ------
        Exception
            The first error a backend raised while flushing.
        """
        first: Exception | None = None
        for b in self._backends.values():
            try:
                b.flush()
            except Exception as err:  # noqa: PERF203 - every backend must get its turn
                first = first or err
        if first is not None:
            raise first

    def close(self) -> None:
        """Flush and close every backend (files, streams); data stays readable."""
        for b in self._backends.values():
            b.close()

    # -- state in and out ----------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Settings of the manager and of every backend created so far."""
        return {"data_path": self.data_path, "data_prefix": self.data_prefix,
                "overwrite_files": self.overwrite_files, "segment": self.segment,
                "backends": {k: dict(b.settings) for k, b in self._backends.items()}}

    def load_state(self, state: dict[str, Any], restore: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
                   ) -> None:
        """Settings from :meth:`state`; ``restore(values, like)`` turns stored values back."""
        self.data_path = state["data_path"]
        self.data_prefix = state["data_prefix"]
        self.overwrite_files = state["overwrite_files"]
        self.segment = int(state["segment"])
        for name, settings in state["backends"].items():
            b = self.backend(name)
            b.settings.update(restore(settings, b.defaults))
