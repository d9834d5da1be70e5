"""What NEST's AdEx neurons share: parameters, checks, right-hand sides and update.

``aeif_cond_alpha``, ``aeif_cond_exp``, ``aeif_psc_alpha`` and ``aeif_psc_exp`` (NEST 3.10)
integrate

    C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_th) / Delta_T) - I_syn - w + I_e + I_stim
    tau_w dw/dt = a (V - E_L) - w

with ``V = min(V_m, V_peak)``, or ``V = V_reset`` and ``dV_m/dt = 0`` while refractory (``w``
keeps evolving), no exponential term when ``Delta_T = 0``, and
``I_syn = g_ex (V - E_ex) + g_in (V - E_in)`` (conductances, nS) or ``I_syn = I_in - I_ex``
(currents, pA).  Each simulation step ``[0, h]`` is integrated with GSL's adaptive rkf45
under ``gsl_odeiv_control_yp_new(gsl_error_tol, gsl_error_tol)``; unlike ``iaf_cond_*``
the spike test runs after every accepted integrator step: ``V_m >= V_peak`` (``V_th`` when
``Delta_T = 0``) resets ``V_m`` to ``V_reset``, adds ``b`` (pA) to ``w`` and starts
``t_ref`` (plus one step, counted down at the end of the step).  Then spikes arriving in
the step are added (``|weight|`` times ``e / tau_syn`` to the derivative of an alpha
synapse, ``|weight|`` itself to an exponential one) and the current read in this step
acts during the next.

All four use one integrator vector ``(V_m, dx_ex, x_ex, dx_in, x_in, w)``; for
``aeif_cond_exp`` and ``aeif_psc_exp`` the two derivative slots stay exactly zero, which changes neither their
equations nor GSL's error control (a component without error does not raise the
maximum error ratio).  ``aeif_cond_alpha_multisynapse`` and ``aeif_cond_beta_multisynapse`` integrate
``(V_m, w, g_1 .. g_n, dg_1 .. dg_n)`` with ``I_syn = -sum_k g_k (E_rev_k - V)`` (NEST's
order of operations) and the same update (:func:`run_neuron_multi`).
Known difference: NEST can emit two spikes in one step when ``t_ref = 0`` and the
membrane crosses ``V_peak`` twice within it; spikesim records one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import sample, take
from spikesim.models._rkf45 import MAX_SUBSTEPS, N_WORK, evolve_apply_arr, stop_unstable
from spikesim.models.base import CH_CUR, CH_EX, CH_IN, NeuronModel, refractory_steps
from spikesim.models.iaf_cond_exp import integration_step

# integrator vector
YV, YDEX, YEX, YDIN, YIN, YW = range(6)
NY = 6
# derived rows
(VPEAK, VSPIKE, VRESET, VTH, DT, GL, EL, CM, EEX, EIN, TEX, TIN, A, B, TW, IE, NREF, STEP, TOL,
 PSE, PSI, COND, REFIN) = range(23)
N_DERIVED = 23

#: parameters every AdEx model has, NEST's defaults (mV, ms, nS, pF, pA)
AEIF_PARAMS = {
    "V_peak": 0.0, "V_reset": -60.0, "t_ref": 0.0, "g_L": 30.0, "C_m": 281.0, "E_L": -70.6,
    "Delta_T": 2.0, "tau_w": 144.0, "a": 4.0, "b": 80.5, "V_th": -50.4, "tau_syn_ex": 0.2,
    "tau_syn_in": 2.0, "I_e": 0.0, "gsl_error_tol": 1e-6,
}
#: ``E_ex`` and ``E_in`` of the conductance-based ones (mV)
COND_REVERSAL = {"E_ex": 0.0, "E_in": -85.0}
#: NEST's limits of a stable integration: V_m (mV) >= V_MIN, W_MIN <= w (pA) <= W_MAX
V_MIN, W_MIN, W_MAX = -1e3, -1e6, 1e6
#: largest argument of exp() NEST allows at V_peak: log(DBL_MAX / 1e20)
MAX_EXP_ARG = math.log(np.finfo(float).max / 1e20)


@njit(cache=True, inline="always")
def _rhs(p, y, f):
    refractory, cond, v_reset, v_peak, v_th, delta_t, g_l, e_l, c_m, e_ex, e_in, tau_ex, tau_in, a, tau_w, \
        i_e, i_stim = p
    if refractory:  # noqa: SIM108 - NEST's structure, kept for comparison with its source
        V = v_reset
    else:
        V = v_peak if v_peak < y[YV] else y[YV]  # std::min(V_m, V_peak)
    w = y[YW]
    i_spike = 0.0 if delta_t == 0.0 else g_l * delta_t * math.exp((V - v_th) / delta_t)
    if cond:
        i_syn_exc = y[YEX] * (V - e_ex)
        i_syn_inh = y[YIN] * (V - e_in)
        dv = (-g_l * (V - e_l) + i_spike - i_syn_exc - i_syn_inh - w + i_e + i_stim) / c_m
    else:
        dv = (-g_l * (V - e_l) + i_spike + y[YEX] - y[YIN] - w + i_e + i_stim) / c_m
    f[YV] = 0.0 if refractory else dv
    f[YDEX] = -y[YDEX] / tau_ex
    f[YEX] = y[YDEX] - y[YEX] / tau_ex
    f[YDIN] = -y[YDIN] / tau_in
    f[YIN] = y[YDIN] - y[YIN] / tau_in
    f[YW] = (a * (V - e_l) - w) / tau_w


@njit(cache=True, inline="always")
def _params(Dj, refractory, i_stim, extra):
    """The frozen inputs of :func:`_rhs` for one integrator step."""
    return (refractory, Dj[COND] > 0.0, Dj[VRESET], Dj[VPEAK], Dj[VTH], Dj[DT], Dj[GL], Dj[EL], Dj[CM], Dj[EEX],
            Dj[EIN], Dj[TEX], Dj[TIN], Dj[A], Dj[TW], Dj[IE], i_stim)


@njit(cache=True, inline="always")
def _advance(rhs, params, Dj, y, r, i_stim, h_int, w, extra, kw):
    """Integrate one simulation step with the spike test after each integrator step.

    ``rhs`` is the right-hand side, ``params(Dj, refractory, i_stim, extra)`` its frozen
    inputs, ``Dj`` the derived column of the neuron, ``y[0]`` its ``V_m`` and ``y[kw]``
    its ``w``; returns ``(r, h_int, spiked)``, ``h_int = -1`` where the neuron left
    NEST's bounds of a stable integration.
    """
    t1 = Dj[STEP]
    tol = Dj[TOL]
    ctl = (tol, tol, 0.0, 1.0)  # gsl_odeiv_control_yp_new(tol, tol)
    spiked = False
    t = 0.0
    n = 0
    while t < t1:
        n += 1
        if n > MAX_SUBSTEPS:  # steps shrunk to nothing: the equations are stiff beyond use
            return r, -1.0, spiked
        t, h_int = evolve_apply_arr(rhs, params(Dj, r > 0.0, i_stim, extra), y, t, t1, h_int, w, ctl)
        if not (y[YV] >= V_MIN and W_MIN <= y[kw] <= W_MAX):  # NEST's bounds (NaN fails too)
            return r, -1.0, spiked
        if r > 0.0:
            y[YV] = Dj[VRESET]
        elif y[YV] >= Dj[VSPIKE]:
            y[YV] = Dj[VRESET]
            y[kw] += Dj[B]
            # one more than t_ref: the count-down after the step takes it back
            r = Dj[NREF] + 1.0 if Dj[NREF] > 0.0 else 0.0
            spiked = True
    return r, h_int, spiked


@njit(cache=True)
def _one_step(Dj, y, r, i_stim, h_int, w):
    """:func:`_advance` with the two-synapse right-hand side; returns ``(r, h_int, spiked)``."""
    return _advance(_rhs, _params, Dj, y, r, i_stim, h_int, w, 0.0, YW)


@njit(cache=True)
def run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j, rows):
    """Advance neuron ``j`` over ``m`` steps; ``rows`` maps the integrator vector and
    ``(r, I_stim, integration_step)`` to state rows (-1: a slot that stays zero)."""
    g = base + j
    Dj = D[:, j].copy()
    y = np.zeros(NY)
    w = np.empty((N_WORK, NY))
    for k in range(NY):
        if rows[k] >= 0:
            y[k] = S[rows[k], j]
    r = S[rows[6], j]
    i_stim = S[rows[7], j]
    h_int = S[rows[8], j]
    if not h_int > 0.0:  # not yet initialised (NEST: IntegrationStep = resolution)
        h_int = Dj[STEP]
    # alpha synapses take spikes on the derivative slot, exponential ones on the value
    kex = YDEX if rows[YDEX] >= 0 else YEX
    kin = YDIN if rows[YDIN] >= 0 else YIN
    c = rec_col[j]
    for i in range(m):
        slot = (s0 + i) % L
        r, h_int, spiked = _one_step(Dj, y, r, i_stim, h_int, w)
        if h_int < 0.0:  # unstable: the wrapper of the kernel (see checked) raises
            S[rows[8], j] = -1.0
            return
        if spiked:
            spk[i, j] = 1
        if r > 0.0:
            r -= 1.0
        y[kex] += take(ring, CH_EX, slot, g) * Dj[PSE]
        y[kin] += -take(ring, CH_IN, slot, g) * Dj[PSI]  # inhibitory weights arrive negative
        i_stim = take(ring, CH_CUR, slot, g)
        if rec_mask[i] and c >= 0:
            _store(S, j, y, r, rows)
            sample(S, j, i, c, rec_rows, rec_out)
    _store(S, j, y, r, rows)
    S[rows[7], j] = i_stim
    S[rows[8], j] = h_int


@njit(cache=True)
def _one_step_delta(Dj, y, r, i_stim, h_int, w, jump, buf, with_refr):
    """One step of ``aeif_psc_delta``: as :func:`_one_step`, but the step's input
    ``jump`` (mV) is added to ``V_m`` after the first integrator step if the neuron is
    not refractory (then with what it held back while refractory, ``buf``), or held
    back decayed by ``exp(-r h / tau_m)`` (``with_refr``) or dropped; NEST reads the
    input once per step (its buffer clears the value read), and the spike test follows.

    Returns ``(r, h_int, spiked, buf)``.
    """
    t1 = Dj[STEP]
    tol = Dj[TOL]
    ctl = (tol, tol, 0.0, 1.0)
    spiked = False
    t = 0.0
    n = 0
    while t < t1:
        n += 1
        if n > MAX_SUBSTEPS:
            return r, -1.0, spiked, buf
        p = (r > 0.0, False, Dj[VRESET], Dj[VPEAK], Dj[VTH], Dj[DT], Dj[GL], Dj[EL], Dj[CM], 0.0, 0.0, 1.0, 1.0,
             Dj[A], Dj[TW], Dj[IE], i_stim)
        t, h_int = evolve_apply_arr(_rhs, p, y, t, t1, h_int, w, ctl)
        if not (y[YV] >= V_MIN and W_MIN <= y[YW] <= W_MAX):
            return r, -1.0, spiked, buf
        if r == 0.0:
            y[YV] = y[YV] + jump
            if with_refr and buf != 0.0:
                y[YV] += buf
                buf = 0.0
        else:
            y[YV] = Dj[VRESET]
            if with_refr:
                buf += jump * math.exp(-r * t1 / (Dj[CM] / Dj[GL]))
        jump = 0.0
        if r == 0.0 and y[YV] >= Dj[VSPIKE]:
            y[YV] = Dj[VRESET]
            r = Dj[NREF] + 1.0 if Dj[NREF] > 0.0 else 0.0
            y[YW] += Dj[B]
            spiked = True
    return r, h_int, spiked, buf


@njit(cache=True)
def run_neuron_delta(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j):
    """Advance ``aeif_psc_delta`` neuron ``j`` over ``m`` steps.  State rows: ``V_m``,
    ``w``, refractory count, ``I_stim``, integration step, held-back input (mV)."""
    g = base + j
    Dj = D[:, j].copy()
    y = np.zeros(NY)
    w = np.empty((N_WORK, NY))
    y[YV] = S[0, j]
    y[YW] = S[1, j]
    r, i_stim, h_int, buf = S[2, j], S[3, j], S[4, j], S[5, j]
    if not h_int > 0.0:
        h_int = Dj[STEP]
    with_refr = Dj[REFIN] != 0.0
    c = rec_col[j]
    for i in range(m):
        slot = (s0 + i) % L
        r, h_int, spiked, buf = _one_step_delta(Dj, y, r, i_stim, h_int, w, take(ring, CH_EX, slot, g), buf,
                                                with_refr)
        if h_int < 0.0:
            S[4, j] = -1.0
            return
        if spiked:
            spk[i, j] = 1
        if r > 0.0:
            r -= 1.0
        i_stim = take(ring, CH_CUR, slot, g)
        S[0, j], S[1, j], S[2, j] = y[YV], y[YW], r
        if rec_mask[i] and c >= 0:
            sample(S, j, i, c, rec_rows, rec_out)
    S[3, j], S[4, j], S[5, j] = i_stim, h_int, buf


@njit(cache=True, inline="always")
def _store(S, j, y, r, rows):
    for k in range(NY):
        if rows[k] >= 0:
            S[rows[k], j] = y[k]
    S[rows[6], j] = r


# -- one conductance per receptor (aeif_cond_alpha/beta_multisynapse) -------------------------------
# State rows: V_m, w, refractory count, I_stim, integration step, then g_1 .. g_n, dg_1 .. dg_n;
# integrator vector (V_m, w, g_1 .. g_n, dg_1 .. dg_n); derived rows after the N_DERIVED ones:
# per receptor E_rev, the time constant of dg, that of g, what a weight of 1 adds to dg.
MS_R, MS_ISTIM, MS_STEP = 2, 3, 4
MS_FIXED = 5
#: mark left in the integration step row of a neuron that received a negative weight
NEGATIVE_INPUT = -2.0


@njit(cache=True, inline="always")
def _rhs_multi(p, y, f):
    refractory, Dj, i_stim, k = p
    if refractory:  # noqa: SIM108 - NEST's structure, kept for comparison with its source
        V = Dj[VRESET]
    else:
        V = Dj[VPEAK] if Dj[VPEAK] < y[YV] else y[YV]  # std::min(V_m, V_peak)
    w = y[1]
    i_syn = 0.0
    for q in range(k):
        i_syn += y[2 + q] * (Dj[N_DERIVED + q] - V)
    delta_t = Dj[DT]
    i_spike = 0.0 if delta_t == 0.0 else delta_t * Dj[GL] * math.exp((V - Dj[VTH]) / delta_t)
    f[YV] = 0.0 if refractory else (-Dj[GL] * (V - Dj[EL]) + i_spike + i_syn - w + Dj[IE] + i_stim) / Dj[CM]
    f[1] = (Dj[A] * (V - Dj[EL]) - w) / Dj[TW]
    for q in range(k):
        f[2 + k + q] = -y[2 + k + q] / Dj[N_DERIVED + k + q]
        f[2 + q] = y[2 + k + q] - y[2 + q] / Dj[N_DERIVED + 2 * k + q]


@njit(cache=True, inline="always")
def _params_multi(Dj, refractory, i_stim, k):
    return (refractory, Dj, i_stim, k)


@njit(cache=True)
def _one_step_multi(Dj, y, r, i_stim, h_int, w, k):
    """:func:`_advance` with one conductance per receptor; returns ``(r, h_int, spiked)``."""
    return _advance(_rhs_multi, _params_multi, Dj, y, r, i_stim, h_int, w, k, 1)


@njit(cache=True, inline="always")
def _row(i):
    """State row of component ``i`` of the multisynapse integrator vector."""
    return i if i < 2 else i + MS_FIXED - 2


@njit(cache=True)
def run_neuron_multi(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j):
    """Advance multisynapse neuron ``j`` over ``m`` steps (receptor ``q`` reads channel
    ``CH_CUR + q``).  A negative input stops the neuron with :data:`NEGATIVE_INPUT` in its
    integration step row and the input in its ``I_stim`` row (NEST refuses it)."""
    g = base + j
    k = (S.shape[0] - MS_FIXED) // 2
    ny = 2 + 2 * k
    Dj = D[:, j].copy()
    y = np.empty(ny)
    w = np.empty((N_WORK, ny))
    for i in range(ny):
        y[i] = S[_row(i), j]
    r, i_stim, h_int = S[MS_R, j], S[MS_ISTIM, j], S[MS_STEP, j]
    if not h_int > 0.0:
        h_int = Dj[STEP]
    c = rec_col[j]
    for i in range(m):
        slot = (s0 + i) % L
        r, h_int, spiked = _one_step_multi(Dj, y, r, i_stim, h_int, w, k)
        if h_int < 0.0:
            S[MS_STEP, j] = -1.0
            return
        if spiked:
            spk[i, j] = 1
        if r > 0.0:
            r -= 1.0
        for q in range(k):
            x = take(ring, CH_CUR + 1 + q, slot, g)
            if x < 0.0:
                S[MS_STEP, j], S[MS_ISTIM, j] = NEGATIVE_INPUT, x
                return
            y[2 + k + q] += x * Dj[N_DERIVED + 3 * k + q]
        i_stim = take(ring, CH_CUR, slot, g)
        for a in range(ny):
            S[_row(a), j] = y[a]
        S[MS_R, j] = r
        if rec_mask[i] and c >= 0:
            sample(S, j, i, c, rec_rows, rec_out)
    S[MS_ISTIM, j], S[MS_STEP, j] = i_stim, h_int


@njit(parallel=True, cache=True, nogil=True)
def update_multi(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    """The kernel of both multisynapse AdEx models (the signature of
    :class:`~spikesim.models.base.NeuronModel`): one neuron per column of ``S``."""
    for j in prange(S.shape[1]):
        run_neuron_multi(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j)


def derive_aeif_multi(P: dict[str, np.ndarray], h: float, tau_dg: str, tau_g: str,
                      g0: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """Derived constants of a multisynapse AdEx model, rows x neurons, for a step of ``h`` ms:
    those of :func:`derive_aeif`, then per receptor ``E_rev`` (mV), the time constants (ms)
    of ``dg`` (list ``tau_dg``) and of ``g`` (list ``tau_g``) and ``g0(tau_dg, tau_g)``,
    what a weight of 1 nS adds to ``dg`` (1/ms)."""
    n = len(P["E_L"])
    lists = [np.asarray(P[key], dtype=float).reshape(n, -1).T for key in ("E_rev", tau_dg, tau_g)]
    return np.vstack([derive_aeif(P, h, cond=False, alpha=False), *lists, g0(lists[1], lists[2])])


def checked_multi(update: Callable[..., None], name: str) -> Callable[..., None]:
    """:func:`checked` for the multisynapse kernels, which also refuse negative weights.

    Raises
    ------
    BadProperty
        From the returned function, where a neuron received a negative weight (nS).
    NumericalInstability
        As :func:`checked`.
    """
    def weights_first(S: np.ndarray, *args: Any) -> None:
        update(S, *args)
        bad = np.flatnonzero(S[MS_STEP] == NEGATIVE_INPUT)
        if bad.size:
            raise bad_property(name, "weight", float(S[MS_ISTIM, bad[0]]),
                               "conductance-based multisynapse models take only weights >= 0 (nS), as NEST")
    return checked(weights_first, name, MS_STEP)


def derive_aeif(P: dict[str, np.ndarray], h: float, cond: bool, alpha: bool) -> np.ndarray:
    """Derived constants of an AdEx model, rows x neurons, for a step of ``h`` ms.

    ``cond``: conductance-based (else current-based); ``alpha``: alpha-shaped synapses
    (a spike of weight ``w`` adds ``w e / tau_syn`` to the derivative), else exponential.
    """
    n = len(P["E_L"])
    D = np.zeros((N_DERIVED, n))
    for row, key in ((VPEAK, "V_peak"), (VRESET, "V_reset"), (VTH, "V_th"), (DT, "Delta_T"), (GL, "g_L"),
                     (EL, "E_L"), (CM, "C_m"), (TEX, "tau_syn_ex"), (TIN, "tau_syn_in"), (A, "a"), (B, "b"),
                     (TW, "tau_w"), (IE, "I_e"), (TOL, "gsl_error_tol")):
        D[row] = P.get(key, 1.0)  # aeif_psc_delta has no tau_syn
    if cond:
        D[EEX] = P["E_ex"]
        D[EIN] = P["E_in"]
    D[COND] = 1.0 if cond else 0.0
    if "refractory_input" in P:
        D[REFIN] = np.asarray(P["refractory_input"], dtype=float)
    delta_t = np.asarray(P["Delta_T"], dtype=float)
    # NEST: the spike test uses V_th instead of V_peak when Delta_T = 0 (the RHS keeps V_peak)
    D[VSPIKE] = np.where(delta_t > 0.0, P["V_peak"], P["V_th"])
    D[NREF] = refractory_steps(P["t_ref"], h)
    D[STEP] = integration_step(h)
    if alpha:
        D[PSE] = 1.0 * np.e / np.asarray(P["tau_syn_ex"], dtype=float)
        D[PSI] = 1.0 * np.e / np.asarray(P["tau_syn_in"], dtype=float)
    else:
        D[PSE] = 1.0
        D[PSI] = 1.0
    return D


def check_aeif(cls: type[NeuronModel], P: dict[str, np.ndarray]) -> None:
    """NEST's ``set_status`` checks of the AdEx models (arrays, one value per neuron).

    Raises
    ------
    BadProperty
        Naming the first offending parameter, its value and what is allowed.
    """
    def arr(key: str) -> np.ndarray:
        return np.asarray(P[key], dtype=float)

    def fail(key: str, bad: np.ndarray, allowed: str, others: tuple[str, ...] = ()) -> None:
        bad = np.asarray(bad)
        if bad.any():  # the values of the other parameters of a joint check are shown too
            given = "".join(f"; {o} = {float(arr(o)[bad][0])!r}" for o in others)
            raise bad_property(cls.name, key, float(arr(key)[bad][0]), allowed + given)

    fail("V_reset", ~(arr("V_reset") < arr("V_peak")), "it must be lower than V_peak", ("V_peak",))
    fail("Delta_T", ~(arr("Delta_T") >= 0.0), "it must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (arr("V_peak") - arr("V_th")) / arr("Delta_T")
    fail("V_peak", (arr("Delta_T") > 0.0) & (ratio >= MAX_EXP_ARG),
         f"(V_peak - V_th) / Delta_T must be < {MAX_EXP_ARG:.6g} (exp() would overflow at the spike)",
         ("V_th", "Delta_T"))
    fail("V_peak", ~(arr("V_peak") >= arr("V_th")), "it must be >= V_th", ("V_th",))
    for key, allowed in (("C_m", "> 0"), ("t_ref", ">= 0"), ("tau_syn_ex", "> 0"), ("tau_syn_in", "> 0"),
                         ("tau_w", "> 0"), ("gsl_error_tol", "> 0")):
        if key not in P:  # aeif_psc_delta has no tau_syn
            continue
        x = arr(key)
        fail(key, ~(x > 0.0) if allowed == "> 0" else ~(x >= 0.0), f"it must be {allowed}")


def checked(update: Callable[..., None], name: str, step_row: int) -> Callable[..., None]:
    """``update`` (a compiled AdEx kernel) followed by NEST's check that no neuron left
    the range of a stable integration (``V_m`` >= -1000 mV, ``|w|`` <= 10^6 pA) or needed
    more than :data:`MAX_SUBSTEPS` integrator steps in one simulation step: such a
    neuron stops where it left it and marks ``-1`` in state row ``step_row`` (its
    integration step), and the slice ends with an error instead of a run whose steps
    shrink without end.

    Raises
    ------
    NumericalInstability
        From the returned function, naming the model and the first such neuron's column.
    """
    return stop_unstable(update, name, step_row,
                         f"V_m fell below {V_MIN:g} mV or |w| rose above {W_MAX:g} pA (where NEST stops too), or "
                         f"the integrator needed over {MAX_SUBSTEPS:,} steps in one simulation step; "
                         "check the parameters (a, b, tau_w, Delta_T, C_m, g_L)")


class AdExModel(NeuronModel):
    """What NEST's AdEx neurons share as models: NEST's parameter checks
    (:func:`check_aeif`) and the derived constants of :func:`derive_aeif` for their
    synapses (``cond``: conductances, else currents; ``alpha``: alpha-shaped, else
    exponential or none)."""

    cond: ClassVar[bool] = False
    alpha: ClassVar[bool] = False

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            When a parameter is out of range or inconsistent with another.
        """
        check_aeif(cls, P)

    @classmethod
    def derive(cls, P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants per neuron, rows x neurons, for a step of ``h`` ms."""
        return derive_aeif(P, h, cond=cls.cond, alpha=cls.alpha)
