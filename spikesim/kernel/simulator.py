"""The Simulator: the object API every face of spikesim sits on.

``sim = Simulator(resolution=0.1, seed=1)``; ``sim.create(model, n, params)``;
``sim.connect(pre, post, conn_spec, syn_spec)``; ``sim.simulate(t)``.  There is no
hidden global state: several simulators can live in one process.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

from ..errors import BadParameter, BadProperty, KernelException, UnknownModelName, bad_property
from ..models import NODE_MODELS, SYNAPSE_MODELS
from ..models.base import INPUT_NONE, Model, NeuronModel, ms_to_steps
from ..models.generators import Generator
from ..network.connect import Connector
from ..network.nodes import NodeCollection
from ..network.parameters import Parameter
from ..network.populations import DevicePopulation, NeuronPopulation, Population
from ..recording.backends import RecordingBackend, backend_class
from ..recording.devices import RecorderModel, RecordingDevice
from ..recording.results import RunResult
from . import rng
from .archive import PostArchive
from .engine import Engine

TICS_PER_MS = 1000.0


class Simulator:
    """A network, its clock and its recordings.

    Parameters
    ----------
    resolution : float
        Time step h in ms.
    seed : int
        Seed of every random stream (connections, random parameters, Poisson input).
        Results depend on it alone, not on ``threads``.
    threads : int
        Worker threads of the compiled update loops.
    """

    def __init__(self, resolution: float = 0.1, seed: int = 1, threads: int = 1) -> None:
        self._check_resolution(resolution)
        self._check_seed(seed)
        self._check_threads(threads)
        self.resolution = float(resolution)
        self.seed = int(seed)
        self.threads = int(threads)
        self.step = 0
        self.populations: list[Population] = []
        self._firsts: list[int] = []
        self.num_nodes = 0
        self._labels: dict[str, NodeCollection] = {}
        #: node models: name -> (class, default overrides) (copies included)
        self._node_models: dict[str, tuple[type[Model], dict[str, Any]]] = {
            k: (cls, {}) for k, cls in NODE_MODELS.items()}
        self._syn_models: dict[str, tuple[Any, dict[str, Any]]] = {
            k: (cls, dict(cls.params)) for k, cls in SYNAPSE_MODELS.items()}
        self._backends: dict[str, RecordingBackend] = {}
        self._backend_settings: dict[str, dict[str, Any]] = {}
        self.connector = Connector(self)
        self.archive = PostArchive(0)
        self.engine = Engine(self)
        self.print_time = False
        self.overwrite_files = False
        self.data_path = ""
        self.data_prefix = ""
        #: recording segment (chunk) index, incremented by reset()
        self.segment = 0
        #: counts changes of generator parameters (the engine notices changes mid-slice)
        self.generator_version = 0

    # -- checks -----------------------------------------------------------------------
    @staticmethod
    def _check_resolution(h: Any) -> None:
        if isinstance(h, bool) or not isinstance(h, (int, float)) or not h > 0 or math.isinf(h):
            raise bad_property("Simulator", "resolution", h, "it must be a positive number of ms")
        if abs(h * TICS_PER_MS - round(h * TICS_PER_MS)) > 1e-9:
            raise bad_property("Simulator", "resolution", h, "it must be a multiple of 0.001 ms (one tic)")

    @staticmethod
    def _check_seed(seed: Any) -> None:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
            raise bad_property("Simulator", "seed", seed, "it must be an integer in [0, 2**63)")

    @staticmethod
    def _check_threads(threads: Any) -> None:
        if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
            raise bad_property("Simulator", "threads", threads, "it must be a positive integer")

    # -- kernel settings ----------------------------------------------------------------
    def set_resolution(self, h: float) -> None:
        self._check_resolution(h)
        if self.num_nodes or self.step:
            raise KernelException("resolution: it can only be changed before nodes are created "
                                  "and before the first simulate")
        self.resolution = float(h)

    def set_seed(self, seed: int) -> None:
        self._check_seed(seed)
        self.seed = int(seed)

    def set_threads(self, threads: int) -> None:
        """Threads of the compiled loops (results do not depend on them).

        More threads than the machine's cores are accepted and capped when running.
        """
        self._check_threads(threads)
        self.threads = int(threads)

    @property
    def worker_threads(self) -> int:
        return min(self.threads, numba.config.NUMBA_NUM_THREADS)

    @property
    def time(self) -> float:
        """Simulated time in ms."""
        return float(self._steps_to_ms(np.array([self.step]))[0])

    @property
    def min_delay(self) -> float:
        return self.connector.min_delay_steps() * self.resolution

    @property
    def max_delay(self) -> float:
        return self.connector.max_delay_steps() * self.resolution

    def _steps_to_ms(self, steps: np.ndarray) -> np.ndarray:
        """Times as NEST computes them: tics x 0.001 ms."""
        tics = round(self.resolution * TICS_PER_MS)
        return (np.asarray(steps, dtype=np.int64) * tics) * (1.0 / TICS_PER_MS) if tics != 1000 else \
            np.asarray(steps, dtype=np.float64)

    def _ms_to_steps(self, t: float) -> int:
        return ms_to_steps(t, self.resolution)

    # -- models -----------------------------------------------------------------------------
    def _node_model(self, name: str) -> tuple[type[Model], dict[str, Any]]:
        if not isinstance(name, str) or name not in self._node_models:
            if isinstance(name, str) and name in self._syn_models:
                raise UnknownModelName(f"'{name}' is a synapse model; create takes a node model: "
                                       f"{sorted(self._node_models)}")
            raise UnknownModelName(f"unknown node model '{name}'; the node models are "
                                   f"{sorted(self._node_models)}")
        return self._node_models[name]

    def models(self, kind: str = "all") -> list[str]:
        nodes = sorted(self._node_models)
        syns = sorted(self._syn_models)
        return {"nodes": nodes, "synapses": syns}.get(kind, nodes + syns)

    def copy_model(self, old: str, new: str, params: dict[str, Any] | None = None) -> None:
        """Register ``new`` as a copy of ``old`` with changed defaults."""
        if not isinstance(new, str) or not new:
            raise bad_property("copy_model", "new", new, "give a new, non-empty model name")
        if new in self._node_models or new in self._syn_models:
            raise bad_property("copy_model", "new", new, "a model of that name exists already")
        params = dict(params or {})
        if old in self._syn_models:
            cls, defaults = self._syn_models[old]
            d = dict(defaults)
            d.update(self.connector.check_synapse_defaults(old, cls, params))
            self._syn_models[new] = (cls, d)
            return
        cls, over = self._node_model(old)
        self._check_node_params(cls, old, params)
        self._check_default_values(cls, new, {**over, **params})
        self._node_models[new] = (cls, {**over, **params})

    def _check_node_params(self, cls: type[Model], name: str, params: dict[str, Any]) -> None:
        allowed = cls.defaults()
        extra: set[str] = set()
        if issubclass(cls, RecorderModel):  # per-device backend settings (precision ...)
            backend = params.get("record_to", self._node_models.get(name, (cls, {}))[1].get(
                "record_to", cls.params["record_to"]))
            if isinstance(backend, str) and backend in self._backend_names():
                extra = set(backend_class(backend).device_defaults)
        for k, v in params.items():
            if k not in allowed and k not in extra:
                raise bad_property(name, k, v, f"{name} has the parameters {sorted(set(allowed) | extra)}")

    def _check_default_values(self, cls: type[Model], name: str, merged: dict[str, Any]) -> None:
        """Validate new model defaults as one node would be: nothing bad gets stored."""
        from ..network.parameters import Parameter as _P
        if any(isinstance(v, _P) for v in merged.values()):
            return
        if issubclass(cls, NeuronModel):
            NeuronPopulation(cls, name, 1, 1, {**cls.defaults(), **merged}, None, self.resolution).prepare(1)
        elif issubclass(cls, Generator):
            p = {k: (tuple(v) if isinstance(v, (list, np.ndarray)) else v) for k, v in {**cls.defaults(), **merged}.items()}
            cls.check_node(p, self.resolution)
        elif issubclass(cls, RecorderModel):
            probe = RecordingDevice.__new__(RecordingDevice)
            probe.sim, probe.model, probe.node_id, probe.p = self, cls, 0, dict(cls.params)
            probe.connected = np.zeros(0, dtype=np.int64)
            probe.bp = {}
            probe.validated({k: v for k, v in merged.items() if k in cls.params and k != "n_events"})

    def get_defaults(self, model: str, key: str | None = None) -> Any:
        """Default parameters of a node or synapse model (a dict, or one value)."""
        if isinstance(model, str) and model in self._syn_models:
            cls, d = self._syn_models[model]
            out = dict(d)
            out.update({"synapse_model": model, "num_connections": self.connector.num_connections(model),
                        "has_delay": True, "requires_symmetric": False, "sizeof": 32})
            out.update(self.connector.synapse_extra_defaults(model))
        elif isinstance(model, str) and model in self._backend_names():
            out = dict(self._backend(model).settings)
        else:
            cls, over = self._node_model(model)
            out = {**cls.defaults(), **over}
            out["model"] = model
            out["element_type"] = {"neuron": "neuron", "generator": "stimulator",
                                   "recorder": "recorder"}[cls.kind]
            if cls.recordables:
                out["recordables"] = list(cls.recordables)
            if cls.receptor_types:
                out["receptor_types"] = dict(cls.receptor_types)
        if key is None:
            return out
        if key not in out:
            raise bad_property(f"get_defaults('{model}')", "key", key, f"the keys are {sorted(out)}")
        return out[key]

    def set_defaults(self, model: str, params: dict[str, Any] | None = None, **kw: Any) -> None:
        params = {**(params or {}), **kw}
        if isinstance(model, str) and model in self._syn_models:
            cls, d = self._syn_models[model]
            checked = self.connector.check_synapse_defaults(model, cls, params)
            self._syn_models[model] = (cls, {**d, **checked})
            return
        if isinstance(model, str) and model in self._backend_names():
            self._backend(model).set_settings(params)
            return
        cls, over = self._node_model(model)
        self._check_node_params(cls, model, params)
        self._check_default_values(cls, model, {**over, **params})
        self._node_models[model] = (cls, {**over, **params})

    # -- backends ---------------------------------------------------------------------------
    def _backend_names(self) -> tuple[str, ...]:
        from ..recording.backends import recording_backends
        return recording_backends()

    def _backend(self, name: str) -> RecordingBackend:
        if name not in self._backends:
            self._backends[name] = backend_class(name)()
            self._backends[name].sim = self  # type: ignore[attr-defined]
        return self._backends[name]

    # -- nodes ------------------------------------------------------------------------------
    def create(self, model: str, n: int = 1, params: Any = None, label: str | None = None) -> NodeCollection:
        """Create ``n`` nodes of ``model``.

        ``params`` is one dict for all nodes (values scalar, one per node, or a random
        :class:`~spikesim.network.parameters.Parameter`) or a list of one dict per node.
        """
        cls, over = self._node_model(model)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise bad_property("create", "n", n, "it must be a positive integer")
        n = int(n)
        if label is not None and label in self._labels:
            raise bad_property("create", "label", label, "labels must be unique; this one is taken")
        defaults = {**cls.defaults(), **over}
        per_node: list[dict[str, Any]] | None = None
        common: dict[str, Any] = {}
        if isinstance(params, (list, tuple)):
            if len(params) != n:
                raise bad_property("create", "params", f"{len(params)} dicts", f"give one dict or {n} dicts")
            per_node = [dict(p) for p in params]
            for p in per_node:
                self._check_node_params(cls, model, p)
        elif params is not None:
            if not isinstance(params, dict):
                raise bad_property("create", "params", params, "give a dict or a list of dicts")
            common = dict(params)
            self._check_node_params(cls, model, common)
        first = self.num_nodes + 1
        if issubclass(cls, NeuronModel):
            pop = NeuronPopulation(cls, model, first, n, defaults, label, self.resolution)
            values = self._expand_params(common, per_node, n, first, defaults)
            if values:
                pop.set(np.arange(n), values)
        else:
            nodes = []
            try:
                for i in range(n):
                    p = dict(defaults)
                    p.update(self._device_values(cls, common, i, n, first + i))
                    if per_node:
                        p.update(per_node[i])
                    nodes.append(self._make_device(cls, model, first + i, p))
            except Exception:
                for dev in nodes:  # nothing of a failed create may stay behind
                    if hasattr(dev, "backend"):
                        dev.backend.disenroll(dev)
                raise
            pop = DevicePopulation(cls, model, first, n, label, nodes)
        self.populations.append(pop)
        self._firsts.append(first)
        self.num_nodes += n
        self.engine.invalidate()
        nc = NodeCollection(self, np.arange(first, first + n))
        if label is not None:
            self._labels[label] = nc
        return nc

    def _make_device(self, cls: type[Model], model: str, node_id: int, p: dict[str, Any]) -> Any:
        if issubclass(cls, RecorderModel):
            from ..recording.weight_recorder import WeightRecorderModel, WeightRecordingDevice
            dev_cls = WeightRecordingDevice if issubclass(cls, WeightRecorderModel) else RecordingDevice
            dev = dev_cls(self, cls, node_id, cls.params)
            dev.set({k: v for k, v in p.items() if k != "n_events" or v != 0})
            return dev
        assert issubclass(cls, Generator)
        p = {k: (tuple(v) if isinstance(v, (list, np.ndarray)) else v) for k, v in p.items()}
        cls.check_node(p, self.resolution)
        return p

    def _expand_params(self, common: dict[str, Any], per_node: list[dict[str, Any]] | None, n: int,
                       first: int, defaults: dict[str, Any]) -> dict[str, Any]:
        """Values to set on new neurons; keys missing from some per-node dicts keep the default."""
        values: dict[str, Any] = {}
        for k, v in common.items():
            values[k] = self._draw(v, n, first, k)
        if per_node:
            for k in set().union(*per_node):
                values[k] = np.array([p.get(k, defaults[k]) for p in per_node])
        return values

    def _draw(self, v: Any, n: int, first: int, key: str) -> Any:
        if isinstance(v, Parameter):
            return v.draw(rng.generator(self.seed, first, rng.PURPOSE_PARAMETER, _key_hash(key)), n)
        return v

    def _device_values(self, cls: type[Model], common: dict[str, Any], i: int, n: int,
                       node_id: int) -> dict[str, Any]:
        """Values for device node ``i`` of ``n``: random ones drawn, per-node arrays indexed."""
        out = {}
        for k, v in common.items():
            if isinstance(v, Parameter):
                v = float(self._draw(v, 1, node_id, k)[0])
            elif _per_node_array(cls, k, v, n):
                v = v[i]
                v = v.item() if isinstance(v, np.generic) else v
            out[k] = v
        return out

    def _population_of(self, node_id: int) -> Population:
        i = int(np.searchsorted(self._firsts, node_id, side="right")) - 1
        if i < 0 or node_id > self.num_nodes:
            raise BadParameter(f"node id {node_id} does not exist; ids run from 1 to {self.num_nodes}")
        return self.populations[i]

    def _split(self, ids: np.ndarray) -> list[tuple[Population, np.ndarray, np.ndarray]]:
        """Group sorted ids by population: (population, local indices, positions in ids)."""
        if ids.size == 0:
            return []
        which = np.searchsorted(self._firsts, ids, side="right") - 1
        out = []
        bounds = np.flatnonzero(np.diff(which)) + 1
        for pos in np.split(np.arange(ids.size), bounds):
            pop = self.populations[int(which[pos[0]])]
            out.append((pop, ids[pos] - pop.first, pos))
        return out

    def nodes(self, label: str) -> NodeCollection:
        """The collection created with ``label``."""
        if label not in self._labels:
            raise bad_property("nodes", "label", label, f"known labels are {sorted(self._labels)}")
        return self._labels[label]

    @property
    def labels(self) -> dict[str, NodeCollection]:
        return dict(self._labels)

    def all_nodes(self) -> NodeCollection:
        return NodeCollection(self, np.arange(1, self.num_nodes + 1))

    def _get(self, ids: np.ndarray, keys: tuple[str, ...]) -> Any:
        groups = self._split(ids)
        if not keys:
            keys_l: list[str] = []
            for pop, _, _ in groups:
                for k in pop.all_keys():
                    if k not in keys_l:
                        keys_l.append(k)
            keys = tuple(k for k in keys_l if all(k in p.all_keys() for p, _, _ in groups))
        out: dict[str, Any] = {}
        for k in keys:
            parts = [pop.get(k, local) for pop, local, _ in groups]
            if len(parts) == 1:
                out[k] = parts[0]
            else:
                try:
                    out[k] = np.concatenate(parts)
                except ValueError:
                    arr = np.empty(ids.size, dtype=object)
                    arr[:] = [x for p in parts for x in p]
                    out[k] = arr
        if len(keys) == 1:
            return out[keys[0]]
        return out

    def _set(self, ids: np.ndarray, values: dict[str, Any]) -> None:
        groups = self._split(ids)
        staged = []
        for pop, local, pos in groups:
            vals = {}
            for k, v in values.items():
                v = self._draw(v, ids.size, int(ids[0]), k) if isinstance(v, Parameter) else v
                arr = np.asarray(v, dtype=object) if isinstance(v, (list, tuple, np.ndarray)) else None
                if arr is not None and arr.ndim == 1 and arr.size == ids.size and ids.size > 1 \
                        and not _is_list_param(pop, k):
                    vals[k] = np.asarray(v)[pos]
                else:
                    vals[k] = v
            if isinstance(pop, DevicePopulation) and any(
                    _per_node_array(pop.model, k, v, local.size) for k, v in vals.items()):
                for j, li in enumerate(local):  # one value each
                    staged.append((pop, np.array([li]), {
                        k: (v[j].item() if isinstance(v[j], np.generic) else v[j])
                        if _per_node_array(pop.model, k, v, local.size) else v for k, v in vals.items()}))
                continue
            staged.append((pop, local, vals))
        self._set_staged(staged)

    def _set_list(self, ids: np.ndarray, dicts: list[dict[str, Any]]) -> None:
        staged = []
        for pop, local, pos in self._split(ids):
            for li, pi in zip(local, pos):
                staged.append((pop, np.array([li]), dicts[pi]))
        self._set_staged(staged)

    def _set_staged(self, staged: list[tuple[Population, np.ndarray, dict[str, Any]]]) -> None:
        """Validate everything first, then commit: an error leaves all nodes unchanged."""
        backups = []
        try:
            for pop, local, vals in staged:
                if isinstance(pop, NeuronPopulation):
                    backups.append((pop, pop.P, pop.S, pop.D))
                    pop.set(local, vals)
                else:
                    for i in local:
                        node = pop.nodes[int(i)]
                        if pop.kind == "recorder":
                            node.validated(vals)
                        else:
                            p = dict(node)
                            for k, v in vals.items():
                                if k not in p:
                                    raise bad_property(pop.model_name, k, v,
                                                       f"{pop.model_name} has the parameters {sorted(p)}")
                                p[k] = tuple(v) if isinstance(v, (list, np.ndarray)) else v
                            pop.model.check_node(p, self.resolution)  # type: ignore[attr-defined]
        except Exception:
            for pop, P, S, D in reversed(backups):  # the first backup holds the oldest values
                pop.P, pop.S, pop.D = P, S, D
            raise
        for pop, local, vals in staged:
            if isinstance(pop, DevicePopulation):
                for i in local:
                    node = pop.nodes[int(i)]
                    if pop.kind == "recorder":
                        node.set(vals)
                    else:
                        node.update({k: tuple(v) if isinstance(v, (list, np.ndarray)) else v
                                     for k, v in vals.items()})
                        self.generator_version += 1
        self.engine.invalidate()

    # -- connections --------------------------------------------------------------------------
    def connect(self, pre: Any, post: Any, conn_spec: Any = None, syn_spec: Any = None) -> None:
        """Connect ``pre`` to ``post`` by a rule (see :mod:`spikesim.network.rules`)."""
        self.connector.connect(pre, post, conn_spec, syn_spec)
        self.engine.invalidate()

    def get_connections(self, source: Any = None, target: Any = None, synapse_model: str | None = None):
        return self.connector.get_connections(source, target, synapse_model)

    # -- running ------------------------------------------------------------------------------
    def simulate(self, t: float) -> RunResult:
        """Advance the network by ``t`` ms (a multiple of the resolution).

        Returns a :class:`~spikesim.recording.results.RunResult` with what the
        recorders got during this run.
        """
        if isinstance(t, bool) or not isinstance(t, (int, float, np.number)) or not t >= 0 or math.isinf(t):
            raise bad_property("simulate", "t", t, "it must be a finite number of ms >= 0")
        steps = t / self.resolution
        if abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
            raise bad_property("simulate", "t", t, f"it must be a multiple of the resolution ({self.resolution} ms)")
        start = self.step
        offsets = {dev.node_id: dev.n_events for dev in self.recording_devices()}
        self.engine.run(int(round(steps)))
        return RunResult(self, start, self.step - start, offsets)

    def checkpoint(self, path: str) -> None:
        """Write everything needed to continue this simulation exactly (see
        :mod:`spikesim.io.checkpoint`); the file is replaced atomically."""
        from ..io import checkpoint
        checkpoint.write(self, path)

    @classmethod
    def restore(cls, path: str) -> Simulator:
        """A simulator continuing exactly where ``checkpoint(path)`` left off."""
        from ..io import checkpoint
        return checkpoint.read(path)

    def run(self, inputs: Any = None, **kwargs: Any) -> Any:
        """Step-loop run with array inputs, returning an Observer (rectipy's ``Network.run``);
        see :func:`spikesim.recording.observer.run`."""
        from ..recording.observer import run
        return run(self, inputs, **kwargs)

    def close(self) -> None:
        """Flush and close every recording backend (files, streams); recorded data stays
        readable.  Called by ``nest.ResetKernel`` and when used as a context manager."""
        for b in self._backends.values():
            b.close()

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def recording_devices(self) -> list[RecordingDevice]:
        """Every recording device, in id order."""
        return [dev for pop in self.populations if isinstance(pop, DevicePopulation) and pop.kind == "recorder"
                for dev in pop.nodes]

    def reset(self, model: bool = True) -> None:
        """Start a new recording segment; with ``model=True`` also go back to t = 0.

        ``model=True`` sets the clock to 0 and every neuron to its state at the start
        of its first run, clears input in transit and the plasticity traces (weights
        are kept, as ANNarchy's reset keeps projections), so spike generators replay
        from the start.  ``model=False`` keeps time and state.  Either way recorders
        keep what they recorded; what follows goes into a new segment (a chunk).
        """
        if model:
            self.step = 0
            for pop in self.populations:
                if isinstance(pop, NeuronPopulation) and pop.S0 is not None:
                    pop.S = pop.S0.copy()
            self.engine.reset_state()
        self.segment += 1

    # -- status ------------------------------------------------------------------------------
    def kernel_status(self) -> dict[str, Any]:
        return {
            "resolution": self.resolution, "rng_seed": self.seed, "local_num_threads": self.threads,
            "total_num_virtual_procs": self.threads, "num_processes": 1,
            "biological_time": self.time, "time": self.time, "network_size": self.num_nodes,
            "num_connections": self.connector.num_connections(None),
            "min_delay": self.min_delay, "max_delay": self.max_delay, "print_time": self.print_time,
            "overwrite_files": self.overwrite_files, "data_path": self.data_path,
            "data_prefix": self.data_prefix, "tics_per_ms": TICS_PER_MS,
            "tics_per_step": round(self.resolution * TICS_PER_MS), "ms_per_tic": 1.0 / TICS_PER_MS,
            "node_models": self.models("nodes"), "synapse_models": self.models("synapses"),
            "recording_backends": list(self._backend_names()),
        }

    def node_kind(self, node_id: int) -> str:
        return self._population_of(node_id).model.kind

    def input_modes(self) -> np.ndarray:
        mode = np.full(self.num_nodes, INPUT_NONE, dtype=np.int8)
        for pop in self.populations:
            mode[pop.first - 1:pop.first - 1 + pop.n] = pop.model.input_mode
        return mode


def _key_hash(key: str) -> int:
    h = 1469598103934665603
    for ch in key.encode():
        h = ((h ^ ch) * 1099511628211) % 2**63
    return h


def _per_node_array(cls: type[Model], key: str, v: Any, n: int) -> bool:
    """Whether ``v`` gives one value per node (not a list-valued parameter for all)."""
    if isinstance(cls.params.get(key), (tuple, list)) or isinstance(v, (str, dict)):
        return False
    return isinstance(v, (list, tuple, np.ndarray)) and np.ndim(v) == 1 and len(v) == n and n > 1


def _is_list_param(pop: Population, key: str) -> bool:
    """Parameters whose value is itself a list (spike_times, record_from...)."""
    if isinstance(pop, NeuronPopulation):
        return False
    default = pop.model.params.get(key)
    return isinstance(default, (tuple, list))


__all__ = ["Simulator", "BadProperty"]
