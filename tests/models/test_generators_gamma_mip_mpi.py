"""gamma_sup_generator and mip_generator give, on 2 processes, the spikes one process
gives (bit for bit), and a checkpoint moves between process counts: each connection
draws from its own stream (keyed by generator, target and rank of the connection
among those of the pair), the mip mother train from the generator's, and the gamma
phases live with the target's rank and are gathered into checkpoints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.mpi.launch import MPIEXEC, NEEDS_MPI

ROOT = Path(__file__).resolve().parents[2]
pytestmark = NEEDS_MPI

SCRIPT = '''
import sys
import numpy as np
import spikesim
from spikesim.parallel import world

out, threads, mode, ckpt = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
if mode == "read":
    sim = spikesim.Simulator.restore(ckpt)
    sim.set_threads(threads)
else:
    sim = spikesim.Simulator(resolution=0.1, seed=17, threads=threads)
    p = sim.create("parrot_neuron", 21)
    n = sim.create("iaf_psc_exp", 9, {"I_e": 200.0})
    g = sim.create("gamma_sup_generator", params={"rate": 30.0, "gamma_shape": 3, "n_proc": 4})
    g2 = sim.create("gamma_sup_generator", params={"rate": 300.0, "gamma_shape": 2, "n_proc": 400})
    m = sim.create("mip_generator", params={"rate": 150.0, "p_copy": 0.35, "start": 10.0})
    sim.connect(g, p[:12])
    sim.connect(g, p[:2])
    sim.connect(m, p[10:])
    sim.connect(g2, n, syn_spec={"weight": 3.0})
    sim.connect(m, n, syn_spec={"weight": 40.0, "delay": 1.5})
    sr = sim.create("spike_recorder", label="sr")
    sim.connect(p + n, sr)
    sim.simulate(83.0)
if mode == "write":
    sim.checkpoint(ckpt)
else:
    sim.simulate(117.0)
    s = sim.nodes("sr").get("events")[0]
    np.savez(f"{out}/rank{world().rank}.npz", senders=s["senders"], times=s["times"])
'''


def _run(tmp: Path, procs: int, threads: int, mode: str, tag: str) -> list[dict[str, np.ndarray]]:
    out = tmp / tag
    out.mkdir()
    (tmp / "scenario.py").write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "mpi4py", str(tmp / "scenario.py"), str(out), str(threads), mode,
           str(tmp / "ckpt.h5")]
    if procs > 1:
        cmd = [str(MPIEXEC), "-n", str(procs), *cmd]
    done = subprocess.run(cmd, env=env, cwd=ROOT, timeout=600, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return [dict(np.load(out / f"rank{r}.npz")) for r in range(procs)] if mode != "write" else []


def test_two_processes_and_moved_checkpoints_give_one_processs_spikes(tmp_path):
    ref = _run(tmp_path, 1, 1, "whole", "ref")[0]
    assert ref["times"].size > 300 and np.any(ref["senders"] > 21)
    for rank in _run(tmp_path, 2, 2, "whole", "p2"):
        for k, v in ref.items():
            assert np.array_equal(v, rank[k]), k
    for writers, readers in ((2, 1), (1, 2)):
        _run(tmp_path, writers, 1, "write", f"w{writers}")
        for rank in _run(tmp_path, readers, 1, "read", f"r{writers}{readers}"):
            for k, v in ref.items():
                assert np.array_equal(v, rank[k]), (writers, readers, k)
