"""Reference V_m of NEST 3.10 for the bit-for-bit test of the membrane propagators.

Run in NEST's venv:  ~/.venvs/nest/bin/python tools/make_reference_bitwise.py
(writes tests/data/nest/bitwise_vm.json).  Each case creates one neuron with the given
parameters and resolution, drives it by ``I_e`` alone, and records ``V_m`` after each
of eight ``Simulate(h)`` calls as ``float.hex`` strings (exact).  ``E_L = 0`` cases show
the propagators' last bits, which ``V_m = y3 + E_L`` can hide.
"""

from __future__ import annotations

import json
from pathlib import Path

import nest

MODELS = ("iaf_psc_alpha", "iaf_psc_exp", "iaf_psc_delta", "iaf_psc_alpha_multisynapse",
          "iaf_psc_exp_multisynapse", "iaf_psc_exp_htum", "iaf_tum_2000", "gif_psc_exp",
          "gif_psc_exp_multisynapse", "pp_psc_delta", "iaf_cond_exp", "iaf_cond_alpha", "aeif_cond_alpha")
#: (resolution ms, parameters) per case; the threshold is far away so nothing spikes
CASES = (
    (0.1, {"I_e": 1.0, "E_L": 0.0, "V_m": 0.0}),
    (0.1, {"I_e": 300.0}),
    (0.1, {"I_e": 170.0, "tau_m": 7.3, "C_m": 123.0}),
    (0.05, {"I_e": 55.5, "E_L": 0.0, "V_m": 0.0, "tau_m": 13.7}),
    (0.2, {"I_e": 421.0, "C_m": 301.0}),
)
OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "nest" / "bitwise_vm.json"


def case(model: str, h: float, params: dict[str, float]) -> list[str] | None:
    """The eight V_m values of one case, or None where the model lacks a parameter."""
    nest.ResetKernel()
    nest.resolution = h
    n = nest.Create(model)
    have = n.get()
    p = dict(params)
    if any(k not in have for k in p):
        return None
    if "V_th" in have:
        p["V_th"] = 1e3
    if "V_reset" in have and "V_th" in have:
        p["V_reset"] = min(have["V_reset"], -10.0)
    if "V_peak" in have:
        p["V_peak"] = 2e3
    if model.startswith("gif"):
        p["lambda_0"] = 0.0
    if model == "pp_psc_delta":
        p["c_1"], p["c_2"] = 0.0, 0.0
    n.set(p)
    out = []
    for _ in range(8):
        nest.Simulate(h)
        out.append(float(n.get("V_m")).hex())
    return out


def main() -> None:
    """Write the reference file."""
    nest.set_verbosity("M_ERROR")
    rows = []
    for model in MODELS:
        for h, params in CASES:
            vm = case(model, h, params)
            if vm is not None:
                rows.append({"model": model, "resolution": h, "params": params, "V_m_hex": vm})
    OUT.write_text(json.dumps({"nest": nest.__version__, "cases": rows}, indent=1) + "\n")
    print(f"{len(rows)} cases -> {OUT}")


if __name__ == "__main__":
    main()
