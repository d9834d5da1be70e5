"""Peak memory of a large run recorded through reductions, against the unrecorded run.

examples/brunel.py's network with fixed in-degree (CE = 1000, CI = 250, as in
``brunel.py --scaling``) at ``--neurons`` neurons, simulated ``--simtime`` ms, each mode
in a fresh process:

* ``none``: no recorder;
* ``reduced``: every spike into a population rate (``reduce="rate"``, 1 ms bins) and
  V_m of every neuron into its population mean and variance (``reduce="population"``,
  every 1 ms), both in memory.

Prints peak RSS of each and the ratio (issue 12's target: <= 1.2), and the bytes the
reduced records hold (what a full recording of the same would hold, for scale).

    python benchmarks/reductions.py                     # 100,000 neurons, 10 s
    python benchmarks/reductions.py --neurons 10000 --simtime 1000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def child(args: argparse.Namespace) -> dict[str, Any]:
    """Build and run one mode; its figures."""
    sys.path.insert(0, str(HERE.parent / "examples"))
    import brunel  # noqa: E402 - the example defines the network once

    order = args.neurons // 5
    t0 = time.perf_counter()
    sim, parts = brunel.build(order, 1, args.threads, indegree=1000)
    if args.mode == "reduced":
        parts["sr"].set(reduce="rate", bin=1.0)
    else:  # the example's spike recorder records nothing: an empty window (0, 0]
        parts["sr"].set(stop=0.0)
    neurons = parts["ex"] + parts["in"]
    held = 0
    if args.mode == "reduced":
        vm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 1.0, "reduce": "population"})
        sim.connect(vm, neurons)
    t1 = time.perf_counter()
    sim.simulate(args.simtime)
    t2 = time.perf_counter()
    if args.mode == "reduced":
        for dev in (parts["sr"], vm):
            held += sum(v.nbytes for v in dev.get("events")[0].values())
    return {"mode": args.mode, "neurons": len(neurons), "build_s": t1 - t0, "simulate_s": t2 - t1,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "held_bytes": held}


def main(argv: list[str] | None = None) -> int:
    """Run both modes in fresh processes and print the comparison; 0 when within 1.2x."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--neurons", type=int, default=100_000)
    ap.add_argument("--simtime", type=float, default=10_000.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--mode", choices=["none", "reduced"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.mode:
        print(json.dumps(child(args)), flush=True)
        return 0
    res = {}
    for mode in ("none", "reduced"):
        cmd = [sys.executable, __file__, "--mode", mode, "--neurons", str(args.neurons),
               "--simtime", str(args.simtime), "--threads", str(args.threads)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        res[mode] = json.loads([ln for ln in out.splitlines() if ln.startswith("{")][-1])
        print(json.dumps(res[mode]), flush=True)
    ratio = res["reduced"]["peak_rss_mb"] / res["none"]["peak_rss_mb"]
    full = res["reduced"]["neurons"] * args.simtime * 16  # V_m every 1 ms as (time, sender, value) rows
    print(f"\n{res['none']['neurons']:,} neurons, {args.simtime / 1000:.1f} s: peak RSS unrecorded "
          f"{res['none']['peak_rss_mb']:.0f} MB, with reductions {res['reduced']['peak_rss_mb']:.0f} MB "
          f"(ratio {ratio:.3f}, target <= 1.2); reduced records hold {res['reduced']['held_bytes'] / 2**20:.2f} MB "
          f"(every V_m sample alone would be ~{full / 2**30:.1f} GB)")
    return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
