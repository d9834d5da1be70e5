"""Small files for the command tests: an hdf5 recording and a checkpoint of memory recorders.

The expected contents are read from the simulator that wrote them (its devices'
``n_events`` and ``events``), not computed here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import spikesim


def _network(sim: spikesim.Simulator, record_to: str) -> dict[str, Any]:
    nrn = sim.create("iaf_psc_delta", 8, {"I_e": list(np.linspace(250.0, 420.0, 8))}, label="nrn")
    pg = sim.create("poisson_generator", params={"rate": 8000.0})
    sim.connect(pg, nrn, syn_spec={"weight": 1.0, "delay": 1.0})
    sr = sim.create("spike_recorder", params={"record_to": record_to, "label": "spikes"})
    mm = sim.create("multimeter", params={"record_to": record_to, "record_from": ["V_m"], "interval": 0.5,
                                          "label": "vm"})
    wr = sim.create("weight_recorder", params={"record_to": record_to, "label": "weights"})
    sim.copy_model("stdp_synapse", "stdp_rec", {"weight_recorder": wr})
    sim.connect(nrn, sr)
    sim.connect(mm, nrn)
    sim.connect(nrn, nrn, {"rule": "fixed_indegree", "indegree": 3}, {"synapse_model": "stdp_rec", "weight": 5.0})
    return {"spikes": sr, "vm": mm, "weights": wr}


@pytest.fixture(scope="session")
def recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A recording of the hdf5 backend (60 ms) and the devices that wrote it."""
    sim = spikesim.Simulator(resolution=0.1, seed=3)
    sim.data_path = str(tmp_path_factory.mktemp("rec"))
    devices = _network(sim, "hdf5")
    sim.simulate(60.0)
    sim.close()
    return Path(devices["spikes"].get("filenames")[0][0]), devices


@pytest.fixture(scope="session")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A checkpoint after 40 ms of memory-backend recording, and its devices."""
    sim = spikesim.Simulator(resolution=0.1, seed=5)
    devices = _network(sim, "memory")
    sim.simulate(40.0)
    path = sim.checkpoint(tmp_path_factory.mktemp("ck") / "state.h5")
    return path, devices


@pytest.fixture(scope="session")
def ascii_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Any]]:
    """Label -> (the ascii backend's file of a device, its memory-backend twin).

    Every ascii device has a twin recording the same neurons to memory: a spike
    recorder (times in ms and in steps), a multimeter, and a weight recorder whose
    synapses are a second, identical set of STDP connections (same pairs, same
    weights, so both sets see the same spikes and change alike).
    """
    sim = spikesim.Simulator(resolution=0.1, seed=7)
    sim.data_path = str(tmp_path_factory.mktemp("ascii"))
    nrn = sim.create("iaf_psc_delta", 6, {"I_e": list(np.linspace(300.0, 420.0, 6))}, label="nrn")
    pg = sim.create("poisson_generator", params={"rate": 8000.0})
    sim.connect(pg, nrn, syn_spec={"weight": 1.0, "delay": 1.0})
    out: dict[str, tuple[Path, Any]] = {}
    for label, model, params in (("spikes", "spike_recorder", {}), ("steps", "spike_recorder", {"time_in_steps": True}),
                                 ("vm", "multimeter", {"record_from": ["V_m"], "interval": 0.5}),
                                 ("weights", "weight_recorder", {})):
        pair = [sim.create(model, params={**params, "record_to": to, "label": f"{label}{suffix}"})
                for to, suffix in (("ascii", ""), ("memory", "_twin"))]
        if model == "weight_recorder":
            for i, wr in enumerate(pair):
                sim.copy_model("stdp_synapse", f"stdp_rec{i}", {"weight_recorder": wr})
                sim.connect(nrn, nrn, "all_to_all", {"synapse_model": f"stdp_rec{i}", "weight": 2.0})
        elif model == "multimeter":
            for mm in pair:
                sim.connect(mm, nrn)
        else:
            for sr in pair:
                sim.connect(nrn, sr)
        out[label] = (Path(pair[0].get("filenames")[0][0]), pair[1])
    sim.simulate(60.0)
    sim.close()
    return out
