"""A small Brunel network shared by the fault tests (500 neurons, min_delay 1.5 ms)."""

from __future__ import annotations

from typing import Any

import numpy as np

import spikesim


def brunel(record_to: str = "memory", seed: int = 7, **sr_params: Any
           ) -> tuple[spikesim.Simulator, spikesim.NodeCollection, spikesim.NodeCollection]:
    """Brunel network A (delta synapses) with a spike recorder on ``record_to`` and a
    multimeter (V_m every 0.5 ms) on memory; returns (sim, recorder, multimeter)."""
    sim = spikesim.Simulator(resolution=0.1, seed=seed)
    p = {"C_m": 1.0, "tau_m": 20.0, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": 20.0}
    exc = sim.create("iaf_psc_delta", 400, p)
    inh = sim.create("iaf_psc_delta", 100, p)
    everyone = exc + inh
    drive = sim.create("poisson_generator", params={"rate": 1000.0 * 2.0 * 20.0 / (0.1 * 40 * 20.0) * 40})
    es, is_ = {"weight": 0.1, "delay": 1.5}, {"weight": -0.5, "delay": 1.5}
    sim.connect(drive, everyone, "all_to_all", es)
    sim.connect(exc, everyone, {"rule": "fixed_indegree", "indegree": 40}, es)
    sim.connect(inh, everyone, {"rule": "fixed_indegree", "indegree": 10}, is_)
    sr = sim.create("spike_recorder", params={"record_to": record_to, **sr_params})
    sim.connect(everyone, sr)
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
    sim.connect(mm, everyone[:20])
    return sim, sr, mm


def events(dev: spikesim.NodeCollection) -> dict[str, np.ndarray]:
    """The device's events."""
    return dev.get("events")[0]
