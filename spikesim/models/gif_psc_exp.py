"""gif_psc_exp: generalised integrate-and-fire neuron with escape noise (Mensi et al. 2012).

As NEST 3.10's ``gif_psc_exp``.  Each step:

1. the spike-triggered current ``I_stc`` takes the value of its component, which then
   decays by ``exp(-h/tau_stc)``; the threshold ``E_sfa = V_T_star + sfa_elem``, and
   the component decays by ``exp(-h/tau_sfa)``;
2. the synaptic currents decay and take the spikes read for this step (positive weights
   into ``I_syn_ex``, negative ones into ``I_syn_in``, pA);
3. not refractory: ``V <- P30 (i_0 + I_e - I_stc) + P33 V + P31 E_L + I_ex P21ex +
   I_in P21in`` (exact integration); the neuron spikes with probability
   ``1 - exp(-lambda h)``, ``lambda = lambda_0 exp((V - E_sfa) / Delta_V)``; a spike adds
   ``q_stc`` and ``q_sfa`` to the components and starts ``t_ref``;
   refractory: the counter goes down by one and ``V <- V_reset``;
4. the current read for this step becomes ``i_0`` and acts in the next step.

NEST takes lists of adaptation time constants and jumps; spikesim takes one component
of each kind (``tau_sfa``, ``q_sfa``, ``tau_stc``, ``q_stc`` numbers; a jump of 0, the
default, is NEST's empty list).  Draws come from counter-based streams keyed by seed,
node id and step (:mod:`spikesim.models._neuron_streams`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from spikesim.models._common import sample, take
from spikesim.models._neuron_streams import bind_seed, draw, neuron_key
from spikesim.models.base import CH_CUR, CH_EX, CH_IN, INPUT_SPLIT, NeuronModel, refractory_steps
from spikesim.models.iaf_psc_exp import iaf_propagators, libm_exp, libm_expm1

# state rows
V, ESFA, ISTC, SFA, STC, IEX, IIN, I0, R = range(9)
# derived rows
(P11EX, P11IN, P21EX, P21IN, P33, P30, P31, PSFA, PSTC, QSFA, QSTC, VTS, EL, IE, VRESET, LAM0, DV,
 HMS, NREF, SEEDHI, SEEDLO) = range(21)


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
            S[ISTC, j] = S[STC, j]
            S[STC, j] *= D[PSTC, j]
            S[ESFA, j] = D[VTS, j] + S[SFA, j]
            S[SFA, j] *= D[PSFA, j]
            S[IEX, j] = S[IEX, j] * D[P11EX, j] + take(ring, CH_EX, slot, g)
            S[IIN, j] = S[IIN, j] * D[P11IN, j] + take(ring, CH_IN, slot, g)
            if S[R, j] == 0.0:
                v = _membrane(S, D, j)
                S[V, j] = v
                lam = D[LAM0, j] * math.exp((v - S[ESFA, j]) / D[DV, j])
                if lam > 0.0 and draw(key, s0 + i, 0) < -math.expm1(-lam * D[HMS, j]):
                    S[STC, j] += D[QSTC, j]
                    S[SFA, j] += D[QSFA, j]
                    S[R, j] = D[NREF, j]
                    spk[i, j] = 1
            else:
                S[R, j] -= 1.0
                S[V, j] = D[VRESET, j]
            S[I0, j] = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                sample(S, j, i, c, rec_rows, rec_out)


class GifPscExp(NeuronModel):
    """NEST's ``gif_psc_exp``: generalised integrate-and-fire, escape noise, exponential PSCs.

    Parameters in NEST's units: ``E_L``, ``V_reset``, ``V_T_star``, ``Delta_V``, ``q_sfa``
    in mV; ``g_L`` in nS; ``C_m`` in pF; ``t_ref``, ``tau_syn_ex``, ``tau_syn_in``,
    ``tau_sfa``, ``tau_stc`` in ms; ``I_e`` and ``q_stc`` in pA (NEST's documentation
    says nA for ``q_stc``, but adds it to currents in pA); ``lambda_0`` in spikes/s.
    State: ``V_m`` (mV), ``E_sfa`` (mV), ``I_stc`` (pA), their components
    ``sfa_elem`` (mV) and ``stc_elem`` (pA), synaptic currents (pA), ``I`` (pA, the
    input current of the next step), ``refractory_count`` (steps).  Recordables:
    ``V_m``, ``E_sfa``, ``I_stc``, ``I_syn_ex``, ``I_syn_in``.  Weights are in pA.
    """
    name = "gif_psc_exp"
    params = {
        "g_L": 4.0, "E_L": -70.0, "V_reset": -55.0, "Delta_V": 0.5, "V_T_star": -35.0, "lambda_0": 1.0,
        "t_ref": 4.0, "C_m": 80.0, "tau_sfa": 10.0, "q_sfa": 0.0, "tau_stc": 10.0, "q_stc": 0.0,
        "tau_syn_ex": 2.0, "tau_syn_in": 2.0, "I_e": 0.0,
    }
    state = {"V_m": (-70.0, None), "E_sfa": (0.0, None), "I_stc": (0.0, None), "sfa_elem": (0.0, None),
             "stc_elem": (0.0, None), "I_syn_ex": (0.0, None), "I_syn_in": (0.0, None), "I": (0.0, None),
             "refractory_count": (0.0, None)}
    recordables = ("V_m", "E_sfa", "I_stc", "I_syn_ex", "I_syn_in")
    units = {"V_m": "mV", "E_sfa": "mV", "I_stc": "pA", "I_syn_ex": "pA", "I_syn_in": "pA"}
    input_mode = INPUT_SPLIT
    positive = ("g_L", "Delta_V", "C_m", "tau_sfa", "tau_stc", "tau_syn_ex", "tau_syn_in")
    nonnegative = ("t_ref", "lambda_0")
    kernel = _update

    @classmethod
    def bind_seed(cls, D: np.ndarray, seed: int) -> None:
        """Give the kernel the simulator's ``seed`` (written into ``D``; see
        :func:`spikesim.models._neuron_streams.bind_seed`)."""
        bind_seed(D, SEEDHI, SEEDLO, seed)

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.zeros((21, n))
        C = np.asarray(P["C_m"], float)
        tau_m = C / np.asarray(P["g_L"], float)
        D[P11EX] = libm_exp(-h / P["tau_syn_ex"])
        D[P11IN] = libm_exp(-h / P["tau_syn_in"])
        D[P21EX] = iaf_propagators(P["tau_syn_ex"], tau_m, C, h)[1]
        D[P21IN] = iaf_propagators(P["tau_syn_in"], tau_m, C, h)[1]
        D[P33] = libm_exp(-h / tau_m)
        em1 = libm_expm1(-h / tau_m)
        D[P30] = -1.0 / C * em1 * tau_m
        D[P31] = -em1
        D[PSFA] = libm_exp(-h / P["tau_sfa"])
        D[PSTC] = libm_exp(-h / P["tau_stc"])
        D[QSFA], D[QSTC] = P["q_sfa"], P["q_stc"]
        D[VTS], D[EL], D[IE], D[VRESET] = P["V_T_star"], P["E_L"], P["I_e"], P["V_reset"]
        D[LAM0] = np.asarray(P["lambda_0"], float) / 1000.0
        D[DV] = P["Delta_V"]
        D[HMS] = h
        D[NREF] = refractory_steps(P["t_ref"], h)
        return D
