"""iaf_psc_alpha_multisynapse: leaky integrate-and-fire, one alpha current per receptor.

Exact integration as NEST 3.10's ``iaf_psc_alpha_multisynapse``.  With ``V = V_m - E_L``
and the receptors ``q = 1 .. n`` (``n = len(tau_syn)``), each step:

1. not refractory: ``V <- P30 (i_0 + I_e) + P33 V``, then ``V += P31_q dI_syn_q +
   P32_q I_syn_q`` for each receptor in turn, then ``V <- max(V, V_min)``; refractory:
   the counter goes down by one;
2. ``I_syn_q <- P21_q dI_syn_q + P11_q I_syn_q``, ``dI_syn_q <- P11_q dI_syn_q`` plus
   ``e / tau_syn_q`` times the weights (pA) of the spikes read for this step at receptor
   ``q``; ``I_syn`` is the sum of the ``I_syn_q``;
3. if ``V >= V_th``: spike, ``V <- V_reset``, refractory for ``t_ref``;
4. the current read for this step (receptor 0) becomes ``i_0`` and acts in the next step.

``P33 = exp(-h/tau_m)``, ``P30 = (1 - P33) tau_m / C_m``, ``P11_q = exp(-h/tau_syn_q)``,
``P21_q = h P11_q`` and ``(P31_q, P32_q)`` NEST's alpha propagators
(:func:`~spikesim.models.iaf_psc_exp.iaf_propagators`).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numba import njit, prange

from spikesim.models._common import sample, take
from spikesim.models._multisynapse import I0, ISUM, N_FIXED, MultisynapseModel, R, V
from spikesim.models.base import CH_CUR, refractory_steps
from spikesim.models.iaf_psc_exp import iaf_propagators, libm_exp

# derived rows, then per receptor: P11, P21, P31, P32, PSC initial value
P33, P30, THETA, VRESET, VMIN, IE, NREF = range(7)
N_D = 7
P11Q, P21Q, P31Q, P32Q, PSCQ = range(5)


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    k = (S.shape[0] - N_FIXED) // 2
    for j in prange(n):
        g = base + j
        v = S[V, j]
        r = S[R, j]
        i0 = S[I0, j]
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            if r == 0.0:
                v = D[P30, j] * (i0 + D[IE, j]) + D[P33, j] * v
                for q in range(k):
                    b = N_D + 5 * q
                    v += D[b + P31Q, j] * S[N_FIXED + k + q, j] + D[b + P32Q, j] * S[N_FIXED + q, j]
                if v < D[VMIN, j]:
                    v = D[VMIN, j]
            else:
                r -= 1.0
            total = 0.0
            for q in range(k):
                b = N_D + 5 * q
                y1 = S[N_FIXED + k + q, j]
                y2 = D[b + P21Q, j] * y1 + D[b + P11Q, j] * S[N_FIXED + q, j]
                y1 *= D[b + P11Q, j]
                y1 += D[b + PSCQ, j] * take(ring, CH_CUR + 1 + q, slot, g)
                S[N_FIXED + q, j] = y2
                S[N_FIXED + k + q, j] = y1
                total += y2
            S[ISUM, j] = total
            if v >= D[THETA, j]:
                r = D[NREF, j]
                v = D[VRESET, j]
                spk[i, j] = 1
            i0 = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                S[V, j] = v
                S[R, j] = r
                S[I0, j] = i0
                sample(S, j, i, c, rec_rows, rec_out)
        S[V, j] = v
        S[R, j] = r
        S[I0, j] = i0


class IafPscAlphaMultisynapse(MultisynapseModel):
    """NEST's ``iaf_psc_alpha_multisynapse``: one alpha-shaped synaptic current per receptor.

    Parameters in NEST's units: ``E_L``, ``V_th``, ``V_reset``, ``V_min`` (mV), ``C_m``
    (pF), ``tau_m``, ``t_ref`` and the list ``tau_syn`` (ms; one per receptor), ``I_e``
    (pA).  State: ``V_m`` (mV), ``I_syn`` and ``I_syn_1 .. I_syn_n`` (pA),
    ``dI_syn_1 .. dI_syn_n`` (pA/ms), ``I`` (pA, the current input of the last step),
    ``refractory_count`` (steps).  Recordables: ``V_m``, ``I_syn``, ``I_syn_1 ..
    I_syn_n``.  Spikes connect with ``receptor_type`` 1 .. n (weights in pA), current
    generators with receptor 0.
    """

    name = "iaf_psc_alpha_multisynapse"
    params: ClassVar[dict[str, Any]] = {**MultisynapseModel.params, "V_min": -math.inf}
    state: ClassVar[dict[str, tuple[float, str | None]]] = {**MultisynapseModel.state, "dI_syn_1": (0.0, None)}
    per_receptor = ("I_syn_{k}", "dI_syn_{k}")
    kernel = _update

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        tau_syn = np.asarray(P["tau_syn"], dtype=float)
        n, k = tau_syn.shape
        D = np.empty((N_D + 5 * k, n))
        tau, C, EL = P["tau_m"], P["C_m"], P["E_L"]
        D[P33] = libm_exp(-h / tau)
        D[P30] = 1.0 / C * (1.0 - D[P33]) * tau
        for q in range(k):
            b = N_D + 5 * q
            D[b + P11Q] = libm_exp(-h / tau_syn[:, q])
            D[b + P21Q] = h * D[b + P11Q]
            D[b + P31Q], D[b + P32Q] = iaf_propagators(tau_syn[:, q], tau, C, h)
            D[b + PSCQ] = 1.0 * math.e / tau_syn[:, q]
        D[THETA] = P["V_th"] - EL
        D[VRESET] = P["V_reset"] - EL
        D[VMIN] = P["V_min"] - EL
        D[IE] = P["I_e"]
        D[NREF] = refractory_steps(P["t_ref"], h)
        return D
