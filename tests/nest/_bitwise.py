"""The runs behind tests/data/nest/bitwise_vm.json, written against a ``nest`` module
argument so that NEST (tools/make_reference_bitwise.py, in NEST's venv) and spikesim's
face (tests/nest/test_bitwise_vm.py) make exactly the same calls."""

from __future__ import annotations

from types import ModuleType
from typing import Any

#: models of the current-driven cases: one neuron, ``I_e`` only, no spike
CURRENT_MODELS = ("iaf_psc_alpha", "iaf_psc_exp", "iaf_psc_delta", "iaf_psc_alpha_multisynapse",
                  "iaf_psc_exp_multisynapse", "iaf_psc_exp_htum", "iaf_tum_2000", "gif_psc_exp",
                  "gif_psc_exp_multisynapse", "pp_psc_delta", "iaf_cond_exp", "iaf_cond_alpha", "aeif_cond_alpha",
                  "amat2_psc_exp")
#: (resolution ms, parameters) of the current-driven cases; E_L = 0 shows the propagators' last bits
CURRENT_CASES: tuple[tuple[float, dict[str, float]], ...] = (
    (0.1, {"I_e": 1.0, "E_L": 0.0, "V_m": 0.0}),
    (0.1, {"I_e": 300.0}),
    (0.1, {"I_e": 170.0, "tau_m": 7.3, "C_m": 123.0}),
    (0.05, {"I_e": 55.5, "E_L": 0.0, "V_m": 0.0, "tau_m": 13.7}),
    (0.2, {"I_e": 421.0, "C_m": 301.0}),
)
#: models of the spike-driven cases: two spike generators (one excitatory, one inhibitory)
SPIKE_MODELS = ("iaf_psc_alpha", "iaf_psc_exp", "iaf_psc_delta", "iaf_psc_alpha_multisynapse",
                "iaf_psc_exp_multisynapse", "iaf_psc_exp_htum", "iaf_tum_2000", "mat2_psc_exp", "gif_psc_exp",
                "iaf_cond_alpha", "iaf_cond_exp", "iaf_cond_beta", "aeif_cond_alpha", "aeif_psc_exp",
                "aeif_psc_alpha", "aeif_psc_delta", "hh_psc_alpha", "izhikevich", "iaf_cond_exp_sfa_rr",
                "hh_cond_exp_traub", "gif_cond_exp", "pp_psc_delta", "amat2_psc_exp")
#: models whose weights are in mV (delta synapses): smaller weights keep them below threshold
_MV_WEIGHTS = ("iaf_psc_delta", "mat2_psc_exp", "pp_psc_delta")


def _quiet(model: str, have: dict[str, Any]) -> dict[str, float]:
    """Parameters that keep a neuron from spiking (far threshold, no escape noise)."""
    p: dict[str, float] = {}
    if model in ("mat2_psc_exp", "amat2_psc_exp"):  # their V_th is a read-only state (adaptive threshold)
        return {"omega": 1e3}
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
    return p


def current_case(nest: ModuleType, model: str, h: float, params: dict[str, float]) -> list[str] | None:
    """``V_m`` (``float.hex``) after each of eight ``Simulate(h)`` calls of one neuron
    driven by ``I_e``; None where the model lacks one of ``params``."""
    nest.ResetKernel()
    nest.resolution = h
    n = nest.Create(model)
    have = n.get()
    if any(k not in have for k in params):
        return None
    n.set({**params, **_quiet(model, have)})
    out = []
    for _ in range(8):
        nest.Simulate(h)
        out.append(float(n.get("V_m")).hex())
    return out


def spike_case(nest: ModuleType, model: str) -> list[str]:
    """``V_m`` (``float.hex``) after each of 120 steps of 0.1 ms of one neuron (``I_e``
    37 pA where it has one) receiving five excitatory spikes (delay 1.3 ms) and three
    inhibitory ones (delay 0.7 ms, two arriving with excitatory ones)."""
    nest.ResetKernel()
    nest.resolution = 0.1
    n = nest.Create(model)
    have = n.get()
    p = _quiet(model, have)
    if "I_e" in have:
        p["I_e"] = 37.0
    n.set(p)
    ex = nest.Create("spike_generator", params={"spike_times": [1.0, 2.3, 2.4, 5.0, 7.7]})
    inh = nest.Create("spike_generator", params={"spike_times": [1.5, 2.4, 6.1]})
    port = {"receptor_type": 1} if "multisynapse" in model or model == "iaf_tum_2000" else {}
    mv = model in _MV_WEIGHTS
    nest.Connect(ex, n, syn_spec={"weight": 1.37 if mv else 83.7, "delay": 1.3, **port})
    nest.Connect(inh, n, syn_spec={"weight": -0.91 if mv else -61.3, "delay": 0.7, **port})
    out = []
    for _ in range(120):
        nest.Simulate(0.1)
        out.append(float(n.get("V_m")).hex())
    return out
