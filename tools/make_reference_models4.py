"""NEST 3.10 reference cases and defaults of amat2_psc_exp, the GLIF neurons and iaf_chxk_2008.

Run with NEST's own interpreter (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_models4.py [MODEL ...]

(no argument: every model below).  It writes ``tests/data/nest/cases/{model}_drive.json``
(the case format of ``tests/data/nest/README.md``, replayed by
``tests/reference/test_nest_deterministic.py``) and ``tests/data/nest/{model}_defaults.json``
(NEST's defaults, numbers and booleans only), with the drive of
``tools/make_reference_adex.py``: dc and step currents and spikes of both signs at two
weights each; the first two recordables at every 0.1 ms step up to 30 ms, all of them
every 2 ms.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_reference_adex import OUT, _drive, run_nest  # noqa: E402

#: exact integration in NEST: spikesim performs the same floating-point operations
EXACT = {"times": "exact", "values_atol": 1e-9, "values_rtol": 1e-9, "order": "sort by (times, senders)",
         "note": "NEST integrates these models exactly (closed-form propagators); spikesim performs the "
                 "same operations, so only rounding may differ."}

#: GSL's RKF45 in NEST, the same floating-point steps in spikesim
RKF45 = {**EXACT, "note": "NEST integrates with GSL's adaptive rkf45; spikesim performs the same "
                          "floating-point steps, so only rounding may differ."}

AMAT2 = [
    {"I_e": 200.0},                                                   # tonic, beta = 0 (mat2 dynamics)
    {"I_e": 150.0, "beta": 0.5, "tau_v": 7.0, "alpha_2": 1.0},        # voltage-dependent threshold
    {"beta": -0.3, "alpha_1": 5.0, "tau_1": 5.0, "t_ref": 1.0, "tau_syn_ex": 2.0, "omega": -62.0},
]
_LEVELS = [(False, False, False), (True, False, False), (False, True, False), (True, True, False), (True, True, True)]
GLIF_PSC = [{"spike_dependent_threshold": a, "after_spike_currents": b, "adapting_threshold": c,
             "tau_syn": [2.0, 1.0]} for a, b, c in _LEVELS] + [
    {"spike_dependent_threshold": True, "after_spike_currents": True, "adapting_threshold": True,
     "tau_syn": [0.5, 4.0], "asc_decay": [0.05, 0.2], "asc_amps": [-20.0, 10.0],
     "asc_r": [0.5, 0.0], "t_ref": 2.0, "V_reset": -75.0,
     "voltage_reset_fraction": 0.5, "th_voltage_index": 0.01, "E_L": -70.0, "V_m": -70.0},
]
GLIF_COND = [{**p, "tau_syn": [0.2, 2.0], "E_rev": [0.0, -85.0]} for p in GLIF_PSC[:5]] + [
    {**GLIF_PSC[5], "tau_syn": [0.5, 4.0], "E_rev": [10.0, -75.0]}]
DOUBLE = [{**{k: v for k, v in p.items() if k != "tau_syn"}, "tau_syn_fast": [2.0, 1.0], "tau_syn_slow": [6.0, 9.0],
           "amp_slow": [0.3, 0.8]} for p in GLIF_PSC]
CHXK = [{"I_e": 2000.0}, {"I_e": 1600.0, "ahp_bug": True}, {"V_th": -50.0, "tau_ahp": 2.0, "g_ahp": 100.0}]
#: per model: neurons, recordables, excitatory and inhibitory weights, dc amplitude (pA), description, compare
CASES: dict[str, tuple[list[dict[str, Any]], list[str], tuple[float, float], tuple[float, float], float, str,
                       dict[str, Any]]] = {
    "amat2_psc_exp": (AMAT2, ["V_m", "V_th", "V_th_v", "I_syn_ex", "I_syn_in"], (300.0, 1200.0),
                      (-400.0, -1500.0), 200.0,
                      "Three amat2_psc_exp neurons (tonic with beta 0; a positive beta with alpha_2; a negative "
                      "beta with faster threshold and synapse)", EXACT),
    "glif_psc": (GLIF_PSC, ["V_m", "threshold", "threshold_spike", "threshold_voltage", "I", "I_syn",
                            "ASCurrents_sum"], (20.0, 60.0), (-20.0, -60.0), 300.0,
                 "Six glif_psc neurons (GLIF1-5 with two receptors; GLIF5 with other after-spike currents, "
                 "reset and E_L); excitatory spikes at receptor 1, inhibitory at receptor 2", EXACT),
    "glif_cond": (GLIF_COND, ["V_m", "g_1", "g_2", "threshold", "threshold_spike", "threshold_voltage", "I",
                              "ASCurrents_sum"], (2.0, 6.0), (3.0, 10.0), 300.0,
                  "Six glif_cond neurons (as the glif_psc case, with conductances: receptor 1 excitatory, "
                  "receptor 2 inhibitory, positive weights at both)", RKF45),
    "glif_psc_double_alpha": (DOUBLE, ["V_m", "I_syn", "threshold", "threshold_spike", "threshold_voltage", "I",
                                       "ASCurrents_sum"], (20.0, 60.0), (-20.0, -60.0), 300.0,
                              "Six glif_psc_double_alpha neurons (the glif_psc case with a fast and a slow "
                              "current per receptor)", EXACT),
    "iaf_chxk_2008": (CHXK, ["V_m", "g_ahp", "g_ex", "g_in", "I_syn_ex", "I_syn_in", "I_ahp"], (40.0, 80.0),
                      (-30.0, -60.0), 500.0, "Three iaf_chxk_2008 neurons (tonic; ahp_bug; a lower threshold "
                      "with a slower, weaker AHP)", RKF45),
}
#: models whose spikes NEST sends with an offset (the spike recorder stores the step's time
#: minus the offset): the case keeps the grid time of each spike's step, what spikesim records
OFFSETS = ("iaf_chxk_2008",)
#: models whose spikes must name a receptor: excitatory input at receptor 1, inhibitory at 2
RECEPTORS = ("glif_psc", "glif_cond", "glif_psc_double_alpha")

_SKIP = ("global_id", "local_id", "model_id", "thread", "vp", "thread_local_id", "post_trace", "t_spike",
         "elementsize", "archiver_length", "Ca", "beta_Ca", "tau_Ca", "tau_minus", "tau_minus_triplet",
         "ignore_and_spike_interval", "ignore_and_spike_offset", "node_uses_wfr", "supports_precise_spikes")


def _grid_spikes(case: dict[str, Any]) -> None:
    """Replace NEST's off-grid spike times (ms) by the time of the step that fired them
    (NEST's stamp, ``t + offset``), keeping NEST's own times under ``nest_precise_times``."""
    h = case["kernel"]["resolution"]
    ev = case["expected"]["sr"]["events"]
    case["expected"]["sr"]["nest_precise_times"] = ev["times"]
    ev["times"] = [round(math.ceil(round(t / h, 6)) * h, 10) for t in ev["times"]]
    case["note"] = ("NEST 3.10 sends iaf_chxk_2008's spikes with the interpolated offset and its spike recorder "
                    "stores step time minus offset; spikesim has no precise spike times and records the step's "
                    "time: 'times' are NEST's times moved up to their step (made by tools/make_reference_models4.py), "
                    "NEST's own are in 'nest_precise_times'.")


def defaults_of(model: str) -> dict[str, Any]:
    """NEST's defaults of ``model``: numbers, booleans and number lists, and its recordables."""
    import nest

    nest.ResetKernel()
    d = nest.GetDefaults(model)
    out: dict[str, Any] = {}
    for k, v in sorted(d.items()):
        v = v.tolist() if hasattr(v, "tolist") and not isinstance(v, (bool, int, float)) else v
        if k in _SKIP:
            continue
        if isinstance(v, bool):
            out[k] = v
        elif isinstance(v, (int, float)):
            out[k] = float(v)
        elif isinstance(v, (list, tuple)) and all(isinstance(x, (int, float)) for x in v):
            out[k] = [float(x) for x in v]
    out["recordables"] = sorted(str(r) for r in d["recordables"])
    return out


def main(argv: list[str]) -> int:
    """Run each case in NEST, write it and the model's defaults; print each file's size and spike count."""
    import nest

    for model in argv or list(CASES):
        neurons, rec, w_ex, w_in, dc, what, compare = CASES[model]
        case = _drive(model, neurons, rec, w_ex, w_in, 30.0, 200.0, dc,
                      f"{what} under dc and step currents and excitatory/inhibitory spikes at two weights each; "
                      f"{rec[0]} and {rec[1]} at each step up to 30 ms, all recordables every 2 ms.")
        case["compare"] = compare
        if model in RECEPTORS:
            for c in case["connections"]:
                if c["pre"] in ("sg_ex", "sg_in"):
                    c["syn_spec"]["receptor_type"] = 1 if c["pre"] == "sg_ex" else 2
        case["expected"] = run_nest(case)
        case["nest_version"] = nest.__version__
        if model in OFFSETS:
            _grid_spikes(case)
        path = OUT / f"{case['name']}.json"
        path.write_text(json.dumps(case, separators=(",", ":")) + "\n")
        print(f"{path.name}: {path.stat().st_size // 1024} kB, {case['expected']['sr']['n_events']} spikes, "
              f"senders {sorted(set(case['expected']['sr']['events']['senders']))}")
        (OUT.parent / f"{model}_defaults.json").write_text(json.dumps(defaults_of(model), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
