"""Opening a recording file for reading without HDF5's long SWMR retries.

A file whose writer is still running (or was killed) is opened in SWMR read mode, in
which HDF5 re-reads metadata whose checksum is wrong, up to 100 times with growing
pauses (a writer may be changing it at that moment).  On a damaged file that took more
than two minutes for one open (a fuzzed recording with its superblock's write flag
set; a non-SWMR open refuses it in 0.2 s).  :func:`open_for_reading` asks for
:data:`SWMR_READ_ATTEMPTS` attempts instead, through ``H5Pset_metadata_read_attempts``,
which h5py does not wrap: it is called in the HDF5 library that h5py's wheel bundles.
Where that library is not found (an h5py built against a system HDF5), the open is
h5py's own, with HDF5's default attempts.  The callers retry a failed open themselves
for a bounded time (:data:`spikesim.io.hdf5.RETRY_SECONDS`), which covers a writer
caught in the middle of a flush.
"""

from __future__ import annotations

import ctypes
import functools
import os
from pathlib import Path
from typing import Any

#: metadata read attempts of a SWMR open (HDF5's default is 100, with pauses up to 1 s)
SWMR_READ_ATTEMPTS = 10


@functools.cache
def _hdf5_library() -> Any:
    """The HDF5 library h5py uses, where its wheel bundles one (else None)."""
    import h5py
    libs = Path(h5py.__file__).resolve().parent.parent / "h5py.libs"
    for lib in sorted(libs.glob("libhdf5-*.so*")) + sorted(libs.glob("libhdf5*.dylib")):
        try:
            handle = ctypes.CDLL(str(lib))
            handle.H5Pset_metadata_read_attempts.argtypes = [ctypes.c_int64, ctypes.c_uint]
            handle.H5Pset_metadata_read_attempts.restype = ctypes.c_int
            return handle
        except (OSError, AttributeError):
            continue
    return None


def _swmr_fapl(attempts: int) -> Any:
    """A file-access property list without file locking and with ``attempts`` metadata
    read attempts, or None where the attempts cannot be set."""
    import h5py
    lib = _hdf5_library()
    if lib is None:
        return None
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    if lib.H5Pset_metadata_read_attempts(fapl.id, attempts) < 0:
        return None
    fapl.set_fclose_degree(h5py.h5f.CLOSE_STRONG)
    fapl.set_file_locking(False, True)
    return fapl


def open_for_reading(path: str | Path, live: bool) -> Any:
    """``h5py.File`` of ``path`` for reading, without file locking; in SWMR mode when
    ``live`` (its writer is running or was killed), with :data:`SWMR_READ_ATTEMPTS`
    metadata read attempts.

    Raises
    ------
    OSError
        As h5py raises it for a file HDF5 cannot open.
    """
    import h5py
    if not live:
        return h5py.File(path, "r", locking=False)
    fapl = _swmr_fapl(SWMR_READ_ATTEMPTS)
    if fapl is None:
        return h5py.File(path, "r", swmr=True, locking=False)
    fid = h5py.h5f.open(os.fsencode(str(path)), h5py.h5f.ACC_RDONLY | h5py.h5f.ACC_SWMR_READ, fapl=fapl)
    return h5py.File(fid)
