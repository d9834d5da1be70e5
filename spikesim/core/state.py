"""Checkpoints: every part's state gathered into one file, and back.

Each part hands out and takes back its own state (``state()``/``load_state()``):
the model registry, the node table, each recording device, the connection store, the
engine and the recording manager.  This module only orchestrates: it names the parts'
pieces in one metadata dict and one dict of arrays, which
:mod:`spikesim.io.checkpoint` writes and reads.  Random numbers are counter-based, so
no generator state is needed.  Devices recording to files continue their files: the
restored simulator cuts them back to what they held at the checkpoint and appends.

Continuing a restored simulator gives bit for bit the spikes, samples and weights of
the uninterrupted run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.core.nodes import make_device
from spikesim.core.parts import Parts
from spikesim.io.checkpoint import plain_params, unplain_params
from spikesim.io.container import FileFormatError
from spikesim.models.base import NeuronModel
from spikesim.network.populations import DevicePopulation, NeuronPopulation, Population
from spikesim.network.space import Layer
from spikesim.recording.devices import RecordingDevice


def gather(parts: Parts) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The state of every part: JSON-able metadata and named arrays."""
    rec = parts.recording.state()
    rec["backends"] = {k: plain_params(v) for k, v in rec["backends"].items()}
    models = parts.models.state()
    for m in models["node_models"].values():
        m["overrides"] = plain_params(m["overrides"])
    for m in models["synapse_models"].values():
        m["defaults"] = plain_params(m["defaults"])
    entries, arrays = parts.nodes.state()
    for i, (entry, pop) in enumerate(zip(entries, parts.nodes.populations, strict=True)):
        if isinstance(pop, DevicePopulation) and pop.kind == "recorder":
            entry["devices"] = []
            for j, dev in enumerate(pop.nodes):
                meta, dev_arrays = dev.state()
                entry["devices"].append({**meta, "p": plain_params(meta["p"]), "bp": plain_params(meta["bp"])})
                arrays.update({f"pop{i}/dev{j}/{k}": v for k, v in dev_arrays.items()})
        elif isinstance(pop, DevicePopulation):
            entry["nodes"] = [plain_params(p) for p in pop.nodes]
        if pop.first in parts.nodes.layers:  # positions: an optional field (older checkpoints have none)
            entry["layer"], arrays[f"pop{i}/positions"] = parts.nodes.layers[pop.first].state()
    connections, conn_arrays = parts.connector.state()
    engine, engine_arrays = parts.engine.state()
    meta = {"kernel": parts.settings(), "recording": rec, **models, "populations": entries,
            "connector": {"n_calls": connections["n_calls"]}, "projections": connections["projections"],
            "engine": engine}
    return meta, {**arrays, **conn_arrays, **engine_arrays}


def load(parts: Parts, meta: dict[str, Any], arrays: dict[str, np.ndarray], path: str) -> None:
    """Fill the parts of a new simulator (made with the checkpoint's resolution, seed
    and threads) from a checkpoint's metadata and arrays.

    Raises
    ------
    FileFormatError
        If the checkpoint names a model this spikesim does not have, or is inconsistent
        or damaged (a missing array or entry, a value of the wrong kind).
    """
    try:
        _load(parts, meta, arrays, path)
    except FileFormatError:
        raise
    except KeyError as exc:
        raise FileFormatError(f"checkpoint '{path}' is damaged: it lacks {exc}") from None
    except (ValueError, TypeError, IndexError, AttributeError, AssertionError) as exc:
        raise FileFormatError(f"checkpoint '{path}' is damaged: {type(exc).__name__}: {exc}") from None


def _load(parts: Parts, meta: dict[str, Any], arrays: dict[str, np.ndarray], path: str) -> None:
    """:func:`load`, raising what the parts raise on damaged input."""
    k = meta["kernel"]
    parts.engine.print_time = bool(k["print_time"])
    try:
        parts.models.load_state(meta, unplain_params)
    except KeyError as exc:
        raise FileFormatError(f"checkpoint '{path}' uses model {exc}, unknown to this spikesim") from None
    parts.recording.load_state(meta["recording"], unplain_params)
    for i, entry in enumerate(meta["populations"]):
        parts.nodes.add(_population(parts, i, entry, arrays), entry["label"])
        if "layer" in entry:
            parts.nodes.layers[entry["first"]] = Layer.from_state(entry["layer"], arrays[f"pop{i}/positions"])
    if parts.nodes.num_nodes != k["num_nodes"]:
        raise FileFormatError(f"checkpoint '{path}' is inconsistent: {parts.nodes.num_nodes} nodes rebuilt, "
                              f"{k['num_nodes']} stored")
    parts.connector.load_state({"n_calls": meta["connector"]["n_calls"], "projections": meta["projections"]},
                               arrays)
    parts.engine.load_state(meta["engine"], arrays)
    parts.grid.step = int(k["step"])


def _population(parts: Parts, i: int, entry: dict[str, Any], arrays: dict[str, np.ndarray]) -> Population:
    """Population ``i`` of a checkpoint, rebuilt."""
    cls, over = parts.models.node_model(entry["model"])
    first, n = entry["first"], entry["n"]
    if entry["kind"] == "neuron":
        assert issubclass(cls, NeuronModel)
        pop = NeuronPopulation(cls, entry["model"], first, n, {**cls.defaults(), **over}, entry["label"],
                               parts.grid.resolution)
        pop.P = {key: arrays[f"pop{i}/P/{key}"] for key in entry["params"]}
        pop.S = arrays[f"pop{i}/S"].copy()
        pop.S0 = arrays[f"pop{i}/S0"].copy() if f"pop{i}/S0" in arrays else None
        if f"pop{i}/frozen" in arrays:
            pop.frozen = np.asarray(arrays[f"pop{i}/frozen"], dtype=bool).reshape(n).copy()
        return pop
    if entry["kind"] != "recorder":
        return DevicePopulation(cls, entry["model"], first, n, entry["label"],
                                [unplain_params(p, cls.params) for p in entry["nodes"]])
    nodes = []
    for j, d in enumerate(entry["devices"]):
        dev: RecordingDevice = make_device(parts.recording, parts.grid, cls, first + j,
                                           unplain_params(d["p"], cls.params))
        prefix = f"pop{i}/dev{j}/"
        dev_arrays = {key[len(prefix):]: v for key, v in arrays.items() if key.startswith(prefix)}
        dev.load_state({**d, "bp": unplain_params(d["bp"], dev.backend.device_defaults)}, dev_arrays)
        nodes.append(dev)
    return DevicePopulation(cls, entry["model"], first, n, entry["label"], nodes)
