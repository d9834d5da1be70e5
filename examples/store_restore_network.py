"""Store and restore a network simulation (seed 004, NEST's example, on spikesim.nest).

The seed script with its import changed and pickle replaced by spikesim's own file
format (``spikesim.io.save_state`` / ``load_state``: HDF5, checksummed, never
unpickled).  A balanced E/I network with STDP on excitatory synapses is simulated
for T ms, its membrane potentials and connections (source, target, weight) are
stored, the run is continued, and then the stored network is restored into a clean
kernel three times: twice with the same seed (identical spikes) and once with
another seed (different spikes).  The seed's figure is written to a PNG.

Unlike NEST, spikesim can also continue a run exactly: see ``Simulator.checkpoint``.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import gridspec  # noqa: E402

import spikesim.nest as nest  # noqa: E402
from spikesim.io.container import load_state, save_state  # noqa: E402


class EINetwork:
    """A simple balanced random network with plastic excitatory synapses."""

    def __init__(self):
        self.nI = 500
        self.nE = 4 * self.nI
        self.n = self.nE + self.nI
        self.JE = 1.0
        self.JI = -4 * self.JE
        self.indeg_e = 200
        self.indeg_i = 50
        self.neuron_model = "iaf_psc_delta"
        # synapse models of their own, so their connections can be selected later
        nest.CopyModel("stdp_synapse_hom", "e_syn", {"Wmax": 2 * self.JE})
        nest.CopyModel("static_synapse", "i_syn")
        self.nrn_params = {"V_m": nest.random.normal(-65.0, 5.0)}
        self.poisson_rate = 800.0

    def build(self):
        """Construct the network from scratch, including instrumentation."""
        self.e_neurons = nest.Create(self.neuron_model, n=self.nE, params=self.nrn_params)
        self.i_neurons = nest.Create(self.neuron_model, n=self.nI, params=self.nrn_params)
        self.neurons = self.e_neurons + self.i_neurons
        self.pg = nest.Create("poisson_generator", {"rate": self.poisson_rate})
        self.sr = nest.Create("spike_recorder")
        nest.Connect(self.e_neurons, self.neurons, {"rule": "fixed_indegree", "indegree": self.indeg_e},
                     {"synapse_model": "e_syn", "weight": self.JE})
        nest.Connect(self.i_neurons, self.neurons, {"rule": "fixed_indegree", "indegree": self.indeg_i},
                     {"synapse_model": "i_syn", "weight": self.JI})
        nest.Connect(self.pg, self.neurons, "all_to_all", {"weight": self.JE})
        nest.Connect(self.e_neurons, self.sr)

    def store(self, dump_filename):
        """Store membrane potentials and synaptic weights to a spikesim state file."""
        assert nest.NumProcesses() == 1, "Cannot dump MPI parallel"
        network = {}
        network["n_vp"] = nest.total_num_virtual_procs
        network["e_nrns"] = self.neurons.get(["V_m"], output="pandas")
        network["i_nrns"] = self.neurons.get(["V_m"], output="pandas")
        network["e_syns"] = nest.GetConnections(synapse_model="e_syn").get(
            ("source", "target", "weight"), output="pandas")
        network["i_syns"] = nest.GetConnections(synapse_model="i_syn").get(
            ("source", "target", "weight"), output="pandas")
        save_state(dump_filename, network)

    def restore(self, dump_filename):
        """Restore the network from the file and the base information in the class."""
        assert nest.NumProcesses() == 1, "Cannot load MPI parallel"
        network = load_state(dump_filename)
        assert network["n_vp"] == nest.total_num_virtual_procs, "N_VP must match"
        self.e_neurons = nest.Create(self.neuron_model, n=self.nE, params={"V_m": network["e_nrns"].V_m.values})
        self.i_neurons = nest.Create(self.neuron_model, n=self.nI, params={"V_m": network["i_nrns"].V_m.values})
        self.neurons = self.e_neurons + self.i_neurons
        self.pg = nest.Create("poisson_generator", {"rate": self.poisson_rate})
        self.sr = nest.Create("spike_recorder")
        nest.Connect(network["e_syns"].source.values, network["e_syns"].target.values, "one_to_one",
                     {"synapse_model": "e_syn", "weight": network["e_syns"].weight.values})
        nest.Connect(network["i_syns"].source.values, network["i_syns"].target.values, "one_to_one",
                     {"synapse_model": "i_syn", "weight": network["i_syns"].weight.values})
        nest.Connect(self.pg, self.neurons, "all_to_all", {"weight": self.JE})
        nest.Connect(self.e_neurons, self.sr)


class DemoPlot:
    """Rasters of the five runs, and weight histograms at the end of each."""

    def __init__(self, t_sim):
        self._colors = [c["color"] for c in plt.rcParams["axes.prop_cycle"]]
        self._next_line = 0
        self.t_sim = t_sim
        plt.rcParams.update({"font.size": 10})
        self.fig = plt.figure(figsize=(10, 7), constrained_layout=False)
        gs = gridspec.GridSpec(4, 2, bottom=0.08, top=0.9, left=0.07, right=0.98, wspace=0.2, hspace=0.4)
        self.rasters = [self.fig.add_subplot(gs[0, 0])] + [self.fig.add_subplot(gs[n, 1]) for n in range(4)]
        self.weights = self.fig.add_subplot(gs[1, 0])
        self.comment = self.fig.add_subplot(gs[2:, 0])
        self.fig.suptitle("Storing and reloading a network simulation")
        self.comment.set_axis_off()
        self.comment.text(0, 1, textwrap.dedent(f"""
            Storing, loading and continuing a simulation of a balanced E-I network
            with STDP in excitatory synapses.

            Top left: initial simulation for {t_sim:g} ms. The network state
            (V_m, connections, weights) is stored at its end.

            Top right: immediate continuation by calling Simulate again.

            Second row, right: simulating after loading the stored network into a
            clean kernel; only connectivity, V_m and weights are restored.

            Third row, right: the same with the same seed: identical spikes.

            Fourth row, right: the same with a different seed: different spikes.

            Above: distribution of excitatory weights at the end of each run."""),
            transform=self.comment.transAxes, fontsize=8, verticalalignment="top")

    def add_to_plot(self, net, n_max=100, t_min=0, t_max=1000, lbl=""):
        spks = pd.DataFrame.from_dict(net.sr.get("events"))
        spks = spks.loc[(spks.senders < n_max) & (t_min < spks.times) & (spks.times < t_max)]
        ax = self.rasters[self._next_line]
        ax.plot(spks.times, spks.senders, ".", color=self._colors[self._next_line])
        ax.set_xlim(t_min, t_max)
        ax.set_title(lbl)
        if 1 < self._next_line < 4:
            ax.set_xticklabels([])
        elif self._next_line == 4:
            ax.set_xlabel("Time [ms]")
        w = nest.GetConnections(source=net.e_neurons[::41], synapse_model="e_syn").weight
        self.weights.hist(w, bins=np.arange(0.7, 1.4, 0.01), histtype="step", density=True, label=lbl,
                          color=self._colors[self._next_line], alpha=0.7, lw=3)
        if self._next_line == 0:
            self.rasters[0].set_ylabel("neuron id")
            self.weights.set_ylabel("p(w)")
            self.weights.set_xlabel("Weight w [mV]")
        self._next_line += 1


def spikes_of(net):
    ev = net.sr.get("events")
    return np.asarray(ev["senders"]), np.asarray(ev["times"])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--T", type=float, default=1000.0, help="ms per run (the seed uses 1000)")
    ap.add_argument("--out", default="out")
    args = ap.parse_args(argv)
    T_sim = args.T
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    dump = out / "ein_1000.h5"
    dplot = DemoPlot(T_sim)

    nest.set_verbosity("M_WARNING")
    nest.ResetKernel()
    nest.local_num_threads = 4
    nest.print_time = True
    ein = EINetwork()
    print("*** Initial simulation ***")
    ein.build()
    nest.Simulate(T_sim)
    dplot.add_to_plot(ein, lbl="Initial simulation", t_max=T_sim)

    print("\n*** Storing simulation ...", end="", flush=True)
    ein.store(dump)
    print(" done ***\n")

    print("\n*** Continuing simulation ***")
    nest.Simulate(T_sim)
    dplot.add_to_plot(ein, lbl="Continued simulation", t_min=T_sim, t_max=2 * T_sim)

    runs = {}
    for name, seed in (("Reloaded simulation", None), ("Reloaded simulation (same seed)", None),
                       ("Reloaded simulation (different seed)", 987654321)):
        print(f"\n*** {name.replace('Reloaded', 'Reloading and resuming')} ***")
        nest.ResetKernel()
        nest.local_num_threads = 4
        if seed is not None:
            nest.rng_seed = seed
        ein2 = EINetwork()
        ein2.restore(dump)
        nest.Simulate(T_sim)
        dplot.add_to_plot(ein2, lbl=name, t_max=T_sim)
        runs[name] = spikes_of(ein2)

    png = out / "store_restore_network.png"
    dplot.fig.savefig(png, dpi=100)
    first, same, other = runs.values()
    same_match = all(np.array_equal(a, b) for a, b in zip(first, same, strict=True))
    other_match = len(first[0]) == len(other[0]) and all(np.array_equal(a, b)
                                                          for a, b in zip(first, other, strict=True))
    print()
    print(f"reloaded vs reloaded (same seed)     : {'identical' if same_match else 'DIFFERENT'} "
          f"({len(first[0])} and {len(same[0])} spikes)")
    print(f"reloaded vs reloaded (different seed): {'identical' if other_match else 'different'} "
          f"({len(first[0])} and {len(other[0])} spikes)")
    print(f"figure: {png}")
    return {"same_seed_identical": same_match, "other_seed_identical": other_match,
            "n_spikes": [len(r[0]) for r in runs.values()]}


if __name__ == "__main__":
    main()
