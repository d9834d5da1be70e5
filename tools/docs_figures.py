"""Run every example under examples/ and keep its figures and printout for the docs site.

    python tools/docs_figures.py [--only NAME ...]

Each example runs in a fresh interpreter, in a temporary folder, with the command line
listed in ``RUNS`` (the same one its docs page shows); the PNG files it writes are copied
to ``docs/examples/figures/`` and what it prints to ``docs/examples/output/NAME.txt``.
The figures on the site are therefore exactly what the examples draw; rerun this script
after changing an example and commit the result (the docs build only reads the files,
so ``mkdocs build --strict`` stays fast).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIGURES = ROOT / "docs" / "examples" / "figures"
OUTPUT = ROOT / "docs" / "examples" / "output"

#: example -> (command-line arguments, {file the example writes: figure name in the docs});
#: a pattern with "*" copies every file it matches under its own name
RUNS: dict[str, tuple[list[str], dict[str, str]]] = {
    "demo": ([], {"out/brunel_raster.png": "demo_brunel_raster.png",
                  "out/store_restore_network.png": "demo_store_restore_network.png"}),
    "brunel": (["--order", "500", "--simtime", "300", "--out", "."], {"brunel_raster.png": "brunel_raster.png"}),
    "brunel_nest_face": (["--order", "500", "--simtime", "300", "--png", "raster.png"],
                         {"raster.png": "brunel_nest_face_raster.png"}),
    "record_and_analyze": ([], {"record_and_analyze.png": "record_and_analyze.png"}),
    "recording_demo": ([], {}),
    "multimeter_file": ([], {"multimeter_file.png": "multimeter_file.png"}),
    "monitor_recordings": (["--dpi", "80", "--out", "."], {"monitor_recordings_*.png": "*"}),
    "observer": ([], {"observer_v.png": "observer_v.png", "observer_v_vs_out.png": "observer_v_vs_out.png",
                      "observer_sampling.png": "observer_sampling.png"}),
    "store_restore_network": (["--T", "1000", "--out", "."],
                              {"store_restore_network.png": "store_restore_network.png"}),
    "nwb_export": ([], {}),
}


def run(name: str) -> float:
    """Run one example; copy its figures and printout into docs/examples; return seconds taken.

    Raises
    ------
    RuntimeError
        If the example fails or does not write a figure listed for it.
    """
    args, figures = RUNS[name]
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), *args], cwd=tmp, env=env,
                              capture_output=True, text=True, timeout=1800)
        took = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"examples/{name}.py failed:\n{proc.stderr[-3000:]}")
        for made, kept in figures.items():
            found = sorted(Path(tmp).glob(made))
            if not found:
                raise RuntimeError(f"examples/{name}.py did not write {made}")
            for src in found:
                shutil.copyfile(src, FIGURES / (src.name if kept == "*" else kept))
        # temporary folders differ from run to run: show them as the folder the docs name
        text = proc.stdout.replace(tmp + os.sep, "").replace(tmp, ".")
        (OUTPUT / f"{name}.txt").write_text(f"$ python examples/{name}.py {' '.join(args)}".rstrip() + "\n" + text)
    return took


def main(argv: list[str] | None = None) -> None:
    """Run the examples named (all by default) and report the time each took."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", choices=sorted(RUNS), default=sorted(RUNS))
    names = ap.parse_args(argv).only
    missing = [p.stem for p in sorted(EXAMPLES.glob("*.py")) if p.stem not in RUNS]
    if missing:
        raise SystemExit(f"examples without an entry in RUNS: {missing}")
    FIGURES.mkdir(parents=True, exist_ok=True)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name in names:
        print(f"{name:24s} {run(name):7.1f} s", flush=True)


if __name__ == "__main__":
    main()
