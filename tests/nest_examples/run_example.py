"""Run one PyNEST example script and write what it produced as JSON (a helper program).

``python run_example.py SCRIPT OUT.json [FACTS.json] [--nest]``

Without ``--nest`` the script runs on :mod:`spikesim.nest` (``import nest`` resolves to
it, as with ``python -m spikesim.nest``); with ``--nest`` it runs on the NEST that the
interpreter imports (used once, in NEST's own environment, to make the reference facts).
The script runs as ``__main__`` in the current directory with a non-interactive
matplotlib backend.  ``FACTS.json`` maps fact names to Python expressions evaluated in
the script's global namespace afterwards (``np`` is numpy); ``OUT.json`` gets their
values and, for every matplotlib figure left open, the number of points of each line.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("MPLBACKEND", "Agg")


def plain(v: Any) -> Any:
    """A JSON-able copy of ``v`` (numpy arrays and scalars become lists and numbers)."""
    import numpy as np
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return plain(v.tolist())
    if isinstance(v, np.generic):
        return v.item()
    return v


def figures() -> list[list[list[int]]]:
    """Points per line, per axes, per open figure."""
    import matplotlib.pyplot as plt
    return [[[len(line.get_xdata()) for line in ax.get_lines()] for ax in plt.figure(n).axes]
            for n in plt.get_fignums()]


def main(argv: list[str]) -> int:
    """Run the script named by ``argv[0]`` and write ``argv[1]``; see the module docstring."""
    use_nest = "--nest" in argv
    args = [a for a in argv if a != "--nest"]
    script, out = args[0], args[1]
    facts = json.loads(Path(args[2]).read_text()) if len(args) > 2 else {}
    if not use_nest:
        from spikesim.nest.aliases import install
        install()
    import matplotlib.pyplot as plt
    import numpy as np
    plt.show = lambda *a, **k: None  # Agg would only warn; keep the figures for figures()
    sys.argv = [script]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    ns = runpy.run_path(script, run_name="__main__")
    values = {name: plain(eval(expr, {**ns, "np": np})) for name, expr in facts.items()}
    with open(out, "w") as f:
        json.dump({"facts": values, "figures": figures()}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
