"""qif: quadratic integrate-and-fire neuron with a synaptic trace, as rectipy's ``qif`` template.

rectipy's ``qif_op`` (``neuron_model_templates/spiking_neurons/qif.yaml``) with its
spike-reset node::

    v'   = (v^2 + eta + I_ext) / tau + k * s_in
    s'   = -s / tau_s + spike            (s: the neuron's output trace)
    s_in = sum_j J_ij s_j                (recurrent input; J = connection weights)

A neuron whose ``v`` is at or above ``v_peak`` at the start of a step spikes in that
step: its ``s`` jumps by 1 and ``v`` is set to ``v_reset`` at the end of the step.
Integration is forward Euler, as rectipy integrates the template: all increments from
the values at the start of the step.  Times are in ms (rectipy's are unitless).

Since ``s_in`` is linear in the sources' traces, each neuron keeps ``s_in`` itself: it
decays like ``s`` and jumps by ``J_ij`` when a spike of ``j`` arrives.  With a delay of
one step (``delay = resolution``) this is exactly rectipy's instantaneous coupling: the
spike of step ``n`` enters ``s_j`` at ``n + 1`` and so ``s_in`` at ``n + 1``.  (Starting
with ``s != 0`` breaks this identity; ``s_in`` then starts at its own value.)

``I_ext`` (pA-like, in the units of ``eta``) is the external current of the coming
step.  Current generators' input acts in the step it arrives in: it is read one step
ahead into ``I_ext``, which a step loop may also set directly (see
:func:`spikesim.observer.run`).  After a step without input ``I_ext`` is 0.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import sample, take
from spikesim.models.base import CH_CUR, CH_EX, INPUT_SINGLE, NeuronModel

# state rows
V, S, SIN, IEXT = 0, 1, 2, 3
# derived rows
TAU_INV, ETA, KK, DECAY, VPEAK, VRESET, H = range(7)


@njit(parallel=True, cache=True, nogil=True)
def _update(S_, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S_.shape[1]
    for j in prange(n):
        g = base + j
        v = S_[V, j]
        s = S_[S, j]
        s_in = S_[SIN, j]
        ext = S_[IEXT, j]
        tau_inv = D[TAU_INV, j]
        eta = D[ETA, j]
        kk = D[KK, j]
        decay = D[DECAY, j]
        vpeak = D[VPEAK, j]
        h = D[H, j]
        c = rec_col[j]
        for i in range(m):
            s_in += take(ring, CH_EX, (s0 + i) % L, g)
            fired = v >= vpeak
            v += h * ((v * v + eta + ext) * tau_inv + kk * s_in)
            s *= decay
            s_in *= decay
            if fired:
                v = D[VRESET, j]
                s += 1.0
                spk[i, j] = 1
            ext = take(ring, CH_CUR, (s0 + i + 1) % L, g)
            if rec_mask[i] and c >= 0:
                S_[V, j] = v
                S_[S, j] = s
                S_[SIN, j] = s_in
                S_[IEXT, j] = ext
                sample(S_, j, i, c, rec_rows, rec_out)
        S_[V, j] = v
        S_[S, j] = s
        S_[SIN, j] = s_in
        S_[IEXT, j] = ext


class Qif(NeuronModel):
    """Quadratic integrate-and-fire neuron (rectipy's ``qif``); recordables ``v``, ``s``,
    ``s_in`` and ``I_ext``.

    Defaults are the template's: ``tau = 1``, ``eta = -5``, ``k = 1``, ``tau_s = 1``,
    ``v(0) = -2``, and rectipy's spike threshold and reset ``v_peak = 100``,
    ``v_reset = -100``.
    """

    name = "qif"
    params = {"tau": 1.0, "eta": -5.0, "k": 1.0, "tau_s": 1.0, "v_peak": 100.0, "v_reset": -100.0}
    state = {"v": (-2.0, None), "s": (0.0, None), "s_in": (0.0, None), "I_ext": (0.0, None)}
    recordables = ("v", "s", "s_in", "I_ext")
    units: ClassVar[dict[str, str]] = {"v": "dimensionless", "s": "dimensionless",
                                       "s_in": "dimensionless", "I_ext": "dimensionless"}
    #: state holding the external current of the coming step (set by step loops)
    step_input: ClassVar[str] = "I_ext"
    #: the variable a step loop reports as the network's output (rectipy's output_var)
    output_var: ClassVar[str] = "s"
    input_mode = INPUT_SINGLE
    positive = ("tau", "tau_s")
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
        bad = ~(np.asarray(P["v_reset"]) < np.asarray(P["v_peak"]))
        if bad.any():
            raise bad_property(cls.name, "v_reset", float(np.asarray(P["v_reset"])[bad][0]),
                               f"it must be below v_peak ({float(np.asarray(P['v_peak'])[bad][0])})")

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["tau"])
        D = np.empty((7, n))
        D[TAU_INV] = 1.0 / P["tau"]
        D[ETA] = P["eta"]
        D[KK] = P["k"]
        D[DECAY] = 1.0 - h / P["tau_s"]
        D[VPEAK] = P["v_peak"]
        D[VRESET] = P["v_reset"]
        D[H] = h
        return D
