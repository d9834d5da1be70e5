"""iaf_psc_delta: leaky integrate-and-fire neuron with delta-shaped synaptic input.

Exact integration as in NEST: each step

``y3 <- P30 (y0 + I_e) + P33 y3 + J``   (not refractory)

with ``P33 = exp(-h/tau_m)``, ``P30 = tau_m/C_m (1 - P33)``, ``y3 = V_m - E_L`` and
``J`` the summed weights (mV) of the spikes arriving in this step.  During the
refractory period input is dropped, or, with ``refractory_input=True``, decayed by
``exp(-r h/tau_m)`` and added when the period ends.  Currents from generators read in
step ``s`` act in step ``s + 1``.  With ``ignore_and_spike`` the threshold is ignored
and the neuron spikes on a clock (:mod:`spikesim.models._ignore_and_spike`); the blocks
holding such a neuron take the branching path, the others are unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, prange, uint64

from spikesim.models import _ignore_and_spike as ias
from spikesim.models._common import sample
from spikesim.models.base import (
    CH_CUR,
    CH_EX,
    INPUT_SINGLE,
    NeuronModel,
    refractory_steps,
)
from spikesim.models.iaf_psc_exp import libm_exp

# state rows
Y3, Y0, R, REFR, COUNT = 0, 1, 2, 3, 4
# derived rows
P33, P30, THETA, VRESET, VMIN, IE, NREF, REFIN, DEXP, HOM, NOCUR, IAS, IASOFF, IASINT = range(14)
#: the rows :data:`HOM` compares: one value of each throughout a population lets the
#: kernel hold them in registers
_SHARED_ROWS = (P33, P30, THETA, VRESET, VMIN, IE, NREF, REFIN, IAS)


@njit(cache=True, inline="always")
def _step(v, rj, drive, J, p33, vmin, theta, nref, vreset):
    """One neuron's step, branch-free: ``drive`` (the current term ``P30 (y0 + I_e)``)
    plus the decayed potential plus the input ``J``, unless refractory; returns the new
    potential and refractory count, and whether it spiked."""
    act = rj == 0.0
    vn = max(drive + p33 * v + J, vmin)
    v = vn if act else v
    rj = rj if act else rj - 1.0
    sp = v >= theta
    return (vreset if sp else v), (nref if sp else rj), sp


@njit(cache=True)
def _steps_vector(y3, r, y0, p33, p30, theta, ie, vmin, nref, vreset, ex, cur, out, lo, hi, base):
    """One step of neurons lo..hi-1 without refractory input, branch-free.

    The loop runs over an unsigned index (no negative-index wrap-around to test) and
    holds no branch, so LLVM turns it into SIMD code (about three times the speed of
    the branching loop); it computes the same values as :func:`_block`'s scalar path.
    ``ex`` and ``cur`` are ring rows indexed by ``base + j``."""
    ub = uint64(base)
    for j in range(uint64(lo), uint64(hi)):
        g = j + ub
        J = ex[g]
        ex[g] = 0.0
        y3[j], r[j], sp = _step(y3[j], r[j], p30[j] * (y0[j] + ie[j]), J, p33[j], vmin[j], theta[j], nref[j],
                                vreset[j])
        out[j] = 1 if sp else 0
        y0[j] = cur[g]
        cur[g] = 0.0


@njit(cache=True)
def _steps_shared(y3, r, y0, p33, p30, theta, ie, vmin, nref, vreset, ex, cur, out, lo, hi, base):
    """:func:`_steps_vector` for neurons sharing their parameters (scalars here): the
    same operations in the same order, so the same values, with a third of the loads."""
    ub = uint64(base)
    for j in range(uint64(lo), uint64(hi)):
        g = j + ub
        J = ex[g]
        ex[g] = 0.0
        y3[j], r[j], sp = _step(y3[j], r[j], p30 * (y0[j] + ie), J, p33, vmin, theta, nref, vreset)
        out[j] = 1 if sp else 0
        y0[j] = cur[g]
        cur[g] = 0.0


@njit(cache=True)
def _steps_no_current(y3, r, p33, p30, theta, ie, vmin, nref, vreset, ex, out, lo, hi, base):
    """:func:`_steps_shared` for neurons no current reaches (their current state ``y0``
    is 0 and stays 0): the same values, without reading or clearing the ring's current
    channel, a quarter of the memory traffic of a step."""
    ub = uint64(base)
    i0 = p30 * (0.0 + ie)  # the operands _steps_shared adds, in its order
    for j in range(uint64(lo), uint64(hi)):
        g = j + ub
        J = ex[g]
        ex[g] = 0.0
        y3[j], r[j], sp = _step(y3[j], r[j], i0, J, p33, vmin, theta, nref, vreset)
        out[j] = 1 if sp else 0


@njit(cache=True, inline="always")
def _steps_branching(y3, r, refr, y0, p33, p30, theta, ie, vmin, nref, vreset, with_refr, dexp, on, count,
                     offset, interval, ex, cur, out, lo, hi, base):
    """One step of neurons lo..hi-1 with the refractory-input and ignore-and-spike branches.

    The path of a block that holds a neuron with ``refractory_input`` or
    ``ignore_and_spike`` (whose countdown runs in every step, refractory or not, and
    alone decides its spikes); for the other neurons it computes the same values as
    :func:`_steps_vector`."""
    for j in range(lo, hi):
        g = base + j
        J = ex[g]
        ex[g] = 0.0
        v = y3[j]
        rj = r[j]
        if rj == 0.0:
            v = p30[j] * (y0[j] + ie[j]) + p33[j] * v + J
            if with_refr[j] != 0.0 and refr[j] != 0.0:
                v += refr[j]
                refr[j] = 0.0
            if v < vmin[j]:
                v = vmin[j]
        else:
            if with_refr[j] != 0.0:
                refr[j] += J * np.exp(-rj * dexp[j])
            rj -= 1.0
        if on[j] != 0.0:
            count[j], sp = ias.forced_spike(count[j], offset[j], interval[j])
        else:
            sp = v >= theta[j]
        if sp:
            rj = nref[j]
            v = vreset[j]
            out[j] = 1
        y3[j] = v
        r[j] = rj
        y0[j] = cur[g]
        cur[g] = 0.0


@njit(cache=True)
def _sampled_neurons(rec_col, lo, hi):
    """The sampled neurons of the block (found once rather than tested every step),
    their count, and whether they form the usual case: a run of neighbouring neurons in
    neighbouring columns, copied as one run."""
    sampled = np.empty(hi - lo, dtype=np.int64)
    n_sampled = 0
    for j in range(lo, hi):
        if rec_col[j] >= 0:
            sampled[n_sampled] = j
            n_sampled += 1
    run = n_sampled > 0 and sampled[n_sampled - 1] - sampled[0] == n_sampled - 1 \
        and rec_col[sampled[n_sampled - 1]] - rec_col[sampled[0]] == n_sampled - 1
    return sampled, n_sampled, run


@njit(cache=True)
def _record_step(S, i, rec_col, rec_rows, rec_out, sampled, n_sampled, run):
    """Copy the recorded rows of the sampled neurons into sample slot ``i``."""
    if run:
        j0 = sampled[0]
        c0 = rec_col[j0]
        for a in range(rec_rows.shape[0]):  # a loop, not a slice assignment: that compiles 3 s longer
            src = S[rec_rows[a]]
            dst = rec_out[i, a]
            for q in range(n_sampled):
                dst[c0 + q] = src[j0 + q]
    else:
        for q in range(n_sampled):
            j = sampled[q]
            sample(S, j, i, rec_col[j], rec_rows, rec_out)


@njit(cache=True)
def _block(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out, lo, hi):
    """Neurons lo..hi-1 over the slice, step by step: each step streams through
    contiguous state and ring-buffer rows, so neighbouring neurons overlap in the
    pipeline instead of waiting on one neuron's chain of steps."""
    y3 = S[Y3]
    y0 = S[Y0]
    r = S[R]
    refr = S[REFR]
    p33 = D[P33]
    p30 = D[P30]
    theta = D[THETA]
    ie = D[IE]
    vmin = D[VMIN]
    nref = D[NREF]
    vreset = D[VRESET]
    with_refr = D[REFIN]
    dexp = D[DEXP]
    on = D[IAS]
    # shared parameters: one test tells whether any neuron takes refractory input or
    # spikes on a clock
    shared = hi > lo and D[HOM, lo] != 0.0 and with_refr[lo] == 0.0 and on[lo] == 0.0
    # no current reaches the block and its current state is 0: it stays 0 (see bind_inputs)
    quiet = shared and D[NOCUR, lo] != 0.0 and not y0[lo:hi].any()
    vector = True
    if not shared:
        for j in range(lo, hi):
            if with_refr[j] != 0.0 or on[j] != 0.0:
                vector = False
    sampled, n_sampled, run = _sampled_neurons(rec_col, lo if rec_mask[:m].any() else hi, hi)
    for i in range(m):
        slot = (s0 + i) % L
        ex = ring[CH_EX, slot]
        cur = ring[CH_CUR, slot]
        out = spk[i]
        if quiet:
            _steps_no_current(y3, r, p33[lo], p30[lo], theta[lo], ie[lo], vmin[lo], nref[lo], vreset[lo], ex, out,
                              lo, hi, base)
        elif shared:
            _steps_shared(y3, r, y0, p33[lo], p30[lo], theta[lo], ie[lo], vmin[lo], nref[lo], vreset[lo], ex, cur,
                          out, lo, hi, base)
        elif vector:
            _steps_vector(y3, r, y0, p33, p30, theta, ie, vmin, nref, vreset, ex, cur, out, lo, hi, base)
        else:
            _steps_branching(y3, r, refr, y0, p33, p30, theta, ie, vmin, nref, vreset, with_refr, dexp, on,
                             S[COUNT], D[IASOFF], D[IASINT], ex, cur, out, lo, hi, base)
        if rec_mask[i]:
            _record_step(S, i, rec_col, rec_rows, rec_out, sampled, n_sampled, run)


@njit(parallel=True, cache=True, nogil=True)
def _update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out):
    n = S.shape[1]
    # blocks of about 1024 neurons, a multiple of 4 of them (as many per thread for
    # 1, 2 and 4 threads)
    nb = max(1, min(n // 256, -(-n // 4096) * 4, 64))
    for b in prange(nb):
        _block(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows, rec_out,
               b * n // nb, (b + 1) * n // nb)


class IafPscDelta(NeuronModel):
    """NEST's ``iaf_psc_delta``: leaky integrate-and-fire, delta-shaped synaptic input.

    Parameters: ``E_L``, ``V_th``, ``V_reset``, ``V_min`` (mV), ``C_m`` (pF), ``tau_m``,
    ``t_ref`` (ms), ``I_e`` (pA), ``refractory_input`` (bool), ``ignore_and_spike``
    (bool), ``ignore_and_spike_offset``, ``ignore_and_spike_interval`` (ms, > 0).  State:
    ``V_m`` (mV), ``I`` (pA, the input current of the next step), ``refractory_count``
    (steps), ``refractory_input_buffer`` (mV), ``ignore_and_spike_countdown`` (steps
    until the next forced spike, -1 until the countdown starts).
    Recordables: ``V_m``.  Weights are in mV.
    """
    name = "iaf_psc_delta"
    params = {
        "E_L": -70.0, "C_m": 250.0, "tau_m": 10.0, "t_ref": 2.0, "V_th": -55.0,
        "V_reset": -70.0, "I_e": 0.0, "V_min": -np.inf, "refractory_input": False, **ias.PARAMS,
    }
    state = {"V_m": (-70.0, "E_L"), "I": (0.0, None), "refractory_count": (0.0, None),
             "refractory_input_buffer": (0.0, None), **ias.STATE}
    recordables = ("V_m",)
    units = {"V_m": "mV"}
    input_mode = INPUT_SINGLE
    positive = ("C_m", "tau_m", *ias.POSITIVE)
    nonnegative = ("t_ref",)
    below = (("V_reset", "V_th"),)
    kernel = _update

    @classmethod
    def settle_state(cls, P: dict[str, np.ndarray], S: np.ndarray, names: tuple[str, ...],
                     values: dict[str, Any], local: np.ndarray) -> None:
        """Restart the ignore-and-spike countdown of the neurons at ``local`` when
        ``values`` sets their ``ignore_and_spike_offset`` (ms), as NEST does."""
        ias.restart_countdown(S, COUNT, values, local)

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants (propagators ...) per neuron, rows x neurons, for a step of ``h`` ms."""
        n = len(P["E_L"])
        D = np.empty((14, n))
        tau, C, EL = P["tau_m"], P["C_m"], P["E_L"]
        D[P33] = libm_exp(-h / tau)
        D[P30] = 1.0 / C * (1.0 - D[P33]) * tau  # NEST's form (not expm1): bit-identical V_m
        D[THETA] = P["V_th"] - EL
        D[VRESET] = P["V_reset"] - EL
        D[VMIN] = P["V_min"] - EL
        D[IE] = P["I_e"]
        D[NREF] = refractory_steps(P["t_ref"], h)
        D[REFIN] = np.asarray(P["refractory_input"], dtype=float)
        D[DEXP] = h / tau
        D[IAS], D[IASOFF], D[IASINT] = ias.derived_rows(P, h)
        # bit for bit: 0.0 and -0.0 are equal but may give zeros of other signs
        rows = np.ascontiguousarray(D[list(_SHARED_ROWS)]).view(np.int64)
        D[HOM] = float(n > 0 and bool(np.all(rows == rows[:, :1])))
        D[NOCUR] = 0.0  # currents may come until the engine says otherwise (bind_inputs)
        return D

    @classmethod
    def bind_inputs(cls, D: np.ndarray, currents: bool) -> None:
        """Mark in ``D`` whether generator currents can reach the neurons this run (see
        :meth:`NeuronModel.bind_inputs`): without, a block whose current state is 0
        skips the ring's current channel."""
        D[NOCUR] = 0.0 if currents else 1.0

