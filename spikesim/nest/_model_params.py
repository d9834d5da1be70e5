"""Model parameters as PyNEST shows and takes them: ``GetDefaults``' shapes, ``Connect``'s refusals.

``GetDefaults`` gives several keys' values as a list and a synapse model's
``volume_transmitter`` as a NodeCollection (empty when none is set).

NEST raises ``NotImplemented`` when a ``syn_spec`` sets a common property of its model
(one shared by all its connections: ``tau_plus`` of ``stdp_synapse_hom``, the
plasticity parameters and ``volume_transmitter`` of ``stdp_dopamine_synapse``, a
``weight_recorder``), and, with more than one thread, when it sets ``c`` or ``n`` of
``stdp_dopamine_synapse`` (its connections' initial traces; spikesim's results do not
depend on threads, but the face refuses what NEST refuses).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from spikesim.core.simulator import Simulator
from spikesim.errors import NotImplementedFeature
from spikesim.nest._collections import NodeCollection
from spikesim.nest.simulation import UnknownKey


def select(d: dict[str, Any], keys: str | Iterable[str], what: str) -> Any:
    """``d[keys]`` for one key, a list of values for several, as PyNEST's ``GetDefaults`` returns them.

    Raises
    ------
    UnknownKey
        A KeyError, as in PyNEST, naming the first key ``d`` lacks (``what`` says whose).
    """
    names = [keys] if isinstance(keys, str) else list(keys) if isinstance(keys, Iterable) else [keys]
    missing = [k for k in names if k not in d]
    if missing:
        raise UnknownKey(f"{what} has no key {missing[0]!r}; its keys are {sorted(d)}")
    return d[keys] if isinstance(keys, str) else [d[k] for k in names]


def shown_defaults(sim: Simulator, d: dict[str, Any]) -> dict[str, Any]:
    """A model's defaults ``d`` with a ``volume_transmitter`` node id (or None) as NEST's
    NodeCollection of it (empty: none set)."""
    if "volume_transmitter" in d and (d["volume_transmitter"] is None or isinstance(d["volume_transmitter"], int)):
        vt = d["volume_transmitter"]
        d["volume_transmitter"] = NodeCollection(sim, [] if vt is None else [vt])
    return d


def check_syn_specs(sim: Simulator, specs: Sequence[Any]) -> None:
    """Refuse what NEST's ``Connect`` refuses in the synapse specifications ``specs``.

    Parameters
    ----------
    sim : Simulator
        The face's simulator (its models and thread count).
    specs : sequence
        The ``syn_spec`` values of one ``Connect`` call (dicts are checked; names and
        None set nothing).

    Raises
    ------
    NotImplementedFeature
        NEST's ``NotImplemented``, naming the parameter, its value and what to do instead.
    """
    for spec in specs:
        if not isinstance(spec, dict):
            continue
        name = spec.get("synapse_model", "static_synapse")
        if not sim.models_registry.is_synapse_model(name):
            continue  # the core names the unknown model
        cls = sim.models_registry.synapse_model(name)[0]
        for k, v in spec.items():
            if k in cls.common:
                raise NotImplementedFeature(f'Connect: Synapse parameter "{k}" ({name}: {k} = {v!r}) can only be '
                                            "set via SetDefaults() or CopyModel().")
            if k in ("c", "n") and cls.kind == "stdp_dopamine" and sim.threads > 1:
                raise NotImplementedFeature(
                    f"Connect: For multi-threading Connect doesn't support the setting of parameter {k} "
                    f"({k} = {v!r}) in stdp_dopamine_synapse. Use SetDefaults() or CopyModel().")
