"""``spikesim repair FILE.h5``: make a recording whose writer was killed open everywhere.

See :mod:`spikesim.io.hdf5_repair` for what is changed (5 bytes of the superblock)
and why; :func:`spikesim.io.read` reads such a file without it.
"""

from __future__ import annotations

from pathlib import Path

from spikesim.cli.summary import CliError
from spikesim.errors import SpikesimError
from spikesim.io.hdf5_repair import clear_write_flags, trim_unflushed_rows

__all__ = ["repair_file"]


def repair_file(path: Path) -> str:
    """Clear the write flags of ``path``, cut its columns back to the rows its killed
    writer had flushed, and say what was done.

    Parameters
    ----------
    path : Path
        An hdf5 recording that no process writes any more.

    Returns
    -------
    str
        One line: the flags were cleared, or the file was already closed cleanly.

    Raises
    ------
    CliError
        If the file does not exist, is not an HDF5 file of a supported superblock
        version, or its superblock is damaged (the file is left untouched).
    """
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    try:
        cleared = clear_write_flags(path)
        cut = trim_unflushed_rows(path) if cleared else 0
    except (SpikesimError, OSError) as err:
        raise CliError(str(err)) from err
    if cleared:
        extra = f"; cut {cut} columns back to the rows it had flushed" if cut else ""
        return f"{path}: cleared the write flags a killed writer left{extra}; HDF5 tools open it now"
    return f"{path}: closed cleanly, nothing to repair"
