"""amat2_psc_exp: mat2_psc_exp with a voltage-dependent threshold component.

Kobayashi, Tsubo & Shinomoto's MAT(2) neuron extended by the kernel of their eqs 16-17:
a threshold component ``V_th_v`` driven by the membrane potential through a second-order
linear filter (``beta`` in 1/ms, ``tau_v`` in ms).  The whole linear system (currents,
``V_m``, ``V_th_v`` and its derivative) is integrated exactly as NEST 3.10 does, in
NEST's order: each step, with ``V = V_m - E_L`` (mV) and ``I = I_e + i_0`` (pA),

1. ``V_th_v`` and its derivative ``V_th_dv`` advance from the old ``V``, currents and
   ``V_th_dv`` (propagators P70..P77 and P60..P66);
2. ``V <- I P30 + I_ex P31 + I_in P32 + V P33``;
3. ``th_1``, ``th_2`` decay, the currents decay and take the spikes read for this step;
4. not refractory and ``V >= (omega - E_L) + th_2 + th_1 + V_th_v``: spike,
   ``th_1 += alpha_1``, ``th_2 += alpha_2``, refractory for ``t_ref``; refractory: the
   counter goes down by one;
5. the current read for this step becomes ``i_0`` and acts in the next step.

Parameters, checks and the reported ``V_th`` are mat2_psc_exp's (this class derives
from ``Mat2PscExp``) plus ``beta`` and ``tau_v``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import sample, take
from spikesim.models.base import CH_CUR, CH_EX, CH_IN, refractory_steps
from spikesim.models.iaf_psc_exp import libm_exp
from spikesim.models.mat2_psc_exp import Mat2PscExp

# state rows
V, TH1, TH2, THV, THDV, VTH, IEX, IIN, I0, R = range(10)
# derived rows
(P11, P22, P33, P44, P55, P66, P30, P31, P32, P60, P61, P62, P63, P70, P71, P72, P73, P76,
 OMEGA, A1, A2, IE, NREF) = range(23)


@njit(cache=True, inline="always")
def _store(S, j, v, th1, th2, thv, thdv, omega, iex, iin, i0, r):
    S[V, j] = v
    S[TH1, j] = th1
    S[TH2, j] = th2
    S[THV, j] = thv
    S[THDV, j] = thdv
    S[VTH, j] = omega + th1 + th2 + thv
    S[IEX, j] = iex
    S[IIN, j] = iin
    S[I0, j] = i0
    S[R, j] = r


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        v, th1, th2, thv, thdv = S[V, j], S[TH1, j], S[TH2, j], S[THV, j], S[THDV, j]
        iex, iin, i0, r = S[IEX, j], S[IIN, j], S[I0, j], S[R, j]
        omega = D[OMEGA, j]
        ie = D[IE, j]
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            # NEST's order of the terms and of the updates, so that the sums round as NEST's
            cur = ie + i0
            thv = (cur * D[P70, j] + iex * D[P71, j] + iin * D[P72, j] + v * D[P73, j]
                   + thdv * D[P76, j] + thv * D[P66, j])
            thdv = cur * D[P60, j] + iex * D[P61, j] + iin * D[P62, j] + v * D[P63, j] + thdv * D[P66, j]
            v = cur * D[P30, j] + iex * D[P31, j] + iin * D[P32, j] + v * D[P33, j]
            th1 *= D[P44, j]
            th2 *= D[P55, j]
            iex *= D[P11, j]
            iin *= D[P22, j]
            iex += take(ring, CH_EX, slot, g)
            iin += take(ring, CH_IN, slot, g)
            if r == 0.0:
                if v >= omega + th2 + th1 + thv:
                    r = D[NREF, j]
                    th1 += D[A1, j]
                    th2 += D[A2, j]
                    spk[i, j] = 1
            else:
                r -= 1.0
            i0 = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                _store(S, j, v, th1, th2, thv, thdv, omega, iex, iin, i0, r)
                sample(S, j, i, c, rec_rows, rec_out)
        _store(S, j, v, th1, th2, thv, thdv, omega, iex, iin, i0, r)


def _beta_propagators(D: np.ndarray, b: np.ndarray, c: np.ndarray, h: float, tm: np.ndarray,
                      te: np.ndarray, ti: np.ndarray, tv: np.ndarray) -> None:
    """Fill the rows of the voltage-dependent threshold (P60..P76) of ``D`` with NEST
    3.10's closed forms (``b``: beta in 1/ms; ``c``: C_m in pF; time constants in ms)."""
    em, ev = D[P33], D[P66]
    D[P60] = (b * (em - ev) * tm * tv) / (c * (tm - tv))
    for row6, row7, ts, es in ((P61, P71, te, D[P11]), (P62, P72, ti, D[P22])):
        D[row6] = ((b * ts * tm * tv * (ev * (-ts + tm) + em * (ts - tv) + es * (-tm + tv)))
                   / (c * (ts - tm) * (ts - tv) * (tm - tv)))
        D[row7] = ((b * ts * tm * tv
                    * ((em * tm * (ts - tv) ** 2 - es * ts * (tm - tv) ** 2) * tv
                       - ev * (ts - tm) * (h * (ts - tv) * (tm - tv) + ts * tm * tv - tv ** 3)))
                   / (c * (ts - tm) * (ts - tv) ** 2 * (tm - tv) ** 2))
    D[P63] = (b * (-em + ev) * tv) / (tm - tv)
    D[P70] = (b * tm * tv * (em * tm * tv - ev * (h * (tm - tv) + tm * tv))) / (c * (tm - tv) ** 2)
    D[P73] = (b * tv * (-(em * tm * tv) + ev * (h * (tm - tv) + tm * tv))) / (tm - tv) ** 2
    D[P76] = ev * h


class Amat2PscExp(Mat2PscExp):
    """NEST's ``amat2_psc_exp``: mat2_psc_exp plus a voltage-dependent threshold.

    Parameters in NEST's units: ``E_L``, ``omega`` (resting threshold, absolute),
    ``alpha_1``, ``alpha_2`` (threshold jumps) in mV; ``C_m`` in pF; ``tau_m``,
    ``tau_syn_ex``, ``tau_syn_in``, ``t_ref``, ``tau_1``, ``tau_2``, ``tau_v`` in ms;
    ``beta`` in 1/ms; ``I_e`` in pA.  State: ``V_m`` and ``V_th`` (mV, absolute;
    ``V_th = omega + V_th_alpha_1 + V_th_alpha_2 + V_th_v``), the threshold components
    ``V_th_alpha_1``, ``V_th_alpha_2``, ``V_th_v`` (mV) and ``V_th_dv`` (mV/ms, the
    derivative of ``V_th_v``), synaptic currents (pA), ``I`` (pA, the input current of
    the next step), ``refractory_count`` (steps).  Recordables: ``V_m``, ``V_th``,
    ``V_th_v`` (mV), ``I_syn_ex``, ``I_syn_in`` (pA).  Weights are in pA.
    """
    name = "amat2_psc_exp"
    params = {
        "E_L": -70.0, "C_m": 200.0, "tau_m": 10.0, "t_ref": 2.0, "I_e": 0.0,
        "tau_syn_ex": 1.0, "tau_syn_in": 3.0, "tau_1": 10.0, "tau_2": 200.0,
        "alpha_1": 10.0, "alpha_2": 0.0, "beta": 0.0, "tau_v": 5.0, "omega": -65.0,
    }
    state = {"V_m": (-70.0, "E_L"), "V_th_alpha_1": (0.0, None), "V_th_alpha_2": (0.0, None),
             "V_th_v": (0.0, None), "V_th_dv": (0.0, None), "V_th": (-65.0, "E_L"),
             "I_syn_ex": (0.0, None), "I_syn_in": (0.0, None), "I": (0.0, None),
             "refractory_count": (0.0, None)}
    recordables = ("V_m", "V_th", "V_th_v", "I_syn_ex", "I_syn_in")
    units = {"V_m": "mV", "V_th": "mV", "V_th_v": "mV", "I_syn_ex": "pA", "I_syn_in": "pA"}
    positive = ("C_m", "tau_m", "tau_syn_ex", "tau_syn_in", "t_ref", "tau_1", "tau_2", "tau_v")
    kernel = _update

    @classmethod
    def settle_state(cls, P: dict[str, np.ndarray], S: np.ndarray, names: tuple[str, ...],
                     values: dict[str, Any], local: np.ndarray) -> None:
        """Recompute the reported ``V_th`` (mV) of the neurons at ``local`` as NEST does
        on every read: mat2_psc_exp's sum plus the voltage-dependent component ``V_th_v``."""
        super().settle_state(P, S, names, values, local)
        S[names.index("V_th"), local] += S[names.index("V_th_v"), local]

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            mat2_psc_exp's cases (a time constant not positive, ``tau_m`` equal to a
            synaptic time constant, ``t_ref`` shorter than one step) and, as NEST 3.10,
            ``tau_v`` equal to ``tau_m``, ``tau_syn_ex`` or ``tau_syn_in`` (the exact
            propagators are singular there).
        """
        super().check(P, h)
        tv = np.asarray(P["tau_v"], dtype=float)
        for k in ("tau_m", "tau_syn_ex", "tau_syn_in"):
            same = tv == np.asarray(P[k], dtype=float)
            if same.any():
                raise bad_property(cls.name, "tau_v", float(tv[same][0]),
                                   f"it must differ from {k} (the exact propagator is singular there)")

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((23, n))
        f = {k: np.asarray(P[k], dtype=float) for k in ("tau_m", "C_m", "tau_syn_ex", "tau_syn_in", "tau_v")}
        tm, c, te, ti, tv = f["tau_m"], f["C_m"], f["tau_syn_ex"], f["tau_syn_in"], f["tau_v"]
        D[P11] = libm_exp(-h / te)
        D[P22] = libm_exp(-h / ti)
        D[P33] = libm_exp(-h / tm)
        D[P44] = libm_exp(-h / np.asarray(P["tau_1"], dtype=float))
        D[P55] = libm_exp(-h / np.asarray(P["tau_2"], dtype=float))
        D[P66] = libm_exp(-h / tv)
        em = D[P33]
        D[P30] = (tm - em * tm) / c
        D[P31] = ((D[P11] - em) * te * tm) / (c * (te - tm))
        D[P32] = ((D[P22] - em) * ti * tm) / (c * (ti - tm))
        _beta_propagators(D, np.asarray(P["beta"], dtype=float), c, h, tm, te, ti, tv)
        D[OMEGA] = P["omega"] - P["E_L"]
        D[A1] = P["alpha_1"]
        D[A2] = P["alpha_2"]
        D[IE] = P["I_e"]
        D[NREF] = refractory_steps(P["t_ref"], h)
        return D
