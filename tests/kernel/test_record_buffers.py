"""The engine holds samples and spike rows for several slices before the devices get
them; how much it holds, and how often it hands them over, changes nothing recorded."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
import spikesim.kernel.engine as engine_module
from spikesim.recording.devices import RecordingDevice


def _record(tmp_path, record_to: str) -> list[dict[str, np.ndarray]]:
    sim = spikesim.Simulator(resolution=0.1, seed=3)
    sim.data_path = str(tmp_path)
    sim.overwrite_files = True
    a = sim.create("iaf_psc_alpha", 7, {"I_e": 300.0})
    b = sim.create("iaf_psc_exp", 300, {"I_e": 200.0})
    noise = sim.create("poisson_generator", params={"rate": 20000.0})
    sim.connect(noise, a + b, syn_spec={"weight": 40.0, "delay": 1.0})
    sim.connect(b, a + b, {"rule": "fixed_indegree", "indegree": 20}, {"weight": 5.0, "delay": 0.5})
    # one multimeter over both populations (whole rows must reach it from both) ...
    both = sim.create("multimeter", params={"record_from": ["V_m", "I_syn_ex"], "interval": 0.1,
                                            "record_to": record_to})
    sim.connect(both, a[:3] + b[::10])
    # ... one sampling every third step within a window, one in steps
    sparse = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.3, "offset": 0.1,
                                              "start": 2.0, "stop": 41.0, "record_to": record_to})
    sim.connect(sparse, b[5:50])
    steps = sim.create("voltmeter", params={"time_in_steps": True, "record_to": record_to})
    sim.connect(steps, a)
    sr = sim.create("spike_recorder", params={"record_to": record_to})
    sim.connect(a + b, sr)
    for _ in range(3):
        sim.simulate(17.3)
    out = [dict(d.get("events")[0]) for d in (both, sparse, steps, sr)]
    assert all(int(d.get("n_events")[0]) == len(e["senders"])
               for d, e in zip((both, sparse, steps, sr), out, strict=True))
    sim.close()
    return out


@pytest.mark.parametrize("record_to", ["memory", "hdf5"])
def test_buffer_sizes_and_hand_over_times_change_nothing(tmp_path, monkeypatch, record_to):
    (tmp_path / "a").mkdir()
    reference = _record(tmp_path / "a", record_to)
    assert reference[3]["senders"].size > 1000 and reference[0]["V_m"].size > 10000
    # the smallest buffers: one slice of samples, spike rows grown for each slice
    monkeypatch.setattr(engine_module, "SAMPLE_BUFFER_BYTES", 8)
    monkeypatch.setattr(RecordingDevice, "PENDING_ROWS", 4)
    (tmp_path / "b").mkdir()
    tiny = _record(tmp_path / "b", record_to)
    # handed over after every slice
    monkeypatch.setattr(engine_module, "EMIT_EVERY", 0.0)
    (tmp_path / "c").mkdir()
    every = _record(tmp_path / "c", record_to)
    for got in (tiny, every):
        for ref, ev in zip(reference, got, strict=True):
            assert ref.keys() == ev.keys()
            for k in ref:
                np.testing.assert_array_equal(ev[k], ref[k], err_msg=k)
