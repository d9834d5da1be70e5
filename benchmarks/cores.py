"""What two cores of this machine give at most: one Brunel run alone, then two at once.

Run ``python benchmarks/cores.py [--order 2500] [--simtime 1000] [--repeats 3]``.

Two threads (or two MPI processes) cannot make a run more than ``ceiling`` times
faster, where ``ceiling = 2 * t_alone / t_pair`` and ``t_pair`` is the time each of two
*independent* one-thread runs takes when both run at the same time: nothing is shared
between them but the machine (memory bandwidth, caches, and on a virtual machine the
host's scheduling of its virtual CPUs), and no work is split, so nothing of the
simulator's own parallel code enters.  On a machine whose two cores are fully
independent the ceiling is 2.0.  The script then times the same network with two
threads in one process, so the simulator's parallel efficiency can be read against
the ceiling instead of against 2.0, and once more with ``OMP_WAIT_POLICY=passive``
(idle OpenMP threads sleep instead of spinning for a while, libgomp's default).

Measured 1 December 2026 on the 2-core machine (``--repeats 3``, load 0.8): alone
1.097 s, pair 1.175 s (ceiling 1.87x), 2 threads 0.645 s with OpenMP's default and
0.796 s with passive waiting.  On the same machine busy with other work (load about 6),
300 ms of the same network took 1.11 s on one thread, 3.67 s on two threads with the
default and 0.89 s with passive waiting (``/tmp``-script runs, one each).  So spikesim
keeps OpenMP's default; on a machine whose cores are busy with other jobs, set
``OMP_WAIT_POLICY=passive`` (docs: the object API guide, Threads).

Every run is a fresh process that builds the network, warms numba up on a 20 ms run,
waits for a "go" line on stdin (so that the two runs of a pair start together) and
prints the seconds of ``simulate(simtime)``.  The median over ``--repeats`` is shown,
with the 1-minute load average before the runs (a busy machine makes the figures
meaningless).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(order: int, simtime: float, threads: int) -> None:
    """Build, warm up, wait for "go" on stdin, simulate, print the seconds."""
    sys.path.insert(0, str(ROOT / "examples"))
    import brunel  # noqa: PLC0415 - the example defines the network once

    warm, _ = brunel.build(order, 1, threads)
    warm.simulate(20.0)
    del warm
    sim, _ = brunel.build(order, 1, threads)
    sim.simulate(0.1)  # the engine prepared outside the timed part
    print("ready", flush=True)
    sys.stdin.readline()
    t0 = time.perf_counter()
    sim.simulate(simtime)
    print(f"{time.perf_counter() - t0:.6f}", flush=True)


def _start(order: int, simtime: float, threads: int, policy: str | None) -> subprocess.Popen[str]:
    cmd = [sys.executable, __file__, "--child", "--order", str(order), "--simtime", str(simtime),
           "--threads", str(threads)]
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    env["MPLBACKEND"] = "Agg"
    if policy is not None:
        env["OMP_WAIT_POLICY"] = policy
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    assert p.stdout is not None
    if p.stdout.readline().strip() != "ready":
        raise RuntimeError(f"benchmark child failed: {' '.join(cmd)}")
    return p


def together(order: int, simtime: float, threads: list[int], policy: str | None = None) -> list[float]:
    """Start one run per entry of ``threads`` (its thread count) at the same moment, with
    ``OMP_WAIT_POLICY`` set to ``policy`` (None: unset, OpenMP's default); returns each
    run's simulate seconds."""
    procs = [_start(order, simtime, t, policy) for t in threads]
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    out = []
    for p in procs:
        assert p.stdout is not None
        out.append(float(p.stdout.readline()))
        p.wait()
    return out


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--order", type=int, default=2500)
    ap.add_argument("--simtime", type=float, default=1000.0, help="ms")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.order, args.simtime, args.threads)
        return 0
    load = os.getloadavg()[0]
    alone, pair, two, spin = [], [], [], []
    for _ in range(args.repeats):  # interleaved, so a drifting machine hits all alike
        alone.append(together(args.order, args.simtime, [1])[0])
        pair.append(max(together(args.order, args.simtime, [1, 1])))
        two.append(together(args.order, args.simtime, [2])[0])
        spin.append(together(args.order, args.simtime, [2], "passive")[0])
    a, p, t, sp = (statistics.median(x) for x in (alone, pair, two, spin))
    print(f"Brunel order {args.order}, {args.simtime:g} ms, median of {args.repeats}; load before: {load:.2f}")
    print(f"  one 1-thread run alone        : {a:.3f} s   ({', '.join(f'{x:.3f}' for x in alone)})")
    print(f"  two 1-thread runs at once     : {p:.3f} s each, the slower  ({', '.join(f'{x:.3f}' for x in pair)})")
    print(f"  one 2-thread run              : {t:.3f} s   ({', '.join(f'{x:.3f}' for x in two)})")
    print(f"  the same, idle threads sleeping (OMP_WAIT_POLICY=passive): {sp:.3f} s   "
          f"({', '.join(f'{x:.3f}' for x in spin)})")
    print(f"  ceiling of two cores 2*alone/pair : {2 * a / p:.2f}x")
    print(f"  two threads, speed-up         : {a / t:.2f}x  = {a / t / (2 * a / p):.0%} of the ceiling")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
