"""iaf_psc_exp_htum: iaf_psc_exp with an absolute and a total refractory period (Hill & Tononi 2005).

As NEST 3.10's ``iaf_psc_exp_htum`` (exact integration, ``V = V_m - E_L``).  Each step:

1. outside the absolute refractory period ``V <- V P22 + I_ex P21ex + I_in P21in +
   (I_e + i_0) P20``; inside it ``V`` stays where the spike reset it and the counter
   goes down by one;
2. ``I_ex <- I_ex P11ex``, ``I_in <- I_in P11in``; the spikes read for this step jump
   the currents by their summed weights (pA; positive ones into ``I_ex``);
3. outside the total refractory period, ``V >= V_th`` is a spike: ``V <- V_reset`` and
   both periods start; inside it the counter goes down by one (the membrane integrates
   again once the absolute period is over, but cannot spike);
4. the current read for this step becomes ``i_0`` and acts in the next step.

``t_ref_abs`` and ``t_ref_tot`` (ms) must each last at least one step, and
``t_ref_abs <= t_ref_tot``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import sample, take
from spikesim.models.base import CH_CUR, CH_EX, CH_IN, INPUT_SPLIT, NeuronModel, refractory_steps
from spikesim.models.iaf_psc_exp import IE, P11EX, P11IN, P20, P21EX, P21IN, P22, THETA, VRESET, IafPscExp
from spikesim.models.iaf_psc_exp import NREF as NABS

# state rows
V, IEX, IIN, I0, RABS, RTOT = range(6)
# derived rows: iaf_psc_exp's (its refractory count is the absolute one here), then the total count
NTOT = NABS + 1


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    for j in prange(S.shape[1]):
        g = base + j
        v, iex, iin, i0, r_abs, r_tot = S[V, j], S[IEX, j], S[IIN, j], S[I0, j], S[RABS, j], S[RTOT, j]
        p22, p21ex, p21in, p20 = D[P22, j], D[P21EX, j], D[P21IN, j], D[P20, j]
        p11ex, p11in, theta, ie = D[P11EX, j], D[P11IN, j], D[THETA, j], D[IE, j]
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            if r_abs == 0.0:
                v = v * p22 + iex * p21ex + iin * p21in + (ie + i0) * p20
            else:
                r_abs -= 1.0
            iex *= p11ex
            iin *= p11in
            iex += take(ring, CH_EX, slot, g)
            iin += take(ring, CH_IN, slot, g)
            if r_tot == 0.0:
                if v >= theta:
                    r_abs = D[NABS, j]
                    r_tot = D[NTOT, j]
                    v = D[VRESET, j]
                    spk[i, j] = 1
            else:
                r_tot -= 1.0
            i0 = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                S[V, j], S[IEX, j], S[IIN, j], S[I0, j], S[RABS, j], S[RTOT, j] = v, iex, iin, i0, r_abs, r_tot
                sample(S, j, i, c, rec_rows, rec_out)
        S[V, j], S[IEX, j], S[IIN, j], S[I0, j], S[RABS, j], S[RTOT, j] = v, iex, iin, i0, r_abs, r_tot


class IafPscExpHtum(NeuronModel):
    """NEST's ``iaf_psc_exp_htum``: integrate-and-fire, exponential currents, two refractory periods.

    Parameters in NEST's units: potentials in mV, ``C_m`` in pF, ``tau_m``, ``tau_syn_ex``,
    ``tau_syn_in``, ``t_ref_abs`` and ``t_ref_tot`` in ms, ``I_e`` in pA.  State: ``V_m``
    (mV), synaptic currents ``I_syn_ex``, ``I_syn_in`` (pA).  Recordables: ``V_m``,
    ``I_syn_ex``, ``I_syn_in``.  Weights are in pA.
    """
    name = "iaf_psc_exp_htum"
    params = {
        "E_L": -70.0, "C_m": 250.0, "tau_m": 10.0, "t_ref_abs": 2.0, "t_ref_tot": 2.0, "V_th": -55.0,
        "V_reset": -70.0, "I_e": 0.0, "tau_syn_ex": 2.0, "tau_syn_in": 2.0, "tau_minus": 20.0,
        "tau_minus_triplet": 110.0,
    }
    state = {"V_m": (-70.0, "E_L"), "I_syn_ex": (0.0, None), "I_syn_in": (0.0, None), "I": (0.0, None),
             "refractory_count_abs": (0.0, None), "refractory_count_tot": (0.0, None)}
    recordables = ("I_syn_ex", "I_syn_in", "V_m")
    units = {"I_syn_ex": "pA", "I_syn_in": "pA", "V_m": "mV"}
    input_mode = INPUT_SPLIT
    positive = ("C_m", "tau_m", "tau_syn_ex", "tau_syn_in", "t_ref_tot", "t_ref_abs", "tau_minus",
                "tau_minus_triplet")
    below = (("V_reset", "V_th"),)
    kernel = _update

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """NEST's checks (arrays, one value per neuron) for a step of ``h`` ms; the last
        two NEST makes at Simulate.

        Raises
        ------
        BadProperty
            ``V_reset >= V_th``, ``t_ref_abs > t_ref_tot``, a time constant or ``C_m``
            not positive, or a refractory period shorter than one step.
        """
        absolute, total = np.asarray(P["t_ref_abs"], dtype=float), np.asarray(P["t_ref_tot"], dtype=float)
        bad = absolute > total
        if bad.any():
            raise bad_property(cls.name, "t_ref_abs", float(absolute[bad][0]),
                               f"it must be <= t_ref_tot ({float(np.broadcast_to(total, bad.shape)[bad][0])!r})")
        super().check(P, h)
        for key in ("t_ref_abs", "t_ref_tot"):
            x = np.asarray(P[key], dtype=float)
            bad = refractory_steps(x, h) < 1
            if bad.any():
                raise bad_property(cls.name, key, float(x[bad][0]), f"it must last at least one step ({h} ms)")

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms:
        ``iaf_psc_exp``'s, with ``t_ref_abs`` as its refractory period, and the total one."""
        D = np.empty((11, len(P["E_L"])))
        D[:NTOT] = IafPscExp.derive({**P, "t_ref": P["t_ref_abs"]}, h)
        D[NTOT] = refractory_steps(P["t_ref_tot"], h)
        return D

