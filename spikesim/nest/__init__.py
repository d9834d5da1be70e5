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
from spikesim.nest import simulation as _simulation
from spikesim.nest._collections import NodeCollection, SynapseCollection
from spikesim.nest.construction import (
    Connect,
    CopyModel,
    Create,
    Disconnect,
    GetConnections,
    GetDefaults,
    GetNodes,
    GetStatus,
    Models,
    SetDefaults,
    SetStatus,
)
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
from spikesim.network import parameters as random  # nest.random.normal(...)

NESTError = _errors.SpikesimError
NESTErrors = types.SimpleNamespace(**{k: getattr(_errors, k) for k in _errors.__all__})
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
        if name in _simulation.KERNEL_ATTRIBUTES:
            return get_simulator().kernel_status()[name]
        raise AttributeError(f"module 'spikesim.nest' has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "verbosity":
            set_verbosity(value)
        elif name in _simulation.KERNEL_ATTRIBUTES:
            _simulation.set_kernel_attribute(name, value)
        elif name.startswith("_") or name in self.__dict__ or isinstance(value, types.ModuleType):
            # private names, monkeypatching and the import machinery
            super().__setattr__(name, value)
        else:
            # PyNEST blocks unknown names too: a typo such as nest.resolutoin = 0.2 must not pass silently
            raise AttributeError(f"cannot set attribute '{name}' on module 'spikesim.nest'; the kernel "
                                 f"attributes are {sorted(_simulation.KERNEL_ATTRIBUTES)}")


sys.modules[__name__].__class__ = _NestModule

__all__ = ["Checkpoint", "Cleanup", "Connect", "CopyModel", "Create", "Disconnect", "GetConnections",
           "GetDefaults", "GetKernelStatus", "GetLocalNodeCollection", "GetNodes", "GetStatus", "Models", "NESTError",
           "NodeCollection",
           "NumProcesses", "Prepare", "Rank", "ResetKernel", "Restore", "Run", "RunManager", "SetDefaults",
           "SetKernelStatus", "SetStatus", "Simulate", "SynapseCollection", "VerbosityLevel", "get_simulator",
           "get_verbosity", "random", "set_verbosity"]
