"""Depressing and facilitating synapses: ``tsodyks_synapse`` next to ``tsodyks2_synapse``.

Written for spikesim after NEST 3.10's example ``evaluate_tsodyks2_synapse.py`` (same
models, parameters and protocol).  A presynaptic ``iaf_psc_exp`` neuron is driven by
376 pA for 500 ms, rests 500 ms, and is driven again for 500 ms; it excites two
neurons (tau_syn_ex = 3 ms), one through each synapse model.  Run with
``python -m spikesim.nest examples/nest/tsodyks_depression_facilitation.py [out.png]``;
it prints, for the depressing and the facilitating parameter sets, the largest
membrane potential (mV) of each postsynaptic neuron.
"""

import sys

import nest
import numpy as np

DEPRESSION = {"U": 0.67, "u": 0.67, "x": 1.0, "tau_rec": 450.0, "tau_fac": 0.0, "weight": 250.0}
FACILITATION = {"U": 0.1, "u": 0.1, "x": 1.0, "tau_fac": 1000.0, "tau_rec": 100.0, "weight": 250.0}

traces = {}
for label, syn in (("depression", DEPRESSION), ("facilitation", FACILITATION)):
    nest.ResetKernel()
    pre, post1, post2 = nest.Create("iaf_psc_exp", 3, params={"tau_syn_ex": 3.0})
    nest.Connect(pre, post1, syn_spec={**syn, "synapse_model": "tsodyks_synapse"})
    nest.Connect(pre, post2, syn_spec={**syn, "synapse_model": "tsodyks2_synapse"})
    vms = nest.Create("voltmeter", 2)
    nest.Connect(vms[0], post1)
    nest.Connect(vms[1], post2)
    for current, duration in ((376.0, 500.0), (0.0, 500.0), (376.0, 500.0)):
        pre.I_e = current
        nest.Simulate(duration)
    for vm, model in zip((vms[0], vms[1]), ("tsodyks", "tsodyks2"), strict=True):
        ev = vm.get("events")
        traces[label, model] = (ev["times"], ev["V_m"])
        print(f"{label} {model}_synapse max V_m (mV): {np.max(ev['V_m']):.9f}")

if len(sys.argv) > 1:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1, sharex=True)
    for ax, label in zip(axes, ("depression", "facilitation"), strict=True):
        for model in ("tsodyks", "tsodyks2"):
            ax.plot(*traces[label, model], label=f"{model}_synapse")
        ax.set_title(label)
        ax.set_ylabel("V_m (mV)")
        ax.legend()
    axes[1].set_xlabel("time (ms)")
    fig.savefig(sys.argv[1])
