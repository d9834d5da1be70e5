"""Distributed Brunel benchmark: 1 and 2 MPI processes x 1 and 2 threads (order 2500 by default).

Run ``python benchmarks/mpi.py [--order 2500] [--simtime 1000] [--procs 1 2] [--threads 1 2]``.
Each configuration runs in fresh processes under ``mpiexec -n P`` (a warm-up network
of the same size first, 20 ms, so numba's compilation is not timed) and every rank reports: build and simulate
time (s, the slowest rank counts), the spike exchange (ms per ``min_delay`` slice,
waiting for the slowest rank included, and bytes per slice), bytes it sent in all
gathers, connection storage (bytes of its tables), peak RSS (MB) next to the RSS of the
interpreter with spikesim imported.  Multi-process runs also time MPI's allgather alone
(latency and bandwidth on this machine), from which a weak-scaling projection to 64
and 1,024 ranks is printed: a model on paper, with its assumptions.  ``--bernoulli N``
instead measures the peak memory (tracemalloc) of building a pairwise_bernoulli network
of N neurons on each rank.  Needs mpi4py and mpiexec (``pip install spikesim[mpi]``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: NEST's published scaling study (cited, figures not reproduced here)
NEST_REFERENCE = ("Jordan et al. 2018, Extremely scalable spiking neuronal network simulation code: from "
                  "laptops to exascale computers, Front. Neuroinform. 12:2, doi:10.3389/fninf.2018.00002 "
                  "(NEST 5g kernel, weak scaling on JUQUEEN and K)")


def _rss_mb() -> float:
    """Peak resident set size of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _allgather_cost(comm: Any) -> tuple[float, float]:
    """MPI allgather alone: latency (s, 8-byte messages) and time per byte gathered (s/B)."""
    if comm.size == 1:
        return 0.0, 0.0
    small, big = np.zeros(1, np.int64), np.zeros(1 << 17, np.int64)  # 8 B and 1 MB per rank
    out = []
    for a, reps in ((small, 2000), (big, 50)):
        comm.barrier()
        t0 = time.perf_counter()
        for _ in range(reps):
            comm.allgather(a)
        out.append((time.perf_counter() - t0) / reps)
    alpha = out[0]
    beta = max(out[1] - alpha, 0.0) / (big.nbytes * (comm.size - 1))
    return alpha, beta


def _emit(comm: Any, row: dict[str, Any]) -> None:
    """Rank 0 prints every rank's row, one JSON line each (ranks printing at once mix lines)."""
    rows = comm.comm.gather(row, root=0) if comm.size > 1 else [row]
    if comm.rank == 0:
        for r in rows:
            print(json.dumps(r), flush=True)


def worker(order: int, simtime: float, threads: int, seed: int) -> None:
    """One rank's part: build, simulate, print a JSON line with its figures."""
    sys.path.insert(0, str(ROOT / "examples"))
    import brunel  # noqa: PLC0415 - the example defines the network once

    from spikesim.parallel import world  # noqa: PLC0415

    comm = world()
    base_rss = _rss_mb()
    warm, _ = brunel.build(order, seed, threads)  # the same kernels and table layouts as timed
    warm.simulate(20.0)
    del warm
    sent0 = getattr(comm, "bytes_sent", 0)
    comm.barrier()
    t0 = time.perf_counter()
    sim, parts = brunel.build(order, seed, threads)
    sim.engine.prepare()
    comm.barrier()
    t1 = time.perf_counter()
    st = comm.stats
    s0, x0, b0 = st.slices, st.seconds, st.bytes
    sim.simulate(simtime)
    comm.barrier()
    t2 = time.perf_counter()
    slices, xs, xb = st.slices - s0, st.seconds - x0, st.bytes - b0
    sent = getattr(comm, "bytes_sent", 0) - sent0
    alpha, beta = _allgather_cost(comm)
    ev = parts["sr"].get("events")[0]
    table = sum(p.ptr.nbytes + p.tgt.nbytes + p.w.nbytes + p.d.nbytes + p.rcpt.nbytes
                + sum(v.nbytes for v in p.extra.values()) for p in sim.connector.projections.values())
    _emit(comm, {"rank": comm.rank, "procs": comm.size, "threads": threads, "build_s": t1 - t0,
                      "simulate_s": t2 - t1, "bytes_sent": sent,
                      "slices": slices, "exchange_s": xs, "exchange_bytes": xb, "alpha_s": alpha,
                      "beta_s_per_byte": beta, "table_bytes": table, "peak_rss_mb": _rss_mb(),
                      "base_rss_mb": base_rss, "n_spikes": int(ev["senders"].size)})


def bernoulli_worker(n: int, p: float, seed: int) -> None:
    """Peak memory (tracemalloc, MB) of one pairwise_bernoulli connect call of ``n``
    iaf_psc_alpha neurons onto themselves on this rank, and its connections."""
    import spikesim  # noqa: PLC0415
    from spikesim.parallel import world  # noqa: PLC0415

    comm = world()
    sim = spikesim.Simulator(seed=seed)
    nrn = sim.create("iaf_psc_alpha", n)
    tracemalloc.start()
    t0 = time.perf_counter()
    sim.connect(nrn, nrn, {"rule": "pairwise_bernoulli", "p": p}, {"weight": 1.0, "delay": 1.5})
    build = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    local = sum(len(q) for q in sim.connector.projections.values())
    _emit(comm, {"rank": comm.rank, "procs": comm.size, "peak_mb": peak / 1e6, "build_s": build,
                 "local_connections": local, "peak_rss_mb": _rss_mb()})


def run(procs: int, args: list[str]) -> list[dict[str, Any]]:
    """Every rank's JSON line of one worker configuration."""
    mpiexec = Path(sys.executable).parent / "mpiexec"
    cmd = [sys.executable, "-m", "mpi4py", __file__, *args]
    if procs > 1:
        cmd = [str(mpiexec), "-n", str(procs), *cmd]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return sorted((json.loads(line) for line in out.splitlines() if line.startswith("{")), key=lambda r: r["rank"])


def projection(rows: list[dict[str, Any]], sizes: tuple[int, ...] = (2, 64, 1024)) -> list[str]:
    """The weak-scaling table from a multi-process configuration's figures."""
    r = max(rows, key=lambda x: x["simulate_s"])
    alpha = max(x["alpha_s"] for x in rows)
    beta = max(x["beta_s_per_byte"] for x in rows)
    slices = max(r["slices"], 1)
    s = np.mean([x["exchange_bytes"] for x in rows]) / slices  # bytes per rank per slice
    compute = (r["simulate_s"] - r["exchange_s"]) / slices      # update + delivery per slice
    lines = ["Weak-scaling projection (model, not a measurement): the same neurons and spikes per rank at every",
             "size; per slice t = compute + alpha*ceil(log2 P) + beta*(P-1)*s (recursive-doubling/ring",
             "allgather), with compute = measured (simulate - exchange) per slice at "
             f"{r['procs']} ranks, alpha = {alpha * 1e6:.1f} us,",
             f"beta = {beta * 1e9:.3f} ns/B (MPI allgather timed on this machine: shared memory, so a network",
             "is slower), s = "
             f"{s:.0f} B/rank/slice; delivery grows with P*s spikes per rank (ignored: NEST's",
             "4g/5g kernels and this one deliver every spike to every rank, only the exchange is modelled);",
             "no load imbalance (the slowest rank's wait is the main cost at scale, see the reference).",
             "   P  compute_ms  exchange_ms  efficiency"]
    for p in sizes:
        ex = alpha * math.ceil(math.log2(p)) + beta * (p - 1) * s
        lines.append(f"{p:4d} {compute * 1e3:11.3f} {ex * 1e3:12.3f} {compute / (compute + ex):11.2f}")
    lines.append(f"NEST's published weak scaling: {NEST_REFERENCE}.")
    return lines


def _print_rows(procs: int, threads: int, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        per_slice = r["exchange_s"] / max(r["slices"], 1) * 1e3
        print(f"{procs:5d} {threads:7d} {r['rank']:4d} {r['build_s']:8.2f} {r['simulate_s']:11.2f} "
              f"{per_slice:12.3f} {r['exchange_bytes'] / max(r['slices'], 1):11.0f} "
              f"{r['bytes_sent'] / 1e6:13.2f} {r['table_bytes'] / 1e6:9.1f} {r['peak_rss_mb']:12.0f} "
              f"{r['base_rss_mb']:12.0f} {r['n_spikes']:7d}")


def _bernoulli(args: argparse.Namespace) -> None:
    print(f"pairwise_bernoulli build, {args.bernoulli} neurons onto themselves, p = {args.p}")
    print("procs rank  peak_MB  build_s  local_connections  peak_RSS_MB")
    for procs in args.procs:
        for r in run(procs, ["--worker", "--bernoulli", str(args.bernoulli), "--p", str(args.p)]):
            print(f"{procs:5d} {r['rank']:4d} {r['peak_mb']:8.1f} {r['build_s']:8.2f} "
                  f"{r['local_connections']:18d} {r['peak_rss_mb']:12.0f}")


def main(argv: list[str] | None = None) -> int:
    """Run the configurations and print one row per rank, the speed-ups and the projection."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--order", type=int, default=2500)
    ap.add_argument("--simtime", type=float, default=1000.0)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--bernoulli", type=int, default=0)
    ap.add_argument("--p", type=float, default=0.1)
    ap.add_argument("--repeats", type=int, default=1, help="run every configuration this often, taking turns")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        if args.bernoulli:
            bernoulli_worker(args.bernoulli, args.p, args.seed)
        else:
            worker(args.order, args.simtime, args.threads[0], args.seed)
        return 0
    if args.bernoulli:
        _bernoulli(args)
        return 0
    print(f"Brunel order {args.order}, {args.simtime:g} ms")
    results: dict[tuple[int, int], list[dict[str, Any]]] = {}
    ratios: dict[tuple[int, int], list[float]] = {}
    for rep in range(args.repeats):
        results = _one_round(args, rep)
        for (procs, threads), rows in results.items():
            one = results.get((1, threads))
            if procs > 1 and one is not None:
                sim_s = max(r["simulate_s"] for r in rows)
                table = max(r["table_bytes"] for r in rows)
                ratios.setdefault((procs, threads), []).append(one[0]["simulate_s"] / sim_s)
                print(f"{procs}x{threads} vs 1x{threads}: simulate {one[0]['simulate_s'] / sim_s:.2f}x faster, "
                      f"connection storage per rank {table / one[0]['table_bytes']:.2f}x")
    if args.repeats > 1:
        for (procs, threads), rs in ratios.items():
            print(f"{procs}x{threads} vs 1x{threads} over {len(rs)} rounds: median {statistics.median(rs):.2f}x "
                  f"({', '.join(f'{r:.2f}' for r in rs)}); load average now {os.getloadavg()[0]:.2f}")
    multi = [rows for (p, _), rows in results.items() if p > 1]
    if multi:
        print("\n".join(projection(multi[0])))
    return 0


def _one_round(args: argparse.Namespace, rep: int) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """Every configuration once (in reverse order in odd rounds), printing its rows."""
    if rep == 0:
        print("procs threads rank  build_s  simulate_s  exch_ms/sl  exch_B/sl  all_sent_MB  table_MB  "
              "peak_RSS_MB  base_RSS_MB  spikes")
    configs = [(p, t) for p in args.procs for t in args.threads]
    results = {}
    for procs, threads in (configs if rep % 2 == 0 else configs[::-1]):
        rows = run(procs, ["--worker", "--order", str(args.order), "--simtime", str(args.simtime),
                           "--threads", str(threads), "--seed", str(args.seed)])
        results[procs, threads] = rows
        _print_rows(procs, threads, rows)
    return dict(sorted(results.items()))


if __name__ == "__main__":
    raise SystemExit(main())
