"""Shared runs of the devices2 tests: the NEST reference file (made by
tools/make_reference_devices2.py with NEST 3.10) and the same measurements under the NEST face."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import spikesim.nest as nest

REF = json.loads((Path(__file__).resolve().parents[1] / "data" / "nest" / "devices2_reference.json").read_text())


@pytest.fixture(autouse=True)
def fresh_kernel() -> Any:
    """A fresh NEST-face kernel before and after each test (imported by the test modules)."""
    nest.ResetKernel()
    yield
    nest.ResetKernel()


def assert_defaults_as_nest(model: str) -> dict[str, Any]:
    """The face's defaults of ``model`` equal NEST's recorded ones (``stop``: at least NEST's,
    whose infinity is a large finite number); returns the face's defaults."""
    d: dict[str, Any] = nest.GetDefaults(model)
    for k, v in REF[model]["defaults"].items():
        assert d[k] == pytest.approx(v, rel=1e-15) if k != "stop" else d[k] >= v, k
    return d


def face_trains(model: str, params: dict[str, Any], n_targets: int, t_sim: float, seed: int,
                h: float = 0.1) -> list[np.ndarray]:
    """Spike trains (ms) of ``n_targets`` parrot neurons driven by one generator, as the
    reference script runs them in NEST."""
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": h, "rng_seed": seed})
    params = dict(params)
    individual = params.pop("individual_spike_trains", None)
    if individual is not None:
        nest.SetDefaults(model, {"individual_spike_trains": individual})
    g = nest.Create(model, params=params)
    par = nest.Create("parrot_neuron", n_targets)
    sr = nest.Create("spike_recorder")
    nest.Connect(g, par)
    nest.Connect(par, sr)
    nest.Simulate(t_sim)
    ev = sr.events
    return [np.sort(ev["times"][ev["senders"] == p]) for p in par.tolist()]


def check_stats(model: str, ref: dict[str, Any], seeds: tuple[int, ...] = tuple(range(201, 209))) -> str:
    """Mean rate and ISI CV over trains and seeds within 3 combined SE of NEST's; returns a summary."""
    rates, cvs = [], []
    for seed in seeds:
        for tr in face_trains(model, ref["params"], ref["n_targets"], ref["t_sim"], seed):
            rates.append(tr.size / ref["t_sim"] * 1000.0)
            isi = np.diff(tr)
            if isi.size > 2:
                cvs.append(isi.std() / isi.mean())
    out = []
    for name, vals in (("rate", np.array(rates)), ("cv", np.array(cvs))):
        se = math.hypot(ref[f"{name}_se"], vals.std(ddof=1) / math.sqrt(vals.size))
        got = float(vals.mean())
        assert abs(got - ref[name]) <= 3 * se, f"{name}: spikesim {got:.5g}, NEST {ref[name]:.5g} +- 3 x {se:.3g}"
        out.append(f"{name} {got:.4g} (NEST {ref[name]:.4g}, se {se:.2g})")
    return "; ".join(out)
