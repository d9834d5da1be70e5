"""Issue 11: run results are snapshots, records keep their segment, Neo export knows its window."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim import analysis
from spikesim.data.events import SpikeEvents, Traces

neo = pytest.importorskip("neo")
pq = pytest.importorskip("quantities")
from neo.test.tools import assert_neo_object_is_compliant  # noqa: E402


def _device(sim, nc):
    node = int(nc.ids[0])
    pop = sim.node_table.population_of(node)
    return pop.recorder(node - pop.first)


def _net(n_silent=2, mm=False, **sr_params):
    """Four driven neurons and ``n_silent`` silent ones, all recorded."""
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    drive = [380.0, 400.0, 420.0, 500.0] + [0.0] * n_silent
    n = sim.create("iaf_psc_exp", len(drive), {"I_e": drive}, label="exc")
    sr = sim.create("spike_recorder", params=sr_params)
    sim.connect(n, sr)
    out = [sim, n, sr]
    if mm:
        m = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
        sim.connect(m, n)
        out.append(m)
    return out


# -- item 1: results are snapshots -------------------------------------------------------------
def test_result_is_unchanged_by_later_runs():
    sim, n, sr = _net()
    r1 = sim.simulate(100.0)
    c1, s1, e1 = r1.n_events(sr), r1.spikes(sr).copy(), r1.events(sr)
    r2 = sim.simulate(100.0)
    assert r1.n_events(sr) == c1 and r2.n_events(sr) > 0
    np.testing.assert_array_equal(r1.spikes(sr), s1)   # raised IndexError before
    np.testing.assert_array_equal(r1.events(sr)["times"], e1["times"])
    assert r1.events(sr)["times"].max() <= 100.0 < r2.events(sr)["times"].min()
    assert c1 + r2.n_events(sr) == sr.get("n_events")[0]


def test_result_survives_clear_and_reset():
    sim, n, sr = _net()
    r1 = sim.simulate(100.0)
    t1 = r1.events(sr)["times"].copy()
    sr.set(n_events=0)
    np.testing.assert_array_equal(r1.events(sr)["times"], t1)
    r2 = sim.simulate(100.0)
    np.testing.assert_array_equal(r1.events(sr)["times"], t1)   # grew with the next run before
    sr.set(n_events=0)
    sim.reset(model=True)
    r3 = sim.simulate(100.0)
    np.testing.assert_array_equal(r1.events(sr)["times"], t1)
    assert r2.n_events(sr) == r2.spikes(sr).sum() > 0
    np.testing.assert_array_equal(r3.events(sr)["times"], t1)   # same model, replayed from t = 0
    assert (r1.segment, r2.segment, r3.segment) == (0, 0, 1)


def test_result_events_are_views_not_copies():
    sim, n, sr = _net()
    r1 = sim.simulate(100.0)
    t = r1.events(sr)["times"]
    assert t.base is not None and not t.flags.writeable


# -- item 2: events and traces carry their segment ----------------------------------------------
def test_events_by_segment_after_reset():
    sim, n, sr, mm = _net(mm=True)
    sim.simulate(50.0)
    sim.reset(model=True)
    sim.simulate(50.0)
    dev = _device(sim, sr)
    parts = dev.events_by_segment()
    assert len(parts) == 2
    for p in parts:
        assert np.all(np.diff(p["times"]) >= 0)
    seg = dev.segmented_events()
    assert seg["segment"].tolist() == [0] * parts[0]["times"].size + [1] * parts[1]["times"].size
    ev = SpikeEvents.from_events(seg)
    assert ev.segments == [0, 1]
    block = ev.to_neo()
    assert len(block.segments) == 2
    tr = Traces.from_events(_device(sim, mm).segmented_events())
    tblock = tr.to_neo()
    assert len(tblock.segments) == 2
    for s in tblock.segments:
        assert len(s.analogsignals) == 1 and not s.irregularlysampledsignals


# -- item 4: Neo export knows its window --------------------------------------------------------
def test_to_neo_window_silent_neurons_units_and_links():
    sim, n, sr, mm = _net(mm=True)
    res = sim.simulate(50.0)
    block = sim.to_neo(sr)
    assert_neo_object_is_compliant(block)
    (seg,) = block.segments
    assert len(seg.spiketrains) == n.ids.size                  # silent ones too
    for st, i in zip(seg.spiketrains, n.ids, strict=True):
        assert st.annotations["source_id"] == i and st.annotations["model"] == "iaf_psc_exp"
        assert st.annotations["population"] == "exc"
        assert float(st.t_start.rescale("ms")) == 0.0 and float(st.t_stop.rescale("ms")) == 50.0
        assert float(st.sampling_rate.rescale("Hz")) == pytest.approx(10000.0)
        assert st.segment is seg
    assert block.annotations["seed"] == 1 and block.annotations["resolution"] == 0.1
    assert "spikesim_version" in block.annotations
    mblock = sim.to_neo(mm)
    assert_neo_object_is_compliant(mblock)
    (sig,) = mblock.segments[0].analogsignals
    assert sig.segment is mblock.segments[0]
    assert float(sig.sampling_period.rescale("ms")) == pytest.approx(1.0)
    assert sig.units == pq.mV and sig.shape[1] == n.ids.size
    rblock = res.to_neo(sr)
    assert_neo_object_is_compliant(rblock)
    assert len(rblock.segments[0].spiketrains) == n.ids.size


def _check_rates(block, sim, dev_nc, windows):
    """Elephant's mean firing rate of every train equals analysis.rates over the same window."""
    from elephant.statistics import mean_firing_rate
    dev = _device(sim, dev_nc)
    parts = dev.events_by_segment()
    assert len(block.segments) == len(windows)
    for seg, part, (t0, t1) in zip(block.segments, parts, windows, strict=True):
        ids = np.array([st.annotations["source_id"] for st in seg.spiketrains])
        want = analysis.rates(part["senders"], part["times"], ids, t_start=t0, t_stop=t1)
        got = [float(mean_firing_rate(st).rescale("Hz")) for st in seg.spiketrains]
        np.testing.assert_allclose(got, want, rtol=1e-12)
        assert float(seg.spiketrains[0].t_start.rescale("ms")) == pytest.approx(t0)
        assert float(seg.spiketrains[0].t_stop.rescale("ms")) == pytest.approx(t1)


def test_rates_match_elephant_with_silent_neurons_and_one_spike():
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create("iaf_psc_delta", 2, {"I_e": [0.0, 0.0]})
    sg = sim.create("spike_generator", params={"spike_times": [27.0]})
    sr = sim.create("spike_recorder")
    sim.connect(sg, n[0], syn_spec={"weight": 100.0})
    sim.connect(n, sr)
    sim.simulate(50.0)
    block = sim.to_neo(sr)
    st = block.segments[0].spiketrains[0]
    assert st.size == 1
    from elephant.statistics import mean_firing_rate
    assert float(mean_firing_rate(st).rescale("Hz")) == pytest.approx(20.0)   # was 36 Hz
    _check_rates(block, sim, sr, [(0.0, 50.0)])


def test_rates_match_elephant_with_chunks():
    sim, n, sr = _net()
    sim.simulate(80.0)
    sim.reset(model=True)
    sim.simulate(30.0)
    block = sim.to_neo(sr)
    assert_neo_object_is_compliant(block)
    _check_rates(block, sim, sr, [(0.0, 80.0), (0.0, 30.0)])


def test_rates_match_elephant_with_device_window():
    sim, n, sr = _net(start=20.0, stop=70.0)
    sim.simulate(100.0)
    block = sim.to_neo(sr)
    _check_rates(block, sim, sr, [(20.0, 70.0)])
    sim2, n2, sr2 = _net(start=20.0, stop=500.0)
    sim2.simulate(100.0)
    _check_rates(sim2.to_neo(sr2), sim2, sr2, [(20.0, 100.0)])   # clipped to the time simulated


def test_run_result_to_neo_spans_the_run():
    sim, n, sr = _net()
    sim.simulate(40.0)
    res = sim.simulate(60.0)
    block = res.to_neo(sr)
    st = block.segments[0].spiketrains[0]
    assert (float(st.t_start), float(st.t_stop)) == (40.0, 100.0)
    from elephant.statistics import mean_firing_rate
    ev = res.events(sr)
    want = analysis.rates(ev["senders"], ev["times"], n.ids, t_start=40.0, t_stop=100.0)
    got = [float(mean_firing_rate(s).rescale("Hz")) for s in block.segments[0].spiketrains]
    np.testing.assert_allclose(got, want)


def test_monitors_to_neo_has_a_segment_per_chunk_with_its_periods():
    """Monitors' chunks as Neo segments: every neuron's train over the chunk's periods,
    samples as one signal per period, periods annotated, compliant, trains linked."""
    sim = spikesim.Simulator(resolution=0.1)
    sim.create("izhikevich2007", 3, {"I_app": [52.0, 0.0, 60.0]}, label="pop1")
    mon = spikesim.Monitors(sim, {"pop1;10": ["v", "spike"]})
    mon.start()
    sim.simulate(100.0)
    mon.pause()
    sim.simulate(50.0)
    mon.start()
    sim.simulate(30.0)
    mon.reset(model=True)
    mon.start()
    sim.simulate(100.0)
    block = mon.to_neo()
    assert_neo_object_is_compliant(block)
    recordings = mon.get_recordings()
    assert len(block.segments) == len(recordings) == 2
    first, second = block.segments
    assert first.annotations["recording_periods"] == [(0.0, 100.0), (150.0, 180.0)]
    assert second.annotations["recording_periods"] == [(0.0, 100.0)]
    for seg, rec in zip(block.segments, recordings, strict=True):
        assert [st.annotations["source_id"] for st in seg.spiketrains] == [1, 2, 3]
        assert all(st.segment is seg for st in seg.spiketrains)
        counts = [len(rec["pop1;spike"][r]) for r in range(3)]
        assert [len(st) for st in seg.spiketrains] == counts
        samples = np.concatenate([sig.magnitude for sig in seg.analogsignals])
        np.testing.assert_array_equal(samples, rec["pop1;v"])
        assert all(float(sig.sampling_period.rescale("ms")) == 10.0 for sig in seg.analogsignals)
        assert {str(sig.units) for sig in seg.analogsignals} == {"1.0 mV"}
    assert float(first.spiketrains[0].t_stop.rescale("ms")) == 180.0
