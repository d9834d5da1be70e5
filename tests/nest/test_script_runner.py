"""``python -m spikesim.nest script.py``: PyNEST scripts run unmodified against the face."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from spikesim.nest.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "spikesim.nest", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600, check=False)


def test_script_imports_resolve_to_the_face(tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text(
        "import sys\n"
        "import nest\nimport nest.raster_plot\nimport nest.voltage_trace\nimport nest.random\n"
        "import nest.math\nfrom nest import spatial\nfrom nest import Create, Simulate\n"
        "import spikesim.nest\n"
        "assert nest is spikesim.nest and nest.raster_plot is spikesim.nest.raster_plot\n"
        "assert nest.random.normal is spikesim.nest.random.normal\n"
        "print('argv', sys.argv[1:], __name__)\n")
    res = _run(str(script), "a", "--b")
    assert res.returncode == 0, res.stderr
    assert "argv ['a', '--b'] __main__" in res.stdout


def test_example_runs_unmodified() -> None:
    res = _run("examples/nest/brunel_small.py", "50")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("spikes: ")
    assert int(res.stdout.split()[1]) > 0


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.py")]) == 2
    assert "no such script" in capsys.readouterr().err
    assert main(["--help"]) == 0
