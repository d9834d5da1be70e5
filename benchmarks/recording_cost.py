"""What recording costs: simulate time of the Brunel network with and without recorders.

For each variant one process builds two copies of examples/brunel.py's network (order
2500: 12,500 neurons, same seed, so the same activity): one without recorders and one
recording as the variant says.  It then simulates them by turns, ``--simtime`` ms per
call, ``--rounds`` calls each (ABBA order), and the cost is the median over rounds of
(recorded / unrecorded) - 1.  Taking turns within one process cancels most of the
drift of a shared machine, which moves single runs by ±20% here; each recorded call
still ends with its backend's flush, as every ``simulate`` call does.  A first round
of both copies is not counted (it touches their memory for the first time).  The
column min/min compares the fastest call of each copy, the least disturbed ones.

* spikes->memory  every spike to the memory backend
* spikes->hdf5    every spike to the hdf5 backend
* V_m->hdf5       V_m of 1,000 neurons at every step (interval = resolution) to hdf5
* V_m->hdf5/sync  the same, written in the simulating thread (write_in_thread False)
* V_m->memory     the same V_m samples kept in memory
* .../flush10     (spikes->hdf5/flush10, V_m->hdf5/flush10) the hdf5 variants with
                  ``flush_interval`` 10 s instead of the default 1 s: what bounding the
                  loss on a kill to about a second of wall time costs (the difference of
                  the two rows; every call still ends with a flush)
* .../lib         (spikes->hdf5/lib, V_m->hdf5/lib) the hdf5 variants with the writer
                  thread storing rows through h5py and HDF5's own filters (``ds[...] =
                  block`` after a resize) instead of the chunks spikesim builds itself

    python benchmarks/recording_cost.py [--order 2500] [--simtime 1000] [--rounds 5] [--variants ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time

VARIANTS = ("spikes->memory", "spikes->hdf5", "spikes->hdf5/flush10", "spikes->hdf5/lib", "V_m->hdf5",
            "V_m->hdf5/flush10", "V_m->hdf5/lib", "V_m->hdf5/sync", "V_m->memory")


def library_filters() -> None:
    """Make the hdf5 backend write every dataset through h5py (no hand-built chunks)."""
    from spikesim.recording.backends.hdf5 import layout
    vars(layout)["direct_compression"] = lambda ds: None


def build(variant: str, order: int, folder: str) -> object:
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
    if variant.endswith("/lib"):
        library_filters()
    if variant.endswith("/flush10"):
        sim.set_defaults("hdf5", {"flush_interval": 10.0})
    if variant.startswith("spikes"):
        sr = sim.create("spike_recorder", params={"record_to": variant.split(">")[1].split("/")[0]})
        sim.connect(ex + inh, sr)
    elif variant.startswith("V_m"):
        backend = variant.split(">")[1].split("/")[0]
        if variant.endswith("/sync"):
            sim.set_defaults("hdf5", {"write_in_thread": False})
        mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.1, "record_to": backend})
        sim.connect(mm, ex[:1000])
    sim.simulate(1.0)  # compile and open files outside the timed part
    return sim


def child(variant: str, order: int, simtime: float, rounds: int, folder: str) -> None:
    plain = build("none", order, folder)
    rec = build(variant, order, folder)
    times: dict[str, list[float]] = {"none": [], variant: []}
    for r in range(-1, rounds):  # round -1 warms both copies up (first touch of their memory); not counted
        for name in (("none", variant) if r % 2 == 0 else (variant, "none")):  # ABBA
            sim = plain if name == "none" else rec
            t0 = time.perf_counter()
            sim.simulate(simtime)  # type: ignore[attr-defined]
            if r >= 0:
                times[name].append(time.perf_counter() - t0)
    rec.close()  # type: ignore[attr-defined]
    print(json.dumps(times))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--order", type=int, default=2500)
    ap.add_argument("--simtime", type=float, default=1000.0)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.order, args.simtime, args.rounds, args.folder)
        return
    print(f"Brunel order {args.order} ({5 * args.order} neurons), {args.rounds} rounds of {args.simtime:g} ms "
          "per network; cost: median over rounds of (recorded / unrecorded) - 1")
    print(f"{'variant':16s} {'recorded s':>10s} {'plain s':>8s} {'cost':>8s} {'min/min':>8s}   per-round ratios")
    for v in args.variants:
        with tempfile.TemporaryDirectory() as folder:
            out = subprocess.run([sys.executable, __file__, "--child", v, "--order", str(args.order),
                                  "--simtime", str(args.simtime), "--rounds", str(args.rounds), "--folder", folder],
                                 capture_output=True, text=True, check=True)
        times = json.loads(out.stdout.strip().splitlines()[-1])
        ratios = [a / b for a, b in zip(times[v], times["none"], strict=True)]
        cost = 100.0 * (statistics.median(ratios) - 1.0)
        best = 100.0 * (min(times[v]) / min(times["none"]) - 1.0)
        print(f"{v:16s} {statistics.median(times[v]):10.2f} {statistics.median(times['none']):8.2f} {cost:+7.1f}% "
              f"{best:+7.1f}%   "
              + " ".join(f"{x:.3f}" for x in ratios), flush=True)


if __name__ == "__main__":
    main()
