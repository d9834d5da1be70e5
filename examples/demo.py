"""The main job of ``make demo``.

1. The Brunel network at 12,500 neurons for 1000 ms (rates, raster PNG).
2. Seed 004: store and restore a network with STDP (1000 ms per run), printing
   which restored runs matched (same seed: identical; other seed: different).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brunel  # noqa: E402
import store_restore_network  # noqa: E402

if __name__ == "__main__":
    print("=== Brunel network ===")
    brunel.main(sys.argv[1:])
    print("\n=== Store and restore a network simulation (seed 004) ===")
    store_restore_network.main([])
