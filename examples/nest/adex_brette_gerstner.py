"""AdEx firing patterns of Brette & Gerstner (2005), figures 2C and 3D, as a PyNEST script.

Written for spikesim after NEST 3.10's examples ``brette_gerstner_fig_2c.py`` and
``brette_gerstner_fig_3d.py`` (same models, parameters and protocol; both in one
script, spikes counted from the voltage trace).  Run it with
``python -m spikesim.nest examples/nest/adex_brette_gerstner.py [out.png]`` (or with
NEST itself); it prints one line per figure:

* 2C: ``aeif_cond_alpha`` with a = 4 nS, b = 80.5 pA, driven by 500 pA for 200 ms and
  by 800 pA from 500 to 1000 ms: tonic spiking with adaptation;
* 3D: ``aeif_cond_exp`` with a = 80 nS, b = 80.5 pA, tau_w = 720 ms, E_L = -60 mV and
  V_peak = 20 mV, hyperpolarised by -800 pA for 400 ms: rebound spikes after release.
"""

import sys

import nest
import numpy as np


def run(model, neuron_params, steps):
    """Simulate one neuron for 1000 ms with DC steps (amplitude pA, start ms, stop ms);
    return times (ms) and V_m (mV) sampled every 0.1 ms."""
    nest.ResetKernel()
    nest.resolution = 0.1
    neuron = nest.Create(model, params=neuron_params)
    for amplitude, start, stop in steps:
        dc = nest.Create("dc_generator", params={"amplitude": amplitude, "start": start, "stop": stop})
        nest.Connect(dc, neuron)
    vm = nest.Create("voltmeter", params={"interval": 0.1})
    nest.Connect(vm, neuron)
    nest.Simulate(1000.0)
    ev = vm.get("events")
    return ev["times"], ev["V_m"]


def upward_crossings(v, level=-45.0):
    """Spikes seen in a trace: how often V_m rises through ``level`` (mV)."""
    above = (np.asarray(v) > level).astype(int)
    return int(np.sum(np.diff(above) == 1))


t2c, v2c = run("aeif_cond_alpha", {"a": 4.0, "b": 80.5}, [(500.0, 0.0, 200.0), (800.0, 500.0, 1000.0)])
t3d, v3d = run("aeif_cond_exp", {"V_peak": 20.0, "E_L": -60.0, "a": 80.0, "b": 80.5, "tau_w": 720.0},
               [(-800.0, 0.0, 400.0)])
print(f"fig2c spikes: {upward_crossings(v2c)}")
print(f"fig3d spikes: {upward_crossings(v3d)}")
print(f"fig3d lowest V_m (mV): {np.min(v3d):.6f}")

if len(sys.argv) > 1:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1, sharex=True)
    axes[0].plot(t2c, v2c)
    axes[0].set_title("Brette & Gerstner fig. 2C (aeif_cond_alpha)")
    axes[1].plot(t3d, v3d)
    axes[1].set_title("fig. 3D (aeif_cond_exp)")
    axes[1].set_xlabel("time (ms)")
    for ax in axes:
        ax.set_ylabel("V_m (mV)")
    fig.savefig(sys.argv[1])
