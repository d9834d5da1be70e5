"""``spikesim info / plot / convert / demo``: contents, round trips, figures and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spikesim.io
from spikesim.cli import main

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


def _n(device) -> int:
    """The device's event count, as the simulator reports it."""
    return int(np.asarray(device.get("n_events")).item())


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _console(*argv: str) -> subprocess.CompletedProcess[str]:
    """The command as the console script runs it, in a fresh process (this tree's package)."""
    return subprocess.run([sys.executable, "-m", "spikesim", *argv], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


# -- info ---------------------------------------------------------------------------------------------
def test_info_of_a_recording_names_devices_and_counts(recording, capsys):
    path, devices = recording
    code, out, err = _run(capsys, "info", str(path), "--json")
    assert code == 0 and err == ""
    info = json.loads(out)
    assert info["kind"] == "recording" and info["size_bytes"] == path.stat().st_size
    assert info["provenance"]["seed"] == 3 and info["provenance"]["resolution"] == 0.1
    assert info["provenance"]["spikesim_version"] == spikesim.__version__
    by_label = {d["label"]: d for d in info["devices"]}
    assert set(by_label) == {"spikes", "vm", "weights"}
    label_models = {"spikes": "spike_recorder", "vm": "multimeter", "weights": "weight_recorder"}
    for label, dev in devices.items():
        got = by_label[label]
        assert got["node_id"] == int(dev.ids[0]) and got["model"] == label_models[label]
        assert got["n_events"] == _n(dev) > 0
    assert by_label["vm"]["variables"] == ["V_m"] and by_label["vm"]["units"]["V_m"] == "mV"
    assert by_label["vm"]["interval"] == 0.5 and by_label["spikes"]["window_ms"] == [0.0, "inf"]
    # the multimeter samples every 0.5 ms up to the end of the 60 ms run, 8 neurons
    assert by_label["vm"]["last_event_ms"] == 60.0 and by_label["vm"]["n_senders"] == 8


def test_info_text_of_a_recording(recording, capsys):
    path, devices = recording
    code, out, _ = _run(capsys, "info", str(path))
    assert code == 0
    assert f"{_n(devices['spikes'])} spikes from 8 senders" in out
    assert f"{_n(devices['vm'])} samples from 8 senders, every 0.5 ms" in out
    assert "V_m (mV)" in out and "seed 3" in out and "resolution 0.1 ms" in out


def test_info_of_a_checkpoint(checkpoint, capsys):
    path, devices = checkpoint
    code, out, _ = _run(capsys, "info", str(path), "--json")
    assert code == 0
    info = json.loads(out)
    assert info["kind"] == "checkpoint" and info["network"]["time"] == pytest.approx(40.0)
    assert {"model": "iaf_psc_delta", "n": 8, "label": "nrn", "kind": "neuron"} in info["network"]["populations"]
    by_label = {d["label"]: d for d in info["devices"]}
    for label, dev in devices.items():
        assert by_label[label]["n_events"] == _n(dev) > 0
        assert by_label[label]["events_in_file"] and by_label[label]["record_to"] == "memory"
    code, text, _ = _run(capsys, "info", str(path))
    assert code == 0 and "spikesim checkpoint" in text and "simulated time 40 ms" in text
    assert f"spike_recorder 'spikes': {_n(devices['spikes'])} spikes" in text


# -- convert ------------------------------------------------------------------------------------------
def _check_round_trip(table: pd.DataFrame, path: Path) -> None:
    """Every device's events in the table equal those the library reader gives."""
    rec = spikesim.io.read(path)
    assert sorted(table["device"].unique()) == sorted(rec)
    for node_id, events in rec.items():
        rows = table[table["device"] == node_id]
        assert len(rows) == events["senders"].size
        for column, values in events.items():
            np.testing.assert_array_equal(rows[column].to_numpy(dtype=values.dtype), values, err_msg=column)


def test_convert_to_csv_round_trips(recording, tmp_path, capsys):
    path, _ = recording
    out = tmp_path / "events.csv"
    code, printed, _ = _run(capsys, "convert", str(path), "--to", "csv", "--out", str(out))
    assert code == 0 and printed.strip() == str(out)
    _check_round_trip(pd.read_csv(out), path)
    code, _, err = _run(capsys, "convert", str(path), "--to", "csv", "--out", str(out))
    assert code == 2 and "--overwrite" in err and len(err.strip().splitlines()) == 1


def test_convert_to_parquet_round_trips_with_units(recording, tmp_path, capsys):
    pq = pytest.importorskip("pyarrow.parquet")
    path, devices = recording
    out = tmp_path / "events.parquet"
    assert _run(capsys, "convert", str(path), "--to", "parquet", "--out", str(out))[0] == 0
    _check_round_trip(pd.read_parquet(out), path)
    units = json.loads(pq.read_schema(out).metadata[b"spikesim_units"])
    assert units[str(devices["vm"].ids[0])]["V_m"] == "mV"
    assert units[str(devices["spikes"].ids[0])]["times"] == "ms"


def test_convert_a_checkpoint_to_csv(checkpoint, tmp_path, capsys):
    path, devices = checkpoint
    out = tmp_path / "ck.csv"
    assert _run(capsys, "convert", str(path), "--to", "csv", "-o", str(out))[0] == 0
    table = pd.read_csv(out)
    for dev in devices.values():
        rows = table[table["device"] == int(dev.ids[0])]
        ev = dev.get("events")[0] if isinstance(dev.get("events"), list) else dev.get("events")
        np.testing.assert_array_equal(rows["times"].to_numpy(), ev["times"])
        np.testing.assert_array_equal(rows["senders"].to_numpy(), ev["senders"])


def test_parquet_without_pyarrow_names_the_extra(recording, tmp_path, capsys, monkeypatch):
    path, _ = recording
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    code, _, err = _run(capsys, "convert", str(path), "--to", "parquet", "--out", str(tmp_path / "x.parquet"))
    assert code == 2 and "spikesim[parquet]" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


# -- plot ---------------------------------------------------------------------------------------------
def test_plot_writes_a_png(recording, tmp_path, capsys):
    path, _ = recording
    out = tmp_path / "all.png"
    code, printed, _ = _run(capsys, "plot", str(path), "--out", str(out))
    assert code == 0 and printed.strip() == str(out)
    assert out.read_bytes()[:8] == PNG and out.stat().st_size > 10_000


def test_plot_one_device_of_a_checkpoint(checkpoint, tmp_path, capsys):
    path, _ = checkpoint
    for label in ("spikes", "vm", "weights"):
        out = tmp_path / f"{label}.png"
        assert _run(capsys, "plot", str(path), "--device", label, "--out", str(out))[0] == 0
        assert out.read_bytes()[:8] == PNG
    code, _, err = _run(capsys, "plot", str(path), "--device", "nope", "--out", str(tmp_path / "n.png"))
    assert code == 2 and "spikes, vm, weights" in err


# -- errors -------------------------------------------------------------------------------------------
def test_missing_and_damaged_files_give_one_line_and_status_2(recording, tmp_path, capsys):
    path, _ = recording
    damaged = tmp_path / "cut.h5"
    damaged.write_bytes(path.read_bytes()[:4000])
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5\n")
    for command in (["info"], ["plot", "--out", str(tmp_path / "f.png")], ["convert", "--to", "csv"]):
        for bad, what in ((tmp_path / "missing.h5", "no such file"), (damaged, "damaged"), (text, "not an HDF5")):
            code, out, err = _run(capsys, command[0], str(bad), *command[1:])
            assert code == 2 and out == "", (command, bad)
            assert len(err.strip().splitlines()) == 1 and what in err and "Traceback" not in err


def test_bad_options_give_one_line_and_status_2(recording, capsys):
    path, _ = recording
    for argv in ([], ["info"], ["convert", str(path), "--to", "xls"], ["info", str(path), "--bogus"],
                 ["demo", "--order", "0"]):
        code, _, err = _run(capsys, *argv)
        assert code == 2 and len(err.strip().splitlines()) == 1, argv


def test_help_of_every_command(capsys):
    for command in ("info", "plot", "convert", "demo"):
        code, out, _ = _run(capsys, command, "--help")
        assert code == 0 and f"usage: spikesim {command}" in out


def test_console_script_in_a_subprocess(recording, tmp_path):
    path, devices = recording
    done = _console("info", str(path), "--json")
    assert done.returncode == 0, done.stderr
    assert {d["n_events"] for d in json.loads(done.stdout)["devices"]} == {_n(d) for d in devices.values()}
    failed = _console("info", str(tmp_path / "missing.h5"))
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr.strip().splitlines() == [f"spikesim info: error: no such file: '{tmp_path / 'missing.h5'}'"]


# -- demo ---------------------------------------------------------------------------------------------
def test_demo_gives_the_example_network(tmp_path, capsys):
    """The built-in network is examples/brunel.py's: the same spikes at the same order and seed."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import brunel
    finally:
        sys.path.pop(0)
    sim, parts = brunel.build(order=20, seed=4)
    sim.simulate(50.0)
    expected = parts["sr"].get("events")[0]["senders"].size
    code, out, _ = _run(capsys, "demo", "--order", "20", "--simtime", "50", "--seed", "4", "--out", str(tmp_path))
    assert code == 0 and expected > 0
    assert f"Spikes recorded   : {expected}\n" in out
    assert (tmp_path / "brunel_raster.png").read_bytes()[:8] == PNG
