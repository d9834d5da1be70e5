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
    python benchmarks/brunel.py --scaling              # 2,500 to 1,000,000 neurons
    python benchmarks/brunel.py --scaling --sizes 12500 100000 --peers spikesim

The scaling mode keeps every neuron's indegree fixed (CE = 1000, CI = 250, the
12,500-neuron network's), so the dynamics stay the same while the size grows
(1,000,000 neurons: 1.25e9 synapses, about 6 GB), and prints build time (also per
synapse), seconds per simulated second, the ratio of the CPU time of the simulation's
first half to its second's (memory touched for the first time or kernels compiled
while simulating show as a first half slower than the second), nanoseconds of wall
and of CPU time per delivered synaptic event, bytes of connection table per synapse,
peak RSS, and the machine's 1-minute load average after the run (a busy machine
stretches wall times, less so CPU times).  With NEST available
(and among ``--peers``) it adds NEST's peak RSS for the same network where its
projection (from the smaller sizes measured) stays under ``--nest-max-mb``, and the
projection, marked ``~``, where it does not.

Build time in the scaling mode (connect + the engine's preparation, 1 thread; CPU is
process time; 1 December 2026 on the shared 2-core machine, so wall times are
stretched: 1-minute load 2.4-3.5 before, 3.5-4.7 after; ns per synapse wall / CPU):

=========  =============  ===========================  ===========================
neurons    synapses       before: build s, CPU s, ns   after: build s, CPU s, ns
=========  =============  ===========================  ===========================
12,500     15,650,000      0.48   0.47   30.6 / 30.0    0.85   0.40   54.1 / 25.7
100,000    125,200,000     4.69   4.62   37.5 / 36.9    3.72   3.24   29.7 / 25.9
300,000    375,600,000    16.48  16.16   43.9 / 43.0   10.17   9.57   27.1 / 25.5
1,000,000  1,252,000,000  80.66  61.19   64.4 / 48.9   52.27  35.28   41.7 / 28.2
=========  =============  ===========================  ===========================

CPU per synapse at 10^6 neurons was 1.33x that at 100,000 and is 1.09x now (same
tables: identical ``ptr``/``tgt`` at 12,500 and 100,000 neurons, 1 and 2 threads;
peak RSS 5,795 MB before, 5,791 MB after).  What grew faster than the synapses
(cProfile of the build at 300,000 and 10^6 neurons): the writes of each connection
into its source's row, a cache line (and in a table of gigabytes a TLB miss) per
synapse, 16 ns/syn at 300,000 and 23 at 10^6, now staged per bucket of 32,768
sources (network/projection.py StagedScatter); a pass over the whole source pool
per block of 10^6 draws (its max and contiguity, now found once per call: quadratic
in the size); in the preparation a Python call per recorded neuron (6.3 s at 10^6)
and a numpy pass per block for the targets' shared input mode (now compiled); and
``ex + inh`` sorting 10^6 ids already in order.  What is left grows with the size
through cache misses only (counting sources: 1.6 ns/syn at 100,000, 2.2 at 10^6).
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
    ap.add_argument("--scaling", action="store_true", help="spikesim from 2,500 to 1,000,000 neurons")
    ap.add_argument("--sizes", type=int, nargs="+", default=None,
                    help="--scaling: these network sizes (neurons, multiples of 5) instead of 2,500 to 1,000,000")
    ap.add_argument("--nest-max-mb", type=float, default=3000.0,
                    help="--scaling: run NEST where its projected peak RSS is at most this (MB), else project it")
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


#: network sizes (neurons) of the scaling sweep
SIZES = (2500, 12500, 25000, 50000, 100000, 1000000)


def _importable(python: str, module: str) -> bool:
    return Path(python).exists() and subprocess.run(
        [python, "-c", f"import {module}"], capture_output=True, env=dict(os.environ, PYNEST_QUIET="1")).returncode == 0


def _nest_projection(points: list[tuple[int, float]], synapses: int) -> float:
    """NEST's peak RSS (MB) at ``synapses``, extrapolated linearly from measured
    (synapses, MB) points: through the two largest, or through the one (as MB/synapse);
    before any, 300 MB and 80 bytes per synapse (NEST 3.10 on this workload)."""
    if not points:
        return 300.0 + 80.0 * synapses / 2**20
    if len(points) == 1:
        return points[0][1] * synapses / points[0][0]
    (s0, m0), (s1, m1) = sorted(points)[-2:]
    return m1 + (m1 - m0) / (s1 - s0) * (synapses - s1)


def scaling(args: argparse.Namespace) -> int:
    py, script = PEERS["spikesim"]
    nest_py = args.nest_python or PEERS["nest"][0]
    nest = "nest" in args.peers and _importable(nest_py, "nest")
    simtime = args.simtime if args.simtime != 1000.0 else 100.0
    sizes = args.sizes or list(SIZES)
    bad = [n for n in sizes if n <= 0 or n % 5]
    if bad:
        raise SystemExit(f"--sizes: {bad[0]} is not allowed; give positive multiples of 5 (NE = 4/5, NI = 1/5)")
    print(f"spikesim scaling, fixed indegree CE=1000 CI=250, {simtime:g} ms, threads {args.threads[0]}"
          + (f"; NEST peak RSS measured up to a projected {args.nest_max_mb:g} MB, projected (~) above" if nest
             else ""))
    head = (f"{'neurons':>9s} {'synapses':>13s} {'build s':>8s} {'ns/syn':>7s} {'cpu s':>7s} {'cpu ns/syn':>10s} "
            f"{'s/sim s':>8s} "
            f"{'1st/2nd':>7s} {'ns/event':>9s} {'cpu ns/ev':>9s} {'B/syn':>6s} {'RSS MB':>7s} {'rate Hz':>8s} "
            f"{'load':>5s}"
            + (f" {'NEST MB':>9s} {'NEST B/syn':>10s}" if nest else ""))
    print(head)
    print("-" * len(head))
    points: list[tuple[int, float]] = []
    for n in sizes:
        r = run(py, script, n // 5, simtime, args.threads[0], args.seed, args.timeout, ("--indegree", "1000"))
        syn = r["n_synapses"]
        halves = r["cpu_first_half_s"] / max(r["cpu_second_half_s"], 1e-9)
        events = max(r["n_events_delivered"], 1)
        cpu = r.get("build_cpu_s", float("nan"))  # absent from peers before it was measured
        row = (f"{n:9,d} {syn:13,d} {r['build_s']:8.2f} {1e9 * r['build_s'] / syn:7.1f} {cpu:7.2f} "
               f"{1e9 * cpu / syn:10.1f} "
               f"{r['simulate_s'] / (simtime / 1000.0):8.2f} {halves:7.2f} {1e9 * r['simulate_s'] / events:9.2f} "
               f"{1e9 * (r['cpu_first_half_s'] + r['cpu_second_half_s']) / events:9.2f} "
               f"{r['table_bytes'] / syn:6.2f} {r['peak_rss_mb']:7.0f} {r['rate_hz']:8.2f} {os.getloadavg()[0]:5.1f}")
        if nest:
            row += " " + _nest_column(nest_py, n, simtime, args, points, syn)
        print(row, flush=True)
    return 0


def _nest_column(python: str, n: int, simtime: float, args: argparse.Namespace, points: list[tuple[int, float]],
                 syn: int) -> str:
    """NEST's peak RSS at ``n`` neurons, measured where the projection fits under
    ``--nest-max-mb`` (appended to ``points``), else projected; and its bytes per synapse."""
    proj = _nest_projection(points, syn)
    if proj > args.nest_max_mb:
        per = "-"  # unknown until two sizes were measured
        if len(points) > 1:
            (s0, m0), (s1, m1) = sorted(points)[-2:]
            per = f"{(m1 - m0) * 2**20 / (s1 - s0):.1f}"
        return f"{'~' + format(proj, '.0f'):>9s} {per:>10s}"
    r = run(python, PEERS["nest"][1], n // 5, simtime, args.threads[0], args.seed, args.timeout,
            ("--indegree", "1000"))
    points.append((syn, r["peak_rss_mb"]))
    per = "" if len(points) < 2 else f"{(points[-1][1] - points[-2][1]) * 2**20 / (points[-1][0] - points[-2][0]):.1f}"
    return f"{r['peak_rss_mb']:9.0f} {per:>10s}"


if __name__ == "__main__":
    sys.exit(main())
