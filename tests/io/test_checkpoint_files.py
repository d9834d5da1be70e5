"""Checkpoints of simulators that record to files: the restored run continues the
files, which end exactly as those of an uninterrupted run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import spikesim


def _build(folder: Path) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=0.1, seed=3)
    sim.data_path = str(folder)
    n = sim.create("iaf_psc_exp", 20, {"I_e": 300.0}, label="n")
    pg = sim.create("poisson_generator", params={"rate": 8000.0})
    sim.connect(pg, n, syn_spec={"weight": 20.0})
    sim.create("spike_recorder", params={"record_to": "ascii", "label": "spk"}, label="sr_ascii")
    sim.create("multimeter", params={"record_to": "hdf5", "record_from": ["V_m"], "interval": 0.5},
               label="mm_hdf5")
    sim.connect(n, sim.nodes("sr_ascii"))
    sim.connect(sim.nodes("mm_hdf5"), n)
    return sim


@pytest.mark.parametrize("continue_original", [False, True])
def test_file_backends_continue_after_restore(tmp_path, continue_original):
    full = tmp_path / "full"
    part = tmp_path / "part"
    full.mkdir()
    part.mkdir()
    sim = _build(full)
    sim.simulate(120.0)
    sim.close()

    sim = _build(part)
    sim.simulate(47.3)
    sim.checkpoint(str(tmp_path / "ck.h5"))
    if continue_original:  # the interrupted run wrote on past the checkpoint: dropped on restore
        sim.simulate(30.0)
    sim.close()
    restored = spikesim.Simulator.restore(str(tmp_path / "ck.h5"))
    restored.simulate(120.0 - 47.3)
    restored.close()

    a = np.loadtxt(full / "spk-22-0.dat", skiprows=3)
    b = np.loadtxt(part / "spk-22-0.dat", skiprows=3)
    assert a.shape[0] > 20
    np.testing.assert_array_equal(a, b)
    ra = spikesim.io.read(full / "recording.h5")[23]
    rb = spikesim.io.read(part / "recording.h5")[23]
    assert ra["V_m"].size == 20 * 240
    for k in ra:
        np.testing.assert_array_equal(ra[k], rb[k])
