"""NWB export: a small Brunel-like run recorded to hdf5, converted, inspected and read back."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

import spikesim
import spikesim.io

pynwb = pytest.importorskip("pynwb", reason="pynwb is not installed: pip install 'spikesim[nwb]'")
nwbinspector = pytest.importorskip("nwbinspector", reason="nwbinspector is not installed: pip install 'spikesim[nwb]'")

from spikesim.io import nwb  # noqa: E402
from spikesim.io.nwb_records import DeviceRecord, Population, SessionInfo  # noqa: E402

ATOL_MS = 1e-9  # ms -> s -> ms may move a time by an ulp


def _network(record_to: str, data_path: str | None = None) -> tuple[spikesim.Simulator, dict]:
    sim = spikesim.Simulator(resolution=0.1, seed=5)
    if data_path is not None:
        sim.data_path = data_path
    sim.copy_model("stdp_synapse", "plastic", {"Wmax": 100.0})
    wr = sim.create("weight_recorder", params={"record_to": record_to})
    sim.set_defaults("plastic", {"weight_recorder": wr})
    exc = sim.create("iaf_psc_delta", 80, label="exc")
    inh = sim.create("iaf_psc_delta", 20, label="inh")
    silent = sim.create("iaf_psc_delta", 1, label="silent")
    pg = sim.create("poisson_generator", params={"rate": 20000.0})
    sr = sim.create("spike_recorder", params={"record_to": record_to, "start": 5.0, "stop": 80.0})
    mm = sim.create("multimeter", params={"record_to": record_to, "record_from": ["V_m"], "interval": 0.5})
    sim.connect(pg, exc + inh, syn_spec={"weight": 0.1, "delay": 1.5})
    sim.connect(exc, exc + inh, {"rule": "fixed_indegree", "indegree": 8},
                {"synapse_model": "plastic", "weight": 0.1, "delay": 1.5})
    sim.connect(inh, exc + inh, {"rule": "fixed_indegree", "indegree": 2}, {"weight": -0.5, "delay": 1.5})
    sim.connect(exc + inh + silent, sr)
    sim.connect(mm, exc[:3] + silent)
    sim.simulate(50.0)
    sim.simulate(50.0)
    nodes = {"wr": wr.tolist()[0], "sr": sr.tolist()[0], "mm": mm.tolist()[0], "silent": silent.tolist()[0],
             "observed": (exc + inh + silent).tolist(), "sampled": (exc[:3] + silent).tolist(),
             "devices": {"wr": wr, "sr": sr, "mm": mm},
             "populations": [Population("exc", "iaf_psc_delta", np.asarray(exc.tolist())),
                             Population("inh", "iaf_psc_delta", np.asarray(inh.tolist())),
                             Population("silent", "iaf_psc_delta", np.asarray(silent.tolist()))]}
    return sim, nodes


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    d = tmp_path_factory.mktemp("nwb")
    sim, nodes = _network("hdf5", str(d))
    sim.close()
    rec = spikesim.io.read(d / "recording.h5")
    out = nwb.write_nwb(d / "run.nwb", rec, recorded_ids={nodes["sr"]: nodes["observed"]},
                        populations=nodes["populations"], t_end=100.0)
    return rec, nodes, out


def test_passes_nwbinspector(converted):
    _, _, path = converted
    msgs = list(nwbinspector.inspect_nwbfile(nwbfile_path=str(path)))
    bad = [m for m in msgs if m.importance.value >= nwbinspector.Importance.BEST_PRACTICE_VIOLATION.value]
    assert not bad, [(m.importance.name, m.check_function_name, m.message) for m in bad]


def test_spikes_read_back_per_neuron(converted):
    rec, nodes, path = converted
    ev = rec[nodes["sr"]]
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        units = io.read().units.to_dataframe()
        assert units["node_id"].tolist() == nodes["observed"]  # the silent neuron has a row
        assert set(units["device"]) == {nodes["sr"]}
        assert units.set_index("node_id").loc[nodes["silent"], "population"] == "silent"
        total = 0
        for _, row in units.iterrows():
            want = np.sort(ev["times"][ev["senders"] == row["node_id"]])
            np.testing.assert_allclose(np.asarray(row["spike_times"]) * 1000.0, want, rtol=0, atol=ATOL_MS)
            np.testing.assert_allclose(row["obs_intervals"], [[0.005, 0.080]])
            total += len(row["spike_times"])
        assert total == ev["senders"].size > 0
        assert len(units.set_index("node_id").loc[nodes["silent"], "spike_times"]) == 0


def test_vm_grid_reads_back(converted):
    rec, nodes, path = converted
    ev = rec[nodes["mm"]]
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        ts = io.read().acquisition[f"multimeter{nodes['mm']}_V_m"]
        meta = json.loads(ts.comments)
        assert meta["node_ids"] == nodes["sampled"] and meta["recorded_unit"] == "mV"
        assert (ts.unit, ts.conversion, ts.rate) == ("volts", 1e-3, 2000.0)
        assert ts.starting_time == pytest.approx(0.0005)
        data = ts.data[:]
    assert data.shape == (200, len(nodes["sampled"]))
    np.testing.assert_array_equal(data.reshape(-1), ev["V_m"])  # rows: time-major, senders ascending
    np.testing.assert_array_equal(np.tile(nodes["sampled"], 200), ev["senders"])


def test_weights_read_back(converted):
    rec, nodes, path = converted
    ev = rec[nodes["wr"]]
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        df = io.read().acquisition[f"weight_recorder{nodes['wr']}"].to_dataframe()
    assert ev["weights"].size > 0
    for c in ("senders", "targets", "weights", "receptors", "ports"):
        np.testing.assert_array_equal(df[c].to_numpy(), ev[c])
    np.testing.assert_allclose(df["time"].to_numpy() * 1000.0, ev["times"], rtol=0, atol=ATOL_MS)


def test_session_provenance(converted):
    rec, _, path = converted
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        f = io.read()
        notes = json.loads(f.notes)
        assert notes["seed"] == 5 and notes["resolution_ms"] == 0.1
        assert notes["spikesim_version"] == spikesim.__version__ == rec.attrs["spikesim_version"]
        assert "spikesim" in f.experiment_description and f.session_start_time.tzinfo is not None
        assert f.units.resolution == pytest.approx(1e-4)


def test_memory_events_give_the_same_file_content(converted, tmp_path):
    rec, nodes, _ = converted
    sim, mem_nodes = _network("memory")
    devices = []
    for key, model in (("wr", "weight_recorder"), ("sr", "spike_recorder"), ("mm", "multimeter")):
        nid = mem_nodes[key]
        ev = mem_nodes["devices"][key].get("events")[0]
        devices.append(DeviceRecord(node_id=nid, model=model, events=ev, units=rec.devices[nid]["units"],
                                    windows=((5.0, 80.0),) if key == "sr" else ((0.0, 100.0),),
                                    recorded_ids=np.asarray(mem_nodes["observed"]) if key == "sr" else None,
                                    interval=0.5 if key == "mm" else None))
    path = nwb.write_nwb_events(tmp_path / "mem.nwb", devices, SessionInfo(resolution=0.1, seed=5,
                                                                           spikesim_version=spikesim.__version__))
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        f = io.read()
        units = f.units.to_dataframe()
        n_spikes = sum(len(s) for s in units["spike_times"])
        vm = f.acquisition[f"multimeter{nodes['mm']}_V_m"].data[:]
    assert n_spikes == rec[nodes["sr"]]["senders"].size
    np.testing.assert_array_equal(vm.reshape(-1), rec[nodes["mm"]]["V_m"])


def test_existing_file_needs_overwrite(converted, tmp_path):
    rec, _, _ = converted
    target = tmp_path / "x.nwb"
    target.write_bytes(b"keep")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        nwb.write_nwb(target, rec)
    assert target.read_bytes() == b"keep"
    nwb.write_nwb(target, rec, overwrite=True)
    with pynwb.NWBHDF5IO(str(target), "r") as io:
        assert io.read().units is not None


def test_failed_write_leaves_no_file(converted, tmp_path, monkeypatch):
    rec, _, _ = converted

    def boom(self, *args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(pynwb.NWBHDF5IO, "write", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        nwb.write_nwb(tmp_path / "y.nwb", rec)
    assert list(tmp_path.iterdir()) == []


def test_convert_names_the_nwb_file(converted, tmp_path):
    _, _, path = converted
    src = path.with_name("recording.h5")
    out = nwb.convert(src, tmp_path / "c.nwb")
    assert out == tmp_path / "c.nwb" and out.exists()


def test_without_pynwb_the_error_names_the_extra(converted, tmp_path, monkeypatch):
    rec, _, _ = converted
    monkeypatch.setitem(sys.modules, "pynwb", None)
    with pytest.raises(ImportError, match=r"spikesim\[nwb\]"):
        nwb.write_nwb(tmp_path / "z.nwb", rec)


def test_command_line_convert(converted, tmp_path, capsys):
    from spikesim.cli import main
    _, _, path = converted
    src = path.with_name("recording.h5")
    out = tmp_path / "cli.nwb"
    assert main(["convert", str(src), "--to", "nwb", "-o", str(out)]) == 0
    assert out.exists() and capsys.readouterr().out.strip() == str(out)
    assert main(["convert", str(src), "--to", "nwb", "-o", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(["convert", str(src), "--to", "nwb", "-o", str(out), "--overwrite"]) == 0


def test_console_script_converts_in_a_subprocess(converted, tmp_path):
    """``python -m spikesim convert`` (what the ``spikesim`` console script runs)."""
    import subprocess
    _, _, path = converted
    out = tmp_path / "sub.nwb"
    args = [sys.executable, "-m", "spikesim", "convert", str(path.with_name("recording.h5")), "--to", "nwb",
            "-o", str(out)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.exists() and done.stdout.strip() == str(out)
    again = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1
    assert "--overwrite" in again.stderr


def test_example_runs(tmp_path, capsys):
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
    try:
        import nwb_export
    finally:
        sys.path.pop(0)
    path = nwb_export.main(["--out", str(tmp_path)])
    assert path.exists()
    assert "nwbinspector: 0 critical issues or violations" in capsys.readouterr().out
