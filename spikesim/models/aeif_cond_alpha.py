"""aeif_cond_alpha: adaptive exponential integrate-and-fire neuron, alpha conductances.

As NEST 3.10's ``aeif_cond_alpha`` (Brette & Gerstner 2005); the equations, the
integrator and the update order are those of :mod:`spikesim.models._aeif`.  State:
``V_m`` (mV), ``g_ex``, ``g_in`` (nS) with their derivatives ``dg_ex``, ``dg_in``
(nS/ms), adaptation current ``w`` (pA).  A spike of weight ``|w|`` (nS) adds
``|w| e / tau_syn`` to ``dg``, so the conductance peaks at ``|w|`` a time ``tau_syn``
later.
"""

from __future__ import annotations

from numba import njit, prange

from spikesim.models._aeif import AEIF_PARAMS, COND_REVERSAL, AdExModel, checked, run_neuron
from spikesim.models.base import INPUT_SPLIT

#: state rows of the integrator vector (V_m, dg_ex, g_ex, dg_in, g_in, w), then r, I_stim, step
ROWS = (0, 1, 2, 3, 4, 5, 6, 7, 8)


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j, ROWS)


class AeifCondAlpha(AdExModel):
    """NEST's ``aeif_cond_alpha``: AdEx neuron with alpha-shaped conductances (RKF45).

    Parameters: potentials in mV, ``g_L`` and ``a`` in nS, ``C_m`` in pF, time constants and
    ``t_ref`` in ms, ``b`` and ``I_e`` in pA, ``gsl_error_tol`` (the integrator's absolute and
    relative error bound).  State: ``V_m`` (mV), ``g_ex``, ``g_in`` (nS), ``dg_ex``,
    ``dg_in`` (nS/ms), ``w`` (pA).  Recordables: ``V_m``, ``g_ex``, ``g_in``, ``w``.
    Weights are in nS.
    """
    name = "aeif_cond_alpha"
    params = {**AEIF_PARAMS, **COND_REVERSAL}
    state = {"V_m": (-70.6, None), "dg_ex": (0.0, None), "g_ex": (0.0, None), "dg_in": (0.0, None),
             "g_in": (0.0, None), "w": (0.0, None), "refractory_count": (0.0, None), "I_stim": (0.0, None),
             "integration_step": (0.0, None)}
    recordables = ("V_m", "g_ex", "g_in", "w")
    units = {"V_m": "mV", "g_ex": "nS", "g_in": "nS", "w": "pA"}
    input_mode = INPUT_SPLIT
    kernel = staticmethod(checked(_update, "aeif_cond_alpha", ROWS[8]))
    cond = True
    alpha = True
