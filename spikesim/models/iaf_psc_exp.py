"""iaf_psc_exp: leaky integrate-and-fire neuron with exponential synaptic currents.

Exact integration as in NEST 3.10.  Each step, with ``V = V_m - E_L``:

1. not refractory: ``V <- V P22 + I_ex P21ex + I_in P21in + (I_e + i_0) P20``;
   refractory: the counter goes down by one (``V`` stays at ``V_reset``);
2. ``I_ex <- I_ex P11ex``, ``I_in <- I_in P11in``;
3. the spikes read for this step jump the currents by their summed weights (pA):
   positive weights into ``I_ex``, negative ones into ``I_in``;
4. if ``V >= V_th``: spike, ``V <- V_reset``, refractory for ``t_ref``;
5. the current read for this step becomes ``i_0`` and acts in the next step.

Spike input arriving in a step is visible in ``I_syn_*`` at the end of that step and
moves ``V`` from the next step on.  Only the deterministic threshold (``delta = 0``)
is supported.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import sample, take
from spikesim.models._nest_numerics import nest_expm1_array
from spikesim.models.base import (
    CH_CUR,
    CH_EX,
    CH_IN,
    INPUT_SPLIT,
    NeuronModel,
    refractory_steps,
)

# state rows
V, IEX, IIN, I0, R = 0, 1, 2, 3, 4
# derived rows
P22, P21EX, P21IN, P20, P11EX, P11IN, THETA, VRESET, IE, NREF = range(10)

_NUMERICAL_STABILITY_FACTOR = 1e-7


def _libm(f, x):
    """``f`` (a ``math`` function, i.e. the C library's, as NEST uses) elementwise.

    numpy's vectorised ``exp`` can differ from the C library's in the last bit; the
    propagators are computed once per parameter change, so use the C library's, one
    call per distinct value.
    """
    x = np.asarray(x, dtype=float)
    u, inv = np.unique(x, return_inverse=True)
    out = np.empty(u.shape)
    for k, v in enumerate(u):
        try:
            out[k] = f(v)
        except OverflowError:
            out[k] = np.inf
    return out[inv.reshape(-1)].reshape(x.shape)


def libm_exp(x: np.ndarray | float) -> np.ndarray:
    """``exp`` of every element, computed by the C library as NEST does (bit-identical)."""
    return _libm(math.exp, x)


def libm_expm1(x: np.ndarray | float) -> np.ndarray:
    """``expm1`` of every element, computed by the C library as NEST does (bit-identical)."""
    return _libm(math.expm1, x)


def iaf_propagators(tau_syn: np.ndarray, tau_m: np.ndarray, C_m: np.ndarray,
                    h: float) -> tuple[np.ndarray, np.ndarray]:
    """NEST's ``IAFPropagator``: ``(P31, P32)`` from a synaptic current to ``V``.

    ``P32`` propagates an exponential current (``IAFPropagatorExp``), ``P31`` the
    derivative state of an alpha current (``IAFPropagatorAlpha``).  Near-equal time
    constants use NEST's singular limits; the arithmetic follows NEST's order so the
    numbers agree to the last bit where the elementary functions do.
    """
    tau_s = np.asarray(tau_syn, dtype=float)
    tau_m = np.asarray(tau_m, dtype=float)
    C = np.asarray(C_m, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        h_min_regular = _NUMERICAL_STABILITY_FACTOR * tau_m * tau_m / np.abs(tau_m - tau_s)
        beta = tau_s * tau_m / (tau_m - tau_s)
        gamma = beta / C
        inv_tau_syn = 1.0 / tau_s
        inv_tau_m = 1.0 / tau_m
        inv_c_m = 1.0 / C
        inv_beta = (tau_m - tau_s) / (tau_s * tau_m)
        exp_h_tau_syn = libm_exp(-h * inv_tau_syn)
        expm1_h_tau = nest_expm1_array(h * inv_beta)  # NEST's numerics::expm1
        p32 = gamma * exp_h_tau_syn * expm1_h_tau
        exp_h_tau = libm_exp(-h * inv_tau_m)
        normal = np.isfinite(p32) & (np.abs(p32) >= np.finfo(float).tiny) & (p32 > 0)
        p32 = np.where(normal, p32, h * inv_c_m * exp_h_tau)
        p31_regular = gamma * exp_h_tau_syn * (beta * expm1_h_tau - h)
        p31 = np.where(h > h_min_regular, p31_regular, 0.5 * h * h * inv_c_m * exp_h_tau)
    return p31, p32


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
        p22 = D[P22, j]
        p21ex = D[P21EX, j]
        p21in = D[P21IN, j]
        p20 = D[P20, j]
        p11ex = D[P11EX, j]
        p11in = D[P11IN, j]
        theta = D[THETA, j]
        ie = D[IE, j]
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            if r == 0.0:
                v = v * p22 + iex * p21ex + iin * p21in + (ie + i0) * p20
            else:
                r -= 1.0
            iex *= p11ex
            iin *= p11in
            # NEST puts weight 0 on the inhibitory channel, spikesim on the excitatory
            # one; adding 0 makes no difference.
            iex += take(ring, CH_EX, slot, g)
            iin += take(ring, CH_IN, slot, g)
            if v >= theta:
                r = D[NREF, j]
                v = D[VRESET, j]
                spk[i, j] = 1
            i0 = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                S[V, j] = v
                S[IEX, j] = iex
                S[IIN, j] = iin
                S[I0, j] = i0
                S[R, j] = r
                sample(S, j, i, c, rec_rows, rec_out)
        S[V, j] = v
        S[IEX, j] = iex
        S[IIN, j] = iin
        S[I0, j] = i0
        S[R, j] = r


class IafPscExp(NeuronModel):
    """NEST's ``iaf_psc_exp``: leaky integrate-and-fire, exponential synaptic currents.

    Parameters in NEST's units: potentials in mV, ``C_m`` in pF, time constants and
    ``t_ref`` in ms, ``I_e`` in pA.  State: ``V_m`` (mV), synaptic currents (pA).
    Recordables and their units: see ``recordables`` and ``units``.  Weights are in pA.
    """
    name = "iaf_psc_exp"
    params = {
        "E_L": -70.0, "C_m": 250.0, "tau_m": 10.0, "t_ref": 2.0, "V_th": -55.0,
        "V_reset": -70.0, "I_e": 0.0, "tau_syn_ex": 2.0, "tau_syn_in": 2.0,
        "rho": 0.01, "delta": 0.0, "tau_minus": 20.0, "tau_minus_triplet": 110.0,
    }
    state = {"V_m": (-70.0, "E_L"), "I_syn_ex": (0.0, None), "I_syn_in": (0.0, None),
             "I": (0.0, None), "refractory_count": (0.0, None)}
    recordables = ("I_syn_ex", "I_syn_in", "V_m")
    units = {"I_syn_ex": "pA", "I_syn_in": "pA", "V_m": "mV"}
    input_mode = INPUT_SPLIT
    positive = ("C_m", "tau_m", "tau_syn_ex", "tau_syn_in", "tau_minus", "tau_minus_triplet")
    nonnegative = ("t_ref", "rho", "delta")
    below = (("V_reset", "V_th"),)
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
        delta = np.asarray(P["delta"], dtype=float)
        bad = delta > 1e-10
        if bad.any():
            raise bad_property(cls.name, "delta", float(delta[bad][0]),
                               "spikesim supports only the deterministic threshold (delta = 0)")

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((10, n))
        tau, C, EL = P["tau_m"], P["C_m"], P["E_L"]
        D[P11EX] = libm_exp(-h / P["tau_syn_ex"])
        D[P11IN] = libm_exp(-h / P["tau_syn_in"])
        D[P22] = libm_exp(-h / tau)
        # these are determined according to a numeric stability criterion
        D[P21EX] = iaf_propagators(P["tau_syn_ex"], tau, C, h)[1]
        D[P21IN] = iaf_propagators(P["tau_syn_in"], tau, C, h)[1]
        D[P20] = tau / C * (1.0 - D[P22])
        D[THETA] = P["V_th"] - EL
        D[VRESET] = P["V_reset"] - EL
        D[IE] = P["I_e"]
        D[NREF] = refractory_steps(P["t_ref"], h)
        return D
