"""gif_cond_exp_multisynapse: generalised integrate-and-fire neuron with escape noise and
one exponential conductance per receptor (Mensi et al. 2012).

As NEST 3.10's ``gif_cond_exp_multisynapse``: as :mod:`spikesim.models.gif_cond_exp`,
with the receptors ``q = 1 .. n`` of the lists ``tau_syn`` (ms) and ``E_rev`` (mV)
instead of one excitatory and one inhibitory conductance.  ``y = (V_m, g_1 .. g_n)``:

    dV_m/dt = (-g_L (V_m - E_L) + I_stim + I_e + I_syn - I_stc) / C_m,
    I_syn   = sum_q -g_q (V - E_rev_q),          dg_q/dt = -g_q / tau_syn_q

with ``V = V_m``, or, while refractory, ``V = V_reset`` and ``dV_m/dt = 0``; a spike
connection names its receptor with ``receptor_type`` 1 .. n and its weight (nS) is
added to ``g_q`` after the step's integration; current generators connect to receptor
0.  The receptor lists have one length in a population (its ring-buffer channels,
:mod:`spikesim.models._multisynapse`); the adaptation lists may differ per neuron.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from numba import njit, prange

from spikesim.errors import BadProperty, bad_property
from spikesim.models._common import sample, take
from spikesim.models._gif import (
    CM,
    EL,
    GIF_STATE,
    GL,
    I0,
    IE,
    ISTC,
    N_COMMON,
    SEEDHI,
    SEEDLO,
    VRESET,
    GifReceptorModel,
    R,
    V,
    adapt,
    escape,
)
from spikesim.models._multisynapse import n_receptors
from spikesim.models._neuron_streams import neuron_key
from spikesim.models._rkf45 import N_WORK, integrate_arr, stop_unstable, unstable_reason
from spikesim.models.base import CH_CUR
from spikesim.models.iaf_cond_exp import integration_step

# the model's state rows after the common ones: the integrator's step, then g_1 .. g_n
HINT = 5
G0 = 6
# the model's derived rows after the common ones, then E_rev_1, tau_syn_1, E_rev_2 ...
TOL, STEP, NREC = range(N_COMMON, N_COMMON + 3)
N_FIXED_DERIVED = N_COMMON + 3
#: integration-step mark of a neuron that received a negative weight
NEGATIVE_WEIGHT = -2.0


@njit(cache=True, inline="always")
def _rhs(p, y, f):
    refractory, v_reset, g_l, e_l, c_m, i_stim, i_e, stc, Dj = p
    k = y.shape[0] - 1
    i_l = -g_l * (y[0] - e_l)
    V = v_reset if refractory else y[0]
    i_syn = 0.0
    for q in range(k):
        i_syn += -y[1 + q] * (V - Dj[N_FIXED_DERIVED + 2 * q])
    f[0] = 0.0 if refractory else (i_l + i_stim + i_e + i_syn - stc) / c_m
    for q in range(k):
        f[1 + q] = -y[1 + q] / Dj[N_FIXED_DERIVED + 2 * q + 1]


@njit(cache=True)
def _integrate(S, D, Dj, j, y, w):
    """Integrate neuron ``j`` over one simulation step; returns the integrator's next step
    size (ms), or -1 where it needed more than ``MAX_SUBSTEPS`` steps."""
    p = (S[R, j] > 0.0, Dj[VRESET], Dj[GL], Dj[EL], Dj[CM], S[I0, j], Dj[IE], S[ISTC, j], Dj)
    ctl = (Dj[TOL], 0.0, 1.0, 0.0)  # gsl_odeiv_control_y_new(gsl_error_tol, 0)
    h_int = S[HINT, j]
    if not h_int > 0.0:  # not yet initialised (NEST: IntegrationStep = resolution)
        h_int = Dj[STEP]
    t1 = Dj[STEP]
    return integrate_arr(_rhs, p, y, t1, h_int, w, ctl)


@njit(cache=True)
def _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j):
    g = base + j
    key = neuron_key(D, SEEDHI, SEEDLO, j, g + 1, 0)
    c = rec_col[j]
    k = int(D[NREC, j])
    s_first = G0 + k
    d_first = N_FIXED_DERIVED + 2 * k
    Dj = D[:, j].copy()
    y = np.empty(1 + k)
    w = np.empty((N_WORK, 1 + k))
    for i in range(m):
        slot = (s0 + i) % L
        adapt(S, D, j, s_first, d_first)
        y[0] = S[V, j]
        for q in range(k):
            y[1 + q] = S[G0 + q, j]
        h_int = _integrate(S, D, Dj, j, y, w)
        if h_int < 0.0:  # the integrator gave up: stored as -1, the wrapper (stop_unstable) raises
            S[HINT, j] = -1.0
            return
        S[HINT, j] = h_int
        S[V, j] = y[0]
        for q in range(k):
            x = take(ring, CH_CUR + 1 + q, slot, g)
            if x < 0.0:  # refused by the wrapper (see _refuse_negative), as NEST refuses it on delivery
                S[HINT, j] = NEGATIVE_WEIGHT
                return
            S[G0 + q, j] = y[1 + q] + x
        if S[R, j] == 0.0:
            if escape(S, D, j, key, s0 + i, s_first, d_first):
                spk[i, j] = 1
        else:
            S[R, j] -= 1.0
            S[V, j] = Dj[VRESET]
        S[I0, j] = take(ring, CH_CUR, slot, g)
        if rec_mask[i] and c >= 0:
            sample(S, j, i, c, rec_rows, rec_out)


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j)


def _refuse_negative(update: Callable[..., None]) -> Callable[..., None]:
    """``update`` followed by NEST's refusal of negative spike weights: a neuron that got
    one marks :data:`NEGATIVE_WEIGHT` in its integration-step row and stops.

    Raises
    ------
    BadProperty
        From the returned function, when a neuron received a negative weight.
    """
    def run(S: np.ndarray, *args: Any) -> None:
        update(S, *args)
        bad = np.flatnonzero(S[HINT] == NEGATIVE_WEIGHT)
        if bad.size:
            raise BadProperty(f"gif_cond_exp_multisynapse: a spike of negative weight reached neuron {int(bad[0])} "
                              "of its population; synaptic weights (conductances, nS) onto conductance-based "
                              "multisynapse neurons must be >= 0")
    return run


#: why a neuron stops (the message of its NumericalInstability)
UNSTABLE = unstable_reason("the conductances, g_L, C_m, tau_syn, gsl_error_tol")


class GifCondExpMultisynapse(GifReceptorModel):
    """NEST's ``gif_cond_exp_multisynapse``: generalised integrate-and-fire, escape noise,
    one exponential conductance per receptor (RKF45).

    Parameters as :class:`spikesim.models._gif.GifModel` without ``tau_syn_ex`` and
    ``tau_syn_in``, and the lists ``tau_syn`` (ms) and ``E_rev`` (mV), one entry per
    receptor, and ``gsl_error_tol`` (the integrator's absolute error).  State: ``V_m``
    (mV), ``g_1 .. g_n`` (nS), ``E_sfa`` (mV), ``I_stc`` (pA), the adaptation components,
    ``I`` (pA), ``refractory_count`` (steps), ``integration_step`` (ms).  Recordables:
    ``V_m``, ``E_sfa``, ``I_stc``.  Spikes connect with ``receptor_type`` 1 .. n (weights
    in nS), current generators with receptor 0.
    """
    name = "gif_cond_exp_multisynapse"
    params: ClassVar[dict[str, Any]] = {**GifReceptorModel.params, "E_rev": (0.0,), "gsl_error_tol": 1e-3}
    fixed_state: ClassVar[dict[str, tuple[float, str | None]]] = {"integration_step": (0.0, None)}
    receptor_row = "g_{q}"
    state = {**GIF_STATE, **fixed_state, "g_1": (0.0, None)}
    recordables = ("V_m", "E_sfa", "I_stc")
    units = {"V_m": "mV", "E_sfa": "mV", "I_stc": "pA"}
    kernel = staticmethod(stop_unstable(_refuse_negative(_update), "gif_cond_exp_multisynapse", HINT, UNSTABLE))

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """NEST's checks of the receptor lists, then those of :class:`GifModel`.

        Raises
        ------
        BadProperty
            When ``E_rev`` and ``tau_syn`` differ in length, a ``tau_syn`` is not > 0, or a
            check of :meth:`GifModel.check` fails.
        """
        tau, e_rev = np.asarray(P["tau_syn"], dtype=float), np.asarray(P["E_rev"], dtype=float)
        if tau.shape[1] != e_rev.shape[1]:
            raise bad_property(cls.name, "tau_syn", tau[0].tolist(), "E_rev and tau_syn need the same length "
                               f"(one per receptor; tau_syn has {tau.shape[1]} entries, E_rev = "
                               f"{e_rev[0].tolist()} has {e_rev.shape[1]}); when the number of receptors changes, "
                               "give both")
        cls.check_receptors(P)
        super().check(P, h)

    @classmethod
    def derive(cls, P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants per neuron, rows x neurons, for a step of ``h`` ms."""
        k = n_receptors(P)
        D = cls.derive_common(P, h, N_FIXED_DERIVED - N_COMMON + 2 * k)
        D[TOL] = P["gsl_error_tol"]
        D[STEP] = integration_step(h)
        D[NREC] = k
        tau, e_rev = np.asarray(P["tau_syn"], dtype=float), np.asarray(P["E_rev"], dtype=float)
        for q in range(k):
            D[N_FIXED_DERIVED + 2 * q] = e_rev[:, q]
            D[N_FIXED_DERIVED + 2 * q + 1] = tau[:, q]
        return D
