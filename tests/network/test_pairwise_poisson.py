"""The pairwise_poisson rule (NEST 3.10's): a Poisson number of connections per pair.

Expected values: the Poisson distribution itself (mean and probabilities), NEST's rules
for the rule's keys (errors as NEST 3.10 raises them, run with ``import nest``), and
the whole call's pairs for a rank's part (as tests/network/test_local_rules.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import spikesim
from spikesim import rng
from spikesim.errors import BadProperty
from spikesim.network import rules, rules_pairwise


def _pairs(spec: dict, pre: np.ndarray, post: np.ndarray, keep: np.ndarray | None = None) -> tuple:
    return rules.pairs(rules.normalise(spec), pre, post, rng.generator(5, 0, rng.PURPOSE_CONNECT, 1), keep)


def test_counts_per_pair_follow_the_poisson_distribution() -> None:
    lam, n = 0.5, 200
    ids = np.arange(1, n + 1)
    s, t, shape = _pairs({"rule": "pairwise_poisson", "pairwise_avg_num_conns": lam}, ids, ids)
    assert shape == (s.size,)
    counts = np.bincount((t - 1) * n + (s - 1), minlength=n * n)
    # mean within 4 standard errors; each count's frequency within 4 SE of its probability
    assert abs(counts.mean() - lam) < 4 * math.sqrt(lam / counts.size)
    for k in range(4):
        p = math.exp(-lam) * lam**k / math.factorial(k)
        assert abs(np.mean(counts == k) - p) < 4 * math.sqrt(p * (1 - p) / counts.size)
    assert np.all(np.diff(t) >= 0)  # target-major, a pair's connections side by side


def test_without_autapses_no_pair_connects_a_node_to_itself() -> None:
    ids = np.arange(1, 41)
    s, t, _ = _pairs({"rule": "pairwise_poisson", "pairwise_avg_num_conns": 3.0, "allow_autapses": False}, ids, ids)
    assert s.size > 0 and not np.any(s == t)


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_a_ranks_part_is_the_whole_calls_pairs_onto_its_targets(monkeypatch, chunk) -> None:
    monkeypatch.setattr(rules_pairwise, "BLOCK_DRAWS", chunk * 40)
    ids = np.arange(1, 41)
    spec = {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 1.5}
    s, t, _ = _pairs(spec, ids, ids)
    for r, procs in ((0, 2), (1, 2), (2, 3)):
        keep = (ids - 1) % procs == r
        ls, lt, _ = _pairs(spec, ids, ids, keep)
        mine = np.isin(t, ids[keep])
        assert np.array_equal(ls, s[mine]) and np.array_equal(lt, t[mine])


@pytest.mark.parametrize(("extra", "key"), [
    ({"allow_multapses": False}, "allow_multapses"),  # NEST: "Multapses must be allowed for this connection rule."
    ({"pairwise_avg_num_conns": -1.0}, "pairwise_avg_num_conns"),  # NEST: "0 ≤ pairwise_avg_num_conns required."
    ({"pairwise_avg_num_conns": None}, "pairwise_avg_num_conns"),  # NEST: an error (IndexError map::at)
])
def test_bad_specifications_are_refused_and_connect_nothing(extra: dict, key: str) -> None:
    sim = spikesim.Simulator()
    a = sim.create("iaf_psc_alpha", 5)
    spec = {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 0.5, **extra}
    if spec["pairwise_avg_num_conns"] is None:
        del spec["pairwise_avg_num_conns"]
    with pytest.raises(BadProperty, match=key):
        sim.connect(a, a, spec)
    assert len(sim.get_connections()) == 0


def test_weights_arrays_are_refused_and_random_weights_taken() -> None:
    sim = spikesim.Simulator(seed=2)
    a = sim.create("iaf_psc_alpha", 10)
    with pytest.raises(BadProperty, match="random number of connections"):
        sim.connect(a, a, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 1.0}, {"weight": np.ones(100)})
    sim.connect(a, a, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 1.0},
                {"weight": spikesim.uniform(1.0, 2.0)})
    w = np.asarray(sim.get_connections().get("weight"))
    assert w.size > 0 and np.all((w >= 1.0) & (w < 2.0))
