"""The main job of ``make demo``: the Brunel network at 12,500 neurons, 1000 ms."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brunel  # noqa: E402

if __name__ == "__main__":
    brunel.main(sys.argv[1:])
