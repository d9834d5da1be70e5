"""Make ``tests/examples/nest_ports_nest310.json``: what NEST 3.10 prints for the ports.

Run in NEST's environment (not spikesim's)::

    ~/.venvs/nest/bin/python tools/make_nest_port_reference.py [NAME ...]

Every script in ``examples/nest/`` listed in ``PORTS`` (or only the NAMEs given) runs
with real NEST; its result lines (``label: number ...``, not NEST's banner or log
lines) are stored.  ``tests/examples/test_nest_ports.py`` runs the same scripts with
``python -m spikesim.nest`` and compares.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "examples" / "nest_ports_nest310.json"
#: the ports whose printed results are deterministic (the same in NEST and spikesim)
PORTS = ("adex_brette_gerstner", "tsodyks_depression_facilitation", "hh_fi_curve", "sinusoidal_poisson_generator")
RESULT = re.compile(r"^[^\s\[].*:\s*-?\d")
#: lines NEST's Simulate prints to stdout
NEST_LOG = ("Simulation time (ms):", "Number of OpenMP threads:", "Number of MPI processes:")


def result_lines(stdout: str) -> list[str]:
    """The result lines of a port's output (NEST's banner is indented, its log starts with
    '[' or is one of ``NEST_LOG``)."""
    return [line for line in stdout.splitlines() if RESULT.match(line) and not line.startswith(NEST_LOG)]


def main(argv: list[str]) -> int:
    """Run the ports named in ``argv`` (default: all of ``PORTS``) with NEST and store their results."""
    ref = json.loads(OUT.read_text()) if OUT.exists() else {}
    for name in argv or PORTS:
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run([sys.executable, str(ROOT / "examples" / "nest" / f"{name}.py")], cwd=tmp,
                                  capture_output=True, text=True)
        if proc.returncode:
            print(f"{name}: NEST failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        ref[name] = result_lines(proc.stdout)
        print(name, ref[name])
    ref["_about"] = "Result lines NEST 3.10 prints for examples/nest/*.py; made by tools/make_nest_port_reference.py."
    OUT.write_text(json.dumps(ref, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
