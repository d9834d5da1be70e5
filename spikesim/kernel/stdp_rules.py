"""The weight updates of NEST's pair-based STDP rules, for :mod:`spikesim.kernel.plasticity`.

``stdp_synapse`` (rule 0: Guetig et al. 2003 weight dependence) and
``stdp_pl_synapse_hom`` (rule 1: power law) pair every presynaptic spike with every
postsynaptic one through the traces ``Kplus`` and ``K-``; the nearest-neighbour rules
of ``stdp_nn_symm_synapse`` (2), ``stdp_nn_pre_centered_synapse`` (3) and
``stdp_nn_restr_synapse`` (4) pair a spike only with its nearest partners (Morrison et
al. 2008), with rule 0's weight dependence.  ``vogels_sprekeler_synapse`` (5, Vogels et
al. 2011) pairs all spikes symmetrically: each postsynaptic spike and each presynaptic
one adds ``eta`` times the other side's trace to ``|w|`` (at most ``|Wmax|``), and each
presynaptic spike takes ``alpha eta`` away (at least 0); its table holds ``tau``,
``eta``, ``alpha`` and ``Wmax`` in the rows of ``tau_plus``, ``lambda``, ``alpha`` and
``Wmax``.  ``jonke_synapse`` (6, Jonke et al. 2017) pairs all spikes with an exponential
weight dependence and a constant drift ``beta`` (its table adds the row ``BETA``).  Times in
ms, the whole delay dendritic.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: ms, NEST's kernel stdp_eps: a postsynaptic spike counts as before t when more than this earlier
STDP_EPS = 1.0e-6
#: rows of the parameter table (tau_plus in ms; BETA: jonke_synapse's only)
TAU_PLUS, LAMBDA, ALPHA, MU_PLUS, MU_MINUS, WMAX, BETA = range(7)


@njit(cache=True, inline="always")
def k_minus(t: float, j: int, last_idx: np.ndarray, log_t: np.ndarray, log_k: np.ndarray, prev: np.ndarray,
            tau_inv: np.ndarray) -> float:
    """Postsynaptic trace of neuron j just before t (ms; spikes at t itself excluded)."""
    e = last_idx[j]
    while e >= 0:
        if t - log_t[e] > STDP_EPS:
            return float(log_k[e] * math.exp((log_t[e] - t) * tau_inv[j]))
        e = prev[e]
    return 0.0


@njit(cache=True, inline="always")
def power(x: float, mu: float) -> float:
    """``x ** mu`` as the C library's pow gives it, without the call for the exponents
    1 and 0 (the defaults: pow returns x and 1 for them exactly, NaN included)."""
    if mu == 1.0:
        return x
    if mu == 0.0:
        return 1.0
    return math.pow(x, mu)


@njit(cache=True, inline="always")
def first_after(lo: float, j: int, last_idx: np.ndarray, log_t: np.ndarray, prev: np.ndarray) -> int:
    """The archive entry of neuron j's first spike at or after ``lo`` (ms), -1 if none."""
    e = last_idx[j]
    first = -1
    while e >= 0 and log_t[e] >= lo:
        first = e
        e = prev[e]
    return first


@njit(cache=True, inline="always")
def vs_facilitate(wc: float, k: float, eta: float, wmax: float) -> float:
    """``vogels_sprekeler_synapse``'s facilitation: ``|w| + eta k``, at most ``|Wmax|``, with Wmax's sign."""
    nw = abs(wc) + (eta * k)
    return math.copysign(nw if nw < abs(wmax) else wmax, wmax)


@njit(cache=True, inline="always")
def guetig_facilitate(wc: float, kp: float, lam: float, mu_p: float, wmax: float) -> float:
    """``stdp_synapse``'s facilitation by trace ``kp``: ``min(1, w/Wmax + lambda (1 - w/Wmax)^mu_plus kp) Wmax``."""
    nw = (wc / wmax) + (lam * power(1.0 - (wc / wmax), mu_p)) * kp
    return nw * wmax if nw < 1.0 else wmax


@njit(cache=True, inline="always")
def jonke_facilitate(wc: float, kp: float, lam: float, mu_p: float, wmax: float, beta: float) -> float:
    """``jonke_synapse``'s facilitation by trace ``kp``: ``min(Wmax, w + lambda (exp(mu_plus w) kp - beta))``
    (``w`` unchanged when ``lambda`` is 0)."""
    if lam == 0.0:
        return wc
    nw = wc + lam * (math.exp(mu_p * wc) * kp - beta)
    return nw if nw < wmax else wmax


@njit(cache=True, inline="always")
def facilitate(wc: float, kplus: float, t_last: float, t_spike: float, dd: float, j: int, last_idx: np.ndarray,
               log_t: np.ndarray, prev: np.ndarray, nxt: np.ndarray, prm: np.ndarray, q: int, rule: int) -> float:
    """Step 1: the weight after facilitation by the postsynaptic spikes of neuron j in
    (t_last - d, t_spike - d] (ms, ``dd`` = d), oldest first."""
    tau_plus = prm[TAU_PLUS, q]
    lam = prm[LAMBDA, q]
    mu_p = prm[MU_PLUS, q]
    wmax = prm[WMAX, q]
    hi = t_spike - dd + STDP_EPS
    e = first_after(t_last - dd + STDP_EPS, j, last_idx, log_t, prev)
    while e >= 0 and log_t[e] < hi:
        minus_dt = t_last - (log_t[e] + dd)
        kp = kplus * math.exp(minus_dt / tau_plus)
        if rule == 1:
            wc = wc + (lam * power(wc, mu_p) * kp)
        elif rule == 6:
            wc = jonke_facilitate(wc, kp, lam, mu_p, wmax, prm[BETA, q])
        elif rule == 5:
            wc = vs_facilitate(wc, kp, lam, wmax)
        else:
            wc = guetig_facilitate(wc, kp, lam, mu_p, wmax)
        e = nxt[e]
    return wc


@njit(cache=True, inline="always")
def depress(wc: float, km: float, prm: np.ndarray, q: int, rule: int) -> float:
    """Step 2: the weight after depression by the postsynaptic trace ``km``."""
    if rule == 1:
        nw = wc - (prm[LAMBDA, q] * prm[ALPHA, q] * wc * km)
        return nw if nw > 0.0 else 0.0
    if rule == 6:
        lam = prm[LAMBDA, q]
        if lam == 0.0:
            return wc
        nw = wc + lam * (-prm[ALPHA, q] * math.exp(prm[MU_MINUS, q] * wc) * km - prm[BETA, q])
        return nw if nw > 0.0 else 0.0
    wmax = prm[WMAX, q]
    nw = (wc / wmax) - ((prm[ALPHA, q] * prm[LAMBDA, q]) * power(wc / wmax, prm[MU_MINUS, q])) * km
    return nw * wmax if nw > 0.0 else 0.0


@njit(cache=True, inline="always")
def k_nearest(t: float, j: int, last_idx: np.ndarray, log_t: np.ndarray, prev: np.ndarray, tau_inv: np.ndarray
              ) -> float:
    """The nearest-neighbour postsynaptic trace of neuron j just before t (ms):
    ``exp(-(t - t_post) / tau_minus)`` of its last spike before t, 0 if none."""
    e = last_idx[j]
    while e >= 0:
        if t - log_t[e] > STDP_EPS:
            return math.exp((log_t[e] - t) * tau_inv[j])
        e = prev[e]
    return 0.0


@njit(cache=True, inline="always")
def facilitate_nearest(wc: float, kplus: np.ndarray, c: int, t_last: float, t_spike: float, dd: float, j: int,
                       last_idx: np.ndarray, log_t: np.ndarray, prev: np.ndarray, nxt: np.ndarray, prm: np.ndarray,
                       q: int, rule: int) -> tuple[float, bool]:
    """Step 1 of the nearest-neighbour rules, over the postsynaptic spikes of neuron j
    in (t_last - d, t_spike - d]: each of them with the presynaptic trace taken as 1
    (rule 2, symmetric), or only the first, with the trace ``Kplus`` (rule 3,
    presynaptic-centred; the trace is then reset to 0) or 1 (rule 4, restricted).
    Returns the weight and whether there was such a spike."""
    tau_plus = prm[TAU_PLUS, q]
    lam = prm[LAMBDA, q]
    mu_p = prm[MU_PLUS, q]
    wmax = prm[WMAX, q]
    hi = t_spike - dd + STDP_EPS
    e = first_after(t_last - dd + STDP_EPS, j, last_idx, log_t, prev)
    found = False
    while e >= 0 and log_t[e] < hi:
        minus_dt = t_last - (log_t[e] + dd)
        kp = kplus[c] * math.exp(minus_dt / tau_plus) if rule == 3 else math.exp(minus_dt / tau_plus)
        wc = guetig_facilitate(wc, kp, lam, mu_p, wmax)
        found = True
        if rule != 2:
            break
        e = nxt[e]
    if rule == 3 and found:
        kplus[c] = 0.0
    return wc, found


@njit(cache=True)
def pair_update(rule: int, wc: float, kplus: np.ndarray, c: int, t_last: float, t_spike: float, dd: float, j: int,
                last_idx: np.ndarray, log_t: np.ndarray, log_k: np.ndarray, prev: np.ndarray, nxt: np.ndarray,
                tau_inv: np.ndarray, prm: np.ndarray, q: int) -> float:
    """Steps 1 and 2 of the rules 2 to 5 for connection ``c`` (weight ``wc``) at a
    presynaptic spike at ``t_spike`` (ms), the last one at ``t_last``, dendritic delay
    ``dd`` (ms), target j: the weight after facilitation and depression.  A call, not
    inlined: inlined with its branches into the delivery loop it made rules 0 and 1
    2.5 times slower (measured), so the loop calls :func:`facilitate` and
    :func:`depress` itself for those."""
    if rule == 5:
        wc = facilitate(wc, kplus[c], t_last, t_spike, dd, j, last_idx, log_t, prev, nxt, prm, q, rule)
        km = k_minus(t_spike - dd, j, last_idx, log_t, log_k, prev, tau_inv)
        # vogels_sprekeler_synapse: facilitation by K- too, then a constant depression alpha eta
        wc = vs_facilitate(wc, km, prm[LAMBDA, q], prm[WMAX, q])
        nw = abs(wc) - (prm[ALPHA, q] * prm[LAMBDA, q])
        return math.copysign(nw if nw > 0.0 else 0.0, prm[WMAX, q])
    wc, found = facilitate_nearest(wc, kplus, c, t_last, t_spike, dd, j, last_idx, log_t, prev, nxt, prm, q, rule)
    if rule != 4 or found:  # the restricted rule depresses only after a facilitation
        wc = depress(wc, k_nearest(t_spike - dd, j, last_idx, log_t, prev, tau_inv), prm, q, 0)
    return wc
