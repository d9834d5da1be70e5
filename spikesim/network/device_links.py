"""Connections that involve recording devices: the checks a sampler's connections
must pass, and each device's record of what it is connected to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from spikesim.errors import BadProperty, IllegalConnection, bad_property

if TYPE_CHECKING:
    from spikesim.network.node_table import NodeTable


def check_sampling(nodes: NodeTable, src: np.ndarray, tgt: np.ndarray) -> None:
    """Check connections from samplers ``src`` (node ids) to nodes ``tgt``: each
    sampler records a neuron once, and only what the neuron's model can record.

    Raises
    ------
    IllegalConnection
        If a sampler would be connected to a node twice.
    BadProperty
        If its ``record_from`` names what a target's model cannot record.
    """
    for dev_id in np.unique(src):
        dev = nodes.node(int(dev_id))
        targets = tgt[src == dev_id]
        both = np.concatenate([dev.connected, targets])
        if np.unique(both).size != both.size:
            dup = targets[np.isin(targets, dev.connected)] if np.isin(targets, dev.connected).any() \
                else targets[np.flatnonzero(np.diff(np.sort(targets)) == 0)]
            raise IllegalConnection(f"connect: {dev.model.name} {dev_id} is already connected to "
                                    f"node {int(np.sort(dup)[0])}; a sampler records each neuron once")
        for pop, _local, _ in nodes.split(np.unique(targets)):
            missing = [v for v in dev.p["record_from"] if v not in pop.recordable_names()]
            if missing:
                raise BadProperty(f"{dev.model.name}: parameter 'record_from' contains '{missing[0]}', "
                                  f"which {pop.model_name} cannot record; its recordables are "
                                  f"{list(pop.recordable_names())}")


def register_devices(nodes: NodeTable, route: str, src: np.ndarray, tgt: np.ndarray) -> None:
    """Note on each device of new ``sample`` (device to neuron) or ``record`` (node to
    device) connections which nodes it is now connected to (and, for samplers, the
    models whose units it records)."""
    owners = src if route == "sample" else tgt
    others = tgt if route == "sample" else src
    for dev_id in np.unique(owners):
        dev = nodes.node(int(dev_id))
        dev.connected = np.concatenate([dev.connected, others[owners == dev_id]])
        if route == "sample":  # the units of what it samples come from these models
            for pop, _, _ in nodes.split(np.unique(dev.connected)):
                if pop.model not in dev.recorded_models:
                    dev.recorded_models.append(pop.model)


def route_checks(nodes: NodeTable, route: str, src: np.ndarray, tgt: np.ndarray) -> None:
    """The checks of a route's new connections beyond the kinds of their ends: a
    sampler's (see :func:`check_sampling`), and a volume_transmitter takes spikes of
    neurons only (NEST refuses spike generators, nodes without proxies, there).

    Raises
    ------
    IllegalConnection
        Naming the node that cannot be connected and why.
    """
    if route == "sample":
        check_sampling(nodes, src, tgt)
    elif route == "volume":
        for pop, _, _ in nodes.split(np.unique(src)):
            if pop.kind != "neuron":
                raise IllegalConnection(f"connect: a volume_transmitter takes the spikes of neurons only, not of "
                                        f"'{pop.model_name}' (node {pop.first}...): connect it through a "
                                        "parrot_neuron")


def device_id(nodes: NodeTable, name: str, key: str, v: Any) -> int | None:
    """The node id of the device a synapse model's ``key`` names (a node of the model
    ``key``: ``weight_recorder``, ``volume_transmitter``), or None where ``v`` is None.

    Raises
    ------
    BadProperty
        If ``v`` is not one node of the model ``key``.
    """
    if v is None:
        return None
    try:
        ids = np.asarray(getattr(v, "ids", v), dtype=np.int64).ravel()
    except (TypeError, ValueError, OverflowError):
        raise bad_property(name, key, v, f"give one {key} node") from None
    ok = ids.size == 1 and 1 <= ids[0] <= nodes.num_nodes and nodes.population_of(int(ids[0])).model.name == key
    if not ok:
        raise bad_property(name, key, v, f"give one {key} node")
    return int(ids[0])
