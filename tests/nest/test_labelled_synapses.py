"""NEST's labelled synapse models (``<model>_lbl``) and ``GetConnections(synapse_label=...)``.

Expected defaults, values and errors are those NEST 3.10 gave for the same calls
(run under ~/.venvs/nest on 2026-12-01); a label changes no dynamics, which the last
test checks against the unlabelled model.
"""

from __future__ import annotations

import numpy as np
import pytest

from spikesim import nest


@pytest.fixture(autouse=True)
def _reset() -> None:
    nest.ResetKernel()


def test_every_synapse_model_has_a_labelled_variant():
    models = set(nest.synapse_models)
    plain = [m for m in models if not m.endswith(("_lbl", "_hpc"))]
    assert plain and all(f"{m}_lbl" in models for m in plain)
    assert nest.GetDefaults("static_synapse_lbl")["synapse_label"] == -1
    assert "synapse_label" not in nest.GetDefaults("static_synapse")


def test_labels_on_connect_set_and_get_connections():
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n, n, syn_spec={"synapse_model": "static_synapse_lbl", "synapse_label": 7})
    nest.Connect(n, n, syn_spec={"synapse_model": "stdp_synapse_lbl", "synapse_label": 7, "weight": 2.0})
    nest.Connect(n, n, syn_spec={"synapse_model": "stdp_synapse_lbl"})
    nest.Connect(n, n)  # unlabelled: never selected by a label
    c = nest.GetConnections(synapse_model="static_synapse_lbl")
    assert c.get("synapse_label") == [7, 7, 7, 7] and all(type(x) is int for x in c.get("synapse_label"))
    assert len(nest.GetConnections(synapse_label=7)) == 8
    assert len(nest.GetConnections(synapse_label=-1)) == 4  # the stdp ones with the default label
    assert len(nest.GetConnections(n[0], synapse_label=7)) == 4
    nest.GetConnections(synapse_label=-1).set({"synapse_label": 9})
    assert len(nest.GetConnections(synapse_label=9)) == 4
    nest.SetDefaults("static_synapse_lbl", {"synapse_label": 4})
    nest.Connect(n[0], n[1], syn_spec="static_synapse_lbl")
    assert nest.GetConnections(synapse_label=4).get("synapse_label") == 4


def test_label_errors_as_nest():
    n = nest.Create("iaf_psc_alpha", 2)
    with pytest.raises(nest.NESTErrors.BadProperty, match="must not be negative"):
        nest.Connect(n, n, syn_spec={"synapse_model": "static_synapse_lbl", "synapse_label": -5})
    with pytest.raises(nest.NESTErrors.BadProperty, match="whole number"):  # NEST: not an integer type
        nest.Connect(n, n, syn_spec={"synapse_model": "static_synapse_lbl", "synapse_label": 2.5})
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry):
        nest.Connect(n, n, syn_spec={"synapse_model": "static_synapse", "synapse_label": 3})
    with pytest.raises(nest.NESTError):
        nest.SetDefaults("static_synapse", {"synapse_label": 3})
    assert nest.num_connections == 0


def _run(model: str) -> tuple[np.ndarray, np.ndarray]:
    nest.ResetKernel()
    n = nest.Create("iaf_psc_alpha", 30, {"I_e": 450.0, "V_m": nest.random.uniform(-75.0, -55.0)})
    nest.Connect(n, n, {"rule": "fixed_indegree", "indegree": 5},
                 {"synapse_model": model, "weight": 40.0, "delay": 1.5})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(500.0)
    return np.asarray(sr.events["times"]), np.asarray(nest.GetConnections(synapse_model=model).weight)


def test_a_label_changes_no_dynamics():
    (t0, w0), (t1, w1) = _run("stdp_synapse"), _run("stdp_synapse_lbl")
    assert t0.size > 100 and np.unique(w0).size > 20
    np.testing.assert_array_equal(t0, t1)
    np.testing.assert_array_equal(w0, w1)
