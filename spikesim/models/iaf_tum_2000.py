"""iaf_tum_2000: iaf_psc_exp whose spikes carry a Tsodyks-Markram synapse state.

The membrane is NEST 3.10's ``iaf_psc_exp`` (exact integration, see
:mod:`spikesim.models.iaf_psc_exp`).  In NEST the neuron also keeps the state of its
outgoing Tsodyks (2000) synapse, ``x`` (available), ``y`` (active) and ``u``
(utilisation), and updates it at each of its own spikes, with ``dt`` the time since its
previous spike (ms; from t = 0 before the first one):

``u <- u Puu``, ``x <- x + Pxy y - Pzz (1 - x - y)``, ``y <- y Pyy``,
``u <- u + U (1 - u)``, then ``dy = u x``: ``x <- x - dy``, ``y <- y + dy``;

with ``Puu = exp(-dt/tau_fac)`` (0 when ``tau_fac`` is 0), ``Pyy = exp(-dt/tau_psc)``,
``Pzz = expm1(-dt/tau_rec)`` and ``Pxy = (Pzz tau_rec - (Pyy - 1) tau_psc) /
(tau_psc - tau_rec)``.  The spike carries ``dy`` (NEST's spike offset), and a target's
receptor 1 adds ``weight * dy`` (pA) instead of the weight: the presynaptic neuron's
short-term plasticity.  spikesim does the same: the kernel leaves ``dy`` in the ring's
offset channel and the engine scales the multiplicities of receptor-1 projections by it
(:mod:`spikesim.kernel.offsets`); spikes of other senders add 0 on receptor 1, as in
NEST.

Not available: currents on receptor 1 (NEST's second current input), receptor 1 in
distributed runs or through plastic synapses, and the stochastic threshold (only
``delta = 0``).  NEST's spike recorder reports a spike of this model at its stamp minus
``dy``; spikesim's reports the stamp.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models import _ignore_and_spike as ias
from spikesim.models._common import sample, take
from spikesim.models.base import (
    CH_CUR,
    CH_EX,
    CH_IN,
    CH_OFFSET,
    INPUT_SPLIT,
    N_CHANNELS,
    NeuronModel,
    refractory_steps,
)
from spikesim.models.iaf_psc_exp import iaf_propagators, libm_exp
from spikesim.timegrid import TICS_PER_MS

# state rows
V, IEX, IIN, I0, R, X, Y, U, TLAST = range(9)
# derived rows
P22, P21EX, P21IN, P20, P11EX, P11IN, THETA, VRESET, IE, NREF, TFAC, TPSC, TREC, UU, TPS = range(15)

_MS_PER_TIC = 1.0 / TICS_PER_MS


@njit(cache=True)
def _tsodyks(S, D, j, step):
    """Update the synapse state at a spike of neuron ``j`` stamped at ``step`` (NEST's
    order); returns the release ``dy`` the spike carries."""
    tps = D[TPS, j]
    t_spike = _MS_PER_TIC * (step * tps)
    last = S[TLAST, j]
    t_last = _MS_PER_TIC * (last * tps) if last >= 0.0 else 0.0
    dt = t_spike - t_last
    tau_fac = D[TFAC, j]
    tau_psc = D[TPSC, j]
    tau_rec = D[TREC, j]
    puu = 0.0 if tau_fac == 0.0 else math.exp(-dt / tau_fac)
    pyy = math.exp(-dt / tau_psc)
    pzz = math.expm1(-dt / tau_rec)
    pxy = (pzz * tau_rec - (pyy - 1.0) * tau_psc) / (tau_psc - tau_rec)
    x = S[X, j]
    y = S[Y, j]
    z = 1.0 - x - y
    u = S[U, j] * puu
    x += pxy * y - pzz * z
    y *= pyy
    u += D[UU, j] * (1.0 - u)
    dy = u * x
    S[X, j] = x - dy
    S[Y, j] = y + dy
    S[U, j] = u
    S[TLAST, j] = step
    return dy


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        v = S[V, j]
        iex = S[IEX, j]
        iin = S[IIN, j]
        i0 = S[I0, j]
        r = S[R, j]
        ie = D[IE, j]
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            if r == 0.0:
                v = v * D[P22, j] + iex * D[P21EX, j] + iin * D[P21IN, j] + (ie + i0) * D[P20, j]
            else:
                r -= 1.0
            iex *= D[P11EX, j]
            iin *= D[P11IN, j]
            iex += take(ring, CH_EX, slot, g)
            iin += take(ring, CH_IN, slot, g)
            if v >= D[THETA, j]:
                r = D[NREF, j]
                v = D[VRESET, j]
                spk[i, j] = 1
                ring[CH_OFFSET, slot, g] = _tsodyks(S, D, j, s0 + i + 1)
            i0 = take(ring, CH_CUR, slot, g)
            S[V, j] = v
            S[IEX, j] = iex
            S[IIN, j] = iin
            S[I0, j] = i0
            S[R, j] = r
            if rec_mask[i] and c >= 0:
                sample(S, j, i, c, rec_rows, rec_out)


class IafTum2000(NeuronModel):
    """NEST's ``iaf_tum_2000``: ``iaf_psc_exp`` keeping its outgoing Tsodyks synapse's state.

    Parameters in NEST's units: potentials in mV, ``C_m`` in pF, ``tau_m``,
    ``tau_syn_ex``, ``tau_syn_in``, ``t_ref``, ``tau_fac``, ``tau_psc``, ``tau_rec`` in
    ms, ``I_e`` in pA, ``U`` (dimensionless, in [0, 1]), ``rho`` (1/s) and ``delta``
    (mV) of the stochastic threshold (only ``delta = 0`` is supported),
    ``ignore_and_spike``, ``ignore_and_spike_offset``, ``ignore_and_spike_interval``
    (ms; accepted and checked as NEST 3.10 does, where this model ignores them too).  State: ``V_m``
    (mV), synaptic currents (pA), ``I`` (pA, the input current of the next step),
    ``refractory_count`` (steps), ``x``, ``y``, ``u`` (dimensionless) and
    ``last_spike_step`` (the step of the last spike, -1 before the first).
    Recordables: ``V_m`` (mV), ``I_syn_ex``, ``I_syn_in`` (pA).  Weights are in pA; on
    receptor 1 they are scaled by the release ``dy`` the sender's spike carries.
    """
    name = "iaf_tum_2000"
    params = {
        "E_L": -70.0, "C_m": 250.0, "tau_m": 10.0, "t_ref": 2.0, "V_th": -55.0,
        "V_reset": -70.0, "I_e": 0.0, "tau_syn_ex": 2.0, "tau_syn_in": 2.0,
        "rho": 0.01, "delta": 0.0, "tau_fac": 1000.0, "tau_psc": 2.0, "tau_rec": 400.0, "U": 0.5,
        **ias.PARAMS,
    }
    state = {"V_m": (-70.0, "E_L"), "I_syn_ex": (0.0, None), "I_syn_in": (0.0, None),
             "I": (0.0, None), "refractory_count": (0.0, None), "x": (0.0, None), "y": (0.0, None),
             "u": (0.0, None), "last_spike_step": (-1.0, None)}
    recordables = ("V_m", "I_syn_ex", "I_syn_in")
    units = {"V_m": "mV", "I_syn_ex": "pA", "I_syn_in": "pA"}
    input_mode = INPUT_SPLIT
    positive = ("C_m", "tau_m", "tau_syn_ex", "tau_syn_in", "tau_psc", "tau_rec", *ias.POSITIVE)
    nonnegative = ("tau_fac", "t_ref", "rho", "delta")
    below = (("V_reset", "V_th"),)
    kernel = _update
    sends_offsets = True
    offset_receptor = 1

    @classmethod
    def receptors_for(cls, P: dict[str, np.ndarray], currents: bool = False) -> set[int]:
        """Spikes on receptor 0 (weighted) and 1 (weighted by the sender's release);
        currents on receptor 0 only (NEST's current receptor 1 is not available)."""
        return {0} if currents else {0, 1}

    @classmethod
    def input_channels(cls, P: dict[str, np.ndarray]) -> int:
        """The three input channels and the channel where the kernel leaves each
        spike's release ``dy`` (:data:`~spikesim.models.base.CH_OFFSET`)."""
        return max(N_CHANNELS, CH_OFFSET + 1)

    @classmethod
    def settle_state(cls, P: dict[str, np.ndarray], S: np.ndarray, names: tuple[str, ...],
                     values: dict[str, Any], local: np.ndarray) -> None:
        """Check the synapse state of the neurons at ``local`` as NEST does.

        Raises
        ------
        BadProperty
            When ``x + y > 1`` or ``u`` is outside [0, 1] (dimensionless).
        """
        x, y, u = S[names.index("x"), local], S[names.index("y"), local], S[names.index("u"), local]
        bad = x + y > 1.0
        if bad.any():
            key, other = ("y", "x") if "y" in values and "x" not in values else ("x", "y")
            val = {"x": float(x[bad][0]), "y": float(y[bad][0])}
            raise bad_property(cls.name, key, val[key], f"x + y must be <= 1 ({other} = {val[other]!r})")
        bad = ~((u >= 0.0) & (u <= 1.0))
        if bad.any():
            raise bad_property(cls.name, "u", float(u[bad][0]), "it must be in [0, 1]")

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            When a parameter is out of range (``U`` outside [0, 1], a time constant not
            positive ...), ``V_reset >= V_th``, ``tau_psc == tau_rec`` (the synapse
            propagator is singular there) or ``delta > 0`` (not supported).
        """
        super().check(P, h)
        U = np.asarray(P["U"], dtype=float)
        bad = ~((U >= 0.0) & (U <= 1.0))
        if bad.any():
            raise bad_property(cls.name, "U", float(U[bad][0]), "it must be in [0, 1]")
        same = np.asarray(P["tau_psc"], dtype=float) == np.asarray(P["tau_rec"], dtype=float)
        if same.any():
            raise bad_property(cls.name, "tau_psc", float(np.asarray(P["tau_psc"])[same][0]),
                               "it must differ from tau_rec (the synapse propagator is singular there)")
        delta = np.asarray(P["delta"], dtype=float)
        bad = delta > 1e-10
        if bad.any():
            raise bad_property(cls.name, "delta", float(delta[bad][0]),
                               "spikesim supports only the deterministic threshold (delta = 0)")

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((15, n))
        tau, C, EL = P["tau_m"], P["C_m"], P["E_L"]
        D[P11EX] = libm_exp(-h / P["tau_syn_ex"])
        D[P11IN] = libm_exp(-h / P["tau_syn_in"])
        D[P22] = libm_exp(-h / tau)
        D[P21EX] = iaf_propagators(P["tau_syn_ex"], tau, C, h)[1]
        D[P21IN] = iaf_propagators(P["tau_syn_in"], tau, C, h)[1]
        D[P20] = tau / C * (1.0 - D[P22])
        D[THETA] = P["V_th"] - EL
        D[VRESET] = P["V_reset"] - EL
        D[IE] = P["I_e"]
        D[NREF] = refractory_steps(P["t_ref"], h)
        D[TFAC] = P["tau_fac"]
        D[TPSC] = P["tau_psc"]
        D[TREC] = P["tau_rec"]
        D[UU] = P["U"]
        D[TPS] = round(h * TICS_PER_MS)
        return D
