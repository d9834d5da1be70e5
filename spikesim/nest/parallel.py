"""PyNEST's names for distributed runs: ``Rank``, ``NumProcesses``, ``GetLocalNodeCollection``.

Under ``mpiexec -n N python -m mpi4py script.py`` each process is one rank (see
:mod:`spikesim.parallel`); neurons are split over the ranks in contiguous blocks,
devices exist on every rank.  In one process these return 0, 1 and the whole collection.
"""

from __future__ import annotations

import numpy as np

from spikesim.nest._collections import NodeCollection
from spikesim.nest.simulation import get_simulator
from spikesim.parallel import world


def NumProcesses() -> int:
    """Number of MPI processes of the run (1 without MPI)."""
    return world().size


def Rank() -> int:
    """MPI rank of this process, from 0 (0 without MPI)."""
    return world().rank


def GetLocalNodeCollection(nc: NodeCollection) -> NodeCollection:
    """The nodes of ``nc`` whose ``local`` status key is True: its block of each neuron population,
    and every device (devices exist on every rank).

    Parameters
    ----------
    nc : NodeCollection
        Nodes of the current simulator.

    Returns
    -------
    NodeCollection
        The local ones, in the order of ``nc``.
    """
    sim = get_simulator()
    ids = np.asarray(nc.ids, dtype=np.int64)
    return NodeCollection(sim, ids[sim.node_table.local_mask()[ids - 1]])


__all__ = ["GetLocalNodeCollection", "NumProcesses", "Rank"]
