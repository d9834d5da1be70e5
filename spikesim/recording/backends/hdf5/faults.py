"""Faults of the hdf5 backend's file: clear errors, and a failed file left readable.

A write that fails (disk full, file too large, a failure in the writer thread) or a
file deleted or replaced during the run is a :class:`~spikesim.errors.RecordingError`
naming the file (:func:`recording_error`, :func:`check_same_file`).  When a write
fails (disk full, file too large) the backend stops writing and closes
the file; HDF5 then leaves the superblock marked "open for writing" and may record
an end of file beyond the bytes that reached the disk, so plain readers refuse the
file (``h5py.File(path, "r")``: "file is already open for write", "truncated file")
although every row of the last flush is in it.  :func:`clear_status` does what
``h5clear -s`` does for the superblock formats spikesim writes (versions 2 and 3,
8-byte addresses): it clears the status flags and, if needed, lowers the stored end
of file to the file's size, rewriting the superblock's checksum.  It rewrites 48
bytes in place, so it works on a full disk too.
"""

from __future__ import annotations

import errno
import os
import struct
from pathlib import Path

from spikesim.errors import RecordingError

_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_MASK = 0xFFFFFFFF
_SIZE = 48  # superblock v2/v3 with 8-byte offsets and lengths


def _rot(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & _MASK


def _mix(a: int, b: int, c: int) -> tuple[int, int, int]:
    for s1, s2, s3 in ((4, 6, 8), (16, 19, 4)):
        a = ((a - c) & _MASK) ^ _rot(c, s1)
        c = (c + b) & _MASK
        b = ((b - a) & _MASK) ^ _rot(a, s2)
        a = (a + c) & _MASK
        c = ((c - b) & _MASK) ^ _rot(b, s3)
        b = (b + a) & _MASK
    return a, b, c


def _final(a: int, b: int, c: int) -> int:
    c = ((c ^ b) - _rot(b, 14)) & _MASK
    a = ((a ^ c) - _rot(c, 11)) & _MASK
    b = ((b ^ a) - _rot(a, 25)) & _MASK
    c = ((c ^ b) - _rot(b, 16)) & _MASK
    a = ((a ^ c) - _rot(c, 4)) & _MASK
    b = ((b ^ a) - _rot(a, 14)) & _MASK
    return ((c ^ b) - _rot(b, 24)) & _MASK


def lookup3(data: bytes) -> int:
    """Bob Jenkins' lookup3 ``hashlittle`` with initial value 0: HDF5's metadata checksum."""
    n = len(data)
    a = b = c = (0xDEADBEEF + n) & _MASK
    i = 0
    while n - i > 12:
        x, y, z = struct.unpack_from("<III", data, i)
        a, b, c = _mix((a + x) & _MASK, (b + y) & _MASK, (c + z) & _MASK)
        i += 12
    if n - i == 0:
        return c
    tail = data[i:] + bytes(12 - (n - i))
    x, y, z = struct.unpack("<III", tail)
    return _final((a + x) & _MASK, (b + y) & _MASK, (c + z) & _MASK)


def clear_status(path: Path) -> bool:
    """Clear the superblock's status flags of the closed file ``path`` and cap its
    stored end of file at the file's size (bytes).

    Returns
    -------
    bool
        True if the superblock was rewritten; False if it needed nothing, is not a
        format this handles, or could not be read or written (nothing is changed then).
    """
    try:
        with open(path, "r+b") as fh:
            sb = bytearray(fh.read(_SIZE))
            size = os.fstat(fh.fileno()).st_size
            if (len(sb) < _SIZE or sb[:8] != _SIGNATURE or sb[8] not in (2, 3) or sb[9:11] != b"\x08\x08"
                    or struct.unpack_from("<I", sb, 44)[0] != lookup3(bytes(sb[:44]))):
                return False
            eof = struct.unpack_from("<Q", sb, 28)[0]
            if sb[11] == 0 and eof <= size:
                return False
            sb[11] = 0
            struct.pack_into("<Q", sb, 28, min(eof, size))
            struct.pack_into("<I", sb, 44, lookup3(bytes(sb[:44])))
            fh.seek(0)
            fh.write(sb)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        return False
    return True


def recording_error(path: Path | None, err: BaseException) -> RecordingError:
    """The error of a failed write to ``path`` caused by ``err`` (raise it ``from err``);
    ``errno`` is the operating system's code where ``err`` has one."""
    if isinstance(err, RecordingError):
        return err
    code = getattr(err, "errno", None)
    hint = " (no space left or the file too large: free space or raise the limit)" \
        if code in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) else ""
    out = RecordingError(f"hdf5 backend: writing to '{path}' failed{hint}: {type(err).__name__}: {err}; the "
                         "rows of the last flush are safe in the file; the file is closed and is reopened "
                         "at the next simulate (or move the devices to another backend)")
    out.errno = code
    return out


def identity(fd: int) -> tuple[int, int]:
    """(device, inode) of the open file ``fd``."""
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


def check_same_file(path: Path, ident: tuple[int, int] | None, fd: int | None = None) -> None:
    """Check that ``path`` still names the file (``ident``: its device and inode) and,
    if ``fd`` is given, that the open file was not deleted.

    Raises
    ------
    RecordingError
        If the file was deleted (or its directory removed) or replaced by another file.
    """
    if ident is None:
        return
    deleted = fd is not None and os.fstat(fd).st_nlink == 0
    try:
        st = os.stat(path)
    except FileNotFoundError:
        deleted = True
    else:
        if not deleted and (st.st_dev, st.st_ino) != ident:
            raise RecordingError(f"hdf5 backend: the file '{path}' was replaced by another file during the "
                                 "run; what this run wrote since is lost; point the backend at a new file "
                                 "(sim.set_defaults('hdf5', {'file_name': ...})) or move the devices to "
                                 "another backend")
    if deleted:
        err = RecordingError(f"hdf5 backend: the file '{path}' was deleted (or its directory removed) "
                             "during the run; cannot reopen or flush it: was it moved, deleted or made read-only? "
                             "what this run wrote to it is lost; point the backend at a new file or "
                             "data_path, or move the devices to another backend")
        err.errno = errno.ENOENT
        raise err
