"""ignore_and_fire against NEST 3.10 (tests/data/nest/devices2_reference.json, made by
tools/make_reference_devices2.py): defaults, errors and spike times exactly (NEST's own
test case; three neurons under ignored spike and current input with parameters set
between runs); threads and checkpoints."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
import spikesim.nest as nest

from .devices2_helpers import REF, fresh_kernel  # noqa: F401 - autouse fixture
from .gen_helpers import checkpoint_identical, threads_identical

MODEL = "ignore_and_fire"
IREF = REF[MODEL]



def test_defaults_as_nest():
    d = nest.GetDefaults(MODEL)
    assert {k: d[k] for k in IREF["defaults"]} == IREF["defaults"]


@pytest.mark.parametrize(("case", "params", "key"), [
    ("phase_0", {"phase": 0.0}, "phase"), ("phase_above_1", {"phase": 1.5}, "phase"),
    ("rate_0", {"rate": 0.0}, "rate"), ("negative_rate", {"rate": -1.0}, "rate"),
])
def test_errors_as_nest_and_node_unchanged(case, params, key):
    assert IREF["errors"][case] == "BadProperty"
    n = nest.Create(MODEL, params={"rate": 4.0})
    before = n.get()
    with pytest.raises(nest.NESTErrors.BadProperty, match=key):
        n.set(params)
    assert n.get() == before


def test_nest_test_case_exactly():
    nest.SetKernelStatus({"resolution": 2**-3})
    n = nest.Create(MODEL, params={"rate": 5.0, "phase": 0.4})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(1000.0)
    np.testing.assert_allclose(sr.events["times"], IREF["nest_test_case"]["times"], rtol=0, atol=1e-9)


def test_input_ignored_and_countdown_restarted_by_set_exactly_as_nest():
    nest.SetKernelStatus({"resolution": 0.1})
    n = nest.Create(MODEL, 3, params=[{"rate": 7.0, "phase": 1.0}, {"rate": 33.0, "phase": 0.25},
                                      {"rate": 1000.0, "phase": 0.5}])
    pg = nest.Create("poisson_generator", params={"rate": 20000.0})
    dc = nest.Create("dc_generator", params={"amplitude": 500.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(pg, n, syn_spec={"weight": 50.0})
    nest.Connect(dc, n)
    nest.Connect(n, sr)
    nest.Simulate(300.0)
    n[1].set({"rate": 20.0})
    n[0].set({"phase": 1.0})
    nest.Simulate(200.0)
    ev = sr.events
    for i, want in zip(n.tolist(), IREF["set_between_runs"]["times"], strict=True):
        np.testing.assert_allclose(np.sort(ev["times"][ev["senders"] == i]), want, rtol=0, atol=1e-9)


def _build(threads: int) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=0.1, seed=3, threads=threads)
    n = sim.create(MODEL, 40, params={"rate": 45.0, "phase": 0.3})
    n[::3].set({"rate": 12.5, "phase": 0.9})
    p = sim.create("iaf_psc_alpha", 10)
    sim.connect(n, p, syn_spec={"weight": 30.0, "delay": 1.0})
    sim.connect(p, n, syn_spec={"weight": 30.0, "delay": 1.0})
    sr = sim.create("spike_recorder", label="sr")
    sim.connect(n, sr)
    sim.connect(p, sr)
    return sim


def test_one_and_two_threads_identical():
    ev = threads_identical(_build, 200.0)
    assert ev["sr_times"].size > 250  # 27 neurons x 9 spikes, 13 x 2, and the iaf_psc_alpha ones


def test_checkpoint_restore_continues_identically(tmp_path):
    ev = checkpoint_identical(_build, 57.3, 120.0, tmp_path / "ck.h5")
    assert ev["sr_times"].size > 200
