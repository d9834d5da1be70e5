"""Make ``tests/nest_examples/nest310_facts.json``: NEST 3.10's own results of its examples.

Run in NEST's environment (not spikesim's), with a NEST 3.10 source folder::

    ~/.venvs/nest/bin/python tools/make_nest_example_facts.py /path/to/nest-simulator [NAME ...]

For every example in ``tests/nest_examples/examples.json`` (or only the NAMEs given)
it runs ``pynest/examples/NAME.py`` with real NEST through
``tests/nest_examples/run_example.py --nest`` in a scratch folder and stores the facts
listed for it; entries of other examples already in the file are kept.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "nest_examples"
OUT = HERE / "nest310_facts.json"


def main(argv: list[str]) -> int:
    """Run the examples named in ``argv[1:]`` (default: all) from the NEST source ``argv[0]``."""
    source = Path(argv[0])
    spec = json.loads((HERE / "examples.json").read_text())
    names = argv[1:] or sorted(k for k in spec if not k.startswith("_"))
    facts = json.loads(OUT.read_text()) if OUT.exists() else {}
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "facts.json"
            f.write_text(json.dumps(spec[name]["facts"]))
            out = Path(tmp) / "out.json"
            script = source / "pynest" / "examples" / f"{name}.py"
            proc = subprocess.run([sys.executable, str(HERE / "run_example.py"), str(script), str(out), str(f),
                                   "--nest"], cwd=tmp, capture_output=True, text=True)
            if proc.returncode:
                print(f"{name}: NEST failed\n{proc.stderr[-2000:]}", file=sys.stderr)
                continue
            facts[name] = json.loads(out.read_text())
            print(f"{name}: {facts[name]['facts']}")
    facts["_about"] = ("Made by tools/make_nest_example_facts.py with NEST 3.10 (its own venv) from NEST's "
                       "pynest/examples; values of the facts in tests/nest_examples/examples.json.")
    OUT.write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
