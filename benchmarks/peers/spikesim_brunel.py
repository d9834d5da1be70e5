"""Brunel (2000) delta network on spikesim, the workload of nest_brunel.py.

Run by benchmarks/brunel.py in a fresh process; prints one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np


def _rss_mb() -> float:
    """Resident memory now (MB), from /proc (0 where there is none)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--order", type=int, default=2500)
    ap.add_argument("--simtime", type=float, default=1000.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--indegree", type=int, default=None, help="fix CE (CI = CE/4) instead of NE/10")
    args = ap.parse_args()
    t_import = time.perf_counter()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
    import brunel  # noqa: E402 - the example defines the network once

    import spikesim  # noqa: F401,E402
    # load (or compile) every kernel outside the timed part, as NEST and Brian2 have
    # their code compiled before they run: a small network with the same threads, the
    # same type of target indices (above 65,536 nodes int32, which the kernels are
    # compiled for separately) and long enough for spikes to be delivered
    t_warm = time.perf_counter()
    big = 5 * args.order > 1 << 16
    warm, _ = brunel.build(13108 if big else 10, args.seed, args.threads, indegree=8 if big else args.indegree and 8)
    warm.simulate(30.0)
    del warm
    t0 = time.perf_counter()
    c0 = time.process_time()
    sim, parts = brunel.build(args.order, args.seed, args.threads, indegree=args.indegree)
    t_connected = time.perf_counter()
    sim.engine.prepare()
    t1 = time.perf_counter()
    build_cpu = time.process_time() - c0
    rss_built = _rss_mb()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    # two halves: memory touched for the first time during simulate shows as a slower first half
    sim.simulate(args.simtime / 2)
    t_half = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    n_half = int(np.asarray(parts["sr"].get("n_events")).sum())
    sim.simulate(args.simtime / 2)
    t2 = time.perf_counter()
    r2 = resource.getrusage(resource.RUSAGE_SELF)
    ev = parts["sr"].get("events")[0]
    n = len(parts["ex"]) + len(parts["in"])
    print(json.dumps({
        "peer": "spikesim", "order": args.order, "n_neurons": n, "threads": args.threads,
        "import_s": t_warm - t_import, "warmup_s": t0 - t_warm, "build_s": t1 - t0, "build_cpu_s": build_cpu,
        "connect_s": t_connected - t0,
        "prepare_s": t1 - t_connected, "simulate_s": t2 - t1, "first_half_s": t_half - t1, "second_half_s": t2 - t_half,
        "cpu_first_half_s": r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime,
        "cpu_second_half_s": r2.ru_utime + r2.ru_stime - r1.ru_utime - r1.ru_stime,
        "page_faults_first_half": r1.ru_minflt - r0.ru_minflt, "page_faults_second_half": r2.ru_minflt - r1.ru_minflt,
        "spikes_first_half": n_half,
        "rss_built_mb": rss_built, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "n_spikes": int(ev["senders"].size), "rate_hz": ev["senders"].size / n / args.simtime * 1000.0,
        "n_synapses": sim.kernel_status()["num_connections"],
        "table_bytes": sum(p.ptr.nbytes + p.tgt.nbytes + p.w.nbytes + p.d.nbytes + p.rcpt.nbytes
                           + sum(v.nbytes for v in p.extra.values())
                           for p in sim.connector.projections.values()),
        "n_events_delivered": int(sum(np.diff(p.ptr)[ev["senders"] - 1].sum()
                                      for (_, route), p in sim.connector.projections.items() if route == "spike")),
    }), flush=True)


if __name__ == "__main__":
    main()
