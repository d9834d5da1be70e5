"""iaf_cond_exp: leaky integrate-and-fire neuron with exponential conductances.

As NEST 3.10's ``iaf_cond_exp``: the state ``y = (V_m, g_ex, g_in)`` follows

    dV_m/dt  = (-g_L (V - E_L) + I_stim + I_e - g_ex (V - E_ex) - g_in (V - E_in)) / C_m
    dg_ex/dt = -g_ex / tau_syn_ex,     dg_in/dt = -g_in / tau_syn_in

with ``V = min(V_m, V_th)``, or, while refractory, ``V = V_reset`` and ``dV_m/dt = 0``.
Each step is integrated with GSL's adaptive RKF45 (:mod:`._rkf45`, absolute error
1e-3); the integrator's step size is part of the state and carries over between
steps and Simulate calls.  After the integration of a step, the spikes arriving in
it are added to the conductances (an excitatory weight ``w`` in nS adds ``w`` to
``g_ex``, an inhibitory weight ``w < 0`` adds ``-w`` to ``g_in``), then the
refractory counter is counted down (``V_m`` held at ``V_reset``) or the threshold
tested; the current read in step ``s`` acts during step ``s + 1``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from spikesim.errors import bad_property
from spikesim.models._common import sample, take
from spikesim.models._rkf45 import integrate, rkf45_step3, stop_unstable, unstable_reason
from spikesim.models.base import (
    CH_CUR,
    CH_EX,
    CH_IN,
    INPUT_SPLIT,
    NeuronModel,
    refractory_steps,
)
from spikesim.timegrid import TICS_PER_MS

# state rows
VM, GEX, GIN, R, ISTIM, HINT = range(6)
# derived rows
VTH, VRESET, GL, CM, EEX, EIN, EL, TEX, TIN, IE, NREF, STEP = range(12)


@njit(cache=True, inline="always")
def _rhs(p, y):
    refractory, v_reset, v_th, g_l, e_l, e_ex, e_in, c_m, tau_ex, tau_in, i_stim, i_e = p
    v_m, g_ex, g_in = y
    if refractory:  # noqa: SIM108 - NEST's structure, kept for comparison with its source
        V = v_reset
    else:
        V = v_th if v_th < v_m else v_m  # std::min(V_m, V_th)
    i_syn_exc = g_ex * (V - e_ex)
    i_syn_inh = g_in * (V - e_in)
    i_l = g_l * (V - e_l)
    dv = 0.0 if refractory else (-i_l + i_stim + i_e - i_syn_exc - i_syn_inh) / c_m
    return dv, -g_ex / tau_ex, -g_in / tau_in


@njit(cache=True)
def _integrate(p, y, t1, h):
    """One simulation step ``[0, t1]`` of the RKF45 loop; returns ``(y, h)``."""
    return integrate(rkf45_step3, _rhs, p, y, t1, h)


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        y = (S[VM, j], S[GEX, j], S[GIN, j])
        r = S[R, j]
        i_stim = S[ISTIM, j]
        step = D[STEP, j]
        h_int = S[HINT, j]
        if not h_int > 0.0:  # not yet initialised (NEST: IntegrationStep = resolution)
            h_int = step
        v_th = D[VTH, j]
        v_reset = D[VRESET, j]
        g_l = D[GL, j]
        e_l = D[EL, j]
        e_ex = D[EEX, j]
        e_in = D[EIN, j]
        c_m = D[CM, j]
        tau_ex = D[TEX, j]
        tau_in = D[TIN, j]
        i_e = D[IE, j]
        n_ref = D[NREF, j]
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            p = (r > 0.0, v_reset, v_th, g_l, e_l, e_ex, e_in, c_m, tau_ex, tau_in, i_stim, i_e)
            y, h_int = _integrate(p, y, step, h_int)
            if h_int < 0.0:  # the integrator gave up: stored as -1, the wrapper (stop_unstable) raises
                break
            v_m, g_ex, g_in = y
            g_ex += take(ring, CH_EX, slot, g)
            g_in -= take(ring, CH_IN, slot, g)  # inhibitory weights arrive negative
            if r > 0.0:
                r -= 1.0
                v_m = v_reset
            elif v_m >= v_th:
                r = n_ref
                v_m = v_reset
                spk[i, j] = 1
            y = (v_m, g_ex, g_in)
            i_stim = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                S[VM, j] = v_m
                S[GEX, j] = g_ex
                S[GIN, j] = g_in
                S[R, j] = r
                sample(S, j, i, c, rec_rows, rec_out)
        S[VM, j] = y[0]
        S[GEX, j] = y[1]
        S[GIN, j] = y[2]
        S[R, j] = r
        S[ISTIM, j] = i_stim
        S[HINT, j] = h_int


def check_cond(cls: type[NeuronModel], P: dict[str, np.ndarray]) -> None:
    """NEST's checks for the conductance-based models, in NEST's order."""
    def first_bad(key, bad):
        bad = np.asarray(bad)
        if bad.any():
            return np.asarray(P[key])[bad][0]
        return None

    v = first_bad("V_reset", np.asarray(P["V_reset"]) >= np.asarray(P["V_th"]))
    if v is not None:
        v_th = np.asarray(P["V_th"], dtype=float)[np.asarray(P["V_reset"]) >= np.asarray(P["V_th"])][0]
        raise bad_property(cls.name, "V_reset", float(v), f"it must be lower than V_th ({float(v_th)!r})")
    for key, test, allowed in (
            ("C_m", lambda x: x > 0, "it must be > 0"),
            ("t_ref", lambda x: x >= 0, "it must be >= 0"),
            ("tau_syn_ex", lambda x: x > 0, "it must be > 0"),
            ("tau_syn_in", lambda x: x > 0, "it must be > 0"),
            ("tau_sfa", lambda x: x > 0, "it must be > 0"),
            ("tau_rr", lambda x: x > 0, "it must be > 0"),
            ("tau_rise_ex", lambda x: x > 0, "it must be > 0"),
            ("tau_decay_ex", lambda x: x > 0, "it must be > 0"),
            ("tau_rise_in", lambda x: x > 0, "it must be > 0"),
            ("tau_decay_in", lambda x: x > 0, "it must be > 0"),
            ("tau_minus", lambda x: x > 0, "it must be > 0"),
            ("tau_minus_triplet", lambda x: x > 0, "it must be > 0")):
        if key not in P:  # the time constants of the synapses differ by model
            continue
        v = first_bad(key, ~test(np.asarray(P[key], dtype=float)))
        if v is not None:
            raise bad_property(cls.name, key, float(v), allowed)


def integration_step(h: float) -> float:
    """NEST's simulation step in ms as the integrator sees it: tics x 0.001 ms."""
    return round(h * TICS_PER_MS) * (1.0 / TICS_PER_MS)


#: why a conductance-based neuron stops (the message of its NumericalInstability)
COND_UNSTABLE = unstable_reason("g_ex, g_in, g_L, C_m, tau_syn_ex, tau_syn_in, I_e")

COND_PARAMS = {
    "V_th": -55.0, "V_reset": -60.0, "t_ref": 2.0, "g_L": 16.6667, "C_m": 250.0, "E_ex": 0.0,
    "E_in": -85.0, "E_L": -70.0, "tau_syn_ex": 0.2, "tau_syn_in": 2.0, "I_e": 0.0,
    "tau_minus": 20.0, "tau_minus_triplet": 110.0,
}


class IafCondExp(NeuronModel):
    """NEST's ``iaf_cond_exp``: integrate-and-fire, exponential conductances (RKF45).

    Parameters: potentials and reversal potentials in mV, ``g_L`` in nS, ``C_m`` in pF,
    time constants and ``t_ref`` in ms, ``I_e`` in pA.  State: ``V_m`` (mV),
    conductances ``g_ex``, ``g_in`` (nS).  Recordables: see ``recordables`` and
    ``units``.  Weights are in nS.
    """
    name = "iaf_cond_exp"
    params = dict(COND_PARAMS)
    # V_m is absolute in NEST (changing E_L does not move it); the integrator's step size
    # 0 means "not started yet" (the kernel starts it at the resolution)
    state = {"V_m": (-70.0, None), "g_ex": (0.0, None), "g_in": (0.0, None),
             "refractory_count": (0.0, None), "I_stim": (0.0, None), "integration_step": (0.0, None)}
    recordables = ("V_m", "g_ex", "g_in")
    units = {"V_m": "mV", "g_ex": "nS", "g_in": "nS"}
    input_mode = INPUT_SPLIT
    kernel = staticmethod(stop_unstable(_update, "iaf_cond_exp", HINT, COND_UNSTABLE))

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            When a parameter is out of range or inconsistent with another.
        """
        check_cond(cls, P)

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((12, n))
        D[VTH] = P["V_th"]
        D[VRESET] = P["V_reset"]
        D[GL] = P["g_L"]
        D[CM] = P["C_m"]
        D[EEX] = P["E_ex"]
        D[EIN] = P["E_in"]
        D[EL] = P["E_L"]
        D[TEX] = P["tau_syn_ex"]
        D[TIN] = P["tau_syn_in"]
        D[IE] = P["I_e"]
        D[NREF] = refractory_steps(P["t_ref"], h)
        D[STEP] = integration_step(h)
        return D
