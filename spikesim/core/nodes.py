"""Making nodes: populations of neurons, generators and recording devices.

The core knows every part, so the pieces that need several of them live here: a
population is built from the model registry's defaults, the node table's random
streams and (for recorders) the recording manager's backends, and all of it is
checked before anything is added.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim import rng
from spikesim.errors import bad_property
from spikesim.models.base import Model, NeuronModel
from spikesim.models.generators import Generator
from spikesim.models.recorders import RecorderModel
from spikesim.models.registry import ModelRegistry
from spikesim.network.connect import Connector
from spikesim.network.node_table import NodeTable, as_generator_params, key_hash
from spikesim.network.parameters import Context, Parameter
from spikesim.network.populations import DevicePopulation, NeuronPopulation, Population
from spikesim.network.space import Layer, build_layer
from spikesim.recording.detectors import device_class
from spikesim.recording.devices import RecordingDevice
from spikesim.recording.manager import RecordingManager
from spikesim.recording.weight_recorder import WeightRecordingDevice
from spikesim.timegrid import TimeGrid

_ELEMENT_TYPES = {"neuron": "neuron", "generator": "stimulator", "recorder": "recorder"}


class DefaultsCheck:
    """The registry's check of new node-model defaults: every key allowed (recorders
    also take their backend's per-device keys) and the values valid as one node would
    be, so nothing bad gets stored."""

    def __init__(self, grid: TimeGrid, recording: RecordingManager) -> None:
        self.grid = grid
        self.recording = recording

    def __call__(self, cls: type[Model], name: str, params: dict[str, Any], merged: dict[str, Any]) -> None:
        """Raise :class:`~spikesim.errors.BadProperty` if ``params`` may not become defaults."""
        check_keys(self.recording, cls, name, params, merged)
        if any(isinstance(v, Parameter) for v in merged.values()):
            return
        if issubclass(cls, NeuronModel):
            NeuronPopulation(cls, name, 1, 1, {**cls.defaults(), **merged}, None, self.grid.resolution).prepare(1)
        elif issubclass(cls, Generator):
            cls.check_node(as_generator_params({**cls.defaults(), **merged}), self.grid.resolution)
        elif issubclass(cls, RecorderModel):
            (device_class(cls) or RecordingDevice).check_defaults(self.recording, cls, merged)


def check_keys(recording: RecordingManager, cls: type[Model], name: str, params: dict[str, Any],
               defaults: dict[str, Any]) -> None:
    """Raise :class:`~spikesim.errors.BadProperty` for a key ``cls`` does not have
    (recorders also take the per-device keys of the backend they record to)."""
    allowed = set(cls.defaults())
    if issubclass(cls, RecorderModel):
        allowed |= recording.device_keys(params.get("record_to", defaults.get("record_to", cls.params["record_to"])))
    for k, v in params.items():
        if k not in allowed:
            raise bad_property(name, k, v, f"{name} has the parameters {sorted(allowed)}")


def defaults_of(registry: ModelRegistry, connector: Connector, recording: RecordingManager,
                model: str) -> dict[str, Any]:
    """All defaults of a synapse model, a backend or a node model, as ``get_defaults`` shows them."""
    if registry.is_synapse_model(model):
        out = dict(registry.synapse_model(model)[1])
        out.update({"synapse_model": model, "num_connections": connector.num_connections(model),
                    "has_delay": True, "requires_symmetric": False, "sizeof": 32})
        return out
    if isinstance(model, str) and model in recording.names() and not registry.is_node_model(model):
        return dict(recording.backend(model).settings)
    cls, _ = registry.node_model(model)
    out = registry.node_defaults(model)
    out["model"] = model
    out["element_type"] = getattr(cls, "element_type", _ELEMENT_TYPES[cls.kind])
    if cls.recordables:
        out["recordables"] = list(cls.recordables)
    if cls.receptor_types:
        out["receptor_types"] = dict(cls.receptor_types)
    return out


def make_population(registry: ModelRegistry, table: NodeTable, recording: RecordingManager, model: str, n: Any,
                    params: Any, label: str | None) -> Population:
    """A checked population of ``n`` nodes of ``model`` with ids after the last node.

    Raises
    ------
    BadProperty
        If ``n``, ``label`` or a parameter is not allowed.
    UnknownModelName
        If ``model`` is no node model.
    """
    cls, over = registry.node_model(model)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise bad_property("create", "n", n, "it must be a positive integer")
    n = int(n)
    table.check_label(label)
    defaults = {**cls.defaults(), **over}
    common, per_node = _split_params(n, params)
    for p in per_node or [common]:
        check_keys(recording, cls, model, p, defaults)
    first = table.num_nodes + 1
    if issubclass(cls, NeuronModel):
        pop = NeuronPopulation(cls, model, first, n, defaults, label, table.grid.resolution)
        values = table.neuron_values(common, per_node, n, first, defaults, cls.ragged_lists)
        if values:
            pop.set(np.arange(n), values)
        return pop
    nodes = []
    try:
        for i in range(n):
            p = {**defaults, **table.device_values(cls, common, i, n, first + i), **(per_node[i] if per_node else {})}
            nodes.append(make_device(recording, table.grid, cls, first + i, p))
    except Exception:
        for dev in nodes:  # nothing of a failed create may stay behind
            if isinstance(dev, RecordingDevice):
                dev.backend.disenroll(dev)
        raise
    return DevicePopulation(cls, model, first, n, label, nodes)


def _split_params(n: int, params: Any) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """``params`` as (values for all nodes, one dict per node or None)."""
    if isinstance(params, (list, tuple)):
        if len(params) != n:
            raise bad_property("create", "params", f"{len(params)} dicts", f"give one dict or {n} dicts")
        return {}, [dict(p) for p in params]
    if params is None:
        return {}, None
    if not isinstance(params, dict):
        raise bad_property("create", "params", params, "give a dict or a list of dicts")
    return dict(params), None


def make_device(recording: RecordingManager, grid: TimeGrid, cls: type[Model], node_id: int,
                p: dict[str, Any]) -> Any:
    """One device node: a recording device, or a generator's checked parameter dict."""
    if issubclass(cls, RecorderModel):
        dev_cls = device_class(cls) or (WeightRecordingDevice if cls.transmissions else RecordingDevice)
        dev = dev_cls(recording, cls, node_id, cls.params)
        dev.set({k: v for k, v in p.items() if k != "n_events" or v != 0})
        return dev
    assert issubclass(cls, Generator)
    p = cls.settled({}, as_generator_params(p), grid.resolution, grid.step)
    cls.check_node(p, grid.resolution)
    return p


def placed(table: NodeTable, positions: Any, n: Any, params: Any) -> tuple[Layer, int, Any]:
    """The layer of nodes about to be created with ``positions``, their number, and
    ``params`` with position-dependent parameters drawn (from the stream the node table
    would draw them from, so other random parameters keep their values).

    Raises
    ------
    BadProperty
        If ``positions`` or ``n`` is not allowed.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise bad_property("create", "n", n, "it must be a positive integer")
    first = table.num_nodes + 1
    layer = build_layer(positions, int(n), first, table.seed())
    size = layer.positions.shape[0]
    if isinstance(params, dict) and any(isinstance(v, Parameter) and v.is_spatial() for v in params.values()):
        ctx = Context(positions=layer.positions)
        params = {k: v.draw(rng.generator(table.seed(), first, rng.PURPOSE_PARAMETER, key_hash(k)), size, ctx)
                  if isinstance(v, Parameter) else v for k, v in params.items()}
    return layer, size, params
