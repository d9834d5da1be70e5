"""The installed ``spikesim`` console script (not only ``python -m spikesim``) runs the commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import spikesim

SCRIPT = Path(sys.executable).parent / "spikesim"


@pytest.mark.skipif(not SCRIPT.exists(), reason=f"no console script at {SCRIPT} (spikesim not pip-installed here)")
def test_console_script_info_and_convert_of_an_hdf5_recording(tmp_path: Path) -> None:
    sim = spikesim.Simulator()
    sim.data_path = str(tmp_path)
    n = sim.create("iaf_psc_alpha", 4, {"I_e": 500.0})
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    sim.connect(n, sr)
    sim.simulate(100.0)
    sim.close()
    path = tmp_path / "recording.h5"
    info = subprocess.run([str(SCRIPT), "info", str(path), "--json"], capture_output=True, text=True, timeout=300)
    assert info.returncode == 0, info.stderr
    devices = json.loads(info.stdout)["devices"]
    assert [d["model"] for d in devices] == ["spike_recorder"]
    conv = subprocess.run([str(SCRIPT), "convert", str(path), "--to", "csv"], capture_output=True, text=True,
                          timeout=300)
    assert conv.returncode == 0, conv.stderr
    rows = (tmp_path / "recording.csv").read_text().strip().splitlines()
    assert len(rows) - 1 == int(sr.get("n_events")[0]) > 0
    missing = subprocess.run([str(SCRIPT), "info", str(tmp_path / "nothing.h5")], capture_output=True, text=True,
                             timeout=300)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
