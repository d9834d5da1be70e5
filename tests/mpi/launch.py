"""Where the MPI tests find ``mpiexec``, and their skip marker.

The ``mpiexec`` of the MPICH wheel lies beside the interpreter of the virtual
environment; elsewhere the one on the PATH is taken.  Tests that start it are skipped
(with a message saying why) only where mpi4py or ``mpiexec`` is absent.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest


def find_mpiexec() -> str | None:
    """The ``mpiexec`` beside this interpreter, else the one on the PATH, else None."""
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")


MPIEXEC = find_mpiexec()

#: skip marker of every test that starts ``mpiexec``
NEEDS_MPI = pytest.mark.skipif(importlib.util.find_spec("mpi4py") is None or MPIEXEC is None,
                               reason="MPI tests need mpi4py and its mpiexec (pip install spikesim[mpi])")
