"""iaf_cond_beta: leaky integrate-and-fire neuron with beta-shaped conductances.

As NEST 3.10's ``iaf_cond_beta``: the equations, integrator and update order of
:mod:`spikesim.models.iaf_cond_alpha`, with a rise and a decay time constant per
synapse type:

    ddg_ex/dt = -dg_ex / tau_decay_ex,   dg_ex/dt = dg_ex - g_ex / tau_rise_ex   (same for _in)

A spike of weight ``|w|`` (nS) adds ``|w|`` times NEST's normalisation factor to
``dg``, so that the conductance peaks at ``|w|``: ``(1/tau_rise - 1/tau_decay) /
(exp(-t_peak/tau_decay) - exp(-t_peak/tau_rise))`` with ``t_peak = tau_decay tau_rise
ln(tau_decay/tau_rise) / (tau_decay - tau_rise)``, or ``e / tau_decay`` (the alpha
function) when the two are equal to machine precision.
"""

from __future__ import annotations

import math

import numpy as np

from spikesim.models._rkf45 import stop_unstable
from spikesim.models.iaf_cond_alpha import HINT, PSE, PSI, TEX, TIN, TREX, TRIN, IafCondAlpha, update_alpha_beta
from spikesim.models.iaf_cond_exp import COND_PARAMS, COND_UNSTABLE

#: machine epsilon of a double (NEST's std::numeric_limits<double>::epsilon())
_EPS = float(np.finfo(float).eps)


def beta_normalisation(tau_rise: float, tau_decay: float) -> float:
    """What a weight of 1 adds to ``dg`` (1/ms) so that the conductance peaks at 1,
    computed as NEST 3.10 computes it (time constants in ms)."""
    difference = tau_decay - tau_rise
    peak = 0.0
    if abs(difference) > _EPS:
        t_peak = tau_decay * tau_rise * math.log(tau_decay / tau_rise) / difference
        peak = math.exp(-t_peak / tau_decay) - math.exp(-t_peak / tau_rise)
    if abs(peak) < _EPS:
        return math.e / tau_decay
    return (1.0 / tau_rise - 1.0 / tau_decay) / peak


class IafCondBeta(IafCondAlpha):
    """NEST's ``iaf_cond_beta``: integrate-and-fire, beta-shaped conductances (RKF45).

    Parameters: potentials and reversal potentials in mV, ``g_L`` in nS, ``C_m`` in pF,
    ``tau_rise_ex``, ``tau_decay_ex``, ``tau_rise_in``, ``tau_decay_in`` and ``t_ref`` in
    ms, ``I_e`` in pA.  State: ``V_m`` (mV), conductances ``g_ex``, ``g_in`` (nS).
    Recordables: ``V_m``, ``g_ex``, ``g_in``, ``t_ref_remaining`` (ms).  Weights are in nS.
    """
    name = "iaf_cond_beta"
    params = {**{k: v for k, v in COND_PARAMS.items() if not k.startswith("tau_syn")},
              "tau_rise_ex": 0.2, "tau_decay_ex": 0.2, "tau_rise_in": 2.0, "tau_decay_in": 2.0}
    kernel = staticmethod(stop_unstable(update_alpha_beta, "iaf_cond_beta", HINT, COND_UNSTABLE))

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        D = IafCondAlpha.derive({**P, "tau_syn_ex": P["tau_decay_ex"], "tau_syn_in": P["tau_decay_in"]}, h)
        D[TEX] = P["tau_decay_ex"]
        D[TIN] = P["tau_decay_in"]
        D[TREX] = P["tau_rise_ex"]
        D[TRIN] = P["tau_rise_in"]
        for row, rise, decay in ((PSE, "tau_rise_ex", "tau_decay_ex"), (PSI, "tau_rise_in", "tau_decay_in")):
            D[row] = [beta_normalisation(float(r), float(d))
                      for r, d in zip(np.broadcast_to(P[rise], D.shape[1]), np.broadcast_to(P[decay], D.shape[1]),
                                      strict=True)]
        return D
