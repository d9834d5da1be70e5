"""izhikevich2007: Izhikevich (2007) neuron in the form of CompNeuroPy's ``Izhikevich2007``.

``C dv/dt = k (v - v_r)(v - v_t) - u + I_app + I``, ``du/dt = a (b (v - v_r) - u)``;
when ``v >= v_peak``: ``v <- c``, ``u <- u + d``.  Units as CompNeuroPy's template:
``C`` pF, ``k`` pS/mV (nS/mV * 1e-3), ``v_*``, ``c`` mV, ``a`` 1/ms, ``b`` nS, ``d``
and ``I_app`` pA.  There is no refractory period.

Integration is ANNarchy's explicit (forward) Euler: both increments are computed from
the old values, ``v <- v + h dv``, ``u <- u + h du``, then the threshold test.

Input ``I`` (pA) acts in the step it arrives in, as ANNarchy adds ``g_exc`` to a current
for one step: the summed weights of the spikes read for the step (any sign, one
channel), plus the current of current generators.  The generator current is read one
step ahead into the state ``I`` (the external current of the coming step), so that a
step loop can set it directly (see :func:`spikesim.observer.run`).

CompNeuroPy's template gives no initial values, so ANNarchy starts ``v`` and ``u`` at
0; so does this model (a neuron left at ``v = 0`` fires within the first ms and then
settles).  Set ``v`` (e.g. ``v_r``) at ``create`` to start at rest.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import sample, take
from spikesim.models.base import CH_CUR, CH_EX, INPUT_SINGLE, NeuronModel

# state rows
V, U, I = 0, 1, 2
# derived rows
C_INV, K, VR, VT, A, B, C, DD, VPEAK, IAPP, H = range(11)


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        v = S[V, j]
        u = S[U, j]
        ext = S[I, j]
        c_inv = D[C_INV, j]
        k = D[K, j]
        vr = D[VR, j]
        vt = D[VT, j]
        a = D[A, j]
        b = D[B, j]
        vpeak = D[VPEAK, j]
        iapp = D[IAPP, j]
        h = D[H, j]
        c = rec_col[j]
        for i in range(m):
            syn = take(ring, CH_EX, (s0 + i) % L, g)
            dv = (k * (v - vr) * (v - vt) - u + iapp + ext + syn) * c_inv
            du = a * (b * (v - vr) - u)
            v += h * dv
            u += h * du
            if v >= vpeak:
                v = D[C, j]
                u += D[DD, j]
                spk[i, j] = 1
            # generator current for the next step; its slot is complete, since currents
            # are sent at least one step ahead and before the neurons of the slice update
            ext = take(ring, CH_CUR, (s0 + i + 1) % L, g)
            if rec_mask[i] and c >= 0:
                S[V, j] = v
                S[U, j] = u
                S[I, j] = ext
                sample(S, j, i, c, rec_rows, rec_out)
        S[V, j] = v
        S[U, j] = u
        S[I, j] = ext


class Izhikevich2007(NeuronModel):
    """Izhikevich (2007) neuron; recordables ``v`` (mV), ``u`` (pA) and ``I`` (pA)."""

    name = "izhikevich2007"
    params = {"C": 100.0, "k": 0.7, "v_r": -60.0, "v_t": -40.0, "a": 0.03, "b": -2.0, "c": -50.0,
              "d": 100.0, "v_peak": 35.0, "I_app": 0.0}
    state = {"v": (0.0, None), "u": (0.0, None), "I": (0.0, None)}
    recordables = ("v", "u", "I")
    units: ClassVar[dict[str, str]] = {"v": "mV", "u": "pA", "I": "pA"}
    #: state holding the external current of the coming step (set by step loops)
    step_input: ClassVar[str] = "I"
    input_mode = INPUT_SINGLE
    positive = ("C",)
    kernel = _update

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            When a parameter is out of range or inconsistent with another.
        """
        super().check(P, h)
        bad = ~(np.asarray(P["c"]) < np.asarray(P["v_peak"]))
        if bad.any():
            raise bad_property(cls.name, "c", float(np.asarray(P["c"])[bad][0]),
                               f"the reset value must be below v_peak ({float(np.asarray(P['v_peak'])[bad][0])})")

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["C"])
        D = np.empty((11, n))
        D[C_INV] = 1.0 / P["C"]
        D[K] = P["k"]
        D[VR] = P["v_r"]
        D[VT] = P["v_t"]
        D[A] = P["a"]
        D[B] = P["b"]
        D[C] = P["c"]
        D[DD] = P["d"]
        D[VPEAK] = P["v_peak"]
        D[IAPP] = P["I_app"]
        D[H] = h
        return D
