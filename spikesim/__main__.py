"""``python -m spikesim``: the ``spikesim`` command (see :mod:`spikesim.cli`)."""

import sys

from spikesim.cli import main

sys.exit(main())
