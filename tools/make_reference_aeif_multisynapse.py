"""Make the NEST 3.10 reference data of aeif_cond_alpha_multisynapse and aeif_cond_beta_multisynapse.

Run with NEST's own interpreter (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_aeif_multisynapse.py

It writes ``tests/data/nest/cases/aeif_cond_{alpha,beta}_multisynapse_*.json`` in the case
format of ``tests/data/nest/README.md`` (replayed by
``tests/reference/test_nest_deterministic.py``; NEST runs each case as
:func:`make_reference_adex.run_nest` does) and
``tests/data/nest/aeif_multisynapse_defaults.json``: NEST's defaults, its recordables
with three receptors, and NEST's verdict (the exception class or ``null``) on a list of
``set`` calls and connections (``tests/models/test_aeif_multisynapse.py`` checks spikesim
against them).  Values are the floats NEST returned; spikesim mirrors GSL's rkf45 step
by step, so traces must agree to rounding (1e-9) and spike times exactly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_reference_adex import COMPARE, OUT, run_nest  # noqa: E402 - the tools directory is not a package

MODELS = ("aeif_cond_alpha_multisynapse", "aeif_cond_beta_multisynapse")
#: (receptor, weight in nS, delay in ms, spike times in ms)
INPUTS = [(1, 6.0, 1.0, [5.0, 5.0, 12.0, 30.0, 60.0, 61.0, 120.0]), (2, 15.0, 1.4, [20.0, 45.0, 46.0, 140.0]),
          (3, 30.0, 2.3, [31.5, 75.0, 90.0]), (3, 4.0, 0.1, [8.0, 8.1, 8.2]), (1, 60.0, 1.0, [100.0])]
REC = ["V_m", "w", "g_1", "g_2", "g_3"]


def _drive(model: str, neurons: list[dict[str, Any]], desc: str, name: str) -> dict[str, Any]:
    """Neurons with three receptors (reversal potentials 0, -85 and -20 mV) under a dc
    current that makes them fire, a step current (receptor 0) and spike trains onto each
    receptor at several delays; simulated in two halves."""
    n = len(neurons)
    nodes = [{"label": "n", "model": model, "n": n, "params": neurons},
             {"label": "dc", "model": "dc_generator", "n": 1,
              "params": {"amplitude": 700.0, "start": 2.0, "stop": 170.0}},
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
               "params": {"interval": 0.1, "stop": 60.0, "record_from": REC}},
              {"label": "mm_coarse", "model": "multimeter", "n": 1,
               "params": {"interval": 1.0, "start": 60.0, "record_from": REC}}]
    conns += [{"pre": "n", "post": "sr"}, {"pre": "mm", "post": "n"}, {"pre": "mm_coarse", "post": "n"}]
    return {"name": name, "description": desc, "kernel": {"resolution": 0.1, "rng_seed": 12345},
            "nodes": nodes, "connections": conns, "simulate": [100.0, 100.0], "compare": COMPARE}


def cases() -> list[dict[str, Any]]:
    """Per model a drive case of four neurons; for beta one more where rise = decay."""
    erev = {"E_rev": [0.0, -85.0, -20.0]}
    variants = [{},                                                        # NEST's defaults, t_ref 0
                {"t_ref": 2.0, "a": 2.0, "b": 40.0, "tau_w": 100.0, "I_e": 150.0},   # refractory
                {"Delta_T": 0.0, "t_ref": 1.0, "V_th": -52.0, "V_peak": -40.0},      # IAF-like limit
                {"a": 8.0, "b": 150.0, "tau_w": 60.0, "I_e": 400.0, "gsl_error_tol": 1e-4}]  # adapting
    alpha_taus = [[0.2, 2.0, 10.0], [1.0, 5.0, 0.5], [2.0, 2.0, 3.0], [0.5, 8.0, 20.0]]
    rise = [[0.2, 1.0, 2.0], [1.0, 0.5, 0.3], [2.0, 2.0, 1.0], [0.5, 3.0, 5.0]]
    decay = [[2.0, 5.0, 10.0], [1.0, 5.0, 0.5], [2.0, 8.0, 3.0], [0.5, 3.0, 20.0]]
    what = ("Four {m} neurons with three receptors (E_rev 0, -85, -20 mV; {taus}) -- NEST's defaults; t_ref 2 ms; "
            "Delta_T = 0; adapting with gsl_error_tol 1e-4 -- firing under a dc current, with a step current and "
            "spike trains onto every receptor; V_m, w, g_1..g_3 at every step up to 60 ms, every 1 ms after.")
    out = [_drive(MODELS[0], [{**v, **erev, "tau_syn": t} for v, t in zip(variants, alpha_taus, strict=True)],
                  what.format(m=MODELS[0], taus="various tau_syn"), f"{MODELS[0]}_drive"),
           _drive(MODELS[1], [{**v, **erev, "tau_rise": r, "tau_decay": d}
                              for v, r, d in zip(variants, rise, decay, strict=True)],
                  what.format(m=MODELS[1], taus="various tau_rise <= tau_decay, some equal"), f"{MODELS[1]}_drive")]
    equal = [{**erev, "tau_rise": [2.0, 5.0, 0.7], "tau_decay": [2.0, 5.0, 0.7]},
             {**erev, "tau_rise": [3.0, 3.0, 3.0], "tau_decay": [3.0, 3.0, 3.0], "t_ref": 1.5}]
    out.append(_drive(MODELS[1], equal, f"Two {MODELS[1]} neurons whose rise and decay times are all equal "
                      "(NEST allows it: the conductances are alpha functions, normalised by e / tau_decay).",
                      f"{MODELS[1]}_equal_taus"))
    return out


#: ``set`` calls on a new neuron (one per entry) whose outcome NEST decides
SETS: dict[str, list[dict[str, Any]]] = {
    MODELS[0]: [{"E_rev": [0.0, 0.0, -85.0]}, {"E_rev": [0.0, -85.0], "tau_syn": [1.0, 2.0]}, {"E_rev": [10.0]},
                {"tau_syn": [-1.0]}, {"tau_syn": [0.0]}, {"tau_syn": [1.0, 2.0]}, {"V_peak": -55.0},
                {"V_reset": 0.0}, {"Delta_T": -1.0}, {"C_m": 0.0}, {"t_ref": -1.0}, {"tau_w": 0.0},
                {"gsl_error_tol": 0.0}, {"Delta_T": 0.01, "V_peak": 100.0}, {"E_rev": [], "tau_syn": []},
                {"V_peak": -50.4}, {"t_ref": 0.0, "V_m": -55.0, "w": 3.0}],
    MODELS[1]: [{"tau_rise": [30.0]}, {"tau_rise": [20.0]}, {"tau_decay": [20.0, 30.0]},
                {"tau_decay": [20.0, 30.0], "tau_rise": [1.0, 2.0]},
                {"tau_decay": [20.0, 30.0], "tau_rise": [1.0, 2.0], "E_rev": [0.0, 0.0, 0.0]},
                {"tau_decay": [20.0, 30.0], "tau_rise": [1.0, 2.0], "E_rev": [0.0, -85.0]},
                {"tau_rise": [0.0]}, {"tau_decay": [-1.0]}, {"V_peak": -55.0}, {"C_m": -1.0},
                {"E_rev": [], "tau_rise": [], "tau_decay": []}],
}


def _outcome(call: Any) -> str | None:
    try:
        call()
    except Exception as e:  # noqa: BLE001 - NEST's exception class is the datum
        return type(e).__name__
    return None


def _model_checks(model: str) -> dict[str, Any]:
    """NEST's defaults of ``model``, its recordables with three receptors and its verdicts
    on :data:`SETS` and on connections (receptor 0 and 4 of three, a current on receptor
    1, a negative weight at connect and at simulate, fewer receptors after a connection)."""
    import nest

    nest.ResetKernel()
    d = nest.GetDefaults(model)
    keys = (*REC, "C_m", "Delta_T", "E_L", "E_rev", "I_e", "V_peak", "V_reset", "V_th", "a", "b", "g_L",
            "gsl_error_tol", "t_ref", "tau_w", "tau_syn", "tau_rise", "tau_decay", "n_receptors", "g", "dg")
    entry: dict[str, Any] = {"defaults": {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in d.items()
                                          if k in keys}}
    entry["recordables"] = sorted(str(r) for r in d["recordables"])
    three = {"E_rev": [0.0, 0.0, -85.0], **({"tau_syn": [1.0, 2.0, 3.0]} if "alpha" in model else
                                             {"tau_rise": [1.0, 2.0, 3.0], "tau_decay": [2.0, 3.0, 4.0]})}
    n = nest.Create(model, params=three)
    entry["three"] = three
    entry["recordables_3"] = sorted(str(r) for r in n.get("recordables"))
    entry["sets"] = [{"set": s, "error": _outcome(lambda s=s: nest.Create(model).set(s))} for s in SETS[model]]
    sg, dc = nest.Create("spike_generator", params={"spike_times": [1.0]}), nest.Create("dc_generator")
    conn = {f"spikes_receptor_{r}": _outcome(lambda r=r: nest.Connect(sg, n, syn_spec={"receptor_type": r}))
            for r in (0, 4)}
    conn["current_receptor_1"] = _outcome(lambda: nest.Connect(dc, n, syn_spec={"receptor_type": 1}))
    conn["negative_weight_connect"] = _outcome(
        lambda: nest.Connect(sg, n, syn_spec={"receptor_type": 2, "weight": -1.0}))
    fewer = {k: v[:2] for k, v in three.items()}
    conn["fewer_receptors_after_connect"] = _outcome(lambda: n.set(fewer))
    conn["negative_weight_simulate"] = _outcome(lambda: nest.Simulate(10.0))
    entry["connections"] = conn
    return entry


def nest_checks() -> dict[str, Any]:
    """:func:`_model_checks` of both models."""
    return {model: _model_checks(model) for model in MODELS}


def main() -> int:
    """Run every case in NEST and write it; print each file's size and spike count."""
    import nest

    path = OUT.parent / "aeif_multisynapse_defaults.json"
    path.write_text(json.dumps(nest_checks(), indent=1, sort_keys=True) + "\n")
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
