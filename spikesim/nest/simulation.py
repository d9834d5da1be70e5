"""PyNEST's kernel and run functions over the one module-level Simulator of :mod:`spikesim.nest`.

The simulator lives here; :func:`ResetKernel` and :func:`Restore` replace it, and every
other function of the face reaches it through :func:`get_simulator`.  Times are in ms.
"""

from __future__ import annotations

import enum
import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

from spikesim._version import __version__ as spikesim_version
from spikesim.core.simulator import Simulator
from spikesim.errors import (
    BadParameter,
    BadProperty,
    KernelException,
    NotImplementedFeature,
    NumericalInstability,
    bad_property,
)
from spikesim.nest.delays import DelayBounds
from spikesim.nest.kernel_facts import BUILD_INFO, FIXED_FACTS, KERNEL_FLAGS, NEST_DEFAULT_SEED, RNG_TYPES

__all__ = ["KERNEL_ATTRIBUTES", "Checkpoint", "Cleanup", "GetKernelStatus", "Prepare",
           "ResetKernel", "Restore", "Run", "RunManager", "SetKernelStatus", "Simulate", "VerbosityLevel",
           "get_simulator", "get_verbosity", "recording_backends", "kernel_status", "delay_extrema", "model_id",
           "BUILD_INFO", "KERNEL_FLAGS", "set_kernel_attribute", "set_verbosity", "UnknownKey",
           "ReadOnlyKernelAttribute", "NEST_DEFAULT_SEED", "RNG_TYPES", "KernelAttribute"]


class UnknownKey(BadProperty, KeyError):
    """A key that a dict of the face (kernel status, model defaults) lacks: a KeyError, as in PyNEST."""

    __str__ = Exception.__str__  # KeyError would quote the message


class ReadOnlyKernelAttribute(KernelException, ValueError):
    """Setting a read-only kernel attribute: a ValueError, as in PyNEST."""


class VerbosityLevel(enum.IntEnum):
    """PyNEST's message levels; spikesim keeps the setting but prints no kernel log."""

    ALL = 0
    DEBUG = 5
    STATUS = 7
    INFO = 10
    DEPRECATED = 18
    WARNING = 20
    ERROR = 30
    FATAL = 40
    QUIET = 100


def _nest_simulator(sim: Simulator | None = None) -> Simulator:
    """A simulator as the face's kernel has it: NEST's default seed (for a new one) and
    NEST's version line in ascii file headers (readers of NEST's files look for it),
    followed by what wrote the file: a header must not say NEST did."""
    sim = Simulator(seed=NEST_DEFAULT_SEED) if sim is None else sim
    sim.recording.file_producer = (f"NEST version: {BUILD_INFO['version']} "
                                   f"(written by spikesim {spikesim_version} through its NEST face)")
    return sim


class _Kernel:
    """The simulator behind the face, the verbosity, the accepted flags and NEST's delay extrema."""

    def __init__(self) -> None:
        self.sim = _nest_simulator()
        self.verbosity = int(VerbosityLevel.WARNING)
        self.reset()

    def reset(self) -> None:
        """Back to a fresh kernel's settings (the simulator is replaced by the caller)."""
        self.flags = dict(KERNEL_FLAGS)
        self.rng_type = "mt19937_64"
        self.delays = DelayBounds()
        self.model_ids: dict[str, dict[str, int]] = {"nodes": {}, "synapses": {}}
        self.prepared = False  # between Prepare and Cleanup, where Run is allowed
        self.inconsistent = False  # an error during an update: only ResetKernel helps (NEST's #311)


_KERNEL = _Kernel()

#: the models a fresh kernel has, by kind (``nodes``, ``synapses``), in name order
_BUILTIN_MODELS = {kind: tuple(_KERNEL.sim.models(kind)) for kind in ("nodes", "synapses")}

#: every kernel attribute's value in a fresh kernel (PyNEST's ``_default``)
_FRESH_STATUS: dict[str, Any] = {**Simulator(seed=NEST_DEFAULT_SEED).kernel_status(), **KERNEL_FLAGS, **FIXED_FACTS,
                                 "rng_type": "mt19937_64", "verbosity": VerbosityLevel.WARNING,
                                 "build_info": dict(BUILD_INFO)}

#: every kernel attribute readable as ``nest.<name>``
KERNEL_ATTRIBUTES = frozenset(_FRESH_STATUS) | {"kernel_status", "memory_size"}


class KernelAttribute:
    """``type(nest).<name>``: a kernel attribute as PyNEST declares it, with ``_default``
    (its value in a fresh kernel).  Reading ``nest.<name>`` goes through the module's own
    lookup (the present value); this object only describes the attribute."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def _default(self) -> Any:
        """The attribute's value in a fresh kernel (None where it has none, e.g. ``memory_size``)."""
        return _FRESH_STATUS.get(self.name)

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        return type(obj).__getattr__(obj, self.name)


def _memory_kb() -> int:
    """Peak resident memory of this process in kB (NEST's ``memory_size``; 0 where unknown)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak // 1024 if sys.platform == "darwin" else peak)  # macOS counts bytes


def kernel_status() -> dict[str, Any]:
    """The full kernel status (NEST's keys; times in ms), user-set delay extrema included.

    Returns
    -------
    dict
    """
    st = dict(_KERNEL.sim.kernel_status())
    st["min_delay"], st["max_delay"] = _KERNEL.delays.report(_KERNEL.sim)
    st.update(_KERNEL.flags)
    st.update(FIXED_FACTS)
    st["rng_type"] = _KERNEL.rng_type
    st["build_info"] = dict(BUILD_INFO)
    st["memory_size"] = _memory_kb()
    st["verbosity"] = get_verbosity()
    return st


def model_id(name: str) -> int:
    """NEST's ``model_id`` (node models) or ``synapse_modelid`` (synapse models) of a model name:
    built-in models numbered in name order, copies after them in the order first asked for.

    Raises
    ------
    UnknownModelName
        If the model does not exist.
    """
    kind = "synapses" if name in _KERNEL.sim.models("synapses") else "nodes"
    ids = _KERNEL.model_ids[kind]
    if not ids:  # built-in models only: copies made before the first call still come after them
        ids.update({m: i for i, m in enumerate(_BUILTIN_MODELS[kind])})
    if name not in ids:
        _KERNEL.sim.get_defaults(name)  # raises for an unknown model
        ids[name] = len(ids)
    return ids[name]


def note_delays() -> None:
    """Let the reported ``min_delay``/``max_delay`` keep the present delays' extremes
    before connections change (NEST's never narrow: a delay set back, a connection
    removed, keep them)."""
    _KERNEL.delays.report(_KERNEL.sim)


def delay_extrema() -> tuple[float | None, float | None]:
    """The ``min_delay`` and ``max_delay`` set by the user (ms, rounded down and up to the
    present resolution as NEST does), ``None`` where not set."""
    return _KERNEL.delays.user_bounds(_KERNEL.sim)


def get_simulator() -> Simulator:
    """The Simulator behind this face, for mixing PyNEST calls with the object API.

    Returns
    -------
    Simulator
        The present one; :func:`ResetKernel` and :func:`Restore` replace it.
    """
    return _KERNEL.sim


# -- kernel ------------------------------------------------------------------------------
def ResetKernel() -> None:
    """Forget the network, the clock (back to 0 ms) and every setting: a fresh simulator."""
    _KERNEL.sim.close()
    _KERNEL.sim = _nest_simulator()
    _KERNEL.reset()


def SetKernelStatus(params: dict[str, Any]) -> None:
    """Set kernel attributes, as assigning ``nest.<name> = value`` does.

    Parameters
    ----------
    params : dict
        Attribute -> value, e.g. ``{"resolution": 0.1}`` (ms) or ``{"rng_seed": 42}``.

    Raises
    ------
    KernelException
        If an attribute is read-only.
    BadProperty
        If an attribute is unknown or a value is not allowed.
    """
    for k, v in params.items():
        set_kernel_attribute(k, v)


def GetKernelStatus(keys: str | Iterable[str] | None = None) -> Any:
    """Kernel attributes: all as a dict, one value, or a tuple of values.

    Parameters
    ----------
    keys : str or iterable of str, optional
        Attribute name(s); ``None`` for the whole dict.  Times are in ms.

    Returns
    -------
    dict, value or tuple
        As PyNEST returns them.

    Raises
    ------
    UnknownKey
        If a key is not a kernel attribute (a KeyError, as in PyNEST).
    TypeError
        If ``keys`` is neither a string nor an iterable of strings.
    """
    st = kernel_status()
    if keys is None:
        return st
    if not isinstance(keys, (str, Iterable)):
        raise TypeError(f"GetKernelStatus: keys must be a string or an iterable of strings, not {keys!r}")
    names = [keys] if isinstance(keys, str) else list(keys)
    missing = [k for k in names if k not in st]
    if missing:
        raise UnknownKey(f"GetKernelStatus: there is no kernel attribute '{missing[0]}'; the kernel "
                          f"attributes are {sorted(st)}")
    return st[keys] if isinstance(keys, str) else tuple(st[k] for k in names)


def _set_threads(v: Any) -> None:
    _KERNEL.sim.set_threads(v)


def _set_flag(name: str, convert: Callable[[Any], Any]) -> Callable[[Any], None]:
    return lambda v: setattr(_KERNEL.sim, name, convert(v))


_SETTERS: dict[str, Callable[[Any], None]] = {
    "resolution": lambda v: _KERNEL.sim.set_resolution(v),
    "rng_seed": lambda v: _KERNEL.sim.set_seed(v),
    "local_num_threads": _set_threads,
    "total_num_virtual_procs": _set_threads,
    "print_time": _set_flag("print_time", bool),
    "overwrite_files": _set_flag("overwrite_files", bool),
    "data_path": _set_flag("data_path", str),
    "data_prefix": _set_flag("data_prefix", str),
}


def _set_delay(which: int, name: str) -> Callable[[Any], None]:
    def setter(v: Any) -> None:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
            raise bad_property("SetKernelStatus", name, v, "it must be a positive number of ms")
        if _KERNEL.sim.connector.num_connections(None):
            raise KernelException(f"SetKernelStatus: '{name}' can only be set before connections are made")
        _KERNEL.delays.user[which] = float(v)
    return setter


def set_kernel_attribute(name: str, value: Any) -> None:
    """Set one kernel attribute (``resolution`` in ms, ``rng_seed``, ``local_num_threads`` ...).

    Raises
    ------
    ReadOnlyKernelAttribute
        If the attribute is read-only (a KernelException and a ValueError, as in PyNEST);
        ``biological_time`` may be "set" to its present value (ms), which changes nothing.
    BadProperty
        If the attribute is unknown or the value is not allowed.
    """
    if name in _SETTERS:
        _SETTERS[name](value)
    elif name in ("min_delay", "max_delay"):
        _set_delay(name == "max_delay", name)(value)
    elif name in KERNEL_FLAGS:
        _KERNEL.flags[name] = value
    elif name == "verbosity":
        set_verbosity(value)
    elif name == "rng_type":
        if value not in RNG_TYPES:
            raise bad_property("SetKernelStatus", "rng_type", value, f"the RNG types are {list(RNG_TYPES)}")
        _KERNEL.rng_type = value
    elif name == "tics_per_ms":
        if value != _KERNEL.sim.kernel_status()["tics_per_ms"]:
            raise NotImplementedFeature(f"SetKernelStatus: tics_per_ms = {value!r}: spikesim's time grid has a "
                                        "fixed 1000 tics per ms")
    elif name in ("biological_time", "time") and value == _KERNEL.sim.time:
        return  # the present time again changes nothing (NEST's ticket 619 sets 0.0 on a fresh kernel)
    elif name in KERNEL_ATTRIBUTES:
        raise ReadOnlyKernelAttribute(f"kernel attribute '{name}' is read-only")
    else:
        raise bad_property("SetKernelStatus", name, value, f"the settable kernel attributes are "
                           f"{sorted([*_SETTERS, 'min_delay', 'max_delay', 'rng_type'])}")


def logging_level(level: int) -> int:
    """The :mod:`logging` level of the ``spikesim`` logger for a PyNEST message level.

    ALL, DEBUG and STATUS (< INFO) -> DEBUG; INFO, DEPRECATED -> INFO; WARNING -> WARNING;
    ERROR -> ERROR; FATAL -> CRITICAL; QUIET (or above) -> above CRITICAL (nothing).
    """
    for bound, mapped in ((VerbosityLevel.INFO, logging.DEBUG), (VerbosityLevel.WARNING, logging.INFO),
                          (VerbosityLevel.ERROR, logging.WARNING), (VerbosityLevel.FATAL, logging.ERROR),
                          (VerbosityLevel.QUIET, logging.CRITICAL)):
        if level < bound:
            return mapped
    return logging.CRITICAL + 10


def set_verbosity(level: int | str) -> None:
    """Set the message level (a :class:`VerbosityLevel`, a number, or a name like ``"M_ERROR"``).

    The level of ``logging.getLogger("spikesim")`` follows (:func:`logging_level`);
    spikesim's messages go there (add a handler, e.g. ``logging.basicConfig()``, to see them).

    Raises
    ------
    BadProperty
        If a name is not a level.
    """
    if isinstance(level, str):
        name = level.upper().removeprefix("M_")
        if name not in VerbosityLevel.__members__:
            raise bad_property("set_verbosity", "level", level, f"use one of {list(VerbosityLevel.__members__)}")
        level = VerbosityLevel[name]
    _KERNEL.verbosity = int(level)
    logging.getLogger("spikesim").setLevel(logging_level(int(level)))


def get_verbosity() -> VerbosityLevel | int:
    """The message level: a :class:`VerbosityLevel`, or the number set if it names none."""
    try:
        return VerbosityLevel(_KERNEL.verbosity)
    except ValueError:
        return _KERNEL.verbosity


def recording_backends() -> tuple[str, ...]:
    """Names of the recording backends (``nest.recording_backends``)."""
    return _KERNEL.sim.recording.names()


# -- running -------------------------------------------------------------------------------
def Simulate(t: float) -> None:
    """Advance the network by ``t`` ms: :func:`Prepare`, :func:`Run` and :func:`Cleanup`.

    As in NEST, a Simulate that fails leaves the kernel prepared (call :func:`Cleanup`
    before simulating again), and an error during the update (a numerical instability)
    leaves it unusable until :func:`ResetKernel`.

    Raises
    ------
    KernelException
        If the kernel is prepared already, or an earlier update failed.
    BadParameter
        If ``t`` is not a multiple of the resolution.
    BadProperty
        If ``t`` is negative or infinite.
    """
    if _KERNEL.prepared:
        raise KernelException("Simulate: the kernel is prepared already (Prepare called twice); call "
                              "Cleanup() first")
    _check_consistent()
    _KERNEL.prepared = True  # stays so if the run fails, as in NEST
    Run(t)
    _KERNEL.prepared = False  # the run flushed the backends: what Cleanup would do


def _check_time(t: Any) -> None:
    """NEST's check of a run's length: a multiple of the resolution (ms), else BadParameter."""
    grid = _KERNEL.sim.grid
    if isinstance(t, (int, float)) and not isinstance(t, bool) and t >= 0 and not grid.on_grid(t):
        raise BadParameter(f"Simulate: parameter 't' = {t!r} is not allowed; the simulation time must be a "
                           f"multiple of the resolution ({grid.resolution} ms)")


def Run(t: float) -> None:
    """Advance by ``t`` ms between :func:`Prepare` and :func:`Cleanup`, as in PyNEST.

    Raises
    ------
    BadParameter
        If ``t`` is not a multiple of the resolution.
    BadProperty
        If ``t`` is negative or infinite.
    KernelException
        If the kernel is not prepared (no :func:`Prepare` since the last :func:`Cleanup`),
        or an earlier update failed.
    """
    if not _KERNEL.prepared:
        raise KernelException("Run: the kernel is not prepared; call Prepare() before Run() "
                              "(or use Simulate, which does both)")
    _check_consistent()
    _check_time(t)
    try:
        _KERNEL.sim.simulate(t)
    except NumericalInstability:
        _KERNEL.inconsistent = True
        raise


def _check_consistent() -> None:
    if _KERNEL.inconsistent:
        raise KernelException("the kernel is in an inconsistent state after an error during an earlier "
                              "update; call ResetKernel() first")


def Prepare() -> None:
    """Build the engine's state for the present network; :func:`Run` may follow until :func:`Cleanup`.

    The kernel counts as prepared from the start, also when preparing fails (NEST's order).

    Raises
    ------
    KernelException
        If the kernel is prepared already (NEST refuses a second Prepare before Cleanup),
        or an earlier update failed.
    """
    if _KERNEL.prepared:
        raise KernelException("Prepare: the kernel is prepared already; call Cleanup() first")
    _check_consistent()
    _KERNEL.prepared = True
    _KERNEL.sim.engine.prepare()
    _KERNEL.sim.recording.prepare()


def Cleanup() -> None:
    """Flush the recording backends (files are complete afterwards) and end the prepared state.

    Raises
    ------
    KernelException
        If the kernel is not prepared (Cleanup without Prepare, as NEST refuses it).
    """
    if not _KERNEL.prepared:
        raise KernelException("Cleanup: the kernel is not prepared; call Prepare() first")
    _KERNEL.prepared = False
    _KERNEL.sim.recording.flush()


class RunManager:
    """Context manager for Prepare/Run/Cleanup (PyNEST's ``nest.RunManager``)."""

    def __enter__(self) -> RunManager:
        Prepare()
        return self

    def __exit__(self, *exc: object) -> None:
        Cleanup()


# -- checkpoints -------------------------------------------------------------------------------
def Checkpoint(path: str) -> None:
    """Write a full checkpoint of the simulator (see :meth:`Simulator.checkpoint`); not in PyNEST."""
    _KERNEL.sim.checkpoint(path)


def Restore(path: str) -> None:
    """Replace the kernel by the simulator stored in a checkpoint; not in PyNEST."""
    _KERNEL.sim = _nest_simulator(Simulator.restore(path))
