"""A plastic network: spikesim against NEST 3.10 on the network of NEST's store_restore_network example.

    python benchmarks/stdp.py [--simtime 500] [--repeats 3] [--peers spikesim nest] [--quick]

2,000 excitatory and 500 inhibitory ``iaf_psc_delta`` neurons (NEST's defaults,
``V_m`` starting at -65 mV), a Poisson drive of 800 spikes/s with weight 1 mV,
``fixed_indegree`` 200 excitatory inputs through ``stdp_synapse_hom`` (``Wmax`` 2 mV,
weight 1 mV: 500,000 plastic synapses) and 50 inhibitory ones (-4 mV, static), as in
NEST's ``store_restore_network.py``; 1 thread.  Both simulators run the same PyNEST
script (spikesim through its NEST face), each in a fresh process, by turns, after a
first ``Simulate(50)`` that compiles and settles; the table shows the median over
``--repeats`` of the CPU seconds of ``Simulate(simtime)``, the excitatory spikes in it,
and the CPU nanoseconds per plastic event (spike times outgoing synapses; everything
else in the step counted in).  Rates differ from run to run and simulator to simulator
(other random streams), so compare the time per event.

NEST's Python comes from ``--nest-python`` or ``SPIKESIM_NEST_PYTHON`` (default
``~/.venvs/nest/bin/python``); an absent peer is skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NEST_PYTHON = os.environ.get("SPIKESIM_NEST_PYTHON", str(Path.home() / ".venvs/nest/bin/python"))
N_E, N_I, C_E, C_I = 2000, 500, 200, 50


def network(n: Any, seed: int) -> Any:
    """Build the network with the PyNEST API of module ``n``; returns the excitatory neurons' spike recorder."""
    n.ResetKernel()
    n.SetKernelStatus({"resolution": 0.1, "rng_seed": seed, "local_num_threads": 1})
    n.CopyModel("stdp_synapse_hom", "e_syn", {"Wmax": 2.0})
    e = n.Create("iaf_psc_delta", N_E, {"V_m": -65.0})
    i = n.Create("iaf_psc_delta", N_I, {"V_m": -65.0})
    pg = n.Create("poisson_generator", params={"rate": 800.0})
    sr = n.Create("spike_recorder")
    n.Connect(e, e + i, {"rule": "fixed_indegree", "indegree": C_E},
              {"synapse_model": "e_syn", "weight": 1.0})
    n.Connect(i, e + i, {"rule": "fixed_indegree", "indegree": C_I}, {"weight": -4.0})
    n.Connect(pg, e + i, syn_spec={"weight": 1.0})
    n.Connect(e, sr)
    return sr


def child(engine: str, simtime: float, seed: int) -> None:
    """Run one simulation in this process and print its figures as one JSON line."""
    if engine == "nest":
        import nest
        nest.set_verbosity("M_ERROR")
    else:
        sys.path.insert(0, str(HERE.parent))
        import spikesim.nest as nest  # type: ignore[no-redef]
    sr = network(nest, seed)
    nest.Simulate(50.0)
    before = int(sr.n_events)
    t0 = time.process_time()
    nest.Simulate(simtime)
    cpu = time.process_time() - t0
    spikes = int(sr.n_events) - before
    outdegree = C_E * (N_E + N_I) / N_E  # plastic synapses per excitatory neuron
    print(json.dumps({"engine": engine, "cpu_s": cpu, "spikes": spikes,
                      "ns_per_event": cpu / max(spikes * outdegree, 1.0) * 1e9}))


def main(argv: list[str] | None = None) -> int:
    """Run the engines by turns and print the table (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--simtime", type=float, default=500.0, help="ms per timed Simulate")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--peers", nargs="+", default=["spikesim", "nest"], choices=["spikesim", "nest"])
    ap.add_argument("--nest-python", default=NEST_PYTHON)
    ap.add_argument("--quick", action="store_true", help="50 ms, one repeat (a check, not a figure)")
    ap.add_argument("--child", choices=["spikesim", "nest"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.simtime, args.seed)
        return 0
    simtime, repeats = (50.0, 1) if args.quick else (args.simtime, args.repeats)
    pythons = {"spikesim": sys.executable, "nest": args.nest_python}
    engines = [p for p in args.peers if p == "spikesim" or Path(pythons[p]).exists()]
    for p in set(args.peers) - set(engines):
        print(f"# {p}: no Python at {pythons[p]}, skipped")
    print(f"# plastic network of store_restore_network: {N_E + N_I} neurons, {C_E * (N_E + N_I):,} "
          f"stdp_synapse_hom; Simulate({simtime:g} ms), 1 thread; load average {os.getloadavg()[0]:.2f}")
    rows: dict[str, list[dict[str, float]]] = {e: [] for e in engines}
    for _ in range(repeats):
        for eng in engines:
            out = subprocess.run([pythons[eng], __file__, "--child", eng, "--simtime", str(simtime),
                                  "--seed", str(args.seed)], capture_output=True, text=True, timeout=1800)
            if out.returncode != 0:
                print(out.stderr[-2000:], file=sys.stderr)
                return 1
            rows[eng].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'engine':10s} {'cpu_s':>8s} {'spikes':>8s} {'ns/event':>9s}")
    med = {e: {k: statistics.median(r[k] for r in rows[e]) for k in ("cpu_s", "spikes", "ns_per_event")}
           for e in engines}
    for e in engines:
        print(f"{e:10s} {med[e]['cpu_s']:8.3f} {med[e]['spikes']:8.0f} {med[e]['ns_per_event']:9.1f}")
    if "nest" in med:
        print(f"ns per event spikesim / nest: {med['spikesim']['ns_per_event'] / med['nest']['ns_per_event']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
