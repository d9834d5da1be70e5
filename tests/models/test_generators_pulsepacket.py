"""pulsepacket_generator: defaults, NEST's checks, threads, checkpoints, and NEST 3.10's
statistics over 20 seeds (tests/data/nest/cases/pulsepacket_generator_stat.json, made by
tools/make_reference_generators.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty

from .gen_helpers import checkpoint_identical, threads_identical

H = 0.1


def test_defaults_as_nest():
    # NEST 3.10 models/pulsepacket_generator.cpp
    g = spikesim.Simulator(resolution=H).create("pulsepacket_generator").get()
    assert np.asarray(g["pulse_times"]).size == 0
    assert np.ravel(g["activity"]).tolist() == [0] and np.ravel(g["sdev"]).tolist() == [0.0]


@pytest.mark.parametrize(("params", "key"), [({"activity": -1}, "activity"), ({"sdev": -0.5}, "sdev"),
                                             ({"activity": 2.5}, "activity")])
def test_nest_checks_name_the_parameter_and_leave_the_node_unchanged(params, key):
    sim = spikesim.Simulator(resolution=H)
    g = sim.create("pulsepacket_generator", params={"pulse_times": [10.0], "activity": 3, "sdev": 1.0})
    before = g.get()
    with pytest.raises(BadProperty, match=key):
        g.set(params)
    assert g.get() == before


def test_zero_sdev_puts_the_whole_packet_in_the_pulse_step():
    # derivation: x = pulse time exactly -> step ceil(x/h), stamp one step later; parrot delay 1 ms
    sim = spikesim.Simulator(resolution=H)
    g = sim.create("pulsepacket_generator", params={"pulse_times": [10.0, 30.05], "activity": 4, "sdev": 0.0})
    p = sim.create("parrot_neuron")
    sim.connect(g, p)
    sr = sim.create("spike_recorder")
    sim.connect(p, sr)
    sim.simulate(50.0)
    t = sr.get("events")[0]["times"]
    np.testing.assert_allclose(t, [11.1] * 4 + [31.2] * 4)


def _build(threads: int) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=H, seed=4, threads=threads)
    p = sim.create("parrot_neuron", 5, label="p")
    n = sim.create("iaf_psc_alpha", 10, label="n")
    g = sim.create("pulsepacket_generator", 2, params=[{"pulse_times": [20.0, 60.0, 110.0], "activity": 40,
                                                        "sdev": 2.0}, {"pulse_times": [50.0], "activity": 100,
                                                                       "sdev": 5.0, "start": 48.0}])
    sim.connect(g, p)
    sim.connect(g, n, syn_spec={"weight": 60.0, "delay": 1.4})
    sr = sim.create("spike_recorder", label="sr")
    sim.connect(p, sr)
    sim.connect(n, sr)
    return sim


def test_one_and_two_threads_identical():
    ev = threads_identical(_build, 150.0)
    assert np.count_nonzero(ev["sr_senders"] > 5) > 10


def test_checkpoint_restore_continues_identically(tmp_path):
    ev = checkpoint_identical(_build, 57.3, 80.0, tmp_path / "ck.h5")
    assert ev["sr_times"].size > 100


@pytest.mark.slow
@pytest.mark.reference
def test_statistics_match_nest_over_seeds():
    from tests.reference import stats
    case, values = stats.run_seeds("pulsepacket_generator_stat")
    n = len(case["expected"]["seeds"])
    for measure, vals in values.items():
        ref = case["expected"]["statistics"][measure]
        se = math.sqrt(ref["std"] ** 2 / n + float(np.var(vals, ddof=1)) / n)
        got = float(np.mean(vals))
        print(f"{measure}: spikesim {got:.5g} NEST {ref['mean']:.5g} se {se:.3g}")
        assert abs(got - ref["mean"]) <= 3 * se, f"{measure}: spikesim {got:.5g}, NEST {ref['mean']:.5g} ± 3 × {se:.3g}"
