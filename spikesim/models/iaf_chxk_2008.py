"""iaf_chxk_2008: conductance-based integrate-and-fire with after-hyperpolarisation.

As NEST 3.10's ``iaf_chxk_2008`` (Casti et al. 2008): no reset and no refractory
period; each step the membrane potential ``V_m`` (mV, absolute) and three alpha-shaped
conductances (excitatory ``g_ex``, inhibitory ``g_in``, after-hyperpolarisation
``g_ahp``, nS, with their derivatives) are integrated over ``[0, h]`` with GSL's
adaptive RKF45 as NEST drives it (:func:`spikesim.models._rkf45.integrate_arr`,
absolute error 1e-3)::

    C_m dV/dt = -g_L (V - E_L) - g_ex (V - E_ex) - g_in (V - E_in) - g_ahp (V - E_ahp) + I + I_e

``I`` the external current of the last step (pA).  ``V_m`` crossing ``V_th`` upwards
within the step is a spike; NEST places it at ``dt = h (V - V_th) / (V - V_prev)``
before the step's end by linear interpolation and starts the after-hyperpolarisation
there: ``dg_ahp`` gains ``g_ahp e / tau_ahp exp(-dt/tau_ahp)`` and ``g_ahp`` that times
``dt`` (with ``ahp_bug``, both are set to these values instead, as in the original
model code).  NEST sends ``dt`` as the spike's offset, which only precise-timing
receivers use; NEST's spike recorder (without ``precise_times``) records the step's
grid time, and so does spikesim.  Spikes of positive weight (nS) add ``e / tau_syn_ex``
times their weight to ``dg_ex``, the others ``e / tau_syn_in`` times minus their weight
to ``dg_in``.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numba import njit, prange

from spikesim.models._common import sample, take
from spikesim.models._rkf45 import N_WORK, integrate_arr, stop_unstable, unstable_reason
from spikesim.models.base import CH_CUR, CH_EX, CH_IN, INPUT_SPLIT, NeuronModel

# state rows: the integrated ones first (V, then derivative and conductance per synapse)
V, DGE, GE, DGI, GI, DGA, GA, ISE, ISI, IAHP, I0, HINT = range(12)
N_Y = 7
# derived rows
VTH, GLK, CM, EEX, EIN, EL, TSE, TSI, IE, TAHP, EAHP, BUG, PSCE, PSCI, PSCA, STEP = range(16)


@njit(cache=True, inline="always")
def _rhs(p, y, f):
    i_stim, D = p
    v = y[V]
    i_ex = y[GE] * (v - D[EEX])
    i_in = y[GI] * (v - D[EIN])
    i_ahp = y[GA] * (v - D[EAHP])
    i_leak = D[GLK] * (v - D[EL])
    f[V] = (-i_leak - i_ex - i_in - i_ahp + i_stim + D[IE]) / D[CM]
    f[DGE] = -y[DGE] / D[TSE]
    f[GE] = y[DGE] - (y[GE] / D[TSE])
    f[DGI] = -y[DGI] / D[TSI]
    f[GI] = y[DGI] - (y[GI] / D[TSI])
    f[DGA] = -y[DGA] / D[TAHP]
    f[GA] = y[DGA] - (y[GA] / D[TAHP])


@njit(cache=True)
def _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j):
    g = base + j
    c = rec_col[j]
    Dj = D[:, j].copy()
    y = np.empty(N_Y)
    w = np.empty((N_WORK, N_Y))
    ctl = (1e-3, 0.0, 1.0, 0.0)  # NEST's gsl_odeiv_control_y_new(1e-3, 0)
    for i in range(m):
        slot = (s0 + i) % L
        for r in range(N_Y):
            y[r] = S[r, j]
        v_prev = y[V]
        h_int = S[HINT, j] if S[HINT, j] > 0.0 else Dj[STEP]
        h_int = integrate_arr(_rhs, (S[I0, j], Dj), y, Dj[STEP], h_int, w, ctl)
        if h_int < 0.0:  # the integrator gave up: the wrapper (stop_unstable) raises
            S[HINT, j] = -1.0
            return
        S[HINT, j] = h_int
        if v_prev < Dj[VTH] and y[V] >= Dj[VTH]:
            dt = Dj[STEP] * (y[V] - Dj[VTH]) / (y[V] - v_prev)
            delta_dg = Dj[PSCA] * math.exp(-dt / Dj[TAHP])
            delta_g = delta_dg * dt
            if Dj[BUG] != 0.0:
                y[GA] = delta_g
                y[DGA] = delta_dg
            else:
                y[GA] += delta_g
                y[DGA] += delta_dg
            spk[i, j] = 1
        y[DGE] += take(ring, CH_EX, slot, g) * Dj[PSCE]
        y[DGI] += -take(ring, CH_IN, slot, g) * Dj[PSCI]
        for r in range(N_Y):
            S[r, j] = y[r]
        S[ISE, j] = y[GE] * (y[V] - Dj[EEX])
        S[ISI, j] = y[GI] * (y[V] - Dj[EIN])
        S[IAHP, j] = y[GA] * (y[V] - Dj[EAHP])
        S[I0, j] = take(ring, CH_CUR, slot, g)
        if rec_mask[i] and c >= 0:
            sample(S, j, i, c, rec_rows, rec_out)


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j)


#: why a neuron stops (the message of its NumericalInstability)
UNSTABLE = unstable_reason("the conductances, g_L, C_m, the time constants")


class IafChxk2008(NeuronModel):
    """NEST's ``iaf_chxk_2008``: conductance-based, no reset, spike-triggered AHP conductance.

    Parameters in NEST's units: ``V_th``, ``E_L``, ``E_ex``, ``E_in``, ``E_ahp`` (mV);
    ``g_L``, ``g_ahp`` (the AHP amplitude) in nS; ``C_m`` in pF; ``tau_syn_ex``,
    ``tau_syn_in``, ``tau_ahp`` in ms; ``I_e`` in pA; ``ahp_bug`` (bool).  State:
    ``V_m`` (mV), the conductances ``g_ex``, ``g_in``, ``g_ahp_t`` (nS; NEST's
    recordable ``g_ahp``, renamed in the status because ``g_ahp`` is the parameter) and
    their derivatives ``dg_ex``, ``dg_in``, ``dg_ahp`` (nS/ms), the currents ``I_syn_ex``,
    ``I_syn_in``, ``I_ahp`` (pA, read-only), ``I`` (pA), ``integration_step`` (ms).
    Recordables: ``V_m``, ``g_ex``, ``g_in``, ``g_ahp`` (nS), ``I_syn_ex``, ``I_syn_in``,
    ``I_ahp`` (pA).  Weights are in nS.
    """

    name = "iaf_chxk_2008"
    params: ClassVar[dict[str, Any]] = {
        "V_th": -45.0, "g_L": 100.0, "C_m": 1000.0, "E_ex": 20.0, "E_in": -90.0, "E_L": -60.0,
        "tau_syn_ex": 1.0, "tau_syn_in": 1.0, "I_e": 0.0, "tau_ahp": 0.5, "g_ahp": 443.8, "E_ahp": -95.0,
        "ahp_bug": False}
    state: ClassVar[dict[str, tuple[float, str | None]]] = {
        "V_m": (-60.0, None), "dg_ex": (0.0, None), "g_ex": (0.0, None), "dg_in": (0.0, None),
        "g_in": (0.0, None), "dg_ahp": (0.0, None), "g_ahp_t": (0.0, None), "I_syn_ex": (0.0, None),
        "I_syn_in": (0.0, None), "I_ahp": (0.0, None), "I": (0.0, None), "integration_step": (0.0, None)}
    recordables = ("I_ahp", "I_syn_ex", "I_syn_in", "V_m", "g_ahp", "g_ex", "g_in")
    read_only_state = ("I_syn_ex", "I_syn_in", "I_ahp")
    units: ClassVar[dict[str, str]] = {"V_m": "mV", "g_ex": "nS", "g_in": "nS", "g_ahp": "nS", "I_syn_ex": "pA",
                                       "I_syn_in": "pA", "I_ahp": "pA"}
    input_mode = INPUT_SPLIT
    positive = ("C_m", "tau_syn_ex", "tau_syn_in", "tau_ahp")
    kernel = staticmethod(stop_unstable(_update, "iaf_chxk_2008", HINT, UNSTABLE))

    @classmethod
    def recordable_source(cls, name: str, state_names: tuple[str, ...],
                          h: float) -> tuple[int, float, str | None]:
        """The state row of a recordable (``g_ahp``: the conductance row ``g_ahp_t``, nS)."""
        row = "g_ahp_t" if name == "g_ahp" else name
        return state_names.index(row), 1.0, None

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((16, n))
        for row, key in ((VTH, "V_th"), (GLK, "g_L"), (CM, "C_m"), (EEX, "E_ex"), (EIN, "E_in"), (EL, "E_L"),
                         (TSE, "tau_syn_ex"), (TSI, "tau_syn_in"), (IE, "I_e"), (TAHP, "tau_ahp"),
                         (EAHP, "E_ahp")):
            D[row] = np.asarray(P[key], dtype=float)
        D[BUG] = np.asarray(P["ahp_bug"], dtype=bool)
        D[PSCE] = 1.0 * math.e / D[TSE]
        D[PSCI] = 1.0 * math.e / D[TSI]
        D[PSCA] = np.asarray(P["g_ahp"], dtype=float) * math.e / D[TAHP]
        D[STEP] = h
        return D
