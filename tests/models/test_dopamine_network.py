"""stdp_dopamine_synapse in a recurrent network: threads, checkpoints, reset, connect checks.

iaf_psc_alpha neurons driven by Poisson input, connected among themselves by
``stdp_dopamine_synapse``; a population of dopamine neurons (also Poisson-driven)
feeds a volume_transmitter.  The same seed must give the same spikes and weights for
1 and 2 threads, and a run checkpointed and restored part-way must continue
bit-identically.  (Agreement with NEST itself: test_dopamine_reference.py.)
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty, IllegalConnection


def _build(threads: int = 1, seed: int = 11) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=0.1, seed=seed, threads=threads)
    vt = sim.create("volume_transmitter", params={"deliver_interval": 2})
    sim.set_defaults("stdp_dopamine_synapse", {"volume_transmitter": vt, "tau_c": 100.0, "tau_n": 50.0,
                                               "b": 0.005, "A_plus": 0.05, "A_minus": 0.05, "Wmax": 300.0})
    exc = sim.create("iaf_psc_alpha", 40, params={"tau_minus": 25.0})
    dopa = sim.create("iaf_psc_alpha", 10)
    drive = sim.create("poisson_generator", params={"rate": 9000.0})
    sim.connect(drive, exc, syn_spec={"weight": 17.0})
    sim.connect(drive, dopa, syn_spec={"weight": 17.0})
    sim.connect(exc, exc, {"rule": "fixed_indegree", "indegree": 8},
                {"synapse_model": "stdp_dopamine_synapse", "weight": 50.0, "delay": 1.5})
    sim.connect(dopa, vt, syn_spec={"delay": 1.0})
    sim.create("spike_recorder", label="sr")
    sim.connect(exc + dopa, sim.nodes("sr"))
    return sim


def _result(sim: spikesim.Simulator) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    ev = sim.nodes("sr").get("events")[0]
    order = np.lexsort((np.asarray(ev["senders"]), np.asarray(ev["times"])))
    spikes = {k: np.asarray(ev[k])[order] for k in ("senders", "times")}
    got = sim.get_connections(synapse_model="stdp_dopamine_synapse").get("source", "target", "weight", "c", "n",
                                                                        "Kplus")
    o = np.lexsort((np.asarray(got["target"]), np.asarray(got["source"])))
    return spikes, {k: np.asarray(v)[o] for k, v in got.items()}


def test_network_is_plastic() -> None:
    sim = _build()
    sim.simulate(300.0)
    spikes, conns = _result(sim)
    assert spikes["times"].size > 500
    assert np.unique(conns["weight"]).size > 50 and np.any(conns["n"] > 0.0)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="one core: threads=2 would run on one thread")
def test_one_and_two_threads_agree() -> None:
    out = []
    for threads in (1, 2):
        sim = _build(threads)
        sim.simulate(200.0)
        out.append(_result(sim))
    for a, b in zip(out[0], out[1], strict=True):
        for k in a:
            np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def test_checkpoint_continues_identically(tmp_path) -> None:
    whole = _build()
    whole.simulate(250.0)
    part = _build()
    part.simulate(113.3)  # inside a min_delay slice, between two hand-overs of dopamine spikes
    part.checkpoint(tmp_path / "c.h5")
    resumed = spikesim.Simulator.restore(tmp_path / "c.h5")
    resumed.simulate(136.7)
    ref, got = _result(whole), _result(resumed)
    for a, b in zip(ref, got, strict=True):
        for k in a:
            np.testing.assert_array_equal(b[k], a[k], err_msg=k)


def test_connect_checks() -> None:
    # NEST 3.10: "No volume transmitter has been assigned to the dopamine synapse." (BadProperty);
    # spike_generator -> volume_transmitter: IllegalConnection (regressions/test_issue_1242.py);
    # a plastic synapse onto a volume_transmitter: IllegalConnection
    sim = spikesim.Simulator(resolution=0.1)
    a, b = sim.create("parrot_neuron", 2)
    with pytest.raises(BadProperty, match="No volume transmitter"):
        sim.connect(a, b, syn_spec={"synapse_model": "stdp_dopamine_synapse"})
    vt = sim.create("volume_transmitter")
    sg = sim.create("spike_generator")
    with pytest.raises(IllegalConnection, match="neurons only"):
        sim.connect(sg, vt)
    with pytest.raises(IllegalConnection):
        sim.connect(a, vt, syn_spec={"synapse_model": "stdp_synapse"})
    with pytest.raises(BadProperty, match="volume_transmitter"):
        sim.set_defaults("stdp_dopamine_synapse", {"volume_transmitter": a})
    with pytest.raises(BadProperty, match="deliver_interval"):
        vt.set({"deliver_interval": 0})
    sim.set_defaults("stdp_dopamine_synapse", {"volume_transmitter": vt})
    sim.connect(a, b, syn_spec={"synapse_model": "stdp_dopamine_synapse", "c": 0.5})
    sim.connect(a, vt)
    assert sim.get_connections(synapse_model="stdp_dopamine_synapse").get("c") == [0.5]
    assert len(sim.get_connections(target=vt).get("source")) == 1


def test_weight_constant_without_presynaptic_spikes() -> None:
    # NEST's regressions/test_ticket_716.py: dopamine and postsynaptic spikes alone leave the weight
    sim = spikesim.Simulator(resolution=0.1)
    vt = sim.create("volume_transmitter")
    sim.set_defaults("stdp_dopamine_synapse", {"volume_transmitter": vt})
    pre, post, dopa = sim.create("parrot_neuron", 3)
    sg_post = sim.create("spike_generator", params={"spike_times": [0.5, 1.1, 3.4]})
    sg_dopa = sim.create("spike_generator", params={"spike_times": [1.4, 2.3, 4.6]})
    sim.connect(pre, post, syn_spec={"synapse_model": "stdp_dopamine_synapse"})
    sim.connect(sg_dopa, dopa)
    sim.connect(dopa, vt)
    sim.connect(sg_post, post)
    sim.simulate(10.0)
    conns = sim.get_connections(synapse_model="stdp_dopamine_synapse")
    assert conns.get("weight") == [1.0]
    assert conns.get("n")[0] > 0.0  # the dopamine spikes were handed over


def test_snapshots_read_the_connection_state() -> None:
    """Simulator.record_synapses samples weight, c and n as get_connections reads them
    (each as of the connection's last update: a presynaptic spike or a hand-over)."""
    sim = _build()
    conns = sim.get_connections(synapse_model="stdp_dopamine_synapse")
    snaps = sim.record_synapses(conns, ["weight", "c", "n"], interval=20.0)
    sim.simulate(100.0)
    assert snaps.times.tolist() == [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    for key in ("weight", "c", "n"):
        np.testing.assert_array_equal(snaps.values(key)[-1], np.asarray(conns.get(key)), err_msg=key)
    assert np.any(snaps.values("n")[0] != snaps.values("n")[-1])
