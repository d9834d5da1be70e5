"""Recording backends and their registry."""

from __future__ import annotations

from spikesim.errors import bad_property
from spikesim.recording.backends.ascii import AsciiBackend
from spikesim.recording.backends.base import Batch, RecordingBackend
from spikesim.recording.backends.hdf5 import (
    Hdf5Backend,  # imports h5py only when a simulator uses it
)
from spikesim.recording.backends.memory import MemoryBackend
from spikesim.recording.backends.screen import ScreenBackend
from spikesim.recording.backends.stream import StreamBackend

_REGISTRY: dict[str, type[RecordingBackend]] = {
    "memory": MemoryBackend, "ascii": AsciiBackend, "screen": ScreenBackend, "hdf5": Hdf5Backend,
    "stream": StreamBackend}


def register_backend(cls: type[RecordingBackend]) -> None:
    """Make a backend class available under its ``name`` (replacing one of that name)."""
    _REGISTRY[cls.name] = cls


def backend_class(name: str) -> type[RecordingBackend]:
    """The backend class registered as ``name``.

    Raises
    ------
    BadProperty
        If no backend has that name (the message lists them).
    """
    if name not in _REGISTRY:
        raise bad_property("recording device", "record_to", name,
                           f"choose one of the recording backends {sorted(_REGISTRY)}")
    return _REGISTRY[name]


def recording_backends() -> tuple[str, ...]:
    """Names of the available recording backends."""
    return tuple(sorted(_REGISTRY))


__all__ = ["Batch", "RecordingBackend", "MemoryBackend", "register_backend", "backend_class",
           "recording_backends"]
