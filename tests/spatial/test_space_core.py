"""Positions in the core (object API): layers, checkpoints, spatial rules' statistics,
thread independence and errors.

Expected values: grid positions follow NEST's formula (checked against NEST 3.10 in
test_nest_reference.py); the statistical tests compare counts with the expected
probability within 3 sigma (binomial)."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty, KernelException, UnaccessedDictionaryEntry
from spikesim.network import spatial_parameters as sp
from spikesim.network.masks import create_mask
from spikesim.network.space import Free, Grid


def _sim() -> spikesim.Simulator:
    return spikesim.Simulator(seed=12)


def test_grid_positions_and_property():
    sim = _sim()
    nodes = sim.create("iaf_psc_alpha", positions=Grid([2, 3], extent=[2.0, 3.0], center=[1.0, 0.0]))
    assert len(nodes) == 6
    # NEST's order: y (rows, top to bottom) runs fastest, x slowest; cells of 1 x 1 centred at (1, 0)
    want = [[0.5, 1.0], [0.5, 0.0], [0.5, -1.0], [1.5, 1.0], [1.5, 0.0], [1.5, -1.0]]
    np.testing.assert_allclose(nodes.positions, want, atol=1e-12)
    np.testing.assert_allclose(nodes[2:4].positions, want[2:4], atol=1e-12)


def test_free_positions_drawn_are_reproducible_and_inside():
    def make():
        sim = _sim()
        return sim.create("iaf_psc_alpha", 50, positions=Free(spikesim.network.parameters.uniform(-0.5, 0.5),
                                                               num_dimensions=3)).positions
    a, b = make(), make()
    assert a.shape == (50, 3)
    np.testing.assert_array_equal(a, b)
    assert a.min() >= -0.5 and a.max() < 0.5


def test_node_parameter_from_position():
    sim = _sim()
    nodes = sim.create("iaf_psc_alpha", positions=Free([[0.1, 0.2], [0.3, -0.4]], extent=[1.0, 1.0]),
                       params={"V_m": -70.0 + 10.0 * sp.Position(0) - sp.Position(1)})
    np.testing.assert_allclose(nodes.get("V_m"), [-70 + 1 - 0.2, -70 + 3 + 0.4], atol=1e-12)
    nodes.set(E_L=-60.0 + sp.Position(1))  # set evaluates at the nodes' positions too
    np.testing.assert_allclose(nodes.get("E_L"), [-59.8, -60.4], atol=1e-12)


def test_positions_survive_a_checkpoint(tmp_path):
    sim = _sim()
    sim.create("iaf_psc_alpha", 3)
    layer = sim.create("iaf_psc_alpha", positions=Grid([3, 3], edge_wrap=True))
    sim.simulate(1.0)
    path = tmp_path / "c.ckpt"
    sim.checkpoint(path)
    back = spikesim.Simulator.restore(path)
    np.testing.assert_array_equal(back.all_nodes()[3:].positions, layer.positions)
    assert back.node_table.layers[4].edge_wrap and back.node_table.layers[4].shape == (3, 3)


@pytest.mark.parametrize(("spec", "key"), [
    (Grid([0, 2]), "shape"), (Grid([2, 2, 2, 2]), "shape"), (Grid([2, 2], extent=[1.0, -1.0]), "extent"),
    (Grid([2, 2], center=[0.0]), "center"), (Free([[0.0, 0.0], [3.0, 0.0]], extent=[1.0, 1.0]), "extent"),
    (Free([[0.0]]), "pos"), (Grid([2, 2], edge_wrap=1), "edge_wrap")])
def test_bad_positions_name_the_key_and_create_nothing(spec, key):
    sim = _sim()
    with pytest.raises(BadProperty, match=f"'{key}'"):
        sim.create("iaf_psc_alpha", positions=spec)
    assert sim.num_nodes == 0 and not sim.node_table.layers


def test_bad_masks():
    with pytest.raises(BadProperty, match="radius"):
        create_mask("circular", {"radius": 0.0})
    with pytest.raises(UnaccessedDictionaryEntry, match="'foo'"):
        create_mask("circular", {"radius": 1.0, "foo": 1})
    with pytest.raises(BadProperty, match="masktype"):
        create_mask("hexagonal", {})
    with pytest.raises(BadProperty, match="upper_right"):
        create_mask("rectangular", {"lower_left": [0.0, 0.0], "upper_right": [0.0, 1.0]})


def test_spatial_parameter_without_positions_raises():
    with pytest.raises(KernelException):
        sp.Distance().GetValue()


def _layer_pair(sim):
    a = sim.create("iaf_psc_alpha", positions=Grid([20, 20], extent=[1.0, 1.0], edge_wrap=True))
    return a, sim.create("iaf_psc_alpha", positions=Grid([20, 20], extent=[1.0, 1.0], edge_wrap=True))


def test_pairwise_bernoulli_count_within_three_sigma():
    sim = _sim()
    a, b = _layer_pair(sim)
    p = 0.3
    sim.connect(a, b, {"rule": "pairwise_bernoulli", "p": p, "mask": {"circular": {"radius": 0.2}}})
    # candidates per target: grid points (spacing 0.05) within 0.2, counted directly
    off = np.arange(-8, 9) * 0.05
    per_target = int(np.sum(np.hypot(*np.meshgrid(off, off)) <= 0.2 + 1e-12))
    n = 400 * per_target
    got = sim.connector.num_connections(None)
    assert abs(got - n * p) < 3 * np.sqrt(n * p * (1 - p))


def test_fixed_indegree_inside_mask_with_distance_weights():
    sim = _sim()
    a, b = _layer_pair(sim)
    sim.connect(a, b, {"rule": "fixed_indegree", "indegree": 5, "allow_multapses": False,
                       "p": sp.ExpDistribution(sp.Distance(), 0.1), "mask": {"circular": {"radius": 0.25}}},
                {"weight": sp.Distance()})
    c = sim.get_connections(a, b, None)
    src, tgt, w = np.asarray(c.get("source")), np.asarray(c.get("target")), np.asarray(c.get("weight"))
    assert np.all(np.bincount(tgt - b.ids[0], minlength=400) == 5)
    d = a.positions[src - a.ids[0]] - b.positions[tgt - b.ids[0]]
    d -= np.round(d)  # periodic, extent 1
    np.testing.assert_allclose(np.hypot(d[:, 0], d[:, 1]), w, atol=1e-12)
    assert w.max() <= 0.25 + 1e-12
    # no multapses
    assert len({(int(s), int(t)) for s, t in zip(src, tgt, strict=True)}) == len(src)


def test_fixed_outdegree_not_enough_candidates_leaves_connections_unchanged():
    sim = _sim()
    a, b = _layer_pair(sim)
    with pytest.raises(KernelException, match="Not enough targets"):
        sim.connect(a, b, {"rule": "fixed_outdegree", "outdegree": 50, "allow_multapses": False,
                           "mask": {"circular": {"radius": 0.1}}})
    assert sim.connector.num_connections(None) == 0


def test_same_connections_with_one_and_two_threads():
    def build(threads):
        sim = spikesim.Simulator(seed=5, threads=threads)
        a, b = _layer_pair(sim)
        sim.connect(a, b, {"rule": "pairwise_bernoulli", "p": sp.Gaussian(sp.Distance(), 0.0, 0.1),
                           "mask": {"rectangular": {"lower_left": [-0.3, -0.2], "upper_right": [0.3, 0.2]}}},
                    {"weight": 1.0 + sp.Distance(), "delay": 1.0 + sp.Distance(1)})
        c = sim.get_connections(a, b, None)
        return [np.asarray(c.get(k)) for k in ("source", "target", "weight", "delay")]
    for x, y in zip(build(1), build(2), strict=True):
        np.testing.assert_array_equal(x, y)
