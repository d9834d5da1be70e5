"""Make the NEST 3.10 reference cases of the AdEx and Hodgkin-Huxley neurons.

Run with NEST's own interpreter (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_adex.py

It writes ``tests/data/nest/cases/{aeif_*,hh_psc_alpha}_*.json`` in the case format of
``tests/data/nest/README.md`` (the specification and NEST's results in one file);
``tests/reference/test_nest_deterministic.py`` replays every case on spikesim.  Each case
records its neurons with a multimeter at every 0.1 ms step over the window where they
are busy (a second, coarser multimeter covers the rest, to keep the files small) and all
spikes.  Values are stored as the floats NEST returned.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "nest" / "cases"
#: spikesim mirrors GSL's rkf45 step by step: the traces must agree to rounding
COMPARE = {"times": "exact", "values_atol": 1e-9, "values_rtol": 1e-9,
           "order": "sort by (times, senders)",
           "note": "NEST integrates with GSL's adaptive rkf45; spikesim performs the same "
                   "floating-point steps, so only rounding may differ."}

SPIKES_EX = [5.0, 5.0, 12.0, 30.0, 31.5, 60.0, 90.0]
SPIKES_IN = [20.0, 45.0, 46.0, 75.0]


def _drive(model: str, neurons: list[dict[str, Any]], rec: list[str], w_ex: tuple[float, float],
           w_in: tuple[float, float], fine_stop: float, t_sim: float, dc_amp: float, desc: str) -> dict[str, Any]:
    """Neurons under dc current and excitatory/inhibitory spike input at two weights each."""
    n = len(neurons)
    return {
        "name": f"{model}_drive",
        "description": desc,
        "kernel": {"resolution": 0.1, "rng_seed": 12345},
        "nodes": [
            {"label": "n", "model": model, "n": n, "params": neurons},
            {"label": "dc", "model": "dc_generator", "n": 1,
             "params": {"amplitude": dc_amp, "start": 2.0, "stop": 170.0}},
            {"label": "step", "model": "step_current_generator", "n": 1,
             "params": {"amplitude_times": [15.0, 25.0, 130.0], "amplitude_values": [300.0, -150.0, 700.0]}},
            {"label": "sg_ex", "model": "spike_generator", "n": 1, "params": {"spike_times": SPIKES_EX}},
            {"label": "sg_in", "model": "spike_generator", "n": 1, "params": {"spike_times": SPIKES_IN}},
            {"label": "sr", "model": "spike_recorder", "n": 1, "params": {}},
            {"label": "mm", "model": "multimeter", "n": 1,
             "params": {"interval": 0.1, "stop": fine_stop, "record_from": rec[:2]}},
            {"label": "mm_coarse", "model": "multimeter", "n": 1,
             "params": {"interval": 2.0, "record_from": rec}},
        ],
        "connections": [
            {"pre": "dc", "post": "n", "conn_spec": "all_to_all", "syn_spec": {"delay": 1.0}},
            {"pre": "step", "post": {"label": "n", "slice": [1, n]}, "conn_spec": "all_to_all",
             "syn_spec": {"delay": 2.0}},
            {"pre": "sg_ex", "post": "n", "conn_spec": "all_to_all", "syn_spec": {"weight": w_ex[0], "delay": 1.0}},
            {"pre": "sg_ex", "post": {"label": "n", "slice": [0, 1]}, "conn_spec": "all_to_all",
             "syn_spec": {"weight": w_ex[1], "delay": 2.3}},
            {"pre": "sg_in", "post": "n", "conn_spec": "all_to_all", "syn_spec": {"weight": w_in[0], "delay": 1.4}},
            {"pre": "sg_in", "post": {"label": "n", "slice": [1, n]}, "conn_spec": "all_to_all",
             "syn_spec": {"weight": w_in[1], "delay": 1.0}},
            {"pre": "n", "post": "sr"},
            {"pre": "mm", "post": "n"},
            {"pre": "mm_coarse", "post": "n"},
        ],
        "simulate": [t_sim / 2, t_sim / 2],
        "compare": COMPARE,
    }


def _brette(model: str, name: str, params: dict[str, Any], dc: dict[str, Any], fine_stop: float,
            desc: str) -> dict[str, Any]:
    """NEST's brette_gerstner examples: one neuron, dc generator(s), 1000 ms."""
    return {
        "name": name,
        "description": desc,
        "kernel": {"resolution": 0.1, "rng_seed": 12345},
        "nodes": [
            {"label": "n", "model": model, "n": 1, "params": params},
            {"label": "dc", "model": "dc_generator", "n": len(dc["amplitude"]),
             "params": [{k: v[i] for k, v in dc.items()} for i in range(len(dc["amplitude"]))]},
            {"label": "sr", "model": "spike_recorder", "n": 1, "params": {}},
            {"label": "mm", "model": "multimeter", "n": 1,
             "params": {"interval": 0.1, "stop": fine_stop, "record_from": ["V_m", "w"]}},
            {"label": "mm_coarse", "model": "multimeter", "n": 1,
             "params": {"interval": 5.0, "start": fine_stop, "record_from": ["V_m", "w"]}},
        ],
        "connections": [
            {"pre": "dc", "post": "n", "conn_spec": "all_to_all"},
            {"pre": "n", "post": "sr"},
            {"pre": "mm", "post": "n"},
            {"pre": "mm_coarse", "post": "n"},
        ],
        "simulate": [1000.0],
        "compare": COMPARE,
    }


def _refractory_input() -> dict[str, Any]:
    """aeif_psc_delta under dense input while refractory, which it drops.

    ``refractory_input=True`` is left out: NEST 3.10 negates its unsigned refractory
    counter in the decay factor ``exp(-r h / tau_m)``, so any input held back makes
    ``V_m`` infinite and then NaN; spikesim decays it as documented (tested apart).
    """
    neurons = [{"t_ref": 5.0, "I_e": 900.0}, {"t_ref": 2.5, "I_e": 700.0, "a": 1.0, "b": 20.0}]
    return {
        "name": "aeif_psc_delta_refractory",
        "description": "Two tonic aeif_psc_delta neurons with t_ref 5 or 2.5 ms and 0.4 mV spikes every 0.7 ms: "
                       "input arriving while refractory is dropped.",
        "kernel": {"resolution": 0.1, "rng_seed": 12345},
        "nodes": [
            {"label": "n", "model": "aeif_psc_delta", "n": 2, "params": neurons},
            {"label": "sg", "model": "spike_generator", "n": 1,
             "params": {"spike_times": [round(1.0 + 0.7 * k, 1) for k in range(140)]}},
            {"label": "sr", "model": "spike_recorder", "n": 1, "params": {}},
            {"label": "mm", "model": "multimeter", "n": 1, "params": {"interval": 0.1, "record_from": ["V_m", "w"]}},
        ],
        "connections": [
            {"pre": "sg", "post": "n", "conn_spec": "all_to_all", "syn_spec": {"weight": 0.4, "delay": 1.0}},
            {"pre": "n", "post": "sr"},
            {"pre": "mm", "post": "n"},
        ],
        "simulate": [60.0, 50.0],
        "compare": COMPARE,
    }


def cases() -> list[dict[str, Any]]:
    """All cases: per AdEx model a drive case, the two Brette-Gerstner figures, HH."""
    adex_neurons = [
        {},                                                     # NEST defaults, t_ref 0
        {"t_ref": 2.0, "a": 2.0, "b": 40.0, "tau_w": 100.0, "I_e": 150.0},  # tonic, refractory
        {"Delta_T": 0.0, "t_ref": 1.0, "V_th": -52.0, "V_peak": -40.0},     # IAF-like limit
        {"a": 8.0, "b": 150.0, "tau_w": 60.0, "I_e": 400.0, "gsl_error_tol": 1e-4},  # adapting
    ]
    out = []
    for model, rec, w_ex, w_in in (
            ("aeif_cond_alpha", ["V_m", "w", "g_ex", "g_in"], (6.0, 25.0), (-8.0, -40.0)),
            ("aeif_cond_exp", ["V_m", "w", "g_ex", "g_in"], (6.0, 25.0), (-8.0, -40.0)),
            ("aeif_psc_alpha", ["V_m", "w", "I_syn_ex", "I_syn_in"], (300.0, 1200.0), (-400.0, -1500.0)),
            ("aeif_psc_exp", ["V_m", "w", "I_syn_ex", "I_syn_in"], (300.0, 1200.0), (-400.0, -1500.0)),
            ("aeif_psc_delta", ["V_m", "w"], (4.0, 12.0), (-5.0, -15.0))):
        out.append(_drive(model, adex_neurons, rec, w_ex, w_in, 30.0, 200.0, 700.0,
                          f"Four {model} neurons (defaults; tonic with t_ref; Delta_T = 0; adapting with "
                          "gsl_error_tol 1e-4) under dc and step currents and excitatory/inhibitory spikes "
                          "at two weights each; V_m and w recorded at each step up to 30 ms, all states every 2 ms."))
    out.append(_refractory_input())
    out.append(_brette("aeif_cond_alpha", "aeif_cond_alpha_brette_gerstner_2c", {"a": 4.0, "b": 80.5},
                       {"amplitude": [500.0, 800.0], "start": [0.0, 500.0], "stop": [200.0, 1000.0]}, 60.0,
                       "NEST's brette_gerstner_fig_2c example (aeif_cond_alpha, a=4, b=80.5, dc steps)."))
    out.append(_brette("aeif_cond_exp", "aeif_cond_exp_brette_gerstner_3d",
                       {"V_peak": 20.0, "E_L": -60.0, "a": 80.0, "b": 80.5, "tau_w": 720.0},
                       {"amplitude": [-800.0], "start": [0.0], "stop": [400.0]}, 30.0,
                       "NEST's brette_gerstner_fig_3d example (aeif_cond_exp, rebound burst after "
                       "hyperpolarising current)."))
    hh = _drive("hh_psc_alpha", [{}, {"I_e": 200.0, "t_ref": 3.0}, {"tau_syn_ex": 1.0, "tau_syn_in": 4.0}],
                ["V_m", "Act_m", "Inact_h", "Act_n", "I_syn_ex", "I_syn_in"], (200.0, 900.0), (-300.0, -900.0),
                30.0, 200.0, 60.0,
                "Three hh_psc_alpha neurons (defaults; I_e 200 pA with t_ref 3 ms; slower synapses) under dc "
                "and step currents and excitatory/inhibitory spikes; V_m and Act_m recorded at each step up to 30 ms, "
                "all states every 2 ms.")
    out.append(hh)
    return out


def run_nest(case: dict[str, Any]) -> dict[str, Any]:
    """Run one case in NEST following tests/data/nest/README.md and return ``expected``."""
    import nest

    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    for k, v in case["kernel"].items():
        nest.SetKernelStatus({k: v})
    nodes = {}
    for nd in case["nodes"]:
        nodes[nd["label"]] = nest.Create(nd["model"], nd["n"], params=nd.get("params") or None)

    def select(spec: Any) -> Any:
        if isinstance(spec, str):
            return nodes[spec]
        a, b = spec["slice"]
        return nodes[spec["label"]][a:b]

    for c in case["connections"]:
        nest.Connect(select(c["pre"]), select(c["post"]), c.get("conn_spec", "all_to_all"),
                     c.get("syn_spec", {"synapse_model": "static_synapse"}))
    after: dict[str, list[int]] = {}
    recorders = [nd["label"] for nd in case["nodes"] if nd["model"] in ("spike_recorder", "multimeter")]
    for t in case["simulate"]:
        nest.Simulate(t)
        for r in recorders:
            after.setdefault(r, []).append(int(nodes[r].n_events))
    expected: dict[str, Any] = {}
    for r in recorders:
        ev = nodes[r].get("events")
        keys = sorted(range(len(ev["times"])), key=lambda i: (ev["times"][i], ev["senders"][i]))
        events = {k: [float(v[i]) if k != "senders" else int(v[i]) for i in keys] for k, v in ev.items()}
        expected[r] = {"events": events, "n_events": int(nodes[r].n_events)}
        if len(case["simulate"]) > 1:
            expected[r]["n_events_after_each_simulate"] = after[r]
    return expected


def nest_defaults() -> dict[str, dict[str, float]]:
    """NEST's defaults (parameters and state) of the models, numbers (and refractory_input) only."""
    import nest

    nest.ResetKernel()
    out = {}
    for model in ("aeif_cond_alpha", "aeif_cond_exp", "aeif_psc_alpha", "aeif_psc_exp", "aeif_psc_delta",
                  "hh_psc_alpha"):
        d = nest.GetDefaults(model)
        out[model] = {k: (v if isinstance(v, bool) else float(v)) for k, v in sorted(d.items())
                      if isinstance(v, (int, float)) and (not isinstance(v, bool) or k == "refractory_input")
                      and k not in ("global_id", "local_id", "model_id", "thread", "vp", "thread_local_id",
                                    "node_uses_wfr", "post_trace", "t_spike", "tau_minus", "tau_minus_triplet",
                                    "elementsize", "supports_precise_spikes", "synaptic_elements")}
        out[model]["recordables"] = sorted(str(r) for r in d["recordables"])  # type: ignore[assignment]
    return out


def main() -> int:
    """Run every case in NEST and write it; print each file's size and spike count."""
    import nest

    path = OUT.parent / "adex_hh_defaults.json"
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
