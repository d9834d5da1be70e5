"""Make the NEST 3.10 reference cases of tsodyks2_synapse, tsodyks_synapse,
stdp_pl_synapse_hom, the nearest-neighbour STDP synapses, bernoulli_synapse and
quantal_stp_synapse.

Run with NEST's own Python (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_synapses.py [OUT_DIR]

``OUT_DIR`` defaults to ``tests/data/nest/cases``.  The cases follow the format of
``tests/data/nest/README.md``.  The short-term plasticity cases are built like NEST's
example ``evaluate_tsodyks2_synapse``: spike_generator -> parrot_neuron -> synapse ->
iaf_psc_exp, the membrane potential and synaptic current sampled every step; besides
the README's ``expected`` they hold ``expected_synapse_state``: every connection's
``source``, ``target`` and state variables read with GetConnections after the last
Simulate call.  ``stdp_pl_synapse_hom`` follows the stdp_synapse_hom case (fixed pre
and post trains through parrots, weight_recorder), the three ``stdp_nn_*_synapse``
the stdp_synapse case.  ``bernoulli_synapse``
and ``quantal_stp_synapse`` are
statistical cases over 20 seeds.  Each case is run twice and must give identical results.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "nest" / "cases"
RECORDERS = ("spike_recorder", "multimeter", "voltmeter", "weight_recorder")
EXACT = {"times": "exact", "values_atol": 1e-9, "values_rtol": 1e-9, "order": "sort by (times, senders)"}

PRE_TIMES = [[5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 60.0, 61.0, 62.0, 100.0, 150.0, 151.5, 180.0],
             [3.0, 8.2, 9.0, 33.3, 47.0, 52.0, 57.0, 62.0, 67.0, 72.0, 120.0, 122.0, 124.0, 190.0]]


def _stp_case(model: str, params_a: dict[str, Any], params_b: dict[str, Any], state: list[str]) -> dict[str, Any]:
    """Two parrots driving two iaf_psc_exp neurons through ``model`` with two parameter sets."""
    return {
        "kernel": {"resolution": 0.1, "rng_seed": 12345},
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
             "syn_spec": {"synapse_model": model, "weight": 900.0, "delay": 1.0, **params_a}},
            {"pre": {"label": "pre", "slice": [1, 2]}, "post": "n", "conn_spec": "all_to_all",
             "syn_spec": {"synapse_model": model, "weight": 1200.0, "delay": 2.3, **params_b}},
            {"pre": "n", "post": "sr"},
            {"pre": "mm", "post": "n"},
        ],
        "simulate": [70.0, 130.0],
        "get_connections": [{"synapse_model": model}],
        "synapse_state": {"synapse_model": model, "keys": ["weight", *state]},
        "compare": {**EXACT, "connections": "sort by (source, target, synapse_model); weight within "
                                           "values_atol/rtol", "synapse_state": "sorted by (source, target)"},
    }


def deterministic_cases() -> dict[str, dict[str, Any]]:
    """The deterministic cases by name."""
    t2 = _stp_case("tsodyks2_synapse", {"U": 0.5, "u": 0.5, "tau_rec": 200.0, "tau_fac": 0.0},
                   {"U": 0.1, "u": 0.2, "x": 0.9, "tau_rec": 100.0, "tau_fac": 300.0}, ["u", "x"])
    t2["description"] = ("tsodyks2_synapse: spike_generator -> parrot -> synapse -> two iaf_psc_exp, one "
                         "depressing (tau_fac 0) and one facilitating parameter set; V_m and I_syn_ex every "
                         "step, spikes, and u, x of every connection at the end.")
    t1 = _stp_case("tsodyks_synapse", {"U": 0.5, "tau_psc": 3.0, "tau_rec": 200.0, "tau_fac": 0.0},
                   {"U": 0.1, "u": 0.1, "x": 0.8, "y": 0.1, "tau_psc": 1.5, "tau_rec": 100.0, "tau_fac": 300.0},
                   ["u", "x", "y"])
    t1["description"] = ("tsodyks_synapse: spike_generator -> parrot -> synapse -> two iaf_psc_exp, one "
                         "depressing (tau_fac 0) and one facilitating parameter set (initial x, y, u given); "
                         "V_m and I_syn_ex every step, spikes, and u, x, y of every connection at the end.")
    ref = json.loads((OUT / "stdp_synapse_hom_weight_recorder.json").read_text())
    pl = {k: copy.deepcopy(ref[k]) for k in ("kernel", "nodes", "connections", "simulate", "compare")}
    pl["copy_models"] = [{"old": "stdp_pl_synapse_hom", "new": "stdp_pl_rec",
                          "params": {"tau_plus": 18.0, "lambda": 0.05, "alpha": 1.3, "mu": 0.4,
                                     "weight_recorder": "wr"}}]
    for c in pl["connections"]:
        if c.get("syn_spec", {}).get("synapse_model") == "stdp_hom_rec":
            c["syn_spec"]["synapse_model"] = "stdp_pl_rec"
    pl["get_connections"] = [{"synapse_model": "stdp_pl_rec"}]
    pl["synapse_state"] = {"synapse_model": "stdp_pl_rec", "keys": ["weight", "Kplus"]}
    pl["description"] = ("stdp_pl_synapse_hom (power-law STDP, shared parameters) between parrot neurons "
                         "driven by fixed pre/post trains, two delays; weight_recorder events, final weights "
                         "and Kplus.")
    return {"tsodyks2_synapse_drive": t2, "tsodyks_synapse_drive": t1, "stdp_pl_synapse_hom_weight_recorder": pl,
            **{f"{m}_weight_recorder": _nearest_case(m) for m in NEAREST},
            "vogels_sprekeler_synapse_weight_recorder": _vogels_case()}


def _vogels_case() -> dict[str, Any]:
    """The stdp_synapse case with two copies of vogels_sprekeler_synapse (one with a negative Wmax)."""
    case = _nearest_case("vogels_sprekeler_synapse")
    case["copy_models"][0]["params"] = {"tau": 16.8, "eta": 0.4, "alpha": 0.3, "Wmax": 40.0, "weight_recorder": "wr"}
    case["copy_models"][1]["params"] = {"tau": 25.0, "eta": 1.5, "alpha": 0.12, "Wmax": -12.0, "weight": -1.0,
                                        "weight_recorder": "wr"}
    for c in case["connections"]:
        if c.get("syn_spec", {}).get("synapse_model") == "stdp_add":
            c["syn_spec"]["weight"] = -8.0
    case["synapse_state"] = {"synapse_model": "stdp_mult", "keys": ["weight", "Kplus"]}
    case["description"] = ("vogels_sprekeler_synapse: the stdp_synapse case with two copies (Wmax 40, and -12 with "
                           "a negative weight); weight_recorder events, final weights and Kplus.")
    return case


#: NEST's nearest-neighbour STDP synapses
NEAREST = ("stdp_nn_symm_synapse", "stdp_nn_pre_centered_synapse", "stdp_nn_restr_synapse")


def _nearest_case(model: str) -> dict[str, Any]:
    """The stdp_synapse case (two copies, multiplicative and additive) with ``model`` instead."""
    ref = json.loads((OUT / "stdp_synapse_weight_recorder.json").read_text())
    case = {k: copy.deepcopy(ref[k]) for k in ("kernel", "copy_models", "nodes", "connections", "simulate",
                                                "get_connections", "compare")}
    for cm in case["copy_models"]:
        cm["old"] = model
    case["synapse_state"] = {"synapse_model": "stdp_mult",
                             "keys": ["weight", "Kplus"] if "pre_centered" in model else ["weight"]}
    case["description"] = (f"{model}: the stdp_synapse case (multiplicative and additive copies between parrot "
                           "neurons driven by fixed pre/post trains, delays 1 and 2.5 ms); weight_recorder "
                           "events, final weights from GetConnections.")
    return case


def statistical_cases() -> dict[str, dict[str, Any]]:
    """The statistical cases by name."""
    measures = [{"name": "rate", "kind": "mean_rate", "recorder": "sr", "population": "n"},
                {"name": "fano", "kind": "count_fano", "recorder": "sr", "population": "n"}]
    case = {
        "description": ("bernoulli_synapse: one parrot relaying a regular train (one spike per ms, 500 "
                        "spikes) to 100 parrots through p_transmit 0.3 (first 50) and 0.8 (last 50); "
                        "rate and Fano factor of the counts of the first 50, and of all, over 20 seeds."),
        "kernel": {"resolution": 0.1, "rng_seed": 1},
        "nodes": [{"label": "sg", "model": "spike_generator", "n": 1,
                   "params": {"spike_times": [float(t) for t in range(1, 501)]}},
                  {"label": "src", "model": "parrot_neuron", "n": 1},
                  {"label": "n", "model": "parrot_neuron", "n": 100},
                  {"label": "sr", "model": "spike_recorder", "n": 1}],
        "connections": [{"pre": "sg", "post": "src", "syn_spec": {"delay": 1.0}},
                        {"pre": "src", "post": {"label": "n", "slice": [0, 50]},
                         "syn_spec": {"synapse_model": "bernoulli_synapse", "p_transmit": 0.3}},
                        {"pre": "src", "post": {"label": "n", "slice": [50, 100]},
                         "syn_spec": {"synapse_model": "bernoulli_synapse", "p_transmit": 0.8}},
                        {"pre": "n", "post": "sr"}],
        "simulate": [505.0],
        "statistics": {"seeds": list(range(1, 21)), "measures": measures},
        "compare": {"kind": "statistical", "std_ddof": 1, "rel_floor": 0.02,
                    "rule": "each measure: |mean_new - mean| <= max(3 * std, rel_floor * |mean|) where "
                            "mean/std are over the seeds listed in expected.seeds"},
    }
    quantal = copy.deepcopy(case)
    quantal["description"] = ("quantal_stp_synapse: one parrot relaying a regular train (one spike per 5 ms, "
                              "200 spikes) to 100 parrots through n = a = 5 sites, U = u = 0.4, tau_rec 30 ms, "
                              "tau_fac 20 ms; rate and Fano factor of the transmissions (a spike when at least "
                              "one site releases) and the mean available sites a at the end, over 20 seeds.")
    quantal["nodes"][0]["params"] = {"spike_times": [float(t) for t in range(5, 1001, 5)]}
    syn = {"synapse_model": "quantal_stp_synapse", "n": 5, "a": 5, "U": 0.4, "u": 0.4, "tau_rec": 30.0,
           "tau_fac": 20.0}
    quantal["connections"] = [case["connections"][0], {"pre": "src", "post": "n", "syn_spec": syn},
                              case["connections"][-1]]
    quantal["simulate"] = [1005.0]
    return {"bernoulli_synapse_stat": case, "quantal_stp_synapse_stat": quantal}


def _select(nodes: dict[str, Any], spec: Any) -> Any:
    if isinstance(spec, str):
        return nodes[spec]
    if isinstance(spec, list):
        out = _select(nodes, spec[0])
        for s in spec[1:]:
            out = out + _select(nodes, s)
        return out
    a, b = spec["slice"]
    return nodes[spec["label"]][a:b]


def run_nest(case: dict[str, Any], seed: int | None = None) -> tuple[dict[str, list[int]], dict[str, Any]]:
    """Run ``case`` in NEST; returns the after-call event counts and the nodes by label."""
    import nest

    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    for k, v in case["kernel"].items():
        nest.SetKernelStatus({k: v})
    if seed is not None:
        nest.rng_seed = seed
    wr_later = []
    for cm in case.get("copy_models", []):
        params = dict(cm["params"])
        if "weight_recorder" in params:
            wr_later.append((cm["new"], params.pop("weight_recorder")))
        nest.CopyModel(cm["old"], cm["new"], params)
    nodes = {nd["label"]: nest.Create(nd["model"], nd.get("n", 1), params=nd.get("params"))
             for nd in case["nodes"]}
    for model, label in wr_later:
        nest.SetDefaults(model, {"weight_recorder": nodes[label]})
    for c in case["connections"]:
        nest.Connect(_select(nodes, c["pre"]), _select(nodes, c["post"]), c.get("conn_spec"), c.get("syn_spec"))
    after: dict[str, list[int]] = {}
    recs = [nd["label"] for nd in case["nodes"] if nd["model"] in RECORDERS]
    for t in case["simulate"]:
        nest.Simulate(t)
        for r in recs:
            after.setdefault(r, []).append(int(nodes[r].n_events))
    return after, nodes


def _events(node: Any, weights: bool) -> dict[str, list[Any]]:
    ev = node.get("events")
    keys = [np.asarray(ev["times"]), np.asarray(ev["senders"])]
    if weights:
        keys.append(np.asarray(ev["targets"]))
    order = np.lexsort(tuple(reversed(keys)))
    return {k: np.asarray(v)[order].tolist() for k, v in ev.items()}


def expected_deterministic(case: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What NEST gives for a deterministic case, and the synapse state at the end."""
    import nest

    after, nodes = run_nest(case)
    exp: dict[str, Any] = {}
    models = {nd["label"]: nd["model"] for nd in case["nodes"]}
    for r in after:
        exp[r] = {"events": _events(nodes[r], models[r] == "weight_recorder"), "n_events": int(nodes[r].n_events)}
        if len(case["simulate"]) > 1:
            exp[r]["n_events_after_each_simulate"] = after[r]
    rows = []
    for f in case.get("get_connections", []):
        c = nest.GetConnections(**f).get(["source", "target", "weight", "synapse_model"], output="pandas")
        rows += c.to_dict("records")
    exp["connections"] = sorted(({k: (float(v) if k == "weight" else v if k == "synapse_model" else int(v))
                                  for k, v in r.items()} for r in rows),
                                key=lambda r: (r["source"], r["target"], r["synapse_model"]))
    ss = case["synapse_state"]
    st = nest.GetConnections(synapse_model=ss["synapse_model"]).get(["source", "target", *ss["keys"]],
                                                                    output="pandas")
    state = sorted(({k: (int(v) if k in ("source", "target") else float(v)) for k, v in r.items()}
                    for r in st.to_dict("records")), key=lambda r: (r["source"], r["target"]))
    return exp, state


def expected_statistical(case: dict[str, Any]) -> dict[str, Any]:
    """Per-seed measures of a statistical case, with their mean and std (ddof 1)."""
    import nest

    values: dict[str, list[float]] = {}
    t_end = sum(case["simulate"])
    for seed in case["statistics"]["seeds"]:
        _, nodes = run_nest(case, seed)
        ev = nodes["sr"].get("events")
        senders = np.asarray(ev["senders"])
        ids = np.asarray(nodes["n"].tolist())
        counts = np.array([np.count_nonzero(senders == i) for i in ids], dtype=float)
        values.setdefault("rate", []).append(float(senders.size / ids.size / (t_end / 1000.0)))
        values.setdefault("fano", []).append(float(np.var(counts, ddof=1) / np.mean(counts)))
        if "bernoulli_synapse" in json.dumps(case["connections"]):
            values.setdefault("count_first50", []).append(float(counts[:50].mean()))
        else:
            a = nest.GetConnections(synapse_model="quantal_stp_synapse").get("a")
            values.setdefault("mean_a", []).append(float(np.mean(a)))
    return {"seeds": case["statistics"]["seeds"],
            "statistics": {k: {"mean": float(np.mean(v)), "std": float(np.std(v, ddof=1)), "values": v}
                           for k, v in values.items()}}


def main(out: Path) -> None:
    """Write every case into ``out`` (each run twice; the two runs must agree)."""
    import nest

    for name, case in deterministic_cases().items():
        exp, state = expected_deterministic(case)
        if expected_deterministic(case) != (exp, state):
            raise RuntimeError(f"{name}: NEST gave different results on a second run")
        full = {"name": name, **case, "expected": exp, "expected_synapse_state": state,
                "nest_version": nest.__version__}
        (out / f"{name}.json").write_text(json.dumps(full, separators=(",", ":")) + "\n")
        print(name, "written")
    for name, case in statistical_cases().items():
        exp = expected_statistical(case)
        if expected_statistical(case) != exp:
            raise RuntimeError(f"{name}: NEST gave different results on a second run")
        full = {"name": name, **case, "expected": exp, "nest_version": nest.__version__}
        (out / f"{name}.json").write_text(json.dumps(full, separators=(",", ":")) + "\n")
        print(name, "written")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
