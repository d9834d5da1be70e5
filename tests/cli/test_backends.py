"""The commands on files of every backend, run as the console script in a subprocess.

Memory (the events in a checkpoint), ascii (one file per device) and hdf5.  The
expected events are those of the devices that wrote the files, or of their
memory-backend twins recording the same neurons (conftest.ascii_files); the ascii
backend writes times with 3 decimals (its default ``precision``), hence the
0.5e-3 ms tolerance there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"
#: the ascii backend's rounding of times and values (precision 3)
ASCII_TOL = 0.5e-3


def _console(*argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m spikesim ARGV`` in a fresh process (this tree's package), as the console script runs."""
    return subprocess.run([sys.executable, "-m", "spikesim", *argv], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


def _ok(*argv: str) -> str:
    done = _console(*argv)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _events(device: Any) -> dict[str, np.ndarray]:
    ev = device.get("events")
    return ev[0] if isinstance(ev, list) else ev


def _extra(label: str) -> list[str]:
    return ["--resolution", "0.1"] if label == "steps" else []


@pytest.mark.parametrize("label", ["spikes", "steps", "vm", "weights"])
def test_info_and_csv_of_an_ascii_file(ascii_files, tmp_path, label):
    path, twin = ascii_files[label]
    expected = _events(twin)
    n = int(np.asarray(twin.get("n_events")).item())
    assert n > 0
    info = json.loads(_ok("info", str(path), "--json", *_extra(label)))
    assert info["kind"] == "ascii" and [d["n_events"] for d in info["devices"]] == [n]
    dev = info["devices"][0]
    assert dev["label"] == label and dev["model"] == twin.get("model")
    out = tmp_path / "e.csv"
    _ok("convert", str(path), "--to", "csv", "-o", str(out), *_extra(label))
    table = pd.read_csv(out)
    np.testing.assert_array_equal(table["senders"], expected["senders"])
    np.testing.assert_allclose(table["times"], expected["times"] * (0.1 if label == "steps" else 1.0)
                               - expected.get("offsets", 0.0), atol=ASCII_TOL)
    for column in ("V_m", "weights", "targets"):
        if column in expected:
            np.testing.assert_allclose(table[column], expected[column], atol=ASCII_TOL, err_msg=column)
    if label == "vm":
        assert dev["units"]["V_m"] == "mV"


def test_ascii_times_in_steps_need_the_resolution(ascii_files):
    path, _ = ascii_files["steps"]
    done = _console("info", str(path))
    assert done.returncode == 2 and "--resolution" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_parquet_and_plot_of_an_ascii_file(ascii_files, tmp_path):
    pytest.importorskip("pyarrow")
    path, twin = ascii_files["vm"]
    out = tmp_path / "vm.parquet"
    _ok("convert", str(path), "--to", "parquet", "-o", str(out))
    np.testing.assert_allclose(pd.read_parquet(out)["V_m"], _events(twin)["V_m"], atol=ASCII_TOL)
    for label in ("spikes", "vm", "weights"):
        fig = tmp_path / f"{label}.png"
        assert _ok("plot", str(ascii_files[label][0]), "--out", str(fig)).strip() == str(fig)
        assert fig.read_bytes()[:8] == PNG


def _nwb_spikes(path: Path) -> dict[int, np.ndarray]:
    """node id -> spike times (ms) of the NWB file's units table."""
    pynwb = pytest.importorskip("pynwb")
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        units = io.read().units.to_dataframe()
        return {int(r.node_id): np.asarray(r.spike_times) * 1000.0 for r in units.itertuples()}


def _check_spikes(got: dict[int, np.ndarray], ev: dict[str, np.ndarray], atol: float) -> None:
    assert sorted(got) == sorted(np.unique(ev["senders"]).tolist())
    for nid, times in got.items():
        np.testing.assert_allclose(times, np.sort(ev["times"][ev["senders"] == nid]), atol=atol)


def test_nwb_of_an_ascii_file(ascii_files, tmp_path):
    pytest.importorskip("pynwb")
    path, twin = ascii_files["spikes"]
    out = tmp_path / "s.nwb"
    assert _ok("convert", str(path), "--to", "nwb", "-o", str(out)).strip() == str(out)
    _check_spikes(_nwb_spikes(out), _events(twin), ASCII_TOL)
    vm_path, vm_twin = ascii_files["vm"]
    _ok("convert", str(vm_path), "--to", "nwb", "-o", str(tmp_path / "vm.nwb"))
    import pynwb
    with pynwb.NWBHDF5IO(str(tmp_path / "vm.nwb"), "r") as io:
        series = next(iter(io.read().acquisition.values()))
        assert series.unit == "volts" and series.data.shape[0] * 6 == int(np.asarray(vm_twin.get("n_events")).item())


def test_nwb_of_a_checkpoint_of_memory_recorders(checkpoint, tmp_path):
    pytest.importorskip("pynwb")
    path, devices = checkpoint
    out = tmp_path / "ck.nwb"
    _ok("convert", str(path), "--to", "nwb", "-o", str(out))
    _check_spikes(_nwb_spikes(out), _events(devices["spikes"]), 0.0)


def test_checkpoint_of_file_recorders_has_nothing_to_convert(tmp_path):
    import spikesim
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    sim.data_path = str(tmp_path)
    nrn = sim.create("iaf_psc_delta", 2, {"I_e": 400.0})
    sr = sim.create("spike_recorder", params={"record_to": "ascii"})
    sim.connect(nrn, sr)
    sim.simulate(30.0)
    ck = sim.checkpoint(tmp_path / "ck.h5")
    done = _console("convert", str(ck), "--to", "nwb", "-o", str(tmp_path / "x.nwb"))
    assert done.returncode == 2 and "holds no recorded events" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("kind", ["hdf5", "checkpoint"])
def test_every_command_on_hdf5_and_checkpoint_files(recording, checkpoint, tmp_path, kind):
    path, devices = recording if kind == "hdf5" else checkpoint
    info = json.loads(_ok("info", str(path), "--json"))
    assert sorted(d["n_events"] for d in info["devices"]) == sorted(
        int(np.asarray(d.get("n_events")).item()) for d in devices.values())
    fig = tmp_path / "f.png"
    _ok("plot", str(path), "--out", str(fig))
    assert fig.read_bytes()[:8] == PNG
    out = tmp_path / "e.csv"
    _ok("convert", str(path), "--to", "csv", "-o", str(out))
    table = pd.read_csv(out)
    spikes = _events(devices["spikes"])
    rows = table[table["device"] == int(devices["spikes"].ids[0])]
    np.testing.assert_array_equal(rows["senders"], spikes["senders"])
