"""Files in and out: recordings written by the file backends.

``spikesim.io.read(path)`` reads a recording file (today: the hdf5 backend's) into a
:class:`~spikesim.io.hdf5.Recording`, a mapping node id -> events dict.
"""

from __future__ import annotations

from pathlib import Path

from spikesim.io.hdf5 import Recording, RecordingFileError

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def read(path: str | Path) -> Recording:
    """Read a recording file; see :func:`spikesim.io.hdf5.read`.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    RecordingFileError
        If it is not a file spikesim can read.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(len(_HDF5_SIGNATURE))
    if head == _HDF5_SIGNATURE:
        from spikesim.io import hdf5
        return hdf5.read(path)
    raise RecordingFileError(f"'{path}' is not a recording spikesim can read; supported: HDF5 files "
                             "of the hdf5 backend (ascii files: numpy.loadtxt(path, skiprows=3))")


__all__ = ["read", "Recording", "RecordingFileError"]
