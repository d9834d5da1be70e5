"""The communicator of distributed runs: one process (serial) or MPI ranks.

A script runs distributed, unchanged, under ``mpiexec -n N python -m mpi4py script.py``
(or ``mpiexec -n N python script.py``).  :func:`world` decides once per process:

* MPI when ``mpi4py.MPI`` is already imported, or when the launcher's environment
  (``PMI_SIZE``, ``OMPI_COMM_WORLD_SIZE``, ``MPI_LOCALNRANKS``, ``PMIX_SIZE``) says
  there is more than one process and mpi4py can be imported;
* otherwise :class:`SerialComm` (rank 0 of 1), and nothing of MPI is imported.

Every call of the simulator is collective under MPI: all ranks must make the same
calls in the same order.  An exception on one rank would leave the others waiting in
the next collective call, so :func:`world` installs a ``sys.excepthook`` that prints
the traceback and calls ``MPI_Abort``: all ranks stop with the failing rank's message
(``python -m mpi4py`` does the same).

Placement: each population of ``n`` neurons is split over ``P`` ranks in contiguous
blocks, rank ``r`` holding ``[n r // P, n (r + 1) // P)`` (:func:`block`).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol

import numpy as np

#: environment variables in which MPI launchers pass the number of processes
SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS", "PMIX_SIZE")
#: int64 elements of a record of :meth:`MPIComm.allgather` at first, and at most
#: (32 KB a rank: larger arrays are bandwidth-bound, sent by Allgatherv)
RECORD_CAP_MIN, RECORD_CAP_MAX = 64, 4096


class ExchangeStats:
    """Cost of the spike exchange so far (for benchmarks): slices exchanged, wall time
    (s) spent in their allgather, waiting for the slowest rank included, and bytes this
    rank sent in them."""

    def __init__(self) -> None:
        self.slices = 0
        self.seconds = 0.0
        self.bytes = 0


class Communicator(Protocol):
    """What the simulator needs of a communicator (all calls collective)."""

    rank: int
    size: int
    #: what the spike exchange cost so far
    stats: ExchangeStats

    def allgather(self, a: np.ndarray) -> list[np.ndarray]:
        """Every rank's 1-d array (sizes may differ), in rank order."""

    def allgather_start(self, a: np.ndarray) -> Callable[[], list[np.ndarray]]:
        """:meth:`allgather` begun now and finished by calling what it returns, so a rank
        can work between the two (every rank calls the finisher before its next
        collective call)."""

    def allreduce(self, x: float, op: str) -> float:
        """``op`` ("sum", "min", "max") of a number over the ranks."""

    def bcast(self, obj: Any) -> Any:
        """Rank 0's ``obj`` on every rank."""

    def barrier(self) -> None:
        """Wait for every rank."""


def block(n: int, rank: int, size: int) -> tuple[int, int]:
    """Local index range ``[lo, hi)`` of rank ``rank`` in a population of ``n`` nodes.

    Parameters
    ----------
    n : int
        Nodes in the population.
    rank, size : int
        The rank and the number of ranks.

    Returns
    -------
    lo, hi : int
        Contiguous block ``[n rank // size, n (rank + 1) // size)``.
    """
    return n * rank // size, n * (rank + 1) // size


class SerialComm:
    """One process: rank 0 of 1, every collective an identity."""

    rank = 0
    size = 1

    def __init__(self) -> None:
        self.stats = ExchangeStats()

    def allgather(self, a: np.ndarray) -> list[np.ndarray]:
        """``[a]``."""
        return [a]

    def allgather_start(self, a: np.ndarray) -> Callable[[], list[np.ndarray]]:
        """A finisher returning ``[a]``."""
        return lambda: [a]

    def allreduce(self, x: float, op: str) -> float:
        """``x``."""
        return x

    def bcast(self, obj: Any) -> Any:
        """``obj``."""
        return obj

    def barrier(self) -> None:
        """Nothing to wait for."""


class MPIComm:
    """MPI's ``COMM_WORLD`` through mpi4py (numpy buffers, no pickling on hot paths).

    Parameters
    ----------
    comm : mpi4py.MPI.Comm
        The communicator.
    """

    def __init__(self, comm: Any) -> None:
        from mpi4py import MPI  # noqa: PLC0415 - only under MPI
        self.comm = comm
        self.MPI = MPI
        self.rank = int(comm.Get_rank())
        self.size = int(comm.Get_size())
        #: bytes this rank sent in allgather calls (for the benchmark)
        self.bytes_sent = 0
        self.stats = ExchangeStats()
        #: int64 elements per record of :meth:`_allgather_records` (the same on all ranks)
        self._record_cap = RECORD_CAP_MIN

    def allgather(self, a: np.ndarray) -> list[np.ndarray]:
        """Every rank's 1-d array, in rank order.

        Small int64 arrays (the spike exchange, once per slice) travel in one Allgather
        of fixed-size records ``[size, data..., padding]``, one collective instead of
        two; the record size follows the largest array seen (the same on every rank, as
        it is decided from gathered sizes), and an array that does not fit is sent again
        by Allgatherv (the sizes known from the records).

        Parameters
        ----------
        a : ndarray
            1-d, the same dtype on every rank.
        """
        a = np.ascontiguousarray(a)
        self.bytes_sent += a.nbytes
        if a.dtype == np.int64:
            return self._allgather_records(a)
        counts = np.zeros(self.size, dtype=np.int64)
        self.comm.Allgather(np.array([a.size], dtype=np.int64), counts)
        return self._allgatherv(a, counts)

    def allgather_start(self, a: np.ndarray) -> Callable[[], list[np.ndarray]]:
        """:meth:`allgather` begun now (a non-blocking ``Iallgather`` of the fixed-size
        records; other arrays are gathered when the finisher is called), finished by
        calling what it returns.

        Parameters
        ----------
        a : ndarray
            1-d, the same dtype on every rank; not changed until the finisher returns.
        """
        a = np.ascontiguousarray(a)
        if a.dtype != np.int64:
            return lambda: self.allgather(a)
        self.bytes_sent += a.nbytes
        send, recv = self._records(a)
        req = self.comm.Iallgather(send, recv)
        cap = self._record_cap  # another gather may finish first and change the size

        def finish() -> list[np.ndarray]:
            req.Wait()
            return self._from_records(a, recv, cap)
        return finish

    def _allgatherv(self, a: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
        """Every rank's array, its size known from ``counts``."""
        out = np.empty(int(counts.sum()), dtype=a.dtype)
        displ = np.concatenate([[0], np.cumsum(counts)[:-1]])
        mpitype = self.MPI._typedict[a.dtype.char]  # noqa: SLF001 - mpi4py's dtype table
        self.comm.Allgatherv([a, mpitype], [out, (counts, displ), mpitype])
        return [out[int(displ[r]):int(displ[r] + counts[r])] for r in range(self.size)]

    def _allgather_records(self, a: np.ndarray) -> list[np.ndarray]:
        """Gather int64 arrays as fixed-size records (see :meth:`_from_records`)."""
        send, recv = self._records(a)
        self.comm.Allgather(send, recv)
        return self._from_records(a, recv, self._record_cap)

    def _records(self, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """This rank's record ``[size, data..., padding]`` and the buffer for all ranks'."""
        cap = self._record_cap
        send = np.zeros(cap + 1, dtype=np.int64)
        send[0] = a.size
        k = min(a.size, cap)
        send[1:1 + k] = a[:k]
        return send, np.empty(self.size * (cap + 1), dtype=np.int64)

    def _from_records(self, a: np.ndarray, recv: np.ndarray, cap: int) -> list[np.ndarray]:
        """The ranks' arrays from the gathered records of ``cap`` elements (gathered again
        the general way when some did not fit, the sizes being known); sets the next
        record size (the same on every rank: gathers finish in the same order)."""
        rec = recv.reshape(self.size, cap + 1)
        counts = rec[:, 0].copy()
        largest = int(counts.max())
        # every rank computes the same new size from the same gathered sizes
        now = self._record_cap
        self._record_cap = min(max(now, 2 * largest), RECORD_CAP_MAX) if largest > now // 2 else now
        if largest > cap:
            return self._allgatherv(a, counts)
        return [rec[r, 1:1 + int(counts[r])] for r in range(self.size)]

    def allreduce(self, x: float, op: str) -> float:
        """``op`` ("sum", "min", "max") of ``x`` over the ranks."""
        ops = {"sum": self.MPI.SUM, "min": self.MPI.MIN, "max": self.MPI.MAX}
        out: float = self.comm.allreduce(x, op=ops[op])
        return out

    def bcast(self, obj: Any) -> Any:
        """Rank 0's ``obj`` (pickled by mpi4py between our own processes)."""
        return self.comm.bcast(obj, root=0)

    def barrier(self) -> None:
        """Wait for every rank."""
        self.comm.Barrier()

    def abort(self, code: int = 1) -> None:
        """Stop every rank."""
        self.comm.Abort(code)


_WORLD: list[Communicator] = []


def _launched_size() -> int:
    """The number of processes the launcher's environment announces (1 if none)."""
    for var in SIZE_VARIABLES:
        v = os.environ.get(var, "")
        if v.isdigit():
            return int(v)
    return 1


def world() -> Communicator:
    """The communicator of this process (decided on the first call, then the same).

    Returns
    -------
    Communicator
        :class:`MPIComm` under an MPI launch with mpi4py available, else :class:`SerialComm`.
    """
    if not _WORLD:
        comm: Communicator = SerialComm()
        if "mpi4py.MPI" in sys.modules or _launched_size() > 1:
            mpi = _mpi_world()
            if mpi is not None:
                _install_abort_hook(mpi)
                comm = mpi
        _WORLD.append(comm)
    return _WORLD[0]


def _mpi_world() -> MPIComm | None:
    """MPI's world when mpi4py imports and there is more than one process."""
    try:
        from mpi4py import MPI  # noqa: PLC0415 - imported only for MPI launches
    except ImportError:
        return None
    return MPIComm(MPI.COMM_WORLD) if MPI.COMM_WORLD.Get_size() > 1 else None


def _install_abort_hook(comm: MPIComm) -> None:
    """An uncaught exception on one rank prints its traceback and aborts every rank."""
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(f"spikesim: rank {comm.rank} of {comm.size} failed; aborting all ranks\n")
        sys.stderr.write("".join(traceback.format_exception(kind, value, tb)))
        sys.stderr.flush()
        comm.abort(1)

    sys.excepthook = hook
