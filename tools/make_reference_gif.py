"""Make the NEST 3.10 reference cases of gif_psc_exp, gif_cond_exp and their multisynapse versions.

Run with NEST's own interpreter (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_gif.py

It writes into ``tests/data/nest/cases`` (the case format of ``tests/data/nest/README.md``):

* ``gif_psc_exp_drive`` and ``gif_cond_exp_drive``: deterministic cases, replayed by
  ``tests/reference/test_nest_deterministic.py`` (spike times exact, values within
  1e-9).  The gif neurons fire at random, so the neurons here are made deterministic:
  with ``Delta_V = 1e-6`` mV the intensity ``lambda_0 exp((V_m - E_sfa) / Delta_V)``
  overflows to infinity (firing probability ``-expm1(-inf) = 1``, certain) as soon as
  ``V_m`` exceeds ``E_sfa`` by 1e-3 mV and underflows to 0 (no draw at all) below
  ``E_sfa - 1e-3`` mV; a neuron with ``lambda_0 = 0`` never fires.  Each case is run
  with two seeds and must give identical results, which shows that no draw decided a
  spike.  Both cases have two-component stc and sfa lists.
* ``gif_cond_exp_multisynapse_drive``, ``gif_psc_exp_multisynapse_drive``: the same for
  three receptors (spikes on each).
* ``gif_psc_exp_two_stat``, ``gif_cond_exp_stat``, ``gif_cond_exp_multisynapse_stat`` and
  ``gif_psc_exp_multisynapse_stat``:
  statistical cases (20 seeds;
  rate, Fano factor and CV of a driven population with two-component adaptation),
  checked in ``tests/models/test_gif_stat.py``.
* ``tests/data/nest/gif_defaults.json``: NEST's defaults of the four models.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_reference_adex import COMPARE, _drive  # noqa: E402
from make_reference_models2 import OUT, _stat, expected_deterministic, expected_statistical  # noqa: E402

MODELS = ("gif_psc_exp", "gif_cond_exp", "gif_cond_exp_multisynapse", "gif_psc_exp_multisynapse")
TWO = {"q_stc": [56.7, -6.9], "tau_stc": [57.8, 218.2], "q_sfa": [11.7, 1.8], "tau_sfa": [53.8, 640.0]}
SURE = {"Delta_V": 1e-6, "lambda_0": 1000.0}
NEURONS = [
    {**TWO, **SURE, "V_T_star": -50.0},                                 # gif_population's adaptation
    {**SURE, "V_T_star": -45.0, "t_ref": 2.0},                         # no components
    {"q_sfa": [5.0, 2.0, 1.0], "tau_sfa": [5.0, 30.0, 300.0], "q_stc": [20.0], "tau_stc": [15.0], **SURE,
     "V_T_star": -55.0, "t_ref": 0.0, "V_reset": -65.0},              # three sfa components, no refractoriness
    {**TWO, "lambda_0": 0.0, "V_T_star": -60.0},                       # never fires: the membrane alone
]
REC = {"gif_psc_exp": ["V_m", "E_sfa", "I_stc", "I_syn_ex", "I_syn_in"],
       "gif_cond_exp": ["V_m", "E_sfa", "I_stc", "g_ex", "g_in"]}
WEIGHTS = {"gif_psc_exp": ((300.0, 900.0), (-400.0, -1200.0)), "gif_cond_exp": ((6.0, 25.0), (-8.0, -40.0))}


def drive_case(model: str) -> dict[str, Any]:
    """Four deterministic neurons of ``model`` under dc, step current and spikes of both signs."""
    neurons = copy.deepcopy(NEURONS)
    if model == "gif_cond_exp":
        neurons[1]["gsl_error_tol"] = 1e-5
    w_ex, w_in = WEIGHTS[model]
    case = _drive(model, neurons, REC[model], w_ex, w_in, 60.0, 300.0, 250.0,
                  f"Four deterministic {model} neurons (Delta_V 1e-6 mV, so firing is certain above E_sfa and "
                  "impossible below: two stc and two sfa components; none; three sfa components with t_ref 0; "
                  "lambda_0 0, never firing) under dc and step currents and spikes of both signs; V_m, E_sfa, "
                  "I_stc at each step up to 60 ms, all recordables every 2 ms.  Two NEST seeds agree.")
    case["nodes"][6]["params"]["record_from"] = REC[model][:3]
    return case


def multisynapse_case(model: str) -> dict[str, Any]:
    """Three deterministic neurons of a multisynapse ``model`` with three receptors each."""
    cond = model == "gif_cond_exp_multisynapse"
    rec: dict[str, Any] = {"tau_syn": [2.0, 8.0, 0.5], **({"E_rev": [0.0, -85.0, 20.0]} if cond else {})}
    neurons = [{**rec, **TWO, **SURE, "V_T_star": -50.0},
               {**rec, **SURE, "V_T_star": -45.0, "t_ref": 2.0, **({"gsl_error_tol": 1e-5} if cond else {})},
               {**rec, **TWO, "lambda_0": 0.0, "V_T_star": -60.0}]
    spikes = [[5.0, 12.0, 30.0, 31.5, 60.0], [20.0, 45.0, 46.0, 75.0], [8.0, 50.0, 50.5, 90.0]]
    # per receptor: weight (nS or pA), delay (ms)
    weights = [(6.0, 1.0), (8.0, 3.0), (30.0, 2.3)] if cond else [(300.0, 1.0), (-400.0, 3.0), (900.0, 2.3)]
    return {
        "name": f"{model}_drive",
        "description": f"Three deterministic {model} neurons (Delta_V 1e-6 mV; two stc/sfa components; none; "
                       "lambda_0 0) with receptors tau_syn [2, 8, 0.5] ms" + (", E_rev [0, -85, 20] mV" if cond
                                                                                 else "") +
                       " under dc and step currents and spikes on each receptor; V_m, E_sfa, I_stc at each "
                       "step.  Two NEST seeds agree.",
        "kernel": {"resolution": 0.1, "rng_seed": 12345},
        "nodes": [
            {"label": "n", "model": model, "n": 3, "params": neurons},
            {"label": "dc", "model": "dc_generator", "n": 1, "params": {"amplitude": 250.0, "start": 2.0,
                                                                       "stop": 170.0}},
            {"label": "step", "model": "step_current_generator", "n": 1,
             "params": {"amplitude_times": [15.0, 25.0, 130.0], "amplitude_values": [300.0, -150.0, 700.0]}},
            *[{"label": f"sg{q}", "model": "spike_generator", "n": 1, "params": {"spike_times": spikes[q]}}
              for q in range(3)],
            {"label": "sr", "model": "spike_recorder", "n": 1, "params": {}},
            {"label": "mm", "model": "multimeter", "n": 1,
             "params": {"interval": 0.1, "record_from": ["V_m", "E_sfa", "I_stc"]}},
        ],
        "connections": [
            {"pre": "dc", "post": "n", "conn_spec": "all_to_all", "syn_spec": {"delay": 1.0}},
            {"pre": "step", "post": {"label": "n", "slice": [1, 3]}, "conn_spec": "all_to_all",
             "syn_spec": {"delay": 2.0}},
            *[{"pre": f"sg{q}", "post": "n", "conn_spec": "all_to_all",
               "syn_spec": {"weight": weights[q][0], "delay": weights[q][1], "receptor_type": q + 1}}
              for q in range(3)],
            {"pre": "n", "post": "sr"},
            {"pre": "mm", "post": "n"},
        ],
        "simulate": [100.0, 100.0],
        "compare": COMPARE,
    }


def stat_cases() -> dict[str, dict[str, Any]]:
    """A driven population with two-component adaptation, of each model, over 20 seeds."""
    seeds = list(range(1, 21))
    pg = [{"label": "pg", "model": "poisson_generator", "n": 1, "params": {"rate": 2000.0}}]
    out = {}
    for model, w, i_e in (("gif_psc_exp", 20.0, 120.0), ("gif_cond_exp", 1.0, 120.0)):
        params = {**TWO, "I_e": i_e, "Delta_V": 1.4, "V_T_star": -50.0, "lambda_0": 10.0, "t_ref": 4.0}
        c = _stat(model, 50, params, pg, [{"pre": "pg", "post": "n", "syn_spec": {"weight": w}}], 2000.0, seeds, 5)
        c["description"] = (f"50 {model} (two stc and two sfa components, Delta_V 1.4 mV, lambda_0 10/s) with "
                            f"I_e={i_e} pA and Poisson drive 2000/s of weight {w}, 20 seeds.")
        out[f"{model}_two_stat" if model == "gif_psc_exp" else f"{model}_stat"] = c
    params = {**TWO, "I_e": 120.0, "Delta_V": 1.4, "V_T_star": -50.0, "lambda_0": 10.0, "t_ref": 4.0,
              "tau_syn": [2.0, 5.0], "E_rev": [0.0, -85.0]}
    # one generator per receptor: spikesim's poisson_generator gives two connections onto
    # one target the same train (NEST independent ones)
    pg2 = [*pg, {"label": "pg2", "model": "poisson_generator", "n": 1, "params": {"rate": 2000.0}}]
    conn = [{"pre": "pg", "post": "n", "syn_spec": {"weight": 1.5, "receptor_type": 1}},
            {"pre": "pg2", "post": "n", "syn_spec": {"weight": 0.5, "receptor_type": 2}}]
    c = _stat("gif_cond_exp_multisynapse", 50, params, pg2, conn, 2000.0, seeds, 5)
    c["description"] = ("50 gif_cond_exp_multisynapse (two stc and two sfa components, receptors tau_syn [2, 5] "
                        "ms, E_rev [0, -85] mV) with I_e=120 pA and Poisson drive of 2000/s onto each receptor "
                        "(two generators; 1.5 and 0.5 nS), 20 seeds.")
    out["gif_cond_exp_multisynapse_stat"] = c
    params = {k: v for k, v in params.items() if k != "E_rev"}
    conn = [{"pre": "pg", "post": "n", "syn_spec": {"weight": 20.0, "receptor_type": 1}},
            {"pre": "pg2", "post": "n", "syn_spec": {"weight": -10.0, "receptor_type": 2}}]
    c = _stat("gif_psc_exp_multisynapse", 50, params, pg2, conn, 2000.0, seeds, 5)
    c["description"] = ("50 gif_psc_exp_multisynapse (two stc and two sfa components, receptors tau_syn [2, 5] "
                        "ms) with I_e=120 pA and Poisson drive of 2000/s onto each receptor (two generators; 20 "
                        "and -10 pA), 20 seeds.")
    out["gif_psc_exp_multisynapse_stat"] = c
    return out


def defaults() -> dict[str, Any]:
    """NEST's defaults of the gif models: numbers, lists and recordables."""
    import nest

    nest.ResetKernel()
    out: dict[str, Any] = {}
    for model in MODELS:
        d = nest.GetDefaults(model)
        keep = {k: (list(map(float, v)) if hasattr(v, "__len__") else float(v)) for k, v in sorted(d.items())
                if k in ("tau_sfa", "q_sfa", "tau_stc", "q_stc", "tau_syn", "E_rev")
                or (isinstance(v, (int, float)) and not isinstance(v, bool)
                    and k not in ("global_id", "model_id", "thread", "vp", "thread_local_id", "post_trace",
                                  "t_spike", "elementsize", "archiver_length", "Ca", "beta_Ca", "tau_Ca",
                                  "ignore_and_spike_interval", "ignore_and_spike_offset", "tau_minus",
                                  "tau_minus_triplet"))}
        keep["recordables"] = sorted(str(r) for r in d["recordables"])
        out[model] = keep
    return out


def main() -> int:
    """Run every case in NEST and write it; print spike counts."""
    import nest

    for model in MODELS:
        case = multisynapse_case(model) if "multisynapse" in model else drive_case(model)
        exp = expected_deterministic(case)
        other = copy.deepcopy(case)
        other["kernel"]["rng_seed"] = 987
        if expected_deterministic(other) != exp:
            raise RuntimeError(f"{model}: the spikes depend on the seed; the case is not deterministic")
        case.update({"expected": exp, "nest_version": nest.__version__})
        path = OUT / f"{case['name']}.json"
        path.write_text(json.dumps(case, separators=(",", ":")) + "\n")
        senders = exp["sr"]["events"]["senders"]
        print(path.name, f"{path.stat().st_size // 1024} kB", [senders.count(i) for i in range(1, 5)], "spikes")
    for name, case in stat_cases().items():
        exp = expected_statistical(case)
        full = {"name": name, **case, "expected": exp, "nest_version": nest.__version__}
        (OUT / f"{name}.json").write_text(json.dumps(full, separators=(",", ":")) + "\n")
        print(name, {k: (round(v["mean"], 4), round(v["std"], 4)) for k, v in exp["statistics"].items()})
    (OUT.parent / "gif_defaults.json").write_text(json.dumps(defaults(), indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
