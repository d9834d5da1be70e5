"""Schedules, interval-averaged sampling and reductions, checked against plain
recordings of the same run (an every-step multimeter and a plain spike recorder on
the memory backend), across three simulate calls and a checkpoint/restore, with the
memory, ascii and hdf5 backends.

Every expected value is derived from the plain recordings:

* schedule: the plain records whose stamps lie in a window ``(origin + a, origin + b]``;
* ``average``: the mean of the every-step samples at stamps ``(t - interval, t]``;
* ``reduce="population"``: mean and variance (ddof 0) over the neurons of the plain
  samples at each sample time;
* spike bins: histograms of the plain spike times over bins ``(t - bin, t]``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty
from spikesim.recording.reductions import smooth_rate

H = 0.1
N = 6
CALLS = (13.3, 10.4)        # before the checkpoint
AFTER = (20.0, 16.3)        # after the restore: 60.0 ms in all
T_END = sum(CALLS) + sum(AFTER)
SCHEDULE = [(2.0, 5.0), (10.0, 12.5), (30.0, 40.0)]

DEVICES = {
    "sched_mm": ("multimeter", {"record_from": ["V_m"], "interval": 0.5, "schedule": SCHEDULE}),
    "period_mm": ("multimeter", {"record_from": ["V_m"], "interval": 0.5, "period": 7.0, "duty": 3.0 / 7.0,
                                 "origin": 1.0, "start": 2.0}),
    "avg_mm": ("multimeter", {"record_from": ["V_m"], "interval": 1.0, "offset": 0.3, "average": True}),
    "avg_sched_mm": ("multimeter", {"record_from": ["V_m"], "interval": 2.0, "average": True,
                                    "schedule": SCHEDULE}),
    "pop_mm": ("multimeter", {"record_from": ["V_m"], "interval": 0.5, "reduce": "population"}),
    "pop_avg_mm": ("multimeter", {"record_from": ["V_m"], "interval": 1.0, "reduce": "population",
                                  "average": True}),
    "sched_sr": ("spike_recorder", {"schedule": SCHEDULE}),
    "period_sr": ("spike_recorder", {"period": 10.0, "duty": 0.3, "origin": 1.0}),
    "rate_sr": ("spike_recorder", {"reduce": "rate", "bin": 5.0}),
    "counts_sr": ("spike_recorder", {"reduce": "counts", "bin": 2.5}),
    "total_sr": ("spike_recorder", {"reduce": "total"}),
}


def _build(backend, path):
    sim = spikesim.Simulator(resolution=H, seed=5)
    sim.data_path = str(path)
    neurons = sim.create("iaf_psc_delta", N, [{"I_e": 250.0 + 150.0 * i} for i in range(N)])
    full = sim.create("multimeter", params={"record_from": ["V_m"], "interval": H}, label="full_mm")
    plain = sim.create("spike_recorder", label="plain_sr")
    sim.connect(full, neurons)
    sim.connect(neurons, plain)
    for label, (model, params) in DEVICES.items():
        extra = {"precision": 15} if backend == "ascii" else {}   # 15 decimals: within 1e-12 of the values
        dev = sim.create(model, params={**params, **extra, "label": label, "record_to": backend}, label=label)
        if model == "multimeter":
            sim.connect(dev, neurons)
        else:
            sim.connect(neurons, dev)
    return sim


def _ascii_events(dev):
    """The records of an ascii device file, as columns (``senders``, ``times`` ...)."""
    path = dev.get("filenames")[0][0]
    lines = Path(path).read_text().splitlines()
    names = lines[2].split("\t")
    table = np.loadtxt(lines[3:], ndmin=2).reshape(-1, len(names))
    rename = {"sender": "senders", "time_ms": "times"}
    return {rename.get(c, c): table[:, i] for i, c in enumerate(names)}


def _events(sim, label):
    dev = sim.nodes(label)
    if dev.get("record_to")[0] == "ascii" and dev.get("reduce")[0] != "total":
        return _ascii_events(dev)
    return dev.get("events")[0]


@pytest.fixture(scope="module", params=["memory", "ascii", "hdf5"])
def run(request, tmp_path_factory):
    path = tmp_path_factory.mktemp(request.param)
    sim = _build(request.param, path)
    for t in CALLS:
        sim.simulate(t)
    sim.checkpoint(str(path / "ck.h5"))
    sim.close()  # the restored simulator continues the files
    sim = spikesim.Simulator.restore(str(path / "ck.h5"))
    for t in AFTER:
        sim.simulate(t)
    ev = {label: _events(sim, label) for label in (*DEVICES, "full_mm", "plain_sr")}
    full = ev["full_mm"]
    stamps = np.rint(full["times"].reshape(-1, N)[:, 0] / H).astype(np.int64)
    assert stamps.tolist() == list(range(1, int(round(T_END / H)) + 1))  # every step, once
    spikes = ev["plain_sr"]
    assert spikes["times"].size > 20   # the network is active
    return ev, stamps, full["V_m"].reshape(-1, N), spikes


def _same(got, want):
    """Equal values; written as text (ascii, 15 decimals), within 1e-12."""
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def _in_windows(stamps, windows, origin=0.0):
    keep = np.zeros(stamps.size, dtype=bool)
    for a, b in windows:
        keep |= (stamps > round((origin + a) / H)) & (stamps <= round((origin + b) / H))
    return keep


def _samples(ev, label):
    e = ev[label]
    return np.rint(e["times"].reshape(-1, N)[:, 0] / H).astype(np.int64), e["V_m"].reshape(-1, N)


def test_schedule_samples_are_the_full_samples_in_the_windows(run):
    ev, stamps, vm, _ = run
    t, v = _samples(ev, "sched_mm")
    want = _in_windows(stamps, SCHEDULE) & (stamps % 5 == 0)
    assert t.tolist() == stamps[want].tolist() and t.size == 6 + 5 + 20
    _same(v, vm[want])


def test_period_and_duty_give_repeating_windows(run):
    ev, stamps, vm, _ = run
    t, v = _samples(ev, "period_mm")
    windows = [(2.0 + 7.0 * k, 5.0 + 7.0 * k) for k in range(10)]   # origin 1 + start 2, on 3 of every 7 ms
    want = _in_windows(stamps, windows, origin=1.0) & (stamps % 5 == 0)
    assert t.tolist() == stamps[want].tolist()
    _same(v, vm[want])


def _spike_stamps(spikes):
    return np.rint(spikes["times"] / H).astype(np.int64)


def test_schedule_and_period_select_spikes(run):
    ev, _, _, spikes = run
    st = _spike_stamps(spikes)
    for label, windows, origin in (("sched_sr", SCHEDULE, 0.0),
                                   ("period_sr", [(10.0 * k, 10.0 * k + 3.0) for k in range(7)], 1.0)):
        keep = _in_windows(st, windows, origin)
        assert keep.any() and not keep.all()
        got = ev[label]
        assert _spike_stamps(got).tolist() == st[keep].tolist()
        assert got["senders"].astype(np.int64).tolist() == spikes["senders"][keep].tolist()


def _interval_means(stamps, vm, ends, interval_steps):
    return np.array([vm[(stamps > e - interval_steps) & (stamps <= e)].mean(axis=0) for e in ends])


def test_interval_average_is_the_mean_of_every_step(run):
    ev, stamps, vm, _ = run
    t, v = _samples(ev, "avg_mm")
    assert t.tolist() == list(range(3, int(round(T_END / H)) + 1, 10))   # 0.3 + k ms
    np.testing.assert_allclose(v, _interval_means(stamps, vm, t, 10), rtol=1e-12, atol=1e-12)
    assert abs(v[0] - vm[:3].mean(axis=0)).max() < 1e-12       # the first interval has 3 steps


def test_interval_average_with_a_schedule(run):
    ev, stamps, vm, _ = run
    t, v = _samples(ev, "avg_sched_mm")
    ends = stamps[(stamps % 20 == 0) & _in_windows(stamps, SCHEDULE)]
    assert t.tolist() == ends.tolist()
    np.testing.assert_allclose(v, _interval_means(stamps, vm, ends, 20), rtol=1e-12, atol=1e-12)


def test_population_mean_and_variance(run):
    ev, stamps, vm, _ = run
    e = ev["pop_mm"]
    want = stamps % 5 == 0
    np.testing.assert_allclose(e["times"], stamps[want] * H, atol=1e-9)
    assert e["V_m_mean"].size == want.sum()   # one row per sample time
    np.testing.assert_allclose(e["V_m_mean"], vm[want].mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(e["V_m_var"], vm[want].var(axis=1), rtol=1e-9)
    e = ev["pop_avg_mm"]
    ends = stamps[stamps % 10 == 0]
    means = _interval_means(stamps, vm, ends, 10)
    np.testing.assert_allclose(e["V_m_mean"], means.mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(e["V_m_var"], means.var(axis=1), rtol=1e-9)


def test_binned_rate_counts_and_totals(run):
    ev, _, _, spikes = run
    st = _spike_stamps(spikes)
    n_bins = int(round(T_END / 5.0))
    hist = np.bincount((st + 49) // 50, minlength=n_bins + 1)[1:]
    e = ev["rate_sr"]
    np.testing.assert_allclose(e["times"], 5.0 * np.arange(1, n_bins + 1), atol=1e-9)
    np.testing.assert_allclose(e["rate"], hist / (N * 5e-3), rtol=1e-12)
    e = ev["counts_sr"]
    b = (st + 24) // 25
    pairs, counts = np.unique(np.stack([b, spikes["senders"]]), axis=1, return_counts=True)
    np.testing.assert_allclose(e["times"], pairs[0] * 2.5, atol=1e-9)
    assert e["senders"].astype(np.int64).tolist() == pairs[1].tolist()
    assert e["counts"].astype(np.int64).tolist() == counts.tolist()
    e = ev["total_sr"]
    ids = np.unique(spikes["senders"])
    assert e["senders"].tolist() == list(range(1, N + 1))
    assert e["counts"].tolist() == np.bincount(spikes["senders"], minlength=N + 1)[1:].tolist()
    assert ids.size > 1


def test_smooth_rate_is_a_normalised_convolution():
    rate = np.zeros(41)
    rate[20] = 100.0
    out = smooth_rate(rate, 1.0, "gaussian", 2.0)
    assert out.sum() == pytest.approx(100.0) and out.argmax() == 20
    assert out[18] / out[20] == pytest.approx(np.exp(-0.5))      # one sd (2 ms) away
    flat = smooth_rate(rate, 1.0, "flat", 5.0)
    assert flat[18:23].tolist() == pytest.approx([20.0] * 5) and flat[17] == 0 and flat[23] == 0
    with pytest.raises(ValueError, match="window = 'box' is not allowed"):
        smooth_rate(rate, 1.0, "box", 2.0)


def test_smooth_rate_of_a_device():
    sim = spikesim.Simulator(resolution=H)
    n = sim.create("iaf_psc_delta", 3, {"I_e": 600.0})
    sr = sim.create("spike_recorder", params={"reduce": "rate", "bin": 1.0})
    sim.connect(n, sr)
    sim.simulate(50.0)
    dev = next(d for d in sim.recording_devices() if d.node_id == int(sr.ids[0]))
    ev = sr.get("events")[0]
    t, r = dev.smooth_rate("gaussian", 3.0)
    assert t.tolist() == ev["times"].tolist()
    np.testing.assert_allclose(r, smooth_rate(ev["rate"], 1.0, "gaussian", 3.0))


@pytest.mark.parametrize(("params", "pattern"), [
    ({"schedule": [(5.0, 2.0)]}, r"window 0 \(5.0, 2.0\) must have stop > start"),
    ({"schedule": [(0.0, 5.0), (4.0, 8.0)]}, r"window 1 \(4.0, 8.0\) begins before window 0"),
    ({"schedule": [(-1.0, 5.0)]}, r"window 0 \(-1.0, 5.0\) has a negative time"),
    ({"schedule": [(0.05, 5.0)]}, r"times must be multiples of the resolution \(0.1 ms\)"),
    ({"schedule": [3.0]}, r"each window must be a \(start, stop\) pair of ms"),
    ({"period": -1.0}, r"parameter 'period' = -1.0 is not allowed; it must be 0 \(no period\)"),
    ({"period": 10.0, "duty": 1.5}, r"parameter 'duty' = 1.5 is not allowed; it must be in \(0, 1\]"),
    ({"period": 1.0, "duty": 0.25}, r"duty \* period \(0.25 ms\) must be a multiple of the resolution"),
    ({"period": 10.0, "schedule": [(0.0, 1.0)]}, r"give either a schedule or a period, not both"),
    ({"reduce": "mean"}, r"parameter 'reduce' = 'mean' is not allowed; it must be one of \['', 'rate', "
                         r"'counts', 'total'\]"),
    ({"bin": 0.0}, r"parameter 'bin' = 0.0 is not allowed; it must be a positive multiple"),
])
def test_schedule_and_reduction_errors_leave_the_device_unchanged(params, pattern):
    sim = spikesim.Simulator(resolution=H)
    sr = sim.create("spike_recorder")
    before = {k: v for k, v in sr.get().items() if k != "events"}
    with pytest.raises(BadProperty, match=pattern):
        sr.set(**params)
    assert {k: v for k, v in sr.get().items() if k != "events"} == before


def test_reduction_is_fixed_once_recorded():
    sim = spikesim.Simulator(resolution=H)
    n = sim.create("iaf_psc_delta", 2)
    mm = sim.create("multimeter", params={"record_from": ["V_m"]})
    sim.connect(mm, n)
    with pytest.raises(BadProperty, match=r"parameter 'reduce' = 'rate' is not allowed; it must be one of "
                                          r"\['', 'population'\]"):
        mm.set(reduce="rate")
    sim.simulate(5.0)
    with pytest.raises(BadProperty, match=r"parameter 'average' = True is not allowed; it cannot be changed "
                                          r"after the device recorded"):
        mm.set(average=True)


def test_three_windows_record_what_three_single_window_devices_record():
    sim = spikesim.Simulator(resolution=H, seed=2)
    n = sim.create("iaf_psc_delta", 4, [{"I_e": 400.0 + 200.0 * i} for i in range(4)])
    drive = sim.create("poisson_generator", params={"rate": 2000.0})
    sim.connect(drive, n, syn_spec={"weight": 2.0})
    windows = [(3.0, 11.0), (11.0, 20.0), (35.5, 48.0)]   # touching windows: (a, b] then (b, c]
    kinds = (("spike_recorder", {}), ("multimeter", {"record_from": ["V_m"], "interval": 0.5}))
    for model, params in kinds:
        sched = sim.create(model, params={**params, "schedule": windows, "origin": 1.0}, label=f"s_{model}")
        singles = [sim.create(model, params={**params, "start": a, "stop": b, "origin": 1.0},
                              label=f"{model}_{i}") for i, (a, b) in enumerate(windows)]
        for d in (sched, *singles):
            sim.connect(n, d) if model == "spike_recorder" else sim.connect(d, n)
    sim.simulate(30.0)
    sim.simulate(30.0)
    for model, _ in kinds:
        got = sim.nodes(f"s_{model}").get("events")[0]
        parts = [sim.nodes(f"{model}_{i}").get("events")[0] for i in range(3)]
        assert all(p["times"].size for p in parts)
        for k in got:
            np.testing.assert_array_equal(got[k], np.concatenate([p[k] for p in parts]), err_msg=k)


def test_weight_recorder_follows_its_schedule():
    sim = spikesim.Simulator(resolution=H, seed=3)
    pre = sim.create("parrot_neuron", 2)
    post = sim.create("iaf_psc_delta", 2, {"I_e": 300.0})
    drive = sim.create("poisson_generator", params={"rate": 800.0})
    plain = sim.create("weight_recorder")
    sched = sim.create("weight_recorder", params={"period": 10.0, "duty": 0.5})
    sim.copy_model("stdp_synapse", "rec_a", {"weight_recorder": plain})
    sim.copy_model("stdp_synapse", "rec_b", {"weight_recorder": sched})
    sim.connect(drive, pre)
    sim.connect(pre, post, syn_spec={"synapse_model": "rec_a", "weight": 5.0})
    sim.connect(pre, post, syn_spec={"synapse_model": "rec_b", "weight": 5.0})
    sim.simulate(60.0)
    a, b = plain.get("events")[0], sched.get("events")[0]
    keep = _in_windows(np.rint(a["times"] / H).astype(np.int64), [(10.0 * k, 10.0 * k + 5.0) for k in range(6)])
    assert keep.any() and not keep.all()
    for k in ("senders", "targets", "times", "weights"):   # twin synapses: the same transmissions
        np.testing.assert_array_equal(b[k], a[k][keep], err_msg=k)


def test_reset_starts_new_bins_and_intervals():
    sim = spikesim.Simulator(resolution=H)
    n = sim.create("iaf_psc_delta", 3, [{"I_e": 500.0 + 200.0 * i} for i in range(3)])
    plain = sim.create("spike_recorder")
    rate = sim.create("spike_recorder", params={"reduce": "rate", "bin": 5.0})
    full = sim.create("multimeter", params={"record_from": ["V_m"], "interval": H})
    avg = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 2.0, "average": True})
    sim.connect(n, plain)
    sim.connect(n, rate)
    sim.connect(full, n)
    sim.connect(avg, n)
    sim.simulate(33.0)      # the bin (30, 35] and the interval (32, 34] never end: dropped
    sim.reset()
    sim.simulate(21.0)
    dev = {d.node_id: d for d in sim.recording_devices()}
    spikes = dev[int(plain.ids[0])].events_by_segment()
    rates = dev[int(rate.ids[0])].events_by_segment()
    for seg, t_end in ((0, 33.0), (1, 21.0)):
        st = np.rint(spikes[seg]["times"] / H).astype(np.int64)
        nb = int(t_end // 5.0)
        hist = np.bincount((st + 49) // 50, minlength=nb + 2)[1:nb + 1]
        np.testing.assert_allclose(rates[seg]["times"], 5.0 * np.arange(1, nb + 1), atol=1e-9)
        np.testing.assert_allclose(rates[seg]["rate"], hist / (3 * 5e-3), rtol=1e-12)
    fulls = dev[int(full.ids[0])].events_by_segment()
    avgs = dev[int(avg.ids[0])].events_by_segment()
    for seg, t_end in ((0, 33.0), (1, 21.0)):
        vm = fulls[seg]["V_m"].reshape(-1, 3)
        k = int(t_end // 2.0)
        np.testing.assert_allclose(avgs[seg]["V_m"].reshape(-1, 3), vm[:k * 20].reshape(k, 20, 3).mean(axis=1),
                                   rtol=1e-12)


def test_the_default_bin_does_not_stop_recorders_at_a_resolution_that_does_not_divide_it() -> None:
    sim = spikesim.Simulator(resolution=0.3)
    n = sim.create("iaf_psc_alpha", 3, {"I_e": 500.0})
    sr = sim.create("spike_recorder")  # bin stays 1.0 ms, unused without a binned reduction
    sim.connect(n, sr)
    sim.simulate(60.0)
    assert sr.get("n_events") > 0
    with pytest.raises(BadProperty, match="'bin' = 1.0.*multiple of the resolution"):
        sim.create("spike_recorder", params={"reduce": "rate"})
    with pytest.raises(BadProperty, match="'bin' = 0.5"):
        sr.set(reduce="counts", bin=0.5)
