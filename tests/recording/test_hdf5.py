"""The hdf5 backend: crash safety, reading during a run, layout, settings and errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

import spikesim
import spikesim.io
import spikesim.kernel.engine as engine_module
import spikesim.nest as nest
from spikesim.errors import BadProperty, KernelException
from spikesim.io import RecordingFileError

from .test_conformance import drive

H = 0.1

CHILD = r"""
import sys
import spikesim
from tests.recording.test_conformance import drive
sim = spikesim.Simulator(resolution=0.1, seed=11)
sim.data_path = sys.argv[1]
sim.set_defaults("hdf5", {"flush_interval": 0.05, "chunk_rows": 256})
nrn = drive(sim, 20)
sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
mm = sim.create("multimeter", params={"record_to": "hdf5", "record_from": ["V_m"], "interval": 1.0})
sim.connect(nrn, sr)
sim.connect(mm, nrn[:5])
sim.simulate(100.0)
print("flushed", sr.tolist()[0], sr.get("n_events")[0], mm.tolist()[0], mm.get("n_events")[0], flush=True)
sim.simulate(10_000_000.0)  # killed long before the end
"""


def _reference(t_ms: float) -> tuple[dict, dict]:
    """The child's network recorded to memory for ``t_ms``."""
    sim = spikesim.Simulator(resolution=H, seed=11)
    nrn = drive(sim, 20)
    sr = sim.create("spike_recorder")
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
    sim.connect(nrn, sr)
    sim.connect(mm, nrn[:5])
    sim.simulate(t_ms)
    return sr.get("events")[0], mm.get("events")[0]


@pytest.mark.timeout(60)
def test_sigkill_keeps_everything_up_to_the_last_flush(tmp_path):
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=root,
                             stdout=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline().split()
        assert line[0] == "flushed", line
        sr_id, n_sr, mm_id, n_mm = map(int, line[1:])
        path = tmp_path / "recording.h5"
        # readable while the run continues; interval flushes inside the long call
        deadline = time.monotonic() + 20.0
        while True:
            rec = spikesim.io.read(path)
            if rec[sr_id]["senders"].size > n_sr + 200:
                break
            assert time.monotonic() < deadline, "no interval flush seen during the long simulate call"
            time.sleep(0.05)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    rec = spikesim.io.read(path)
    spikes, trace = rec[sr_id], rec[mm_id]
    assert spikes["senders"].size >= n_sr and trace["senders"].size >= n_mm
    t_end = max(spikes["times"][-1], trace["times"][-1])
    ref_sr, ref_mm = _reference(float(np.ceil(t_end)) + 2.0)
    for got, ref in ((spikes, ref_sr), (trace, ref_mm)):
        n = got["senders"].size
        for k, v in ref.items():  # a prefix of the uninterrupted run, bit for bit
            np.testing.assert_array_equal(got[k], v[:n], err_msg=k)
    assert rec.attrs["format"] == "spikesim-recording"


def _net(tmp_path, **settings):
    sim = spikesim.Simulator(resolution=H, seed=2)
    sim.data_path = str(tmp_path)
    if settings:
        sim.set_defaults("hdf5", settings)
    nrn = drive(sim, 10)
    return sim, nrn


def test_file_is_self_describing(tmp_path):
    sim, nrn = _net(tmp_path)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5", "label": "spikes", "start": 5.0})
    mm = sim.create("multimeter", params={"record_to": "hdf5", "record_from": ["V_m"], "interval": 0.5,
                                          "time_in_steps": True})
    sim.connect(nrn, sr)
    sim.connect(mm, nrn)
    sim.simulate(20.0)
    rec = spikesim.io.read(tmp_path / "recording.h5")
    assert rec.attrs["format_version"] == 2 and rec.attrs["spikesim_version"] == spikesim.__version__
    assert rec.attrs["resolution"] == H and rec.attrs["seed"] == 2
    d = rec.devices[sr.tolist()[0]]
    assert (d["model"], d["label"], d["start"], d["stop"]) == ("spike_recorder", "spikes", 5.0, np.inf)
    assert d["units"] == {"senders": "", "times": "ms"}
    m = rec.devices[mm.tolist()[0]]
    assert m["units"] == {"senders": "", "times": "steps", "offsets": "ms", "V_m": "mV"}
    assert m["record_from"] == ["V_m"] and m["interval"] == 0.5 and m["time_in_steps"] is True
    assert rec["spikes"]["times"].min() > 5.0
    assert sr.get("filenames")[0] == [str(tmp_path / "recording.h5")]
    with h5py.File(tmp_path / "recording.h5", "r", swmr=True, locking=False) as f:
        g = f["devices"][str(mm.tolist()[0])]
        assert g.attrs["layout"] == "grid" and list(g) == ["grid0"]
        grid = g["grid0"]  # one value per neuron and time: no sender or time beside it
        n = len(nrn)
        assert grid["senders"][:].tolist() == nrn.tolist()
        assert grid["V_m"].shape == (grid["times"].shape[0], n) == (40, n)
        # samples stored raw (checksummed), event columns deflated: decodable by any HDF5
        assert grid["V_m"].compression is None and grid["V_m"].chunks == (65536 // n, n) and grid["V_m"].fletcher32
        assert grid["times"].compression == "gzip" and grid["times"].shuffle
        sr_times = f["devices"][str(sr.tolist()[0])]["times"]
        assert (sr_times.compression, sr_times.compression_opts, sr_times.shuffle) == ("gzip", 1, True)
        # dimension scales: rows are the sampling times, columns the senders
        assert grid["V_m"].dims[0]["times"] == grid["times"] and grid["V_m"].dims[1]["senders"] == grid["senders"]
        assert (grid["V_m"].dims[0].label, grid["V_m"].dims[1].label) == ("time", "sender")
        assert grid["offsets"].dims[0]["times"] == grid["times"]
        np.testing.assert_array_equal(grid["V_m"][:].reshape(-1), mm.get("events")[0]["V_m"])
    assert "Recording(" in repr(rec) and len(rec) == 2 and set(rec) == {sr.tolist()[0], mm.tolist()[0]}


def test_flushed_at_the_end_of_every_simulate_call(tmp_path):
    sim, nrn = _net(tmp_path)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    sim.connect(nrn, sr)
    for _ in range(3):
        sim.simulate(30.0)
        got = spikesim.io.read(tmp_path / "recording.h5")[sr.tolist()[0]]
        assert got["senders"].size == sr.get("n_events")[0] > 0


def test_memory_is_bounded_by_one_chunk(tmp_path, monkeypatch):
    # the engine holds at most SAMPLE_BUFFER_BYTES of samples (here 30 sampling times of
    # 10 neurons), the backend at most one chunk per column
    monkeypatch.setattr(engine_module, "SAMPLE_BUFFER_BYTES", 8 * 10 * 30)
    sim, nrn = _net(tmp_path, chunk_rows=64, flush_interval=float("inf"))
    mm = sim.create("multimeter", params={"record_to": "hdf5", "record_from": ["V_m"], "interval": H})
    sim.connect(mm, nrn)
    backend = sim.recording.backend("hdf5")
    seen = []
    write = backend.write_grid

    def spy(device, senders, times, values):
        write(device, senders, times, values)
        seen.append((times.size, sum(t.buffered for t in backend._tracks.values())))

    backend.write_grid = spy
    sim.simulate(50.0)  # 10 neurons x 500 samples = 5000 rows
    assert len(seen) > 10
    assert max(n for n, _ in seen) <= 30 and max(b for _, b in seen) < 64
    assert mm.get("n_events")[0] == 5000


def test_devices_added_and_changed_between_calls(tmp_path):
    sim, nrn = _net(tmp_path)
    a = sim.create("spike_recorder", params={"record_to": "hdf5"})
    sim.connect(nrn, a)
    sim.simulate(20.0)
    b = sim.create("spike_recorder", params={"record_to": "hdf5", "label": "late"})
    sim.connect(nrn, b)
    a.set(stop=30.0)
    sim.simulate(20.0)
    rec = spikesim.io.read(tmp_path / "recording.h5")
    assert rec.devices[a.tolist()[0]]["stop"] == 30.0
    assert rec["late"]["times"].min() > 20.0
    assert rec[a.tolist()[0]]["times"].max() <= 30.0
    for dev in (a, b):
        np.testing.assert_array_equal(rec[dev.tolist()[0]]["senders"], dev.get("events")[0]["senders"])


def test_device_moving_away_and_back(tmp_path):
    sim, nrn = _net(tmp_path)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    sim.connect(nrn, sr)
    sim.simulate(20.0)
    n1 = sr.get("n_events")[0]
    sr.set(record_to="memory")
    sim.simulate(20.0)
    sr.set(record_to="hdf5")
    sim.simulate(20.0)
    ev = sr.get("events")[0]  # like memory: events since it (re)joined the backend
    assert ev["times"].min() > 40.0
    rec = spikesim.io.read(tmp_path / "recording.h5")[sr.tolist()[0]]
    assert rec["senders"].size == n1 + ev["senders"].size
    assert not ((rec["times"] > 20.0) & (rec["times"] <= 40.0)).any()


def test_new_file_name_starts_a_new_file(tmp_path):
    sim, nrn = _net(tmp_path)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    sim.connect(nrn, sr)
    sim.simulate(20.0)
    sim.set_defaults("hdf5", {"file_name": "second.h5"})
    sim.simulate(20.0)
    first = spikesim.io.read(tmp_path / "recording.h5")[sr.tolist()[0]]
    second = spikesim.io.read(tmp_path / "second.h5")[sr.tolist()[0]]
    assert first["times"].max() <= 20.0 < second["times"].min()
    assert sr.get("filenames")[0] == [str(tmp_path / "second.h5")]


@pytest.mark.parametrize("compression,chunk_rows", [("lzf", 64), ("gzip", 64), ("none", 64), ("gzip", 5000)])
def test_other_compressions(tmp_path, compression, chunk_rows):
    # chunk_rows 5000: the writer's chunk buffers grow (from 256 rows) as rows arrive
    sim, nrn = _net(tmp_path, compression=compression, chunk_rows=chunk_rows, compress_samples=True)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    mm = sim.create("multimeter", params={"record_to": "hdf5", "record_from": ["V_m"], "interval": H})
    ref = sim.create("multimeter", params={"record_from": ["V_m"], "interval": H})
    sim.connect(nrn, sr)
    sim.connect(mm, nrn)
    sim.connect(ref, nrn)
    sim.simulate(20.0)
    sim.simulate(13.3)  # grids continue a partly filled chunk (6 time rows of 10 neurons per chunk)
    sim.simulate(90.0)
    rec = spikesim.io.read(tmp_path / "recording.h5")
    assert sr.get("n_events")[0] > 256
    for k in ("senders", "times"):
        np.testing.assert_array_equal(rec[sr.tolist()[0]][k], sr.get("events")[0][k])
        np.testing.assert_array_equal(rec[mm.tolist()[0]][k], ref.get("events")[0][k])
    np.testing.assert_array_equal(rec[mm.tolist()[0]]["V_m"], ref.get("events")[0]["V_m"])
    with h5py.File(tmp_path / "recording.h5", "r", swmr=True, locking=False) as f:
        ds = f["devices"][str(mm.tolist()[0])]["grid0"]["V_m"]
        assert ds.compression == (None if compression == "none" else compression)
        assert ds.chunks == (chunk_rows // 10, 10)


def test_reset_kernel_closes_the_file(tmp_path):
    nest.ResetKernel()
    nest.data_path = str(tmp_path)
    n = nest.Create("iaf_psc_delta", 3, {"I_e": 400.0})
    sr = nest.Create("spike_recorder", params={"record_to": "hdf5"})
    nest.Connect(n, sr)
    nest.Simulate(50.0)
    assert nest.GetDefaults("hdf5")["file_name"] == "recording.h5"
    n_events = sr.get("n_events")
    nest.ResetKernel()
    with h5py.File(tmp_path / "recording.h5", "r") as f:  # closed cleanly: no SWMR needed
        assert f["devices/4/n_rows"][0] == n_events == 3


# -- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("key, value, msg", [
    ("file_name", "", "non-empty file name"),
    ("flush_interval", 0, "positive number of seconds"),
    ("compression", "zstd", "choose one of"),
    ("compression_level", 12, r"integer in \[0, 9\]"),
    ("chunk_rows", 0, "positive integer"),
    ("buffer", 1, "its settings are"),
])
def test_bad_settings_are_refused(key, value, msg):
    sim = spikesim.Simulator()
    other = ("chunk_rows", 100) if key != "chunk_rows" else ("compression_level", 5)
    before = sim.get_defaults("hdf5")
    with pytest.raises(BadProperty, match=msg):
        sim.set_defaults("hdf5", {other[0]: other[1], key: value})
    assert sim.get_defaults("hdf5") == before  # nothing applied


def test_existing_file_is_not_clobbered(tmp_path):
    (tmp_path / "recording.h5").write_bytes(b"precious")
    sim, nrn = _net(tmp_path)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    sim.connect(nrn, sr)
    with pytest.raises(BadProperty, match="already exists and overwriting files is disabled"):
        sim.simulate(10.0)
    assert (tmp_path / "recording.h5").read_bytes() == b"precious"
    sim.overwrite_files = True
    sim.simulate(10.0)
    assert spikesim.io.read(tmp_path / "recording.h5")[sr.tolist()[0]]["senders"].size > 0


def test_two_simulators_cannot_share_a_file(tmp_path):
    sims = []
    for _ in range(2):
        sim, nrn = _net(tmp_path)
        sim.overwrite_files = True
        sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
        sim.connect(nrn, sr)
        sims.append(sim)
    sims[0].simulate(10.0)
    with pytest.raises(KernelException, match="cannot create .* another simulator in this process"):
        sims[1].simulate(10.0)
    sims[1].set_defaults("hdf5", {"file_name": "own.h5"})
    sims[1].simulate(10.0)


def test_missing_directory(tmp_path):
    sim, _ = _net(tmp_path / "nope")
    sim.create("spike_recorder", params={"record_to": "hdf5"})
    with pytest.raises(BadProperty, match="'data_path' .* the directory must exist"):
        sim.simulate(10.0)


def test_columns_may_change_before_any_row(tmp_path):
    sim, nrn = _net(tmp_path)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    sim.connect(nrn, sr)
    sim.simulate(0.0)  # lays the device out, writes nothing
    sr.set(time_in_steps=True)
    sim.simulate(60.0)
    got = spikesim.io.read(tmp_path / "recording.h5")[sr.tolist()[0]]
    assert got["times"].dtype == np.int64 and "offsets" in got and got["times"].size > 0


def test_reopen_failure_is_explained(tmp_path):
    sim, nrn = _net(tmp_path)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    sim.connect(nrn, sr)
    sim.simulate(10.0)
    sim.recording.backend("hdf5").close()
    os.remove(tmp_path / "recording.h5")
    with pytest.raises(KernelException, match="cannot reopen .* moved, deleted or made read-only"):
        sim.simulate(10.0)


def test_h5py_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    sim = spikesim.Simulator()
    with pytest.raises(KernelException, match="needs the package h5py"):
        sim.create("spike_recorder", params={"record_to": "hdf5"})


def test_reader_errors(tmp_path):
    sim, nrn = _net(tmp_path)
    a = sim.create("spike_recorder", params={"record_to": "hdf5", "label": "x"})
    b = sim.create("spike_recorder", params={"record_to": "hdf5", "label": "x"})
    sim.connect(nrn, a)
    sim.connect(nrn, b)
    sim.simulate(10.0)
    rec = spikesim.io.read(tmp_path / "recording.h5")
    ids = [a.tolist()[0], b.tolist()[0]]
    with pytest.raises(KeyError, match=rf"devices \[{ids[0]}, {ids[1]}\] have the label 'x'"):
        rec["x"]
    with pytest.raises(KeyError, match="no device has the label 'y'; the labels are \\['x'\\]"):
        rec["y"]
    with pytest.raises(KeyError, match=rf"no device 99 in this recording; its node ids are \[{ids[0]}, {ids[1]}\]"):
        rec[99]
    (tmp_path / "text.dat").write_text("1 2\n")
    with pytest.raises(RecordingFileError, match="not a recording spikesim can read"):
        spikesim.io.read(tmp_path / "text.dat")
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f.attrs["format"] = "something"
    with pytest.raises(RecordingFileError, match="is not a spikesim recording"):
        spikesim.io.read(tmp_path / "other.h5")
    with pytest.raises(FileNotFoundError):
        spikesim.io.read(tmp_path / "missing.h5")


def test_reader_refuses_newer_and_damaged_files(tmp_path):
    sim, nrn = _net(tmp_path)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    sim.connect(nrn, sr)
    sim.simulate(20.0)
    sim.recording.backend("hdf5").close()
    path = tmp_path / "recording.h5"
    with h5py.File(path, "r+") as f:
        f[f"devices/{sr.tolist()[0]}/n_rows"][0] = 10_000
    with pytest.raises(RecordingFileError, match="n_rows says 10000; the file is damaged"):
        spikesim.io.read(path)
    with h5py.File(path, "r+") as f:
        f.attrs["format_version"] = 99
    with pytest.raises(RecordingFileError, match="format_version 99; this spikesim reads versions up to 2"):
        spikesim.io.read(path)


def test_reader_gives_up_on_an_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "busy.h5"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 64)  # HDF5 signature, no valid superblock
    with pytest.raises(RecordingFileError, match="cannot read the recording .* after 2 attempts"):
        spikesim.io.hdf5.read(path, retries=2)


def test_multimeter_grids_follow_changes_of_the_sampled_neurons(tmp_path):
    """A multimeter that gains neurons between simulate calls starts a new grid; the
    file and the device give the rows a memory-backend multimeter gives, across
    grids, n_events = 0 and a second simulator reading the file."""
    runs = {}
    for backend in ("memory", "hdf5"):
        (tmp_path / backend).mkdir()
        sim, nrn = _net(tmp_path / backend)
        mm = sim.create("multimeter", params={"record_to": backend, "record_from": ["V_m"],
                                              "interval": 0.3, "time_in_steps": True})
        sim.connect(mm, nrn[2:5])
        sim.simulate(10.0)
        sim.connect(mm, nrn[0:1] + nrn[7:9])
        sim.simulate(10.0)
        first = mm.get("events")[0]
        mm.set(n_events=0)
        sim.simulate(5.0)
        runs[backend] = (first, mm.get("events")[0], mm.get("n_events")[0])
    for a, b in zip(runs["memory"][:2], runs["hdf5"][:2], strict=True):
        assert a.keys() == b.keys()
        for k in a:
            np.testing.assert_array_equal(a[k], b[k])
    assert runs["memory"][2] == runs["hdf5"][2] == 17 * 6
    assert set(runs["hdf5"][0]["senders"].tolist()) == {1, 3, 4, 5, 8, 9}
    with h5py.File(tmp_path / "hdf5" / "recording.h5", "r", swmr=True, locking=False) as f:
        g = f["devices"][str(mm.tolist()[0])]
        assert sorted(g) == ["grid0", "grid1"]
        assert g["grid0/V_m"].shape == (33, 3) and g["grid1/V_m"].shape == (50, 6)
    on_file = spikesim.io.read(tmp_path / "hdf5" / "recording.h5")[mm.tolist()[0]]
    assert on_file["senders"].size == 33 * 3 + 50 * 6
    np.testing.assert_array_equal(on_file["V_m"][-runs["hdf5"][1]["V_m"].size:], runs["hdf5"][1]["V_m"])


def test_events_stay_readable_after_close(tmp_path):
    sim, nrn = _net(tmp_path)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    mm = sim.create("multimeter", params={"record_to": "hdf5", "record_from": ["V_m"], "interval": 1.0})
    sim.connect(nrn, sr)
    sim.connect(mm, nrn[:3])
    sim.simulate(50.0)
    before = sr.get("events")[0], mm.get("events")[0]
    assert before[0]["senders"].size == sr.get("n_events")[0] > 0 and before[1]["V_m"].size == 150
    sim.close()
    for dev, old in zip((sr, mm), before, strict=True):
        got = dev.get("events")[0]
        assert got.keys() == old.keys() and dev.get("n_events")[0] == got["senders"].size
        for k in old:
            np.testing.assert_array_equal(got[k], old[k])
