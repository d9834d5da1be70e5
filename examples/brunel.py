"""Brunel (2000) sparse random network of iaf_psc_delta neurons, on the object API.

The network of NEST's ``brunel_delta_nest`` example: NE = 4 * order excitatory and
NI = order inhibitory neurons, each receiving CE = NE/10 excitatory and CI = NI/10
inhibitory inputs (J = 0.1 mV, g = 5, delay 1.5 ms) and independent Poisson input at
eta times the threshold rate.  Every spike is recorded.

Run ``python examples/brunel.py --order 500 --simtime 200`` for a quick look.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import spikesim


def build(order: int = 2500, seed: int = 1, threads: int = 1, J: float = 0.1, g: float = 5.0,
          eta: float = 2.0, delay: float = 1.5, indegree: int | None = None) -> tuple[spikesim.Simulator, dict]:
    """Create and connect the network; returns the simulator and its parts.

    By default every neuron has CE = NE/10 excitatory and CI = NI/10 inhibitory inputs
    (NEST's example); ``indegree`` fixes CE instead (CI = CE/4), for scaling studies.
    """
    NE, NI = 4 * order, order
    CE, CI = (NE // 10, NI // 10) if indegree is None else (indegree, indegree // 4)
    tau_m, theta = 20.0, 20.0
    nu_th = theta / (J * CE * tau_m)
    p_rate = 1000.0 * eta * nu_th * CE
    neuron = {"C_m": 1.0, "tau_m": tau_m, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0,
              "V_th": theta}
    sim = spikesim.Simulator(resolution=0.1, seed=seed, threads=threads)
    ex = sim.create("iaf_psc_delta", NE, neuron, label="ex")
    inh = sim.create("iaf_psc_delta", NI, neuron, label="in")
    noise = sim.create("poisson_generator", params={"rate": p_rate}, label="noise")
    sr = sim.create("spike_recorder", label="spikes")
    sim.copy_model("static_synapse", "excitatory", {"weight": J, "delay": delay})
    sim.copy_model("static_synapse", "inhibitory", {"weight": -g * J, "delay": delay})
    sim.connect(noise, ex + inh, syn_spec="excitatory")
    sim.connect(ex + inh, sr)
    sim.connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
    sim.connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": CI}, "inhibitory")
    return sim, {"ex": ex, "in": inh, "sr": sr, "p_rate": p_rate}


def rates(sim: spikesim.Simulator, parts: dict, t_sim: float) -> tuple[float, float]:
    """Mean rates (spikes/s) of the excitatory and inhibitory populations."""
    ev = parts["sr"].get("events")[0]
    n_ex = np.isin(ev["senders"], parts["ex"].ids).sum()
    n_in = ev["senders"].size - n_ex
    return n_ex / len(parts["ex"]) / t_sim * 1000.0, n_in / len(parts["in"]) / t_sim * 1000.0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--order", type=int, default=2500)
    ap.add_argument("--simtime", type=float, default=1000.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default="out")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    sim, parts = build(args.order, args.seed, args.threads)
    t1 = time.perf_counter()
    sim.simulate(args.simtime)
    t2 = time.perf_counter()
    r_ex, r_in = rates(sim, parts, args.simtime)
    ev = parts["sr"].get("events")[0]
    print("Brunel network (spikesim)")
    print(f"Number of neurons : {len(parts['ex']) + len(parts['in'])}")
    print(f"Number of synapses: {sim.kernel_status()['num_connections']}")
    print(f"Spikes recorded   : {ev['senders'].size}")
    print(f"Excitatory rate   : {r_ex:.2f} spks/s")
    print(f"Inhibitory rate   : {r_in:.2f} spks/s")
    print(f"Building time     : {t1 - t0:.2f} s")
    print(f"Simulation time   : {t2 - t1:.2f} s")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from spikesim.plotting import raster
    first = parts["ex"].ids[:100]
    keep = np.isin(ev["senders"], first)
    fig = raster(ev["senders"][keep], ev["times"][keep], hist=True, title="Brunel network: 100 excitatory neurons")
    fig.savefig(out / "brunel_raster.png", dpi=100)
    print(f"Raster plot       : {out / 'brunel_raster.png'}")


if __name__ == "__main__":
    main()
