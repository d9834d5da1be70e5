"""Setting connections through a SynapseCollection applies the synapse models' checks
that ``connect`` and ``set_defaults`` apply (NEST's ``set_status`` of a connection:
``Kplus >= 0``, ``weight`` and ``Wmax`` of the same sign, ``x + y <= 1`` ...), with the
same messages, and leaves the connections as they were when a value is refused."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import spikesim
import spikesim.nest as nest
from spikesim.errors import BadProperty


def _net(model: str) -> tuple[spikesim.Simulator, Any]:
    sim = spikesim.Simulator()
    n = sim.create("iaf_psc_alpha", 2)
    sim.connect(n, n, syn_spec={"synapse_model": model})
    return sim, sim.get_connections(synapse_model=model)


def _connect_message(model: str, spec: dict[str, Any]) -> str:
    """What ``connect`` says about the same values (the reference message)."""
    sim = spikesim.Simulator()
    n = sim.create("iaf_psc_alpha", 2)
    if set(spec) == {"weight"}:  # as NEST, connect checks a weight only with another parameter
        spec = {**spec, "Wmax": sim.get_defaults(model, "Wmax")}
    with pytest.raises(BadProperty) as e:
        sim.connect(n, n, syn_spec={"synapse_model": model, **spec})
    return str(e.value)


CASES = [
    ("stdp_synapse", {"Kplus": -1.0}),
    ("stdp_synapse", {"weight": -5.0}),  # Wmax stays 100
    ("stdp_triplet_synapse", {"Kplus_triplet": -0.5}),
    ("stdp_triplet_synapse", {"weight": -2.0}),
    ("tsodyks2_synapse", {"U": 1.5}),
    ("tsodyks_synapse", {"y": 0.5}),  # x stays 1: x + y = 1.5
    ("quantal_stp_synapse", {"n": 2.5}),
    ("bernoulli_synapse", {"p_transmit": -0.1}),
]


@pytest.mark.parametrize(("model", "values"), CASES)
def test_set_refuses_what_connect_refuses_and_changes_nothing(model: str, values: dict[str, float]) -> None:
    _, conns = _net(model)
    before = conns.get()
    with pytest.raises(BadProperty) as e:
        conns.set(values)
    assert str(e.value) == _connect_message(model, values)
    after = conns.get()
    assert all(np.array_equal(after[k], before[k]) for k in before)


def test_one_bad_value_among_many_refuses_all() -> None:
    _, conns = _net("stdp_synapse")  # 4 connections
    with pytest.raises(BadProperty, match=r"'Kplus' = -4.0 is not allowed; it must be >= 0"):
        conns.set(Kplus=[1.0, 2.0, 3.0, -4.0])
    assert np.array_equal(conns.get("Kplus"), np.zeros(4))


def test_joint_check_sees_the_values_left_unchanged() -> None:
    """Wmax alone of the other sign than the weights (1) is refused; with the weights it is taken."""
    _, conns = _net("stdp_synapse")
    with pytest.raises(BadProperty, match=r"weight and Wmax \(-3.0\) must have the same sign"):
        conns.set(Wmax=-3.0)
    conns.set(weight=-5.0, Wmax=-3.0)
    assert np.array_equal(conns.get("Wmax"), np.full(4, -3.0))
    assert np.array_equal(conns.get("weight"), np.full(4, -5.0))


def test_valid_values_are_still_taken() -> None:
    _, conns = _net("tsodyks_synapse")
    conns.set(x=0.6, y=0.4)
    assert np.array_equal(conns.get("x"), np.full(4, 0.6))
    assert np.array_equal(conns.get("y"), np.full(4, 0.4))


def test_the_nest_face_applies_the_checks() -> None:
    nest.ResetKernel()
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n, n, syn_spec={"synapse_model": "stdp_synapse"})
    conns = nest.GetConnections()
    with pytest.raises(nest.NESTErrors.BadProperty, match="Kplus"):
        conns.set({"Kplus": -1.0})
    with pytest.raises(nest.NESTErrors.BadProperty, match="same sign"):
        conns.weight = -1.0
    assert list(conns.get("weight")) == [1.0] * 4


@pytest.mark.parametrize("model", ["stdp_synapse", "stdp_triplet_synapse"])
def test_copied_model_defaults_keep_weight_and_wmax_signs(model: str) -> None:
    """The sign check sees the merged defaults of a copy (weight 1, Wmax 100 inherited)."""
    sim = spikesim.Simulator()
    sim.copy_model(model, "copy")
    with pytest.raises(BadProperty, match=r"'weight' = -1.0 is not allowed; weight and Wmax \(100.0\)"):
        sim.set_defaults("copy", {"weight": -1.0})
    with pytest.raises(BadProperty, match=r"weight and Wmax \(-1.0\) must have the same sign"):
        sim.set_defaults("copy", {"Wmax": -1.0})
    with pytest.raises(BadProperty, match=r"'weight' = -2.0 is not allowed"):
        sim.copy_model("copy", "copy2", {"weight": -2.0})
    assert sim.get_defaults("copy", "weight") == 1.0 and sim.get_defaults("copy", "Wmax") == 100.0
    sim.set_defaults("copy", {"weight": -1.0, "Wmax": -1.0})
    assert sim.get_defaults("copy", "Wmax") == -1.0
