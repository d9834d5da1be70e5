"""iaf_cond_alpha: leaky integrate-and-fire neuron with alpha-shaped conductances.

As NEST 3.10's ``iaf_cond_alpha``: the state ``y = (V_m, dg_ex, g_ex, dg_in, g_in)``
follows

    dV_m/dt   = (-g_L (V - E_L) - g_ex (V - E_ex) - g_in (V - E_in) + I_stim + I_e) / C_m
    ddg_ex/dt = -dg_ex / tau_syn_ex,   dg_ex/dt = dg_ex - g_ex / tau_syn_ex   (same for _in)

with ``V = min(V_m, V_th)``, or, while refractory, ``V = V_reset`` and ``dV_m/dt = 0``,
integrated per step with GSL's adaptive RKF45 (:mod:`._rkf45`, absolute error 1e-3;
the integrator's step size carries over between steps and Simulate calls).  After
the integration of a step the refractory counter is counted down (``V_m`` held at
``V_reset``) or the threshold tested, and only then are the spikes of the step
added: a weight ``|w|`` (nS) adds ``|w| e / tau_syn`` to ``dg``, so the conductance
peaks at ``|w|`` a time ``tau_syn`` later.  The current read in step ``s`` acts
during step ``s + 1``.  ``t_ref_remaining`` is the refractory counter times the
resolution.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from spikesim.models._common import sample, take
from spikesim.models._rkf45 import integrate, rkf45_step5, stop_unstable
from spikesim.models.base import (
    CH_CUR,
    CH_EX,
    CH_IN,
    INPUT_SPLIT,
    NeuronModel,
    refractory_steps,
)
from spikesim.models.iaf_cond_exp import COND_PARAMS, COND_UNSTABLE, check_cond, integration_step

# state rows
VM, DGEX, GEX, DGIN, GIN, R, ISTIM, HINT = range(8)
# derived rows (TEX, TIN: decay time constants; TREX, TRIN: rise time constants, the same for alpha)
VTH, VRESET, GL, CM, EEX, EIN, EL, TEX, TIN, IE, NREF, STEP, PSE, PSI, TREX, TRIN = range(16)


@njit(cache=True, inline="always")
def _rhs(p, y):
    refractory, v_reset, v_th, g_l, e_l, e_ex, e_in, c_m, tau_ex, tau_in, i_stim, i_e, rise_ex, rise_in = p
    v_m, dg_ex, g_ex, dg_in, g_in = y
    if refractory:  # noqa: SIM108 - NEST's structure, kept for comparison with its source
        V = v_reset
    else:
        V = v_th if v_th < v_m else v_m  # std::min(V_m, V_th)
    i_syn_exc = g_ex * (V - e_ex)
    i_syn_inh = g_in * (V - e_in)
    i_leak = g_l * (V - e_l)
    dv = 0.0 if refractory else (-i_leak - i_syn_exc - i_syn_inh + i_stim + i_e) / c_m
    return (dv, -dg_ex / tau_ex, dg_ex - g_ex / rise_ex, -dg_in / tau_in, dg_in - g_in / rise_in)


@njit(cache=True)
def _integrate(p, y, t1, h):
    """One simulation step ``[0, t1]`` of the RKF45 loop; returns ``(y, h)``."""
    return integrate(rkf45_step5, _rhs, p, y, t1, h)


@njit(parallel=True, cache=True, nogil=True)
def update_alpha_beta(S: np.ndarray, D: np.ndarray, ring: np.ndarray, base: int, L: int, s0: int, m: int,
                      spk: np.ndarray, rec_mask: np.ndarray, rec_col: np.ndarray, rec_rows: np.ndarray,
                      rec_out: np.ndarray) -> None:
    """The compiled update of ``iaf_cond_alpha`` and ``iaf_cond_beta`` (see the module docstring)."""
    n = S.shape[1]
    for j in prange(n):
        g = base + j
        y = (S[VM, j], S[DGEX, j], S[GEX, j], S[DGIN, j], S[GIN, j])
        r, i_stim, step, h_int = S[R, j], S[ISTIM, j], D[STEP, j], S[HINT, j]
        if not h_int > 0.0:  # not yet initialised (NEST: IntegrationStep = resolution)
            h_int = step
        v_th, v_reset, g_l, e_l, c_m, i_e = D[VTH, j], D[VRESET, j], D[GL, j], D[EL, j], D[CM, j], D[IE, j]
        e_ex, e_in, tau_ex, tau_in, n_ref = D[EEX, j], D[EIN, j], D[TEX, j], D[TIN, j], D[NREF, j]
        rise_ex, rise_in, ps_e, ps_i = D[TREX, j], D[TRIN, j], D[PSE, j], D[PSI, j]
        c = rec_col[j]
        for i in range(m):
            slot = (s0 + i) % L
            p = (r > 0.0, v_reset, v_th, g_l, e_l, e_ex, e_in, c_m, tau_ex, tau_in, i_stim, i_e, rise_ex, rise_in)
            y, h_int = _integrate(p, y, step, h_int)
            if h_int < 0.0:  # the integrator gave up: stored as -1, the wrapper (stop_unstable) raises
                break
            v_m, dg_ex, g_ex, dg_in, g_in = y
            if r > 0.0:
                r -= 1.0
                v_m = v_reset
            elif v_m >= v_th:
                r = n_ref
                v_m = v_reset
                spk[i, j] = 1
            dg_ex += take(ring, CH_EX, slot, g) * ps_e
            dg_in += -take(ring, CH_IN, slot, g) * ps_i  # inhibitory weights arrive negative
            y = (v_m, dg_ex, g_ex, dg_in, g_in)
            i_stim = take(ring, CH_CUR, slot, g)
            if rec_mask[i] and c >= 0:
                S[VM, j] = v_m
                S[DGEX, j] = dg_ex
                S[GEX, j] = g_ex
                S[DGIN, j] = dg_in
                S[GIN, j] = g_in
                S[R, j] = r
                sample(S, j, i, c, rec_rows, rec_out)
        S[VM, j] = y[0]
        S[DGEX, j] = y[1]
        S[GEX, j] = y[2]
        S[DGIN, j] = y[3]
        S[GIN, j] = y[4]
        S[R, j] = r
        S[ISTIM, j] = i_stim
        S[HINT, j] = h_int


class IafCondAlpha(NeuronModel):
    """NEST's ``iaf_cond_alpha``: integrate-and-fire, alpha-shaped conductances (RKF45).

    Parameters: potentials and reversal potentials in mV, ``g_L`` in nS, ``C_m`` in pF,
    time constants and ``t_ref`` in ms, ``I_e`` in pA.  State: ``V_m`` (mV),
    conductances ``g_ex``, ``g_in`` (nS).  Recordables: see ``recordables`` and
    ``units``.  Weights are in nS.
    """
    name = "iaf_cond_alpha"
    params = dict(COND_PARAMS)
    state = {"V_m": (-70.0, None), "dg_ex": (0.0, None), "g_ex": (0.0, None), "dg_in": (0.0, None),
             "g_in": (0.0, None), "refractory_count": (0.0, None), "I_stim": (0.0, None),
             "integration_step": (0.0, None)}
    recordables = ("V_m", "g_ex", "g_in", "t_ref_remaining")
    units = {"V_m": "mV", "g_ex": "nS", "g_in": "nS", "t_ref_remaining": "ms"}
    input_mode = INPUT_SPLIT
    kernel = staticmethod(stop_unstable(update_alpha_beta, "iaf_cond_alpha", HINT, COND_UNSTABLE))

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            When a parameter is out of range or inconsistent with another.
        """
        check_cond(cls, P)

    @classmethod
    def recordable_source(cls, name: str, state_names: tuple[str, ...],
                          h: float) -> tuple[int, float, str | None]:
        """Where a recordable comes from: (state row, scale, parameter added)."""
        if name == "t_ref_remaining":
            # NEST: resolution (ms) * refractory counter
            return state_names.index("refractory_count"), integration_step(h), None
        return super().recordable_source(name, state_names, h)

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((16, n))
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
        D[PSE] = 1.0 * np.e / np.asarray(P["tau_syn_ex"], dtype=float)
        D[PSI] = 1.0 * np.e / np.asarray(P["tau_syn_in"], dtype=float)
        D[TREX] = P["tau_syn_ex"]
        D[TRIN] = P["tau_syn_in"]
        return D
