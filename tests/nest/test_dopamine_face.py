"""stdp_dopamine_synapse and volume_transmitter through the NEST face.

Expected defaults, values and error classes are those NEST 3.10 gave for the same calls
(run under ~/.venvs/nest on 2026-12-01); messages are spikesim's (they name the
parameter, the value and what is allowed).  The dynamics are compared with NEST in
tests/models/test_dopamine_reference.py.
"""

from __future__ import annotations

import numba
import pytest

from spikesim import nest


@pytest.fixture(autouse=True)
def _reset() -> None:
    nest.ResetKernel()


def test_defaults_and_status() -> None:
    d = nest.GetDefaults("stdp_dopamine_synapse")
    nest_310 = {"A_minus": 1.5, "A_plus": 1.0, "Kplus": 0.0, "Wmax": 200.0, "Wmin": 0.0, "b": 0.0, "c": 0.0,
                "delay": 1.0, "n": 0.0, "tau_c": 1000.0, "tau_n": 200.0, "tau_plus": 20.0, "weight": 1.0}
    assert {k: d[k] for k in nest_310} == nest_310
    assert len(d["volume_transmitter"]) == 0  # NEST: NodeCollection(<empty>)
    vt = nest.Create("volume_transmitter")
    assert vt.get("deliver_interval") == 1 and vt.get("element_type") == "other"
    nest.SetDefaults("stdp_dopamine_synapse", {"volume_transmitter": vt, "tau_c": 15.0})
    assert nest.GetDefaults("stdp_dopamine_synapse", "volume_transmitter") == vt
    assert nest.GetDefaults("stdp_dopamine_synapse", ["tau_c", "tau_n"]) == [15.0, 200.0]  # a list, as PyNEST
    assert {"stdp_dopamine_synapse_hpc", "stdp_dopamine_synapse_lbl"} <= set(nest.synapse_models)


def test_connection_values() -> None:
    vt = nest.Create("volume_transmitter")
    for m in ("stdp_dopamine_synapse", "stdp_dopamine_synapse_hpc", "stdp_dopamine_synapse_lbl"):
        nest.SetDefaults(m, {"volume_transmitter": vt})
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": "stdp_dopamine_synapse_hpc", "c": 0.1})
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": "stdp_dopamine_synapse_lbl", "synapse_label": 3,
                                       "n": 0.2, "Kplus": 0.5})
    assert nest.GetConnections(synapse_model="stdp_dopamine_synapse_hpc").get(["c", "n", "Kplus"]) == \
        {"c": 0.1, "n": 0.0, "Kplus": 0.0}
    lbl = nest.GetConnections(synapse_label=3)
    assert lbl.get(["n", "Kplus", "synapse_label"]) == {"n": 0.2, "Kplus": 0.5, "synapse_label": 3}
    assert nest.GetDefaults("stdp_dopamine_synapse_lbl", ["synapse_label", "tau_c"]) == [-1, 1000.0]
    with pytest.raises(nest.NESTErrors.BadProperty, match="'Kplus' = -1.0"):  # NEST: "Kplus must be non-negative."
        lbl.set(Kplus=-1.0)
    for key in ("A_plus", "volume_transmitter"):  # NEST: UnaccessedDictionaryEntry
        with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry, match=key):
            lbl.set({key: vt if key == "volume_transmitter" else 2.0})


def test_errors_nest_raises() -> None:
    vt = nest.Create("volume_transmitter")
    n = nest.Create("iaf_psc_alpha", 2)
    sg = nest.Create("spike_generator")
    with pytest.raises(nest.NESTErrors.BadProperty, match="No volume transmitter"):
        nest.Connect(n[0], n[1], syn_spec="stdp_dopamine_synapse")
    with pytest.raises(nest.NESTErrors.BadProperty, match="volume_transmitter"):  # a neuron
        nest.SetDefaults("stdp_dopamine_synapse", {"volume_transmitter": n[0]})
    with pytest.raises(nest.NESTErrors.BadProperty, match="volume_transmitter"):  # two nodes
        nest.SetDefaults("stdp_dopamine_synapse", {"volume_transmitter": n})
    with pytest.raises(nest.NESTErrors.IllegalConnection):  # regressions/test_issue_1242.py
        nest.Connect(sg, vt)
    with pytest.raises(nest.NESTErrors.IllegalConnection):
        nest.Connect(n[0], vt, syn_spec="stdp_synapse")
    nest.SetDefaults("stdp_dopamine_synapse", {"volume_transmitter": vt})
    with pytest.raises(nest.NESTErrors.NotImplemented, match='"tau_c"'):  # regressions/test_issue_735.py
        nest.Connect(n[0], n[1], syn_spec={"synapse_model": "stdp_dopamine_synapse", "tau_c": 1.0})
    with pytest.raises(nest.NESTErrors.NotImplemented, match='"tau_plus"'):  # any model's common property
        nest.Connect(n[0], n[1], syn_spec={"synapse_model": "stdp_synapse_hom", "tau_plus": 3.0})
    with pytest.raises(nest.NESTErrors.UnaccessedDictionaryEntry):  # regressions/test_issue_737.py: "vt"
        nest.Connect(n[0], n[1], syn_spec={"synapse_model": "stdp_dopamine_synapse", "vt": 2.0})
    assert nest.GetDefaults("stdp_dopamine_synapse", "num_connections") == 0


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_c_and_n_on_connect_with_threads() -> None:
    # regressions/test_issue_737_threads.py: NotImplemented with 4 threads; one thread takes them
    vt = nest.Create("volume_transmitter")
    nest.SetDefaults("stdp_dopamine_synapse", {"volume_transmitter": vt})
    n = nest.Create("iaf_psc_alpha")
    nest.Connect(n, n, syn_spec={"synapse_model": "stdp_dopamine_synapse", "c": 2.0})
    nest.local_num_threads = 2
    for key in ("c", "n"):
        with pytest.raises(nest.NESTErrors.NotImplemented, match=f"parameter {key}"):
            nest.Connect(n, n, syn_spec={"synapse_model": "stdp_dopamine_synapse", key: 2.0})
    assert len(nest.GetConnections()) == 1


def test_deliver_interval_is_checked() -> None:
    # NEST takes 0 and negative numbers (and then divides by zero when simulating): spikesim refuses them
    vt = nest.Create("volume_transmitter")
    for bad in (0, -1, 2.5):
        with pytest.raises(nest.NESTErrors.BadProperty, match="deliver_interval"):
            vt.set(deliver_interval=bad)
    vt.set(deliver_interval=3)
    assert vt.deliver_interval == 3
