"""parrot_neuron: repeats every incoming spike once per multiplicity.

Weights are ignored (zero and negative weights relay too); spikes arriving on
receptor 1 are not repeated (NEST uses that port to drive plasticity only).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from spikesim.models._common import take
from spikesim.models.base import CH_EX, INPUT_PARROT, NeuronModel


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = spk.shape[1]
    for j in prange(n):
        g = base + j
        for i in range(m):
            k = take(ring, CH_EX, (s0 + i) % L, g)
            if k > 0.0:
                spk[i, j] = int(k + 0.5)


class ParrotNeuron(NeuronModel):
    """NEST's ``parrot_neuron``: repeats every incoming spike (multiplicity, not weight).

    Parameters: ``tau_minus``, ``tau_minus_triplet`` (ms, for STDP synapses it is the
    target of) and ``flush_event_send_interval`` (ms, > 0; infinite by default).  In NEST
    a parrot silent for that long sends a flush event that only e-prop synapses take and
    every other synapse drops; spikesim has no e-prop synapses, so the parameter is kept
    and checked but nothing is sent.  No state, no recordables.
    """
    name = "parrot_neuron"
    params = {"tau_minus": 20.0, "tau_minus_triplet": 110.0, "flush_event_send_interval": float("inf")}
    state = {}
    recordables = ()
    receptor_types = {"receptor_0": 0, "receptor_1": 1}
    input_mode = INPUT_PARROT
    receives = "multiplicity"
    positive = ("tau_minus", "tau_minus_triplet", "flush_event_send_interval")
    kernel = _update

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        return np.zeros((1, len(P["tau_minus"])))
