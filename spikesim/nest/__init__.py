"""spikesim.nest: PyNEST's names and semantics over one module-level Simulator.

A PyNEST script runs after changing its import line to ``import spikesim.nest as
nest``.  Kernel attributes (``nest.resolution`` in ms, ``nest.rng_seed``,
``nest.local_num_threads`` ...) read and write the current simulator;
``ResetKernel()`` replaces it with a fresh one.  The functions live in
:mod:`spikesim.nest.simulation` (kernel, running) and
:mod:`spikesim.nest.construction` (models, nodes, connections).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from spikesim import errors as _errors
from spikesim.nest import logic, math, random, spatial, spatial_distributions  # nest.random.normal(...)
from spikesim.nest import simulation as _simulation
from spikesim.nest._collections import NodeCollection, SynapseCollection, to_json
from spikesim.nest.construction import (
    CollocatedSynapses,
    Connect,
    CopyModel,
    Create,
    CreateParameter,
    Disconnect,
    GetConnections,
    GetDefaults,
    GetNodes,
    GetStatus,
    Models,
    SetDefaults,
    SetStatus,
)
from spikesim.nest.messages import message
from spikesim.nest.parallel import GetLocalNodeCollection, NumProcesses, Rank
from spikesim.nest.simulation import (
    Checkpoint,
    Cleanup,
    GetKernelStatus,
    Prepare,
    ResetKernel,
    Restore,
    Run,
    RunManager,
    SetKernelStatus,
    Simulate,
    VerbosityLevel,
    get_simulator,
    get_verbosity,
    set_verbosity,
)
from spikesim.nest.spatial_functions import (
    CreateMask,
    Displacement,
    Distance,
    DumpLayerConnections,
    DumpLayerNodes,
    FindCenterElement,
    FindNearestElement,
    GetPosition,
    GetSourceNodes,
    GetSourcePositions,
    GetTargetNodes,
    GetTargetPositions,
    LayerExpected,
    PrintNodes,
    SelectNodesByMask,
)
from spikesim.nest.spatial_plot import PlotLayer, PlotProbabilityParameter, PlotSources, PlotTargets

NESTError = _errors.SpikesimError
NESTErrors = types.SimpleNamespace(**{k: getattr(_errors, k) for k in _errors.__all__})
NESTErrors.NotImplemented = _errors.NotImplementedFeature
NESTErrors.LayerExpected = LayerExpected
# NEST's other error names: raised by nothing in spikesim, present so that scripts catching them run
for _name in ("BackendAlreadyRegistered", "BackendNotPrepared", "BackendPrepared", "BadParameter", "BadDelay",
              "DimensionMismatch", "DistributionError", "DynamicModuleManagementError", "GSLSolverFailure",
              "IOError", "IncompatibleReceptorType", "InexistentConnection", "InternalError",
              "InvalidDefaultResolution", "InvalidTimeInModel", "KeyError", "LayerExpected", "LayerNodeExpected",
              "LocalNodeExpected", "MPIErrorCode", "ModelInUse", "NamingConflict", "NoThreadSiblingsAvailable",
              "NodeWithProxiesExpected", "NumericalInstability", "RangeCheck", "TimeMultipleRequired",
              "TypeMismatch", "UndefinedName", "UnexpectedEvent", "UnknownCompartment", "UnknownComponent",
              "UnknownPort", "UnknownThread", "UnmatchedSteps", "UnsupportedEvent"):
    if not hasattr(NESTErrors, _name):
        setattr(NESTErrors, _name, type(_name, (_errors.KernelException,), {"__module__": "NESTErrors"}))
kernel = types.SimpleNamespace(NESTError=NESTError, NESTErrors=NESTErrors)
for _name in _errors.__all__:
    globals()[_name] = getattr(_errors, _name)


class _NestModule(types.ModuleType):
    """Module type that turns kernel attributes into properties, as PyNEST does."""

    def __getattr__(self, name: str) -> Any:
        if name == "verbosity":
            return get_verbosity()
        if name == "recording_backends":
            return _simulation.recording_backends()
        if name in ("raster_plot", "voltage_trace"):
            return importlib.import_module(f"{__name__}.{name}")
        if name == "kernel_status":
            return _simulation.kernel_status()
        if name in _simulation.KERNEL_ATTRIBUTES:
            return _simulation.kernel_status()[name]
        raise AttributeError(f"module 'spikesim.nest' has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "verbosity":
            set_verbosity(value)
        elif name in _simulation.KERNEL_ATTRIBUTES:
            try:
                _simulation.set_kernel_attribute(name, value)
            except _simulation.ReadOnlyKernelAttribute as exc:  # PyNEST: an AttributeError on the module
                raise AttributeError(str(exc)) from exc
        elif name.startswith("_") or isinstance(value, types.ModuleType):
            # private names and the import machinery (submodules)
            super().__setattr__(name, value)
        else:
            # PyNEST blocks unknown names and the replacing of its functions (nest.get = 5): a typo
            # such as nest.resolutoin = 0.2 must not pass silently
            raise AttributeError(f"cannot set attribute '{name}' on module 'spikesim.nest'; the kernel "
                                 f"attributes are {sorted(_simulation.KERNEL_ATTRIBUTES)}")


def get(*keys: str) -> Any:
    """Kernel attributes, as ``nest.get("resolution")`` (PyNEST): all as a dict, one value, or a
    tuple of several.

    Raises
    ------
    BadProperty
        If a key is not a kernel attribute.
    """
    if not keys:
        return GetKernelStatus()
    if len(keys) == 1:
        return GetKernelStatus(keys[0])
    return GetKernelStatus(keys)


def set(**params: Any) -> None:  # noqa: A001 - PyNEST's name
    """Set kernel attributes, as ``nest.set(resolution=0.1, rng_seed=3)`` (PyNEST).

    Raises
    ------
    KernelException
        If an attribute is read-only.
    BadProperty
        If an attribute is unknown or a value is not allowed.
    """
    SetKernelStatus(params)


for _name in _simulation.KERNEL_ATTRIBUTES:  # type(nest).<name>._default, as PyNEST declares them
    setattr(_NestModule, _name, _simulation.KernelAttribute(_name))
sys.modules[__name__].__class__ = _NestModule

__all__ = ["Checkpoint", "Cleanup", "CollocatedSynapses", "Connect", "CopyModel", "Create", "Disconnect",
           "GetConnections",
           "GetDefaults", "GetKernelStatus", "GetLocalNodeCollection", "GetNodes", "GetStatus", "Models", "NESTError",
           "NodeCollection",
           "NumProcesses", "Prepare", "Rank", "ResetKernel", "Restore", "Run", "RunManager", "SetDefaults",
           "SetKernelStatus", "SetStatus", "Simulate", "SynapseCollection", "VerbosityLevel", "get_simulator",
           "message", "get_verbosity", "random", "set_verbosity",
           "CreateParameter", "NESTErrors", "get", "logic", "math", "set", "spatial", "to_json",
           "spatial_distributions", "CreateMask", "Displacement", "Distance", "DumpLayerConnections",
           "DumpLayerNodes", "FindCenterElement", "FindNearestElement", "GetPosition", "GetSourceNodes",
           "GetSourcePositions", "GetTargetNodes", "GetTargetPositions", "SelectNodesByMask", "PlotLayer", "PrintNodes",
           "PlotProbabilityParameter", "PlotSources", "PlotTargets"]
