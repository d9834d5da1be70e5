"""gif_cond_exp: generalised integrate-and-fire neuron with escape noise and exponential
conductances (Mensi et al. 2012).

As NEST 3.10's ``gif_cond_exp``.  Each step:

1. ``I_stc`` and ``E_sfa`` are taken from the adaptation components, which then decay
   (:func:`spikesim.models._gif.adapt`);
2. ``y = (V_m, g_ex, g_in)`` is integrated over the step with GSL's adaptive RKF45
   (:mod:`spikesim.models._rkf45`, absolute error ``gsl_error_tol``, no relative
   error; the integrator's step size carries over between steps):

       dV_m/dt  = (-g_L (V - E_L) + I_stim + I_e - g_ex (V - E_ex) - g_in (V - E_in) - I_stc) / C_m
       dg_ex/dt = -g_ex / tau_syn_ex,     dg_in/dt = -g_in / tau_syn_in

   with ``V = V_m``, or, while refractory, ``V = V_reset`` and ``dV_m/dt = 0``;
3. the spikes read for this step are added to the conductances (an excitatory weight
   ``w`` in nS adds ``w`` to ``g_ex``, an inhibitory weight ``w < 0`` adds ``-w`` to
   ``g_in``);
4. not refractory: the escape-noise test (:func:`spikesim.models._gif.escape`);
   refractory: the counter goes down by one and ``V_m <- V_reset``;
5. the current read for this step becomes ``I_stim`` and acts in the next step.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numba import njit, prange

from spikesim.models._common import sample, take
from spikesim.models._gif import (
    CM,
    EL,
    GIF_PARAMS,
    GIF_STATE,
    GL,
    I0,
    IE,
    ISTC,
    N_COMMON,
    SEEDHI,
    SEEDLO,
    VRESET,
    GifModel,
    R,
    V,
    adapt,
    escape,
)
from spikesim.models._neuron_streams import neuron_key
from spikesim.models._rkf45 import N_WORK, integrate_arr, stop_unstable, unstable_reason
from spikesim.models.base import CH_CUR, CH_EX, CH_IN
from spikesim.models.iaf_cond_exp import integration_step

# the model's state rows (after the common ones)
GEX, GIN, HINT = 5, 6, 7
N_STATE = 8
# the model's derived rows (after the common ones)
EEX, EIN, TEX, TIN, TOL, STEP = range(N_COMMON, N_COMMON + 6)
N_DERIVED = N_COMMON + 6


@njit(cache=True, inline="always")
def _rhs(p, y, f):
    refractory, v_reset, g_l, e_l, e_ex, e_in, c_m, tau_ex, tau_in, i_stim, i_e, stc = p
    V = v_reset if refractory else y[0]
    i_syn_exc = y[1] * (V - e_ex)
    i_syn_inh = y[2] * (V - e_in)
    i_l = g_l * (V - e_l)
    f[0] = 0.0 if refractory else (-i_l + i_stim + i_e - i_syn_exc - i_syn_inh - stc) / c_m
    f[1] = -y[1] / tau_ex
    f[2] = -y[2] / tau_in


@njit(cache=True)
def _integrate(S, D, j, y, w):
    """Integrate neuron ``j`` over one simulation step; returns the integrator's next step
    size (ms), or -1 where it needed more than ``MAX_SUBSTEPS`` steps."""
    p = (S[R, j] > 0.0, D[VRESET, j], D[GL, j], D[EL, j], D[EEX, j], D[EIN, j], D[CM, j], D[TEX, j],
         D[TIN, j], S[I0, j], D[IE, j], S[ISTC, j])
    ctl = (D[TOL, j], 0.0, 1.0, 0.0)  # gsl_odeiv_control_y_new(gsl_error_tol, 0)
    h_int = S[HINT, j]
    if not h_int > 0.0:  # not yet initialised (NEST: IntegrationStep = resolution)
        h_int = D[STEP, j]
    t1 = D[STEP, j]
    return integrate_arr(_rhs, p, y, t1, h_int, w, ctl)


@njit(cache=True)
def _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j):
    g = base + j
    key = neuron_key(D, SEEDHI, SEEDLO, j, g + 1, 0)
    c = rec_col[j]
    y = np.empty(3)
    w = np.empty((N_WORK, 3))
    for i in range(m):
        slot = (s0 + i) % L
        adapt(S, D, j, N_STATE, N_DERIVED)
        y[0], y[1], y[2] = S[V, j], S[GEX, j], S[GIN, j]
        h_int = _integrate(S, D, j, y, w)
        if h_int < 0.0:  # the integrator gave up: stored as -1, the wrapper (stop_unstable) raises
            S[HINT, j] = -1.0
            return
        S[HINT, j] = h_int
        S[V, j] = y[0]
        S[GEX, j] = y[1] + take(ring, CH_EX, slot, g)
        S[GIN, j] = y[2] - take(ring, CH_IN, slot, g)  # inhibitory weights arrive negative
        if S[R, j] == 0.0:
            if escape(S, D, j, key, s0 + i, N_STATE, N_DERIVED):
                spk[i, j] = 1
        else:
            S[R, j] -= 1.0
            S[V, j] = D[VRESET, j]
        S[I0, j] = take(ring, CH_CUR, slot, g)
        if rec_mask[i] and c >= 0:
            sample(S, j, i, c, rec_rows, rec_out)


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j)


#: why a gif_cond_exp neuron stops (the message of its NumericalInstability)
GIF_COND_UNSTABLE = unstable_reason("g_ex, g_in, g_L, C_m, tau_syn_ex, tau_syn_in, gsl_error_tol")


class GifCondExp(GifModel):
    """NEST's ``gif_cond_exp``: generalised integrate-and-fire, escape noise, exponential
    conductances (RKF45).

    Parameters as :class:`spikesim.models._gif.GifModel`, and ``E_ex``, ``E_in`` (mV),
    ``gsl_error_tol`` (the integrator's absolute error, mV or nS).  State: ``V_m`` (mV),
    ``g_ex``, ``g_in`` (nS), ``E_sfa`` (mV), ``I_stc`` (pA), the components, ``I`` (pA,
    the input current of the next step), ``refractory_count`` (steps),
    ``integration_step`` (ms).  Recordables: ``V_m``, ``E_sfa``, ``I_stc``, ``g_ex``,
    ``g_in``.  Weights are in nS.
    """
    name = "gif_cond_exp"
    params: ClassVar[dict[str, Any]] = {**GIF_PARAMS, "E_ex": 0.0, "E_in": -85.0, "gsl_error_tol": 1e-3}
    model_state: ClassVar[dict[str, tuple[float, str | None]]] = {
        "g_ex": (0.0, None), "g_in": (0.0, None), "integration_step": (0.0, None)}
    state = {**GIF_STATE, **model_state}
    n_model_derived = N_DERIVED - N_COMMON
    recordables = ("V_m", "E_sfa", "I_stc", "g_ex", "g_in")
    units = {"V_m": "mV", "E_sfa": "mV", "I_stc": "pA", "g_ex": "nS", "g_in": "nS"}
    kernel = staticmethod(stop_unstable(_update, "gif_cond_exp", HINT, GIF_COND_UNSTABLE))

    @classmethod
    def derive(cls, P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants per neuron, rows x neurons, for a step of ``h`` ms."""
        D = cls.derive_common(P, h)
        D[EEX], D[EIN] = P["E_ex"], P["E_in"]
        D[TEX], D[TIN] = P["tau_syn_ex"], P["tau_syn_in"]
        D[TOL] = P["gsl_error_tol"]
        D[STEP] = integration_step(h)
        return D
