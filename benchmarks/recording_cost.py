"""What recording costs: simulate time of the Brunel network with and without recorders.

Runs examples/brunel.py's network (order 2500: 12,500 neurons) for ``--simtime`` ms,
each variant in a fresh process right after a run without recorders, and prints the
simulate time and the cost of recording as a percentage of that unrecorded run
(the median over repeats of the pair's ratio):

* none            no recorder at all (the baseline)
* spikes->memory  every spike to the memory backend
* spikes->hdf5    every spike to the hdf5 backend
* V_m->hdf5       V_m of 1,000 neurons at every step (interval = resolution) to hdf5
* V_m->hdf5/sync  the same, written in the simulating thread (write_in_thread False)
* V_m->memory     the same V_m samples kept in memory

    python benchmarks/recording_cost.py [--order 2500] [--simtime 1000] [--repeats 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VARIANTS = ("none", "spikes->memory", "spikes->hdf5", "V_m->hdf5", "V_m->hdf5/sync", "V_m->memory")


def child(variant: str, order: int, simtime: float, folder: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    import brunel

    import spikesim
    NE, NI = 4 * order, order
    CE, CI = NE // 10, NI // 10
    J, g, tau_m, theta = 0.1, 5.0, 20.0, 20.0
    neuron = {"C_m": 1.0, "tau_m": tau_m, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": theta}
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    sim.data_path = folder
    ex = sim.create("iaf_psc_delta", NE, neuron)
    inh = sim.create("iaf_psc_delta", NI, neuron)
    noise = sim.create("poisson_generator", params={"rate": 1000.0 * 2.0 * theta / (J * CE * tau_m) * CE})
    sim.copy_model("static_synapse", "excitatory", {"weight": J, "delay": 1.5})
    sim.connect(noise, ex + inh, syn_spec="excitatory")
    sim.connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
    sim.connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": CI}, {"weight": -g * J, "delay": 1.5})
    if variant.startswith("spikes"):
        sr = sim.create("spike_recorder", params={"record_to": variant.split(">")[1]})
        sim.connect(ex + inh, sr)
    elif variant.startswith("V_m"):
        backend = variant.split(">")[1].split("/")[0]
        if variant.endswith("/sync"):
            sim.set_defaults("hdf5", {"write_in_thread": False})
        mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.1, "record_to": backend})
        sim.connect(mm, ex[:1000])
    del brunel
    sim.simulate(1.0)  # compile and open files outside the timed part
    t0 = time.perf_counter()
    sim.simulate(simtime)
    t1 = time.perf_counter()
    sim.close()
    print(json.dumps({"variant": variant, "simulate_s": t1 - t0}))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--order", type=int, default=2500)
    ap.add_argument("--simtime", type=float, default=1000.0)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.order, args.simtime, args.folder)
        return
    def run(v: str) -> float:
        with tempfile.TemporaryDirectory() as folder:
            out = subprocess.run([sys.executable, __file__, "--child", v, "--order", str(args.order),
                                  "--simtime", str(args.simtime), "--folder", folder],
                                 capture_output=True, text=True, check=True)
        return float(json.loads(out.stdout.strip().splitlines()[-1])["simulate_s"])

    # each variant runs right after a run without recorders (its pair), and the order
    # of the variants rotates between repeats: on a machine whose speed drifts, the
    # ratio within a pair is steadier than the ratio of two medians
    recorded = VARIANTS[1:]
    times: dict[str, list[float]] = {v: [] for v in VARIANTS}
    ratios: dict[str, list[float]] = {v: [] for v in recorded}
    for r in range(args.repeats):
        for v in recorded[r % len(recorded):] + recorded[:r % len(recorded)]:
            base_t = run("none")
            t = run(v)
            times["none"].append(base_t)
            times[v].append(t)
            ratios[v].append(t / base_t)
    print(f"Brunel order {args.order} ({5 * args.order} neurons), {args.simtime:g} ms, {args.repeats} repeat(s); "
          "cost: median over repeats of (variant / the run without recorders just before it) - 1")
    print(f"{'variant':16s} {'simulate s':>10s} {'cost':>8s}   runs (s)")
    for v in VARIANTS:
        t = statistics.median(times[v])
        cost = "" if v == "none" else f"{100.0 * (statistics.median(ratios[v]) - 1.0):+7.1f}%"
        print(f"{v:16s} {t:10.2f} {cost:>8s}   {' '.join(f'{x:.2f}' for x in times[v])}")


if __name__ == "__main__":
    main()
