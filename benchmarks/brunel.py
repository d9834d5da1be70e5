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
    python benchmarks/brunel.py --scaling              # spikesim, 2,500 to 100,000 neurons

The scaling mode keeps every neuron's indegree fixed (CE = 1000, CI = 250, the
12,500-neuron network's), so the dynamics stay the same while the size grows, and
prints seconds per simulated second, per neuron and per delivered synaptic event,
and bytes of connection table per synapse.
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
        timeout: float, extra: tuple[str, ...] = ()) -> dict:
    cmd = [python, str(script), "--order", str(order), "--simtime", str(simtime), "--threads", str(threads),
           "--seed", str(seed), *extra]
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
    ap.add_argument("--scaling", action="store_true", help="spikesim from 2,500 to 100,000 neurons")
    args = ap.parse_args(argv)
    if args.scaling:
        return scaling(args)
    peers = dict(PEERS)
    if args.nest_python:
        peers["nest"] = (args.nest_python, peers["nest"][1])
    if args.brian2_python:
        peers["brian2"] = (args.brian2_python, peers["brian2"][1])
    importable = {"spikesim": "spikesim", "nest": "nest", "brian2": "brian2"}
    active = [p for p in args.peers if p in peers and Path(peers[p][0]).exists()
              and subprocess.run([peers[p][0], "-c", f"import {importable[p]}"], capture_output=True,
                                 env=dict(os.environ, PYNEST_QUIET="1")).returncode == 0]
    for p in args.peers:
        if p not in active:
            print(f"# {p}: skipped (no python at {peers.get(p, ('?',))[0]} that imports it)")
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


def scaling(args: argparse.Namespace) -> int:
    py, script = PEERS["spikesim"]
    simtime = args.simtime if args.simtime != 1000.0 else 200.0
    print(f"spikesim scaling, fixed indegree CE=1000 CI=250, {simtime:g} ms, threads {args.threads[0]}")
    head = (f"{'neurons':>8s} {'synapses':>12s} {'build s':>8s} {'sim s':>8s} {'s/sim s':>8s} "
            f"{'us/neuron/sim s':>16s} {'ns/event':>9s} {'B/syn':>6s} {'RSS MB':>7s} {'rate Hz':>8s}")
    print(head)
    print("-" * len(head))
    for order in (500, 2500, 5000, 10000, 20000):
        r = run(py, script, order, simtime, args.threads[0], args.seed, args.timeout, ("--indegree", "1000"))
        per_sim_s = r["simulate_s"] / (simtime / 1000.0)
        print(f"{r['n_neurons']:8d} {r['n_synapses']:12,d} {r['build_s']:8.2f} {r['simulate_s']:8.2f} "
              f"{per_sim_s:8.2f} {1e6 * per_sim_s / r['n_neurons']:16.2f} "
              f"{1e9 * r['simulate_s'] / max(r['n_events_delivered'], 1):9.2f} "
              f"{r['table_bytes'] / r['n_synapses']:6.2f} {r['peak_rss_mb']:7.0f} {r['rate_hz']:8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
