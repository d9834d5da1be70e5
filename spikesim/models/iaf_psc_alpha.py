"""iaf_psc_alpha: leaky integrate-and-fire neuron with alpha-shaped synaptic currents.

Exact integration as in NEST 3.10.  Each synaptic current ``I`` has a derivative
state ``dI``; a spike of weight ``w`` (pA) adds ``w e / tau_syn`` to ``dI`` so that
the current peaks at ``w`` after ``tau_syn``.  Each step, with ``y3 = V_m - E_L``:

1. not refractory: ``y3 <- P30 (y0 + I_e) + P31ex dI_ex + P32ex I_ex + P31in dI_in
   + P32in I_in + expm1(-h/tau_m) y3 + y3``, then ``y3 <- max(y3, V_min)``;
   refractory: the counter goes down by one;
2. ``I <- P21 dI + P22 I``, ``dI <- P11 dI``, then the spikes of this step are added
   to ``dI`` (excitatory and inhibitory alike);
3. if ``y3 >= V_th``: spike, ``y3 <- V_reset``, refractory for ``t_ref``;
4. the current read for this step becomes ``y0`` and acts in the next step.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from spikesim.models._common import sample, take
from spikesim.models._nest_numerics import nest_expm1_array
from spikesim.models.base import (
    CH_CUR,
    CH_EX,
    CH_IN,
    INPUT_SPLIT,
    NeuronModel,
    refractory_steps,
)
from spikesim.models.iaf_psc_exp import iaf_propagators, libm_exp

# state rows
Y3, IEX, IIN, DIEX, DIIN, Y0, R = range(7)
# derived rows
(P30, EXPM1, P31EX, P32EX, P31IN, P32IN, P11EX, P21EX, P11IN, P21IN, EPSC, IPSC,
 THETA, VRESET, VMIN, IE, NREF) = range(17)


@njit(cache=True, inline="always")
def _store(S, j, y3, iex, iin, diex, diin, y0, r):
    """Write neuron ``j``'s state, kept in locals during the slice, back to ``S``."""
    S[Y3, j] = y3
    S[IEX, j] = iex
    S[IIN, j] = iin
    S[DIEX, j] = diex
    S[DIIN, j] = diin
    S[Y0, j] = y0
    S[R, j] = r


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        y3 = S[Y3, j]
        iex = S[IEX, j]
        iin = S[IIN, j]
        diex = S[DIEX, j]
        diin = S[DIIN, j]
        y0 = S[Y0, j]
        r = S[R, j]
        p30 = D[P30, j]
        em1 = D[EXPM1, j]
        p31ex = D[P31EX, j]
        p32ex = D[P32EX, j]
        p31in = D[P31IN, j]
        p32in = D[P32IN, j]
        p11ex = D[P11EX, j]
        p21ex = D[P21EX, j]
        p11in = D[P11IN, j]
        p21in = D[P21IN, j]
        epsc = D[EPSC, j]
        ipsc = D[IPSC, j]
        theta = D[THETA, j]
        vmin = D[VMIN, j]
        ie = D[IE, j]
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            if r == 0.0:
                y3 = (p30 * (y0 + ie) + p31ex * diex + p32ex * iex + p31in * diin
                      + p32in * iin + em1 * y3 + y3)
                if y3 < vmin:
                    y3 = vmin
            else:
                r -= 1.0
            # P22 == P11 in NEST
            iex = p21ex * diex + p11ex * iex
            diex *= p11ex
            diex += epsc * take(ring, CH_EX, slot, g)
            iin = p21in * diin + p11in * iin
            diin *= p11in
            diin += ipsc * take(ring, CH_IN, slot, g)
            if y3 >= theta:
                r = D[NREF, j]
                y3 = D[VRESET, j]
                spk[i, j] = 1
            y0 = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                _store(S, j, y3, iex, iin, diex, diin, y0, r)
                sample(S, j, i, c, rec_rows, rec_out)
        _store(S, j, y3, iex, iin, diex, diin, y0, r)


class IafPscAlpha(NeuronModel):
    """NEST's ``iaf_psc_alpha``: leaky integrate-and-fire, alpha-shaped synaptic currents.

    Parameters: ``E_L``, ``V_th``, ``V_reset``, ``V_min`` (mV), ``C_m`` (pF), ``tau_m``,
    ``t_ref``, ``tau_syn_ex``, ``tau_syn_in`` (ms), ``I_e`` (pA).  State: ``V_m`` (mV),
    ``I_syn_ex``, ``I_syn_in``, ``I`` (pA), ``dI_syn_ex``, ``dI_syn_in`` (pA/ms),
    ``refractory_count`` (steps).  Recordables: ``I_syn_ex``, ``I_syn_in``, ``V_m``.
    Weights are in pA.
    """
    name = "iaf_psc_alpha"
    params = {
        "E_L": -70.0, "C_m": 250.0, "tau_m": 10.0, "t_ref": 2.0, "V_th": -55.0,
        "V_reset": -70.0, "V_min": -np.inf, "I_e": 0.0, "tau_syn_ex": 2.0, "tau_syn_in": 2.0,
        "tau_minus": 20.0, "tau_minus_triplet": 110.0,
    }
    state = {"V_m": (-70.0, "E_L"), "I_syn_ex": (0.0, None), "I_syn_in": (0.0, None),
             "dI_syn_ex": (0.0, None), "dI_syn_in": (0.0, None), "I": (0.0, None),
             "refractory_count": (0.0, None)}
    recordables = ("I_syn_ex", "I_syn_in", "V_m")
    units = {"I_syn_ex": "pA", "I_syn_in": "pA", "V_m": "mV"}
    input_mode = INPUT_SPLIT
    positive = ("C_m", "tau_m", "tau_syn_ex", "tau_syn_in", "tau_minus", "tau_minus_triplet")
    nonnegative = ("t_ref",)
    below = (("V_reset", "V_th"),)
    kernel = _update

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((17, n))
        tau, C, EL = P["tau_m"], P["C_m"], P["E_L"]
        D[P11EX] = libm_exp(-h / P["tau_syn_ex"])
        D[P11IN] = libm_exp(-h / P["tau_syn_in"])
        D[EXPM1] = nest_expm1_array(-h / tau)  # NEST's numerics::expm1, not the C library's
        D[P30] = -tau / C * D[EXPM1]
        D[P21EX] = h * D[P11EX]
        D[P21IN] = h * D[P11IN]
        D[P31EX], D[P32EX] = iaf_propagators(P["tau_syn_ex"], tau, C, h)
        D[P31IN], D[P32IN] = iaf_propagators(P["tau_syn_in"], tau, C, h)
        D[EPSC] = 1.0 * math.e / P["tau_syn_ex"]
        D[IPSC] = 1.0 * math.e / P["tau_syn_in"]
        D[THETA] = P["V_th"] - EL
        D[VRESET] = P["V_reset"] - EL
        D[VMIN] = P["V_min"] - EL
        D[IE] = P["I_e"]
        D[NREF] = refractory_steps(P["t_ref"], h)
        return D
