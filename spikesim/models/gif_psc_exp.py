"""gif_psc_exp: generalised integrate-and-fire neuron with escape noise (Mensi et al. 2012).

As NEST 3.10's ``gif_psc_exp``.  Each step:

1. ``I_stc`` and ``E_sfa`` are taken from the adaptation components, which then decay
   (:func:`spikesim.models._gif.adapt`);
2. the synaptic currents decay and take the spikes read for this step (positive weights
   into ``I_syn_ex``, negative ones into ``I_syn_in``, pA);
3. not refractory: ``V <- P30 (i_0 + I_e - I_stc) + P33 V + P31 E_L + I_ex P21ex +
   I_in P21in`` (exact integration), then the escape-noise test
   (:func:`spikesim.models._gif.escape`); refractory: the counter goes down by one and
   ``V <- V_reset``;
4. the current read for this step becomes ``i_0`` and acts in the next step.

Any number of components ``tau_sfa``/``q_sfa`` and ``tau_stc``/``q_stc`` (lists, see
:mod:`spikesim.models._gif`).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numba import njit, prange

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
    GifModel,
    R,
    V,
    adapt,
    escape,
)
from spikesim.models._nest_numerics import nest_expm1_array
from spikesim.models._neuron_streams import neuron_key
from spikesim.models.base import CH_CUR, CH_EX, CH_IN
from spikesim.models.iaf_psc_exp import iaf_propagators, libm_exp

# the model's state rows (after the common ones)
IEX, IIN = 5, 6
N_STATE = 7
# the model's derived rows (after the common ones)
P11EX, P11IN, P21EX, P21IN, P33, P30, P31 = range(N_COMMON, N_COMMON + 7)
N_DERIVED = N_COMMON + 7


@njit(cache=True, inline="always")
def _membrane(S, D, j):
    """The membrane update of a neuron that is not refractory (NEST's order of terms)."""
    return (D[P30, j] * (S[I0, j] + D[IE, j] - S[ISTC, j]) + D[P33, j] * S[V, j] + D[P31, j] * D[EL, j]
            + S[IEX, j] * D[P21EX, j] + S[IIN, j] * D[P21IN, j])


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        key = neuron_key(D, SEEDHI, SEEDLO, j, g + 1, 0)
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            adapt(S, D, j, N_STATE, N_DERIVED)
            S[IEX, j] = S[IEX, j] * D[P11EX, j] + take(ring, CH_EX, slot, g)
            S[IIN, j] = S[IIN, j] * D[P11IN, j] + take(ring, CH_IN, slot, g)
            if S[R, j] == 0.0:
                S[V, j] = _membrane(S, D, j)
                if escape(S, D, j, key, s0 + i, N_STATE, N_DERIVED):
                    spk[i, j] = 1
            else:
                S[R, j] -= 1.0
                S[V, j] = D[VRESET, j]
            S[I0, j] = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                sample(S, j, i, c, rec_rows, rec_out)


class GifPscExp(GifModel):
    """NEST's ``gif_psc_exp``: generalised integrate-and-fire, escape noise, exponential PSCs.

    Parameters as :class:`spikesim.models._gif.GifModel`.  State: ``V_m`` (mV),
    ``E_sfa`` (mV), ``I_stc`` (pA), the components ``sfa_elem_k`` (mV) and
    ``stc_elem_k`` (pA), synaptic currents ``I_syn_ex``, ``I_syn_in`` (pA), ``I`` (pA,
    the input current of the next step), ``refractory_count`` (steps).  Recordables:
    ``V_m``, ``E_sfa``, ``I_stc``, ``I_syn_ex``, ``I_syn_in``.  Weights are in pA.
    """
    name = "gif_psc_exp"
    model_state: ClassVar[dict[str, tuple[float, str | None]]] = {"I_syn_ex": (0.0, None),
                                                                   "I_syn_in": (0.0, None)}
    state = {**GIF_STATE, **model_state}
    n_model_derived = N_DERIVED - N_COMMON
    recordables = ("V_m", "E_sfa", "I_stc", "I_syn_ex", "I_syn_in")
    units = {"V_m": "mV", "E_sfa": "mV", "I_stc": "pA", "I_syn_ex": "pA", "I_syn_in": "pA"}
    kernel = _update

    @classmethod
    def derive(cls, P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        D = cls.derive_common(P, h)
        C = D[CM]
        tau_m = C / D[GL]
        D[P11EX] = libm_exp(-h / P["tau_syn_ex"])
        D[P11IN] = libm_exp(-h / P["tau_syn_in"])
        D[P21EX] = iaf_propagators(P["tau_syn_ex"], tau_m, C, h)[1]
        D[P21IN] = iaf_propagators(P["tau_syn_in"], tau_m, C, h)[1]
        D[P33] = libm_exp(-h / tau_m)
        em1 = nest_expm1_array(-h / tau_m)  # NEST's numerics::expm1
        D[P30] = -1.0 / C * em1 * tau_m
        D[P31] = -em1
        return D
