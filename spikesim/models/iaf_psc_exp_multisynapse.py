"""iaf_psc_exp_multisynapse: leaky integrate-and-fire, one exponential current per receptor.

Exact integration as NEST 3.10's ``iaf_psc_exp_multisynapse``.  With ``V = V_m - E_L``
and the receptors ``q = 1 .. n`` (``n = len(tau_syn)``), each step:

1. not refractory: ``V <- V P22 + (I_e + i_0) P20``, then ``V += P21_q I_syn_q`` for each
   receptor in turn; refractory: the counter goes down by one;
2. ``I_syn_q <- I_syn_q P11_q`` plus the weights (pA) of the spikes read for this step
   at receptor ``q``; ``I_syn`` is their sum;
3. if ``V >= V_th``: spike, ``V <- V_reset``, refractory for ``t_ref``;
4. the current read for this step (receptor 0) becomes ``i_0`` and acts in the next step.

``P22 = exp(-h/tau_m)``, ``P20 = tau_m/C_m (1 - P22)``, ``P11_q = exp(-h/tau_syn_q)`` and
``P21_q`` NEST's exponential propagator (:func:`~spikesim.models.iaf_psc_exp.iaf_propagators`).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import sample, take
from spikesim.models._multisynapse import I0, ISUM, N_FIXED, MultisynapseModel, R, V
from spikesim.models.base import CH_CUR, refractory_steps
from spikesim.models.iaf_psc_exp import iaf_propagators, libm_exp

# derived rows, then P11 of each receptor, then P21 of each receptor
P22, P20, THETA, VRESET, IE, NREF = range(6)
N_D = 6


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    k = S.shape[0] - N_FIXED
    for j in prange(n):
        g = base + j
        v = S[V, j]
        r = S[R, j]
        i0 = S[I0, j]
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            if r == 0.0:
                v = v * D[P22, j] + (D[IE, j] + i0) * D[P20, j]
                for q in range(k):
                    v += D[N_D + k + q, j] * S[N_FIXED + q, j]
            else:
                r -= 1.0
            total = 0.0
            for q in range(k):
                x = S[N_FIXED + q, j] * D[N_D + q, j]
                x += take(ring, CH_CUR + 1 + q, slot, g)
                S[N_FIXED + q, j] = x
                total += x
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


class IafPscExpMultisynapse(MultisynapseModel):
    """NEST's ``iaf_psc_exp_multisynapse``: one exponential synaptic current per receptor.

    Parameters in NEST's units: ``E_L``, ``V_th``, ``V_reset`` (mV), ``C_m`` (pF),
    ``tau_m``, ``t_ref`` and the list ``tau_syn`` (ms; one per receptor), ``I_e`` (pA).
    State: ``V_m`` (mV), ``I_syn`` and ``I_syn_1 .. I_syn_n`` (pA), ``I`` (pA, the current
    input of the last step), ``refractory_count`` (steps).  Recordables: ``V_m``,
    ``I_syn``, ``I_syn_1 .. I_syn_n``.  Spikes connect with ``receptor_type`` 1 .. n
    (weights in pA), current generators with receptor 0.
    """

    name = "iaf_psc_exp_multisynapse"
    kernel = _update

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value or list per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            As :meth:`MultisynapseModel.check`, and when a ``tau_syn`` equals ``tau_m``
            (NEST refuses it: the propagator would be singular).
        """
        super().check(P, h)
        tau = np.asarray(P["tau_syn"], dtype=float)
        same = tau == np.asarray(P["tau_m"], dtype=float)[:, None]
        if same.any():
            raise bad_property(cls.name, "tau_syn", tau[same.any(axis=1)][0].tolist(),
                               "the synaptic time constants must differ from tau_m")

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        tau_syn = np.asarray(P["tau_syn"], dtype=float)
        n, k = tau_syn.shape
        D = np.empty((N_D + 2 * k, n))
        tau, C, EL = P["tau_m"], P["C_m"], P["E_L"]
        D[P22] = libm_exp(-h / tau)
        D[P20] = tau / C * (1.0 - D[P22])
        for q in range(k):
            D[N_D + q] = libm_exp(-h / tau_syn[:, q])
            D[N_D + k + q] = iaf_propagators(tau_syn[:, q], tau, C, h)[1]
        D[THETA] = P["V_th"] - EL
        D[VRESET] = P["V_reset"] - EL
        D[IE] = P["I_e"]
        D[NREF] = refractory_steps(P["t_ref"], h)
        return D
