"""glif_cond: the Allen Institute's GLIF 1-5 neurons with alpha-shaped conductances.

As NEST 3.10's ``glif_cond``: each step, the membrane potential ``V = V_m - E_L`` (mV)
and per receptor ``q`` the conductance ``g_q`` (nS) and its derivative ``dg_q`` (nS/ms)
are integrated over ``[0, h]`` with GSL's adaptive RKF45 as NEST drives it
(:func:`spikesim.models._rkf45.integrate_arr`, absolute error 1e-3, the step size carried
over in ``integration_step``)::

    dV/dt   = (-g_m V - sum_q g_q (V + E_L - E_rev_q) + I + ASCurrents_sum) / C_m  (0 while refractory)
    ddg_q/dt = -dg_q / tau_syn_q
    dg_q/dt  = dg_q - g_q / tau_syn_q

with ``I`` the external current of the last step (pA) and ``ASCurrents_sum`` that of the
last step that was not refractory.  Then, not refractory: the threshold components and
after-spike currents advance and the neuron fires, resets and turns refractory as
``glif_psc`` does (:mod:`spikesim.models._glif`); refractory: the counter goes down by
one and ``V`` returns to its value before the step.  Spikes read for this step at
receptor ``q`` add ``e / tau_syn_q`` times their weights (nS) to ``dg_q``; the current
read for this step (receptor 0) becomes ``I``.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numba import njit, prange

from spikesim.models._common import sample, take
from spikesim.models._glif import (
    ASUM,
    GL,
    I0,
    N_D,
    N_FIXED,
    NASC,
    PARAMS,
    STATE,
    THINF,
    THR,
    THS,
    THV,
    GlifModel,
    R,
    V,
    decay_components,
    fire,
    n_syn,
    threshold_after,
)
from spikesim.models._rkf45 import N_WORK, integrate_arr, stop_unstable, unstable_reason
from spikesim.models.base import CH_CUR

# the model's derived rows after the after-spike currents': C_m, E_L, h, then per receptor 3
CM, EL, STEP = range(3)
EREVQ, TAUQ, CONDQ = range(3)


@njit(cache=True, inline="always")
def _rhs(p, y, f):
    refractory, i_ext, asc, D, d0 = p
    k = (y.shape[0] - 1) // 2
    v = y[0]
    i_syn = 0.0
    for q in range(k):
        i_syn += y[1 + q] * (v + D[d0 + EL] - D[d0 + 3 + 3 * q + EREVQ])
    f[0] = 0.0 if refractory else (-(D[GL] * v) - i_syn + i_ext + asc) / D[d0 + CM]
    for q in range(k):
        tau = D[d0 + 3 + 3 * q + TAUQ]
        f[1 + k + q] = -y[1 + k + q] / tau
        f[1 + q] = y[1 + k + q] - (y[1 + q] / tau)


@njit(cache=True)
def _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j):
    g = base + j
    c = rec_col[j]
    na = int(D[NASC, j])
    hint = N_FIXED
    k = (S.shape[0] - hint - 1 - na) // 2
    d0 = N_D + 4 * na
    Dj = D[:, j].copy()
    y = np.empty(1 + 2 * k)
    w = np.empty((N_WORK, 1 + 2 * k))
    ctl = (1e-3, 0.0, 1.0, 0.0)  # NEST's gsl_odeiv_control_y_new(1e-3, 0)
    for i in range(m):
        slot = (s0 + i) % L
        v_old = S[V, j]
        y[0] = v_old
        for q in range(2 * k):
            y[1 + q] = S[hint + 1 + q, j]
        h_int = S[hint, j] if S[hint, j] > 0.0 else Dj[d0 + STEP]
        h_int = integrate_arr(_rhs, (S[R, j] > 0.0, S[I0, j], S[ASUM, j], Dj, d0), y, Dj[d0 + STEP], h_int, w, ctl)
        if h_int < 0.0:  # the integrator gave up: the wrapper (stop_unstable) raises
            S[hint, j] = -1.0
            return
        S[hint, j] = h_int
        S[V, j] = y[0]
        for q in range(2 * k):
            S[hint + 1 + q, j] = y[1 + q]
        if S[R, j] == 0.0:
            threshold_after(S, D, j, v_old, S[I0, j] + decay_components(S, D, j))
            if S[V, j] > S[THR, j]:
                S[V, j] = fire(S, D, j, v_old)
                spk[i, j] = 1
        else:
            S[R, j] -= 1.0
            S[V, j] = v_old
            S[THR, j] = S[THS, j] + S[THV, j] + D[THINF, j]
        for q in range(k):
            S[hint + 1 + k + q, j] += take(ring, CH_CUR + 1 + q, slot, g) * Dj[d0 + 3 + 3 * q + CONDQ]
        S[I0, j] = take(ring, CH_CUR, slot, g)
        if rec_mask[i] and c >= 0:
            sample(S, j, i, c, rec_rows, rec_out)


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        _run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j)


#: why a neuron stops (the message of its NumericalInstability)
UNSTABLE = unstable_reason("the conductances, g_m, C_m, tau_syn")


class GlifCond(GlifModel):
    """NEST's ``glif_cond``: GLIF 1-5 with one alpha-shaped conductance per receptor (RKF45).

    Parameters as :class:`~spikesim.models._glif.GlifModel` with the membrane conductance
    ``g_m`` (nS) and the receptor lists ``tau_syn`` (ms) and ``E_rev`` (mV).  State: the
    common GLIF state, ``integration_step`` (ms), ``g_1 .. g_n`` (nS) and ``dg_1 ..
    dg_n`` (nS/ms).  Recordables: ``V_m``, ``threshold``, ``threshold_spike``,
    ``threshold_voltage`` (mV), ``I``, ``ASCurrents_sum`` (pA), ``g_1 .. g_n`` (nS).
    Spikes connect with ``receptor_type`` 1 .. n (weights in nS), current generators
    with receptor 0.
    """

    name = "glif_cond"
    params: ClassVar[dict[str, Any]] = {**PARAMS, "g_m": 9.43, "tau_syn": (0.2, 2.0), "E_rev": (0.0, -85.0)}
    g_key = "g_m"
    positive = ("C_m", "g_m", "t_ref")
    receptor_lists = ("tau_syn", "E_rev")
    per_receptor = ("g_{k}", "dg_{k}")
    state: ClassVar[dict[str, tuple[float, str | None]]] = {
        **STATE, "integration_step": (0.0, None), "g_1": (0.0, None), "g_2": (0.0, None),
        "dg_1": (0.0, None), "dg_2": (0.0, None)}
    recordables = ("ASCurrents_sum", "I", "V_m", "g_1", "g_2", "threshold", "threshold_spike", "threshold_voltage")
    units: ClassVar[dict[str, str]] = {**GlifModel.units, "g_1": "nS", "g_2": "nS"}
    kernel = staticmethod(stop_unstable(_update, "glif_cond", N_FIXED, UNSTABLE))

    @classmethod
    def model_state_for(cls, P: dict[str, np.ndarray]) -> dict[str, tuple[float, str | None]]:
        """``integration_step`` (ms), ``g_1 .. g_n`` (nS), then ``dg_1 .. dg_n`` (nS/ms)."""
        k = n_syn(P)
        out: dict[str, tuple[float, str | None]] = {"integration_step": (0.0, None)}
        out.update({f"g_{q}": (0.0, None) for q in range(1, k + 1)})
        out.update({f"dg_{q}": (0.0, None) for q in range(1, k + 1)})
        return out

    @classmethod
    def recordables_for(cls, P: dict[str, np.ndarray]) -> tuple[str, ...]:
        """NEST's recordables: ``g_1 .. g_n`` (nS) for the receptors, the rest fixed."""
        return ("ASCurrents_sum", "I", "V_m", *(f"g_{q}" for q in range(1, n_syn(P) + 1)),
                "threshold", "threshold_spike", "threshold_voltage")

    @classmethod
    def derive(cls, P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants per neuron, rows x neurons, for a step of ``h`` ms."""
        tau_syn = np.asarray(P["tau_syn"], dtype=float).reshape(len(P["E_L"]), -1)
        e_rev = np.asarray(P["E_rev"], dtype=float).reshape(len(P["E_L"]), -1)
        k = tau_syn.shape[1]
        D = cls.derive_common(P, h, 3 + 3 * k)
        d0 = D.shape[0] - 3 - 3 * k
        D[d0 + CM] = P["C_m"]
        D[d0 + EL] = P["E_L"]
        D[d0 + STEP] = h
        for q in range(k):
            b = d0 + 3 + 3 * q
            D[b + EREVQ] = e_rev[:, q] if e_rev.shape[1] > q else math.nan
            D[b + TAUQ] = tau_syn[:, q]
            D[b + CONDQ] = 1.0 * math.e / tau_syn[:, q]
        return D
