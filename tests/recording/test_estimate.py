"""The recording memory estimate against the bytes the memory backend actually holds.

Derivation of the expected values: a run of T0 ms measures the rates; the estimate
for the next T ms is compared with the growth of the memory backend's arrays
(``nbytes``) over that run.  Samplers are counted exactly; spike recorders from the
measured rate (acceptance: within 20%).
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.recording import estimate as est_mod
from spikesim.recording.estimate import memory_bytes, recording_estimate


def _brunel(order=100, seed=1):
    """NEST's Brunel network (iaf_psc_delta, g = 5, eta = 2), at 5 x ``order`` neurons."""
    NE, NI = 4 * order, order
    CE, CI = NE // 10, NI // 10
    J, g, theta, tau_m = 0.1, 5.0, 20.0, 20.0
    p_rate = 1000.0 * 2.0 * theta / (J * CE * tau_m) * CE
    neuron = {"C_m": 1.0, "tau_m": tau_m, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": theta}
    sim = spikesim.Simulator(resolution=0.1, seed=seed)
    ex = sim.create("iaf_psc_delta", NE, neuron)
    inh = sim.create("iaf_psc_delta", NI, neuron)
    noise = sim.create("poisson_generator", params={"rate": p_rate})
    sim.connect(noise, ex + inh, syn_spec={"weight": J, "delay": 1.5})
    sim.connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": CE}, {"weight": J, "delay": 1.5})
    sim.connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": CI}, {"weight": -g * J, "delay": 1.5})
    return sim, ex, inh


def test_estimate_of_a_brunel_run_is_within_20_percent():
    sim, ex, inh = _brunel()
    sr = sim.create("spike_recorder")
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
    pop = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.5, "reduce": "population",
                                           "average": True})
    rate = sim.create("spike_recorder", params={"reduce": "rate", "bin": 2.0, "schedule": [(150.0, 250.0)]})
    sim.connect(ex + inh, sr)
    sim.connect(ex + inh, rate)
    sim.connect(mm, ex[:20])
    sim.connect(pop, ex)
    devs = sim.recording_devices()
    sim.simulate(100.0)
    before = {d.node_id: memory_bytes([d]) for d in devs}
    est = recording_estimate(devs, 300.0)
    sim.simulate(300.0)
    got = {d.node_id: memory_bytes([d]) - before[d.node_id] for d in devs}
    by_id = {d.node_id: d for d in est.devices}
    spikes = by_id[int(sr.ids[0])]
    assert spikes.basis == "measured" and got[int(sr.ids[0])] > 10_000
    assert spikes.bytes == pytest.approx(got[int(sr.ids[0])], rel=0.2)
    for dev, rows in ((mm, 300 * 20), (pop, 600), (rate, 50)):   # exact: sample times x neurons, bins
        d = by_id[int(dev.ids[0])]
        assert d.basis == "exact" and d.rows == rows and d.bytes == got[int(dev.ids[0])]
    assert est.memory_bytes == pytest.approx(sum(got.values()), rel=0.2)
    assert est.by_backend == {"memory": est.memory_bytes}


def test_expected_rates_and_file_backends(tmp_path):
    sim = spikesim.Simulator(resolution=0.1)
    sim.data_path = str(tmp_path)
    n = sim.create("iaf_psc_delta", 10)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    counts = sim.create("spike_recorder", params={"reduce": "counts", "bin": 10.0})
    total = sim.create("spike_recorder", params={"reduce": "total"})
    for d in (sr, counts, total):
        sim.connect(n, d)
    est = recording_estimate(sim.recording_devices(), 1000.0, rates={int(sr.ids[0]): 5.0, int(counts.ids[0]): 50.0})
    by_id = {d.node_id: d for d in est.devices}
    # 10 neurons x 5 spikes/s x 1 s = 50 rows of senders and times (16 bytes)
    assert (by_id[int(sr.ids[0])].rows, by_id[int(sr.ids[0])].bytes, by_id[int(sr.ids[0])].backend) == \
        (50, 800, "hdf5")
    # 500 spikes, but at most one row per neuron and bin: 100 bins x 10 neurons
    assert by_id[int(counts.ids[0])].rows == 500 and by_id[int(total.ids[0])].rows == 0
    assert recording_estimate(sim.recording_devices(), 1000.0).devices[0].basis == "unknown"  # nothing ran yet
    with pytest.raises(ValueError, match=r"t = -1.0 ms is not allowed"):
        recording_estimate(sim.recording_devices(), -1.0)


def test_warns_with_the_fix_when_the_memory_backend_will_not_fit(monkeypatch):
    sim = spikesim.Simulator(resolution=0.1)
    n = sim.create("iaf_psc_delta", 100)
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    sim.connect(mm, n)
    monkeypatch.setattr(est_mod, "available_ram", lambda: 1 << 20)
    with pytest.warns(RuntimeWarning, match=r"record to a file \(record_to='hdf5'\) or reduce"):
        est = recording_estimate(sim.recording_devices(), 1000.0)
    assert est.memory_bytes == 10_000 * 100 * 24 and not est.fits


def test_available_ram_is_positive():
    assert est_mod.available_ram() > 0
    assert np.isfinite(est_mod.available_ram())
