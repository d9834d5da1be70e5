"""sinusoidal_gamma_generator against NEST 3.10 (tests/data/nest/devices2_reference.json, made
by tools/make_reference_devices2.py): defaults, errors, the recorded rate and a window case
with certain spikes exactly, rates and ISI CVs over seeds within 3 SE; threads, continued
runs and checkpoints."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
import spikesim.nest as nest
from spikesim.kernel.renewal import hazard_ratio

from .devices2_helpers import REF, assert_defaults_as_nest, check_stats, face_trains, fresh_kernel  # noqa: F401 - autouse fixture
from .gen_helpers import checkpoint_identical, threads_identical

MODEL = "sinusoidal_gamma_generator"
GREF = REF[MODEL]


def test_defaults_as_nest():
    d = assert_defaults_as_nest(MODEL)
    assert d["recordables"] == ["rate"]


@pytest.mark.parametrize(("case", "params", "key"), [
    ("order_below_1", {"order": 0.5}, "order"),
    ("amplitude_above_rate", {"rate": 10.0, "amplitude": 11.0}, "amplitude"),
    ("negative_amplitude", {"amplitude": -1.0}, "amplitude"),
    ("individual_on_node", {"individual_spike_trains": False}, "individual_spike_trains"),
])
def test_errors_as_nest_and_node_unchanged(case, params, key):
    assert GREF["errors"][case] == "BadProperty"
    g = nest.Create(MODEL, params={"rate": 5.0, "order": 2.0})
    before = g.get()
    with pytest.raises(nest.NESTErrors.BadProperty, match=key):
        g.set(params)
    assert g.get() == before


def test_individual_spike_trains_as_model_default():
    assert GREF["errors"]["individual_on_defaults"] == "none"
    nest.SetDefaults(MODEL, {"individual_spike_trains": False})
    assert nest.Create(MODEL).individual_spike_trains is False


def test_recorded_rate_exactly_as_nest():
    ref = GREF["rate_recording"]
    g = nest.Create(MODEL, params=ref["params"])
    par = nest.Create("parrot_neuron")
    mm = nest.Create("multimeter", params={"record_from": ["rate"], "interval": 0.1})
    nest.Connect(g, par)
    nest.Connect(mm, g)
    nest.Simulate(ref["t_sim"])
    np.testing.assert_allclose(mm.events["times"], ref["times"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(mm.events["rate"], ref["rate"], rtol=1e-12, atol=1e-9)


def test_window_with_certain_spikes_exactly_as_nest():
    # order 1 and rate 10000 spikes/s: a hazard of exactly 1 per 0.1 ms step
    ref = GREF["certain"]
    got = face_trains(MODEL, ref["params"], 2, ref["t_sim"], 1)
    for g, want in zip(got, ref["times"], strict=True):
        np.testing.assert_allclose(g, want, rtol=0, atol=1e-9)


def test_hazard_ratio_against_closed_forms():
    # order 1: x**0 e**-x / Gamma(1, x) = 1; order 2: Gamma(2, x) = (1 + x) e**-x
    for x in (0.0, 0.3, 1.9, 2.1, 40.0):
        assert hazard_ratio(1.0, x) == pytest.approx(1.0, rel=1e-12)
        if x > 0:
            assert hazard_ratio(2.0, x) == pytest.approx(x / (1.0 + x), rel=1e-12)
    # order 3: Gamma(3, x) = (x**2 + 2x + 2) e**-x
    for x in (0.5, 3.9, 4.1, 25.0):
        assert hazard_ratio(3.0, x) == pytest.approx(x * x / (x * x + 2 * x + 2), rel=1e-12)
    assert hazard_ratio(2.5, 0.0) == 0.0


@pytest.mark.parametrize("case", sorted(GREF["stats"]))
def test_statistics_match_nest(case):
    print(case, check_stats(MODEL, GREF["stats"][case]))


def test_shared_train_identical_for_all_targets_individual_ones_differ():
    assert GREF["shared_identical"] is True and GREF["individual_identical"] is False
    base = {"rate": 40.0, "amplitude": 25.0, "frequency": 5.0, "phase": 30.0, "order": 2.0}
    shared = face_trains(MODEL, {**base, "individual_spike_trains": False}, 4, 500.0, 1)
    assert shared[0].size > 5 and all(np.array_equal(shared[0], t) for t in shared[1:])
    own = face_trains(MODEL, base, 4, 500.0, 1)
    assert not any(np.array_equal(own[0], t) for t in own[1:])


def _build(threads: int) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=0.1, seed=7, threads=threads)
    p = sim.create("parrot_neuron", 20, label="p")
    g1 = sim.create(MODEL, params={"rate": 60.0, "amplitude": 30.0, "frequency": 8.0, "order": 3.0})
    g2 = sim.create(MODEL, params={"rate": 200.0, "order": 1.5, "start": 20.0, "stop": 180.0})
    sim.connect(g1, p[:12])
    sim.connect(g2, p[8:], syn_spec={"delay": 1.5})
    sr = sim.create("spike_recorder", label="sr")
    sim.connect(p, sr)
    mm = sim.create("multimeter", params={"record_from": ["rate"], "interval": 0.1}, label="mm")
    sim.connect(mm, g1)
    return sim


def test_one_and_two_threads_identical():
    ev = threads_identical(_build, 250.0)
    assert ev["sr_times"].size > 200


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
