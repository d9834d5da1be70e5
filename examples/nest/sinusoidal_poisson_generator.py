"""Sinusoidal Poisson generators: their rate recorded by multimeters, their trains by
spike recorders connected to them directly, and trains of their own or shared by all
targets (``individual_spike_trains``) relayed by parrot neurons.

Written for spikesim after NEST 3.10's example ``sinusoidal_poisson_generator.py`` (the
same networks).  Run with ``python -m spikesim.nest
examples/nest/sinusoidal_poisson_generator.py [out.png]``; it prints what does not
depend on the random draws: the recorded rates (spikes/s, sampled every 0.1 ms and
handed over as NEST hands them: up to the last ``min_delay`` slice) and how many
distinct trains the parrots relay.
"""

import sys

import nest
import numpy as np

nest.ResetKernel()
nest.resolution = 0.01
g = nest.Create("sinusoidal_poisson_generator", n=2,
                params={"rate": [10000.0, 0.0], "amplitude": [5000.0, 10000.0], "frequency": [10.0, 5.0],
                        "phase": [0.0, 90.0]})
m = nest.Create("multimeter", 2, {"interval": 0.1, "record_from": ["rate"]})
s = nest.Create("spike_recorder", 2)
nest.Connect(m, g, "one_to_one")
nest.Connect(g, s, "one_to_one")
nest.Simulate(200.0)
rates = []
for j in range(2):
    ev = m[j].events
    t, r = ev["times"], ev["rate"]
    rates.append((t, r, s[j].events["times"]))
    print(f"generator {j + 1}: {t.size} rate samples {t[0]:.1f} .. {t[-1]:.1f} ms: mean {r.mean():.4f}, "
          f"min {r.min():.4f}, max {r.max():.4f} spikes/s")


def distinct_trains(individual: bool) -> tuple[np.ndarray, np.ndarray, int]:
    """20 parrots relaying one generator (own trains or one shared train, 4 threads):
    their spikes and how many distinct trains they relay."""
    nest.ResetKernel()
    nest.local_num_threads = 4
    nest.SetDefaults("sinusoidal_poisson_generator", {"individual_spike_trains": individual})
    gen = nest.Create("sinusoidal_poisson_generator",
                      params={"rate": 100.0, "amplitude": 50.0, "frequency": 10.0, "phase": 0.0})
    p = nest.Create("parrot_neuron", 20)
    rec = nest.Create("spike_recorder")
    nest.Connect(gen, p, "all_to_all")
    nest.Connect(p, rec, "all_to_all")
    nest.Simulate(200.0)
    ev = rec.events
    senders, times = ev["senders"], ev["times"]
    trains = {tuple(np.sort(times[senders == i])) for i in p.tolist()}
    return times, senders - min(p.tolist()), len(trains)


own = distinct_trains(True)
shared = distinct_trains(False)
print(f"individual_spike_trains True: 20 parrots relay {own[2]} distinct trains")
print(f"individual_spike_trains False: 20 parrots relay {shared[2]} distinct trains")

if len(sys.argv) > 1:
    import matplotlib.pyplot as plt

    for j, (t, r, spikes) in enumerate(rates):
        h, e = np.histogram(spikes, bins=np.arange(0.0, 201.0, 5.0))
        plt.subplot(221)
        plt.plot(t, r, color="bg"[j])
        plt.step(e[:-1], h * 1000 / 5.0, color="bg"[j], where="post")
        plt.title("PST histogram and firing rates")
        plt.ylabel("spikes/s")
        plt.subplot(223)
        plt.hist(np.diff(spikes), bins=np.arange(0.0, 1.005, 0.02), histtype="step", color="bg"[j])
        plt.title("ISI histogram")
    for k, (times, senders, _) in ((222, own), (224, shared)):
        plt.subplot(k)
        plt.plot(times, senders, "o")
        plt.ylim([-0.5, 19.5])
        plt.yticks([])
        plt.title("one train per target" if k == 222 else "one train for all targets")
    plt.savefig(sys.argv[1])
