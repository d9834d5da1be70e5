"""Recording devices: windows, origin, time_in_steps, n_events, order, parameter checks."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty


def _spiking(spike_times, **sr_params):
    """Parrots repeating spike generators (delay 1 ms), recorded by one spike_recorder."""
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    sg = sim.create("spike_generator", len(spike_times), [{"spike_times": t} for t in spike_times])
    parrots = sim.create("parrot_neuron", len(spike_times))
    sim.connect(sg, parrots, "one_to_one")
    sr = sim.create("spike_recorder", params=sr_params)
    sim.connect(parrots, sr)
    return sim, parrots, sr


def _ev(dev):
    return dev.get("events")[0]


def test_spike_recorder_events_chronological_ties_by_sender():
    sim, p, sr = _spiking([[3.0, 5.0], [1.0, 3.0], [0.5, 2.0, 2.0]])
    sim.simulate(10.0)
    ev = _ev(sr)
    assert ev["times"].tolist() == [1.5, 2.0, 3.0, 3.0, 4.0, 4.0, 6.0]
    assert ev["senders"].tolist() == [6, 5, 6, 6, 4, 5, 4]  # multiplicity 2 gives two events
    assert sr.get("n_events").tolist() == [7]


def test_order_holds_across_populations_firing_in_one_slice():
    sim = spikesim.Simulator(resolution=0.1)
    a = sim.create("iaf_psc_delta", 2, {"I_e": 600.0})
    b = sim.create("iaf_psc_delta", 2, {"I_e": 800.0})
    sr = sim.create("spike_recorder")
    sim.connect(a + b, sr, syn_spec={"delay": 20.0})  # slices of 20 ms: both populations fire in one
    sim.simulate(100.0)
    ev = _ev(sr)
    key = ev["times"] * 1000 + ev["senders"]
    assert ev["times"].size > 10 and np.all(np.diff(key) > 0)


def test_window_is_start_exclusive_stop_inclusive_relative_to_origin():
    times = [[1.0, 2.0, 3.0, 4.0, 5.0]]  # the parrot repeats them 1 ms later: stamps 2.0 .. 6.0
    sim, _, sr = _spiking(times, start=1.0, stop=3.0)
    sim.simulate(10.0)
    assert _ev(sr)["times"].tolist() == [2.0, 3.0]
    sim, _, sr = _spiking(times, start=1.0, stop=3.0, origin=2.0)
    sim.simulate(10.0)
    assert _ev(sr)["times"].tolist() == [4.0, 5.0]


def test_time_in_steps():
    sim, _, sr = _spiking([[1.0, 2.5]], time_in_steps=True)
    sim.simulate(5.0)
    ev = _ev(sr)
    assert ev["times"].tolist() == [20, 35] and ev["times"].dtype.kind == "i"
    assert ev["offsets"].tolist() == [0.0, 0.0]
    with pytest.raises(BadProperty, match=r"spike_recorder: parameter 'time_in_steps' = False is not allowed; it "
                                          r"cannot be changed after simulate has been called"):
        sr.set(time_in_steps=False)
    sr.set(time_in_steps=True)  # unchanged is fine


def test_n_events_only_zero_clears():
    sim, _, sr = _spiking([[1.0, 2.0]])
    sim.simulate(5.0)
    assert sr.get("n_events").tolist() == [2]
    with pytest.raises(BadProperty, match=r"spike_recorder: parameter 'n_events' = 1 is not allowed; only 0 may be "
                                          r"set, to clear the events"):
        sr.set(n_events=1)
    assert sr.get("n_events").tolist() == [2] and _ev(sr)["times"].size == 2
    sr.set(n_events=0)
    assert sr.get("n_events").tolist() == [0] and _ev(sr)["times"].size == 0
    with pytest.raises(BadProperty, match=r"parameter 'events' = '...' is not allowed; events are read-only; set "
                                          r"n_events=0 to clear"):
        sr.set(events={})


def test_multimeter_samples_on_its_grid_in_its_window():
    sim = spikesim.Simulator(resolution=0.1)
    n = sim.create("iaf_psc_delta", 2, {"I_e": 300.0})
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 1.0, "start": 2.0, "stop": 5.0})
    late = sim.create("multimeter", params={"record_from": "V_m", "interval": 1.0, "start": 2.0, "stop": 5.0,
                                            "origin": 10.0, "time_in_steps": True})
    vm = sim.create("voltmeter", params={"interval": 0.5, "offset": 0.3})
    sim.connect(mm, n)
    sim.connect(late, n)
    sim.connect(vm, n[1])
    sim.simulate(20.0)
    ev = _ev(mm)
    assert ev["times"].tolist() == [3.0, 3.0, 4.0, 4.0, 5.0, 5.0]
    assert ev["senders"].tolist() == [1, 2] * 3
    assert np.all(np.diff(ev["V_m"][::2]) > 0)  # charging towards threshold
    assert _ev(late)["times"].tolist() == [130, 130, 140, 140, 150, 150]
    vt = _ev(vm)["times"]
    assert vt[:4].tolist() == pytest.approx([0.3, 0.8, 1.3, 1.8]) and vm.get("n_events").tolist() == [40]
    assert mm.get("record_from")[0] == ("V_m",) and vm.get("record_from")[0] == ("V_m",)


def test_sampling_several_populations_stays_ordered():
    sim = spikesim.Simulator(resolution=0.1)
    a = sim.create("iaf_psc_delta", 2)
    b = sim.create("iaf_psc_delta", 1, {"I_e": 100.0})
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
    sim.connect(mm, b)
    sim.connect(mm, a)
    sim.simulate(2.0)
    ev = _ev(mm)
    assert ev["senders"].tolist() == [1, 2, 3] * 4
    assert ev["times"].tolist() == [0.5] * 3 + [1.0] * 3 + [1.5] * 3 + [2.0] * 3


def test_sampler_parameters_are_fixed_once_connected():
    sim = spikesim.Simulator()
    n = sim.create("iaf_psc_delta")
    vm = sim.create("voltmeter")
    sim.connect(vm, n)
    for key, value in (("interval", 2.0), ("offset", 1.0), ("record_from", ["V_m", "V_th"])):
        with pytest.raises(BadProperty, match=rf"voltmeter: parameter '{key}' = .* is not allowed; it cannot be "
                                              r"changed after the voltmeter has been connected; set it before connect"):
            vm.set({key: value})
    vm.set(record_from=["V_m"], interval=1.0)  # the values it has: accepted
    vm.set(start=1.0)
    assert vm.get("start").tolist() == [1.0]


@pytest.mark.parametrize("params, pattern", [
    ({"start": 0.05}, r"spike_recorder: parameter 'start' = 0.05 is not allowed; it must be a multiple of the "
                      r"resolution \(0.1 ms\)"),
    ({"start": "soon"}, r"spike_recorder: parameter 'start' = 'soon' is not allowed; it must be a number of ms"),
    ({"origin": None}, r"parameter 'origin' = None is not allowed; it must be a number of ms"),
    ({"stop": -1.0}, r"parameter 'stop' = -1.0 is not allowed; it must be >= start \(0.0\)"),
    ({"time_in_steps": "yes"}, r"parameter 'time_in_steps' = 'yes' is not allowed; it must be True or False"),
    ({"label": 5}, r"spike_recorder: parameter 'label' = 5 is not allowed; it must be a string"),
    ({"record_to": ["memory"]}, r"parameter 'record_to' = \['memory'\] is not allowed; give the name of a "
                                r"recording backend"),
    ({"record_to": "tape"}, r"parameter 'record_to' = 'tape' is not allowed; choose one of the recording backends "
                            r"\[.*'ascii'.*'memory'.*'screen'.*\]"),
    ({"interval": 1.0}, r"spike_recorder: parameter 'interval' = 1.0 is not allowed; spike_recorder (with "
                        r"record_to 'memory' )?has the parameters \['bin', 'duty', 'label', 'n_events', 'origin', "
                        r"'period', 'record_to', 'reduce', 'schedule', 'start', 'stop', 'time_in_steps'\]"),
])
def test_spike_recorder_parameter_errors(params, pattern):
    sim = spikesim.Simulator()
    sr = sim.create("spike_recorder", params={"label": "sr"})
    before = {k: v for k, v in sr.get().items() if k != "events"}
    with pytest.raises(BadProperty, match=pattern):
        sr.set(params)
    with pytest.raises(BadProperty, match=pattern):
        sim.create("spike_recorder", params=params)
    assert sim.num_nodes == 1
    after = {k: v for k, v in sr.get().items() if k != "events"}
    assert repr(after) == repr(before)


@pytest.mark.parametrize("params, pattern", [
    ({"interval": 0.25}, r"multimeter: parameter 'interval' = 0.25 is not allowed; it must be a positive multiple "
                         r"of the resolution \(0.1 ms\)"),
    ({"interval": 0.0}, r"'interval' = 0.0 is not allowed; it must be a positive multiple"),
    ({"interval": [1.0, 2.0]}, r"'interval' = \[1.0, 2.0\] is not allowed; it must be a number of ms"),
    ({"offset": -1.0}, r"multimeter: parameter 'offset' = -1.0 is not allowed; it must be >= 0"),
    ({"offset": 0.25}, r"'offset' = 0.25 is not allowed; it must be a multiple of the resolution \(0.1 ms\)"),
    ({"record_from": 5}, r"'record_from' = 5 is not allowed; give a list of names of recordables"),
    ({"record_from": ["V_m", 3]}, r"'record_from' = \['V_m', 3\] is not allowed; give a list of names"),
])
def test_multimeter_parameter_errors(params, pattern):
    sim = spikesim.Simulator()
    mm = sim.create("multimeter")
    with pytest.raises(BadProperty, match=pattern):
        mm.set(params)
    with pytest.raises(BadProperty, match=pattern):
        sim.create("multimeter", params=params)
    assert sim.num_nodes == 1 and mm.get("interval").tolist() == [1.0]


def test_record_to_moves_the_device_to_another_backend(tmp_path):
    sim = spikesim.Simulator()
    sim.data_path = str(tmp_path)
    sim_sr = sim.create("spike_recorder")
    sim_sr.set(record_to="ascii", label="spikes")
    assert sim_sr.get("record_to").tolist() == ["ascii"]
    assert "precision" in sim_sr.get()
    sim.simulate(1.0)
    assert [f.name for f in tmp_path.iterdir()] == ["spikes-1-0.dat"]
    assert {"ascii", "memory", "screen"} <= set(spikesim.recording_backends)


def test_recorders_of_two_simulators_are_independent():
    a, _, sr_a = _spiking([[1.0]])
    b, _, sr_b = _spiking([[2.0, 3.0]])
    a.simulate(5.0)
    b.simulate(5.0)
    assert _ev(sr_a)["times"].tolist() == [2.0] and _ev(sr_b)["times"].tolist() == [3.0, 4.0]
