"""The model registry of one simulator: node and synapse models, copies and defaults.

Every simulator starts with the installed models (:data:`spikesim.models.NODE_MODELS`,
:data:`spikesim.models.SYNAPSE_MODELS`) under their NEST names.  ``copy_model`` adds a
model under a new name with changed defaults; ``set_defaults`` changes the defaults of
a model.  Checks that need other parts of the simulator (a recorder's backend keys, a
synapse's delay against the connections, a neuron's parameters against each other)
are handed in as callables, so the registry knows nothing of those parts: a check
raises and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from spikesim.errors import UnknownModelName, bad_property
from spikesim.models.base import Model
from spikesim.models.synapses import SynapseModel

#: what a node model default may be (a random parameter may not: NEST refuses it too)
_DEFINITE = (bool, int, float, str, list, tuple, dict, np.ndarray, np.generic, type(None))

#: (model class, model name, the parameters given, the defaults they would give)
NodeCheck = Callable[[type[Model], str, dict[str, Any], dict[str, Any]], None]
#: (synapse model name, class, the parameters given) -> the checked parameters
SynapseCheck = Callable[[str, type[SynapseModel], dict[str, Any]], dict[str, Any]]


def _no_node_check(cls: type[Model], name: str, params: dict[str, Any], merged: dict[str, Any]) -> None:
    for k, v in params.items():
        if k not in cls.defaults():
            raise bad_property(name, k, v, f"{name} has the parameters {sorted(cls.defaults())}")


def _no_synapse_check(name: str, cls: type[SynapseModel], params: dict[str, Any]) -> dict[str, Any]:
    return dict(params)


class ModelRegistry:
    """Node and synapse models of one simulator, by name, with their defaults.

    Parameters
    ----------
    node_models, synapse_models : dict
        The installed model classes by name.
    check_node : callable, optional
        ``check_node(cls, name, params, merged)`` raises if ``params`` may not become
        defaults of node model ``name`` (``merged``: the defaults they would give).
    check_synapse : callable, optional
        ``check_synapse(name, cls, params)`` returns the checked parameters or raises.
    """

    def __init__(self, node_models: dict[str, type[Model]], synapse_models: dict[str, type[SynapseModel]],
                 check_node: NodeCheck | None = None, check_synapse: SynapseCheck | None = None) -> None:
        self.installed_nodes = dict(node_models)
        self.installed_synapses = dict(synapse_models)
        #: node model name -> (class, default overrides), copies included
        self._nodes: dict[str, tuple[type[Model], dict[str, Any]]] = {k: (c, {}) for k, c in node_models.items()}
        #: synapse model name -> (class, defaults), copies included
        self._synapses: dict[str, tuple[type[SynapseModel], dict[str, Any]]] = {
            k: (c, dict(c.params)) for k, c in synapse_models.items()}
        self.check_node: NodeCheck = check_node or _no_node_check
        self.check_synapse: SynapseCheck = check_synapse or _no_synapse_check

    # -- lookup ------------------------------------------------------------------------
    def is_node_model(self, name: Any) -> bool:
        """Whether ``name`` names a node model (copies included)."""
        return isinstance(name, str) and name in self._nodes

    def is_synapse_model(self, name: Any) -> bool:
        """Whether ``name`` names a synapse model (copies included)."""
        return isinstance(name, str) and name in self._synapses

    def node_model(self, name: Any) -> tuple[type[Model], dict[str, Any]]:
        """The class and default overrides of node model ``name``.

        Raises
        ------
        UnknownModelName
            If ``name`` is no node model (the message lists them).
        """
        if not self.is_node_model(name):
            if self.is_synapse_model(name):
                raise UnknownModelName(f"'{name}' is a synapse model; create takes a node model: "
                                       f"{sorted(self._nodes)}")
            raise UnknownModelName(f"unknown node model '{name}'; the node models are {sorted(self._nodes)}")
        return self._nodes[name]

    def node_defaults(self, name: str) -> dict[str, Any]:
        """All defaults of node model ``name`` (the class's, overridden by copies and sets)."""
        cls, over = self.node_model(name)
        return {**cls.defaults(), **over}

    def synapse_model(self, name: Any, owner: str = "connect") -> tuple[type[SynapseModel], dict[str, Any]]:
        """The class and defaults of synapse model ``name``.

        Raises
        ------
        UnknownModelName
            If ``name`` is no synapse model (the message lists them).
        """
        if not self.is_synapse_model(name):
            raise UnknownModelName(f"{owner}: unknown synapse model '{name}'; the synapse models are "
                                   f"{sorted(self._synapses)}")
        return self._synapses[name]

    def names(self, kind: str = "all") -> list[str]:
        """Model names: ``kind`` ``"nodes"``, ``"synapses"`` or ``"all"`` (nodes first)."""
        nodes, syns = sorted(self._nodes), sorted(self._synapses)
        return {"nodes": nodes, "synapses": syns}.get(kind, nodes + syns)

    # -- changes ----------------------------------------------------------------------
    def copy_model(self, old: str, new: str, params: dict[str, Any] | None = None) -> None:
        """Register ``new`` as a copy of ``old`` with changed defaults.

        Raises
        ------
        BadProperty
            If ``new`` is empty or taken, or a parameter is not allowed.
        UnknownModelName
            If ``old`` is no model.
        """
        if not isinstance(new, str) or not new:
            raise bad_property("copy_model", "new", new, "give a new, non-empty model name")
        if new in self._nodes or new in self._synapses:
            raise bad_property("copy_model", "new", new, "a model of that name exists already")
        params = dict(params or {})
        if self.is_synapse_model(old):
            syn, defaults = self._synapses[old]
            merged = {**defaults, **self.check_synapse(old, syn, params)}
            syn.check(old, merged)  # joint checks (weight vs Wmax) see the merged defaults
            self._synapses[new] = (syn, merged)
            return
        cls, over = self.node_model(old)
        self.check_node(cls, old, params, {**over, **params})
        self._nodes[new] = (cls, {**over, **params})

    def set_defaults(self, name: str, params: dict[str, Any]) -> None:
        """Change the defaults of node or synapse model ``name`` (checked first).

        Raises
        ------
        BadProperty
            If a value is not allowed, e.g. a node model default that is not a definite
            value (a random parameter: every node of the model would need its own draw).
        UnknownModelName
            If ``name`` is no model.
        """
        if self.is_synapse_model(name):
            syn, defaults = self._synapses[name]
            merged = {**defaults, **self.check_synapse(name, syn, params)}
            syn.check(name, merged)  # joint checks (weight vs Wmax) see the merged defaults
            self._synapses[name] = (syn, merged)
            return
        cls, over = self.node_model(name)
        for k, v in params.items():
            if not isinstance(v, _DEFINITE):
                raise bad_property(name, k, v, "a model default must be a definite value (a number, bool, "
                                   "string or list), not a random parameter; give random values to Create")
        self.check_node(cls, name, params, {**over, **params})
        self._nodes[name] = (cls, {**over, **params})

    # -- state in and out ---------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Every model by name: class name and defaults (node models: the overrides)."""
        return {"node_models": {k: {"class": c.name, "overrides": dict(o)} for k, (c, o) in self._nodes.items()},
                "synapse_models": {k: {"class": c.name, "defaults": dict(d)}
                                   for k, (c, d) in self._synapses.items()}}

    def load_state(self, state: dict[str, Any], restore: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
                   ) -> None:
        """Replace the models by those of :meth:`state`; ``restore(values, like)`` turns
        stored values back into parameter values.

        Raises
        ------
        KeyError
            Naming a model class this spikesim does not have (nothing is changed).
        """
        nodes = {}
        for name, m in state["node_models"].items():
            cls = self.installed_nodes[m["class"]]
            nodes[name] = (cls, restore(m["overrides"], cls.defaults()))
        synapses = {}
        for name, m in state["synapse_models"].items():
            scls = self.installed_synapses[m["class"]]
            synapses[name] = (scls, restore(m["defaults"], scls.params))
        self._nodes, self._synapses = nodes, synapses
