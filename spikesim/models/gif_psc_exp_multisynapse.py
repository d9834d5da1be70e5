"""gif_psc_exp_multisynapse: generalised integrate-and-fire neuron with escape noise and
one exponential current per receptor (Mensi et al. 2012).

As NEST 3.10's ``gif_psc_exp_multisynapse``, with the receptors ``q = 1 .. n`` of the
list ``tau_syn`` (ms).  Each step:

1. ``I_stc`` and ``E_sfa`` are taken from the adaptation components, which then decay
   (:func:`spikesim.models._gif.adapt`);
2. ``s = sum_q P21_q I_syn_q`` with the currents before this step's decay; each
   ``I_syn_q`` then decays by ``P11_q`` and takes the weights (pA) of the spikes read
   for this step at receptor ``q``;
3. not refractory: ``V <- P30 (i_0 + I_e - I_stc) + P33 V + P31 E_L + s``, then the
   escape-noise test (:func:`spikesim.models._gif.escape`); refractory: the counter goes
   down by one and ``V <- V_reset``;
4. the current read for this step (receptor 0) becomes ``i_0`` and acts in the next step.
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
    GifReceptorModel,
    R,
    V,
    adapt,
    escape,
)
from spikesim.models._multisynapse import n_receptors
from spikesim.models._nest_numerics import nest_expm1_array
from spikesim.models._neuron_streams import neuron_key
from spikesim.models.base import CH_CUR
from spikesim.models.iaf_psc_exp import iaf_propagators, libm_exp

# the receptors' currents I_syn_1 .. I_syn_n follow the common state rows
IS0 = len(GIF_STATE)
# the model's derived rows after the common ones, then P11_1, P21_1, P11_2 ...
P33, P30, P31, NREC = range(N_COMMON, N_COMMON + 4)
N_FIXED_DERIVED = N_COMMON + 4


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        g = base + j
        key = neuron_key(D, SEEDHI, SEEDLO, j, g + 1, 0)
        c = rec_col[j]
        k = int(D[NREC, j])
        s_first = IS0 + k
        d_first = N_FIXED_DERIVED + 2 * k
        for i in range(m):
            slot = (s0 + i) % L
            adapt(S, D, j, s_first, d_first)
            sum_syn = 0.0
            for q in range(k):
                sum_syn += D[N_FIXED_DERIVED + 2 * q + 1, j] * S[IS0 + q, j]
                S[IS0 + q, j] = D[N_FIXED_DERIVED + 2 * q, j] * S[IS0 + q, j] + take(ring, CH_CUR + 1 + q, slot, g)
            if S[R, j] == 0.0:
                S[V, j] = (D[P30, j] * (S[I0, j] + D[IE, j] - S[ISTC, j]) + D[P33, j] * S[V, j]
                           + D[P31, j] * D[EL, j] + sum_syn)
                if escape(S, D, j, key, s0 + i, s_first, d_first):
                    spk[i, j] = 1
            else:
                S[R, j] -= 1.0
                S[V, j] = D[VRESET, j]
            S[I0, j] = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                sample(S, j, i, c, rec_rows, rec_out)


class GifPscExpMultisynapse(GifReceptorModel):
    """NEST's ``gif_psc_exp_multisynapse``: generalised integrate-and-fire, escape noise,
    one exponential current per receptor.

    Parameters as :class:`spikesim.models._gif.GifReceptorModel` (the list ``tau_syn`` in
    ms, one per receptor).  State: ``V_m`` (mV), ``E_sfa`` (mV), ``I_stc`` (pA), the
    currents ``I_syn_1 .. I_syn_n`` (pA), the adaptation components, ``I`` (pA),
    ``refractory_count`` (steps).  Recordables: ``V_m``, ``E_sfa``, ``I_stc``.  Spikes
    connect with ``receptor_type`` 1 .. n (weights in pA, either sign), current
    generators with receptor 0.
    """
    name = "gif_psc_exp_multisynapse"
    receptor_row = "I_syn_{q}"
    state = {**GIF_STATE, "I_syn_1": (0.0, None)}
    recordables = ("V_m", "E_sfa", "I_stc")
    units = {"V_m": "mV", "E_sfa": "mV", "I_stc": "pA"}
    kernel = _update
    fixed_state: ClassVar[dict[str, tuple[float, str | None]]] = {}

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """The checks of :class:`GifModel`, then every ``tau_syn`` > 0.

        Raises
        ------
        BadProperty
            When a check of :meth:`GifModel.check` fails or a ``tau_syn`` is not > 0.
        """
        super().check(P, h)
        cls.check_receptors(P)

    @classmethod
    def derive(cls, P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        k = n_receptors(P)
        D = cls.derive_common(P, h, N_FIXED_DERIVED - N_COMMON + 2 * k)
        C = D[CM]
        tau_m = C / D[GL]
        D[P33] = libm_exp(-h / tau_m)
        em1 = nest_expm1_array(-h / tau_m)  # NEST's numerics::expm1
        D[P30] = -1.0 / C * em1 * tau_m
        D[P31] = -em1
        D[NREC] = k
        tau = np.asarray(P["tau_syn"], dtype=float)
        for q in range(k):
            D[N_FIXED_DERIVED + 2 * q] = libm_exp(-h / tau[:, q])
            D[N_FIXED_DERIVED + 2 * q + 1] = iaf_propagators(tau[:, q], tau_m, C, h)[1]
        return D
