"""A rank's part of fixed_outdegree and fixed_total_number, drawn block by block.

Under MPI every rank draws the whole call's stream but keeps only the pairs onto its
targets (``rules.pairs`` with ``keep``).  The expected pairs are the whole call's
(``keep`` None, as a one-process run makes them) filtered by target, in the same
order; blocks are made tiny so that many block boundaries (and autapses redrawn across
them) are crossed.
"""

from __future__ import annotations

import numpy as np
import pytest

from spikesim import rng
from spikesim.errors import BadProperty
from spikesim.network import rules


def _gen(call: int = 3) -> np.random.Generator:
    return rng.generator(11, 0, rng.PURPOSE_CONNECT, call)


def _both(spec: dict, pre: np.ndarray, post: np.ndarray, keep: np.ndarray) -> tuple:
    spec = rules.normalise(spec)
    s, t, _ = rules.pairs(spec, pre, post, _gen(), None)
    mine = np.isin(t, post[keep])
    ls, lt, shape = rules.pairs(spec, pre, post, _gen(), keep)
    return (s[mine], t[mine]), (ls, lt), shape


SPECS = [
    {"rule": "fixed_outdegree", "outdegree": 9},
    {"rule": "fixed_outdegree", "outdegree": 9, "allow_autapses": False},
    {"rule": "fixed_outdegree", "outdegree": 7, "allow_autapses": False, "allow_multapses": False},
    {"rule": "fixed_outdegree", "outdegree": 7, "allow_multapses": False},
    {"rule": "fixed_total_number", "N": 3000},
    {"rule": "fixed_total_number", "N": 3000, "allow_autapses": False},
    {"rule": "fixed_total_number", "N": 300, "allow_multapses": False, "allow_autapses": False},
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(f"{v}" for v in s.values()))
@pytest.mark.parametrize("chunk", [5, 64, 1 << 20])
def test_the_kept_pairs_are_the_whole_calls_pairs_onto_kept_targets(monkeypatch, spec, chunk):
    monkeypatch.setattr(rules, "CHUNK", chunk)
    ids = np.arange(1, 41)  # the same nodes as sources and targets: autapses are drawn
    for r, procs in ((0, 2), (1, 2), (0, 3), (2, 3)):
        keep = (ids - 1) % procs == r
        whole, part, shape = _both(spec, ids, ids, keep)
        assert whole[0].size > 0
        assert np.array_equal(whole[0], part[0]) and np.array_equal(whole[1], part[1]), (r, procs)
        assert shape == (part[0].size,)
        if not spec.get("allow_autapses", True):
            assert not np.any(part[0] == part[1])


def test_distinct_populations_and_unsorted_targets(monkeypatch):
    monkeypatch.setattr(rules, "CHUNK", 16)
    pre, post = np.arange(1, 31), np.array([44, 41, 50, 47, 42, 60, 43, 45])
    keep = np.array([True, False, True, False, False, True, True, False])
    for spec in ({"rule": "fixed_outdegree", "outdegree": 5}, {"rule": "fixed_total_number", "N": 500}):
        whole, part, _ = _both(spec, pre, post, keep)
        assert np.array_equal(whole[0], part[0]) and np.array_equal(whole[1], part[1])
        assert set(part[1].tolist()) <= {44, 50, 60, 43}


def test_keeping_no_target_makes_no_pair_and_the_errors_are_the_whole_calls():
    ids = np.arange(1, 11)
    spec = rules.normalise({"rule": "fixed_outdegree", "outdegree": 4})
    s, t, shape = rules.pairs(spec, ids, ids, _gen(), np.zeros(10, dtype=bool))
    assert s.size == t.size == 0 and shape == (0,)
    one = np.array([5])
    for conn in ({"rule": "fixed_outdegree", "outdegree": 2, "allow_autapses": False},
                 {"rule": "fixed_total_number", "N": 2, "allow_autapses": False},
                 {"rule": "fixed_outdegree", "outdegree": 2, "allow_multapses": False}):
        spec = rules.normalise(conn)
        with pytest.raises(BadProperty) as whole:
            rules.pairs(spec, one, one, _gen(), None)
        with pytest.raises(BadProperty) as part:
            rules.pairs(spec, one, one, _gen(), np.ones(1, dtype=bool))
        assert str(part.value) == str(whole.value)
