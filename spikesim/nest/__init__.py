"""spikesim.nest: PyNEST's names and semantics over one module-level Simulator.

A PyNEST script runs after changing its import line to ``import spikesim.nest as
nest``.  Kernel attributes (``nest.resolution``, ``nest.rng_seed``,
``nest.local_num_threads`` ...) read and write the current simulator;
``ResetKernel()`` replaces it with a fresh one.
"""

from __future__ import annotations

import enum
import sys
import types
from typing import Any

import numpy as np

from spikesim import errors as _errors
from spikesim.core.simulator import Simulator
from spikesim.errors import BadProperty, KernelException, bad_property
from spikesim.nest._collections import NodeCollection, SynapseCollection
from spikesim.network import parameters as random  # nest.random.normal(...)
from spikesim.network.nodes import NodeCollection as _CoreNodes

NESTError = _errors.SpikesimError
NESTErrors = types.SimpleNamespace(**{k: getattr(_errors, k) for k in _errors.__all__})
kernel = types.SimpleNamespace(NESTError=NESTError, NESTErrors=NESTErrors)
for _name in _errors.__all__:
    globals()[_name] = getattr(_errors, _name)

_sim = Simulator()
_verbosity = 20


class VerbosityLevel(enum.IntEnum):
    ALL = 0
    DEBUG = 5
    STATUS = 7
    INFO = 10
    DEPRECATED = 18
    WARNING = 20
    ERROR = 30
    FATAL = 40
    QUIET = 100


def get_simulator() -> Simulator:
    """The Simulator behind this face (for mixing with the object API)."""
    return _sim


def _wrap(nc: _CoreNodes) -> NodeCollection:
    return NodeCollection(_sim, nc.ids)


def _nodes(x: Any) -> NodeCollection:
    if isinstance(x, _CoreNodes):
        return x if isinstance(x, NodeCollection) else _wrap(x)
    return NodeCollection(_sim, np.atleast_1d(np.asarray(x, dtype=np.int64)))


# -- kernel ------------------------------------------------------------------------------
def ResetKernel() -> None:
    """Forget the network, the clock and every setting."""
    global _sim
    _sim.close()
    _sim = Simulator()


def SetKernelStatus(params: dict[str, Any]) -> None:
    for k, v in params.items():
        _set_kernel_attr(k, v)


def GetKernelStatus(keys: Any = None) -> Any:
    st = _sim.kernel_status()
    if keys is None:
        return st
    missing = [k for k in ([keys] if isinstance(keys, str) else keys) if k not in st]
    if missing:
        raise BadProperty(f"GetKernelStatus: there is no kernel attribute '{missing[0]}'; the kernel "
                          f"attributes are {sorted(st)}")
    return st[keys] if isinstance(keys, str) else tuple(st[k] for k in keys)


_SETTERS = {
    "resolution": lambda v: _sim.set_resolution(v),
    "rng_seed": lambda v: _sim.set_seed(v),
    "local_num_threads": lambda v: _set_threads(v),
    "total_num_virtual_procs": lambda v: _set_threads(v),
    "print_time": lambda v: setattr(_sim, "print_time", bool(v)),
    "overwrite_files": lambda v: setattr(_sim, "overwrite_files", bool(v)),
    "data_path": lambda v: setattr(_sim, "data_path", str(v)),
    "data_prefix": lambda v: setattr(_sim, "data_prefix", str(v)),
}


def _set_threads(v: Any) -> None:
    _sim.set_threads(v)


def _set_kernel_attr(k: str, v: Any) -> None:
    if k in _SETTERS:
        _SETTERS[k](v)
    elif k in _sim.kernel_status():
        raise KernelException(f"kernel attribute '{k}' is read-only")
    else:
        raise bad_property("SetKernelStatus", k, v, f"the settable kernel attributes are {sorted(_SETTERS)}")


def NumProcesses() -> int:
    return 1


def Rank() -> int:
    return 0


def set_verbosity(level: Any) -> None:
    global _verbosity
    if isinstance(level, str):
        name = level.upper().removeprefix("M_")
        if name not in VerbosityLevel.__members__:
            raise bad_property("set_verbosity", "level", level, f"use one of {list(VerbosityLevel.__members__)}")
        level = VerbosityLevel[name]
    _verbosity = int(level)


def get_verbosity() -> VerbosityLevel:
    return VerbosityLevel(_verbosity) if _verbosity in VerbosityLevel._value2member_map_ else _verbosity


# -- models -------------------------------------------------------------------------------
def Models(mtype: str = "all", sel: str | None = None) -> tuple[str, ...]:
    names = _sim.models({"nodes": "nodes", "synapses": "synapses"}.get(mtype, "all"))
    return tuple(n for n in names if sel is None or sel in n)


def CopyModel(existing: str, new: str, params: dict[str, Any] | None = None) -> None:
    _sim.copy_model(existing, new, _unwrap_params(params))


def GetDefaults(model: str, keys: Any = None, output: str = "") -> Any:
    d = _sim.get_defaults(model)
    if keys is None:
        out = d
    else:
        missing = [k for k in ([keys] if isinstance(keys, str) else keys) if k not in d]
        if missing:
            raise BadProperty(f"GetDefaults: model '{model}' has no key '{missing[0]}'; its keys are {sorted(d)}")
        out = d[keys] if isinstance(keys, str) else tuple(d[k] for k in keys)
    if output == "json":
        import json
        return json.dumps(out, default=str)
    return out


def SetDefaults(model: str, params: Any, val: Any = None) -> None:
    if isinstance(params, str):
        params = {params: val}
    _sim.set_defaults(model, _unwrap_params(params))


def _unwrap_params(params: dict[str, Any] | None) -> dict[str, Any]:
    return dict(params or {})


# -- nodes ---------------------------------------------------------------------------------
def Create(model: str, n: Any = 1, params: Any = None, positions: Any = None) -> NodeCollection:
    """PyNEST's Create; like PyNEST, a dict in place of ``n`` is taken as ``params``, and
    an array value longer than ``n`` gives its first ``n`` entries."""
    if positions is not None:
        raise bad_property("Create", "positions", positions, "spatial networks are not supported")
    if isinstance(n, dict):
        if params is not None:
            raise bad_property("Create", "n", n, "give params either as the second argument or as params=")
        n, params = 1, n
    if isinstance(params, dict) and isinstance(n, (int, np.integer)):
        params = _first_n(params, int(n), _sim.get_defaults(model) if isinstance(model, str) else {})
    return _wrap(_sim.create(model, n, params))


def _first_n(params: dict[str, Any], n: int, defaults: dict[str, Any]) -> dict[str, Any]:
    """PyNEST indexes per-node arrays by node, so extra trailing values are ignored;
    list-valued parameters (record_from, spike_times ...) are left whole."""
    out = {}
    for k, v in params.items():
        scalar_param = k in defaults and not isinstance(defaults[k], (list, tuple, np.ndarray, dict))
        if scalar_param and isinstance(v, (list, np.ndarray)) and np.ndim(v) == 1 and len(v) > n:
            v = v[:n]
        out[k] = v
    return out


def GetNodes(properties: dict[str, Any] | None = None, local_only: bool = False) -> NodeCollection:
    allnodes = _sim.all_nodes()
    if not properties:
        return _wrap(allnodes)
    keep = np.ones(len(allnodes), dtype=bool)
    for pop, local, pos in _sim.node_table.split(allnodes.ids):
        for k, v in properties.items():
            try:
                vals = pop.get(k, local)
            except BadProperty:
                keep[pos] = False
                continue
            keep[pos] &= np.array([x == v for x in vals], dtype=bool)
    return NodeCollection(_sim, allnodes.ids[keep])


def GetStatus(nodes: Any, keys: Any = None, output: str = "") -> Any:
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
    if isinstance(params, str):
        params = {params: val}
    if isinstance(nodes, SynapseCollection):
        nodes.set(params)
        return
    nc = _nodes(nodes)
    if isinstance(params, (list, tuple)):
        if len(params) == 1:
            params = params[0]
        nc.set(params)
        return
    nc.set(params)


# -- connections ---------------------------------------------------------------------------
def Connect(pre: Any, post: Any, conn_spec: Any = None, syn_spec: Any = None,
            return_synapsecollection: bool = False) -> SynapseCollection | None:
    pre_nc, post_nc = _nodes(pre) if not isinstance(pre, np.ndarray) else pre, \
        _nodes(post) if not isinstance(post, np.ndarray) else post
    _sim.connect(pre_nc, post_nc, conn_spec, syn_spec)
    if return_synapsecollection:
        return GetConnections(pre_nc, post_nc, (syn_spec or {}).get("synapse_model")
                              if isinstance(syn_spec, dict) else syn_spec)
    return None


def GetConnections(source: Any = None, target: Any = None, synapse_model: str | None = None,
                   synapse_label: Any = None) -> SynapseCollection:
    if synapse_label is not None:
        raise bad_property("GetConnections", "synapse_label", synapse_label, "synapse labels are not supported")
    core = _sim.get_connections(source, target, synapse_model)
    return SynapseCollection.of(core)


def Disconnect(*args: Any, **kwargs: Any) -> None:
    raise KernelException("Disconnect is not supported: spikesim keeps connections until ResetKernel")


# -- running -------------------------------------------------------------------------------
def Simulate(t: float) -> None:
    _sim.simulate(t)


def Run(t: float) -> None:
    _sim.simulate(t)


def Prepare() -> None:
    _sim.engine.prepare()


def Cleanup() -> None:
    _sim.recording.flush()


class RunManager:
    """Context manager for Prepare/Run/Cleanup (PyNEST's ``nest.RunManager``)."""

    def __enter__(self) -> RunManager:
        Prepare()
        return self

    def __exit__(self, *exc: Any) -> None:
        Cleanup()


# -- recording backends ------------------------------------------------------------------------
def _backends() -> tuple[str, ...]:
    return _sim.recording.names()


def Checkpoint(path: str) -> None:
    """Write a full checkpoint of the simulator (see :meth:`Simulator.checkpoint`)."""
    _sim.checkpoint(path)


def Restore(path: str) -> None:
    """Replace the kernel by the simulator stored in a checkpoint."""
    global _sim
    _sim = Simulator.restore(path)


_KERNEL_ATTRS = set(Simulator().kernel_status()) | {"verbosity"}


class _NestModule(types.ModuleType):
    """Module type that turns kernel attributes into properties, as PyNEST does."""

    def __getattr__(self, name: str) -> Any:
        if name == "verbosity":
            return get_verbosity()
        if name == "recording_backends":
            return _backends()
        if name in ("raster_plot", "voltage_trace"):
            import importlib
            return importlib.import_module(f"{__name__}.{name}")
        if name in _KERNEL_ATTRS:
            return _sim.kernel_status()[name]
        raise AttributeError(f"module 'spikesim.nest' has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "verbosity":
            set_verbosity(value)
        elif name in _KERNEL_ATTRS:
            _set_kernel_attr(name, value)
        elif name.startswith("_") or name in self.__dict__ or isinstance(value, types.ModuleType):
            # private names, monkeypatching and the import machinery
            super().__setattr__(name, value)
        else:
            # PyNEST blocks unknown names too: a typo such as nest.resolutoin = 0.2 must not pass silently
            raise AttributeError(f"cannot set attribute '{name}' on module 'spikesim.nest'; the kernel "
                                 f"attributes are {sorted(_KERNEL_ATTRS)}")


sys.modules[__name__].__class__ = _NestModule

__all__ = ["ResetKernel", "SetKernelStatus", "GetKernelStatus", "Create", "Connect", "Simulate", "Run",
           "CopyModel", "GetDefaults", "SetDefaults", "GetStatus", "SetStatus", "GetNodes",
           "GetConnections", "NumProcesses", "Rank", "set_verbosity", "get_verbosity", "Models",
           "NodeCollection", "SynapseCollection", "random", "NESTError", "VerbosityLevel", "Checkpoint",
           "Restore", "RunManager", "Prepare", "Cleanup"]
