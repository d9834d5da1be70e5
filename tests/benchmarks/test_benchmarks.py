"""Every benchmark script runs at its quick size (to prove it works, never to time it)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _run(*args: str) -> str:
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.mark.timeout(600)
def test_brunel_quick_size_with_spikesim_only():
    out = _run(str(BENCH / "brunel.py"), "--order", "500", "--simtime", "200", "--threads", "1", "2",
               "--peers", "spikesim")
    rows = [r for r in (line.split() for line in out.splitlines()) if r[:1] == ["spikesim"] and r[1].isdigit()]
    assert len(rows) == 2 and {r[1] for r in rows} == {"1", "2"}
    assert rows[0][5] == rows[1][5] and int(rows[0][5]) > 1000   # same spikes with 1 and 2 threads
    assert "speed-up 2 threads vs 1" in out


@pytest.mark.timeout(600)
def test_brunel_scaling_mode():
    out = _run(str(BENCH / "brunel.py"), "--scaling", "--sizes", "2500", "5000", "--simtime", "50",
               "--peers", "spikesim")
    assert "ns/event" in out and "B/syn" in out, out
    rows = [r.split() for r in out.splitlines() if r.split()[:1] in (["2,500"], ["5,000"])]
    assert [r[1] for r in rows] == ["3,130,000", "6,260,000"]  # 1,250 inputs each, and the drive and recorder


@pytest.mark.timeout(600)
def test_recording_cost_quick():
    out = _run(str(BENCH / "recording_cost.py"), "--order", "100", "--simtime", "50", "--rounds", "2")
    for variant in ("spikes->memory", "spikes->hdf5", "V_m->hdf5", "V_m->hdf5/sync", "V_m->memory"):
        assert any(line.startswith(variant + " ") for line in out.splitlines()), variant


@pytest.mark.timeout(600)
def test_checkpoint_quick():
    out = _run(str(BENCH / "checkpoint.py"), "--order", "100", "--simtime", "20", "--continue-ms", "10")
    assert "identical" in out.lower() or "same" in out.lower(), out


@pytest.mark.timeout(600)
def test_startup():
    out = _run(str(BENCH / "startup.py"), "--warm-runs", "1")
    lines = out.splitlines()
    assert lines[-2].startswith("cold") and lines[-1].startswith("warm")


@pytest.mark.timeout(600)
def test_limit_quick():
    out = _run(str(BENCH / "limit.py"), "--quick")
    lines = out.splitlines()
    for copy in ("spikesim", "spikesim/norec", "bare"):
        assert any(line.split()[:1] == [copy] for line in lines), copy
    assert any(line.startswith("ratio spikesim/bare: ") for line in lines), out
    rate_ratio = float(next(line for line in lines if line.startswith("rates spikesim / bare:")).split()[-1])
    assert 0.8 < rate_ratio < 1.25, out   # the same workload (small network: loose bound)


@pytest.mark.timeout(600)
@pytest.mark.skipif(importlib.util.find_spec("mpi4py") is None
                    or not (Path(sys.executable).parent / "mpiexec").exists(),
                    reason="needs mpi4py and the mpiexec of its MPICH wheel next to this Python")
def test_mpi_quick_rounds():
    out = _run(str(BENCH / "mpi.py"), "--order", "100", "--simtime", "50", "--procs", "1", "2", "--threads", "1",
               "--repeats", "2")
    assert "2x1 vs 1x1 over 2 rounds: median" in out
    rows = [r.split() for r in out.splitlines() if r.split()[:1] in (["1"], ["2"]) and len(r.split()) == 12]
    assert len(rows) == 6 and len({r[11] for r in rows}) == 1  # one spike count for 1 and 2 processes


@pytest.mark.timeout(600)
def test_ring_scatter_quick():
    out = _run(str(BENCH / "ring_scatter.py"), "--quick")
    rows = [line.split() for line in out.splitlines() if line.split()[:1] in (["12500"], ["200000"])]
    assert len(rows) == 2, out   # the script exits non-zero if a variant's ring differs from plain's
    assert rows[0][-1] == "1.00x"


@pytest.mark.timeout(600)
def test_stdp_quick_with_spikesim_only():
    out = _run(str(BENCH / "stdp.py"), "--quick", "--peers", "spikesim")
    row = next(line.split() for line in out.splitlines() if line.split()[:1] == ["spikesim"])
    assert int(row[2]) > 100 and float(row[3]) > 0   # the network is active and the figure is computed
