"""aeif_psc_exp: adaptive exponential integrate-and-fire neuron, exponential currents.

As NEST 3.10's ``aeif_psc_exp`` (Brette & Gerstner 2005); the equations, the
integrator and the update order are those of :mod:`spikesim.models._aeif`.  State:
``V_m`` (mV), synaptic currents ``I_syn_ex``, ``I_syn_in`` (pA), adaptation current
``w`` (pA).  A spike of weight ``|w|`` (pA) adds ``|w|`` to its current, which decays
with ``tau_syn``; the inhibitory current enters the membrane equation negated.
"""

from __future__ import annotations

from numba import njit, prange

from spikesim.models._aeif import AEIF_PARAMS, AdExModel, checked, run_neuron
from spikesim.models.base import INPUT_SPLIT

#: state rows of the integrator vector (V_m, -, I_syn_ex, -, I_syn_in, w), then r, I_stim, step
ROWS = (0, -1, 1, -1, 2, 3, 4, 5, 6)


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        run_neuron(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j, ROWS)


class AeifPscExp(AdExModel):
    """NEST's ``aeif_psc_exp``: AdEx neuron with exponentially decaying currents (RKF45).

    Parameters: potentials in mV, ``g_L`` and ``a`` in nS, ``C_m`` in pF, time constants and
    ``t_ref`` in ms, ``b`` and ``I_e`` in pA, ``gsl_error_tol`` (the integrator's absolute and
    relative error bound).  State: ``V_m`` (mV), ``I_syn_ex``, ``I_syn_in`` (pA), ``w`` (pA).
    Recordables: ``V_m``, ``I_syn_ex``, ``I_syn_in``, ``w``.  Weights are in pA.
    """
    name = "aeif_psc_exp"
    params = dict(AEIF_PARAMS)
    state = {"V_m": (-70.6, None), "I_syn_ex": (0.0, None), "I_syn_in": (0.0, None), "w": (0.0, None),
             "refractory_count": (0.0, None), "I_stim": (0.0, None), "integration_step": (0.0, None)}
    recordables = ("V_m", "I_syn_ex", "I_syn_in", "w")
    units = {"V_m": "mV", "I_syn_ex": "pA", "I_syn_in": "pA", "w": "pA"}
    input_mode = INPUT_SPLIT
    kernel = staticmethod(checked(_update, "aeif_psc_exp", ROWS[8]))
