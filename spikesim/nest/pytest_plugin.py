"""pytest plugin: ``import nest`` gives :mod:`spikesim.nest` in the tests it collects.

Load it with ``pytest -p spikesim.nest.pytest_plugin``: the aliases are in place
before any conftest runs (``tools/nest_testsuite.py`` runs NEST's own tests so).
"""

from __future__ import annotations

from spikesim.nest.aliases import install

install()
