"""Distributed Brunel benchmark: 1 and 2 MPI processes x 1 thread (order 2500 by default).

Run ``python benchmarks/mpi.py [--order 2500] [--simtime 1000] [--procs 1 2]``.  Each
configuration runs in fresh processes under ``mpiexec -n P`` (a warm-up network first,
so numba's compilation is not timed) and every rank reports: build and simulate time
(s, the slowest rank counts), bytes it sent in the spike exchange and gathers,
connection storage (bytes of its tables), peak RSS (MB) next to the RSS of the
interpreter with spikesim imported.  Needs mpi4py and mpiexec (``pip install spikesim[mpi]``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _rss_mb() -> float:
    """Peak resident set size of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(order: int, simtime: float, threads: int, seed: int) -> None:
    """One rank's part: build, simulate, print a JSON line with its figures."""
    sys.path.insert(0, str(ROOT / "examples"))
    import brunel  # noqa: PLC0415 - the example defines the network once

    from spikesim.parallel import world  # noqa: PLC0415

    comm = world()
    base_rss = _rss_mb()
    warm, _ = brunel.build(10, seed, threads)
    warm.simulate(5.0)
    del warm
    sent0 = getattr(comm, "bytes_sent", 0)
    comm.barrier()
    t0 = time.perf_counter()
    sim, parts = brunel.build(order, seed, threads)
    sim.engine.prepare()
    comm.barrier()
    t1 = time.perf_counter()
    sim.simulate(simtime)
    comm.barrier()
    t2 = time.perf_counter()
    ev = parts["sr"].get("events")[0]
    table = sum(p.ptr.nbytes + p.tgt.nbytes + p.w.nbytes + p.d.nbytes + p.rcpt.nbytes
                + sum(v.nbytes for v in p.extra.values()) for p in sim.connector.projections.values())
    print(json.dumps({"rank": comm.rank, "procs": comm.size, "threads": threads, "build_s": t1 - t0,
                      "simulate_s": t2 - t1, "bytes_sent": getattr(comm, "bytes_sent", 0) - sent0,
                      "table_bytes": table, "peak_rss_mb": _rss_mb(), "base_rss_mb": base_rss,
                      "n_spikes": int(ev["senders"].size)}), flush=True)


def run(procs: int, order: int, simtime: float, threads: int, seed: int) -> list[dict[str, float]]:
    """Every rank's figures of one configuration."""
    mpiexec = Path(sys.executable).parent / "mpiexec"
    cmd = [sys.executable, "-m", "mpi4py", __file__, "--worker", "--order", str(order), "--simtime", str(simtime),
           "--threads", str(threads), "--seed", str(seed)]
    if procs > 1:
        cmd = [str(mpiexec), "-n", str(procs), *cmd]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return sorted((json.loads(line) for line in out.splitlines() if line.startswith("{")), key=lambda r: r["rank"])


def main(argv: list[str] | None = None) -> int:
    """Run the configurations and print one row per rank and the speed-ups."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--order", type=int, default=2500)
    ap.add_argument("--simtime", type=float, default=1000.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.order, args.simtime, args.threads, args.seed)
        return 0
    print(f"Brunel order {args.order}, {args.simtime:g} ms, {args.threads} thread(s) per rank")
    print("procs rank  build_s  simulate_s  exchanged_MB  table_MB  peak_RSS_MB  base_RSS_MB  spikes")
    results = {}
    for procs in args.procs:
        rows = run(procs, args.order, args.simtime, args.threads, args.seed)
        results[procs] = rows
        for r in rows:
            print(f"{procs:5d} {r['rank']:4d} {r['build_s']:8.2f} {r['simulate_s']:11.2f} "
                  f"{r['bytes_sent'] / 1e6:13.2f} {r['table_bytes'] / 1e6:9.1f} {r['peak_rss_mb']:12.0f} "
                  f"{r['base_rss_mb']:12.0f} {r['n_spikes']:7d}")
    if 1 in results:
        one = results[1][0]
        for procs, rows in results.items():
            if procs > 1:
                sim_s = max(r["simulate_s"] for r in rows)
                table = max(r["table_bytes"] for r in rows)
                print(f"{procs} processes vs 1: simulate {one['simulate_s'] / sim_s:.2f}x faster, "
                      f"connection storage per rank {table / one['table_bytes']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
