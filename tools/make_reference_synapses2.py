"""Make the NEST 3.10 reference cases of static_synapse_hom_w, tsodyks_synapse_hom,
jonke_synapse, ht_synapse, stdp_facetshw_synapse_hom and cont_delay_synapse.

Run with NEST's own Python (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_synapses2.py [OUT_DIR]

``OUT_DIR`` defaults to ``tests/data/nest/cases``.  The cases follow the format of
``tests/data/nest/README.md`` (see tools/make_reference_synapses.py, whose NEST runner
this reuses).  The ``*_drive`` cases: two spike_generator -> parrot_neuron pairs drive two
iaf_psc_exp neurons through copies of the model (two parameter sets, delays 1.0 and
2.3 ms), over two Simulate calls; V_m and I_syn_ex are sampled every step, spikes
recorded, and besides ``expected`` they hold ``expected_synapse_states`` (per model of
``synapse_states``: each connection's source, target and state read by GetConnections
at the end) and ``expected.node_status`` (the targets' V_m at the end).  The jonke case
is the stdp_synapse case (parrots driven by fixed pre/post trains, weight_recorder) with
two copies of jonke_synapse, the facetshw case with two copies of
stdp_facetshw_synapse_hom (and ``expected_model_status``: each copy's counters read by
GetDefaults at the end; NEST prints a line per synapse's first spike).  Each case is run
twice and must give identical results.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_reference_synapses import EXACT, OUT, PRE_TIMES, _events, run_nest  # noqa: E402


def _drive_case(syn_a: dict[str, Any], syn_b: dict[str, Any], copies: list[dict[str, Any]],
                states: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """Two parrots driving two iaf_psc_exp neurons through ``syn_a`` and ``syn_b``."""
    return {
        "kernel": {"resolution": 0.1, "rng_seed": 12345},
        "copy_models": copies,
        "nodes": [
            {"label": "sg", "model": "spike_generator", "n": 2, "params": [{"spike_times": t} for t in PRE_TIMES]},
            {"label": "pre", "model": "parrot_neuron", "n": 2},
            {"label": "n", "model": "iaf_psc_exp", "n": 2,
             "params": [{"tau_syn_ex": 3.0, "I_e": 360.0}, {"tau_syn_ex": 1.5, "tau_m": 15.0, "I_e": 240.0}]},
            {"label": "sr", "model": "spike_recorder", "n": 1},
            {"label": "mm", "model": "multimeter", "n": 1, "params": {"interval": 0.1,
                                                                      "record_from": ["V_m", "I_syn_ex"]}},
        ],
        "connections": [
            {"pre": "sg", "post": "pre", "conn_spec": "one_to_one", "syn_spec": {"delay": 1.0}},
            {"pre": {"label": "pre", "slice": [0, 1]}, "post": "n", "conn_spec": "all_to_all",
             "syn_spec": {"delay": 1.0, **syn_a}},
            {"pre": {"label": "pre", "slice": [1, 2]}, "post": "n", "conn_spec": "all_to_all",
             "syn_spec": {"delay": 2.3, **syn_b}},
            {"pre": "n", "post": "sr"},
            {"pre": "mm", "post": "n"},
        ],
        "simulate": [70.0, 130.0],
        "synapse_states": [{"synapse_model": m, "keys": keys} for m, keys in states],
        "node_status": {"n": ["V_m"]},
        "compare": {**EXACT, "synapse_states": "sorted by (source, target), within values_atol/rtol",
                    "node_status": "within values_atol/rtol"},
    }


def deterministic_cases() -> dict[str, dict[str, Any]]:
    """The deterministic cases by name."""
    homw = _drive_case({"synapse_model": "homw_a"}, {"synapse_model": "homw_b"},
                       [{"old": "static_synapse_hom_w", "new": "homw_a", "params": {"weight": 900.0}},
                        {"old": "static_synapse_hom_w_lbl", "new": "homw_b", "params": {"weight": -1400.0}}],
                       [("homw_a", ["delay"]), ("homw_b", ["delay"])])
    homw["description"] = ("static_synapse_hom_w: spike_generator -> parrot -> two copies (weights 900 and "
                           "-1400, the second of the _lbl variant) -> two iaf_psc_exp; V_m and I_syn_ex every "
                           "step, spikes, final V_m.")
    tsh = _drive_case({"synapse_model": "tsh_a"}, {"synapse_model": "tsh_b", "u": 0.1, "x": 0.8, "y": 0.1},
                      [{"old": "tsodyks_synapse_hom", "new": "tsh_a",
                        "params": {"weight": 900.0, "U": 0.5, "tau_psc": 3.0, "tau_rec": 200.0, "tau_fac": 0.0}},
                       {"old": "tsodyks_synapse_hom_hpc", "new": "tsh_b",
                        "params": {"weight": 1200.0, "U": 0.1, "tau_psc": 1.5, "tau_rec": 100.0,
                                   "tau_fac": 300.0}}],
                      [("tsh_a", ["u", "x", "y"]), ("tsh_b", ["u", "x", "y"])])
    tsh["description"] = ("tsodyks_synapse_hom: spike_generator -> parrot -> two copies (a depressing one and, of "
                          "the _hpc variant, a facilitating one with initial u, x, y per connection) -> two "
                          "iaf_psc_exp; V_m and I_syn_ex every step, spikes, u, x, y of every connection and "
                          "final V_m.")
    ht = _drive_case({"synapse_model": "ht_synapse", "weight": 900.0, "tau_P": 50.0, "delta_P": 0.2},
                     {"synapse_model": "ht_synapse_lbl", "weight": 1200.0, "tau_P": 200.0, "delta_P": 0.5,
                      "P": 0.8},
                     [], [("ht_synapse", ["weight", "P", "tau_P", "delta_P"]),
                          ("ht_synapse_lbl", ["weight", "P", "tau_P", "delta_P"])])
    ht["description"] = ("ht_synapse: spike_generator -> parrot -> ht_synapse (tau_P 50, delta_P 0.2) and "
                         "ht_synapse_lbl (tau_P 200, delta_P 0.5, P 0.8) -> two iaf_psc_exp; V_m and I_syn_ex "
                         "every step, spikes, P of every connection and final V_m.")
    return {"static_synapse_hom_w_drive": homw, "tsodyks_synapse_hom_drive": tsh, "ht_synapse_drive": ht,
            "jonke_synapse_weight_recorder": _jonke_case(),
            "stdp_facetshw_synapse_hom_weight_recorder": _facetshw_case(), "cont_delay_synapse_drive": _cont_case()}


def _cont_case() -> dict[str, Any]:
    """Two parrots driving two iaf_psc_alpha neurons through cont_delay_synapse: copies with
    default delays 1.37 and 2.05 ms (split into whole steps and an offset) and connections
    with a delay of their own, 1.33 ms (rounded to steps)."""
    case = _drive_case({"synapse_model": "cd_a", "weight": 400.0}, {"synapse_model": "cd_b", "weight": -300.0},
                       [{"old": "cont_delay_synapse", "new": "cd_a", "params": {"delay": 1.37}},
                        {"old": "cont_delay_synapse_lbl", "new": "cd_b", "params": {"delay": 2.05}}],
                       [("cd_a", ["delay", "weight"]), ("cd_b", ["delay", "weight"]),
                        ("cont_delay_synapse_hpc", ["delay", "weight"])])
    for c in case["connections"][1:3]:
        del c["syn_spec"]["delay"]
    case["nodes"][2]["model"] = "iaf_psc_alpha"
    case["nodes"][2]["params"] = [{"I_e": 360.0}, {"tau_m": 15.0, "I_e": 240.0}]
    case["nodes"][4]["params"]["record_from"] = ["V_m"]
    case["connections"].insert(3, {"pre": {"label": "pre", "slice": [0, 1]}, "post": "n",
                                   "conn_spec": "all_to_all",
                                   "syn_spec": {"synapse_model": "cont_delay_synapse_hpc", "weight": 250.0,
                                                "delay": 1.33}})
    case["description"] = ("cont_delay_synapse: spike_generator -> parrot -> copies with default delays 1.37 "
                           "and 2.05 ms (the second of the _lbl variant) and cont_delay_synapse_hpc with delay "
                           "1.33 given to Connect -> two iaf_psc_alpha; V_m every step, spikes, each "
                           "connection's delay as GetStatus reports it, final V_m.")
    return case


def _jonke_case() -> dict[str, Any]:
    """The stdp_synapse case with two copies of jonke_synapse."""
    ref = json.loads((OUT / "stdp_synapse_weight_recorder.json").read_text())
    case = {k: copy.deepcopy(ref[k]) for k in ("kernel", "copy_models", "nodes", "connections", "simulate",
                                                "get_connections", "compare")}
    case["copy_models"][0].update(old="jonke_synapse", params={
        "tau_plus": 16.8, "lambda": 0.05, "alpha": 1.1, "mu_plus": 0.02, "mu_minus": 0.03, "Wmax": 40.0,
        "beta": 0.01, "weight_recorder": "wr"})
    case["copy_models"][1].update(old="jonke_synapse_lbl", params={
        "tau_plus": 25.0, "lambda": 1.0, "alpha": 0.5, "mu_plus": 0.0, "mu_minus": 0.0, "Wmax": 10.0,
        "beta": -0.05, "weight_recorder": "wr"})
    case["synapse_states"] = [{"synapse_model": m, "keys": ["weight", "Kplus"]} for m in ("stdp_mult", "stdp_add")]
    case["description"] = ("jonke_synapse: the stdp_synapse case (parrot neurons driven by fixed pre/post "
                           "trains, delays 1 and 2.5 ms) with two copies (exponential weight dependence with "
                           "beta 0.01; additive with beta -0.05, of the _lbl variant); weight_recorder events, "
                           "final weights and Kplus.")
    return case


def _facetshw_case() -> dict[str, Any]:
    """The stdp_synapse case with two copies of stdp_facetshw_synapse_hom: two connections per
    hardware driver and short readout times, so that weights change within the run."""
    case = _jonke_case()
    lut = [15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    case["copy_models"][0].update(old="stdp_facetshw_synapse_hom", params={
        "tau_plus": 16.8, "tau_minus_stdp": 25.0, "Wmax": 60.0, "synapses_per_driver": 1,
        "driver_readout_time": 7.5, "a_thresh_th": 0.3, "a_thresh_tl": 0.35, "weight_recorder": "wr"})
    case["copy_models"][1].update(old="stdp_facetshw_synapse_hom_lbl", params={
        "tau_plus": 25.0, "tau_minus_stdp": 12.0, "synapses_per_driver": 2, "driver_readout_time": 12.0,
        "lookuptable_0": lut, "lookuptable_1": [min(15, i + 3) for i in range(16)],
        "configbit_0": [1, 0, 0, 1], "configbit_1": [0, 1, 1, 0], "reset_pattern": [0, 1, 1, 0, 1, 1],
        "a_thresh_th": 0.8, "a_thresh_tl": 0.2, "weight_recorder": "wr"})
    keys = ["weight", "a_causal", "a_acausal", "init_flag", "synapse_id", "next_readout_time"]
    case["synapse_states"] = [{"synapse_model": m, "keys": keys} for m in ("stdp_mult", "stdp_add")]
    case["model_status"] = {m: ["no_synapses", "readout_cycle_duration", "weight_per_lut_entry"]
                            for m in ("stdp_mult", "stdp_add")}
    case["description"] = ("stdp_facetshw_synapse_hom: the stdp_synapse case (parrot neurons driven by fixed "
                           "pre/post trains, delays 1 and 2.5 ms) with two copies: one connection per driver, "
                           "readout every 7.5 ms, low thresholds; and, of the _lbl variant, two per driver, other "
                           "look-up tables, configuration bits and reset pattern; weight_recorder events, final "
                           "weights, capacitors, readout times and the models' counters (expected_model_status).")
    return case


def expected(case: dict[str, Any]) -> tuple[dict[str, Any], list[list[dict[str, Any]]]]:
    """What NEST gives for a case, and each model's synapse state at the end."""
    import nest

    after, nodes = run_nest(case)
    exp: dict[str, Any] = {}
    models = {nd["label"]: nd["model"] for nd in case["nodes"]}
    for r in after:
        exp[r] = {"events": _events(nodes[r], models[r] == "weight_recorder"), "n_events": int(nodes[r].n_events),
                  "n_events_after_each_simulate": after[r]}
    rows = []
    for f in case.get("get_connections", []):
        c = nest.GetConnections(**f).get(["source", "target", "weight", "synapse_model"], output="pandas")
        rows += c.to_dict("records")
    if rows:
        exp["connections"] = sorted(({k: (float(v) if k == "weight" else v if k == "synapse_model" else int(v))
                                      for k, v in r.items()} for r in rows),
                                    key=lambda r: (r["source"], r["target"], r["synapse_model"]))
    if "node_status" in case:
        exp["node_status"] = {label: [{k: float(nodes[label][i].get(k)) for k in keys}
                                      for i in range(len(nodes[label]))]
                              for label, keys in case["node_status"].items()}
    states = []
    for ss in case["synapse_states"]:
        st = nest.GetConnections(synapse_model=ss["synapse_model"]).get(["source", "target", *ss["keys"]],
                                                                        output="pandas")
        states.append(sorted(({k: (int(v) if k in ("source", "target") else float(v)) for k, v in r.items()}
                              for r in st.to_dict("records")), key=lambda r: (r["source"], r["target"])))
    return exp, states


def _plain(v: Any) -> Any:
    """A NEST status value as JSON takes it."""
    return v.item() if hasattr(v, "item") else v


def main(out: Path) -> None:
    """Write every case into ``out`` (each run twice; the two runs must agree)."""
    import nest

    for name, case in deterministic_cases().items():
        exp, states = expected(case)
        if expected(case) != (exp, states):
            raise RuntimeError(f"{name}: NEST gave different results on a second run")
        full = {"name": name, **case, "expected": exp, "expected_synapse_states": states,
                "nest_version": nest.__version__}
        if "model_status" in case:
            full["expected_model_status"] = {m: {k: _plain(nest.GetDefaults(m)[k]) for k in keys}
                                             for m, keys in case["model_status"].items()}
        (out / f"{name}.json").write_text(json.dumps(full, separators=(",", ":")) + "\n")
        print(name, "written")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
