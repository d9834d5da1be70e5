"""Recording and checkpoint files are plain HDF5 that other tools and readers open.

h5dump and h5ls of the oldest HDF5 the files promise (1.10) are the reference; the
files are written by whatever HDF5 h5py bundles (2.0 at the time of writing).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

import spikesim
from tests.io import checkpoint_net
from tests.recording.test_conformance import drive
from tests.recording.test_hdf5 import CHILD

ROOT = Path(__file__).resolve().parents[2]
PLAIN_READ = "import h5py, sys\nwith h5py.File(sys.argv[1], 'r'{}) as f:\n    print(f[sys.argv[2]].shape[0])"


def _recording(tmp_path: Path):
    sim = spikesim.Simulator(resolution=0.1, seed=3)
    sim.data_path = str(tmp_path)
    nrn = drive(sim, 10)
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    mm = sim.create("multimeter", params={"record_to": "hdf5", "record_from": ["V_m"], "interval": 0.5})
    wr = sim.create("weight_recorder", params={"record_to": "hdf5"})
    sim.copy_model("stdp_synapse", "stdp_rec", {"weight_recorder": wr})
    sim.connect(nrn, sr)
    sim.connect(mm, nrn)
    sim.connect(nrn, nrn, {"rule": "fixed_indegree", "indegree": 3}, {"synapse_model": "stdp_rec", "weight": 5.0})
    return sim, sr, mm, wr


def _datasets(path: Path) -> list[str]:
    names: list[str] = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda k, v: names.append("/" + k) if isinstance(v, h5py.Dataset) else None)
    return names


def _check_with_tools(path: Path) -> None:
    names = _datasets(path)
    assert names
    for name in names:
        out = subprocess.run(["h5dump", "-d", name, str(path)], capture_output=True, text=True)
        assert out.returncode == 0 and "error" not in (out.stdout + out.stderr).lower(), (name, out.stderr)
    out = subprocess.run(["h5ls", "-r", str(path)], capture_output=True, text=True)
    assert out.returncode == 0 and "*ERROR*" not in out.stdout, out.stdout
    assert all(name in out.stdout for name in names)


@pytest.fixture
def tools():
    if shutil.which("h5dump") is None or shutil.which("h5ls") is None:
        pytest.skip("h5dump/h5ls (HDF5 command-line tools) are not installed: "
                    "cannot check that other HDF5 tools read spikesim's files")


def test_h5dump_reads_every_dataset_of_a_recording(tmp_path, tools):
    sim, sr, mm, wr = _recording(tmp_path)
    sim.simulate(100.0)
    assert sr.get("n_events")[0] > 0 and mm.get("n_events")[0] > 0 and wr.get("n_events")[0] > 0
    path = tmp_path / "recording.h5"
    _check_with_tools(path)  # between runs, the simulator still alive
    names = _datasets(path)
    assert any(n.endswith("grid0/V_m") for n in names) and len(names) > 10
    sim.close()
    _check_with_tools(path)


def test_h5dump_reads_every_dataset_of_a_checkpoint(tmp_path, tools):
    sim = checkpoint_net.build()  # every model, generator and recorder, STDP with a weight recorder
    sim.simulate(30.0)
    path = sim.checkpoint(tmp_path / "state.h5")
    _check_with_tools(Path(path))


def test_plain_readers_open_the_recording_between_runs(tmp_path):
    sim, sr, mm, _ = _recording(tmp_path)
    path = tmp_path / "recording.h5"
    ds = f"devices/{sr.tolist()[0]}/times"
    for _ in range(2):
        sim.simulate(40.0)
        n = sr.get("n_events")[0]
        with h5py.File(path, "r") as f:  # this process: default locking, no SWMR
            assert f[ds].shape[0] == n
            np.testing.assert_array_equal(f[ds][:], sr.get("events")[0]["times"])
        for swmr in ("", ", swmr=True"):  # another process
            out = subprocess.run([sys.executable, "-c", PLAIN_READ.format(swmr), str(path), ds],
                                 capture_output=True, text=True, cwd=ROOT)
            assert out.returncode == 0 and int(out.stdout) == n, out.stderr


@pytest.mark.timeout(60)
def test_swmr_reader_with_default_locking_opens_the_recording_during_a_run(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline().split()
        assert line[0] == "flushed", line
        sr_id, n_sr = int(line[1]), int(line[2])
        deadline = time.monotonic() + 20.0
        while True:  # the child simulates on, flushing every 50 ms
            try:
                with h5py.File(tmp_path / "recording.h5", "r", swmr=True) as f:
                    n = int(f[f"devices/{sr_id}/n_rows"][0])
                    assert f[f"devices/{sr_id}/times"].shape[0] >= n
            except OSError:  # the moment the writer reopens the file, before SWMR is on again
                n = 0
            if n > n_sr:
                break
            assert time.monotonic() < deadline, "no flush seen during the child's run"
            time.sleep(0.05)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
