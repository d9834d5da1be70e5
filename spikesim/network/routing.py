"""Routes of connections: which kinds of nodes can be connected, and how.

A node's model says what it sends (``Model.sends``) and what it receives
(``Model.receives``); the pair of categories decides the route a connection travels
(see :mod:`spikesim.network.connect`) or why it is not allowed.
"""

from __future__ import annotations

from typing import Any

# source categories
SRC_SPIKE, SRC_POISSON, SRC_CURRENT, SRC_RECORDER, SRC_SAMPLER, SRC_POISSON_UNRECORDED = range(6)
# target categories
TGT_NEURON, TGT_PARROT, TGT_RECORDER, TGT_SAMPLER, TGT_GENERATOR, TGT_SAMPLED_GENERATOR, TGT_VOLUME = range(7)

ROUTES = {
    (SRC_SPIKE, TGT_NEURON): "spike", (SRC_SPIKE, TGT_PARROT): "spike",
    (SRC_POISSON, TGT_NEURON): "poisson", (SRC_POISSON, TGT_PARROT): "poisson",
    (SRC_POISSON_UNRECORDED, TGT_NEURON): "poisson", (SRC_POISSON_UNRECORDED, TGT_PARROT): "poisson",
    (SRC_CURRENT, TGT_NEURON): "current",
    (SRC_SPIKE, TGT_RECORDER): "record", (SRC_POISSON, TGT_RECORDER): "record",
    (SRC_SAMPLER, TGT_NEURON): "sample", (SRC_SAMPLER, TGT_SAMPLED_GENERATOR): "sample",
    (SRC_SPIKE, TGT_VOLUME): "volume",
}

WHY = {
    TGT_SAMPLER: "a multimeter samples its targets: connect it as connect(multimeter, neurons)",
    TGT_GENERATOR: "generators take no input",
    TGT_SAMPLED_GENERATOR: "generators take no input (a multimeter may sample them)",
}


_SOURCE_CATEGORY = {"spikes": SRC_SPIKE, "poisson": SRC_POISSON, "current": SRC_CURRENT, "samples": SRC_SAMPLER}
_TARGET_CATEGORY = {"spikes": TGT_NEURON, "multiplicity": TGT_PARROT, "record": TGT_RECORDER,
                    "sampling": TGT_SAMPLER, "sample_requests": TGT_SAMPLED_GENERATOR,
                    "dopamine": TGT_VOLUME}


def source_category(model: Any) -> int:
    """How connections from nodes of ``model`` are routed (by the signal it sends)."""
    if model.sends == "poisson" and not model.recordable_trains:
        return SRC_POISSON_UNRECORDED
    return _SOURCE_CATEGORY.get(model.sends, SRC_RECORDER)


def target_category(model: Any) -> int:
    """How connections onto nodes of ``model`` are routed (by what it receives)."""
    return _TARGET_CATEGORY.get(model.receives, TGT_GENERATOR)



def why_illegal(cs: int, ct: int) -> str:
    """Why a node of source category ``cs`` cannot be connected to one of target category ``ct``."""
    if cs == SRC_RECORDER:
        return "a spike_recorder collects spikes: connect it as connect(sources, spike_recorder)"
    if cs == SRC_SAMPLER:
        return ("a multimeter can only sample neurons and generators with recordables (ac, dc, noise, "
                "step_current and sinusoidal_poisson generators)")
    if ct in WHY:
        return WHY[ct]
    if cs == SRC_POISSON_UNRECORDED and ct == TGT_RECORDER:
        return ("spikesim does not yet record this generator's trains directly: connect it to a "
                "parrot_neuron and record the parrot")
    if ct == TGT_VOLUME:
        return "a volume_transmitter takes the spikes of neurons only"
    if cs == SRC_CURRENT and ct == TGT_PARROT:
        return "parrot neurons take no current input"
    return "these models cannot be connected"
