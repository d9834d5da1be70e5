"""Full checkpoints: everything needed to continue a simulation exactly.

``sim.checkpoint(path)`` writes, and ``Simulator.restore(path)`` reads, one
container file (see :mod:`spikesim.io.container`) holding: kernel settings and the
clock; node and synapse models (copies included); every population with its
parameters, state and initial state; generators' and recorders' parameters;
recorders' event counters and, for the memory backend, their events with segment
indices; the connection tables with plastic weights and traces; the ring buffers
with input in transit; the postsynaptic spike history; labels.  Random numbers are
counter-based, so no generator state is needed.  Devices recording to files (ascii,
hdf5) continue their files: the restored simulator cuts them back to what they held
at the checkpoint and appends, so the files end as those of an uninterrupted run.

Continuing a restored simulator gives bit for bit the spikes, samples and weights of
the uninterrupted run.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import BadProperty
from . import container

if TYPE_CHECKING:
    from ..kernel.simulator import Simulator

FORMAT = "spikesim-checkpoint"


def _plain(v: Any) -> Any:
    """A JSON-able copy of a parameter value (tuples -> lists, numpy -> Python)."""
    from ..network.parameters import Parameter
    if isinstance(v, Parameter):
        raise BadProperty(f"checkpoint: a random parameter ({v!r}) among model defaults cannot be stored; "
                          "draw it when creating nodes instead")
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _unplain(v: Any, like: Any) -> Any:
    if isinstance(v, str) and v in ("inf", "-inf") and isinstance(like, float):
        return math.inf if v == "inf" else -math.inf
    if isinstance(like, tuple) and isinstance(v, list):
        return tuple(v)
    return v


def _params(p: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in p.items()}


def _restore_params(p: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {k: _unplain(v, defaults.get(k)) for k, v in p.items()}


def write(sim: Simulator, path: str | Path) -> Path:
    """Write a checkpoint of ``sim`` to ``path``."""
    from ..network.populations import DevicePopulation, NeuronPopulation
    from ..recording.backends.memory import MemoryBackend

    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {
        "kernel": {"resolution": sim.resolution, "seed": sim.seed, "threads": sim.threads, "step": sim.step,
                   "segment": sim.segment, "print_time": sim.print_time,
                   "overwrite_files": sim.overwrite_files, "data_path": sim.data_path,
                   "data_prefix": sim.data_prefix, "num_nodes": sim.num_nodes},
        "node_models": {k: {"class": c.name, "overrides": _params(o)} for k, (c, o) in sim._node_models.items()},
        "synapse_models": {k: {"class": c.name, "defaults": _params(d)} for k, (c, d) in sim._syn_models.items()},
        "backends": {k: _params(b.settings) for k, b in sim._backends.items()},
        "populations": [],
        "projections": [],
        "engine": {"L": sim.engine.L, "gen_until": sim.engine.gen_until},
        "connector": {"n_calls": sim.connector.n_calls},
    }
    for i, pop in enumerate(sim.populations):
        entry: dict[str, Any] = {"model": pop.model_name, "first": pop.first, "n": pop.n, "label": pop.label,
                                 "kind": pop.model.kind}
        if isinstance(pop, NeuronPopulation):
            entry["params"] = list(pop.P)
            for k, v in pop.P.items():
                arrays[f"pop{i}/P/{k}"] = v
            arrays[f"pop{i}/S"] = pop.S
            if pop.S0 is not None:
                arrays[f"pop{i}/S0"] = pop.S0
        elif isinstance(pop, DevicePopulation) and pop.kind == "recorder":
            devs = []
            for j, dev in enumerate(pop.nodes):
                devs.append({"p": _params(dev.p), "bp": _params(dev.bp), "n_events": dev.n_events,
                             "backend_state": dev.backend.checkpoint_state(dev)
                             if hasattr(dev.backend, "checkpoint_state") else None})
                arrays[f"pop{i}/dev{j}/connected"] = dev.connected
                if isinstance(dev.backend, MemoryBackend):
                    for col, v in dev.backend.dump(dev).items():
                        arrays[f"pop{i}/dev{j}/events/{col}"] = v
            entry["devices"] = devs
        else:
            entry["nodes"] = [_params(p) for p in pop.nodes]
        meta["populations"].append(entry)
    for i, ((name, route), p) in enumerate(sim.connector.projections.items()):
        meta["projections"].append({"synapse_model": name, "route": route, "version": p.version,
                                    "extra": sorted(p.extra)})
        arrays[f"proj{i}/ptr"] = p.ptr
        arrays[f"proj{i}/tgt"] = p.tgt
        arrays[f"proj{i}/w"] = p.w
        arrays[f"proj{i}/d"] = p.d
        arrays[f"proj{i}/rcpt"] = p.rcpt
        for k, v in p.extra.items():
            arrays[f"proj{i}/extra/{k}"] = v
    arrays["engine/ring"] = sim.engine.ring
    arch = sim.archive.state()
    for k, v in arch.items():
        arrays[f"archive/{k}"] = v
    units = {"time": "ms", "V_m": "mV", "current": "pA", "conductance": "nS", "weight": "model units",
             "delay": "steps", "ring": "per channel (ex, in, current), per slot, per node"}
    return container.write(path, FORMAT, meta, arrays, units)


def read(path: str | Path) -> Simulator:
    """Rebuild a Simulator from a checkpoint; nothing is half-loaded on error."""
    from ..kernel.archive import PostArchive
    from ..kernel.simulator import Simulator
    from ..models import NODE_MODELS, SYNAPSE_MODELS
    from ..network.nodes import NodeCollection
    from ..network.populations import DevicePopulation, NeuronPopulation
    from ..network.projection import Projection

    meta, arrays = container.read(path, FORMAT)
    k = meta["kernel"]
    sim = Simulator(resolution=k["resolution"], seed=k["seed"], threads=k["threads"])
    for key in ("print_time", "overwrite_files", "data_path", "data_prefix"):
        setattr(sim, key, k[key])
    try:
        sim._node_models = {}
        for name, m in meta["node_models"].items():
            cls = NODE_MODELS[m["class"]]
            sim._node_models[name] = (cls, _restore_params(m["overrides"], cls.defaults()))
        sim._syn_models = {}
        for name, m in meta["synapse_models"].items():
            cls = SYNAPSE_MODELS[m["class"]]
            sim._syn_models[name] = (cls, _restore_params(m["defaults"], cls.params))
    except KeyError as exc:
        raise container.FileFormatError(f"checkpoint '{path}' uses model {exc}, unknown to this spikesim") from None
    for name, settings in meta["backends"].items():
        b = sim._backend(name)
        b.settings.update(_restore_params(settings, b.defaults))
    for i, entry in enumerate(meta["populations"]):
        cls, over = sim._node_models[entry["model"]]
        first, n = entry["first"], entry["n"]
        if entry["kind"] == "neuron":
            pop = NeuronPopulation(cls, entry["model"], first, n, {**cls.defaults(), **over}, entry["label"],
                                   sim.resolution)
            pop.P = {key: arrays[f"pop{i}/P/{key}"] for key in entry["params"]}
            pop.S = arrays[f"pop{i}/S"].copy()
            pop.S0 = arrays[f"pop{i}/S0"].copy() if f"pop{i}/S0" in arrays else None
        elif entry["kind"] == "recorder":
            sim.num_nodes = first - 1 + n  # devices check ids against the node count
            nodes = []
            for j, d in enumerate(entry["devices"]):
                p = _restore_params(d["p"], cls.params)
                dev = sim._make_device(cls, entry["model"], first + j, p)
                dev.bp.update(_restore_params(d["bp"], dev.backend.device_defaults))
                dev.n_events = d["n_events"]
                dev.connected = arrays[f"pop{i}/dev{j}/connected"].astype(np.int64)
                prefix = f"pop{i}/dev{j}/events/"
                cols = {key[len(prefix):]: v for key, v in arrays.items() if key.startswith(prefix)}
                if cols and hasattr(dev.backend, "load"):
                    dev.backend.load(dev, cols)
                if hasattr(dev.backend, "resume"):  # file backends continue their files
                    dev.backend.resume(dev, d.get("backend_state"))
                nodes.append(dev)
            pop = DevicePopulation(cls, entry["model"], first, n, entry["label"], nodes)
        else:
            nodes = [_restore_params(p, cls.params) for p in entry["nodes"]]
            pop = DevicePopulation(cls, entry["model"], first, n, entry["label"], nodes)
        sim.populations.append(pop)
        sim._firsts.append(first)
        sim.num_nodes = first - 1 + n
        if entry["label"] is not None:
            sim._labels[entry["label"]] = NodeCollection(sim, np.arange(first, first + n))
    if sim.num_nodes != k["num_nodes"]:
        raise container.FileFormatError(f"checkpoint '{path}' is inconsistent: {sim.num_nodes} nodes rebuilt, "
                                        f"{k['num_nodes']} stored")
    for i, pm in enumerate(meta["projections"]):
        p = Projection(pm["synapse_model"], pm["route"], sim.num_nodes)
        p.ptr = arrays[f"proj{i}/ptr"]
        p.tgt = arrays[f"proj{i}/tgt"]
        p.w = arrays[f"proj{i}/w"]
        p.d = arrays[f"proj{i}/d"]
        p.rcpt = arrays[f"proj{i}/rcpt"]
        p.extra = {key: arrays[f"proj{i}/extra/{key}"] for key in pm["extra"]}
        p.version = pm["version"]
        sim.connector.projections[(pm["synapse_model"], pm["route"])] = p
    sim.connector.n_calls = meta["connector"]["n_calls"]
    arch = PostArchive(sim.num_nodes)
    for key in ("on", "kminus", "last_spike", "last_idx", "tau_inv"):
        setattr(arch, key, arrays[f"archive/{key}"].copy())
    n_log = arrays["archive/t"].size
    arch.reserve(n_log)
    for key in ("t", "k", "prev", "next"):
        getattr(arch, key)[:n_log] = arrays[f"archive/{key}"]
    arch.length = n_log
    sim.archive = arch
    sim.engine.ring = arrays["engine/ring"].copy()
    sim.engine.L = int(meta["engine"]["L"])
    sim.engine.gen_until = int(meta["engine"]["gen_until"])
    sim.step = int(k["step"])
    sim.segment = int(k["segment"])
    return sim
