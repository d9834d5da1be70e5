"""A weight_recorder on short-term plasticity and Bernoulli synapses (NEST face).

Expected rows obtained by running the same script with NEST 3.10
(``~/.venvs/nest/bin/python``, ``import nest``); spikesim agrees to all 15 digits printed.
"""

from __future__ import annotations

import pytest

import spikesim.nest as nest

# (stamp in ms, weight) of every row NEST 3.10 recorded, sorted
NEST_ROWS = [(3.0, 1.0), (3.0, 2.0), (3.0, 4.0), (6.0, 0.705455410208623), (6.0, 1.82138107579528), (6.0, 4.0),
             (10.0, 0.28442761591257), (10.0, 0.83294374275282), (10.0, 4.0), (21.0, 0.188134018849977),
             (21.0, 0.268415883398683), (21.0, 4.0)]


@pytest.fixture(autouse=True)
def fresh_kernel():
    nest.ResetKernel()
    yield
    nest.ResetKernel()


def test_rows_of_transmitted_spikes_with_the_weight_sent():
    sg = nest.Create("spike_generator", params={"spike_times": [2.0, 5.0, 9.0, 20.0]})
    pre, post = nest.Create("parrot_neuron"), nest.Create("parrot_neuron")
    wr = nest.Create("weight_recorder")
    for model, copy in (("tsodyks2_synapse", "ts_rec"), ("bernoulli_synapse", "be_rec"), ("tsodyks_synapse", "t1_rec")):
        nest.CopyModel(model, copy, {"weight_recorder": wr})
    nest.Connect(sg, pre)
    nest.Connect(pre, post, syn_spec={"synapse_model": "ts_rec", "U": 0.5, "u": 0.5, "tau_rec": 100.0,
                                      "tau_fac": 10.0, "weight": 2.0})
    # p_transmit 0: never transmitted, so never recorded
    nest.Connect(pre, post, syn_spec={"synapse_model": "be_rec", "p_transmit": 0.0, "weight": 3.0})
    nest.Connect(pre, post, syn_spec={"synapse_model": "be_rec", "p_transmit": 1.0, "weight": 4.0})
    nest.Connect(pre, post, syn_spec={"synapse_model": "t1_rec", "weight": 5.0, "U": 0.4, "tau_fac": 20.0})
    nest.Simulate(30.0)
    ev = wr.events
    rows = sorted(zip(ev["times"].tolist(), ev["weights"].tolist(), strict=True))
    assert [r[0] for r in rows] == [r[0] for r in NEST_ROWS]
    assert [r[1] for r in rows] == pytest.approx([r[1] for r in NEST_ROWS], abs=1e-12)
