"""aeif_psc_delta: adaptive exponential integrate-and-fire neuron, delta-shaped input.

As NEST 3.10's ``aeif_psc_delta`` (Brette & Gerstner 2005): the membrane and adaptation
equations and the integrator of :mod:`spikesim.models._aeif` without synaptic currents;
a spike of weight ``w`` (mV) moves ``V_m`` by ``w`` after the first integrator step of
the step it arrives in, unless the neuron is refractory: then the input is dropped, or
with ``refractory_input`` held back, decayed by ``exp(-r h / tau_m)`` (``r`` the
refractory steps left, ``tau_m = C_m / g_L``), and added when the neuron leaves its
refractory period.  State: ``V_m`` (mV), adaptation current ``w`` (pA).

Difference from NEST 3.10: there, held-back input makes ``V_m`` NaN (its unsigned
refractory counter is negated in the decay factor); spikesim decays it as documented.
"""

from __future__ import annotations

from numba import njit, prange

from spikesim.models._aeif import AEIF_PARAMS, AdExModel, checked, run_neuron_delta
from spikesim.models.base import INPUT_SINGLE


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        run_neuron_delta(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, j)


class AeifPscDelta(AdExModel):
    """NEST's ``aeif_psc_delta``: AdEx neuron whose input moves ``V_m`` directly (RKF45).

    Parameters: potentials in mV, ``g_L`` and ``a`` in nS, ``C_m`` in pF, ``tau_w`` and
    ``t_ref`` in ms, ``b`` and ``I_e`` in pA, ``gsl_error_tol`` (the integrator's absolute
    and relative error bound), ``refractory_input`` (bool).  State: ``V_m`` (mV), ``w``
    (pA).  Recordables: ``V_m``, ``w``.  Weights are in mV.
    """
    name = "aeif_psc_delta"
    params = {**{k: v for k, v in AEIF_PARAMS.items() if not k.startswith("tau_syn")}, "refractory_input": False}
    state = {"V_m": (-70.6, None), "w": (0.0, None), "refractory_count": (0.0, None), "I_stim": (0.0, None),
             "integration_step": (0.0, None), "refractory_input_buffer": (0.0, None)}
    recordables = ("V_m", "w")
    units = {"V_m": "mV", "w": "pA"}
    input_mode = INPUT_SINGLE
    kernel = staticmethod(checked(_update, "aeif_psc_delta", 4))
