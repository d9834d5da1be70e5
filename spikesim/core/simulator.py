"""The Simulator: the front object every face of spikesim sits on.

``sim = Simulator(resolution=0.1, seed=1)``; ``sim.create(model, n, params)``;
``sim.connect(pre, post, conn_spec, syn_spec)``; ``sim.simulate(t)``.  There is no
hidden global state: several simulators can live in one process.

A Simulator is composed of parts, each handed only to what needs it: the time grid
(``grid``), the model registry (``models_registry``), the node table
(``node_table``), the connection store (``connector``), the recording manager
(``recording``) and the engine (``engine``).  This class only wires them together
and offers the object API; see ``docs/architecture.md``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from spikesim.core import nodes as node_factory
from spikesim.core import state as checkpoint_state
from spikesim.core.callbacks import Callbacks, Scheduled
from spikesim.core.parts import Parts
from spikesim.core.settings import KernelSettings, check_seed, check_threads
from spikesim.core.snapshots import SynapseSnapshots, record_synapses
from spikesim.core.timers import Timers
from spikesim.data.results import RunResult
from spikesim.errors import BadProperty, KernelException, bad_property
from spikesim.io import checkpoint as checkpoint_file
from spikesim.io.container import FileFormatError
from spikesim.models.synapses_more import with_continuous_delays
from spikesim.network.disconnect import disconnect
from spikesim.network.nodes import NodeCollection
from spikesim.network.synapse_collection import SynapseCollection
from spikesim.recording.devices import RecordingDevice
from spikesim.recording.estimate import RecordingEstimate, recording_estimate
from spikesim.timegrid import GRID_TOL, TimeGrid


class Simulator(KernelSettings):
    """A network, its clock and its recordings.

    Parameters
    ----------
    resolution : float
        Time step h in ms (a multiple of 0.001 ms).
    seed : int
        Seed of every random stream (connections, random parameters, Poisson input),
        in ``[0, 2**63)``.  Results depend on it alone, not on ``threads``.
    threads : int
        Worker threads of the compiled update loops.

    Raises
    ------
    BadProperty
        If a parameter is out of range (the message names it and what is allowed).

    Examples
    --------
    >>> sim = Simulator(resolution=0.1, seed=1)
    >>> n = sim.create("iaf_psc_delta", 2, {"I_e": 400.0})
    >>> sr = sim.create("spike_recorder")
    >>> sim.connect(n, sr)
    >>> sim.simulate(50.0).n_events(sr)  # each fires once: V_m crosses V_th at 10 ms * ln 16 = 27.7 ms
    2
    """

    def __init__(self, resolution: float = 0.1, seed: int = 1, threads: int = 1) -> None:
        threads = check_threads(threads)
        self.parts = Parts(check_seed(seed), TimeGrid(resolution))
        #: resolution, tics and the clock
        self.grid = self.parts.grid
        #: node and synapse models, copies and defaults
        self.models_registry = self.parts.models
        #: populations, id lookup, staged get/set
        self.node_table = self.parts.nodes
        #: the connection store
        self.connector = self.parts.connector
        #: backends, their settings and lifecycle
        self.recording = self.parts.recording
        #: compiled data and the slice loop
        self.engine = self.parts.engine
        self.engine.threads = threads
        #: functions called at fixed times during runs (:meth:`every`)
        self.callbacks = Callbacks(self.grid)
        # held while an operation changes the network or runs; re-entrant, so the
        # thread holding it may nest calls, and any other thread is refused
        self._busy = threading.RLock()
        #: seconds spent creating, connecting and in the last simulate (wall and CPU)
        self.timers = Timers()

    @contextmanager
    def _exclusive(self, what: str) -> Iterator[None]:
        """Hold the simulator for ``what``; refuse if another thread holds it."""
        if not self._busy.acquire(blocking=False):
            raise KernelException(
                f"{what}: this Simulator is in use by another thread (simulate, create, connect ... "
                "running there); a Simulator must be used from one thread at a time: wait for that "
                "call to return, or give each thread its own Simulator")
        try:
            yield
        finally:
            self._busy.release()

    # -- models -----------------------------------------------------------------------------
    def models(self, kind: str = "all") -> list[str]:
        """Model names: ``kind`` ``"nodes"``, ``"synapses"`` or ``"all"``."""
        return self.models_registry.names(kind)

    def copy_model(self, old: str, new: str, params: dict[str, Any] | None = None) -> None:
        """Register ``new`` as a copy of model ``old`` with changed defaults ``params``."""
        self.models_registry.copy_model(old, new, params)

    def get_defaults(self, model: str, key: str | None = None) -> Any:
        """Defaults of a node or synapse model or recording backend (a dict, or one value).

        Raises
        ------
        BadProperty
            If ``key`` is not among the defaults.
        UnknownModelName
            If ``model`` names nothing known.
        """
        out = node_factory.defaults_of(self.models_registry, self.connector, self.recording, model)
        if key is None:
            return out
        if key not in out:
            raise bad_property(f"get_defaults('{model}')", "key", key, f"the keys are {sorted(out)}")
        return out[key]

    def set_defaults(self, model: str, params: dict[str, Any] | None = None, **kw: Any) -> None:
        """Change the defaults of a node or synapse model, or a backend's settings."""
        params = {**(params or {}), **kw}
        with self._exclusive("set_defaults"):
            self._set_defaults(model, params)

    def _set_defaults(self, model: str, params: dict[str, Any]) -> None:
        if isinstance(model, str) and model in self.recording.names() \
                and not self.models_registry.is_node_model(model):
            self.recording.backend(model).set_settings(params)
            return
        self.models_registry.set_defaults(model, params)
        syn = self.models_registry.synapse_model(model)[0] if self.models_registry.is_synapse_model(model) else None
        if syn is not None and "weight" in syn.common:  # a shared weight reaches the model's connections (NEST)
            for (name, _), p in self.connector.projections.items():
                if name == model and len(p):
                    p.w = np.full(1, float(self.models_registry.synapse_model(model)[1]["weight"]))
            self.connector.changed()

    # -- nodes ------------------------------------------------------------------------------
    def create(self, model: str, n: int = 1, params: Any = None, label: str | None = None,
               positions: Any = None) -> NodeCollection:
        """Create ``n`` nodes of ``model``.

        ``params`` is one dict for all nodes (values scalar, one per node, or a random
        :class:`~spikesim.network.parameters.Parameter`) or a list of one dict per node.
        ``positions`` (a :class:`~spikesim.network.space.Grid` or
        :class:`~spikesim.network.space.Free`) places the nodes in space (a grid or a
        list of positions sets their number); parameters may then depend on positions.

        Raises
        ------
        BadProperty
            If ``n``, ``label``, ``positions`` or a parameter is not allowed (nothing is created).
        UnknownModelName
            If ``model`` is no node model.
        """
        with self._exclusive("create"), self.timers.timed("construction_create"):
            layer = None
            if positions is not None:
                layer, n, params = node_factory.placed(self.node_table, positions, n, params)
            pop = node_factory.make_population(self.models_registry, self.node_table, self.recording, model, n,
                                               params, label)
            self.node_table.add(pop, label)
            if layer is not None:
                self.node_table.layers[pop.first] = layer
        return NodeCollection(self.node_table, pop.ids)

    def nodes(self, label: str) -> NodeCollection:
        """The collection created with ``label``."""
        return NodeCollection(self.node_table, self.node_table.labelled(label))

    @property
    def labels(self) -> dict[str, NodeCollection]:
        """Label -> collection of every labelled population."""
        return {k: NodeCollection(self.node_table, v) for k, v in self.node_table.labels().items()}

    def all_nodes(self) -> NodeCollection:
        """Every node of the simulator."""
        return NodeCollection(self.node_table, np.arange(1, self.num_nodes + 1))

    def recording_devices(self) -> list[RecordingDevice]:
        """Every recording device, in id order."""
        return self.node_table.recorders()

    def node_kind(self, node_id: int) -> str:
        """``"neuron"``, ``"generator"`` or ``"recorder"``."""
        return self.node_table.model_of(node_id).kind

    # -- connections --------------------------------------------------------------------------
    def connect(self, pre: Any, post: Any, conn_spec: Any = None, syn_spec: Any = None) -> None:
        """Connect ``pre`` to ``post`` by a rule (see :mod:`spikesim.network.rules`)
        with synapses ``syn_spec``: a model name or a dict (weight in pA, nS or mV as
        the target model says, delay in ms, model parameters), or a list of them, which
        gives every drawn pair one synapse of each (PyNEST's ``CollocatedSynapses``).

        Raises
        ------
        KernelException
            If another thread is using the simulator.
        """
        with self._exclusive("connect"), self.timers.timed("construction_connect"):
            self.connector.connect(pre, post, conn_spec,
                                   with_continuous_delays(syn_spec, self.models_registry, self.grid.resolution))

    def disconnect(self, pre: Any, post: Any = None, conn_spec: Any = "one_to_one",
                   synapse_model: str = "static_synapse") -> int:
        """Remove connections: those of a SynapseCollection ``pre`` (``post`` None), or
        the first connection of ``synapse_model`` from ``pre[i]`` to ``post[i]``
        (``conn_spec`` ``"one_to_one"``) or from each of ``pre`` to each of ``post``
        (``"all_to_all"``; a dict ``{"rule": ...}`` too).  All pairs are checked
        before any connection goes; the others keep their order, so results stay
        independent of threads and processes.  Returns how many this process removed.

        Raises
        ------
        InexistentConnection
            If a pair has no such connection (nothing is removed).
        DimensionMismatch
            If ``one_to_one`` sides differ in length.
        NotImplementedFeature
            If the rule is another one.
        KernelException
            If another thread is using the simulator, or the collection is out of date.
        """
        rule = conn_spec.get("rule", "one_to_one") if isinstance(conn_spec, Mapping) else conn_spec
        with self._exclusive("disconnect"), self.timers.timed("construction_connect"):
            return disconnect(self.connector, pre, post, str(rule), synapse_model)

    def get_connections(self, source: Any = None, target: Any = None, synapse_model: str | None = None,
                        synapse_label: int | None = None) -> SynapseCollection:
        """The connections from ``source`` to ``target`` (None: any) of ``synapse_model``;
        with ``synapse_label``, only connections of ``*_lbl`` models with that label."""
        return self.connector.get_connections(source, target, synapse_model, synapse_label)

    # -- running ------------------------------------------------------------------------------
    def simulate(self, t: float, progress: bool | None = None) -> RunResult:
        """Advance the network by ``t`` ms (a multiple of the resolution).

        Returns a :class:`~spikesim.data.results.RunResult` with what the
        recorders got during this run.

        Ctrl-C stops the run at the next ``min_delay`` slice boundary (recorded data
        flushed; a following ``simulate`` continues exactly), a second Ctrl-C at once;
        SIGTERM likewise ends the process with status 143.

        ``progress``: True shows a progress bar (simulated ms, rate, ETA) on stderr,
        False never; None (default) shows it when ``print_time`` is on, or on a
        terminal once the run has lasted 2 s (:mod:`spikesim.kernel.progress`).

        Raises
        ------
        BadProperty
            If ``t`` is negative, infinite or not a multiple of the resolution, or
            ``progress`` is not a bool or None.
        KernelException
            If another thread is using the simulator.
        KeyboardInterrupt
            On Ctrl-C, at a slice boundary.
        """
        if isinstance(t, bool) or not isinstance(t, (int, float, np.number)) or not t >= 0 or math.isinf(t):
            raise bad_property("simulate", "t", t, "it must be a finite number of ms >= 0")
        if progress is not None and not isinstance(progress, bool):
            raise bad_property("simulate", "progress", progress, "it must be True, False or None")
        steps = t / self.resolution
        if abs(steps - round(steps)) > GRID_TOL * max(1.0, steps):
            raise bad_property("simulate", "t", t, f"it must be a multiple of the resolution ({self.resolution} ms)")
        self.callbacks.check_outside("simulate")
        with self._exclusive("simulate"), self.timers.timed("simulate"):
            n, start, devices = int(round(steps)), self.step, self.recording_devices()
            try:
                res = RunResult.record(self.node_table, self.grid, devices, self.segment,
                                       lambda: self.callbacks.run(self.engine.run, n, self, progress))
            finally:  # also an interrupted run simulated the steps up to the clock
                for dev in devices:
                    dev.ran(self.segment, start, self.step)
            return res

    def every(self, period: float, fn: Callable[[Simulator], object], offset: float = 0.0) -> Scheduled:
        """Call ``fn(sim)`` at t = ``offset + k * period`` ms (k = 0, 1, ...) during runs.

        Brian2's ``network_operation``, ANNarchy's ``every``: ``simulate`` is split
        exactly at those times (results do not change); ``fn`` sees the state after
        every step up to that time and may read state and recordings and set
        parameters, but not run the simulation.  Times count from t = 0, so after
        :meth:`restore` registering ``fn`` again gives the same calls (checkpoints do
        not store functions).  See :mod:`spikesim.core.callbacks`.

        Parameters
        ----------
        period : float
            Interval between calls (ms, > 0, a multiple of the resolution).
        fn : callable
            Called with the simulator.
        offset : float
            Time of the first call (ms, >= 0, a multiple of the resolution).

        Returns
        -------
        Scheduled
            Its ``cancel()`` stops the calls.

        Raises
        ------
        BadProperty
            If ``fn`` is not callable or ``period``/``offset`` is not as above.
        """
        return self.callbacks.add(period, fn, offset)

    def record_synapses(self, connections: Any, variables: Sequence[str] = ("weight",), interval: float = 1.0,
                        offset: float = 0.0, bins: int | Sequence[float] | None = None,
                        range: tuple[float, float] | None = None) -> SynapseSnapshots:  # noqa: A002
        """Sample synapse variables (``weight``, ``Kplus`` ...) of ``connections`` at t =
        ``offset + k * interval`` ms, every value or a histogram per time; see
        :func:`spikesim.core.snapshots.record_synapses`.

        Raises
        ------
        BadProperty
            If an argument is not valid (named in the message).
        """
        return record_synapses(self, connections, variables, interval, offset, bins, range)

    def recording_estimate(self, t: float, rates: float | Mapping[int, float] | None = None) -> RecordingEstimate:
        """Bytes the recording devices will record over the next ``t`` ms, per device and
        backend, from the rates measured so far or ``rates`` (spikes/s); warns
        (RuntimeWarning) when the memory backend will not fit in RAM.  See
        :func:`spikesim.recording.estimate.recording_estimate`.

        Raises
        ------
        ValueError
            If ``t`` is negative or not finite, or a rate is negative.
        """
        return recording_estimate(self.recording_devices(), t, rates, self.segment)

    def to_neo(self, device: Any) -> Any:
        """A ``neo.Block`` of everything a recording device recorded, one ``Segment`` per
        segment (chunk), over its recording window clipped to the time simulated (ms);
        see :meth:`spikesim.recording.devices.RecordingDevice.to_neo`.

        Raises
        ------
        BadProperty
            ``device`` is not one recording device, or is a weight_recorder.
        ImportError
            Neo is not installed.
        """
        ids = np.asarray(getattr(device, "ids", device)).ravel()
        if ids.size != 1 or self.node_kind(int(ids[0])) != "recorder":
            raise bad_property("to_neo", "device", device, "give one recording device")
        dev = next(d for d in self.recording_devices() if d.node_id == int(ids[0]))
        return dev.to_neo(self.node_table)

    def reset(self, model: bool = True) -> None:
        """Start a new recording segment; with ``model=True`` also go back to t = 0.

        ``model=True`` sets the clock to 0 and every neuron to its state at the start
        of its first run, clears input in transit and the plasticity traces (weights
        are kept, as ANNarchy's reset keeps projections), so spike generators replay
        from the start.  ``model=False`` keeps time and state.  Either way recorders
        keep what they recorded; what follows goes into a new segment (a chunk).
        """
        with self._exclusive("reset"):
            self._reset(model)

    def _reset(self, model: bool) -> None:
        if model:
            self.grid.step = 0
            for pop in self.node_table.neurons():
                if pop.S0 is not None:
                    pop.S = pop.S0.copy()
            self.engine.reset_state()
            self.callbacks.rewind()
        self.recording.segment += 1

    def run(self, inputs: Any = None, **kwargs: Any) -> Any:
        """Step-loop run with array inputs, returning an Observer (rectipy's ``Network.run``);
        see :func:`spikesim.observer.run` (the observer face registers itself here)."""
        if _STEP_LOOP is None:
            raise KernelException("Simulator.run: the step-loop face is not loaded; import spikesim")
        return _STEP_LOOP(self, inputs, **kwargs)

    def close(self) -> None:
        """Flush and close every recording backend (files, streams); recorded data stays
        readable.  Called by ``nest.ResetKernel`` and when used as a context manager."""
        self.recording.close()

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- state in and out ---------------------------------------------------------------------
    def checkpoint(self, path: str | Path) -> Path:
        """Write everything needed to continue this simulation exactly (see
        :mod:`spikesim.io.checkpoint`); the file is replaced atomically."""
        meta, arrays = checkpoint_state.gather(self.parts)  # collective under MPI
        comm = self.parts.comm
        if comm.size == 1:
            return checkpoint_file.write(path, meta, arrays)
        # every rank holds the whole state now: rank 0 writes it, the others wait for it
        written = checkpoint_file.write(path, meta, arrays) if comm.rank == 0 else None
        comm.barrier()
        out: Path = comm.bcast(written)
        return out

    @classmethod
    def restore(cls, path: str | Path) -> Simulator:
        """A simulator continuing exactly where ``checkpoint(path)`` left off.

        Raises
        ------
        FileFormatError
            If the file is not a spikesim checkpoint or is damaged.
        """
        meta, arrays = checkpoint_file.read(path)
        try:
            k = meta["kernel"]
            sim = cls(resolution=k["resolution"], seed=k["seed"], threads=k["threads"])
        except (KeyError, TypeError, ValueError) as exc:  # BadProperty is a ValueError
            raise FileFormatError(f"checkpoint '{path}' is damaged: its kernel settings are not valid "
                                  f"({type(exc).__name__}: {exc})") from None
        checkpoint_state.load(sim.parts, meta, arrays, str(path))
        return sim


#: the step-loop runner (``spikesim.observer.run``), registered by that face when imported
_STEP_LOOP: Any = None


def register_step_loop(fn: Any) -> None:
    """Bind :meth:`Simulator.run` to a step-loop runner (the observer face calls this)."""
    global _STEP_LOOP
    _STEP_LOOP = fn


__all__ = ["Simulator", "BadProperty", "register_step_loop"]
