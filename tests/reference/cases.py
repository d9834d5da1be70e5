"""Build and run a NEST reference case (tests/data/nest/cases) on spikesim.

The case format is described in tests/data/nest/README.md.  ``run_case`` follows its
"How to rebuild a case" steps with the object API and returns what NEST's case
stores under ``expected``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

import spikesim

CASES = Path(__file__).resolve().parents[1] / "data" / "nest" / "cases"


def load(name: str) -> dict[str, Any]:
    return json.loads((CASES / f"{name}.json").read_text())


def names(kind: str | None = None) -> list[str]:
    out = []
    for p in sorted(CASES.glob("*.json")):
        case = json.loads(p.read_text())
        k = case.get("compare", {}).get("kind", "deterministic")
        if kind is None or k == kind:
            out.append(p.stem)
    return out


def _select(sim: spikesim.Simulator, spec: Any) -> spikesim.NodeCollection:
    if isinstance(spec, str):
        return sim.nodes(spec)
    if isinstance(spec, dict):
        a, b = spec["slice"]
        return sim.nodes(spec["label"])[a:b]
    parts = [_select(sim, s) for s in spec]
    ids = np.concatenate([p.ids for p in parts])
    return spikesim.NodeCollection(sim, ids)


def build(case: dict[str, Any], seed: int | None = None) -> spikesim.Simulator:
    k = case["kernel"]
    sim = spikesim.Simulator(resolution=k.get("resolution", 0.1),
                             seed=seed if seed is not None else k.get("rng_seed", 1))
    wr_later = []
    for cm in case.get("copy_models", []):
        params = dict(cm.get("params", {}))
        if "weight_recorder" in params:
            wr_later.append((cm["new"], params.pop("weight_recorder")))
        sim.copy_model(cm["old"], cm["new"], params)
    for nd in case["nodes"]:
        sim.create(nd["model"], nd.get("n", 1), nd.get("params") or None, label=nd["label"])
    for model, label in wr_later:
        sim.set_defaults(model, {"weight_recorder": sim.nodes(label)})
    for c in case.get("connections", []):
        sim.connect(_select(sim, c["pre"]), _select(sim, c["post"]), c.get("conn_spec"), c.get("syn_spec"))
    return sim


def run(case: dict[str, Any], seed: int | None = None) -> tuple[spikesim.Simulator, dict[str, list[int]]]:
    sim = build(case, seed)
    after: dict[str, list[int]] = {}
    recorders = [nd["label"] for nd in case["nodes"]
                 if nd["model"] in ("spike_recorder", "multimeter", "voltmeter", "weight_recorder")]
    for t in case["simulate"]:
        sim.simulate(t)
        for r in recorders:
            after.setdefault(r, []).append(int(sim.nodes(r).get("n_events")[0]))
    return sim, after


def sorted_events(ev: dict[str, np.ndarray], keys: tuple[str, ...] = ("times", "senders")) -> dict[str, np.ndarray]:
    order = np.lexsort(tuple(np.asarray(ev[k]) for k in reversed(keys)))
    return {k: np.asarray(v)[order] for k, v in ev.items()}
