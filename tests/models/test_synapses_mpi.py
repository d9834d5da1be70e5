"""The short-term plasticity, Bernoulli and quantal synapses give, on 2 processes, the
spikes and membrane potentials one process gives (bit for bit): their per-synapse
state lives with the target's rank and their draws are keyed by sender and creation
order, not by rank or thread."""

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

sim = spikesim.Simulator(resolution=0.1, seed=11, threads=int(sys.argv[2]))
pre = sim.create("parrot_neuron", 12)
post = sim.create("iaf_psc_exp", 9, {"I_e": 330.0})
drive = sim.create("poisson_generator", params={"rate": 60.0})
mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
sr = sim.create("spike_recorder")
sim.connect(drive, pre)
for i, (model, extra) in enumerate([("tsodyks2_synapse", {"tau_fac": 50.0, "U": 0.2}),
                                    ("tsodyks_synapse", {"tau_fac": 20.0, "tau_psc": 2.0}),
                                    ("bernoulli_synapse", {"p_transmit": 0.4}),
                                    ("quantal_stp_synapse", {"n": 4, "a": 4, "tau_rec": 50.0})]):
    sim.connect(pre[3 * i:3 * i + 3], post, {"rule": "pairwise_bernoulli", "p": 0.7},
                {"synapse_model": model, "weight": 400.0, "delay": 1.0 + 0.3 * i, **extra})
sim.connect(mm, post)
sim.connect(pre + post, sr)
sim.simulate(120.0)
sim.simulate(80.0)
s, m = sr.get("events")[0], mm.get("events")[0]
np.savez(f"{sys.argv[1]}/rank{world().rank}.npz", senders=s["senders"], times=s["times"],
         mm_senders=m["senders"], mm_times=m["times"], mm_V_m=m["V_m"])
'''


def _run(tmp: Path, procs: int, threads: int) -> list[dict[str, np.ndarray]]:
    out = tmp / f"p{procs}t{threads}"
    out.mkdir()
    (tmp / "scenario.py").write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "mpi4py", str(tmp / "scenario.py"), str(out), str(threads)]
    if procs > 1:
        cmd = [str(MPIEXEC), "-n", str(procs), *cmd]
    done = subprocess.run(cmd, env=env, cwd=ROOT, timeout=600, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return [dict(np.load(out / f"rank{r}.npz")) for r in range(procs)]


def test_two_processes_give_one_processs_results(tmp_path):
    ref = _run(tmp_path, 1, 1)[0]
    assert ref["times"].size > 100 and ref["mm_V_m"].size > 1000
    for rank in _run(tmp_path, 2, 2):
        for k, v in ref.items():
            assert np.array_equal(v, rank[k]), k
