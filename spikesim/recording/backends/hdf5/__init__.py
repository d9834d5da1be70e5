"""The hdf5 recording backend: chunked, compressed, self-describing SWMR files.

Modules: :mod:`.backend` (the backend: settings, life cycle, writes, checkpoints),
:mod:`.layout` (devices laid out in the file), :mod:`.writer` (the writer thread and
the datasets it fills chunk by chunk), :mod:`.chunks` (chunks encoded without the
GIL).  The file layout itself, shared with the reader, is
:mod:`spikesim.io.hdf5_layout`.
"""

from __future__ import annotations

from spikesim.recording.backends.hdf5.backend import Hdf5Backend

__all__ = ["Hdf5Backend"]
