"""Make an hdf5 recording whose writer was killed open in every HDF5 tool again.

The hdf5 backend writes in SWMR mode, so a file whose writer process was killed
(``SIGKILL``, the out-of-memory killer, a node failure) holds every row flushed
before the kill in a consistent state: :func:`spikesim.io.read` reads it.  But the
writer could not clear the *file consistency flags* of the superblock, and HDF5
refuses any other open (``h5py.File(path, "r")``, h5dump, MATLAB, pynwb) with
"file is already open for write".  HDF5's ``h5clear -s`` clears them; it comes with
the HDF5 tools, which pip does not install.  :func:`clear_write_flags` does the same
for the superblock versions 2 and 3 that HDF5 1.10+ writes (spikesim's files are
version 3): it checks the superblock's checksum, sets the flags byte to 0 and
writes the new checksum (Jenkins' lookup3 hash, as the HDF5 file format
specification defines it).  Unlike ``h5clear`` it does not truncate the file to
the end-of-file address the superblock records: bytes after it (chunks written
after the last flush, which no index refers to) are left as they are.

The file is changed in place, 5 bytes, after every check passed; a file that is not
HDF5, has another superblock version, a wrong checksum or no flags set is left
untouched.  :func:`trim_unflushed_rows` then cuts columns a killed writer had grown
beyond their ``n_rows`` (``spikesim repair`` does both).
"""

from __future__ import annotations

import os
from pathlib import Path

from spikesim.errors import SpikesimError

__all__ = ["clear_write_flags", "write_flags", "lookup3", "trim_unflushed_rows"]

_SIGNATURE = b"\x89HDF\r\n\x1a\n"
#: where HDF5 looks for the superblock: 0, then 512 and every doubling (a user block)
_MAX_SEARCH = 1 << 30
_MASK = 0xFFFFFFFF


def _rot(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & _MASK


def _mix(a: int, b: int, c: int) -> tuple[int, int, int]:
    a = (a - c) & _MASK ^ _rot(c, 4)
    c = (c + b) & _MASK
    b = (b - a) & _MASK ^ _rot(a, 6)
    a = (a + c) & _MASK
    c = (c - b) & _MASK ^ _rot(b, 8)
    b = (b + a) & _MASK
    a = (a - c) & _MASK ^ _rot(c, 16)
    c = (c + b) & _MASK
    b = (b - a) & _MASK ^ _rot(a, 19)
    a = (a + c) & _MASK
    c = (c - b) & _MASK ^ _rot(b, 4)
    b = (b + a) & _MASK
    return a, b, c


def _final(a: int, b: int, c: int) -> int:
    c = (c ^ b) - _rot(b, 14) & _MASK
    a = (a ^ c) - _rot(c, 11) & _MASK
    b = (b ^ a) - _rot(a, 25) & _MASK
    c = (c ^ b) - _rot(b, 16) & _MASK
    a = (a ^ c) - _rot(c, 4) & _MASK
    b = (b ^ a) - _rot(a, 14) & _MASK
    return (c ^ b) - _rot(b, 24) & _MASK


def lookup3(data: bytes, initval: int = 0) -> int:
    """Bob Jenkins' lookup3 ``hashlittle`` of ``data``: HDF5's metadata checksum.

    Parameters
    ----------
    data : bytes
        The bytes covered by the checksum.
    initval : int
        The hash's initial value (HDF5 uses 0).

    Returns
    -------
    int
        The 32-bit checksum, as HDF5 stores it (little-endian) after the data.

    Examples
    --------
    >>> hex(lookup3(b""))
    '0xdeadbeef'
    """
    n = len(data)
    a = b = c = (0xDEADBEEF + n + initval) & _MASK
    i = 0
    while n > 12:
        a = (a + int.from_bytes(data[i:i + 4], "little")) & _MASK
        b = (b + int.from_bytes(data[i + 4:i + 8], "little")) & _MASK
        c = (c + int.from_bytes(data[i + 8:i + 12], "little")) & _MASK
        a, b, c = _mix(a, b, c)
        n -= 12
        i += 12
    if n == 0:
        return c
    tail = data[i:i + n] + bytes(12 - n)
    a = (a + int.from_bytes(tail[0:4], "little")) & _MASK
    b = (b + int.from_bytes(tail[4:8], "little")) & _MASK
    c = (c + int.from_bytes(tail[8:12], "little")) & _MASK
    return _final(a, b, c)


def _superblock(path: Path) -> tuple[int, bytes]:
    """``(offset, bytes)`` of a version 2/3 superblock (up to its checksum), checked."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        offset = 0
        while offset < min(size, _MAX_SEARCH):
            f.seek(offset)
            head = f.read(12)
            if head[:8] == _SIGNATURE:
                break
            offset = 512 if offset == 0 else 2 * offset
        else:
            raise SpikesimError(f"{path} is not an HDF5 file (no HDF5 signature found)")
        version = head[8]
        if version not in (2, 3):
            raise SpikesimError(f"{path}: superblock version {version}; only versions 2 and 3 (HDF5 1.10+ files) "
                                "carry file consistency flags to clear")
        n = 12 + 4 * head[9]  # base, superblock extension, end-of-file and root addresses
        f.seek(offset)
        block = f.read(n + 4)
    if len(block) < n + 4 or lookup3(block[:n]) != int.from_bytes(block[n:], "little"):
        raise SpikesimError(f"{path}: the superblock's checksum does not match: the file is damaged "
                            "beyond what clearing its flags can repair")
    return offset, block


def write_flags(path: str | os.PathLike[str]) -> int:
    """The file consistency flags of an HDF5 file's superblock (0: closed cleanly).

    Parameters
    ----------
    path : str or os.PathLike
        An HDF5 file with a version 2 or 3 superblock.

    Returns
    -------
    int
        The flags byte: bit 0 open for writing, bit 2 open for SWMR writing.

    Raises
    ------
    SpikesimError
        If the file is not HDF5, has another superblock version or a damaged superblock.
    """
    return _superblock(Path(path))[1][11]


def clear_write_flags(path: str | os.PathLike[str]) -> bool:
    """Clear the write flags a killed writer left, so that every HDF5 tool opens the file.

    Parameters
    ----------
    path : str or os.PathLike
        An hdf5 recording (or any HDF5 file with a version 2 or 3 superblock) that no
        process has open for writing.

    Returns
    -------
    bool
        True if flags were set and are now cleared, False if the file was closed
        cleanly (then nothing is written).

    Raises
    ------
    SpikesimError
        If the file is not HDF5, has another superblock version or a damaged
        superblock (the file is left untouched).
    """
    p = Path(path)
    offset, block = _superblock(p)
    if block[11] == 0:
        return False
    n = len(block) - 4
    fixed = block[:11] + b"\x00" + block[12:n]
    with open(p, "r+b") as f:
        f.seek(offset + 11)
        f.write(b"\x00")
        f.seek(offset + n)
        f.write(lookup3(fixed).to_bytes(4, "little"))
        f.flush()
        os.fsync(f.fileno())
    return True


def trim_unflushed_rows(path: str | os.PathLike[str]) -> int:
    """Cut every column of an hdf5 recording down to its ``n_rows`` (the rows its writer
    flushed); returns how many datasets were cut.

    A writer killed between growing a device's datasets and writing their new
    ``n_rows`` leaves columns longer than ``n_rows``; the rows beyond it were never
    flushed.  A file its writer closed holds exactly ``n_rows`` rows, and
    :func:`spikesim.io.read` refuses one that does not (a damaged ``n_rows`` would
    otherwise drop rows silently), so ``spikesim repair`` cuts them after
    :func:`clear_write_flags` has cleared the flags of a killed writer, and only then.

    Raises
    ------
    OSError
        If HDF5 cannot open the file for writing.
    """
    import h5py

    from spikesim.io.hdf5_layout import DEVICES, N_ROWS, SENDERS, grid_names

    cut = 0
    with h5py.File(path, "r+") as f:
        for name in f.get(DEVICES, {}):
            g = f[DEVICES][name]
            groups = [g[k] for k in grid_names(g)] or [g]
            for b in groups:
                if N_ROWS not in b:
                    continue
                n = int(b[N_ROWS][0])
                for c, ds in b.items():
                    grid_senders = b is not g and c == SENDERS  # a grid's senders: one per column, not per row
                    if c == N_ROWS or grid_senders or not isinstance(ds, h5py.Dataset) or ds.ndim < 1:
                        continue
                    if ds.shape[0] > n and ds.maxshape[0] is None:
                        ds.resize(n, axis=0)
                        cut += 1
    return cut
