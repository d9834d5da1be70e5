"""Make the NEST 3.10 reference cases of the generators ac_generator, noise_generator, ...

Run with NEST's own Python (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_generators.py [OUT_DIR]

``OUT_DIR`` defaults to ``tests/data/nest/cases``.  Cases follow
``tests/data/nest/README.md``: deterministic ones (``ac_generator``: a neuron's V_m every
step, spike times) compared within 1e-9, statistical ones (stochastic generators driving
neurons or parrots: rates, Fano factors, CVs) compared over seeds.  NEST is run by the
helpers of ``tools/make_reference_models2.py``; each case is run twice and must agree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from make_reference_models2 import _measure, expected_deterministic, run_nest  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "nest" / "cases"


def ac_case() -> dict[str, Any]:
    """Two iaf_psc_alpha neurons under three ac generators (windows, phases, offsets, delays)."""
    return {
        "description": ("Two iaf_psc_alpha neurons driven by ac_generators: one always on (600 pA, 8 Hz, "
                        "phase 30 deg, offset 100 pA), one in a window 20-110 ms (300 pA, 37 Hz, phase -75 "
                        "deg, offset -50 pA, origin 5 ms), one at 1000 Hz onto neuron 2 only; V_m every step, "
                        "spikes, over two Simulate calls."),
        "kernel": {"resolution": 0.1, "rng_seed": 12345},
        "nodes": [
            {"label": "n", "model": "iaf_psc_alpha", "n": 2, "params": [{}, {"tau_m": 5.0, "C_m": 80.0}]},
            {"label": "ac1", "model": "ac_generator", "n": 1,
             "params": {"amplitude": 600.0, "frequency": 8.0, "phase": 30.0, "offset": 100.0}},
            {"label": "ac2", "model": "ac_generator", "n": 1,
             "params": {"amplitude": 300.0, "frequency": 37.0, "phase": -75.0, "offset": -50.0,
                        "start": 20.0, "stop": 110.0, "origin": 5.0}},
            {"label": "ac3", "model": "ac_generator", "n": 1, "params": {"amplitude": 80.0, "frequency": 1000.0}},
            {"label": "sr", "model": "spike_recorder", "n": 1},
            {"label": "mm", "model": "multimeter", "n": 1, "params": {"interval": 0.1, "record_from": ["V_m"]}},
        ],
        "connections": [
            {"pre": "ac1", "post": "n", "conn_spec": "all_to_all", "syn_spec": {"delay": 1.0}},
            {"pre": "ac2", "post": "n", "conn_spec": "all_to_all", "syn_spec": {"delay": 2.3, "weight": 1.5}},
            {"pre": "ac3", "post": {"label": "n", "slice": [1, 2]}, "conn_spec": "all_to_all",
             "syn_spec": {"delay": 0.5}},
            {"pre": "n", "post": "sr"},
            {"pre": "mm", "post": "n"},
        ],
        "simulate": [73.0, 127.0],
        "compare": {"times": "exact", "values_atol": 1e-9, "values_rtol": 1e-9,
                    "order": "sort by (times, senders)"},
    }


def deterministic_cases() -> dict[str, dict[str, Any]]:
    """The deterministic cases by name."""
    return {"ac_generator_drive": ac_case()}


def _stat(nodes: list[dict[str, Any]], conns: list[dict[str, Any]], t: float, pops: list[str],
          cv_min: int = 5) -> dict[str, Any]:
    """A statistical case: spikes of each population ``p`` of ``pops`` into recorder ``sr_p``, 20 seeds."""
    measures = [
        {"name": f"{p}_rate", "kind": "mean_rate", "recorder": f"sr_{p}", "population": p} for p in pops
    ] + [
        {"name": f"{p}_fano", "kind": "count_fano", "recorder": f"sr_{p}", "population": p} for p in pops
    ] + [
        {"name": f"{p}_cv", "kind": "cv_isi_mean", "recorder": f"sr_{p}", "population": p, "min_spikes": cv_min}
        for p in pops
    ]
    return {
        "kernel": {"resolution": 0.1, "rng_seed": 1},
        "nodes": [*nodes, *({"label": f"sr_{p}", "model": "spike_recorder", "n": 1} for p in pops)],
        "connections": [*conns, *({"pre": p, "post": f"sr_{p}"} for p in pops)],
        "simulate": [t],
        "statistics": {"seeds": list(range(1, 21)), "measures": measures},
        "compare": {"kind": "statistical", "std_ddof": 1,
                    "rule": "each measure: |mean_new - mean| <= 3 * sqrt(std_nest^2/n + std_new^2/n) over n seeds"},
    }


def noise_case() -> dict[str, Any]:
    """Neurons under noise currents: plain, modulated with a window, per-target independence."""
    c = _stat(
        [{"label": "n", "model": "iaf_psc_alpha", "n": 50},
         {"label": "m", "model": "iaf_psc_alpha", "n": 50, "params": {"tau_m": 5.0, "C_m": 100.0}},
         {"label": "ng1", "model": "noise_generator", "n": 1, "params": {"mean": 300.0, "std": 250.0, "dt": 0.5}},
         {"label": "ng2", "model": "noise_generator", "n": 1,
          "params": {"mean": 250.0, "std": 300.0, "std_mod": 280.0, "frequency": 15.0, "phase": 60.0,
                     "dt": 2.0, "start": 100.0, "stop": 1800.0}}],
        [{"pre": "ng1", "post": "n", "syn_spec": {"delay": 1.0}},
         {"pre": "ng2", "post": "m", "syn_spec": {"delay": 1.5, "weight": 1.2}}],
        2000.0, ["n", "m"])
    c["description"] = ("50 iaf_psc_alpha under one noise_generator (mean 300 pA, std 250 pA, dt 0.5 ms; each "
                        "target its own draws) and 50 with tau_m 5 ms, C_m 100 pF under a modulated one (std_mod "
                        "280 pA at 15 Hz, dt 2 ms, active 100-1800 ms, weight 1.2); rate, Fano factor of counts "
                        "and mean CV of ISIs per population, 20 seeds.")
    return c


def rate_poisson_case() -> dict[str, Any]:
    """Parrots relaying sinusoidal (own and shared trains) and inhomogeneous Poisson generators."""
    c = _stat(
        [{"label": "a", "model": "parrot_neuron", "n": 100},
         {"label": "b", "model": "parrot_neuron", "n": 50},
         {"label": "c", "model": "parrot_neuron", "n": 100},
         {"label": "sp1", "model": "sinusoidal_poisson_generator", "n": 1,
          "params": {"rate": 50.0, "amplitude": 40.0, "frequency": 10.0, "phase": 0.0}},
         {"label": "sp2", "model": "sinusoidal_poisson_generator", "n": 1,
          "params": {"rate": 30.0, "amplitude": 45.0, "frequency": 4.0, "phase": 90.0,
                     "individual_spike_trains": False}},
         {"label": "ip", "model": "inhomogeneous_poisson_generator", "n": 1,
          "params": {"rate_times": [100.0, 400.0, 700.5], "rate_values": [20.0, 80.0, 5.0], "stop": 900.0}}],
        [{"pre": "sp1", "post": "a"}, {"pre": "sp2", "post": "b"}, {"pre": "ip", "post": "c"}],
        1000.0, ["a", "b", "c"])
    windows = {"a": [(0.0, 50.0), (50.0, 100.0)], "b": [(0.0, 125.0), (125.0, 250.0)],
               "c": [(0.0, 100.0), (100.0, 400.0), (400.0, 700.0), (700.0, 900.0), (900.0, 1000.0)]}
    for p, ws in windows.items():
        for a, b in ws:
            # rate in each window summed over all cycles: windows are phases of the cycle for a, b
            c["statistics"]["measures"].append({"name": f"{p}_rate_{a:g}_{b:g}", "kind": "mean_rate",
                                                "recorder": f"sr_{p}", "population": p,
                                                "t_start": a, "t_stop": b})
    c["description"] = ("Parrots relaying: 100 own trains of a sinusoidal_poisson_generator (50 +- 40 /s, 10 Hz), "
                        "50 targets of one shared train (individual_spike_trains False; 30 +- 45 /s clipped at 0, "
                        "4 Hz, phase 90 deg), 100 own trains of an inhomogeneous_poisson_generator (20, 80, 5 /s "
                        "from 100, 400, 700.5 ms, stop 900 ms); rates overall and per window, Fano factor "
                        "across parrots (0 for a shared train), mean CV of ISIs; 20 seeds.")
    return c


def pulsepacket_case() -> dict[str, Any]:
    """Parrots relaying a pulsepacket_generator (one train shared by all targets)."""
    pulses = [20.0, 120.0, 220.3, 320.0, 420.0, 520.0, 620.0, 720.0, 820.0, 920.0]
    c = _stat([{"label": "a", "model": "parrot_neuron", "n": 10},
               {"label": "pp", "model": "pulsepacket_generator", "n": 1,
                "params": {"pulse_times": pulses, "activity": 30, "sdev": 4.0, "stop": 900.0}}],
              [{"pre": "pp", "post": "a"}], 1000.0, ["a"], cv_min=3)
    for lo, hi in ((0.0, 17.0), (17.0, 25.0), (100.0, 117.0), (117.0, 125.0), (125.0, 200.0)):
        c["statistics"]["measures"].append({"name": f"a_rate_{lo:g}_{hi:g}", "kind": "mean_rate",
                                            "recorder": "sr_a", "population": "a", "t_start": lo, "t_stop": hi})
    c["description"] = ("10 parrots relaying one pulsepacket_generator (30 spikes per pulse, sdev 4 ms, 10 pulses "
                        "100 ms apart, stop 900 ms; parrot delay 1 ms): rate overall and in windows around "
                        "pulses (spread of the packets), Fano factor across parrots (0: one shared train), "
                        "CV of ISIs; 20 seeds.")
    return c


def statistical_cases() -> dict[str, dict[str, Any]]:
    """The statistical cases by name."""
    return {"noise_generator_stat": noise_case(), "rate_poisson_generators_stat": rate_poisson_case(),
            "pulsepacket_generator_stat": pulsepacket_case()}


def expected_statistical(case: dict[str, Any]) -> dict[str, Any]:
    """Per-seed measures of a statistical case (each on its own population), mean and std (ddof 1)."""
    values: dict[str, list[float]] = {}
    for seed in case["statistics"]["seeds"]:
        _, nodes = run_nest(case, seed)
        for spec in case["statistics"]["measures"]:
            ev = nodes[spec["recorder"]].get("events")
            senders, times = np.asarray(ev["senders"]), np.asarray(ev["times"])
            ids = np.asarray(nodes[spec["population"]].tolist())
            values.setdefault(spec["name"], []).append(_measure(spec, senders, times, ids, sum(case["simulate"])))
    return {"seeds": case["statistics"]["seeds"],
            "statistics": {k: {"mean": float(np.mean(v)), "std": float(np.std(v, ddof=1)), "values": v}
                           for k, v in values.items()}}


class _Nest:
    """NEST, except that ``Create`` takes ``individual_spike_trains`` (NEST takes it only as
    a model default: such nodes are made from a copy of the model; spikesim takes it on
    the node too).  :func:`run_nest` imports ``nest`` and gets this."""

    def __init__(self, nest: Any) -> None:
        object.__setattr__(self, "_nest", nest)

    def __getattr__(self, key: str) -> Any:
        return getattr(self._nest, key)

    def __setattr__(self, key: str, value: Any) -> None:
        setattr(self._nest, key, value)  # kernel attributes such as rng_seed

    def Create(self, model: str, n: int = 1, params: Any = None, **kw: Any) -> Any:  # noqa: N802 - NEST's name
        nest = self._nest
        if isinstance(params, dict) and "individual_spike_trains" in params:
            params = dict(params)
            own = params.pop("individual_spike_trains")
            name = f"{model}_{'own' if own else 'shared'}"
            if name not in nest.node_models:
                nest.CopyModel(model, name, {"individual_spike_trains": own})
            model = name
        return nest.Create(model, n, params=params, **kw)


def main(out: Path, only: list[str]) -> None:
    """Write the cases named in ``only`` (all when empty) into ``out``."""
    import nest

    sys.modules["nest"] = _Nest(nest)  # type: ignore[assignment]

    for name, case in {**deterministic_cases(), **statistical_cases()}.items():
        if only and name not in only:
            continue
        make = expected_statistical if "statistics" in case else expected_deterministic
        exp = make(case)
        if make(case) != exp:
            raise RuntimeError(f"{name}: NEST gave different results on a second run")
        full = {"name": name, **case, "expected": exp, "nest_version": nest.__version__}
        (out / f"{name}.json").write_text(json.dumps(full, separators=(",", ":")) + "\n")
        print(name, "written")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[0]) if args else OUT, args[1:])
