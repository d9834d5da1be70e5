"""NEST's kernel attribute local_spike_counter on the NEST face (expected values from
NEST 3.10, run under ~/.venvs/nest on 2026-12-01)."""

from __future__ import annotations

from spikesim import nest


def test_local_spike_counter_counts_the_last_simulate_as_nest():
    """Neurons' spikes of the most recent Simulate, multiplicities counted (parrots
    repeat theirs), a generator's own spikes not; NEST 3.10 gave 50, 21 and 0."""
    nest.ResetKernel()
    nest.Create("iaf_psc_alpha", 3, {"I_e": 1000.0})
    p = nest.Create("parrot_neuron")
    g = nest.Create("spike_generator", {"spike_times": [1.0, 2.0], "spike_multiplicities": [2, 3]})
    nest.Connect(g, p)
    got = []
    for t in (100.0, 50.0, 0.1):
        nest.Simulate(t)
        got.append(nest.local_spike_counter)
    assert got == [50, 21, 0]
