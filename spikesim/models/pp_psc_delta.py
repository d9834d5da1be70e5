"""pp_psc_delta: point-process neuron with leaky integration of delta-shaped input.

As NEST 3.10's ``pp_psc_delta`` (Cardanobile & Rotter's escape-noise neuron).  Each
step, with ``V = V_m`` (mV, rest at 0):

1. ``V <- P30 (i_0 + I_e) + P33 V + J`` (``J``: summed weights of the spikes read for
   this step, mV; ``V`` integrates also during the dead time);
2. the adaptation decays, ``q_elem <- q_elem exp(-h/tau_sfa)``, and ``E_sfa <- q_elem``;
3. outside the dead time, with ``V_eff = V - E_sfa`` the rate is
   ``c_1 V_eff + c_2 exp(c_3 V_eff)`` (spikes/s); if positive the neuron spikes once with
   probability ``1 - exp(-rate h)`` when ``dead_time > 0``, or ``Poisson(rate h)`` times
   (one event of that multiplicity) when ``dead_time == 0``; a spike starts the dead
   time (fixed, or gamma-distributed with mean ``dead_time`` and shape
   ``dead_time_shape`` when ``dead_time_random``), adds ``q_sfa`` times the number of
   spikes to ``q_elem`` and, with ``with_reset``, sets ``V`` to 0;
   in the dead time the counter goes down by one;
4. the current read for this step becomes ``i_0`` and acts in the next step.

NEST takes lists of adaptation time constants and jumps; spikesim takes one component
(``tau_sfa``, ``q_sfa`` numbers; ``q_sfa = 0``, the default, is NEST's empty list).
Draws come from counter-based streams keyed by seed, node id and step
(:mod:`spikesim.models._neuron_streams`), so results do not depend on the threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import sample, take
from spikesim.models._nest_numerics import nest_expm1
from spikesim.models._neuron_streams import (
    bind_seed,
    draw,
    gamma_draw,
    ms_to_step_count,
    neuron_key,
    poisson_small,
)
from spikesim.models.base import CH_CUR, CH_EX, INPUT_SINGLE, NeuronModel, refractory_steps
from spikesim.models.iaf_psc_exp import libm_exp
from spikesim.timegrid import TICS_PER_MS

# state rows
V, ESFA, QEL, I0, R, INIT = range(6)
# derived rows
(P33, P30, Q33, QSFA, IE, C1, C2, C3, HMS, DEAD, DEADRND, SHAPE, RATE, NDEAD, NREM, TPS,
 SEEDHI, SEEDLO, RESET) = range(19)


@njit(cache=True)
def _spikes(D, j, v, esfa, key, step):
    """How many spikes neuron ``j`` emits in ``step`` (outside its dead time)."""
    v_eff = v - esfa
    rate = D[C1, j] * v_eff + D[C2, j] * math.exp(D[C3, j] * v_eff)
    if not rate > 0.0:
        return 0
    mean = rate * D[HMS, j] * 1e-3
    u = draw(key, step, 0)
    if D[DEAD, j] > 0.0:
        return 1 if u <= -nest_expm1(-mean) else 0
    return poisson_small(mean, u)


@njit(cache=True)
def _dead_steps(D, j, key_dead, step):
    """The dead time (steps) that a spike in ``step`` starts."""
    if D[DEADRND, j] != 0.0:
        return ms_to_step_count(gamma_draw(key_dead, step, D[SHAPE, j]) / D[RATE, j], D[TPS, j])
    return D[NDEAD, j]


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        node = g + 1
        key = neuron_key(D, SEEDHI, SEEDLO, j, node, 0)
        key_dead = neuron_key(D, SEEDHI, SEEDLO, j, node, 1)
        if S[INIT, j] == 0.0:  # NEST sets the remaining dead time when the node is first run
            S[R, j] = D[NREM, j]
            S[INIT, j] = 1.0
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            step = s0 + i
            v = D[P30, j] * (S[I0, j] + D[IE, j]) + D[P33, j] * S[V, j] + take(ring, CH_EX, slot, g)
            q = D[Q33, j] * S[QEL, j]
            S[QEL, j] = q
            S[ESFA, j] = q
            if S[R, j] == 0.0:
                k = _spikes(D, j, v, q, key, step)
                if k > 0:
                    S[R, j] = _dead_steps(D, j, key_dead, step)
                    S[QEL, j] = q + D[QSFA, j] * k
                    spk[i, j] = k
                    if D[RESET, j] != 0.0:
                        v = 0.0
            else:
                S[R, j] -= 1.0
            S[V, j] = v
            S[I0, j] = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                sample(S, j, i, c, rec_rows, rec_out)


class PpPscDelta(NeuronModel):
    """NEST's ``pp_psc_delta``: escape-noise point-process neuron, delta-shaped input.

    Parameters in NEST's units: ``tau_m``, ``dead_time``, ``tau_sfa``,
    ``t_ref_remaining`` in ms; ``C_m`` in pF; ``I_e`` in pA; ``q_sfa`` in mV; ``c_1`` in
    spikes/s per mV, ``c_2`` in spikes/s, ``c_3`` in 1/mV; ``dead_time_random``,
    ``with_reset`` (bool); ``dead_time_shape`` (integer >= 1).  State: ``V_m`` (mV,
    relative to rest), ``E_sfa`` (mV, the adaptation as of the last step), its
    component ``E_sfa_elem`` (mV), ``I`` (pA, the input current of the next step),
    ``refractory_count`` (steps) and ``initialized``.  Recordables: ``V_m``, ``E_sfa``
    (mV).  Weights are in mV.
    """
    name = "pp_psc_delta"
    params = {
        "tau_m": 10.0, "C_m": 250.0, "dead_time": 1.0, "dead_time_random": False, "dead_time_shape": 1,
        "with_reset": True, "tau_sfa": 34.0, "q_sfa": 0.0, "c_1": 0.0, "c_2": 1.238, "c_3": 0.25,
        "I_e": 0.0, "t_ref_remaining": 0.0,
    }
    state = {"V_m": (0.0, None), "E_sfa": (0.0, None), "E_sfa_elem": (0.0, None), "I": (0.0, None),
             "refractory_count": (0.0, None), "initialized": (0.0, None)}
    recordables = ("V_m", "E_sfa")
    units = {"V_m": "mV", "E_sfa": "mV"}
    input_mode = INPUT_SINGLE
    positive = ("C_m", "tau_m", "tau_sfa")
    nonnegative = ("dead_time", "t_ref_remaining", "c_3")
    kernel = _update

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            When a time constant or ``C_m`` is not positive, ``dead_time``,
            ``t_ref_remaining`` or ``c_3`` is negative, or ``dead_time_shape`` is not an
            integer >= 1 (the gamma distribution's shape).
        """
        super().check(P, h)
        shape = np.asarray(P["dead_time_shape"], dtype=float)
        bad = ~((shape >= 1) & (shape == np.floor(shape)))
        if bad.any():
            raise bad_property(cls.name, "dead_time_shape", float(shape[bad][0]), "it must be an integer >= 1")

    @classmethod
    def bind_seed(cls, D: np.ndarray, seed: int) -> None:
        """Give the kernel the simulator's ``seed`` (written into ``D``; see
        :func:`spikesim.models._neuron_streams.bind_seed`)."""
        bind_seed(D, SEEDHI, SEEDLO, seed)

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["tau_m"])
        D = np.zeros((19, n))
        tau = np.asarray(P["tau_m"], float)
        D[P33] = libm_exp(-h / tau)
        D[P30] = 1.0 / np.asarray(P["C_m"], float) * (1.0 - D[P33]) * tau
        D[Q33] = libm_exp(-h / np.asarray(P["tau_sfa"], float))
        D[QSFA] = P["q_sfa"]
        D[IE] = P["I_e"]
        D[C1], D[C2], D[C3] = P["c_1"], P["c_2"], P["c_3"]
        D[HMS] = h
        # NEST raises a dead time shorter than one step to one step
        dead = np.asarray(P["dead_time"], float)
        dead = np.where((dead != 0.0) & (dead < h), h, dead)
        D[DEAD] = dead
        D[DEADRND] = np.asarray(P["dead_time_random"], float)
        D[SHAPE] = P["dead_time_shape"]
        with np.errstate(divide="ignore"):
            D[RATE] = np.asarray(P["dead_time_shape"], float) / dead
        D[NDEAD] = refractory_steps(dead, h)
        D[NREM] = refractory_steps(P["t_ref_remaining"], h)
        D[TPS] = round(h * TICS_PER_MS)
        D[RESET] = np.asarray(P["with_reset"], float)
        return D
