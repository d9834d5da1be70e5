"""Make the NEST 3.10 reference data of sinusoidal_gamma_generator, ppd_sup_generator and ignore_and_fire.

Run with NEST's own Python (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_devices2.py [OUT]

``OUT`` defaults to ``tests/data/nest/devices2_reference.json``.  It holds, per model,
NEST's defaults (GetDefaults of the keys spikesim has), the exception class of bad
settings, deterministic recordings (sinusoidal_gamma_generator's ``rate``) and the
statistics of spike trains relayed by parrot neurons over several seeds: per case the
mean rate (spikes/s) and mean ISI CV over the trains with the standard error of each
(the SE of the mean over trains and seeds), which the tests compare within 3 SE.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nest
import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "nest" / "devices2_reference.json"
SEEDS = tuple(range(11, 27))


def defaults(model: str, keys: list[str]) -> dict[str, Any]:
    """NEST's defaults of ``keys`` (JSON-able values)."""
    nest.ResetKernel()
    d = nest.GetDefaults(model)
    return {k: (bool(d[k]) if isinstance(d[k], bool) else d[k]) for k in keys}


def error_class(model: str, params: dict[str, Any], on_defaults: bool = False) -> str:
    """The NEST exception class name raised by setting ``params`` (on a node or the defaults)."""
    nest.ResetKernel()
    try:
        if on_defaults:
            nest.SetDefaults(model, params)
        else:
            nest.Create(model).set(params)
    except nest.NESTError as e:
        return type(e).__name__
    return "none"


def trains(model: str, params: dict[str, Any], n_targets: int, t_sim: float, seed: int,
           h: float = 0.1) -> list[np.ndarray]:
    """Spike trains (ms) of ``n_targets`` parrot neurons driven by one generator."""
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": h, "rng_seed": seed})
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


def stats(model: str, params: dict[str, Any], n_targets: int, t_sim: float) -> dict[str, Any]:
    """Mean rate (spikes/s) and ISI CV over trains and seeds, each with its SE."""
    rates, cvs = [], []
    for seed in SEEDS:
        for tr in trains(model, dict(params), n_targets, t_sim, seed):
            rates.append(tr.size / t_sim * 1000.0)
            isi = np.diff(tr)
            if isi.size > 2:
                cvs.append(isi.std() / isi.mean())
    r, c = np.array(rates), np.array(cvs)
    return {"params": params, "n_targets": n_targets, "t_sim": t_sim, "seeds": list(SEEDS),
            "rate": float(r.mean()), "rate_se": float(r.std(ddof=1) / np.sqrt(r.size)),
            "cv": float(c.mean()), "cv_se": float(c.std(ddof=1) / np.sqrt(c.size))}


def identical_trains(model: str, params: dict[str, Any]) -> bool:
    """Whether all targets of a generator got the same train."""
    tr = trains(model, dict(params), 4, 500.0, 1)
    return all(np.array_equal(tr[0], t) for t in tr[1:])


def gamma_rate_recording() -> dict[str, Any]:
    """sinusoidal_gamma_generator's ``rate`` sampled by a multimeter (deterministic)."""
    nest.ResetKernel()
    p = {"rate": 30.0, "amplitude": 20.0, "frequency": 17.0, "phase": 40.0, "order": 2.5,
         "start": 3.0, "stop": 12.0}
    g = nest.Create("sinusoidal_gamma_generator", params=p)
    par = nest.Create("parrot_neuron")
    mm = nest.Create("multimeter", params={"record_from": ["rate"], "interval": 0.1})
    nest.Connect(g, par)
    nest.Connect(mm, g)
    nest.Simulate(20.0)
    ev = mm.events
    return {"params": p, "t_sim": 20.0, "times": ev["times"].tolist(), "rate": ev["rate"].tolist()}


def certain(model: str, params: dict[str, Any], t_sim: float) -> dict[str, Any]:
    """A case where every draw is certain (a hazard of 1 per step): parrot spike times, exact."""
    tr = trains(model, dict(params), 2, t_sim, 1)
    return {"params": params, "t_sim": t_sim, "times": [t.tolist() for t in tr]}


def gamma() -> dict[str, Any]:
    """Reference data of sinusoidal_gamma_generator."""
    m = "sinusoidal_gamma_generator"
    base = {"rate": 40.0, "amplitude": 25.0, "frequency": 5.0, "phase": 30.0}
    return {
        "defaults": defaults(m, ["rate", "amplitude", "frequency", "phase", "order", "individual_spike_trains",
                                 "start", "stop", "origin"]),
        "errors": {
            "order_below_1": error_class(m, {"order": 0.5}),
            "amplitude_above_rate": error_class(m, {"rate": 10.0, "amplitude": 11.0}),
            "negative_amplitude": error_class(m, {"amplitude": -1.0}),
            "individual_on_node": error_class(m, {"individual_spike_trains": False}),
            "individual_on_defaults": error_class(m, {"individual_spike_trains": False}, on_defaults=True),
        },
        "rate_recording": gamma_rate_recording(),
        "certain": certain(m, {"rate": 10000.0, "order": 1.0, "origin": 1.0, "start": 2.0, "stop": 5.0}, 10.0),
        "stats": {
            "order1_const": stats(m, {"rate": 50.0, "order": 1.0}, 50, 2000.0),
            "order3_const": stats(m, {"rate": 50.0, "order": 3.0}, 50, 2000.0),
            "order4_sine": stats(m, {**base, "order": 4.0}, 50, 2000.0),
            "order2_sine_shared": stats(m, {**base, "order": 2.0, "individual_spike_trains": False}, 1, 10000.0),
            "order2_5_window": stats(m, {**base, "order": 2.5, "start": 200.0, "stop": 1200.0}, 50, 1500.0),
        },
        "shared_identical": identical_trains(m, {**base, "order": 2.0, "individual_spike_trains": False}),
        "individual_identical": identical_trains(m, {**base, "order": 2.0}),
    }


def ppd() -> dict[str, Any]:
    """Reference data of ppd_sup_generator."""
    m = "ppd_sup_generator"
    return {
        "defaults": defaults(m, ["rate", "dead_time", "n_proc", "frequency", "relative_amplitude",
                                 "start", "stop", "origin"]),
        "errors": {
            "negative_dead_time": error_class(m, {"dead_time": -1.0}),
            "rate_vs_dead_time": error_class(m, {"rate": 100.0, "dead_time": 10.0}),
            "n_proc_0": error_class(m, {"n_proc": 0}),
            "amplitude_above_1": error_class(m, {"relative_amplitude": 1.5}),
            "negative_amplitude": error_class(m, {"relative_amplitude": -0.1}),
        },
        "certain": certain(m, {"rate": 5000.0, "dead_time": 0.1, "n_proc": 3, "origin": 1.0, "start": 2.0,
                               "stop": 5.0}, 10.0),
        "certain_no_dead_time": certain(m, {"rate": 10000.0, "n_proc": 2, "start": 1.0, "stop": 2.0}, 5.0),
        "stats": {
            "single": stats(m, {"rate": 50.0, "dead_time": 5.0, "n_proc": 1}, 50, 2000.0),
            "sup5": stats(m, {"rate": 20.0, "dead_time": 20.0, "n_proc": 5}, 50, 2000.0),
            "sup300_sine": stats(m, {"rate": 10.0, "dead_time": 2.5, "n_proc": 300, "frequency": 4.0,
                                     "relative_amplitude": 0.6}, 20, 1000.0),
            "window": stats(m, {"rate": 60.0, "dead_time": 3.0, "n_proc": 2, "start": 100.0,
                                "stop": 900.0}, 50, 1200.0),
        },
        "individual_identical": identical_trains(m, {"rate": 50.0, "dead_time": 5.0, "n_proc": 3}),
    }


def ignore_and_fire_case() -> dict[str, Any]:
    """Three ignore_and_fire neurons under Poisson input (ignored), a parameter set between runs."""
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1})
    n = nest.Create("ignore_and_fire", 3, params=[{"rate": 7.0, "phase": 1.0}, {"rate": 33.0, "phase": 0.25},
                                                  {"rate": 1000.0, "phase": 0.5}])
    pg = nest.Create("poisson_generator", params={"rate": 20000.0})
    dc = nest.Create("dc_generator", params={"amplitude": 500.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(pg, n, syn_spec={"weight": 50.0})
    nest.Connect(dc, n)
    nest.Connect(n, sr)
    nest.Simulate(300.0)
    n[1].set({"rate": 20.0})
    n[0].set({"phase": 1.0})  # the same value: the countdown restarts all the same
    nest.Simulate(200.0)
    ev = sr.events
    return {"times": [np.sort(ev["times"][ev["senders"] == i]).tolist() for i in n.tolist()]}


def ignore_and_fire() -> dict[str, Any]:
    """Reference data of ignore_and_fire."""
    m = "ignore_and_fire"
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 2**-3})
    n = nest.Create(m, params={"rate": 5.0, "phase": 0.4})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(1000.0)
    times = sr.events["times"].tolist()
    return {
        "defaults": defaults(m, ["phase", "rate", "tau_minus", "tau_minus_triplet"]),
        "errors": {"phase_0": error_class(m, {"phase": 0.0}), "phase_above_1": error_class(m, {"phase": 1.5}),
                   "rate_0": error_class(m, {"rate": 0.0}), "negative_rate": error_class(m, {"rate": -1.0})},
        "nest_test_case": {"times": times},
        "set_between_runs": ignore_and_fire_case(),
    }


def main() -> None:
    """Write the reference file."""
    nest.set_verbosity("M_ERROR")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    data = {"made_by": "tools/make_reference_devices2.py with NEST " + nest.__version__,
            "sinusoidal_gamma_generator": gamma(), "ppd_sup_generator": ppd(),
            "ignore_and_fire": ignore_and_fire()}
    out.write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main()
