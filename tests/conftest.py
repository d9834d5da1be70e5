"""Settings for the whole suite.

``make test`` runs the suite on two pytest-xdist workers (``-n 2 --dist loadgroup``).
Tests that start ``mpiexec`` run up to 3 processes x 2 threads each, so they share
one group: one worker runs them one after the other while the other worker runs the
rest, and the two cores are never asked for more than one MPI run at a time.
"""

from __future__ import annotations

import pytest

#: tests that start ``mpiexec`` outside the modules named ``*mpi*.py``
_MPI_TESTS = {"test_mpi_quick_rounds", "test_two_processes_record_what_one_records"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put every test that runs ``mpiexec`` into the xdist group ``mpi``."""
    for item in items:
        name = getattr(item, "originalname", item.name)
        if "mpi" in item.path.name or name in _MPI_TESTS:
            item.add_marker(pytest.mark.xdist_group("mpi"))
