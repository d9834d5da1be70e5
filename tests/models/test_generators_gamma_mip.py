"""gamma_sup_generator and mip_generator: defaults and checks as NEST 3.10, the binomial
sampler, threads, continued runs and checkpoints, the window rules against NEST
(tests/data/nest/cases/gamma_mip_window_edges.json) and NEST's statistics over 20 seeds
(gamma_mip_generators_stat.json); both made by tools/make_reference_gamma_mip.py."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty
from spikesim.kernel.gamma_mip import binomial
from tests.reference import cases

from .gamma_mip_measures import distinct_times, measure
from .gen_helpers import checkpoint_identical, threads_identical

H = 0.1
ROOT = Path(__file__).resolve().parents[2]


def test_defaults_as_nest():
    # NEST 3.10 models/gamma_sup_generator.cpp and mip_generator.cpp, Parameters_()
    sim = spikesim.Simulator(resolution=H)
    g = sim.create("gamma_sup_generator").get()
    assert {k: g[k] for k in ("rate", "gamma_shape", "n_proc", "origin", "start")} == \
        {"rate": 0.0, "gamma_shape": 1, "n_proc": 1, "origin": 0.0, "start": 0.0}
    m = sim.create("mip_generator").get()
    assert {k: m[k] for k in ("rate", "p_copy", "origin", "start")} == \
        {"rate": 0.0, "p_copy": 1.0, "origin": 0.0, "start": 0.0}


@pytest.mark.parametrize(("model", "params", "key", "text"), [
    ("gamma_sup_generator", {"gamma_shape": 0}, "gamma_shape", "larger or equal 1"),
    ("gamma_sup_generator", {"gamma_shape": 2.5}, "gamma_shape", "integer"),
    ("gamma_sup_generator", {"rate": -1.0}, "rate", ">= 0"),
    ("gamma_sup_generator", {"n_proc": 0}, "n_proc", ">= 1"),
    ("gamma_sup_generator", {"rate": 6000.0, "gamma_shape": 2}, "rate", "<= 5000 spikes/s"),
    ("gamma_sup_generator", {"start": 1.05}, "start", "multiple of the resolution"),
    ("mip_generator", {"rate": -1.0}, "rate", "non-negative"),
    ("mip_generator", {"p_copy": 1.5}, "p_copy", r"\[0, 1\]"),
    ("mip_generator", {"p_copy": -0.1}, "p_copy", r"\[0, 1\]"),
    ("mip_generator", {"rate": "fast"}, "rate", "number"),
])
def test_checks_name_the_parameter_and_leave_the_node_unchanged(model, params, key, text):
    sim = spikesim.Simulator(resolution=H)
    g = sim.create(model, params={"rate": 10.0})
    before = g.get()
    with pytest.raises(BadProperty, match=rf"{model}: parameter '{key}'.*{text}"):
        g.set(params)
    assert g.get() == before
    with pytest.raises(BadProperty, match=key):
        sim.create(model, params=params)


@pytest.mark.parametrize(("n", "p"), [(1, 0.3), (7, 0.05), (40, 0.5), (25, 0.9), (400, 0.2), (5000, 0.01),
                                      (100000, 0.37)])
def test_binomial_sampler_gives_each_count_its_probability(n, p):
    # u on a regular grid of N points: a sampler that maps [0, 1) onto counts by intervals
    # of lengths pmf(k) (in any order) gives count k to N pmf(k) +- 1 of them
    N = 200_000
    u = (np.arange(N) + 0.5) / N
    k = np.array([binomial(n, p, x) for x in u])
    got = np.bincount(k, minlength=n + 1)
    ks = np.arange(n + 1)
    logpmf = np.array([math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) for j in ks]) \
        + ks * math.log(p) + (n - ks) * math.log1p(-p)
    want = N * np.exp(logpmf)
    assert np.all(np.abs(got - want) <= 1.0 + 1e-6 * N), np.max(np.abs(got - want))


def test_binomial_edges():
    assert binomial(0, 0.5, 0.9) == 0 and binomial(5, 0.0, 0.9) == 0 and binomial(5, 1.0, 0.0) == 5


def _build(threads: int) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=H, seed=5, threads=threads)
    p = sim.create("parrot_neuron", 30, label="p")
    n = sim.create("iaf_psc_alpha", 10, label="n")
    g1 = sim.create("gamma_sup_generator", params={"rate": 40.0, "gamma_shape": 4, "n_proc": 3})
    g2 = sim.create("gamma_sup_generator", params={"rate": 500.0, "gamma_shape": 2, "n_proc": 800, "start": 20.0})
    m1 = sim.create("mip_generator", params={"rate": 200.0, "p_copy": 0.4, "stop": 150.3})
    sim.connect(g1, p[:15])
    sim.connect(m1, p[15:])
    sim.connect(g1, p[:3])  # a second connection onto the same targets: its own train
    sim.connect(g2, n, syn_spec={"weight": 2.0, "delay": 1.5})
    sim.connect(m1, n, syn_spec={"weight": 25.0, "delay": 2.0})
    sr = sim.create("spike_recorder", label="sr")
    sim.connect(p, sr)
    sim.connect(n, sr)
    return sim


def test_one_and_two_threads_identical():
    ev = threads_identical(_build, 250.0)
    assert np.count_nonzero(ev["sr_senders"] <= 30) > 200
    assert np.count_nonzero(ev["sr_senders"] > 30) > 20  # the neurons spike too


def test_checkpoint_restore_continues_identically(tmp_path):
    ev = checkpoint_identical(_build, 57.3, 120.0, tmp_path / "ck.h5")
    assert ev["sr_times"].size > 200


def _parrot_trains(sim: spikesim.Simulator, ids: range) -> list[np.ndarray]:
    ev = sim.nodes("sr").get("events")[0]
    return [np.sort(ev["times"][ev["senders"] == i]) for i in ids]


def test_phases_carry_over_runs_and_new_connections():
    """Two runs equal one; a connection made between runs starts afresh and leaves the
    others' trains as they were (their phases are kept by stream)."""
    whole = _build(1)
    whole.simulate(200.0)
    split = _build(1)
    split.simulate(73.0)
    late = split.create("parrot_neuron", 2)
    split.connect(spikesim.NodeCollection(split, np.array([41])), late)  # g1 is node 41
    split.connect(late, split.nodes("sr"))
    split.simulate(127.0)
    a, b = _parrot_trains(whole, range(1, 31)), _parrot_trains(split, range(1, 31))
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert sum(t.size for t in _parrot_trains(split, range(late.ids[0], late.ids[-1] + 1))) > 5


def test_mip_targets_share_spikes_and_gamma_targets_do_not():
    sim = _build(1)
    sim.simulate(150.0)
    mip = _parrot_trains(sim, range(16, 31))
    gam = _parrot_trains(sim, range(1, 16))
    assert np.intersect1d(mip[0], mip[1]).size >= 3
    assert not np.array_equal(gam[0], gam[1])


def test_window_edges_match_nest():
    """Spikes in every active step: gamma per step (start < s h <= stop), mip per min_delay
    slice (the slice's first step inside the window), as NEST 3.10 gives."""
    case = cases.load("gamma_mip_window_edges")
    sim, _ = cases.run(case)
    ev = sim.nodes("sr").get("events")[0]
    for p in ("e", "f"):
        got = distinct_times(ev["senders"], ev["times"], sim.nodes(p).ids)
        assert got == case["expected"][p], p


@pytest.mark.slow
@pytest.mark.reference
def test_statistics_match_nest_over_seeds():
    case = cases.load("gamma_mip_generators_stat")
    n = len(case["expected"]["seeds"])
    values: dict[str, list[float]] = {}
    for seed in case["expected"]["seeds"]:
        sim, _ = cases.run(case, seed=seed)
        ev = sim.nodes("sr").get("events")[0]
        for spec in case["statistics"]["measures"]:
            ids = sim.nodes(spec["population"]).ids
            values.setdefault(spec["name"], []).append(
                measure(spec, ev["senders"], ev["times"], ids, sum(case["simulate"])))
    for name, vals in values.items():
        ref = case["expected"]["statistics"][name]
        se = math.sqrt(ref["std"] ** 2 / n + float(np.var(vals, ddof=1)) / n)
        got = float(np.mean(vals))
        print(f"{name}: spikesim {got:.5g} NEST {ref['mean']:.5g} se {se:.3g}")
        assert abs(got - ref["mean"]) <= 3 * se, f"{name}: spikesim {got:.5g}, NEST {ref['mean']:.5g} ± 3 × {se:.3g}"


SCRIPT = '''
import nest
nest.resolution = 0.1
nest.rng_seed = 3
g = nest.Create("gamma_sup_generator", params={"rate": 30.0, "gamma_shape": 2, "n_proc": 2})
m = nest.Create("mip_generator", params={"rate": 80.0, "p_copy": 0.5})
p = nest.Create("parrot_neuron", 4)
sr = nest.Create("spike_recorder")
nest.Connect(g, p[:2])
nest.Connect(m, p[2:])
nest.Connect(p, sr)
nest.Simulate(500.0)
print("keys", sorted(k for k in nest.GetDefaults("gamma_sup_generator") if k in ("rate", "gamma_shape", "n_proc")),
      sorted(k for k in nest.GetDefaults("mip_generator") if k in ("rate", "p_copy")))
print("events", sr.n_events, m.get("p_copy"), g.get("gamma_shape"))
'''


def test_nest_face_runs_a_script(tmp_path):
    script = tmp_path / "gm.py"
    script.write_text(SCRIPT)
    done = subprocess.run([sys.executable, "-m", "spikesim.nest", str(script)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "keys ['gamma_shape', 'n_proc', 'rate'] ['p_copy', 'rate']" in out
    line = next(x for x in out.splitlines() if x.startswith("events"))
    n_events = int(line.split()[1])
    assert 30 < n_events < 150 and line.endswith("0.5 2")  # about 2 x 30 + 2 x 20 spikes in 0.5 s
