"""Nodes created after a projection's last connect send through it.

A spike_generator created (and connected to the parrot) after the parrot's connection
to a neuron: its spikes index the projection's row pointers beyond the size they had
at that connect.  Before the fix this read past the array (static synapses) or crashed
the interpreter with a segmentation fault (stdp_synapse; NEST's
``neurons/test_pp_psc_delta_stdp.py`` does this).  Expected values from NEST 3.10 with
the same script (``nest`` in place of ``spikesim.nest``): the neuron spikes at 3, 13,
..., 93 ms and the stdp weight ends at 88.81110557415712.
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim.nest as nest


@pytest.mark.parametrize(("synapse", "weight"), [("static_synapse", 100.0), ("stdp_synapse", 88.81110557415712)])
def test_a_generator_created_after_the_connect(synapse: str, weight: float) -> None:
    nest.ResetKernel()
    pre = nest.Create("parrot_neuron")
    post = nest.Create("iaf_psc_delta")
    nest.Connect(pre, post, syn_spec={"synapse_model": synapse, "weight": 100.0})
    sg = nest.Create("spike_generator", params={"spike_times": np.arange(1.0, 100.0, 10.0)})
    nest.Connect(sg, pre)
    sr = nest.Create("spike_recorder")
    nest.Connect(post, sr)
    nest.Simulate(100.0)
    np.testing.assert_array_equal(sr.events["times"], np.arange(3.0, 100.0, 10.0))
    assert nest.GetConnections(pre, post).weight == weight
