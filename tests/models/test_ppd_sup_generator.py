"""ppd_sup_generator against NEST 3.10 (tests/data/nest/devices2_reference.json, made by
tools/make_reference_devices2.py): defaults, errors, two cases with certain draws exactly
(a hazard of 1 per step, with and without dead time), rates and ISI CVs over seeds within
3 SE; threads, continued runs and checkpoints."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
import spikesim.nest as nest

from .devices2_helpers import REF, assert_defaults_as_nest, check_stats, face_trains, fresh_kernel  # noqa: F401 - autouse fixture
from .gen_helpers import checkpoint_identical, threads_identical

MODEL = "ppd_sup_generator"
PREF = REF[MODEL]


def test_defaults_as_nest():
    assert_defaults_as_nest(MODEL)


@pytest.mark.parametrize(("case", "params", "key"), [
    ("negative_dead_time", {"dead_time": -1.0}, "dead_time"),
    ("rate_vs_dead_time", {"rate": 100.0, "dead_time": 10.0}, "rate"),
    ("n_proc_0", {"n_proc": 0}, "n_proc"),
    ("amplitude_above_1", {"relative_amplitude": 1.5}, "relative_amplitude"),
    ("negative_amplitude", {"relative_amplitude": -0.1}, "relative_amplitude"),
])
def test_errors_as_nest_and_node_unchanged(case, params, key):
    assert PREF["errors"][case] == "BadProperty"
    g = nest.Create(MODEL, params={"rate": 5.0, "n_proc": 2})
    before = g.get()
    with pytest.raises(nest.NESTErrors.BadProperty, match=key):
        g.set(params)
    assert g.get() == before


@pytest.mark.parametrize("case", ["certain", "certain_no_dead_time"])
def test_certain_draws_exactly_as_nest(case):
    # hazard h / (1000 / rate - dead_time) = 1 per step: the counts follow from the age
    # distribution alone (with dead time: 2, 1, 2, 1, ... of 3 processes)
    ref = PREF[case]
    got = face_trains(MODEL, ref["params"], 2, ref["t_sim"], 1)
    for g, want in zip(got, ref["times"], strict=True):
        np.testing.assert_allclose(g, want, rtol=0, atol=1e-9)


@pytest.mark.parametrize("case", sorted(PREF["stats"]))
def test_statistics_match_nest(case):
    print(case, check_stats(MODEL, PREF["stats"][case]))


def test_targets_get_their_own_trains():
    assert PREF["individual_identical"] is False
    own = face_trains(MODEL, {"rate": 50.0, "dead_time": 5.0, "n_proc": 3}, 4, 500.0, 1)
    assert own[0].size > 20 and not any(np.array_equal(own[0], t) for t in own[1:])


def _build(threads: int) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=0.1, seed=9, threads=threads)
    p = sim.create("parrot_neuron", 20, label="p")
    n = sim.create("iaf_psc_alpha", 5, label="n")
    g1 = sim.create(MODEL, params={"rate": 40.0, "dead_time": 4.0, "n_proc": 3, "frequency": 6.0,
                                   "relative_amplitude": 0.5})
    g2 = sim.create(MODEL, params={"rate": 15.0, "dead_time": 2.0, "n_proc": 2000, "start": 30.0})
    sim.connect(g1, p)
    sim.connect(g2, n, syn_spec={"weight": 60.0, "delay": 1.5})
    sr = sim.create("spike_recorder", label="sr")
    sim.connect(p, sr)
    sim.connect(n, sr)
    return sim


def test_one_and_two_threads_identical():
    ev = threads_identical(_build, 250.0)
    assert np.count_nonzero(ev["sr_senders"] <= 20) > 100
    assert np.count_nonzero(ev["sr_senders"] > 20) > 5  # the neurons spike too


def test_checkpoint_restore_continues_identically(tmp_path):
    ev = checkpoint_identical(_build, 57.3, 120.0, tmp_path / "ck.h5")
    assert ev["sr_times"].size > 100


def test_two_runs_equal_one():
    whole, split = _build(1), _build(1)
    whole.simulate(200.0)
    split.simulate(61.0)
    split.simulate(139.0)
    a, b = whole.nodes("sr").get("events")[0], split.nodes("sr").get("events")[0]
    np.testing.assert_array_equal(a["times"], b["times"])
    np.testing.assert_array_equal(a["senders"], b["senders"])
