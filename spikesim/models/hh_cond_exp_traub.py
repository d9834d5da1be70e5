"""hh_cond_exp_traub: Hodgkin-Huxley neuron after Traub and Miles, exponential conductances.

As NEST 3.10's ``hh_cond_exp_traub`` (the cell of the COBAHH benchmark of Brette et al.
2007; rates in 1/ms, V in mV, ``u = V_m - V_T``):

    C_m dV/dt = -(g_Na m^3 h (V - E_Na) + g_K n^4 (V - E_K) + g_L (V - E_L)
                  + g_ex (V - E_ex) + g_in (V - E_in)) + I_stim + I_e
    dx/dt = alpha_x(u) - (alpha_x(u) + beta_x(u)) x      for x in m, h, n
    dg_ex/dt = -g_ex / tau_syn_ex,   dg_in/dt = -g_in / tau_syn_in

Each step is integrated with GSL's adaptive rkf45 (absolute error 1e-3, as NEST sets
it); then the step's spikes are added to the conductances (a weight ``|w|`` nS adds
``|w|``), and, outside the refractory period, a spike is emitted when ``V_m >= V_T + 30``
and ``V_m`` fell during the step (past its maximum).  The refractory period only blocks
further spikes.  The current read in step ``s`` acts during step ``s + 1``.  A new
neuron starts at ``V_m = -60`` mV with the gating variables at NEST's starting values
(the steady state of the rate functions taken at ``u = -60``, as NEST computes them).
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

# state rows (the first six are NEST's integrator vector, in its order)
VM, HM, HH, HN, GEX, GIN, R, ISTIM, HINT = range(9)
NY = 6
# derived rows
GNA, GK, GL, ENA, EK, EL, VT, EEX, EIN, CM, TEX, TIN, IE, NREF, STEP = range(15)
#: NEST's error control for this model: gsl_odeiv_control_y_new(1e-3, 0.0)
CONTROL = (1e-3, 0.0, 1.0, 0.0)


@njit(cache=True, inline="always")
def _rates(u: float) -> tuple[float, float, float, float, float, float]:
    """Opening and closing rates (1/ms) ``alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n`` at ``u`` (mV)."""
    alpha_n = 0.032 * (15.0 - u) / (math.exp((15.0 - u) / 5.0) - 1.0)
    beta_n = 0.5 * math.exp((10.0 - u) / 40.0)
    alpha_m = 0.32 * (13.0 - u) / (math.exp((13.0 - u) / 4.0) - 1.0)
    beta_m = 0.28 * (u - 40.0) / (math.exp((u - 40.0) / 5.0) - 1.0)
    alpha_h = 0.128 * math.exp((17.0 - u) / 18.0)
    beta_h = 4.0 / (1.0 + math.exp((40.0 - u) / 5.0))
    return alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n


def _start(u: float) -> tuple[float, float, float]:
    """``(m, h, n)`` at the steady state of the rate functions taken at ``u`` (mV)."""
    alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n = _rates.py_func(u)
    return alpha_m / (alpha_m + beta_m), alpha_h / (alpha_h + beta_h), alpha_n / (alpha_n + beta_n)


#: NEST starts every neuron at its default E_L (-60 mV) and takes the rates there, unshifted by V_T
M0, H0, N0 = _start(-60.0)


@njit(cache=True, inline="always")
def _rhs(p, y, f):
    g_na, g_k, g_l, e_na, e_k, e_l, v_t, e_ex, e_in, c_m, tau_ex, tau_in, i_e, i_stim = p
    v = y[VM]
    m = y[HM]
    h = y[HH]
    n = y[HN]
    i_na = g_na * m * m * m * h * (v - e_na)
    i_k = g_k * n * n * n * n * (v - e_k)
    i_l = g_l * (v - e_l)
    i_syn_exc = y[GEX] * (v - e_ex)
    i_syn_inh = y[GIN] * (v - e_in)
    f[VM] = (-i_na - i_k - i_l - i_syn_exc - i_syn_inh + i_stim + i_e) / c_m
    alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n = _rates(v - v_t)
    f[HM] = alpha_m - (alpha_m + beta_m) * m
    f[HH] = alpha_h - (alpha_h + beta_h) * h
    f[HN] = alpha_n - (alpha_n + beta_n) * n
    f[GEX] = -y[GEX] / tau_ex
    f[GIN] = -y[GIN] / tau_in


@njit(cache=True)
def _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j):
    """Advance neuron ``j`` over ``m`` steps (NEST's update loop)."""
    g = base + j
    y = np.empty(NY)
    w = np.empty((N_WORK, NY))
    for k in range(NY):
        y[k] = S[k, j]
    r, i_stim, t1, h_int = S[R, j], S[ISTIM, j], D[STEP, j], S[HINT, j]
    if not h_int > 0.0:  # not yet initialised (NEST: IntegrationStep = resolution)
        h_int = t1
    c = rec_col[j]
    for i in range(m):
        slot = (s0 + i) % L
        u_old = y[VM]
        p = (D[GNA, j], D[GK, j], D[GL, j], D[ENA, j], D[EK, j], D[EL, j], D[VT, j], D[EEX, j], D[EIN, j],
             D[CM, j], D[TEX, j], D[TIN, j], D[IE, j], i_stim)
        h_int = integrate_arr(_rhs, p, y, t1, h_int, w, CONTROL)
        if h_int < 0.0:  # steps shrunk to nothing (NEST's loop would not return)
            S[HINT, j] = -1.0  # the wrapper (stop_unstable) raises
            return
        y[GEX] += take(ring, CH_EX, slot, g)
        y[GIN] += -take(ring, CH_IN, slot, g)  # inhibitory weights arrive negative
        if r > 0.0:
            r -= 1.0
        elif y[VM] >= D[VT, j] + 30.0 and u_old > y[VM]:  # above threshold and past the maximum
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
    S[R, j], S[ISTIM, j], S[HINT, j] = r, i_stim, h_int


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j)


class HhCondExpTraub(NeuronModel):
    """NEST's ``hh_cond_exp_traub``: Hodgkin-Huxley (Traub-Miles), exponential conductances (RKF45).

    Parameters: ``g_Na``, ``g_K``, ``g_L`` in nS, ``E_Na``, ``E_K``, ``E_L``, ``V_T``, ``E_ex``,
    ``E_in`` in mV, ``C_m`` in pF, ``tau_syn_ex``, ``tau_syn_in``, ``t_ref`` in ms, ``I_e`` in
    pA.  State: ``V_m`` (mV), gating variables ``Act_m``, ``Inact_h``, ``Act_n``
    (dimensionless), conductances ``g_ex``, ``g_in`` (nS).  Recordables: ``V_m``, ``g_ex``,
    ``g_in``, ``Act_m``, ``Inact_h``, ``Act_n``.  Weights are in nS.
    """
    name = "hh_cond_exp_traub"
    params = {"g_Na": 20000.0, "g_K": 6000.0, "g_L": 10.0, "C_m": 200.0, "E_Na": 50.0, "E_K": -90.0,
              "E_L": -60.0, "V_T": -63.0, "E_ex": 0.0, "E_in": -80.0, "tau_syn_ex": 5.0, "tau_syn_in": 10.0,
              "t_ref": 2.0, "I_e": 0.0}
    state = {"V_m": (-60.0, None), "Act_m": (M0, None), "Inact_h": (H0, None), "Act_n": (N0, None),
             "g_ex": (0.0, None), "g_in": (0.0, None), "refractory_count": (0.0, None), "I_stim": (0.0, None),
             "integration_step": (0.0, None)}
    recordables = ("V_m", "g_ex", "g_in", "Act_m", "Inact_h", "Act_n")
    units = {"V_m": "mV", "g_ex": "nS", "g_in": "nS"}
    input_mode = INPUT_SPLIT
    kernel = staticmethod(stop_unstable(
        _update, "hh_cond_exp_traub", HINT,
        unstable_reason("g_ex, g_in, g_Na, g_K, g_L, C_m, I_e")))

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """NEST's ``set_status`` checks (arrays, one value per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            Naming the first offending parameter, its value and what is allowed.
        """
        for key, strict in (("C_m", True), ("tau_syn_ex", True), ("tau_syn_in", True), ("t_ref", False)):
            x = np.asarray(P[key], dtype=float)
            bad = ~(x > 0.0) if strict else ~(x >= 0.0)
            if bad.any():
                raise bad_property(cls.name, key, float(x[bad][0]), "it must be > 0" if strict else "it must be >= 0")

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((15, n))
        for row, key in ((GNA, "g_Na"), (GK, "g_K"), (GL, "g_L"), (ENA, "E_Na"), (EK, "E_K"), (EL, "E_L"),
                         (VT, "V_T"), (EEX, "E_ex"), (EIN, "E_in"), (CM, "C_m"), (TEX, "tau_syn_ex"),
                         (TIN, "tau_syn_in"), (IE, "I_e")):
            D[row] = P[key]
        D[NREF] = refractory_steps(P["t_ref"], h)
        D[STEP] = integration_step(h)
        return D
