"""izhikevich: Izhikevich (2003) neuron, forward-Euler as in NEST 3.10.

``dv/dt = 0.04 v^2 + 5 v + 140 - u + I + I_e``, ``du/dt = a (b v - u)``; when
``v >= V_th``: ``v <- c``, ``u <- u + d``.  Incoming spikes (any sign, one channel)
jump ``v`` by their summed weights (mV).  Each step (``consistent_integration``):

``v <- v + h (0.04 v v + 5 v + 140 - u + I + I_e) + S``, ``u <- u + h a (b v_old - u)``

(both from the old values), then ``v <- max(v, V_min)``, the threshold test, and
the current read for this step becomes ``I`` for the next step.  With
``consistent_integration=False`` NEST's original two half-steps are used.
There is no refractory period.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from spikesim.models._common import sample, take
from spikesim.models.base import CH_CUR, CH_EX, INPUT_SINGLE, NeuronModel

# state rows
VM, UM, I = 0, 1, 2
# derived rows
A, B, C, DD, IE, VTH, VMIN, CONS, H = range(9)


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        v = S[VM, j]
        u = S[UM, j]
        cur = S[I, j]
        a = D[A, j]
        b = D[B, j]
        ie = D[IE, j]
        vth = D[VTH, j]
        vmin = D[VMIN, j]
        cons = D[CONS, j] != 0.0
        h = D[H, j]
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            syn = take(ring, CH_EX, slot, g)
            if cons:
                v_old = v
                u_old = u
                v += h * (0.04 * v_old * v_old + 5.0 * v_old + 140.0 - u_old + cur + ie) + syn
                u += h * a * (b * v_old - u_old)
            else:
                v += h * 0.5 * (0.04 * v * v + 5.0 * v + 140.0 - u + cur + ie + syn)
                v += h * 0.5 * (0.04 * v * v + 5.0 * v + 140.0 - u + cur + ie + syn)
                u += h * a * (b * v - u)
            if v < vmin:
                v = vmin
            if v >= vth:
                v = D[C, j]
                u = u + D[DD, j]
                spk[i, j] = 1
            cur = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                S[VM, j] = v
                S[UM, j] = u
                S[I, j] = cur
                sample(S, j, i, c, rec_rows, rec_out)
        S[VM, j] = v
        S[UM, j] = u
        S[I, j] = cur


class Izhikevich(NeuronModel):
    """NEST's ``izhikevich``: the Izhikevich (2003) two-variable neuron.

    Parameters: ``a``, ``b``, ``c`` (mV), ``d``, ``V_th`` and ``V_min`` (mV), ``I_e``
    (pA).  State: ``V_m`` (mV) and the recovery variable ``U_m``.  Recordables:
    ``V_m``, ``U_m``.  Weights are in mV (added to ``V_m``).
    """
    name = "izhikevich"
    params = {
        "a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0, "I_e": 0.0, "V_th": 30.0,
        "V_min": -np.finfo(float).max, "consistent_integration": True,
        "tau_minus": 20.0, "tau_minus_triplet": 110.0,
    }
    # NEST's initial state is fixed (-65 mV, b * -65 with the default b), whatever a..d are
    state = {"V_m": (-65.0, None), "U_m": (0.2 * -65.0, None), "I": (0.0, None)}
    recordables = ("U_m", "V_m")
    units = {"U_m": "mV", "V_m": "mV"}
    input_mode = INPUT_SINGLE
    positive = ("tau_minus", "tau_minus_triplet")
    kernel = _update

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["a"])
        D = np.empty((9, n))
        D[A] = P["a"]
        D[B] = P["b"]
        D[C] = P["c"]
        D[DD] = P["d"]
        D[IE] = P["I_e"]
        D[VTH] = P["V_th"]
        D[VMIN] = P["V_min"]
        D[CONS] = np.asarray(P["consistent_integration"], dtype=float)
        D[H] = h
        return D
