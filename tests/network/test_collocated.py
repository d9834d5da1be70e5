"""Several synapse specifications in one connect call (PyNEST's CollocatedSynapses):
the pairs are drawn once and each gets one synapse of every specification."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
import spikesim.nest as nest
from spikesim.errors import BadProperty, NotImplementedFeature
from spikesim.network.parameters import uniform


def _pairs(conns: object, model: str) -> list[tuple[int, int]]:
    cols = [list(conns.get(k)) for k in ("source", "target", "synapse_model")]  # type: ignore[attr-defined]
    return sorted((s, t) for s, t, m in zip(*cols, strict=True) if m == model)


@pytest.mark.parametrize("conn_spec", [{"rule": "fixed_indegree", "indegree": 3},
                                       {"rule": "pairwise_bernoulli", "p": 0.3},
                                       {"rule": "fixed_total_number", "N": 25}])
def test_random_rules_give_every_specification_the_same_pairs(conn_spec: dict) -> None:
    sim = spikesim.Simulator(seed=4)
    a = sim.create("iaf_psc_alpha", 12)
    b = sim.create("iaf_psc_alpha", 9)
    sim.connect(a, b, conn_spec, [{"weight": -2.0}, {"synapse_model": "stdp_synapse", "weight": 3.0},
                                  {"weight": 5.0, "delay": 2.0}])
    conns = sim.get_connections()
    static, stdp = _pairs(conns, "static_synapse"), _pairs(conns, "stdp_synapse")
    assert len(stdp) > 5 and static == sorted(stdp + stdp)  # two static specs, one stdp
    w = [list(conns.get(k)) for k in ("weight", "delay", "synapse_model")]
    assert sorted(set(zip(*w, strict=True))) == [
        (-2.0, 1.0, "static_synapse"), (3.0, 1.0, "stdp_synapse"), (5.0, 2.0, "static_synapse")]


def test_one_bad_specification_stores_nothing() -> None:
    sim = spikesim.Simulator()
    a = sim.create("iaf_psc_alpha", 3)
    with pytest.raises(BadProperty, match="Kplus"):
        sim.connect(a, a, "all_to_all", [{"weight": 1.0}, {"synapse_model": "stdp_synapse", "Kplus": -1.0}])
    assert sim.kernel_status()["num_connections"] == 0


def test_a_single_specification_in_a_list_is_the_plain_call() -> None:
    conns = []
    for spec in ({"weight": 2.0}, [{"weight": 2.0}]):
        sim = spikesim.Simulator(seed=9)
        a = sim.create("iaf_psc_alpha", 20)
        sim.connect(a, a, {"rule": "fixed_indegree", "indegree": 4}, spec)
        conns.append(np.asarray(sim.get_connections().get("source")))
    np.testing.assert_array_equal(conns[0], conns[1])


def test_nest_face_collocated_synapses_as_nest() -> None:
    # NEST 3.10's testsuite (test_multiple_synapses.py, one_to_one): 7 pairs x 3 specifications
    nest.ResetKernel()
    spec = nest.CollocatedSynapses({"synapse_model": "stdp_synapse", "weight": -5.0}, {"weight": -1.5},
                                   {"synapse_model": "stdp_synapse", "weight": 3})
    src = nest.Create("iaf_psc_alpha", 7)
    trg = nest.Create("iaf_psc_alpha", 7)
    nest.Connect(src, trg, "one_to_one", syn_spec=spec)
    conns = nest.GetConnections()
    assert len(spec) == 3 and len(conns) == 21
    got = sorted(zip(conns.source, conns.target, conns.weight, conns.synapse_model, strict=True))
    want = [(s, s + 7, w, m) for s in range(1, 8)
            for w, m in ((-5.0, "stdp_synapse"), (-1.5, "static_synapse"), (3.0, "stdp_synapse"))]
    assert got == sorted(want)


def test_make_symmetric_one_to_one_reverses_each_pair_with_its_values() -> None:
    # NEST 3.10 (conn_builder.cpp): after the pairs, the parameters are reset and the same
    # rule connects targets back to sources, so each reverse connection gets its pair's values
    sim = spikesim.Simulator(seed=3)
    a = sim.create("iaf_psc_alpha", 4)
    b = sim.create("iaf_psc_alpha", 4)
    w = uniform(1.0, 2.0)  # drawn per pair: the reverse connection must get the same draw
    sim.connect(a, b, {"rule": "one_to_one", "make_symmetric": True},
                [{"weight": w, "delay": [1.0, 2.0, 3.0, 4.0]}, {"synapse_model": "stdp_synapse", "weight": 2.0}])
    c = sim.get_connections(synapse_model="static_synapse")
    rows = {(s, t): (wt, d) for s, t, wt, d in zip(c.get("source"), c.get("target"), c.get("weight"),
                                                       c.get("delay"), strict=True)}
    assert len(rows) == 8
    for i in range(1, 5):
        assert rows[(i, i + 4)] == rows[(i + 4, i)] and rows[(i, i + 4)][1] == float(i)
    assert len({v[0] for v in rows.values()}) == 4  # four different weights, each twice
    assert sorted(zip(*(list(sim.get_connections(synapse_model="stdp_synapse").get(k))
                        for k in ("source", "target")), strict=True)) == sorted(rows)


def test_make_symmetric_needs_one_to_one() -> None:
    sim = spikesim.Simulator()
    a = sim.create("iaf_psc_alpha", 3)
    with pytest.raises(NotImplementedFeature, match="does not support symmetric connections"):
        sim.connect(a, a, {"rule": "all_to_all", "make_symmetric": True})
    with pytest.raises(BadProperty, match="make_symmetric"):
        sim.connect(a, a, {"rule": "one_to_one", "make_symmetric": 1})
    assert sim.kernel_status()["num_connections"] == 0
