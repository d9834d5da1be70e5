"""Run under ``mpiexec`` by tests/models/test_generators_record.py.

``python -m mpi4py generator_record_mpi.py OUT_DIR``: the network of those tests (its
noise generator's targets spread over the ranks), two simulate calls, every rank's
events written to ``OUT_DIR/rank<r>.npz``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from spikesim.parallel import world
from tests.models.test_generators_record import SPLIT, _events, _network


def main(out: Path) -> None:
    """Run the network and write this rank's events."""
    sim = _network()
    for t in SPLIT:
        sim.simulate(t)
    np.savez(out / f"rank{world().rank}.npz", **_events(sim))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
