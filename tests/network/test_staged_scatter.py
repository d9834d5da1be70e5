"""The build of large fixed_indegree calls: staged writes into the CSR rows, the pool's
layout found once per call, blocks drawn again alike.  Each faster path must give
exactly what the plain one gives."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.network import rules
from spikesim.network.connect import Connector
from spikesim.network.projection import Projection, StagedScatter, _scatter_into


def _random_pairs(rng: np.random.Generator, n_nodes: int, n_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    # sources from half the nodes only: many repeats, many empty rows
    src = rng.integers(1, n_nodes // 2 + 2, n_pairs).astype(np.int32)
    tgt = rng.integers(1, n_nodes + 1, n_pairs).astype(np.int32)
    return src, tgt


@pytest.mark.parametrize(("n_nodes", "shift", "per_source", "n_blocks"),
                         [(1, 0, 1, 1), (37, 0, 1, 3), (100, 2, 1, 4), (1000, 3, 2, 5), (1000, 15, 4, 2),
                          (70000, 16, 1, 2)])
def test_staged_writes_equal_direct_writes(n_nodes, shift, per_source, n_blocks):
    rng = np.random.default_rng(n_nodes + shift)
    blocks = [_random_pairs(rng, n_nodes, int(rng.integers(0, 3 * n_nodes + 2))) for _ in range(n_blocks)]
    old = rng.integers(0, 3, n_nodes)  # connections already in each row before this call
    counts = old + np.bincount(np.concatenate([s for s, _ in blocks]) - 1, minlength=n_nodes)[:n_nodes]
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    direct, staged = np.full(int(ptr[-1]), -1, dtype=np.int32), np.full(int(ptr[-1]), -1, dtype=np.int32)
    fill_direct, fill_staged = ptr[:-1] + old, ptr[:-1] + old
    for s, t in blocks:
        _scatter_into(s, t, fill_direct, direct)
    st = StagedScatter(n_nodes, fill_staged, staged, shift, per_source)
    for s, t in blocks:
        st.add(s, t)
    st.finish()
    np.testing.assert_array_equal(staged, direct)
    np.testing.assert_array_equal(fill_staged, ptr[1:])
    # the plain definition: each source's targets in the order given, after its old ones
    s_all = np.concatenate([s for s, _ in blocks] + [np.zeros(0, np.int32)]) - 1
    t_all = np.concatenate([t for _, t in blocks] + [np.zeros(0, np.int32)]) - 1
    new = np.ones(direct.size, dtype=bool)
    new[np.concatenate([np.arange(ptr[r], ptr[r] + old[r]) for r in range(n_nodes)])] = False
    np.testing.assert_array_equal(direct[new], t_all[np.argsort(s_all, kind="stable")])
    assert not np.any(direct[new] < 0)


def _streamed_table(monkeypatch, direct_sources, threads=1):
    monkeypatch.setattr(Connector, "STREAM_MIN", 1000)
    monkeypatch.setattr(Connector, "STREAM_BLOCK", 700)
    monkeypatch.setattr(Projection, "DIRECT_SOURCES", direct_sources)
    sim = spikesim.Simulator(seed=11, threads=threads)
    a = sim.create("iaf_psc_delta", 300)
    b = sim.create("iaf_psc_delta", 200)
    sim.connect(a[:10], b[:5], "all_to_all", {"weight": 0.1, "delay": 1.5})  # rows with earlier connections
    sim.connect(a, a + b, {"rule": "fixed_indegree", "indegree": 40}, {"weight": 0.1, "delay": 1.5})
    sim.connect(b, a + b, {"rule": "fixed_indegree", "indegree": 10}, {"weight": 0.1, "delay": 1.5})
    p = sim.connector.projections[("static_synapse", "spike")]
    return p.ptr.copy(), p.tgt.copy()


def test_streamed_call_staged_or_direct_gives_one_table(monkeypatch):
    ptr_d, tgt_d = _streamed_table(monkeypatch, 1 << 30)
    ptr_s, tgt_s = _streamed_table(monkeypatch, 0)
    ptr_t, tgt_t = _streamed_table(monkeypatch, 0, threads=2)
    assert tgt_d.size == 50 + 500 * 40 + 500 * 10
    for ptr, tgt in ((ptr_s, tgt_s), (ptr_t, tgt_t)):
        np.testing.assert_array_equal(ptr, ptr_d)
        np.testing.assert_array_equal(tgt, tgt_d)


@pytest.mark.parametrize(("pool", "layout"), [
    ([], (True, False)), ([5], (True, True)), ([3, 4, 5, 6], (True, True)), ([3, 4, 6], (True, False)),
    ([4, 3], (True, False)), ([3, 5, 4, 6], (True, False)), ([2**31, 2**31 + 1], (False, True))])
def test_pool_layout(pool, layout):
    assert rules.pool_layout(np.array(pool, dtype=np.int64)) == layout


@pytest.mark.parametrize("pool", [[3, 4, 5, 6], [2, 9, 4, 7], [8]])
@pytest.mark.parametrize("auto", [True, False])
def test_draw_fixed_with_a_known_layout_draws_the_same(pool, auto):
    pool_ids = np.array(pool, dtype=np.int64)
    owners = np.array([3, 5, 9], dtype=np.int64) if len(pool) > 1 or auto else np.array([5, 9], dtype=np.int64)

    def draw(layout):
        return rules.draw_fixed(np.random.default_rng(4), pool_ids, owners, 6, auto, True, "indegree", layout)
    np.testing.assert_array_equal(draw(rules.pool_layout(pool_ids)), draw(None))


def test_indegree_blocks_draw_again_alike_and_keep_local_targets():
    pre, post = np.arange(1, 51), np.arange(21, 71)
    local = np.arange(post.size) % 3 == 0

    def gen(i):
        return np.random.default_rng([7, i])
    whole = rules.IndegreeBlocks(gen, pre, post, 5, False, 8)
    part = rules.IndegreeBlocks(gen, pre, post, 5, False, 8, local)
    assert whole.starts == list(range(0, 50, 8))
    for b in whole.starts:
        s, t = whole.pairs(b)
        np.testing.assert_array_equal(whole.sources(b), s)
        np.testing.assert_array_equal(t, np.repeat(post[b:b + 8], 5))
        assert not np.any(s == t)
        keep = np.repeat(local[b:b + 8], 5)
        ps, pt = part.pairs(b)
        np.testing.assert_array_equal(ps, s[keep])
        np.testing.assert_array_equal(pt, t[keep])


@pytest.mark.parametrize(("shift", "per_source"), [(17, 4), (-1, 4), (12, 0)])
def test_staged_scatter_refuses_bad_sizes(shift, per_source):
    with pytest.raises(ValueError, match="shift must be in 0 .. 16"):
        StagedScatter(10, np.zeros(10, dtype=np.int64), np.zeros(0, dtype=np.int32), shift, per_source)
