"""NEST 3.10's own pynest examples, unmodified, run on spikesim.nest.

Each example named in ``examples.json`` runs from a NEST source checkout given by the
environment variable ``SPIKESIM_NEST_SOURCE`` (the folder holding
``pynest/examples``), in a subprocess with a time limit, through ``run_example.py``
(``import nest`` resolves to :mod:`spikesim.nest`).  The test checks exit status 0 and
compares the facts listed for the example with NEST 3.10's values, made by
``tools/make_nest_example_facts.py`` in NEST's environment and kept in
``nest310_facts.json`` (a fact compared ``exact`` must be equal; ``abs``/``rel`` give
the tolerance, with the reason in the JSON file).

Without ``SPIKESIM_NEST_SOURCE`` every test is skipped: NEST's examples are GPL and
not part of spikesim.  The examples are slow (seconds to minutes each).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SPEC = json.loads((HERE / "examples.json").read_text())
REFERENCE = json.loads((HERE / "nest310_facts.json").read_text())
SOURCE = os.environ.get("SPIKESIM_NEST_SOURCE")
EXAMPLES = sorted(k for k in SPEC if not k.startswith("_"))

pytestmark = pytest.mark.skipif(
    not SOURCE, reason="set SPIKESIM_NEST_SOURCE to a NEST 3.10 source folder (holding pynest/examples) "
                       "to run NEST's own examples on spikesim.nest")


def _close(got: object, want: object, how: list) -> bool:
    if how[0] == "exact":
        return got == want
    a, b = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if a.shape != b.shape:
        return False
    tol = how[1] if how[0] == "abs" else how[1] * np.abs(b)
    return bool(np.all(np.abs(a - b) <= tol))


@pytest.mark.parametrize("name", EXAMPLES)
def test_nest_example_runs_and_agrees(name: str, tmp_path: Path) -> None:
    script = Path(SOURCE or "") / "pynest" / "examples" / f"{name}.py"
    assert script.is_file(), f"{script} not found: is SPIKESIM_NEST_SOURCE a NEST source folder?"
    spec = SPEC[name]
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(spec["facts"]))
    out = tmp_path / "out.json"
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(HERE / "run_example.py"), str(script), str(out), str(facts)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=spec["timeout"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(out.read_text())["facts"]
    for fact, how in spec["compare"].items():
        want = REFERENCE[name]["facts"][fact]
        assert _close(got[fact], want, how), f"{name}: {fact} = {got[fact]!r}, NEST 3.10: {want!r} ({how})"
