"""sinusoidal_gamma_generator, ppd_sup_generator, gamma_sup_generator, mip_generator and
ignore_and_fire give the one-process results on 2 and 3 MPI processes, also recorded
straight from the generators (tests/models/devices2_mpi_scenario.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.mpi.launch import MPIEXEC, NEEDS_MPI

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
pytestmark = NEEDS_MPI


def _run(procs: int, threads: int, out: Path) -> list[dict[str, np.ndarray]]:
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "mpi4py", str(HERE / "devices2_mpi_scenario.py"), str(out), str(threads)]
    if procs > 1:
        assert MPIEXEC is not None
        cmd = [MPIEXEC, "-n", str(procs), *cmd]
    done = subprocess.run(cmd, env=env, cwd=ROOT, timeout=900, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return [dict(np.load(out / f"rank{r}.npz")) for r in range(procs)]


@pytest.mark.parametrize(("procs", "threads"), [(2, 1), (3, 2)])
def test_processes_give_one_processs_spikes(tmp_path, procs, threads):
    ref = _run(1, 1, tmp_path / "serial")[0]
    assert ref["senders"].size > 500 and np.count_nonzero(ref["senders"] <= 40) > 20  # the neurons spike too
    assert np.unique(ref["gen_senders"]).size == 5  # every generator's train was recorded
    for rank, res in enumerate(_run(procs, threads, tmp_path / "mpi")):
        for k in ref:
            np.testing.assert_array_equal(ref[k], res[k], err_msg=f"{k}: rank {rank} of {procs} x {threads}")
