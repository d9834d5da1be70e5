"""Frozen neurons (NEST's ``frozen``): not updated, no spikes, input dropped.

The expected values are derived, not measured: a neuron frozen for a while and then thawed
continues from the state it had when frozen, so its trace is a thawed-only neuron's trace
shifted by the frozen time (NEST's own recording/test_multimeter_freeze_thaw.py and
neurons/test_add_freeze_thaw.py rest on the same reasoning).
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
import spikesim.nest as nest
from spikesim.errors import BadProperty, NotImplementedFeature


def _driven(threads: int = 1, n: int = 4) -> tuple[spikesim.Simulator, spikesim.NodeCollection]:
    sim = spikesim.Simulator(resolution=0.1, threads=threads, seed=3)
    neurons = sim.create("iaf_psc_alpha", n, {"I_e": 400.0})
    return sim, neurons


def test_a_frozen_neuron_keeps_its_state_and_continues_where_it_stopped() -> None:
    sim, n = _driven()
    sim.simulate(7.0)
    v7 = n.get("V_m")
    n[0].set(frozen=True)
    sim.simulate(5.0)
    v = n.get("V_m")
    assert v[0] == v7[0] and np.all(v[1:] != v7[1:])
    n[0].set(frozen=False)
    sim.simulate(5.0)
    ref, m = _driven()
    ref.simulate(12.0)  # 7 + 5 ms unfrozen
    assert n.get("V_m")[0] == m.get("V_m")[0]
    assert np.array_equal(n.get("V_m")[1:], _after(17.0)[1:])


def _after(t: float) -> np.ndarray:
    sim, n = _driven()
    sim.simulate(t)
    return np.asarray(n.get("V_m"))


def test_frozen_neurons_emit_no_spikes_and_drop_their_input() -> None:
    sim, n = _driven(n=2)
    sg = sim.create("spike_generator", params={"spike_times": [1.0, 2.0]})
    sr = sim.create("spike_recorder")
    quiet = sim.create("iaf_psc_alpha", 1)
    sim.connect(sg, quiet, syn_spec={"weight": 500.0})
    sim.connect(n + quiet, sr)
    (n[0] + quiet).set(frozen=True)
    sim.simulate(100.0)
    senders = sr.get("events")[0]["senders"]
    assert n.ids[0] not in senders and n.ids[1] in senders
    assert quiet.get("V_m") == -70.0  # the input of 1 and 2 ms never reached it
    quiet.set(frozen=False)
    sim.simulate(10.0)
    assert quiet.get("V_m") == -70.0  # and it does not arrive late


@pytest.mark.parametrize("bad", [1, "yes", [True, 0]])
def test_a_bad_frozen_value_is_refused_and_changes_nothing(bad: object) -> None:
    sim, n = _driven(n=2)
    with pytest.raises(BadProperty, match="'frozen'"):
        n.set(frozen=bad, I_e=100.0)
    assert not np.any(n.get("frozen"))
    assert list(n.get("I_e")) == [400.0, 400.0]


def test_frozen_is_the_same_for_one_and_two_threads_and_survives_a_checkpoint(tmp_path) -> None:
    out = []
    for threads in (1, 2):
        sim, n = _driven(threads, n=8)
        n[::3].set(frozen=True)
        sim.simulate(6.0)
        sim.checkpoint(str(tmp_path / f"ck{threads}.h5"))
        sim.simulate(6.0)
        back = spikesim.Simulator.restore(str(tmp_path / f"ck{threads}.h5"))
        nb = back.all_nodes()
        assert list(nb.get("frozen")) == list(n.get("frozen"))
        back.simulate(6.0)
        assert np.array_equal(nb.get("V_m"), n.get("V_m"))
        out.append(np.asarray(n.get("V_m")))
    assert np.array_equal(out[0], out[1])


def test_a_sampled_frozen_neuron_is_a_clear_error_before_anything_runs() -> None:
    sim, n = _driven(n=2)
    mm = sim.create("multimeter", params={"record_from": ["V_m"]})
    sim.connect(mm, n)
    n[1].set(frozen=True)
    with pytest.raises(NotImplementedFeature, match="neuron 2 .* frozen and sampled"):
        sim.simulate(5.0)
    assert sim.time == 0.0 and mm.get("n_events") == 0


def test_devices_cannot_freeze_but_take_frozen_false() -> None:
    nest.ResetKernel()
    mm = nest.Create("multimeter", params={"frozen": False})
    pg = nest.Create("poisson_generator")
    for dev in (mm, pg):
        dev.set(frozen=False)
        assert not dev.get("frozen")
        with pytest.raises(NotImplementedFeature, match="frozen = True"):
            dev.set(frozen=True)
    with pytest.raises(NotImplementedFeature):  # NEST refuses a frozen multimeter too
        nest.Create("multimeter", params={"frozen": True})
