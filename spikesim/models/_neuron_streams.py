"""Random draws of stochastic neurons on counter-based streams (see :mod:`spikesim.rng`).

A neuron's draws are a pure function of ``(seed, node id, step, draw index)``, so the
spikes of ``pp_psc_delta`` and ``gif_psc_exp`` depend on the seed alone, never on the
number of threads or on how the neurons are split into blocks.  The seed reaches the
compiled kernel through two rows of the derived constants ``D`` (its high and low 32
bits, each exact in a float64), written by :func:`bind_seed` when the simulation is
prepared.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64

from spikesim.rng import stream_key, uniform
from spikesim.timegrid import TICS_PER_MS

#: stream purpose of neuron dynamics (distinct from spikesim.rng's purposes, so a
#: neuron's draws never coincide with draws made for it elsewhere)
PURPOSE_NEURON = 11
#: draws reserved per neuron and step on the main stream (sub 0)
DRAWS_PER_STEP = 4
#: draws reserved per neuron and step on the dead-time stream (sub 1): rejection
#: sampling takes three per attempt and accepts with probability above 0.95
GAMMA_DRAWS_PER_STEP = 1024


def bind_seed(D: np.ndarray, hi_row: int, lo_row: int, seed: int) -> None:
    """Write ``seed`` (an integer in ``[0, 2**64)``) into rows ``hi_row`` and ``lo_row`` of ``D``.

    Parameters
    ----------
    D : ndarray
        Derived constants, rows x neurons (changed in place).
    hi_row, lo_row : int
        The rows that get the high and the low 32 bits.
    seed : int
        The simulator's seed.
    """
    D[hi_row] = float(int(seed) >> 32)
    D[lo_row] = float(int(seed) & 0xFFFFFFFF)


@njit(cache=True, inline="always")
def neuron_key(D, hi_row, lo_row, j, node, sub):
    """The stream key of neuron ``j`` (node id ``node``), sub-stream ``sub``."""
    seed = (uint64(D[hi_row, j]) << uint64(32)) | uint64(D[lo_row, j])
    return stream_key(seed, uint64(node), uint64(PURPOSE_NEURON), uint64(sub))


@njit(cache=True, inline="always")
def draw(key, step, k):
    """Uniform draw number ``k`` (below :data:`DRAWS_PER_STEP`) of ``step`` on stream ``key``."""
    return uniform(key, uint64(step) * uint64(DRAWS_PER_STEP) + uint64(k))


@njit(cache=True)
def poisson_small(lam, u):
    """Poisson(``lam``) by inversion of one uniform ``u`` (for the small means of one step)."""
    p = math.exp(-lam)
    acc = p
    k = 0
    while u > acc and k < 10000:
        k += 1
        p *= lam / k
        acc += p
        if p == 0.0 and acc < u:  # the tail underflowed: u lies beyond what doubles resolve
            break
    return k


@njit(cache=True)
def gamma_draw(key, step, shape):
    """Gamma(``shape``, 1) draw for ``step`` on stream ``key`` (Marsaglia & Tsang, ``shape >= 1``)."""
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    base = uint64(step) * uint64(GAMMA_DRAWS_PER_STEP)
    k = 0
    while k + 3 <= GAMMA_DRAWS_PER_STEP:
        u1 = uniform(key, base + uint64(k))
        u2 = uniform(key, base + uint64(k + 1))
        u3 = uniform(key, base + uint64(k + 2))
        k += 3
        z = math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)
        v = 1.0 + c * z
        if v <= 0.0:
            continue
        v = v * v * v
        if math.log(1.0 - u3) < 0.5 * z * z + d - d * v + d * math.log(v):
            return d * v
    return shape  # not reached in practice: 341 rejections in a row


@njit(cache=True, inline="always")
def ms_to_step_count(t_ms, tics_per_step):
    """NEST's ``Time(Time::ms(t)).get_steps()``: rounded to tics, then up to whole steps."""
    tics = math.floor(t_ms * TICS_PER_MS + 0.5)
    return math.ceil(tics / tics_per_step)
