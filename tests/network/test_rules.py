"""Connection rules: degrees, autapses, multapses, counts, seeds, and their errors."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty


def _net(n_pre=20, n_post=20, seed=7, same=False):
    sim = spikesim.Simulator(resolution=0.1, seed=seed)
    pre = sim.create("iaf_psc_delta", n_pre)
    post = pre if same else sim.create("iaf_psc_delta", n_post)
    return sim, pre, post


def _pairs(sim, **kw):
    c = sim.get_connections(**kw)
    return c.get("source"), c.get("target")


def _multapses(s, t):
    pairs = s * 10_000 + t
    return pairs.size - np.unique(pairs).size


def test_all_to_all():
    sim, pre, post = _net(3, 4)
    sim.connect(pre, post)  # the default rule
    s, t = _pairs(sim)
    assert s.size == 12 and _multapses(s, t) == 0
    assert sorted(zip(s.tolist(), t.tolist(), strict=True)) == [(i, j) for i in (1, 2, 3) for j in (4, 5, 6, 7)]


def test_all_to_all_without_autapses():
    sim, n, _ = _net(5, same=True)
    sim.connect(n, n, {"rule": "all_to_all", "allow_autapses": False})
    s, t = _pairs(sim)
    assert s.size == 20 and not np.any(s == t)


def test_one_to_one_with_collections_and_with_arrays_of_ids():
    sim, pre, post = _net(4, 4)
    sim.connect(pre, post, "one_to_one")
    s, t = _pairs(sim)
    assert s.tolist() == [1, 2, 3, 4] and t.tolist() == [5, 6, 7, 8]
    sim2, _, _ = _net(4, 4)
    sim2.connect(np.array([4, 1, 2]), np.array([5, 8, 6]), "one_to_one")  # any order, pairwise
    s, t = _pairs(sim2)
    assert sorted(zip(s.tolist(), t.tolist(), strict=True)) == [(1, 8), (2, 6), (4, 5)]
    sim2.connect([3, 3], [7, 7], "one_to_one")  # plain lists, repeated ids: a multapse
    assert _pairs(sim2, source=[3])[1].tolist() == [7, 7]


def test_fixed_indegree_degrees_autapses_and_multapses():
    sim, n, _ = _net(30, same=True)
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 10, "allow_autapses": False,
                       "allow_multapses": False})
    s, t = _pairs(sim)
    assert np.bincount(t, minlength=31)[1:].tolist() == [10] * 30
    assert not np.any(s == t) and _multapses(s, t) == 0
    assert np.unique(s).size > 20  # sources are drawn, not the same few


def test_fixed_indegree_with_multapses_allows_repeats():
    sim, pre, post = _net(3, 50)
    sim.connect(pre, post, {"rule": "fixed_indegree", "indegree": 6})
    s, t = _pairs(sim)
    assert np.bincount(t - 3, minlength=51)[1:].tolist() == [6] * 50
    assert _multapses(s, t) > 0  # 6 draws from 3 sources must repeat


def test_fixed_outdegree():
    sim, n, _ = _net(25, same=True)
    sim.connect(n, n, {"rule": "fixed_outdegree", "outdegree": 7, "allow_autapses": False,
                       "allow_multapses": False})
    s, t = _pairs(sim)
    assert np.bincount(s, minlength=26)[1:].tolist() == [7] * 25
    assert not np.any(s == t) and _multapses(s, t) == 0


@pytest.mark.parametrize("multi", [True, False])
def test_fixed_total_number(multi):
    sim, n, _ = _net(10, same=True)
    sim.connect(n, n, {"rule": "fixed_total_number", "N": 60, "allow_autapses": False, "allow_multapses": multi})
    s, t = _pairs(sim)
    assert s.size == 60 and not np.any(s == t)
    if not multi:
        assert _multapses(s, t) == 0


def test_pairwise_bernoulli_count_and_autapses():
    sim, n, _ = _net(100, same=True)
    sim.connect(n, n, {"rule": "pairwise_bernoulli", "p": 0.1, "allow_autapses": False})
    s, t = _pairs(sim)
    expected = 0.1 * 100 * 99
    assert abs(s.size - expected) < 4 * np.sqrt(expected * 0.9)
    assert not np.any(s == t) and _multapses(s, t) == 0
    sim.connect(n[:5], n[:5], {"rule": "pairwise_bernoulli", "p": 1.0})
    sim.connect(n[:5], n[:5], {"rule": "pairwise_bernoulli", "p": 0.0})
    assert len(sim.get_connections()) == s.size + 25


@pytest.mark.parametrize("spec", [
    {"rule": "fixed_indegree", "indegree": 5},
    {"rule": "fixed_outdegree", "outdegree": 5},
    {"rule": "fixed_total_number", "N": 100},
    {"rule": "pairwise_bernoulli", "p": 0.2},
])
def test_same_seed_same_connections_other_seed_others(spec):
    def conns(seed):
        sim, pre, post = _net(30, 30, seed=seed)
        sim.connect(pre, post, spec, {"weight": spikesim.normal(1.0, 0.5)})
        c = sim.get_connections()
        return c.get("source"), c.get("target"), c.get("weight")

    a, b, c = conns(11), conns(11), conns(12)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, c, strict=True))


def test_successive_connect_calls_draw_different_connections():
    sim, pre, post = _net(30, 30)
    spec = {"rule": "fixed_indegree", "indegree": 5}
    sim.connect(pre, post[:15], spec)
    sim.connect(pre, post[15:], spec)  # the same draw again would repeat the first call's sources
    first = sim.get_connections(target=post[:15])
    second = sim.get_connections(target=post[15:])
    key = lambda c: np.sort(c.get("source") * 100 + c.get("target") % 15)  # noqa: E731
    assert len(first) == len(second) == 75
    assert not np.array_equal(key(first), key(second))


def test_conn_spec_errors():
    sim, n, _ = _net(3, same=True)
    with pytest.raises(BadProperty, match=r"connect: parameter 'conn_spec' = 3 is not allowed; give a rule "
                                          r"name or a dict with 'rule'"):
        sim.connect(n, n, 3)
    with pytest.raises(BadProperty, match=r"connect: parameter 'outdegree' = 2 is not allowed; rule "
                                          r"'fixed_indegree' takes the keys \['allow_autapses', 'allow_multapses', "
                                          r"'indegree', 'rule'\]"):
        sim.connect(n, n, {"rule": "fixed_indegree", "outdegree": 2, "indegree": 1})
    with pytest.raises(BadProperty, match="connect: rule 'fixed_total_number' needs the key 'N'"):
        sim.connect(n, n, {"rule": "fixed_total_number"})
    with pytest.raises(BadProperty, match=r"connect: parameter 'allow_autapses' = 'no' is not allowed; it must be "
                                          r"True or False"):
        sim.connect(n, n, {"rule": "all_to_all", "allow_autapses": "no"})
    with pytest.raises(BadProperty, match=r"connect: parameter 'p' = 'half' is not allowed; it must be a "
                                          r"probability in \[0, 1\]"):
        sim.connect(n, n, {"rule": "pairwise_bernoulli", "p": "half"})
    assert len(sim.get_connections()) == 0


@pytest.mark.parametrize("spec, pattern", [
    ({"rule": "fixed_indegree", "indegree": -1}, r"'indegree' = -1 is not allowed; it must be a non-negative integer"),
    ({"rule": "fixed_outdegree", "outdegree": 2.5}, r"'outdegree' = 2.5 is not allowed; it must be a non-negative"),
    ({"rule": "fixed_total_number", "N": True}, r"'N' = True is not allowed; it must be a non-negative integer"),
    ({"rule": "fixed_outdegree", "outdegree": 4, "allow_multapses": False},
     r"'outdegree' = 4 is not allowed; at most 3 without multapses"),
    ({"rule": "fixed_indegree", "indegree": 3, "allow_multapses": False, "allow_autapses": False},
     r"'indegree' = 3 is not allowed; node 1 has only 2 distinct partners"),
    ({"rule": "fixed_total_number", "N": 7, "allow_multapses": False, "allow_autapses": False},
     r"'N' = 7 is not allowed; at most 6 connections without multapses"),
])
def test_degree_errors(spec, pattern):
    sim, n, _ = _net(3, same=True)
    with pytest.raises(BadProperty, match="connect: parameter " + pattern):
        sim.connect(n, n, spec)
    assert len(sim.get_connections()) == 0


def test_impossible_draws_raise_instead_of_looping():
    sim, n, _ = _net(3, same=True)
    one = n[:1]
    with pytest.raises(BadProperty, match=r"'indegree' = 1 is not allowed; node 1 is the only partner and "
                                          r"allow_autapses is False"):
        sim.connect(one, one, {"rule": "fixed_indegree", "indegree": 1, "allow_autapses": False})
    with pytest.raises(BadProperty, match=r"'N' = 2 is not allowed; node 1 is the only source and target and "
                                          r"allow_autapses is False"):
        sim.connect(one, one, {"rule": "fixed_total_number", "N": 2, "allow_autapses": False})
    with pytest.raises(BadProperty, match=r"'indegree' = 1 is not allowed; there are no nodes to draw partners from"):
        sim.connect(n[0:0], n, {"rule": "fixed_indegree", "indegree": 1})
    with pytest.raises(BadProperty, match=r"'N' = 4 is not allowed; there are no sources or no targets to connect"):
        sim.connect(n, n[0:0], {"rule": "fixed_total_number", "N": 4})
    assert len(sim.get_connections()) == 0


@pytest.mark.parametrize("factory, args, pattern", [
    (spikesim.normal, (0.0, -1.0), r"normal: parameter 'std' = -1.0 is not allowed; it must be > 0"),
    (spikesim.normal, ("a", 1.0), r"normal: parameter 'mean' = 'a' is not allowed; it must be a number"),
    (spikesim.uniform, (2.0, 1.0), r"uniform: parameter 'max' = 1.0 is not allowed; it must be > min \(2.0\)"),
    (spikesim.lognormal, (0.0, -0.5), r"lognormal: parameter 'std' = -0.5 is not allowed; it must be > 0"),
    (spikesim.exponential, (0.0,), r"exponential: parameter 'beta' = 0.0 is not allowed; it must be > 0"),
])
def test_random_parameter_errors(factory, args, pattern):
    with pytest.raises(BadProperty, match=pattern):
        factory(*args)


def _weights(dist):
    sim, pre, post = _net(40, 50)
    sim.connect(pre, post, "all_to_all", {"weight": dist})
    return sim.get_connections().get("weight")


def test_random_parameters_have_their_distributions():
    logn = _weights(spikesim.lognormal(0.0, 0.5))
    expo = _weights(spikesim.exponential(2.0))
    unif = _weights(spikesim.uniform(-1.0, 1.0))
    norm = _weights(spikesim.normal(3.0, 0.5))
    assert logn.size == 2000
    assert abs(np.median(logn) - 1.0) < 0.1 and logn.min() > 0
    assert abs(expo.mean() - 2.0) < 0.2 and expo.min() >= 0
    assert unif.min() >= -1.0 and unif.max() < 1.0 and abs(unif.mean()) < 0.05
    assert abs(norm.mean() - 3.0) < 0.05 and abs(norm.std() - 0.5) < 0.05
