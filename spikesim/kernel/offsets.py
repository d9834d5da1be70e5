"""Spikes that carry a value: NEST's spike offset, read by a target's receptor.

A neuron model with ``sends_offsets`` (iaf_tum_2000: the release ``u x`` of its
Tsodyks synapse) writes a value for each of its spikes into the ring's ``CH_OFFSET``
channel, at its own column and the slot of the emission step (a channel no delivery
writes, read here in the same slice).  A connection on the target model's
``offset_receptor`` adds ``weight * multiplicity * value``; a sender that sends no
value (a generator, another model) contributes 0 there, as in NEST.  The engine
delivers such a projection with the multiplicities scaled by the values
(:func:`offset_multiplicities`); every other projection is delivered as before.

The values stay on the rank of the sender, so a distributed run with such a
projection is refused (:func:`offset_projections`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import numpy as np
from numba import njit

from spikesim.errors import NotImplementedFeature
from spikesim.models.base import CH_OFFSET


class _Population(Protocol):
    """A neuron population as seen here: first node id, size and model."""

    first: int
    n: int
    model: Any


class _Projection(Protocol):
    """A projection as seen here: target node ids (0-based) and receptor column."""

    tgt: np.ndarray
    rcpt: np.ndarray


@njit(cache=True, nogil=True)
def offset_multiplicities(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, k: int, ring: np.ndarray, L: int,
                          sends: np.ndarray) -> np.ndarray:
    """The multiplicities of the ``k`` spikes ``(ids, steps, mult)`` times the value
    each carries (``ring[CH_OFFSET, step % L, id]`` for a sender marked in ``sends``,
    0 for any other); ``L`` is the ring's number of slots."""
    out = np.zeros(k)
    for q in range(k):
        src = ids[q]
        if sends[src]:
            out[q] = mult[q] * ring[CH_OFFSET, steps[q] % L, src]
    return out


def offset_projections(neurons: Sequence[_Population], projections: Iterable[_Projection], num_nodes: int,
                       ranks: int, plastic: Iterable[_Projection] = (),
                       poisson: Iterable[_Projection] = ()) -> tuple[np.ndarray, list[bool]]:
    """Which nodes send values (``sends[node]``, 0-based ids) and, per static
    projection, whether it is delivered with them (its receptor is its targets' offset
    receptor).

    Raises
    ------
    NotImplementedFeature
        When such a projection also targets neurons of another receptor layout, the
        run is distributed over ``ranks`` > 1 processes, or a ``plastic`` projection or
        one from a Poisson-type generator (``poisson``, drawn per target, never in the
        spike list) is on such a receptor.
    """
    sends = np.zeros(num_nodes, dtype=np.bool_)
    receptor = np.full(num_nodes, -1, dtype=np.int64)
    for pop in neurons:
        sends[pop.first - 1:pop.first - 1 + pop.n] = bool(pop.model.sends_offsets)
        receptor[pop.first - 1:pop.first - 1 + pop.n] = int(pop.model.offset_receptor)
    present = {int(pop.model.offset_receptor) for pop in neurons} - {-1}

    def hits(p: _Projection) -> np.ndarray:
        """Per connection of ``p``, whether it lands on an offset receptor (the targets
        are looked at only when such a receptor can be among them: no copy of a large
        projection's targets otherwise)."""
        if not p.tgt.size or (p.rcpt.size == 1 and int(p.rcpt[0]) not in present):
            return np.zeros(0, dtype=np.bool_)
        hit: np.ndarray = receptor[p.tgt] == (p.rcpt if p.rcpt.size > 1 else p.rcpt[0])
        return hit

    flags = []
    for p in projections:
        hit = hits(p)
        if hit.any() and not hit.all():
            raise NotImplementedFeature("connect: one projection mixes connections on a receptor that reads the "
                                        "value a spike carries (iaf_tum_2000's receptor 1) with other "
                                        "connections; connect them in separate calls")
        if hit.any() and ranks > 1:
            raise NotImplementedFeature("receptor 1 of iaf_tum_2000 (spikes carrying the sender's synapse "
                                        f"state) is not available in a distributed run ({ranks} processes)")
        flags.append(bool(hit.any()))
    refused = {"a plastic synapse": plastic, "a Poisson-type generator (whose spikes NEST's neuron ignores there: "
               "they carry no synapse state)": poisson}
    for what, group in refused.items():
        if any(hits(p).any() for p in group):
            raise NotImplementedFeature(f"{what} onto iaf_tum_2000's receptor 1 (spikes carrying the sender's "
                                        "synapse state) is not available; connect static synapses from "
                                        "iaf_tum_2000 neurons there")
    return sends, flags
