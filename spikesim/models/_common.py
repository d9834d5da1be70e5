"""Compiled helpers shared by the neuron kernels."""

from __future__ import annotations

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

