"""Make the NEST 3.10 reference cases of the multisynapse neurons.

Run with NEST's own interpreter (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_multisynapse.py

It writes ``tests/data/nest/cases/iaf_psc_{exp,alpha}_multisynapse_*.json`` in the case
format of ``tests/data/nest/README.md``, replayed by
``tests/reference/test_nest_deterministic.py``.  NEST runs each case as
:func:`make_reference_adex.run_nest` does (the same runner); values are the floats NEST
returned.  Both models integrate exactly, so spike times must agree exactly and values
to rounding (1e-9).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_reference_adex import run_nest  # noqa: E402 - the tools directory is not a package

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "nest" / "cases"
COMPARE = {"times": "exact", "values_atol": 1e-9, "values_rtol": 1e-9, "order": "sort by (times, senders)",
           "note": "exact integration with precomputed propagators: only rounding may differ"}

MODELS = ("iaf_psc_exp_multisynapse", "iaf_psc_alpha_multisynapse")
#: the numeric parameters and state spikesim keeps
NUMBERS = ("C_m", "E_L", "I_e", "V_m", "V_min", "V_reset", "V_th", "t_ref", "tau_m", "tau_minus",
           "tau_minus_triplet")

#: (receptor, weight in pA, delay in ms, spike times in ms)
INPUTS = [(1, 400.0, 1.0, [5.0, 5.0, 12.0, 30.0, 60.0]), (2, -250.0, 1.4, [20.0, 45.0, 46.0]),
          (3, 900.0, 2.3, [31.5, 75.0, 90.0]), (1, -600.0, 1.0, [50.0, 51.0]), (3, 150.0, 0.1, [8.0, 8.1, 8.2])]


def _drive(model: str, neurons: list[dict[str, Any]], rec: list[str], desc: str) -> dict[str, Any]:
    """Neurons with three receptors under dc and step currents (receptor 0) and spike
    trains onto each receptor, excitatory and inhibitory, at several delays."""
    n = len(neurons)
    nodes = [{"label": "n", "model": model, "n": n, "params": neurons},
             {"label": "dc", "model": "dc_generator", "n": 1,
              "params": {"amplitude": 250.0, "start": 2.0, "stop": 170.0}},
             {"label": "step", "model": "step_current_generator", "n": 1,
              "params": {"amplitude_times": [15.0, 25.0, 130.0], "amplitude_values": [300.0, -150.0, 500.0]}}]
    conns: list[dict[str, Any]] = [
        {"pre": "dc", "post": "n", "conn_spec": "all_to_all", "syn_spec": {"delay": 1.0}},
        {"pre": "step", "post": {"label": "n", "slice": [1, n]}, "conn_spec": "all_to_all",
         "syn_spec": {"delay": 2.0}}]
    for i, (r, w, d, times) in enumerate(INPUTS):
        nodes.append({"label": f"sg{i}", "model": "spike_generator", "n": 1, "params": {"spike_times": times}})
        conns.append({"pre": f"sg{i}", "post": "n", "conn_spec": "all_to_all",
                      "syn_spec": {"weight": w, "delay": d, "receptor_type": r}})
    nodes += [{"label": "sr", "model": "spike_recorder", "n": 1, "params": {}},
              {"label": "mm", "model": "multimeter", "n": 1,
               "params": {"interval": 0.1, "stop": 60.0, "record_from": rec}},
              {"label": "mm_coarse", "model": "multimeter", "n": 1,
               "params": {"interval": 2.0, "start": 60.0, "record_from": rec}}]
    conns += [{"pre": "n", "post": "sr"}, {"pre": "mm", "post": "n"}, {"pre": "mm_coarse", "post": "n"}]
    return {"name": f"{model}_drive", "description": desc, "kernel": {"resolution": 0.1, "rng_seed": 12345},
            "nodes": nodes, "connections": conns, "simulate": [100.0, 100.0], "compare": COMPARE}


def _defaults(model: str) -> dict[str, Any]:
    """One neuron with NEST's defaults (one receptor) under spikes and a dc current."""
    return {
        "name": f"{model}_defaults", "kernel": {"resolution": 0.1, "rng_seed": 12345},
        "description": f"{model} with NEST's defaults (tau_syn [2.0]): spikes at receptor 1, dc at receptor 0.",
        "nodes": [{"label": "n", "model": model, "n": 1, "params": {}},
                  {"label": "dc", "model": "dc_generator", "n": 1, "params": {"amplitude": 370.0}},
                  {"label": "sg", "model": "spike_generator", "n": 1,
                   "params": {"spike_times": [3.0, 10.0, 10.5, 40.0]}},
                  {"label": "sr", "model": "spike_recorder", "n": 1, "params": {}},
                  {"label": "mm", "model": "multimeter", "n": 1,
                   "params": {"interval": 0.1, "record_from": ["V_m", "I_syn", "I_syn_1"]}}],
        "connections": [{"pre": "dc", "post": "n"},
                        {"pre": "sg", "post": "n", "syn_spec": {"weight": 800.0, "delay": 1.0, "receptor_type": 1}},
                        {"pre": "n", "post": "sr"}, {"pre": "mm", "post": "n"}],
        "simulate": [60.0], "compare": COMPARE}


def cases() -> list[dict[str, Any]]:
    """Per model: a drive case (four neurons, three receptors) and a defaults case."""
    rec = ["V_m", "I_syn", "I_syn_1", "I_syn_2", "I_syn_3"]
    exp_neurons = [{"tau_syn": [2.0, 0.5, 8.0]},
                   {"tau_syn": [1.0, 3.0, 20.0], "t_ref": 0.0, "I_e": 120.0},
                   {"tau_syn": [5.0, 5.0, 0.3], "t_ref": 3.3, "E_L": -65.0, "V_reset": -72.0, "C_m": 180.0},
                   {"tau_syn": [9.99999, 10.000001, 2.0], "tau_m": 10.0, "V_th": -50.0}]
    alpha_neurons = [{"tau_syn": [2.0, 0.5, 8.0]},
                     {"tau_syn": [1.0, 3.0, 20.0], "t_ref": 0.0, "I_e": 120.0},
                     {"tau_syn": [5.0, 5.0, 0.3], "t_ref": 3.3, "E_L": -65.0, "V_reset": -72.0, "V_min": -71.0},
                     {"tau_syn": [10.0, 10.000001, 2.0], "tau_m": 10.0, "V_th": -50.0, "C_m": 180.0}]
    return [
        _drive("iaf_psc_exp_multisynapse", exp_neurons, rec,
               "Four iaf_psc_exp_multisynapse neurons with three receptors each (one with time constants "
               "next to tau_m) under dc/step currents and spike trains onto receptors 1-3; every step up "
               "to 60 ms, every 2 ms after."),
        _drive("iaf_psc_alpha_multisynapse", alpha_neurons, rec,
               "Four iaf_psc_alpha_multisynapse neurons with three receptors each (one with V_min, one with "
               "tau_syn = tau_m) under dc/step currents and spike trains onto receptors 1-3; every step up "
               "to 60 ms, every 2 ms after."),
        _defaults("iaf_psc_exp_multisynapse"),
        _defaults("iaf_psc_alpha_multisynapse"),
    ]


def nest_defaults() -> dict[str, dict[str, Any]]:
    """NEST's defaults of both models (numbers, ``tau_syn``, ``recordables``) and the
    recordables after ``tau_syn`` is set to three time constants."""
    import nest

    out = {}
    for model in MODELS:
        nest.ResetKernel()
        d = nest.GetDefaults(model)
        entry: dict[str, Any] = {k: float(v) for k, v in sorted(d.items()) if k in NUMBERS}
        entry["tau_syn"] = [float(x) for x in d["tau_syn"]]
        entry["recordables"] = sorted(str(r) for r in d["recordables"])
        n = nest.Create(model, params={"tau_syn": [1.0, 2.0, 3.0]})
        entry["recordables_3"] = sorted(str(r) for r in n.get("recordables"))
        entry["n_synapses_3"] = int(n.get("n_synapses"))
        out[model] = entry
    return out


def main() -> int:
    """Run every case in NEST and write it; print each file's size and spike count."""
    import nest

    path = OUT.parent / "multisynapse_defaults.json"
    path.write_text(json.dumps(nest_defaults(), indent=1, sort_keys=True) + "\n")

    for case in cases():
        case["expected"] = run_nest(case)
        case["nest_version"] = nest.__version__
        path = OUT / f"{case['name']}.json"
        path.write_text(json.dumps(case, separators=(",", ":")) + "\n")
        print(f"{path.name}: {path.stat().st_size // 1024} kB, "
              f"{case['expected']['sr']['n_events']} spikes {case['expected']['sr']['events']['senders']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
