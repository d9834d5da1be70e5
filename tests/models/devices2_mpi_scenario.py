"""The devices2 MPI scenario: run with ``python -m mpi4py`` under ``mpiexec -n N`` (or alone)
as ``devices2_mpi_scenario.py OUT_DIR THREADS``; each rank writes ``OUT_DIR/rank<r>.npz``."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import spikesim
from spikesim.parallel import world


def scenario(threads: int) -> dict[str, np.ndarray]:
    """sinusoidal_gamma (own and shared trains), ppd_sup, gamma_sup, mip and ignore_and_fire
    onto 40 iaf_psc_alpha neurons and 10 parrots, recurrent connections, a second recorder
    straight on the five generators; three runs (the first ends inside a slice), seed 4."""
    sim = spikesim.Simulator(resolution=0.1, seed=4, threads=threads)
    n = sim.create("iaf_psc_alpha", 40, {"I_e": 200.0})
    p = sim.create("parrot_neuron", 10)
    sim.set_defaults("sinusoidal_gamma_generator", {"individual_spike_trains": False})
    shared = sim.create("sinusoidal_gamma_generator", params={"rate": 300.0, "amplitude": 100.0, "frequency": 9.0,
                                                                "order": 2.0})
    sim.set_defaults("sinusoidal_gamma_generator", {"individual_spike_trains": True})
    own = sim.create("sinusoidal_gamma_generator", params={"rate": 800.0, "order": 3.0, "start": 10.0})
    ppd = sim.create("ppd_sup_generator", params={"rate": 30.0, "dead_time": 2.0, "n_proc": 50})
    iaf = sim.create("ignore_and_fire", 5, params={"rate": 40.0, "phase": 0.5})
    sim.connect(shared, p)
    sim.connect(shared, n[:20], syn_spec={"weight": 30.0, "delay": 1.0})
    sim.connect(own, n, syn_spec={"weight": 25.0, "delay": 2.0})
    sim.connect(ppd, n[10:], syn_spec={"weight": 20.0, "delay": 1.5})
    sim.connect(iaf, n, syn_spec={"weight": 50.0, "delay": 1.0})
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 4}, {"weight": -40.0, "delay": 1.0})
    gam = sim.create("gamma_sup_generator", params={"rate": 40.0, "gamma_shape": 3, "n_proc": 5})
    mip = sim.create("mip_generator", params={"rate": 200.0, "p_copy": 0.3})
    sim.connect(gam + mip, n[:10], syn_spec={"weight": 20.0, "delay": 1.0})
    sr, gsr = sim.create("spike_recorder"), sim.create("spike_recorder")
    sim.connect(n, sr)
    sim.connect(p, sr)
    sim.connect(iaf, sr)
    sim.connect(shared + own + ppd + gam + mip, gsr)  # the generators' own trains, recorded straight
    for t in (41.3, 60.0, 38.7):
        sim.simulate(t)
    ev, gev = sr.get("events")[0], gsr.get("events")[0]
    return {"senders": ev["senders"], "times": ev["times"], "gen_senders": gev["senders"], "gen_times": gev["times"]}


if __name__ == "__main__":
    out, n_threads = Path(sys.argv[1]), int(sys.argv[2])
    np.savez(out / f"rank{world().rank}.npz", **scenario(n_threads))
