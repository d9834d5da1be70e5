"""Neuron model parameters under the NEST face as NEST 3.10 takes them.

Expected values obtained by running the same calls with NEST 3.10
(``~/.venvs/nest/bin/python``, ``import nest``).
"""

from __future__ import annotations

import pytest

import spikesim.nest as nest


@pytest.fixture(autouse=True)
def fresh_kernel():
    nest.ResetKernel()
    yield
    nest.ResetKernel()


def test_parrot_flush_event_send_interval():
    p = nest.Create("parrot_neuron", params={"flush_event_send_interval": 5.0})
    # NEST 3.10: 5.0, default inf, 0.0 refused (BadProperty)
    assert p.get("flush_event_send_interval") == 5.0
    assert nest.GetDefaults("parrot_neuron")["flush_event_send_interval"] == float("inf")
    with pytest.raises(nest.NESTErrors.BadProperty, match="'flush_event_send_interval' = 0.0"):
        p.set(flush_event_send_interval=0.0)
    sg = nest.Create("spike_generator", params={"spike_times": [10.0]})
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, p)
    nest.Connect(p, sr)
    nest.Simulate(30.0)
    assert sr.events["times"].tolist() == [11.0]  # NEST 3.10: one spike, no flush events


def test_random_node_default_refused_and_nothing_changed():
    # NEST 3.10: a ValueError ("accepts only explicit, single parameter values")
    with pytest.raises(ValueError, match="'tau_syn_ex' = .* definite value"):
        nest.SetDefaults("iaf_psc_alpha", {"C_m": 100.0, "tau_syn_ex": nest.random.uniform(0.5, 1.0)})
    assert nest.GetDefaults("iaf_psc_alpha")["C_m"] == 250.0  # NEST's default, untouched
    n = nest.Create("iaf_psc_alpha", 2, params={"tau_syn_ex": nest.random.uniform(0.5, 1.0)})
    assert all(0.5 <= t <= 1.0 for t in n.tau_syn_ex)


def test_copy_model_stops_at_nests_synapse_model_count():
    # NEST 3.10 (regressions/test_ticket_573): 511 synapse models at most; the 512th CopyModel of a
    # synapse raises KernelException "Synapse model count exceeded"; neuron copies are not counted
    for i in range(nest.max_num_syn_models - len(nest.synapse_models)):
        nest.CopyModel("static_synapse", f"syn_{i}")
    with pytest.raises(nest.NESTErrors.KernelException, match="Synapse model count exceeded"):
        nest.CopyModel("static_synapse", "one_too_many")
    assert "one_too_many" not in nest.synapse_models
    nest.CopyModel("iaf_psc_alpha", "still_fine")
    assert "still_fine" in nest.node_models
