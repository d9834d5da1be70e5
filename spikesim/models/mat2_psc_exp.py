"""mat2_psc_exp: non-resetting leaky integrator with a two-time-scale adaptive threshold.

Kobayashi, Tsubo & Shinomoto's MAT(2) model with exponential synaptic currents,
integrated exactly as NEST 3.10 does.  Each step, with ``V = V_m - E_L``:

1. ``V <- V (P22 - 1) + V + I_ex P21ex + I_in P21in + (I_e + i_0) P20`` (``V`` is never
   reset, not even while refractory);
2. the threshold components decay: ``th_1 <- th_1 exp(-h/tau_1)``,
   ``th_2 <- th_2 exp(-h/tau_2)``;
3. the currents decay and take the spikes read for this step (positive weights into
   ``I_syn_ex``, negative ones into ``I_syn_in``, pA);
4. not refractory and ``V >= (omega - E_L) + th_2 + th_1``: spike, ``th_1 += alpha_1``,
   ``th_2 += alpha_2``, refractory for ``t_ref`` (which only blocks spiking);
   refractory: the counter goes down by one;
5. the current read for this step becomes ``i_0`` and acts in the next step.

``V_th = omega + th_1 + th_2`` (mV) is kept as a state row so that a multimeter can
record it; the kernel refreshes it every step.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import sample, take
from spikesim.models.base import (
    CH_CUR,
    CH_EX,
    CH_IN,
    INPUT_SPLIT,
    NeuronModel,
    refractory_steps,
)
from spikesim.models.iaf_psc_exp import libm_exp, libm_expm1

# state rows
V, TH1, TH2, VTH, IEX, IIN, I0, R = range(8)
# derived rows
P22M1, P21EX, P21IN, P20, P11EX, P11IN, P11TH, P22TH, OMEGA, A1, A2, IE, NREF = range(13)


@njit(cache=True, inline="always")
def _store(S, j, v, th1, th2, omega, iex, iin, i0, r):
    S[V, j] = v
    S[TH1, j] = th1
    S[TH2, j] = th2
    S[VTH, j] = omega + th1 + th2
    S[IEX, j] = iex
    S[IIN, j] = iin
    S[I0, j] = i0
    S[R, j] = r


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        v = S[V, j]
        th1 = S[TH1, j]
        th2 = S[TH2, j]
        iex = S[IEX, j]
        iin = S[IIN, j]
        i0 = S[I0, j]
        r = S[R, j]
        omega = D[OMEGA, j]
        ie = D[IE, j]
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            # NEST's order of the terms, so that the sums round as NEST's do
            v = v * D[P22M1, j] + v + iex * D[P21EX, j] + iin * D[P21IN, j] + (ie + i0) * D[P20, j]
            th1 *= D[P11TH, j]
            th2 *= D[P22TH, j]
            iex *= D[P11EX, j]
            iin *= D[P11IN, j]
            iex += take(ring, CH_EX, slot, g)
            iin += take(ring, CH_IN, slot, g)
            if r == 0.0:
                if v >= omega + th2 + th1:
                    r = D[NREF, j]
                    th1 += D[A1, j]
                    th2 += D[A2, j]
                    spk[i, j] = 1
            else:
                r -= 1.0
            i0 = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                _store(S, j, v, th1, th2, omega, iex, iin, i0, r)
                sample(S, j, i, c, rec_rows, rec_out)
        _store(S, j, v, th1, th2, omega, iex, iin, i0, r)


class Mat2PscExp(NeuronModel):
    """NEST's ``mat2_psc_exp``: non-resetting integrator, adaptive two-component threshold.

    Parameters in NEST's units: ``E_L``, ``omega`` (resting threshold, absolute),
    ``alpha_1``, ``alpha_2`` (threshold jumps) in mV; ``C_m`` in pF; ``tau_m``,
    ``tau_syn_ex``, ``tau_syn_in``, ``t_ref``, ``tau_1``, ``tau_2`` in ms; ``I_e`` in pA.
    State: ``V_m`` and ``V_th`` (mV, absolute), ``V_th_alpha_1``, ``V_th_alpha_2`` (mV,
    relative to ``omega``), synaptic currents (pA), ``I`` (pA, the input current of the
    next step), ``refractory_count`` (steps).  Recordables: ``V_m``, ``V_th`` (mV).
    Weights are in pA.
    """
    name = "mat2_psc_exp"
    params = {
        "E_L": -70.0, "C_m": 100.0, "tau_m": 5.0, "t_ref": 2.0, "I_e": 0.0,
        "tau_syn_ex": 1.0, "tau_syn_in": 3.0, "tau_1": 10.0, "tau_2": 200.0,
        "alpha_1": 37.0, "alpha_2": 2.0, "omega": -51.0,
    }
    state = {"V_m": (-70.0, "E_L"), "V_th_alpha_1": (0.0, None), "V_th_alpha_2": (0.0, None),
             "V_th": (-51.0, "E_L"), "I_syn_ex": (0.0, None), "I_syn_in": (0.0, None), "I": (0.0, None),
             "refractory_count": (0.0, None)}
    # annotated wide: amat2_psc_exp derives from this class with more of each
    recordables: ClassVar[tuple[str, ...]] = ("V_m", "V_th")
    read_only_state = ("V_th",)
    units = {"V_m": "mV", "V_th": "mV"}
    input_mode = INPUT_SPLIT
    positive: ClassVar[tuple[str, ...]] = ("C_m", "tau_m", "tau_syn_ex", "tau_syn_in", "t_ref", "tau_1", "tau_2")
    kernel = _update

    @classmethod
    def settle_state(cls, P: dict[str, np.ndarray], S: np.ndarray, names: tuple[str, ...],
                     values: dict[str, Any], local: np.ndarray) -> None:
        """Recompute the reported ``V_th`` (mV; its row is relative to ``E_L``) of the
        neurons at ``local`` from ``omega`` and the two threshold components, as NEST
        computes it on every read: setting ``omega`` shows at once, not after a step."""
        row = names.index
        omega = np.asarray(P["omega"], dtype=float)[local] - np.asarray(P["E_L"], dtype=float)[local]
        S[row("V_th"), local] = omega + S[row("V_th_alpha_1"), local] + S[row("V_th_alpha_2"), local]

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            When a time constant is not positive, ``tau_m`` equals a synaptic time
            constant (the propagator is singular there), or ``t_ref`` is shorter than
            one step.
        """
        super().check(P, h)
        for k in ("tau_syn_ex", "tau_syn_in"):
            same = np.asarray(P["tau_m"], dtype=float) == np.asarray(P[k], dtype=float)
            if same.any():
                raise bad_property(cls.name, k, float(np.asarray(P[k])[same][0]),
                                   "it must differ from tau_m (the exact propagator is singular there)")
        steps = refractory_steps(P["t_ref"], h)
        short = steps < 1
        if short.any():
            raise bad_property(cls.name, "t_ref", float(np.asarray(P["t_ref"])[short][0]),
                               f"it must be at least one step ({h} ms)")

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((13, n))
        tau, C = np.asarray(P["tau_m"], float), np.asarray(P["C_m"], float)
        D[P11EX] = libm_exp(-h / P["tau_syn_ex"])
        D[P11IN] = libm_exp(-h / P["tau_syn_in"])
        D[P22M1] = libm_expm1(-h / tau)
        for row, p11, ts in ((P21EX, P11EX, P["tau_syn_ex"]), (P21IN, P11IN, P["tau_syn_in"])):
            ts = np.asarray(ts, float)
            D[row] = -tau / (C * (1.0 - tau / ts)) * D[p11] * libm_expm1(h * (1.0 / ts - 1.0 / tau))
        D[P20] = -tau / C * D[P22M1]
        D[P11TH] = libm_exp(-h / P["tau_1"])
        D[P22TH] = libm_exp(-h / P["tau_2"])
        D[OMEGA] = P["omega"] - P["E_L"]
        D[A1] = P["alpha_1"]
        D[A2] = P["alpha_2"]
        D[IE] = P["I_e"]
        D[NREF] = refractory_steps(P["t_ref"], h)
        return D
