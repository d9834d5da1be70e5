"""glif_psc: the Allen Institute's GLIF 1-5 neurons with alpha-shaped currents.

Exact integration as NEST 3.10's ``glif_psc``.  With ``V = V_m - E_L`` (mV), the
external current ``I`` of the last step (pA) and receptors ``q = 1 .. n``
(``n = len(tau_syn)``), each step:

1. not refractory: the spike threshold component and the after-spike currents decay
   (:func:`spikesim.models._glif.decay_components`, ``ASCurrents_sum`` their mean over
   the step); ``V <- V_old P33 + (I + ASCurrents_sum) P30``, then ``V += P31_q dI_q +
   P32_q I_q`` per receptor (``I_syn`` the sum of the ``I_q``); the voltage component
   and the total threshold follow; ``V > threshold``: spike, reset (GLIF1/3: ``V_reset``;
   GLIF2/4/5: ``voltage_reset_fraction V_old + voltage_reset_add`` and the spike
   component jumps), refractory for ``t_ref``; refractory: the counter goes down by one
   and ``V`` holds;
2. ``I_q <- P21_q dI_q + P11_q I_q``, ``dI_q <- P11_q dI_q`` plus ``e / tau_syn_q``
   times the weights (pA) of the spikes read for this step at receptor ``q``;
3. the current read for this step (receptor 0) becomes ``I``.

``tau_m = C_m / g``, ``P33 = exp(-h/tau_m)``, ``P30 = (1 - P33) tau_m / C_m``,
``P11_q = exp(-h/tau_syn_q)``, ``P21_q = h P11_q``, ``(P31_q, P32_q)`` NEST's alpha
propagators (:func:`~spikesim.models.iaf_psc_exp.iaf_propagators`).
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from numba import njit, prange

from spikesim.models._common import sample, take
from spikesim.models._glif import (
    I0,
    ISYN,
    N_D,
    N_FIXED,
    NASC,
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
    threshold_after,
)
from spikesim.models.base import CH_CUR
from spikesim.models.iaf_psc_exp import iaf_propagators, libm_exp

# the synapses' derived rows (after the after-spike currents'): P33, P30, the number of
# alpha components per receptor (1; glif_psc_double_alpha: 2), then per component and
# receptor 5 rows
P33, P30, NC = range(3)
P11Q, P21Q, P31Q, P32Q, PSCQ = range(5)


@njit(cache=True, inline="always")
def _synapses(S, D, j, sy, k, nc, d0, ring, slot, g):
    for q in range(k):
        x = take(ring, CH_CUR + 1 + q, slot, g)
        for cc in range(nc):
            b = d0 + 3 + 5 * (cc * k + q)
            r = sy + 2 * k * cc + q
            y1 = S[r + k, j]
            S[r, j] = D[b + P21Q, j] * y1 + D[b + P11Q, j] * S[r, j]
            S[r + k, j] = y1 * D[b + P11Q, j] + D[b + PSCQ, j] * x


@njit(cache=True, inline="always")
def _membrane(S, D, j, v_old, drive, sy, k, nc, d0):
    """The new ``V`` (mV) from the old one, the drive (pA) and the synaptic currents,
    component after component in NEST's order; sets ``I_syn`` (pA)."""
    v = v_old * D[d0 + P33, j] + drive * D[d0 + P30, j]
    total = 0.0
    for cc in range(nc):
        part = 0.0
        for q in range(k):
            b = d0 + 3 + 5 * (cc * k + q)
            r = sy + 2 * k * cc + q
            v += D[b + P31Q, j] * S[r + k, j] + D[b + P32Q, j] * S[r, j]
            part += S[r, j]
        total += part
    S[ISYN, j] = total
    return v


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        na = int(D[NASC, j])
        sy = N_FIXED
        d0 = N_D + 4 * na
        nc = int(D[d0 + NC, j])
        k = (S.shape[0] - sy - na) // (2 * nc)
        c = rec_col[j]
        v = S[V, j]
        for i in range(m):
            slot = (s0 + i) % L
            v_old = v
            if S[R, j] == 0.0:
                drive = S[I0, j] + decay_components(S, D, j)
                v = _membrane(S, D, j, v_old, drive, sy, k, nc, d0)
                threshold_after(S, D, j, v_old, drive)
                if v > S[THR, j]:
                    v = fire(S, D, j, v_old)
                    spk[i, j] = 1
            else:
                S[R, j] -= 1.0
                S[THR, j] = S[THS, j] + S[THV, j] + D[THINF, j]
            # the new currents always, refractory or not
            _synapses(S, D, j, sy, k, nc, d0, ring, slot, g)
            S[I0, j] = take(ring, CH_CUR, slot, g)
            S[V, j] = v
            if rec_mask[i] and c >= 0:
                sample(S, j, i, c, rec_rows, rec_out)


class GlifPsc(GlifModel):
    """NEST's ``glif_psc``: GLIF 1-5 with one alpha-shaped current per receptor.

    Parameters and state as :class:`~spikesim.models._glif.GlifModel` (mV, nS, pF, ms,
    1/ms, pA), plus per receptor ``I_syn_<q>`` (pA) and ``dI_syn_<q>`` (pA/ms).
    Recordables: ``V_m``, ``threshold``, ``threshold_spike``, ``threshold_voltage``
    (mV), ``I``, ``I_syn``, ``ASCurrents_sum`` (pA).  Spikes connect with
    ``receptor_type`` 1 .. n (weights in pA), current generators with receptor 0.
    """

    name = "glif_psc"
    state: ClassVar[dict[str, tuple[float, str | None]]] = {
        **STATE, "I_syn_1": (0.0, None), "dI_syn_1": (0.0, None)}
    per_receptor: ClassVar[tuple[str, ...]] = ("I_syn_{k}", "dI_syn_{k}")
    kernel = _update

    #: per alpha component: its time-constant list (ms), its amplitude list (None: 1) and
    #: the names of its two state rows per receptor
    components: ClassVar[tuple[tuple[str, str | None, str, str], ...]] = (
        ("tau_syn", None, "I_syn_{q}", "dI_syn_{q}"),)

    @classmethod
    def model_state_for(cls, P: dict[str, np.ndarray]) -> dict[str, tuple[float, str | None]]:
        """Per component ``I_syn_1 .. I_syn_n`` (pA), then ``dI_syn_1 .. dI_syn_n`` (pA/ms)."""
        k = cls.receptors(P)
        out: dict[str, tuple[float, str | None]] = {}
        for _, _, cur, der in cls.components:
            out.update({cur.format(q=q): (0.0, None) for q in range(1, k + 1)})
            out.update({der.format(q=q): (0.0, None) for q in range(1, k + 1)})
        return out

    @classmethod
    def derive(cls, P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        k = cls.receptors(P)
        nc = len(cls.components)
        D = cls.derive_common(P, h, 3 + 5 * k * nc)
        d0 = D.shape[0] - 3 - 5 * k * nc
        C = np.asarray(P["C_m"], dtype=float)
        tau = C / np.asarray(P[cls.g_key], dtype=float)
        D[d0 + P33] = libm_exp(-h / tau)
        D[d0 + P30] = 1 / C * (1 - D[d0 + P33]) * tau
        D[d0 + NC] = nc
        for cc, (tau_key, amp_key, _, _) in enumerate(cls.components):
            tau_syn = np.asarray(P[tau_key], dtype=float).reshape(len(P["E_L"]), -1)
            amp = None if amp_key is None else np.asarray(P[amp_key], dtype=float).reshape(len(P["E_L"]), -1)
            for q in range(k):
                b = d0 + 3 + 5 * (cc * k + q)
                D[b + P11Q] = libm_exp(-h / tau_syn[:, q])
                D[b + P21Q] = h * D[b + P11Q]
                D[b + P31Q], D[b + P32Q] = iaf_propagators(tau_syn[:, q], tau, C, h)
                # NEST: e / tau_syn, times amp_slow for the slow component
                D[b + PSCQ] = 1.0 * math.e / tau_syn[:, q] if amp is None else 1.0 * math.e / tau_syn[:, q] * amp[:, q]
        return D
