"""Compiled helpers shared by the neuron kernels."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def take(ring, ch, slot, g):
    """Read and clear one ring-buffer cell."""
    v = ring[ch, slot, g]
    ring[ch, slot, g] = 0.0
    return v


@njit(cache=True, inline="always")
def sample(S, j, i, c, rec_rows, rec_out):
    """Copy the recorded state rows of neuron ``j`` into sample slot ``(i, :, c)``."""
    for a in range(rec_rows.shape[0]):
        rec_out[i, a, c] = S[rec_rows[a], j]


def propagator_32(tau_syn: np.ndarray, tau_m: np.ndarray, C_m: np.ndarray, h: float) -> np.ndarray:
    """Propagator from an exponential synaptic current to the membrane potential.

    ``P32 = tau_syn * tau_m / (C_m * (tau_m - tau_syn)) * (exp(-h/tau_m) - exp(-h/tau_syn))``
    with its limit ``h / C_m * exp(-h/tau_m)`` where the time constants coincide (or
    nearly so, where the difference formula loses precision).
    """
    tau_syn = np.asarray(tau_syn, float)
    tau_m = np.asarray(tau_m, float)
    C_m = np.asarray(C_m, float)
    out = np.empty(np.broadcast(tau_syn, tau_m, C_m).shape)
    beta = tau_syn * tau_m / (tau_m - tau_syn + (tau_m == tau_syn))
    gamma = beta / C_m
    exp_h_tau_syn = np.exp(-h / tau_syn)
    expm1_h_tau = np.expm1(h / tau_m - h / tau_syn + (tau_m == tau_syn))
    p32 = gamma * exp_h_tau_syn * expm1_h_tau
    singular = h / C_m * np.exp(-h / tau_m)
    ok = np.isfinite(p32) & (np.abs(p32) > 2 * np.finfo(float).tiny) & (tau_m != tau_syn) & (p32 > 0)
    out[...] = np.where(ok, p32, singular)
    return out
