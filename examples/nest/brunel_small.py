"""A small PyNEST script, unmodified: run it with ``python -m spikesim.nest examples/nest/brunel_small.py``.

Excitatory and inhibitory iaf_psc_delta neurons with random membrane potentials,
driven by a constant current; prints the number of spikes.  Optional argument: the
simulated time in ms (default 100).
"""

import sys

import nest
import nest.raster_plot  # noqa: F401 - a PyNEST script imports it so; must resolve to spikesim

nest.ResetKernel()
nest.set(resolution=0.1, rng_seed=12)
t_sim = float(sys.argv[1]) if len(sys.argv) > 1 else 100.0
g = 5.0
neurons = nest.Create("iaf_psc_delta", 50, {"I_e": 400.0, "V_m": nest.random.uniform(-70.0, -55.0)})
exc, inh = neurons[:40], neurons[40:]
sr = nest.Create("spike_recorder")
nest.Connect(exc, neurons, {"rule": "fixed_indegree", "indegree": 4}, {"weight": 0.1, "delay": 1.5})
nest.Connect(inh, neurons, {"rule": "fixed_indegree", "indegree": 1},
             {"weight": -g * nest.random.uniform(0.05, 0.15), "delay": 1.5})
nest.Connect(neurons, sr)
nest.Simulate(t_sim)
print(f"spikes: {sr.n_events}")
