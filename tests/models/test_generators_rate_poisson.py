"""sinusoidal_poisson_generator and inhomogeneous_poisson_generator: defaults, NEST's
checks, threads, checkpoints, and NEST 3.10's statistics over 20 seeds
(tests/data/nest/cases/rate_poisson_generators_stat.json, made by
tools/make_reference_generators.py): rates overall and per window, Fano factor across
targets (0 for a shared train), CV of ISIs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty

from .gen_helpers import checkpoint_identical, threads_identical

H = 0.1


def test_defaults_as_nest():
    # NEST 3.10 models/sinusoidal_poisson_generator.cpp, inhomogeneous_poisson_generator.cpp
    sim = spikesim.Simulator(resolution=H)
    g = sim.create("sinusoidal_poisson_generator").get()
    assert {k: g[k] for k in ("rate", "amplitude", "frequency", "phase", "individual_spike_trains")} == \
        {"rate": 0.0, "amplitude": 0.0, "frequency": 0.0, "phase": 0.0, "individual_spike_trains": True}
    g = sim.create("inhomogeneous_poisson_generator").get()
    assert np.asarray(g["rate_times"]).size == 0 and np.asarray(g["rate_values"]).size == 0
    assert not np.ravel(g["allow_offgrid_times"]).any()


@pytest.mark.parametrize(("params", "key"), [
    ({"rate_times": [1.0, 2.0], "rate_values": [3.0]}, "rate_values"),
    ({"rate_times": [2.0, 1.0], "rate_values": [3.0, 4.0]}, "rate_times"),
    ({"rate_times": [1.0, 1.0], "rate_values": [3.0, 4.0]}, "rate_times"),
    ({"rate_times": [0.0], "rate_values": [3.0]}, "rate_times"),
    ({"rate_times": [1.05], "rate_values": [3.0]}, "rate_times"),
])
def test_inhomogeneous_checks_name_the_parameter_and_leave_the_node_unchanged(params, key):
    sim = spikesim.Simulator(resolution=H)
    g = sim.create("inhomogeneous_poisson_generator", params={"rate_times": [5.0], "rate_values": [10.0]})
    before = g.get()
    with pytest.raises(BadProperty, match=key):
        g.set(params)
    assert g.get() == before


def test_offgrid_rate_times_are_stored_rounded_up_when_allowed():
    # NEST 3.10 (its testsuite's test_allow_offgrid_time_point): 1.23 ms is stored as 1.3 ms
    sim = spikesim.Simulator(resolution=0.1)
    g = sim.create("inhomogeneous_poisson_generator",
                   params={"allow_offgrid_times": True, "rate_times": [1.05], "rate_values": [3.0]})
    assert np.ravel(g.get("rate_times")).tolist() == [1.1]
    g.set({"rate_times": [1.23, 2.0], "rate_values": [10.0, 5.0]})
    assert np.ravel(g.get("rate_times")).tolist() == [1.3, 2.0]


@pytest.mark.parametrize(("params", "text"), [
    ({"rate_values": [10.0]}, "Rate times and values must be reset together"),
    ({"rate_times": [3.0]}, "Rate times and values must be reset together"),
    ({"allow_offgrid_times": True}, "Option can only be set together with rate times"),
])
def test_keys_set_together_as_nest(params, text):
    sim = spikesim.Simulator(resolution=0.1)
    g = sim.create("inhomogeneous_poisson_generator", params={"rate_times": [1.2], "rate_values": [10.0]})
    before = g.get()
    with pytest.raises(BadProperty, match=text):
        g.set(params)
    assert g.get() == before
    g.set({"allow_offgrid_times": True, "rate_times": [1.25], "rate_values": [1.0]})  # together: allowed
    assert np.ravel(g.get("rate_times")).tolist() == [1.3]


def _build(threads: int) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=H, seed=21, threads=threads)
    p = sim.create("parrot_neuron", 40, label="p")
    n = sim.create("iaf_psc_alpha", 20, label="n")
    sp = sim.create("sinusoidal_poisson_generator", params={"rate": 80.0, "amplitude": 60.0, "frequency": 8.0})
    sh = sim.create("sinusoidal_poisson_generator", params={"rate": 40.0, "amplitude": 40.0, "frequency": 3.0,
                                                             "individual_spike_trains": False})
    ip = sim.create("inhomogeneous_poisson_generator",
                    params={"rate_times": [10.0, 60.3], "rate_values": [3000.0, 9000.0], "start": 5.0})
    sim.connect(sp, p[:20])
    sim.connect(sh, p[20:])
    sim.connect(ip, n, syn_spec={"weight": 30.0, "delay": 1.5})
    sr = sim.create("spike_recorder", label="sr")
    sim.connect(p, sr)
    sim.connect(n, sr)
    return sim


def test_one_and_two_threads_identical():
    ev = threads_identical(_build, 300.0)
    assert np.count_nonzero(ev["sr_senders"] > 40) > 50  # the neurons spike too


def test_shared_train_is_the_same_for_every_target():
    sim = _build(1)
    sim.simulate(300.0)
    ev = sim.nodes("sr").get("events")[0]
    trains = [ev["times"][ev["senders"] == i] for i in range(21, 41)]
    assert trains[0].size > 3 and all(np.array_equal(trains[0], t) for t in trains)
    own = [ev["times"][ev["senders"] == i] for i in range(1, 21)]
    assert not np.array_equal(own[0], own[1])


def test_checkpoint_restore_continues_identically(tmp_path):
    ev = checkpoint_identical(_build, 57.3, 80.0, tmp_path / "ck.h5")
    assert ev["sr_times"].size > 50


@pytest.mark.slow
@pytest.mark.reference
def test_statistics_match_nest_over_seeds():
    from tests.reference import stats
    case, values = stats.run_seeds("rate_poisson_generators_stat")
    n = len(case["expected"]["seeds"])
    for measure, vals in values.items():
        ref = case["expected"]["statistics"][measure]
        se = math.sqrt(ref["std"] ** 2 / n + float(np.var(vals, ddof=1)) / n)
        got = float(np.mean(vals))
        print(f"{measure}: spikesim {got:.5g} NEST {ref['mean']:.5g} se {se:.3g}")
        assert abs(got - ref["mean"]) <= 3 * se, f"{measure}: spikesim {got:.5g}, NEST {ref['mean']:.5g} ± 3 × {se:.3g}"
