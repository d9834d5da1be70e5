"""The Simulator object API: settings, models, defaults, running, independence of threads."""

from __future__ import annotations

import numba
import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty, KernelException, UnknownModelName


def test_construction_and_settings():
    sim = spikesim.Simulator(resolution=0.25, seed=9, threads=2)
    st = sim.kernel_status()
    assert (st["resolution"], st["rng_seed"], st["local_num_threads"], st["biological_time"]) == (0.25, 9, 2, 0.0)
    assert st["network_size"] == 0 and st["num_connections"] == 0 and st["tics_per_step"] == 250
    sim.set_seed(10)
    sim.set_threads(1)
    sim.set_resolution(0.5)
    assert (sim.seed, sim.threads, sim.resolution) == (10, 1, 0.5)


@pytest.mark.parametrize("kw, pattern", [
    ({"resolution": 0.0}, r"Simulator: parameter 'resolution' = 0.0 is not allowed; it must be a positive number"),
    ({"resolution": 0.0001}, r"'resolution' = 0.0001 is not allowed; it must be a multiple of 0.001 ms \(one tic\)"),
    ({"seed": -1}, r"Simulator: parameter 'seed' = -1 is not allowed; it must be an integer in \[0, 2\*\*63\)"),
    ({"seed": 1.5}, r"'seed' = 1.5 is not allowed; it must be an integer"),
    ({"threads": 0}, r"Simulator: parameter 'threads' = 0 is not allowed; it must be a positive integer"),
])
def test_construction_errors(kw, pattern):
    with pytest.raises(BadProperty, match=pattern):
        spikesim.Simulator(**kw)


def test_resolution_is_fixed_once_nodes_exist():
    sim = spikesim.Simulator()
    sim.create("iaf_psc_delta")
    with pytest.raises(KernelException, match="resolution: it can only be changed before nodes are created"):
        sim.set_resolution(0.2)
    assert sim.resolution == 0.1


def test_models_lists():
    names = spikesim.models()
    for m in ("iaf_psc_delta", "parrot_neuron", "spike_generator", "poisson_generator", "dc_generator",
              "spike_recorder", "multimeter", "voltmeter", "static_synapse"):
        assert m in names
    sim = spikesim.Simulator()
    assert "static_synapse" in sim.models("synapses") and "static_synapse" not in sim.models("nodes")
    assert sim.models("nodes") == sorted(sim.models("nodes"))
    sim.copy_model("iaf_psc_delta", "my_neuron")
    assert "my_neuron" in sim.models() and "my_neuron" not in spikesim.models()


def test_defaults_of_node_models():
    sim = spikesim.Simulator()
    d = sim.get_defaults("iaf_psc_delta")
    assert d["V_th"] == -55.0 and d["model"] == "iaf_psc_delta" and d["element_type"] == "neuron"
    assert d["recordables"] == ["V_m"]
    assert sim.get_defaults("iaf_psc_delta", "C_m") == 250.0
    assert sim.get_defaults("spike_recorder", "element_type") == "recorder"
    assert sim.get_defaults("poisson_generator", "element_type") == "stimulator"
    with pytest.raises(BadProperty, match=r"get_defaults\('iaf_psc_delta'\): parameter 'key' = 'V_t' is not "
                                          r"allowed; the keys are \[.*'V_th'"):
        sim.get_defaults("iaf_psc_delta", "V_t")
    with pytest.raises(UnknownModelName, match="unknown node model 'iaf'"):
        sim.get_defaults("iaf")


def test_set_defaults_and_copy_model_apply_to_later_nodes_only():
    sim = spikesim.Simulator()
    early = sim.create("iaf_psc_delta")
    sim.set_defaults("iaf_psc_delta", {"V_th": -50.0})
    sim.set_defaults("iaf_psc_delta", I_e=10.0)
    sim.copy_model("iaf_psc_delta", "hot", {"I_e": 500.0})
    late, hot = sim.create("iaf_psc_delta"), sim.create("hot", 2)
    assert early.get("V_th").tolist() == [-55.0] and late.get("V_th").tolist() == [-50.0]
    assert late.get("I_e").tolist() == [10.0] and hot.get("I_e").tolist() == [500.0] * 2
    assert hot.get("V_th").tolist() == [-50.0] * 2 and hot.get("model").tolist() == ["hot", "hot"]
    assert sim.get_defaults("hot", "I_e") == 500.0
    sim.copy_model("multimeter", "vm_fast", {"interval": 0.1, "record_from": ["V_m"]})
    assert sim.create("vm_fast").get("interval").tolist() == [0.1]
    with pytest.raises(BadProperty, match=r"copy_model: parameter 'new' = '' is not allowed; give a new, non-empty "
                                          r"model name"):
        sim.copy_model("iaf_psc_delta", "")
    with pytest.raises(UnknownModelName, match="unknown node model 'iaf'"):
        sim.copy_model("iaf", "x")
    assert "x" not in sim.models()


def test_simulate_advances_the_clock_in_steps():
    sim = spikesim.Simulator(resolution=0.1)
    sim.create("iaf_psc_delta")
    sim.simulate(1.5)
    sim.simulate(0.3)
    sim.simulate(0)
    assert sim.step == 18 and sim.time == pytest.approx(1.8)
    assert sim.kernel_status()["biological_time"] == pytest.approx(1.8)


def test_two_simulators_do_not_share_state():
    a, b = spikesim.Simulator(seed=1), spikesim.Simulator(seed=1)
    na = a.create("iaf_psc_delta", 2, {"I_e": 500.0})
    b.create("parrot_neuron", 5)
    sra = a.create("spike_recorder")
    a.connect(na, sra)
    a.simulate(20.0)
    assert b.num_nodes == 5 and b.step == 0 and len(b.get_connections()) == 0
    assert sra.tolist() == [3] and sra.get("n_events")[0] > 0
    a.copy_model("iaf_psc_delta", "only_in_a")
    assert "only_in_a" not in b.models()


def test_a_neuron_fires_as_nest_computes():
    """iaf_psc_delta driven by I_e = 376 pA fires at the closed-form threshold crossing."""
    sim = spikesim.Simulator(resolution=0.1)
    n = sim.create("iaf_psc_delta", params={"I_e": 376.0})
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    sim.simulate(200.0)
    t = sr.get("events")[0]["times"]
    # V(t) = E_L + R I (1 - exp(-t / tau_m)) reaches V_th at t* = -tau_m ln(1 - 15 / (R I))
    t_star = -10.0 * np.log(1.0 - 15.0 / (376.0 * 10.0 / 250.0))
    assert t[0] == pytest.approx(np.ceil(t_star / 0.1) * 0.1)
    isi = np.diff(t)
    assert np.allclose(isi, isi[0]) and isi[0] == pytest.approx(t[0] + 2.0, abs=0.11)


def _brunel(threads: int) -> dict:
    sim = spikesim.Simulator(resolution=0.1, seed=12, threads=threads)
    n = sim.create("iaf_psc_delta", 500, {"V_m": spikesim.uniform(-70.0, -55.0)})
    pg = sim.create("poisson_generator", params={"rate": 20000.0})
    sr = sim.create("spike_recorder")
    sim.connect(pg, n, syn_spec={"weight": 0.1, "delay": 1.5})
    sim.connect(n[:400], n, {"rule": "fixed_indegree", "indegree": 40}, {"weight": 0.1, "delay": 1.5})
    sim.connect(n[400:], n, {"rule": "fixed_indegree", "indegree": 10}, {"weight": -0.5, "delay": 1.5})
    sim.connect(n, sr)
    sim.simulate(200.0)
    return sr.get("events")[0]


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="one core: threads=2 would run on one thread")
def test_results_do_not_depend_on_threads():
    one, two = _brunel(1), _brunel(2)
    assert one["times"].size > 1000
    np.testing.assert_array_equal(one["senders"], two["senders"])
    np.testing.assert_array_equal(one["times"], two["times"])
