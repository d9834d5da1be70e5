"""NEST's static_synapse_hom_w, tsodyks_synapse_hom, jonke_synapse and ht_synapse in the NEST face.

Expected values and error classes are those NEST 3.10 gave for the same calls (run under
~/.venvs/nest on 2026-12-01).
"""

from __future__ import annotations

import pytest

from spikesim import nest


@pytest.fixture(autouse=True)
def _reset() -> None:
    nest.ResetKernel()


@pytest.mark.parametrize("model", ["static_synapse_hom_w", "tsodyks_synapse_hom"])
def test_shared_weight_only_through_defaults(model):
    nest.CopyModel(model, "shared_copy", {"weight": 7.0})
    n = nest.Create("iaf_psc_alpha", 2)
    # NEST: NotImplemented 'Synapse parameter "weight" can only be set via SetDefaults() or CopyModel().'
    with pytest.raises(nest.NESTErrors.NotImplemented, match="weight"):
        nest.Connect(n[0], n[1], syn_spec={"synapse_model": model, "weight": 2.0})
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": model, "delay": 2.0})
    c = nest.GetConnections(synapse_model=model)
    # NEST: UnaccessedDictionaryEntry 'Unaccessed elements in params, in function connection.set(): weight'
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry, match="weight"):
        c.set(weight=3.0)
    c.set(delay=3.0)
    assert c.get("delay") == 3.0
    assert nest.GetDefaults("shared_copy")["weight"] == 7.0
    assert nest.GetDefaults(model)["weight"] == 1.0


def test_defaults_keys_as_nest():
    # NEST 3.10's GetDefaults (element_type, sizeof, synapse_modelid, num_connections, has_delay,
    # requires_symmetric, synapse_model, weight_recorder left out)
    want = {
        "tsodyks_synapse_hom": {"U", "delay", "receptor_type", "tau_fac", "tau_psc", "tau_rec", "u", "weight", "x",
                                "y"},
        "jonke_synapse": {"Kplus", "Wmax", "alpha", "beta", "delay", "lambda", "mu_minus", "mu_plus",
                          "receptor_type", "tau_plus", "weight"},
        "ht_synapse": {"P", "delay", "delta_P", "receptor_type", "tau_P", "weight"},
        "static_synapse_hom_w": {"delay", "receptor_type", "weight"},
    }
    for model, keys in want.items():
        assert keys <= set(nest.GetDefaults(model)), model


def test_connection_status_keys_as_nest():
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": "ht_synapse", "P": 0.5, "tau_P": 20.0})
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": "jonke_synapse", "Kplus": 0.25})
    ht = nest.GetConnections(synapse_model="ht_synapse").get()
    assert (ht["P"], ht["tau_P"], ht["delta_P"]) == (0.5, 20.0, 0.125)
    assert nest.GetConnections(synapse_model="jonke_synapse").get("Kplus") == 0.25
    # NEST: BadProperty 'Kplus must be non-negative.'; '0 <= P <= 1 required.'
    with pytest.raises(nest.NESTErrors.BadProperty, match="Kplus"):
        nest.GetConnections(synapse_model="jonke_synapse").set(Kplus=-1.0)
    with pytest.raises(nest.NESTErrors.BadProperty, match="'P'"):
        nest.GetConnections(synapse_model="ht_synapse").set(P=1.5)
    assert nest.GetConnections(synapse_model="ht_synapse").get("P") == 0.5
