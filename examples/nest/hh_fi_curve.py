"""Firing rate of a Hodgkin-Huxley neuron against a constant input current (f-I curve).

Written for spikesim after NEST 3.10's example ``hh_psc_alpha.py``, smaller: 11
currents from 0 to 2000 pA (NEST's example: 100 currents) and 500 ms of settling plus
500 ms of counting each (NEST's: 1000 + 1000 ms).  Run with
``python -m spikesim.nest examples/nest/hh_fi_curve.py [out.png]``; it prints the
rate (spikes/s) at each current (pA).
"""

import sys

import nest
import numpy as np

nest.ResetKernel()
neuron = nest.Create("hh_psc_alpha")
recorder = nest.Create("spike_recorder")
nest.Connect(neuron, recorder)

currents = np.arange(0.0, 2001.0, 200.0)
rates = []
for amp in currents:
    neuron.I_e = float(amp)
    nest.Simulate(500.0)  # let the neuron settle at the new current
    recorder.n_events = 0
    nest.Simulate(500.0)
    rates.append(recorder.n_events / 0.5)
    print(f"I_e = {amp:6.1f} pA: {rates[-1]:5.1f} spikes/s")

if len(sys.argv) > 1:
    import matplotlib.pyplot as plt

    plt.plot(currents, rates, "o-")
    plt.xlabel("I_e (pA)")
    plt.ylabel("rate (spikes/s)")
    plt.savefig(sys.argv[1])
