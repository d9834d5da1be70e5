"""NEST's ``ignore_and_fire``: a neuron that ignores its input and fires at a fixed rate and phase.

The neuron spikes every ``1000 / rate`` ms (``rate`` in spikes/s), the first spike
``phase * 1000 / rate`` ms after the countdown starts (when the neuron is created or
any of its parameters is set), stamped one step later, as NEST's update does.  Both
times are converted to steps as NEST's ``Time(ms(t)).get_steps()`` (rounded to tics,
then up to whole steps).  Input (spikes of any weight, currents) is read and dropped.

The countdown is a state row (steps until the next spike; -1 until it starts, where it
is loaded with the phase's steps), so it is carried across runs and in checkpoints and
does not depend on threads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import take
from spikesim.models.base import CH_CUR, CH_EX, INPUT_SINGLE, NeuronModel, refractory_steps

# state rows
COUNT = 0
# derived rows
PHASE, PERIOD = 0, 1


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        c = S[COUNT, j]
        if c == -1.0:
            c = D[PHASE, j]
        for i in range(m):
            slot = (s0 + i) % L
            take(ring, CH_EX, slot, g)
            take(ring, CH_CUR, slot, g)
            if c == 0.0:
                c = D[PERIOD, j] - 1.0
                spk[i, j] = 1
            else:
                c -= 1.0
        S[COUNT, j] = c


class IgnoreAndFire(NeuronModel):
    """NEST's ``ignore_and_fire``: spikes every ``1000 / rate`` ms at phase ``phase``,
    whatever its input.

    Parameters: ``rate`` (spikes/s, > 0; default 10), ``phase`` (in (0, 1]; default
    1: the first spike one period after the start) and ``tau_minus``,
    ``tau_minus_triplet`` (ms, for STDP synapses it is the target of).  State: ``phase_countdown`` (steps
    until the next spike; -1 until the countdown starts).  No recordables.
    """

    name = "ignore_and_fire"
    params = {"phase": 1.0, "rate": 10.0, "tau_minus": 20.0, "tau_minus_triplet": 110.0}
    state = {"phase_countdown": (-1.0, None)}
    recordables = ()
    input_mode = INPUT_SINGLE
    read_only_state = ("phase_countdown",)
    positive = ("tau_minus", "tau_minus_triplet")
    kernel = _update

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check ``phase`` in (0, 1] and ``rate`` > 0 (spikes/s), with NEST's messages.

        Raises
        ------
        BadProperty
            Naming the parameter and value when one is outside its range.
        """
        super().check(P, h)
        phase, rate = np.asarray(P["phase"], dtype=float), np.asarray(P["rate"], dtype=float)
        bad = ~((phase > 0.0) & (phase <= 1.0))
        if bad.any():
            raise bad_property(cls.name, "phase", float(phase[bad][0]), "Phase must be > 0 and <= 1.")
        bad = ~(rate > 0.0) | np.isinf(rate)
        if bad.any():
            raise bad_property(cls.name, "rate", float(rate[bad][0]), "Firing rate must be > 0 (and finite, spikes/s).")

    @classmethod
    def settle_state(cls, P: dict[str, np.ndarray], S: np.ndarray, names: tuple[str, ...],
                     values: dict[str, Any], local: np.ndarray) -> None:
        """Restart the countdown of the neurons at ``local`` whenever parameters are set
        on them, as NEST recomputes its phase and period on every SetStatus."""
        S[names.index("phase_countdown"), local] = -1.0

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Per neuron: the phase and the period in steps of ``h`` ms (as NEST converts them)."""
        rate = np.asarray(P["rate"], dtype=float)
        D = np.empty((2, rate.size))
        D[PHASE] = refractory_steps(np.asarray(P["phase"], dtype=float) / rate * 1000.0, h)
        D[PERIOD] = refractory_steps(1.0 / rate * 1000.0, h)
        return D
