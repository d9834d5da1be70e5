"""The Brunel delta network written against the PyNEST face (``spikesim.nest``).

The same network as examples/brunel.py, in PyNEST's vocabulary: a script written
for NEST reads the same after ``import spikesim.nest as nest``.
"""

from __future__ import annotations

import argparse
import time

import spikesim.nest as nest
import spikesim.nest.raster_plot  # noqa: F401 - PyNEST style: nest.raster_plot below


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--order", type=int, default=2500)
    ap.add_argument("--simtime", type=float, default=1000.0)
    ap.add_argument("--n-rec", type=int, default=50)
    ap.add_argument("--png", default=None)
    args = ap.parse_args(argv)

    nest.ResetKernel()
    nest.resolution = 0.1
    nest.overwrite_files = True
    NE, NI = 4 * args.order, args.order
    CE, CI = NE // 10, NI // 10
    J, g, eta, delay, tau_m, theta = 0.1, 5.0, 2.0, 1.5, 20.0, 20.0
    p_rate = 1000.0 * eta * theta / (J * CE * tau_m) * CE
    neuron = {"C_m": 1.0, "tau_m": tau_m, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0,
              "V_th": theta}

    start = time.time()
    nodes_ex = nest.Create("iaf_psc_delta", NE, params=neuron)
    nodes_in = nest.Create("iaf_psc_delta", NI, params=neuron)
    noise = nest.Create("poisson_generator", params={"rate": p_rate})
    espikes = nest.Create("spike_recorder")
    ispikes = nest.Create("spike_recorder")
    espikes.set(label="brunel-ex")
    ispikes.set(label="brunel-in")
    nest.CopyModel("static_synapse", "excitatory", {"weight": J, "delay": delay})
    nest.CopyModel("static_synapse", "inhibitory", {"weight": -g * J, "delay": delay})
    nest.Connect(noise, nodes_ex, syn_spec="excitatory")
    nest.Connect(noise, nodes_in, syn_spec="excitatory")
    nest.Connect(nodes_ex[:args.n_rec], espikes, syn_spec="excitatory")
    nest.Connect(nodes_in[:args.n_rec], ispikes, syn_spec="excitatory")
    nest.Connect(nodes_ex, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
    nest.Connect(nodes_in, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": CI}, "inhibitory")
    built = time.time()
    nest.Simulate(args.simtime)
    done = time.time()

    rate_ex = espikes.n_events / args.simtime * 1000.0 / args.n_rec
    rate_in = ispikes.n_events / args.simtime * 1000.0 / args.n_rec
    n_ex = nest.GetDefaults("excitatory")["num_connections"]
    n_in = nest.GetDefaults("inhibitory")["num_connections"]
    print("Brunel network simulation (spikesim.nest)")
    print(f"Number of neurons : {NE + NI}")
    print(f"Number of synapses: {n_ex + n_in}")
    print(f"       Excitatory : {n_ex}")
    print(f"       Inhibitory : {n_in}")
    print(f"Excitatory rate   : {rate_ex:.2f} spks/s")
    print(f"Inhibitory rate   : {rate_in:.2f} spks/s")
    print(f"Building time     : {built - start:.2f} s")
    print(f"Simulation time   : {done - built:.2f} s")
    if args.png:
        lines = nest.raster_plot.from_device(espikes, hist=True)  # PyNEST returns the plotted lines
        lines[0].figure.savefig(args.png)
    return {"rate_ex": rate_ex, "rate_in": rate_in, "synapses_ex": n_ex, "synapses_in": n_in}


if __name__ == "__main__":
    main()
