"""iaf_cond_exp_sfa_rr: iaf_cond_exp with spike-frequency adaptation and relative refractoriness.

As NEST 3.10's ``iaf_cond_exp_sfa_rr`` (Dayan & Abbott 2001, p. 166): the state
``y = (V_m, g_ex, g_in, g_sfa, g_rr)`` follows

    dV_m/dt = (-g_L (V - E_L) + I_stim + I_e - g_ex (V - E_ex) - g_in (V - E_in)
               - g_sfa (V - E_sfa) - g_rr (V - E_rr)) / C_m
    dg_x/dt = -g_x / tau_x      for x in ex (tau_syn_ex), in (tau_syn_in), sfa, rr

with ``V = min(V_m, V_th)``, or, while refractory, ``V = V_reset`` and ``dV_m/dt = 0``.
Each step is integrated with GSL's adaptive RKF45 (absolute error 1e-3) and then
updated as ``iaf_cond_exp`` is (:mod:`spikesim.models.iaf_cond_exp`): the step's spikes
join the conductances, then the refractory count or the threshold; a spike also adds
``q_sfa`` and ``q_rr`` (nS) to ``g_sfa`` and ``g_rr``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from spikesim.models._common import sample, take
from spikesim.models._rkf45 import integrate, rkf45_step5, stop_unstable
from spikesim.models.base import CH_CUR, CH_EX, CH_IN, INPUT_SPLIT, NeuronModel, refractory_steps
from spikesim.models.iaf_cond_exp import COND_UNSTABLE, check_cond, integration_step

# state rows
VM, GEX, GIN, GSFA, GRR, R, ISTIM, HINT = range(8)
# derived rows
VTH, VRESET, GL, CM, EEX, EIN, EL, TEX, TIN, IE, NREF, STEP, ESFA, ERR, TSFA, TRR, QSFA, QRR = range(18)


@njit(cache=True, inline="always")
def _rhs(p, y):
    refractory, v_reset, v_th, g_l, e_l, e_ex, e_in, c_m, tau_ex, tau_in, i_stim, i_e, e_sfa, e_rr, tau_sfa, \
        tau_rr = p
    v_m, g_ex, g_in, g_sfa, g_rr = y
    if refractory:  # noqa: SIM108 - NEST's structure, kept for comparison with its source
        V = v_reset
    else:
        V = v_th if v_th < v_m else v_m  # std::min(V_m, V_th)
    i_syn_exc = g_ex * (V - e_ex)
    i_syn_inh = g_in * (V - e_in)
    i_l = g_l * (V - e_l)
    i_sfa = g_sfa * (V - e_sfa)
    i_rr = g_rr * (V - e_rr)
    dv = 0.0 if refractory else (-i_l + i_stim + i_e - i_syn_exc - i_syn_inh - i_sfa - i_rr) / c_m
    return dv, -g_ex / tau_ex, -g_in / tau_in, -g_sfa / tau_sfa, -g_rr / tau_rr


@njit(cache=True)
def _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j):
    """Advance neuron ``j`` over ``m`` steps (NEST's update loop)."""
    g = base + j
    y = (S[VM, j], S[GEX, j], S[GIN, j], S[GSFA, j], S[GRR, j])
    r, i_stim, step, h_int = S[R, j], S[ISTIM, j], D[STEP, j], S[HINT, j]
    if not h_int > 0.0:  # not yet initialised (NEST: IntegrationStep = resolution)
        h_int = step
    v_th, v_reset = D[VTH, j], D[VRESET, j]
    c = rec_col[j]
    for i in range(m):
        slot = (s0 + i) % L
        p = (r > 0.0, v_reset, v_th, D[GL, j], D[EL, j], D[EEX, j], D[EIN, j], D[CM, j], D[TEX, j], D[TIN, j],
             i_stim, D[IE, j], D[ESFA, j], D[ERR, j], D[TSFA, j], D[TRR, j])
        y, h_int = integrate(rkf45_step5, _rhs, p, y, step, h_int)
        if h_int < 0.0:  # the integrator gave up: stored as -1, the wrapper (stop_unstable) raises
            break
        v_m, g_ex, g_in, g_sfa, g_rr = y
        g_ex += take(ring, CH_EX, slot, g)
        g_in -= take(ring, CH_IN, slot, g)  # inhibitory weights arrive negative
        if r > 0.0:
            r -= 1.0
            v_m = v_reset
        elif v_m >= v_th:
            r = D[NREF, j]
            v_m = v_reset
            g_sfa += D[QSFA, j]
            g_rr += D[QRR, j]
            spk[i, j] = 1
        y = (v_m, g_ex, g_in, g_sfa, g_rr)
        i_stim = take(ring, CH_CUR, slot, g)
        if rec_mask[i] and c >= 0:
            S[VM, j], S[GEX, j], S[GIN, j], S[GSFA, j], S[GRR, j], S[R, j] = v_m, g_ex, g_in, g_sfa, g_rr, r
            sample(S, j, i, c, rec_rows, rec_out)
    S[VM, j], S[GEX, j], S[GIN, j], S[GSFA, j], S[GRR, j] = y
    S[R, j], S[ISTIM, j], S[HINT, j] = r, i_stim, h_int


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j)


class IafCondExpSfaRr(NeuronModel):
    """NEST's ``iaf_cond_exp_sfa_rr``: conductance-based integrate-and-fire with adaptation (RKF45).

    Parameters: potentials and reversal potentials in mV, ``g_L``, ``q_sfa``, ``q_rr`` in nS,
    ``C_m`` in pF, time constants and ``t_ref`` in ms, ``I_e`` in pA.  State: ``V_m`` (mV),
    conductances ``g_ex``, ``g_in``, ``g_sfa``, ``g_rr`` (nS).  Recordables: the five.
    Weights are in nS.
    """
    name = "iaf_cond_exp_sfa_rr"
    params = {
        "V_th": -57.0, "V_reset": -70.0, "t_ref": 0.5, "g_L": 28.95, "C_m": 289.5, "E_ex": 0.0, "E_in": -75.0,
        "E_L": -70.0, "tau_syn_ex": 1.5, "tau_syn_in": 10.0, "I_e": 0.0, "tau_sfa": 110.0, "tau_rr": 1.97,
        "E_sfa": -70.0, "E_rr": -70.0, "q_sfa": 14.48, "q_rr": 3214.0, "tau_minus": 20.0, "tau_minus_triplet": 110.0,
    }
    state = {"V_m": (-70.0, None), "g_ex": (0.0, None), "g_in": (0.0, None), "g_sfa": (0.0, None),
             "g_rr": (0.0, None), "refractory_count": (0.0, None), "I_stim": (0.0, None),
             "integration_step": (0.0, None)}
    recordables = ("V_m", "g_ex", "g_in", "g_sfa", "g_rr")
    units = {"V_m": "mV", "g_ex": "nS", "g_in": "nS", "g_sfa": "nS", "g_rr": "nS"}
    input_mode = INPUT_SPLIT
    kernel = staticmethod(stop_unstable(_update, "iaf_cond_exp_sfa_rr", HINT, COND_UNSTABLE))

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """NEST's checks (arrays, one value per neuron): ``V_reset < V_th``, ``C_m > 0``,
        ``t_ref >= 0``, every time constant > 0.

        Raises
        ------
        BadProperty
            Naming the first offending parameter, its value and what is allowed.
        """
        check_cond(cls, P)

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((18, n))
        for row, key in ((VTH, "V_th"), (VRESET, "V_reset"), (GL, "g_L"), (CM, "C_m"), (EEX, "E_ex"),
                         (EIN, "E_in"), (EL, "E_L"), (TEX, "tau_syn_ex"), (TIN, "tau_syn_in"), (IE, "I_e"),
                         (ESFA, "E_sfa"), (ERR, "E_rr"), (TSFA, "tau_sfa"), (TRR, "tau_rr"), (QSFA, "q_sfa"),
                         (QRR, "q_rr")):
            D[row] = P[key]
        D[NREF] = refractory_steps(P["t_ref"], h)
        D[STEP] = integration_step(h)
        return D
