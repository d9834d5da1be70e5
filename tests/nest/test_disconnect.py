"""PyNEST's Disconnect and SynapseCollection.disconnect on the NEST face.

Expected counts and errors are those NEST 3.10 gave for the same calls (run under
~/.venvs/nest on 2026-12-01).
"""

from __future__ import annotations

import random

import pytest

from spikesim import nest


@pytest.fixture(autouse=True)
def _reset() -> None:
    nest.ResetKernel()


def _pairs() -> set[tuple[int, int]]:
    c = nest.GetConnections()
    return set(zip(c.sources(), c.targets(), strict=True))


def test_disconnect_counts_and_errors_as_nest():
    n = nest.Create("iaf_psc_alpha", 3)
    nest.Connect(n, n, syn_spec={"synapse_model": "stdp_synapse", "weight": 2.0})
    assert nest.num_connections == 9
    nest.Disconnect(n[0], n[1], syn_spec={"synapse_model": "stdp_synapse"})
    assert nest.num_connections == 8
    for args, kw, err in [((n[0], n[1]), {"syn_spec": {"synapse_model": "stdp_synapse"}}, "InexistentConnection"),
                          ((n[0], n[1]), {}, "InexistentConnection"),  # default static_synapse: none
                          ((n[:2], n[1:]), {"conn_spec": "all_to_all", "syn_spec": "stdp_synapse"},
                           "InexistentConnection"),
                          ((n[:2], n[1:]), {"conn_spec": {"rule": "fixed_indegree", "indegree": 1},
                                            "syn_spec": {"synapse_model": "stdp_synapse"}}, "NotImplemented"),
                          ((n[:2], n[:1]), {"syn_spec": {"synapse_model": "stdp_synapse"}}, "DimensionMismatch")]:
        with pytest.raises(getattr(nest.NESTErrors, err)):
            nest.Disconnect(*args, **kw)
        assert nest.num_connections == 8  # an error removes nothing
    c = nest.GetConnections()
    c[0].disconnect()
    assert nest.num_connections == 7
    nest.Disconnect(nest.GetConnections()[:2])
    assert nest.num_connections == 5
    with pytest.raises(TypeError, match="SynapseCollection or two NodeCollections"):
        nest.Disconnect(n)
    with pytest.raises(ValueError, match="conn_spec and syn_spec cannot be given"):
        nest.Disconnect(nest.GetConnections(), conn_spec="one_to_one")


def test_a_device_connection_is_not_removed_as_in_nest():
    n = nest.Create("iaf_psc_alpha", 2)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    with pytest.raises(nest.NESTErrors.InexistentConnection):
        nest.Disconnect(n[0], sr)


def test_collection_entries_disconnected_one_by_one_in_random_order():
    """NEST's regression 3532 in small: every c[i] of one collection, shuffled."""
    n = nest.Create("parrot_neuron", 6)
    nest.Connect(n, n)
    c = nest.GetConnections()
    order = list(range(len(c)))
    random.Random(1).shuffle(order)
    left = _pairs()
    for i in order:
        pair = (c[i].source, c[i].target)
        c[i].disconnect()
        left.discard(pair)
        assert _pairs() == left
    assert len(nest.GetConnections()) == 0
    with pytest.raises(nest.NESTErrors.InexistentConnection):
        c[0].disconnect()  # gone already (NEST 3.10 raises too)


def test_spikes_still_travel_after_a_disconnect():
    """NEST's test_spike_transmission_after_disconnect, with its spike count checked:
    10 parrots all to all minus every third connection, one input spike at 1 ms."""
    n = nest.Create("parrot_neuron", 10)
    nest.Connect(n, n)
    c = nest.GetConnections()
    c[::3].disconnect()
    assert nest.num_connections == 66
    g = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(g, n)
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(3.5)
    # at 2 ms each parrot repeats the input; at 3 ms each gets its 6 or 7 remaining inputs
    times = sr.get("events")["times"]
    assert list(times).count(2.0) == 10 and len(times) == 10 + 66



def test_disconnecting_while_iterating_a_collection() -> None:
    """NEST's regressions/test_issue_3532 (random order, each pair three times): the
    connections a loop over a SynapseCollection yields stay the right ones while earlier
    ones are disconnected (they were read as positions of today's table: an IndexError)."""
    n = nest.Create("parrot_neuron", 7)
    ids = n.tolist()
    rng = random.Random(12345)
    st = [(s, t) for s in ids for t in ids for _ in range(3)]
    rng.shuffle(st)
    nest.Connect(*zip(*st, strict=True), "one_to_one")
    kept = []
    for conn in nest.GetConnections():
        if rng.random() < 0.5:
            nest.Disconnect(conn)
        else:
            kept.append((conn.source, conn.target))
    after = nest.GetConnections()
    assert len(kept) < len(st)
    assert sorted(kept) == sorted(zip(after.source, after.target, strict=True))
