"""NEST 3.10 reference cases and defaults of iaf_cond_beta, hh_cond_exp_traub, iaf_psc_exp_htum, iaf_cond_exp_sfa_rr.

Run with NEST's own interpreter (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_models3.py

It writes ``tests/data/nest/cases/{model}_drive.json`` (the case format of
``tests/data/nest/README.md``, replayed by ``tests/reference/test_nest_deterministic.py``)
and ``tests/data/nest/{model}_defaults.json`` (NEST's defaults, numbers only), with
the drive of ``tools/make_reference_adex.py``: dc and step currents and conductance
spikes of both signs at two weights each.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_reference_adex import OUT, _drive, run_nest  # noqa: E402

BETA = [
    {},                                                              # rise = decay: the alpha function
    {"tau_rise_ex": 0.5, "tau_decay_ex": 3.0, "tau_rise_in": 1.0, "tau_decay_in": 8.0, "I_e": 150.0},
    {"tau_rise_ex": 3.0, "tau_decay_ex": 0.5, "t_ref": 0.5, "V_th": -52.0},   # rise slower than decay
    {"tau_rise_in": 0.3, "tau_decay_in": 0.3 + 1e-17, "g_L": 25.0, "I_e": 300.0},  # equal to machine precision
]
TRAUB = [
    {},                                                              # NEST's defaults (silent without input)
    {"I_e": 300.0},                                                  # tonic
    {"V_T": -58.0, "t_ref": 4.0, "tau_syn_ex": 2.0, "I_e": 150.0},   # higher threshold, long refractoriness
]
HTUM = [
    {"I_e": 400.0},                                                  # tonic, the two periods equal
    {"I_e": 600.0, "t_ref_abs": 1.0, "t_ref_tot": 4.0},              # integrates while it cannot spike
    {"t_ref_abs": 0.5, "t_ref_tot": 3.0, "tau_syn_ex": 0.8, "V_reset": -65.0},
]
SFA_RR = [
    {"I_e": 500.0},                                                  # adapting under the dc drive
    {"I_e": 300.0, "q_sfa": 40.0, "tau_sfa": 50.0, "t_ref": 2.0},
    {"q_rr": 500.0, "tau_rr": 5.0, "E_sfa": -80.0},
]
#: per model: neurons, recordables, excitatory and inhibitory weights (nS), dc amplitude (pA), description
CASES = {
    "iaf_cond_beta": (BETA, ["V_m", "g_ex", "g_in", "t_ref_remaining"], (6.0, 25.0), (-8.0, -40.0), 400.0,
                      "Four iaf_cond_beta neurons (defaults, where rise equals decay; slow decays; a rise slower "
                      "than the decay; equal time constants to machine precision)"),
    "hh_cond_exp_traub": (TRAUB, ["V_m", "Act_m", "Inact_h", "Act_n", "g_ex", "g_in"], (3.0, 12.0), (-6.0, -30.0),
                          60.0, "Three hh_cond_exp_traub neurons (defaults; tonic; higher V_T with t_ref 4 ms)"),
    "iaf_psc_exp_htum": (HTUM, ["V_m", "I_syn_ex", "I_syn_in"], (300.0, 1200.0), (-400.0, -1500.0), 200.0,
                         "Three iaf_psc_exp_htum neurons (equal periods; a total period longer than the absolute "
                         "one; a faster synapse and a higher reset)"),
    "iaf_cond_exp_sfa_rr": (SFA_RR, ["V_m", "g_sfa", "g_rr", "g_ex", "g_in"], (6.0, 25.0), (-8.0, -40.0), 400.0,
                            "Three iaf_cond_exp_sfa_rr neurons (defaults with I_e; stronger, faster adaptation; "
                            "weaker, slower relative refractoriness)"),
}


def _absolute_v_m(case: dict[str, Any], neurons: list[dict[str, Any]]) -> None:
    """NEST 3.10's iaf_psc_exp_htum records ``V_m - E_L`` (its recorder reads the relative
    state; GetStatus adds E_L back): store ``V_m`` itself, what the model documents and
    spikesim records, by adding each neuron's E_L (mV) to NEST's samples."""
    e_l = [float(p.get("E_L", -70.0)) for p in neurons]
    for label in ("mm", "mm_coarse"):
        ev = case["expected"][label]["events"]
        ev["V_m"] = [v + e_l[s - 1] for v, s in zip(ev["V_m"], ev["senders"], strict=True)]
    case["note"] = ("NEST 3.10's multimeter records V_m - E_L for iaf_psc_exp_htum; the V_m samples here are "
                    "NEST's plus each neuron's E_L (made by tools/make_reference_models3.py).")


def main() -> int:
    """Run each case in NEST, write it and the model's defaults; print each file's size and spike count."""
    import nest

    for model, (neurons, rec, w_ex, w_in, dc, what) in CASES.items():
        case = _drive(model, neurons, rec, w_ex, w_in, 30.0, 200.0, dc,
                      f"{what} under dc and step currents and excitatory/inhibitory spikes at two weights each; "
                      f"{rec[0]} and {rec[1]} at each step up to 30 ms, all recordables every 2 ms.")
        case["expected"] = run_nest(case)
        if model == "iaf_psc_exp_htum":
            _absolute_v_m(case, neurons)
        case["nest_version"] = nest.__version__
        path = OUT / f"{case['name']}.json"
        path.write_text(json.dumps(case, separators=(",", ":")) + "\n")
        print(f"{path.name}: {path.stat().st_size // 1024} kB, {case['expected']['sr']['n_events']} spikes")
        nest.ResetKernel()
        d = nest.GetDefaults(model)
        defaults = {k: float(v) for k, v in sorted(d.items())
                    if isinstance(v, (int, float)) and not isinstance(v, bool)
                    and k not in ("global_id", "local_id", "model_id", "thread", "vp", "thread_local_id",
                                  "post_trace", "t_spike", "elementsize", "archiver_length", "Ca", "beta_Ca",
                                  "tau_Ca", "ignore_and_spike_interval", "ignore_and_spike_offset")}
        defaults["recordables"] = sorted(str(r) for r in d["recordables"])  # type: ignore[assignment]
        (OUT.parent / f"{model}_defaults.json").write_text(json.dumps(defaults, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
