"""PyNEST's model, node and connection functions over the simulator of :mod:`spikesim.nest`.

Parameters keep NEST's units (ms, mV, pA, nS); nodes come back as the face's
:class:`~spikesim.nest._collections.NodeCollection`, connections as its
:class:`~spikesim.nest._collections.SynapseCollection`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from spikesim.errors import (
    BadDelay,
    BadProperty,
    IllegalConnection,
    KernelException,
    NewModelNameExists,
    SpikesimError,
    UnaccessedDictionaryEntry,
    UnknownModelName,
    bad_property,
)
from spikesim.nest._collections import NodeCollection
from spikesim.nest._connect_inputs import input_nodes
from spikesim.nest._create_params import check_params_shape, first_n, unaccessed_in_create
from spikesim.nest._model_params import check_syn_specs, select, shown_defaults
from spikesim.nest._shapes import nest_stop, stop_in, to_json
from spikesim.nest._spatial_create import SPATIAL_TYPES, check_layers, create_layer
from spikesim.nest._status import checked_face_set
from spikesim.nest._synapses import SynapseCollection
from spikesim.nest.delays import grid_delay
from spikesim.nest.kernel_facts import FIXED_FACTS
from spikesim.nest.simulation import delay_extrema, get_simulator, model_id, note_delays
from spikesim.network import parameters as _params
from spikesim.network.nodes import NodeCollection as _CoreNodes

__all__ = ["Connect", "CopyModel", "Create", "CreateParameter", "Disconnect", "GetConnections", "GetDefaults",
           "GetNodes", "GetStatus", "Models", "SetDefaults", "SetStatus"]


def _in_nest_words(exc: SpikesimError, words: str) -> SpikesimError:
    """The same error with NEST's words for it in front (PyNEST code and NEST's tests match them)."""
    return type(exc)(f"{words}: {exc}")


def _wrap(nc: _CoreNodes) -> NodeCollection:
    return NodeCollection(get_simulator(), nc.ids)


def _nodes(x: Any) -> NodeCollection:
    if isinstance(x, _CoreNodes) and not len(x):  # an empty collection belongs to no kernel in particular
        return NodeCollection(get_simulator(), [])
    if isinstance(x, _CoreNodes):
        return x if isinstance(x, NodeCollection) else _wrap(x)
    return NodeCollection(get_simulator(), np.atleast_1d(np.asarray(x, dtype=np.int64)))


# -- models -------------------------------------------------------------------------------
def Models(mtype: str = "all", sel: str | None = None) -> tuple[str, ...]:
    """Names of the known models.

    Parameters
    ----------
    mtype : {"all", "nodes", "synapses"}, default "all"
        Which models; other values give all.
    sel : str, optional
        Keep only names containing this string.

    Returns
    -------
    tuple of str
    """
    names = get_simulator().models({"nodes": "nodes", "synapses": "synapses"}.get(mtype, "all"))
    return tuple(n for n in names if sel is None or sel in n)


def CopyModel(existing: str, new: str, params: dict[str, Any] | None = None) -> None:
    """Register ``new`` as a copy of ``existing`` with changed defaults (NEST's units).

    Raises
    ------
    BadProperty
        If ``existing`` is unknown, ``new`` is taken, or a parameter is not allowed.
    KernelException
        If a synapse model would be NEST's 512th (``max_num_syn_models``).
    """
    sim = get_simulator()
    if new in sim.models("all"):
        raise NewModelNameExists(f"CopyModel: a model named '{new}' exists already; choose another name")
    if existing in sim.models("synapses") and len(sim.models("synapses")) >= FIXED_FACTS["max_num_syn_models"]:
        raise KernelException(f"CopyModel: Synapse model count exceeded: '{new}' would be synapse model number "
                              f"{len(sim.models('synapses')) + 1}; NEST allows {FIXED_FACTS['max_num_syn_models']}")
    sim.copy_model(existing, new, stop_in(dict(params or {})))


def GetDefaults(model: str, keys: str | Iterable[str] | None = None, output: str = "") -> Any:
    """Default parameters of a model: all as a dict, one value, or a tuple of values.

    Parameters
    ----------
    model : str
        Model name.
    keys : str or iterable of str, optional
        Parameter name(s); ``None`` for all.  Values are in NEST's units (ms, mV, pA, nS).
    output : str, default ""
        ``"json"`` for a JSON string (a synapse's ``delay`` on the grid, as NEST keeps it).

    Raises
    ------
    UnknownModelName
        If the model is unknown.
    UnknownKey
        If the model has no such key (a KeyError, as in PyNEST).
    """
    sim, syn = get_simulator(), model in get_simulator().models("synapses")
    d = dict(sim.get_defaults(model))
    d["synapse_modelid" if syn else "model_id"] = model_id(model)
    if syn and "delay" in d:
        d["delay"] = grid_delay(sim, d["delay"])
    if "stop" in d:
        d["stop"] = nest_stop(d["stop"])
    d = shown_defaults(sim, d)
    out = d if keys is None else select(d, keys, f"GetDefaults: model '{model}'")
    if output == "json":
        return json.dumps(out, default=str)
    return out


def SetDefaults(model: str, params: dict[str, Any] | str, val: Any = None) -> None:
    """Change a model's defaults for nodes and connections made afterwards.

    Parameters
    ----------
    model : str
        Model name.
    params : dict or str
        Parameter -> value (NEST's units), or one parameter name with ``val``.
    val : optional
        The value when ``params`` is a name.

    Raises
    ------
    UnaccessedDictionaryEntry
        If the model has no parameter of a given name (NEST's "Unaccessed elements").
    BadProperty
        If the model is unknown, a value is not allowed, or a value is a random parameter
        (a ValueError, as in NEST).
    """
    if isinstance(params, str):
        params = {params: val}
    sim = get_simulator()
    known = set(sim.get_defaults(model)) | sim.recording.device_keys((params or {}).get("record_to"))
    unknown = sorted(set(params or {}) - known)
    if unknown:
        raise UnaccessedDictionaryEntry(f"SetDefaults: Unaccessed elements in params for model '{model}': "
                                        f"{unknown}; it has the parameters {sorted(sim.get_defaults(model))}")
    for k, v in (params or {}).items():
        if isinstance(v, _params.Parameter):  # NEST keeps definite values as defaults
            raise bad_property("SetDefaults", k, v, "give a definite value: a default cannot be a random "
                               "or spatial parameter (give it to Create or set instead)")
    sim.set_defaults(model, stop_in(checked_face_set(dict(params or {}))))


def CreateParameter(parametertype: str, specs: dict[str, Any]) -> _params.Parameter:
    """A parameter by NEST's type name: ``"constant"`` (``value``), ``"uniform"`` (``min``, ``max``),
    ``"normal"`` (``mean``, ``std``), ``"lognormal"``, ``"exponential"`` (``beta``), ``"uniform_int"``
    (``max``), and the spatial types of :data:`~spikesim.nest._spatial_create.SPATIAL_TYPES`.

    Raises
    ------
    BadProperty
        For an unknown type, an unknown key or a value out of range.
    """
    makers: dict[str, Callable[..., _params.Parameter]] = {
        "constant": _params.Constant, "uniform": _params.Uniform, "normal": _params.Normal,
        "lognormal": _params.Lognormal, "exponential": _params.Exponential, "uniform_int": _params.UniformInt,
        **SPATIAL_TYPES}
    if parametertype not in makers:
        raise bad_property("CreateParameter", "parametertype", parametertype, f"use one of {sorted(makers)}")
    try:
        return makers[parametertype](**dict(specs or {}))
    except TypeError:
        raise bad_property("CreateParameter", "specs", specs, f"not keys of a '{parametertype}' parameter") from None


# -- nodes ---------------------------------------------------------------------------------
def Create(model: str, n: int | dict[str, Any] = 1, params: Any = None, positions: Any = None) -> NodeCollection:
    """Create ``n`` nodes of ``model`` (PyNEST's ``Create``).

    Like PyNEST, a dict in place of ``n`` is taken as ``params``, and an array value
    longer than ``n`` gives its first ``n`` entries.

    Parameters
    ----------
    model : str
        Model name.
    n : int or dict, default 1
        Number of nodes (or the parameters).
    params : dict or list of dict, optional
        Parameter values (NEST's units: ms, mV, pA, nS), scalars, one per node, or
        ``nest.random`` parameters.
    positions : nest.spatial.grid or nest.spatial.free, optional
        Places the nodes in space (a grid or a list of positions sets their number).

    Returns
    -------
    NodeCollection

    Raises
    ------
    TypeError
        If ``params`` is neither a dict nor one dict per node (as in PyNEST).
    IndexError
        If a list for a scalar parameter has fewer than ``n`` values.
    OverflowError
        If an int parameter lies outside NEST's integers.
    UnaccessedDictionaryEntry
        If a parameter name is unknown or read-only (NEST's "Unaccessed elements").
    BadProperty
        If params are given twice, or ``n``, ``positions`` or a parameter value is not allowed.
    UnknownModelName
        If there is no such model ("... is not a known model name", NEST's words).
    """
    if positions is not None:
        return create_layer(model, n, params, positions)
    if isinstance(n, dict):
        if params is not None:
            raise bad_property("Create", "n", n, "give params either as the second argument or as params=")
        n, params = 1, n
    sim = get_simulator()
    check_params_shape(params, n)
    if isinstance(params, dict) and isinstance(n, (int, np.integer)):
        params = first_n(checked_face_set(params), int(n), sim.get_defaults(model) if isinstance(model, str) else {})
    try:
        return _wrap(sim.create(model, n, stop_in(params)))
    except UnknownModelName as exc:
        raise _in_nest_words(exc, f"Create: '{model}' is not a known model name") from None
    except BadProperty as exc:
        unaccessed_in_create(model, params, exc)
        raise


def GetNodes(properties: dict[str, Any] | None = None, local_only: bool = False) -> NodeCollection:
    """All nodes, or those whose parameters equal every given value.

    Parameters
    ----------
    properties : dict, optional
        Parameter -> value; nodes lacking a parameter are left out.
    local_only : bool, default False
        Ignored: every node is local in spikesim's single process.

    Returns
    -------
    NodeCollection
    """
    sim = get_simulator()
    allnodes = sim.all_nodes()
    if not properties:
        return _wrap(allnodes)
    keep = np.ones(len(allnodes), dtype=bool)
    for pop, local, pos in sim.node_table.split(allnodes.ids):
        for k, v in properties.items():
            try:
                vals = pop.get(k, local)
            except BadProperty:
                keep[pos] = False
                continue
            keep[pos] &= np.array([x == v for x in vals], dtype=bool)
    return NodeCollection(sim, allnodes.ids[keep])


def GetStatus(nodes: Any, keys: str | Iterable[str] | None = None, output: str = "") -> Any:
    """Parameters and state of nodes or connections, PyNEST's way (tuples per node).

    Parameters
    ----------
    nodes : NodeCollection, SynapseCollection or node ids
    keys : str or iterable of str, optional
        Name(s); ``None`` for a dict per node.  Values are in NEST's units.
    output : str, default ""
        ``"json"``: a JSON string of the result.

    Returns
    -------
    tuple
        One value (or dict, or tuple of values) per node or connection.

    Raises
    ------
    BadProperty
        If a key is not a parameter of the nodes.
    """
    if output == "json":
        return to_json(GetStatus(nodes, keys))
    if isinstance(nodes, SynapseCollection):
        res = nodes.get(keys)
        return tuple(res) if isinstance(res, list) else res
    nc = _nodes(nodes)
    if keys is None:
        return tuple(n.get() for n in nc)
    if isinstance(keys, str):
        vals = nc.get(keys)
        return vals if isinstance(vals, tuple) else (vals,)
    return tuple(tuple(n.get(k) for k in keys) for n in nc)


def SetStatus(nodes: Any, params: Any, val: Any = None) -> None:
    """Set parameters or state of nodes or connections (NEST's units).

    Parameters
    ----------
    nodes : NodeCollection, SynapseCollection or node ids
    params : dict, list of dict or str
        Name -> value (scalar or one per node), one dict per node, or one name with ``val``.
    val : optional
        The value when ``params`` is a name.

    Raises
    ------
    BadProperty
        If a name is not a settable parameter or a value is not allowed.
    """
    if isinstance(params, str):
        params = {params: val}
    if isinstance(nodes, SynapseCollection):
        nodes.set(params)
        return
    nc = _nodes(nodes)
    if isinstance(params, (list, tuple)) and len(params) == 1:
        params = params[0]
    nc.set(params)


# -- connections ---------------------------------------------------------------------------
class CollocatedSynapses:
    """Several synapse specifications for the same connections (PyNEST's
    ``CollocatedSynapses``): ``Connect`` draws the pairs once and gives each pair one
    synapse of every specification, in the order given.

    Parameters
    ----------
    *syn_specs : dict or str
        Synapse specifications as ``Connect`` takes them (weights in pA or nS, delays in ms).
    """

    def __init__(self, *syn_specs: dict[str, Any] | str) -> None:
        self.syn_specs = syn_specs

    def __len__(self) -> int:
        return len(self.syn_specs)


def Connect(pre: Any, post: Any, conn_spec: Any = None, syn_spec: Any = None,
            return_synapsecollection: bool = False) -> SynapseCollection | None:
    """Connect ``pre`` to ``post`` (PyNEST's ``Connect``; weights in pA or nS, delays in ms).

    Parameters
    ----------
    pre, post : NodeCollection, node ids or arrays
        Sources and targets.
    conn_spec : str or dict, optional
        Connection rule (default ``"all_to_all"``) and its parameters.
    syn_spec : str, dict or CollocatedSynapses, optional
        Synapse model and parameters (``weight``, ``delay`` in ms ...), or several
        (:class:`CollocatedSynapses`: one synapse of each per pair).
    return_synapsecollection : bool, default False
        Return the connections of ``pre`` to ``post`` of the synapse model.

    Returns
    -------
    SynapseCollection or None

    Raises
    ------
    BadDelay
        If ``min_delay``/``max_delay`` were set and a delay lies outside them, or a delay is
        shorter than the resolution.
    IllegalConnection
        If the nodes cannot be connected ("Creation of connection is not possible", NEST's
        words), ``pre`` or ``post`` is empty, a rule other than ``all_to_all`` and
        ``one_to_one`` targets a recorder without proxies (``spike_recorder`` ...), or a
        multimeter's ``record_from`` names what its target cannot record.
    BadProperty
        If the rule, the synapse model or a parameter is not allowed.
    """
    pre_nc, post_nc = input_nodes(pre, post, conn_spec, _nodes, lambda x: isinstance(x, _CoreNodes))
    if not len(pre_nc) or not len(post_nc):
        raise IllegalConnection("Creation of connection is not possible: Connect: the "
                                f"{'sources' if not len(pre_nc) else 'targets'} are an empty NodeCollection")
    specs = list(syn_spec.syn_specs) if isinstance(syn_spec, CollocatedSynapses) else [syn_spec]
    for spec in specs:
        _check_delay_extrema(spec)
    check_syn_specs(get_simulator(), specs)
    _check_proxies(post_nc, conn_spec)
    check_layers(pre_nc, post_nc, conn_spec, specs)
    try:
        get_simulator().connect(pre_nc, post_nc, conn_spec, specs if len(specs) > 1 else specs[0])
    except IllegalConnection as exc:
        raise _in_nest_words(exc, "Creation of connection is not possible") from None
    except BadDelay as exc:  # the user's delay extrema were checked above: this is the resolution
        raise _in_nest_words(exc, "Delay must be greater than or equal to resolution") from None
    except BadProperty as exc:
        if "'record_from'" not in str(exc):
            raise
        # NEST refuses a multimeter's record_from naming what the target cannot record as a connection
        raise IllegalConnection(f"Creation of connection is not possible: {exc}") from None
    if return_synapsecollection:
        models = {(s or {}).get("synapse_model") if isinstance(s, dict) or s is None else s for s in specs}
        return GetConnections(pre_nc, post_nc, models.pop() if len(models) == 1 else None)
    return None


#: recorders NEST gives proxies (they may be targets of any rule)
_RECORDERS_WITH_PROXIES = ("correlation_detector", "correlomatrix_detector", "correlospinmatrix_detector")


def _check_proxies(post: Any, conn_spec: Any) -> None:
    """NEST connects to recorders without proxies (spike_recorder, weight_recorder ...) only by
    ``all_to_all``, ``one_to_one`` and ``pairwise_bernoulli`` drawn on the source side
    (``use_on_source``): a rule that picks targets at random refuses them."""
    rule = conn_spec if isinstance(conn_spec, str) else (conn_spec or {}).get("rule", "all_to_all") \
        if isinstance(conn_spec, dict) or conn_spec is None else None
    if rule in (None, "all_to_all", "one_to_one") or not isinstance(post, _CoreNodes) or (
            rule == "pairwise_bernoulli" and isinstance(conn_spec, dict) and conn_spec.get("use_on_source")):
        return
    for pop, _, _ in post.table.split(post.ids):
        base = getattr(pop.model, "name", "") or pop.model_name
        if pop.element_type == "recorder" and base not in _RECORDERS_WITH_PROXIES:
            raise IllegalConnection(f"Creation of connection is not possible because: Cannot use the rule "
                                    f"'{rule}' to connect to nodes without proxies (here '{pop.model_name}'); "
                                    "connect recorders with 'all_to_all' or 'one_to_one'")


def _check_delay_extrema(syn_spec: Any) -> None:
    """With ``min_delay``/``max_delay`` set by the user, delays outside raise, as in NEST."""
    lo, hi = delay_extrema()
    if lo is None and hi is None:
        return
    spec = {"synapse_model": syn_spec} if isinstance(syn_spec, str) else dict(syn_spec or {})
    delay = spec.get("delay")
    if delay is None:
        delay = get_simulator().get_defaults(spec.get("synapse_model", "static_synapse")).get("delay")
    if isinstance(delay, _params.Parameter) or delay is None:
        return
    d = np.asarray(delay, dtype=float)
    if d.size and ((lo is not None and d.min() < lo) or (hi is not None and d.max() > hi)):
        raise BadDelay(f"Connect: delay {float(d.min() if lo is not None and d.min() < lo else d.max())} ms is "
                       f"outside the kernel's min_delay..max_delay ({lo}..{hi} ms) set by the user")


def GetConnections(source: Any = None, target: Any = None, synapse_model: str | None = None,
                   synapse_label: Any = None) -> SynapseCollection:
    """The connections from ``source`` to ``target`` of a synapse model (``None``: any), and
    with ``synapse_label`` only those of labelled (``*_lbl``) models carrying that label.

    Raises
    ------
    TypeError
        If ``source`` or ``target`` is neither None nor a NodeCollection (as in PyNEST).
    """
    for name, nodes in (("source", source), ("target", target)):
        if nodes is not None and not isinstance(nodes, _CoreNodes):
            raise TypeError(f"GetConnections: {name} must be a NodeCollection (or None), not {nodes!r}")
    label = None if synapse_label is None else int(synapse_label)
    return SynapseCollection.of(get_simulator().get_connections(source, target, synapse_model, label))


def Disconnect(*args: Any, conn_spec: Any = None, syn_spec: Any = None) -> None:
    """PyNEST's ``Disconnect(conns)`` or ``Disconnect(pre, post, conn_spec="one_to_one",
    syn_spec="static_synapse")``: the rule (or ``all_to_all``) names node pairs, and the
    first connection of the synapse model of each pair goes (only the model counts).

    Raises
    ------
    TypeError
        If the arguments are neither a SynapseCollection nor two NodeCollections.
    ValueError
        If ``conn_spec`` or ``syn_spec`` come with a SynapseCollection.
    InexistentConnection
        If a pair has no such connection (nothing is removed).
    """
    sim = get_simulator()
    note_delays()
    if len(args) == 1:
        if not isinstance(args[0], SynapseCollection):
            raise TypeError("Disconnect: arguments must be either a SynapseCollection or two NodeCollections")
        if conn_spec is not None or syn_spec is not None:
            raise ValueError("Disconnect: with a SynapseCollection, conn_spec and syn_spec cannot be given")
        sim.disconnect(args[0])
        return
    if len(args) != 2 or not all(isinstance(a, _CoreNodes) for a in args):
        raise TypeError("Disconnect: arguments must be either a SynapseCollection or two NodeCollections")
    spec = {"rule": conn_spec or "one_to_one"} if not isinstance(conn_spec, dict) else conn_spec
    syn = {"synapse_model": syn_spec or "static_synapse"} if not isinstance(syn_spec, dict) else syn_spec
    sim.disconnect(args[0], args[1], spec, str(syn.get("synapse_model", "static_synapse")))
