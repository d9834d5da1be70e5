"""noise_generator: NEST's checks, the currents it draws (held for dt, independent per
target), threads, checkpoints, and NEST 3.10's statistics over seeds
(tests/data/nest/cases/noise_generator_stat.json, made by tools/make_reference_generators.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty
from spikesim.models.noise_generator import NoiseGenerator

from .gen_helpers import checkpoint_identical, threads_identical

H = 0.1


def test_defaults_as_nest():
    # NEST 3.10 models/noise_generator.cpp (dt: 10 steps of the default resolution 0.1 ms)
    g = spikesim.Simulator(resolution=H).create("noise_generator").get()
    assert {k: g[k] for k in ("mean", "std", "std_mod", "frequency", "phase", "dt")} == \
        {"mean": 0.0, "std": 0.0, "std_mod": 0.0, "frequency": 0.0, "phase": 0.0, "dt": 1.0}


@pytest.mark.parametrize(("params", "key"), [
    ({"std": -1.0}, "std"), ({"std": 1.0, "std_mod": -0.5}, "std_mod"), ({"std": 1.0, "std_mod": 2.0}, "std_mod"),
    ({"dt": 0.25}, "dt"), ({"dt": -1.0}, "dt"),
])
def test_nest_checks_name_the_parameter_and_leave_the_node_unchanged(params, key):
    sim = spikesim.Simulator(resolution=H)
    g = sim.create("noise_generator", params={"std": 5.0})
    before = g.get()
    with pytest.raises(BadProperty, match=key):
        g.set(params)
    assert g.get() == before
    with pytest.raises(BadProperty, match=key):
        sim.create("noise_generator", params=params)


def _currents(params: dict, n_targets: int, steps: int, seed: int = 3) -> np.ndarray:
    p = {**NoiseGenerator.params, **params}
    tg = np.arange(1, n_targets + 1, dtype=np.int64) + 10
    prep = NoiseGenerator.prepare_targets([p], np.zeros(n_targets, np.int64), np.full(n_targets, 1), tg, H, seed)
    return np.concatenate([NoiseGenerator.currents_targets(prep, H, s0, 10) for s0 in range(0, steps, 10)])


def test_values_are_held_for_dt_and_drawn_independently_per_target():
    cur = _currents({"mean": 50.0, "std": 20.0, "dt": 0.5}, 400, 2000)
    held = cur.reshape(400, 5, 400)  # 5 steps of 0.1 ms per draw of 0.5 ms (first active step is 0)
    assert np.all(held == held[:, :1, :])
    draws = held[:, 0, :]
    # 160000 draws: mean 50 +- 3 * 20/400, std 20 +- 3 * 20/sqrt(2 * 160000)
    assert abs(draws.mean() - 50.0) < 3 * 20.0 / 400
    assert abs(draws.std() - 20.0) < 3 * 20.0 / math.sqrt(2 * draws.size)
    # independent targets: the sum over 400 targets has variance 400 std^2 (400 draws of it:
    # relative standard error sqrt(2/400)); a common component would inflate it
    total = (draws - 50.0).sum(axis=1)
    assert abs(total.var() / (400 * 20.0 ** 2) - 1.0) < 3 * math.sqrt(2 / 400)
    lag = np.corrcoef(draws[:-1].ravel(), draws[1:].ravel())[0, 1]  # between successive draws
    assert abs(lag) < 3 / math.sqrt(draws.size)


def test_modulated_variance_follows_nest_formula():
    # var = std^2 + sin(omega t + phi) std_mod^2, t = end of the drawing step
    f, std, mod = 10.0, 30.0, 25.0
    cur = _currents({"std": std, "std_mod": mod, "frequency": f, "dt": 0.1}, 4000, 1000)
    t = (np.arange(1000) + 1) * H
    var = std ** 2 + np.sin(2 * math.pi * f / 1000.0 * t) * mod ** 2
    z = cur / np.sqrt(var)[:, None]  # standard normal if the variance is right
    assert abs(z.var() - 1.0) < 3 * math.sqrt(2.0 / z.size)
    # and the two halves of the cycle differ as the formula says
    hi, lo = cur[(t % 100.0) < 50.0].var(), cur[(t % 100.0) >= 50.0].var()
    assert hi > std ** 2 * 1.3 and lo < std ** 2 * 0.8


def test_seed_changes_the_draws():
    a = _currents({"std": 1.0}, 3, 100, seed=1)
    b = _currents({"std": 1.0}, 3, 100, seed=2)
    assert not np.array_equal(a, b)


def _build(threads: int) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=H, seed=11, threads=threads)
    n = sim.create("iaf_psc_alpha", 30, label="n")
    ng = sim.create("noise_generator", 2, params=[{"mean": 350.0, "std": 200.0, "dt": 0.3},
                                                   {"mean": 20.0, "std": 100.0, "std_mod": 50.0,
                                                    "frequency": 7.0, "start": 20.0}])
    sim.connect(ng, n, syn_spec={"delay": 1.2})
    dc = sim.create("dc_generator", params={"amplitude": 30.0})
    sim.connect(dc, n)
    sr = sim.create("spike_recorder", label="sr")
    sim.connect(n, sr)
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": H}, label="mm")
    sim.connect(mm, n[:3])
    return sim


def test_one_and_two_threads_identical():
    ev = threads_identical(_build, 200.0)
    assert ev["sr_times"].size > 100


def test_checkpoint_restore_continues_identically(tmp_path):
    # 57.3 ms is inside a draw interval of 0.3 ms: the held value must continue
    ev = checkpoint_identical(_build, 57.3, 80.0, tmp_path / "ck.h5")
    assert ev["sr_times"].size > 50


@pytest.mark.slow
@pytest.mark.reference
def test_statistics_match_nest_over_seeds():
    from tests.reference import stats
    case, values = stats.run_seeds("noise_generator_stat")
    n = len(case["expected"]["seeds"])
    for measure, vals in values.items():
        ref = case["expected"]["statistics"][measure]
        se = math.sqrt(ref["std"] ** 2 / n + float(np.var(vals, ddof=1)) / n)
        got = float(np.mean(vals))
        print(f"{measure}: spikesim {got:.5g} NEST {ref['mean']:.5g} se {se:.3g}")
        assert abs(got - ref["mean"]) <= 3 * se, f"{measure}: spikesim {got:.5g}, NEST {ref['mean']:.5g} ± 3 × {se:.3g}"
