"""Brunel network benchmark: spikesim against NEST 3.10 and Brian2 2.9.

Every run is a fresh process (so peak RSS is the run's own) printing one JSON line;
peers run alternately with spikesim, ``--repeats`` times, and the table shows the
median of each figure and the ratios spikesim / peer.

Peers run with the Python of their own virtual environment, given by
``--nest-python`` / ``--brian2-python`` or the environment variables
``SPIKESIM_NEST_PYTHON`` / ``SPIKESIM_BRIAN2_PYTHON`` (defaults:
``~/.venvs/nest/bin/python`` and ``~/.venvs/brian2/bin/python``); an absent peer
is skipped.

    python benchmarks/brunel.py --order 500            # quick
    python benchmarks/brunel.py --order 2500 --threads 1 2
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = {
    "spikesim": (sys.executable, HERE / "peers" / "spikesim_brunel.py"),
    "nest": (os.environ.get("SPIKESIM_NEST_PYTHON", str(Path.home() / ".venvs/nest/bin/python")),
             HERE / "peers" / "nest_brunel.py"),
    "brian2": (os.environ.get("SPIKESIM_BRIAN2_PYTHON", str(Path.home() / ".venvs/brian2/bin/python")),
               HERE / "peers" / "brian2_brunel.py"),
}


def run(python: str, script: Path, order: int, simtime: float, threads: int, seed: int,
        timeout: float) -> dict:
    cmd = [python, str(script), "--order", str(order), "--simtime", str(simtime), "--threads", str(threads),
           "--seed", str(seed)]
    env = dict(os.environ, PYNEST_QUIET="1")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-2000:]}")
    return json.loads([ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--order", type=int, default=500)
    ap.add_argument("--simtime", type=float, default=1000.0)
    ap.add_argument("--threads", type=int, nargs="+", default=[1])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--nest-python", default=None)
    ap.add_argument("--brian2-python", default=None)
    ap.add_argument("--peers", nargs="+", default=["spikesim", "nest", "brian2"])
    ap.add_argument("--timeout", type=float, default=1800.0)
    args = ap.parse_args(argv)
    peers = dict(PEERS)
    if args.nest_python:
        peers["nest"] = (args.nest_python, peers["nest"][1])
    if args.brian2_python:
        peers["brian2"] = (args.brian2_python, peers["brian2"][1])
    active = [p for p in args.peers if p in peers and Path(peers[p][0]).exists()]
    for p in args.peers:
        if p not in active:
            print(f"# {p}: skipped (no python at {peers.get(p, ('?',))[0]})")
    results: dict[tuple[str, int], list[dict]] = {}
    for threads in args.threads:
        for _ in range(args.repeats):
            for p in active:  # alternate peers within each repeat
                py, script = peers[p]
                r = run(py, script, args.order, args.simtime, threads, args.seed, args.timeout)
                results.setdefault((p, threads), []).append(r)
                print(f"# {p:8s} threads={threads} build {r['build_s']:.2f} s  simulate {r['simulate_s']:.2f} s  "
                      f"rss {r['peak_rss_mb']:.0f} MB  rate {r['rate_hz']:.2f} Hz", flush=True)
    print()
    print(f"Brunel delta network, order {args.order}, {args.simtime:g} ms, all spikes recorded "
          f"(median of {args.repeats})")
    head = f"{'peer':10s} {'thr':>3s} {'build s':>8s} {'sim s':>8s} {'RSS MB':>8s} {'spikes':>9s} {'rate Hz':>8s}"
    print(head)
    print("-" * len(head))
    med = {}
    for (p, threads), rs in results.items():
        m = {k: statistics.median(r[k] for r in rs) for k in ("build_s", "simulate_s", "peak_rss_mb", "n_spikes",
                                                                  "rate_hz")}
        med[(p, threads)] = m
        print(f"{p:10s} {threads:3d} {m['build_s']:8.2f} {m['simulate_s']:8.2f} {m['peak_rss_mb']:8.0f} "
              f"{m['n_spikes']:9.0f} {m['rate_hz']:8.2f}")
    print()
    for threads in args.threads:
        s = med.get(("spikesim", threads))
        for p in ("nest", "brian2"):
            o = med.get((p, threads))
            if s and o:
                print(f"spikesim/{p} (threads={threads}): build {s['build_s'] / o['build_s']:.3f}  "
                      f"simulate {s['simulate_s'] / o['simulate_s']:.3f}  "
                      f"peak RSS {s['peak_rss_mb'] / o['peak_rss_mb']:.3f}")
    if len(args.threads) > 1 and ("spikesim", 1) in med:
        for threads in args.threads[1:]:
            print(f"spikesim speed-up {threads} threads vs 1: "
                  f"{med[('spikesim', 1)]['simulate_s'] / med[('spikesim', threads)]['simulate_s']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
