"""benchmarks/kernels.py runs at its quick size (to prove it works, never to time it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "kernels.py"


@pytest.mark.timeout(600)
def test_kernels_benchmark_quick() -> None:
    out = subprocess.run([sys.executable, str(SCRIPT), "--quick"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = [line.split() for line in out.stdout.splitlines() if " ns/" in line]
    assert [r[2] for r in rows] == ["poisson", "collect", "collect_empty", "delivery", "delivery_half"], out.stdout
    assert all(float(r[3]) > 0.0 for r in rows if r[2] != "collect"), out.stdout  # collect: minus a copy, may be noisy
