"""Simulator.every: functions called at fixed times during a run (issue 12, item 4c)."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty, KernelException


def _network(seed: int = 3) -> tuple[spikesim.Simulator, spikesim.NodeCollection, spikesim.NodeCollection]:
    """A small recurrent network with Poisson drive and a 1.5 ms delay (slices of 15 steps)."""
    sim = spikesim.Simulator(resolution=0.1, seed=seed)
    n = sim.create("iaf_psc_delta", 60, {"tau_m": 20.0, "V_th": 20.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0,
                                         "C_m": 1.0, "t_ref": 2.0})
    noise = sim.create("poisson_generator", params={"rate": 20000.0})
    sr = sim.create("spike_recorder")
    sim.connect(noise, n, syn_spec={"weight": 0.1, "delay": 1.5})
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 6}, {"weight": -0.4, "delay": 1.5})
    sim.connect(n, sr)
    return sim, n, sr


def test_calls_at_absolute_times_once_each() -> None:
    sim, _, _ = _network()
    seen: list[float] = []
    sim.every(10.0, lambda s: seen.append(round(s.time, 6)))
    sim.simulate(25.0)
    assert seen == [0.0, 10.0, 20.0]
    sim.simulate(5.0)  # ends at 30: called there, and not again when the next call starts
    sim.simulate(10.0)
    assert seen == [0.0, 10.0, 20.0, 30.0, 40.0]
    late: list[float] = []
    sim.every(3.0, lambda s: late.append(round(s.time, 6)), offset=1.0)  # 1 + 13 * 3 = 40: now, so due
    sim.simulate(6.0)
    assert late == [40.0, 43.0, 46.0]


def test_splitting_at_call_times_changes_no_spike() -> None:
    plain, _, sr_plain = _network()
    plain.simulate(200.0)
    split, _, sr_split = _network()
    calls: list[float] = []
    split.every(0.7, lambda s: calls.append(s.time), offset=0.3)  # not on min_delay boundaries
    split.simulate(200.0)
    a, b = sr_plain.get("events")[0], sr_split.get("events")[0]
    assert a["senders"].size > 100
    np.testing.assert_array_equal(a["senders"], b["senders"])
    np.testing.assert_array_equal(a["times"], b["times"])
    assert len(calls) == 286  # 0.3, 1.0, ..., 199.8


def test_function_sees_the_state_the_multimeter_records() -> None:
    sim, n, _ = _network()
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 5.0})
    sim.connect(mm, n[:3])
    seen: dict[float, np.ndarray] = {}
    sim.every(5.0, lambda s: seen.__setitem__(round(s.time, 6), np.array(n[:3].get("V_m"))), offset=5.0)
    sim.simulate(50.0)
    ev = mm.get("events")[0]
    for t, v in seen.items():
        at = np.isclose(ev["times"], t)
        np.testing.assert_array_equal(ev["V_m"][at], v)  # the sample at t is the state after step t
    assert sorted(seen) == [5.0 * k for k in range(1, 11)]


def test_setting_a_parameter_inside_equals_setting_between_runs() -> None:
    ref, n_ref, sr_ref = _network()
    ref.simulate(50.0)
    n_ref.set(I_e=30.0)
    ref.simulate(50.0)
    sim, n, sr = _network()
    sim.every(50.0, lambda s: n.set(I_e=30.0), offset=50.0)
    sim.simulate(100.0)
    a, b = sr_ref.get("events")[0], sr.get("events")[0]
    np.testing.assert_array_equal(a["times"], b["times"])
    np.testing.assert_array_equal(a["senders"], b["senders"])


def test_simulate_from_inside_is_refused_and_the_simulator_stays_usable() -> None:
    sim, _, _ = _network()
    handle = sim.every(5.0, lambda s: s.simulate(1.0), offset=5.0)
    with pytest.raises(KernelException, match="every"):
        sim.simulate(10.0)
    assert sim.time == pytest.approx(5.0)  # stopped where the function was called
    handle.cancel()
    sim.simulate(5.0)
    assert sim.time == pytest.approx(10.0)


@pytest.mark.parametrize("kw, name", [
    ({"period": 0.0}, "period"), ({"period": -1.0}, "period"), ({"period": float("inf")}, "period"),
    ({"period": 0.25}, "period"), ({"period": 1.0, "offset": -1.0}, "offset"),
    ({"period": 1.0, "offset": 0.05}, "offset"), ({"period": 1.0, "fn": 3}, "fn"),
])
def test_bad_arguments_name_the_parameter(kw: dict, name: str) -> None:
    sim = spikesim.Simulator(resolution=0.1)
    fn = kw.pop("fn", lambda s: None)
    with pytest.raises(BadProperty, match=name):
        sim.every(kw.pop("period"), fn, **kw)
    assert sim.callbacks.items == []


def test_restore_and_register_again_gives_the_same_calls(tmp_path) -> None:
    whole, _, sr_whole = _network()
    t_whole: list[float] = []
    whole.every(4.0, lambda s: t_whole.append(round(s.time, 6)))
    whole.simulate(40.0)
    first, _, _ = _network()
    t_split: list[float] = []
    first.every(4.0, lambda s: t_split.append(round(s.time, 6)))
    first.simulate(18.0)
    path = first.checkpoint(tmp_path / "c.h5")
    second = spikesim.Simulator.restore(path)
    second.every(4.0, lambda s: t_split.append(round(s.time, 6)))
    second.simulate(22.0)
    assert t_split == t_whole


def test_reset_rewinds_the_calls() -> None:
    sim, _, _ = _network()
    seen: list[float] = []
    sim.every(10.0, lambda s: seen.append(round(s.time, 6)))
    sim.simulate(15.0)
    sim.reset()
    sim.simulate(15.0)
    assert seen == [0.0, 10.0, 0.0, 10.0]
