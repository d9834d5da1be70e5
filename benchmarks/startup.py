"""Start-up cost: import spikesim and run a small Brunel network, cold and warm.

Each run is a fresh process.  The first uses an empty kernel cache (a temporary
``NUMBA_CACHE_DIR``), so it compiles every kernel the Brunel benchmark needs; the
next ones load them from that cache, as every later start on a machine does.

    python benchmarks/startup.py [--threads 1] [--warm-runs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {examples!r})
import spikesim, brunel
t1 = time.perf_counter()
sim, parts = brunel.build(10, 1, {threads})
sim.simulate(5.0)
t2 = time.perf_counter()
print(json.dumps({{"import_s": t1 - t0, "first_run_s": t2 - t1}}))
"""


def run(cache: str, threads: int) -> dict[str, float]:
    examples = str(Path(__file__).resolve().parents[1] / "examples")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD.format(examples=examples, threads=threads)],
                         capture_output=True, text=True, check=True, env=env)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["process_s"] = time.perf_counter() - t0
    return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warm-runs", type=int, default=2)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as cache:
        rows = [("cold", run(cache, args.threads))]
        rows += [("warm", run(cache, args.threads)) for _ in range(args.warm_runs)]
    print(f"start-up, {args.threads} thread(s): import + small Brunel network (build, 5 ms)")
    print(f"{'start':6s} {'import s':>9s} {'first run s':>12s} {'process s':>10s}")
    for name, r in rows:
        print(f"{name:6s} {r['import_s']:9.2f} {r['first_run_s']:12.2f} {r['process_s']:10.2f}")


if __name__ == "__main__":
    main()
