"""The core works without the optional packages; features that need one name its extra.

Each check runs in a fresh interpreter whose ``sys.meta_path`` starts with a finder
that raises ImportError for the optional packages, as if they were not installed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OPTIONAL = ("matplotlib", "pandas", "neo", "quantities", "pynwb", "hdmf", "nwbinspector", "pyarrow", "mpi4py",
            "elephant", "scipy")

_BLOCK = f"""
import sys
BLOCKED = {OPTIONAL!r}
class _Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"blocked for the test: {{name}}")
        return None
sys.meta_path.insert(0, _Blocker())
"""


def _run_blocked(body: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "script.py"
    script.write_text(_BLOCK + textwrap.dedent(body))
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=600,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"})


def test_the_core_simulates_records_and_checkpoints_without_extras(tmp_path):
    done = _run_blocked(f"""
        import numpy as np
        import spikesim
        from spikesim.io import read
        sim = spikesim.Simulator(resolution=0.1, seed=2)
        sim.data_path = {str(tmp_path)!r}
        nrn = sim.create("iaf_psc_delta", 4, {{"I_e": 400.0}})
        mem = sim.create("spike_recorder")
        h5 = sim.create("spike_recorder", params={{"record_to": "hdf5"}})
        sim.connect(nrn, mem)
        sim.connect(nrn, h5)
        sim.simulate(50.0)
        sim.checkpoint({str(tmp_path / "ck.h5")!r})
        n_mem = int(np.asarray(mem.get("n_events")).item())
        path = h5.get("filenames")[0][0]
        sim.close()
        n_h5 = read(path)[int(h5.ids[0])]["senders"].size
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
        print(n_mem, n_h5, loaded)
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    n_mem, n_h5, loaded = done.stdout.split(maxsplit=2)
    # both recorders observe the same 4 neurons over the same run: the same spikes
    assert int(n_mem) == int(n_h5) > 0 and loaded.strip() == "[]"


@pytest.mark.parametrize(("call", "extra"), [
    ("spikesim.plotting.raster([1, 2], [1.0, 2.0])", "plot"),
    ("spikesim.data.columnar.ColumnarEvents([1], [1.0], 0, None).to_pandas()", "pandas"),
    ("spikesim.data.neo.require_neo('to_neo')", "neo"),
    ("spikesim.io.nwb.convert('missing.h5')", "nwb"),
])
def test_a_feature_without_its_package_names_the_extra(tmp_path, call, extra):
    done = _run_blocked(f"""
        import numpy as np
        import spikesim, spikesim.plotting, spikesim.data.columnar, spikesim.data.neo, spikesim.io.nwb
        try:
            {call}
        except ImportError as err:
            print(err)
        else:
            print("no error")
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"pip install 'spikesim[{extra}]'" in done.stdout


def test_the_cli_without_matplotlib_names_the_extra(tmp_path):
    done = _run_blocked("""
        import spikesim
        sim = spikesim.Simulator(resolution=0.1, seed=2)
        n = sim.create("iaf_psc_delta", 2, {"I_e": 400.0})
        sr = sim.create("spike_recorder")
        sim.connect(n, sr)
        sim.simulate(30.0)
        sim.checkpoint("ck.h5")
        from spikesim.cli import main
        print("status", main(["plot", "ck.h5", "--out", "f.png"]))
    """, tmp_path)
    assert "status 2" in done.stdout
    assert "pip install 'spikesim[plot]'" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_declared_dependencies_are_the_core_and_extras():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = {d.split(">")[0].split("=")[0] for d in project["dependencies"]}
    assert core == {"numpy", "numba", "h5py", "tqdm"}
    extras = project["optional-dependencies"]
    for extra, package in (("plot", "matplotlib"), ("pandas", "pandas"), ("neo", "neo"), ("nwb", "pynwb"),
                           ("parquet", "pyarrow"), ("mpi", "mpi4py")):
        assert any(d.startswith(package) for d in extras[extra]), extra
    assert "spikesim[all]" in extras["test"]
