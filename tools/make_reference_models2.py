"""Make the NEST 3.10 reference cases of mat2_psc_exp, iaf_tum_2000, pp_psc_delta and gif_psc_exp.

Run with NEST's own Python (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_models2.py [OUT_DIR]

``OUT_DIR`` defaults to ``tests/data/nest/cases``.  The cases follow the format of
``tests/data/nest/README.md``: deterministic ones (dc and step currents, spike-generator
input of both signs; every recordable sampled every step; spike times) for
``mat2_psc_exp`` and ``iaf_tum_2000``, statistical summaries over seeds for
``pp_psc_delta`` and ``gif_psc_exp``.  Each case is run twice and must give identical
results.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "nest" / "cases"
RECORDERS = ("spike_recorder", "multimeter", "voltmeter")


def _drive(model: str, params: list[dict[str, Any]], record: list[str], w_ex: float, w_in: float) -> dict[str, Any]:
    """Two neurons of ``model`` under dc, step-current and spike-generator input."""
    return {
        "kernel": {"resolution": 0.1, "rng_seed": 12345},
        "nodes": [
            {"label": "n", "model": model, "n": len(params), "params": params},
            {"label": "dc", "model": "dc_generator", "n": 1, "params": {"amplitude": 150.0, "start": 20.0,
                                                                         "stop": 60.0}},
            {"label": "step", "model": "step_current_generator", "n": 1,
             "params": {"amplitude_times": [10.0, 40.0, 65.0, 110.0], "amplitude_values": [250.0, 0.0, 400.0, 120.0]}},
            {"label": "sg_ex", "model": "spike_generator", "n": 1,
             "params": {"spike_times": [2.0, 8.0, 8.0, 25.3, 50.0, 70.2, 101.0, 101.1, 101.2]}},
            {"label": "sg_in", "model": "spike_generator", "n": 1,
             "params": {"spike_times": [5.0, 30.0, 30.1, 80.0, 120.4]}},
            {"label": "sr", "model": "spike_recorder", "n": 1},
            {"label": "mm", "model": "multimeter", "n": 1, "params": {"interval": 0.1, "record_from": record}},
        ],
        "connections": [
            {"pre": "dc", "post": {"label": "n", "slice": [1, 2]}, "conn_spec": "all_to_all",
             "syn_spec": {"delay": 1.0}},
            {"pre": "step", "post": "n", "conn_spec": "all_to_all", "syn_spec": {"delay": 1.5}},
            {"pre": "sg_ex", "post": "n", "conn_spec": "all_to_all", "syn_spec": {"weight": w_ex, "delay": 1.0}},
            {"pre": "sg_ex", "post": {"label": "n", "slice": [1, 2]}, "conn_spec": "all_to_all",
             "syn_spec": {"weight": w_ex * 0.6, "delay": 3.2}},
            {"pre": "sg_in", "post": "n", "conn_spec": "all_to_all", "syn_spec": {"weight": w_in, "delay": 2.0}},
            {"pre": "n", "post": "sr"},
            {"pre": "mm", "post": "n"},
        ],
        "simulate": [60.0, 90.0],
        "compare": {"times": "exact", "values_atol": 1e-9, "values_rtol": 1e-9,
                    "order": "sort by (times, senders)"},
    }


def deterministic_cases() -> dict[str, dict[str, Any]]:
    """The deterministic cases by name."""
    mat2 = _drive("mat2_psc_exp", [{"I_e": 200.0}, {"tau_syn_ex": 1.5, "tau_syn_in": 6.0, "t_ref": 3.0,
                                                     "tau_m": 8.0, "C_m": 90.0, "alpha_1": 10.0,
                                                     "alpha_2": 1.5, "omega": -52.0, "tau_1": 12.0}],
                  ["V_m", "V_th"], 400.0, -500.0)
    mat2["description"] = ("Two mat2_psc_exp neurons (one with I_e=200 pA, one with own constants) under dc, "
                           "step current and spike generators of both signs; V_m, V_th every step, spikes "
                           "and node status over two Simulate calls.")
    mat2["node_status"] = {"n": ["V_m", "V_th", "V_th_alpha_1", "V_th_alpha_2"]}
    tum = _drive("iaf_tum_2000", [{"I_e": 376.0}, {"tau_syn_ex": 1.5, "tau_syn_in": 6.0, "t_ref": 4.0,
                                                   "V_reset": -68.0, "tau_m": 15.0, "C_m": 200.0,
                                                   "tau_fac": 0.0, "tau_rec": 100.0, "U": 0.3}],
                 ["V_m", "I_syn_ex", "I_syn_in"], 900.0, -700.0)
    tum["description"] = ("Two iaf_tum_2000 neurons (one with I_e=376 pA, one with own constants, tau_fac=0) "
                          "under dc, step current and spike generators of both signs; V_m, I_syn_ex, I_syn_in "
                          "every step, spikes, and the synapse state x, y, u after each call.")
    tum["node_status"] = {"n": ["V_m", "x", "y", "u"]}
    # NEST's spike_recorder shows an iaf_tum_2000 spike at its stamp minus the synapse
    # increment it carries (the event's offset); parrots relay the stamps themselves
    tum["description"] += (" Spikes are recorded through parrot_neurons (delay 0.1 ms), because NEST's "
                           "spike_recorder shows this model's spikes at stamp - offset, the offset being the "
                           "Tsodyks increment the spike carries.")
    tum["nodes"].insert(1, {"label": "p", "model": "parrot_neuron", "n": 2})
    tum["connections"][-2:-1] = [{"pre": "n", "post": "p", "conn_spec": "one_to_one", "syn_spec": {"delay": 0.1}},
                                 {"pre": "p", "post": "sr"}]
    return {"mat2_psc_exp_drive": mat2, "iaf_tum_2000_drive": tum}


def _stat(model: str, n: int, params: dict[str, Any], extra_nodes: list[dict[str, Any]],
          extra_conn: list[dict[str, Any]], t: float, seeds: list[int], cv_min: int) -> dict[str, Any]:
    measures = [
        {"name": "rate", "kind": "mean_rate", "recorder": "sr", "population": "n"},
        {"name": "fano", "kind": "count_fano", "recorder": "sr", "population": "n"},
        {"name": "cv", "kind": "cv_isi_mean", "recorder": "sr", "population": "n", "min_spikes": cv_min},
    ]
    return {
        "kernel": {"resolution": 0.1, "rng_seed": 1},
        "nodes": [{"label": "n", "model": model, "n": n, "params": params}, *extra_nodes,
                  {"label": "sr", "model": "spike_recorder", "n": 1}],
        "connections": [*extra_conn, {"pre": "n", "post": "sr"}],
        "simulate": [t],
        "statistics": {"seeds": seeds, "measures": measures},
        "compare": {"kind": "statistical", "std_ddof": 1, "rel_floor": 0.02,
                    "rule": "each measure: |mean_new - mean| <= max(3 * std, rel_floor * |mean|) where "
                            "mean/std are over the seeds listed in expected.seeds"},
    }


def statistical_cases() -> dict[str, dict[str, Any]]:
    """The statistical cases by name."""
    seeds = list(range(1, 21))
    pg = [{"label": "pg", "model": "poisson_generator", "n": 1, "params": {"rate": 2000.0}}]
    out = {}
    c = _stat("pp_psc_delta", 50, {"I_e": 100.0, "dead_time": 2.0, "q_sfa": 5.0, "tau_sfa": 50.0, "c_1": 1.0},
              [], [], 2000.0, seeds, 5)
    c["description"] = "50 pp_psc_delta (I_e=100 pA, fixed dead time 2 ms, one adaptation component), 20 seeds."
    out["pp_psc_delta_dc_stat"] = c
    c = _stat("pp_psc_delta", 50, {"dead_time": 3.0, "dead_time_random": True, "dead_time_shape": 3,
                                   "c_2": 20.0, "c_3": 0.1, "with_reset": False},
              pg, [{"pre": "pg", "post": "n", "syn_spec": {"weight": 0.3}}], 2000.0, seeds, 5)
    c["description"] = ("50 pp_psc_delta, gamma dead time (mean 3 ms, shape 3), no reset, Poisson drive "
                        "2000/s of 0.3 mV, 20 seeds.")
    out["pp_psc_delta_gamma_stat"] = c
    c = _stat("pp_psc_delta", 50, {"dead_time": 0.0, "I_e": 150.0, "c_1": 2.0}, [], [], 1000.0, seeds, 5)
    c["description"] = "50 pp_psc_delta without dead time (Poisson spike counts per step), I_e=150 pA, 20 seeds."
    out["pp_psc_delta_nodead_stat"] = c
    c = _stat("gif_psc_exp", 50, {"I_e": 150.0, "q_sfa": [10.0], "tau_sfa": [100.0], "q_stc": [20.0],
                                  "tau_stc": [30.0], "Delta_V": 1.5, "V_T_star": -50.0, "lambda_0": 10.0,
                                  "t_ref": 2.0},
              pg, [{"pre": "pg", "post": "n", "syn_spec": {"weight": 20.0}}], 2000.0, seeds, 5)
    c["description"] = ("50 gif_psc_exp (one sfa and one stc component) with I_e=150 pA and Poisson drive "
                        "2000/s of 20 pA, 20 seeds.")
    out["gif_psc_exp_stat"] = c
    return out


def _nest_params(model: str, params: Any) -> Any:
    """NEST's pp_psc_delta takes lists for the adaptation components (spikesim's gif
    models take lists as NEST's do)."""
    if model != "pp_psc_delta":
        return params
    out = dict(params)
    for tau, q in (("tau_sfa", "q_sfa"), ("tau_stc", "q_stc")):
        if q in out:
            out[tau] = [out.get(tau, 10.0)]
            out[q] = [out[q]]
    return out


def _select(nest: Any, nodes: dict[str, Any], spec: Any) -> Any:
    if isinstance(spec, str):
        return nodes[spec]
    a, b = spec["slice"]
    return nodes[spec["label"]][a:b]


def run_nest(case: dict[str, Any], seed: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run ``case`` in NEST; returns (recorder label -> events, after-call counts) and the nodes."""
    import nest

    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    for k, v in case["kernel"].items():
        nest.SetKernelStatus({k: v})
    if seed is not None:
        nest.rng_seed = seed
    nodes = {}
    for nd in case["nodes"]:
        params = nd.get("params")
        if isinstance(params, list):
            params = [_nest_params(nd["model"], p) for p in params]
        elif params is not None:
            params = _nest_params(nd["model"], params)
        nodes[nd["label"]] = nest.Create(nd["model"], nd.get("n", 1), params=params)
    for c in case["connections"]:
        nest.Connect(_select(nest, nodes, c["pre"]), _select(nest, nodes, c["post"]), c.get("conn_spec"),
                     c.get("syn_spec"))
    after: dict[str, list[int]] = {}
    recs = [nd["label"] for nd in case["nodes"] if nd["model"] in RECORDERS]
    for t in case["simulate"]:
        nest.Simulate(t)
        for r in recs:
            after.setdefault(r, []).append(int(nodes[r].n_events))
    return {"after": after, "recs": recs}, nodes


def _events(node: Any) -> dict[str, list[Any]]:
    ev = node.get("events")
    order = np.lexsort((np.asarray(ev["senders"]), np.asarray(ev["times"])))
    return {k: np.asarray(v)[order].tolist() for k, v in ev.items()}


def expected_deterministic(case: dict[str, Any]) -> dict[str, Any]:
    """What NEST gives for a deterministic case (the README's ``expected``)."""
    info, nodes = run_nest(case)
    exp: dict[str, Any] = {}
    for r in info["recs"]:
        exp[r] = {"events": _events(nodes[r]), "n_events": int(nodes[r].n_events),
                  "n_events_after_each_simulate": info["after"][r]}
    status = {}
    for label, keys in case.get("node_status", {}).items():
        rows = nodes[label].get(keys)
        status[label] = [{k: float(np.atleast_1d(rows[k])[i]) for k in keys} for i in range(len(nodes[label]))]
    if status:
        exp["node_status"] = status
    return exp


def _measure(spec: dict[str, Any], senders: np.ndarray, times: np.ndarray, ids: np.ndarray, t_end: float) -> float:
    t0, t1 = spec.get("t_start", 0.0), spec.get("t_stop", t_end)
    keep = (times > t0) & (times <= t1)
    senders, times = senders[keep], times[keep]
    counts = np.array([np.count_nonzero(senders == i) for i in ids])
    if spec["kind"] == "mean_rate":
        return float(senders.size / ids.size / ((t1 - t0) / 1000.0))
    if spec["kind"] == "count_fano":
        return float(np.var(counts, ddof=1) / np.mean(counts))
    cvs = []
    for i in ids:
        t = np.sort(times[senders == i])
        if t.size >= spec["min_spikes"]:
            isi = np.diff(t)
            cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs))


def expected_statistical(case: dict[str, Any]) -> dict[str, Any]:
    """Per-seed measures of a statistical case, with their mean and std (ddof 1)."""
    values: dict[str, list[float]] = {}
    for seed in case["statistics"]["seeds"]:
        _, nodes = run_nest(case, seed)
        ev = nodes["sr"].get("events")
        senders, times = np.asarray(ev["senders"]), np.asarray(ev["times"])
        for spec in case["statistics"]["measures"]:
            values.setdefault(spec["name"], []).append(
                _measure(spec, senders, times, np.asarray(nodes["n"].tolist()), sum(case["simulate"])))
    return {"seeds": case["statistics"]["seeds"],
            "statistics": {k: {"mean": float(np.mean(v)), "std": float(np.std(v, ddof=1)), "values": v}
                           for k, v in values.items()}}


def main(out: Path) -> None:
    """Write every case into ``out`` (each run twice; the two runs must agree)."""
    import nest

    for name, case in {**deterministic_cases(), **statistical_cases()}.items():
        make = expected_statistical if "statistics" in case else expected_deterministic
        exp = make(case)
        if make(case) != exp:
            raise RuntimeError(f"{name}: NEST gave different results on a second run")
        full = {"name": name, **case, "expected": exp, "nest_version": nest.__version__}
        (out / f"{name}.json").write_text(json.dumps(full, separators=(",", ":")) + "\n")
        print(name, "written")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
