"""hh_psc_alpha: Hodgkin-Huxley neuron with alpha-shaped synaptic currents.

As NEST 3.10's ``hh_psc_alpha`` (the squid axon model with rates in 1/ms, V in mV):

    C_m dV/dt = -(g_Na m^3 h (V - E_Na) + g_K n^4 (V - E_K) + g_L (V - E_L))
                + I_stim + I_e + I_syn_ex + I_syn_in
    dx/dt = alpha_x(V) (1 - x) - beta_x(V) x      for x in m, h, n

with alpha-shaped synaptic currents (a spike of weight ``w`` pA adds ``w e / tau_syn`` to
the current's derivative; inhibitory weights stay negative).  Each 0.1 ms step is
integrated with GSL's adaptive rkf45 (absolute error 1e-3, as NEST sets it); spikes of
the step are added afterwards, and a spike is emitted when, outside the refractory
period, ``V_m >= 0`` and ``V_m`` fell during the step (a local maximum above 0 mV).  The
refractory period only blocks further spikes: the dynamics run on.  The current read
in step ``s`` acts during step ``s + 1``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import sample, take
from spikesim.models._rkf45 import N_WORK, integrate_arr, stop_unstable, unstable_reason
from spikesim.models.base import CH_CUR, CH_EX, CH_IN, INPUT_SPLIT, NeuronModel, refractory_steps
from spikesim.models.iaf_cond_exp import integration_step

# state rows (the first eight are NEST's integrator vector, in its order)
VM, HM, HH, HN, DIEX, IEX, DIIN, IIN, R, ISTIM, HINT = range(11)
NY = 8
# derived rows
GNA, GK, GL, ENA, EK, EL, CM, TEX, TIN, IE, NREF, STEP, PSE, PSI = range(14)
#: NEST's error control for this model: gsl_odeiv_control_y_new(1e-3, 0.0)
CONTROL = (1e-3, 0.0, 1.0, 0.0)


def _equilibrium(v: float) -> tuple[float, float, float]:
    """Steady-state ``(m, h, n)`` at ``v`` mV, as NEST starts a new neuron (at -65 mV)."""
    alpha_n = (0.01 * (v + 55.0)) / (1.0 - math.exp(-(v + 55.0) / 10.0))
    beta_n = 0.125 * math.exp(-(v + 65.0) / 80.0)
    alpha_m = (0.1 * (v + 40.0)) / (1.0 - math.exp(-(v + 40.0) / 10.0))
    beta_m = 4.0 * math.exp(-(v + 65.0) / 18.0)
    alpha_h = 0.07 * math.exp(-(v + 65.0) / 20.0)
    beta_h = 1.0 / (1.0 + math.exp(-(v + 35.0) / 10.0))
    return alpha_m / (alpha_m + beta_m), alpha_h / (alpha_h + beta_h), alpha_n / (alpha_n + beta_n)


M0, H0, N0 = _equilibrium(-65.0)


@njit(cache=True, inline="always")
def _rhs(p, y, f):
    g_na, g_k, g_l, e_na, e_k, e_l, c_m, tau_ex, tau_in, i_e, i_stim = p
    V = y[VM]
    m = y[HM]
    h = y[HH]
    n = y[HN]
    alpha_n = (0.01 * (V + 55.0)) / (1.0 - math.exp(-(V + 55.0) / 10.0))
    beta_n = 0.125 * math.exp(-(V + 65.0) / 80.0)
    alpha_m = (0.1 * (V + 40.0)) / (1.0 - math.exp(-(V + 40.0) / 10.0))
    beta_m = 4.0 * math.exp(-(V + 65.0) / 18.0)
    alpha_h = 0.07 * math.exp(-(V + 65.0) / 20.0)
    beta_h = 1.0 / (1.0 + math.exp(-(V + 35.0) / 10.0))
    i_na = g_na * m * m * m * h * (V - e_na)
    i_k = g_k * n * n * n * n * (V - e_k)
    i_l = g_l * (V - e_l)
    f[VM] = (-(i_na + i_k + i_l) + i_stim + i_e + y[IEX] + y[IIN]) / c_m
    f[HM] = alpha_m * (1 - m) - beta_m * m
    f[HH] = alpha_h * (1 - h) - beta_h * h
    f[HN] = alpha_n * (1 - n) - beta_n * n
    f[DIEX] = -y[DIEX] / tau_ex
    f[IEX] = y[DIEX] - (y[IEX] / tau_ex)
    f[DIIN] = -y[DIIN] / tau_in
    f[IIN] = y[DIIN] - (y[IIN] / tau_in)


@njit(cache=True)
def _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j):
    """Advance neuron ``j`` over ``m`` steps (NEST's update loop)."""
    g = base + j
    y = np.empty(NY)
    w = np.empty((N_WORK, NY))
    for k in range(NY):
        y[k] = S[k, j]
    r = S[R, j]
    i_stim = S[ISTIM, j]
    t1 = D[STEP, j]
    h_int = S[HINT, j]
    if not h_int > 0.0:  # not yet initialised (NEST: IntegrationStep = resolution)
        h_int = t1
    c = rec_col[j]
    for i in range(m):
        slot = (s0 + i) % L
        u_old = y[VM]
        p = (D[GNA, j], D[GK, j], D[GL, j], D[ENA, j], D[EK, j], D[EL, j], D[CM, j], D[TEX, j], D[TIN, j],
             D[IE, j], i_stim)
        h_int = integrate_arr(_rhs, p, y, t1, h_int, w, CONTROL)
        if h_int < 0.0:  # steps shrunk to nothing (NEST's loop would not return)
            S[HINT, j] = -1.0  # the wrapper (stop_unstable) raises
            return
        y[DIEX] += take(ring, CH_EX, slot, g) * D[PSE, j]
        y[DIIN] += take(ring, CH_IN, slot, g) * D[PSI, j]  # negative weights: a negative current
        if r > 0.0:
            r -= 1.0
        elif y[VM] >= 0.0 and u_old > y[VM]:  # above 0 mV and past the maximum
            r = D[NREF, j]
            spk[i, j] = 1
        i_stim = take(ring, CH_CUR, slot, g)
        if rec_mask[i] and c >= 0:
            for k in range(NY):
                S[k, j] = y[k]
            S[R, j] = r
            sample(S, j, i, c, rec_rows, rec_out)
    for k in range(NY):
        S[k, j] = y[k]
    S[R, j] = r
    S[ISTIM, j] = i_stim
    S[HINT, j] = h_int


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j)


class HhPscAlpha(NeuronModel):
    """NEST's ``hh_psc_alpha``: Hodgkin-Huxley neuron, alpha-shaped currents (RKF45).

    Parameters: ``g_Na``, ``g_K``, ``g_L`` in nS, ``E_Na``, ``E_K``, ``E_L`` in mV, ``C_m``
    in pF, ``tau_syn_ex``, ``tau_syn_in``, ``t_ref`` in ms, ``I_e`` in pA.  State: ``V_m``
    (mV), gating variables ``Act_m``, ``Inact_h``, ``Act_n`` (dimensionless, starting at
    their steady state at -65 mV), ``I_syn_ex``, ``I_syn_in`` (pA) and their derivatives
    (pA/ms).  Recordables: ``V_m``, ``I_syn_ex``, ``I_syn_in``, ``Act_m``, ``Inact_h``,
    ``Act_n``.  Weights are in pA.
    """
    name = "hh_psc_alpha"
    params = {"t_ref": 2.0, "g_Na": 12000.0, "g_K": 3600.0, "g_L": 30.0, "C_m": 100.0, "E_Na": 50.0,
              "E_K": -77.0, "E_L": -54.402, "tau_syn_ex": 0.2, "tau_syn_in": 2.0, "I_e": 0.0}
    state = {"V_m": (-65.0, None), "Act_m": (M0, None), "Inact_h": (H0, None), "Act_n": (N0, None),
             "dI_syn_ex": (0.0, None), "I_syn_ex": (0.0, None), "dI_syn_in": (0.0, None),
             "I_syn_in": (0.0, None), "refractory_count": (0.0, None), "I_stim": (0.0, None),
             "integration_step": (0.0, None)}
    recordables = ("V_m", "I_syn_ex", "I_syn_in", "Act_m", "Inact_h", "Act_n")
    units = {"V_m": "mV", "I_syn_ex": "pA", "I_syn_in": "pA"}
    input_mode = INPUT_SPLIT
    kernel = staticmethod(stop_unstable(
        _update, "hh_psc_alpha", HINT,
        unstable_reason("I_syn_ex, I_syn_in, g_Na, g_K, g_L, C_m, I_e")))

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """NEST's ``set_status`` checks (arrays, one value per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            Naming the first offending parameter, its value and what is allowed.
        """
        for key, strict in (("C_m", True), ("t_ref", False), ("tau_syn_ex", True), ("tau_syn_in", True),
                            ("g_K", False), ("g_Na", False), ("g_L", False)):
            x = np.asarray(P[key], dtype=float)
            bad = ~(x > 0.0) if strict else ~(x >= 0.0)
            if bad.any():
                raise bad_property(cls.name, key, float(x[bad][0]), "it must be > 0" if strict else "it must be >= 0")

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((14, n))
        for row, key in ((GNA, "g_Na"), (GK, "g_K"), (GL, "g_L"), (ENA, "E_Na"), (EK, "E_K"), (EL, "E_L"),
                         (CM, "C_m"), (TEX, "tau_syn_ex"), (TIN, "tau_syn_in"), (IE, "I_e")):
            D[row] = P[key]
        D[NREF] = refractory_steps(P["t_ref"], h)
        D[STEP] = integration_step(h)
        D[PSE] = 1.0 * np.e / np.asarray(P["tau_syn_ex"], dtype=float)
        D[PSI] = 1.0 * np.e / np.asarray(P["tau_syn_in"], dtype=float)
        return D
