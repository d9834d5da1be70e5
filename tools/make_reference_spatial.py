"""Write tests/spatial/data/reference_spatial.json from NEST 3.10.

Runs the scenarios of tests/spatial/scenarios.py under NEST and stores their results
(connections with weights and delays, layer positions and spatial dicts, outputs of the
spatial query functions), which tests/spatial replays through spikesim.nest.

Run with NEST's Python: ``~/.venvs/nest/bin/python tools/make_reference_spatial.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "spatial"))

import nest  # noqa: E402
import scenarios  # noqa: E402


def main() -> None:
    """Run every scenario under NEST and write the JSON file."""
    nest.set_verbosity("M_ERROR")
    out = {
        "nest_version": nest.__version__,
        "connections": {name: scenarios.run(nest, name) for name in scenarios.SCENARIOS if "big" not in name},
        "summaries": {name: scenarios.summary(scenarios.run(nest, name)) for name in scenarios.SCENARIOS
                      if "big" in name},
        "layers": {name: scenarios.layer_facts(nest, name) for name in scenarios.LAYERS},
        "queries": scenarios.queries(nest),
    }
    path = ROOT / "tests" / "spatial" / "data" / "reference_spatial.json"
    path.write_text(json.dumps(out, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
