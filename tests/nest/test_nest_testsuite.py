"""tools/nest_testsuite.py against a NEST checkout named by SPIKESIM_NEST_SOURCE (skipped otherwise)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = os.environ.get("SPIKESIM_NEST_SOURCE", "")


@pytest.mark.skipif(not SOURCE, reason="set SPIKESIM_NEST_SOURCE to a NEST 3.10 checkout to run its pytests")
def test_nest_testsuite_runs_and_reports() -> None:
    # one small file keeps this quick; the full run is `python tools/nest_testsuite.py PATH`
    res = subprocess.run([sys.executable, "tools/nest_testsuite.py", SOURCE, "--nest-python", "none",
                          "--files", "other/test_copy_model.py"], capture_output=True, text=True, cwd=ROOT,
                         timeout=900, check=False)
    assert res.returncode == 0, res.stderr
    line = next(x for x in res.stdout.splitlines() if x.startswith("TOTAL"))
    assert int(line.split()[2]) > 0, res.stdout


def test_junit_counting(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import nest_testsuite
    finally:
        sys.path.pop(0)
    xml = tmp_path / "r.xml"
    xml.write_text('<testsuites><testsuite><testcase classname="a" name="x"/>'
                   '<testcase classname="a" name="y"><failure/></testcase>'
                   '<testcase classname="a" name="z"><error/></testcase>'
                   '<testcase classname="a" name="w"><skipped/></testcase></testsuite></testsuites>')
    assert nest_testsuite.count_junit(xml) == {"passed": 1, "failed": 2, "skipped": 1}
    assert nest_testsuite.count_junit(tmp_path / "none.xml") == {"passed": 0, "failed": 0, "skipped": 0}
    assert all(f.endswith(".py") for _, f in nest_testsuite.selected(None))
