"""Counter-based random streams.

A draw is a pure function of ``(seed, node id, purpose, counter)``: no generator
object carries state from one draw to the next.  A result therefore depends on the
seed alone, never on the number of threads, on the order in which nodes are updated
or on how nodes are split over MPI processes, and checkpoints need to save no
generator state beyond the clock.

The mixing function is the SplitMix64 finaliser (Steele, Lea & Flood 2014), applied
to a key that folds the stream identifiers together and to the counter.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
TWO_M53 = 1.0 / 9007199254740992.0

#: Purposes of streams, so that two uses by one node never share draws.
PURPOSE_POISSON = 1
PURPOSE_CONNECT = 2
PURPOSE_PARAMETER = 3
PURPOSE_GENERATOR = 4


#: a 64-bit word as the stream functions take it (numba types both as uint64)
Word = int | np.integer

@njit(cache=True, inline="always")
def mix64(z: Word) -> np.uint64:
    """SplitMix64 finaliser: a bijective avalanche of a 64-bit word."""
    z = uint64(z)
    z = (z ^ (z >> uint64(30))) * _M1
    z = (z ^ (z >> uint64(27))) * _M2
    return z ^ (z >> uint64(31))


@njit(cache=True)
def stream_key(seed: Word, node: Word, purpose: Word, sub: Word) -> np.uint64:
    """Key of the stream ``(seed, node, purpose, sub)`` as a 64-bit word."""
    k = mix64(uint64(seed) * GOLDEN + uint64(1))
    k = mix64(k ^ (uint64(node) * GOLDEN))
    k = mix64(k ^ (uint64(purpose) * _M1))
    return mix64(k ^ (uint64(sub) * _M2))


@njit(cache=True, inline="always")
def uniform(key: Word, counter: Word) -> float:
    """Uniform double in [0, 1) for draw number ``counter`` of stream ``key``."""
    z = mix64(key + uint64(counter) * GOLDEN)
    return float(z >> uint64(11)) * TWO_M53


def key_of(seed: int, node: int, purpose: int, sub: int = 0) -> np.uint64:
    """Python-side stream key (same value as :func:`stream_key`)."""
    return np.uint64(stream_key(np.uint64(seed), np.uint64(node), np.uint64(purpose), np.uint64(sub)))


def generator(seed: int, node: int, purpose: int, sub: int = 0) -> np.random.Generator:
    """A numpy Generator seeded from one stream key.

    Used where numpy's samplers are wanted (random parameters, connection rules);
    the draws are made in Python once per call, never per neuron in a loop.
    """
    return np.random.Generator(np.random.Philox(key=int(key_of(seed, node, purpose, sub))))


@njit(cache=True)
def poisson_table(lam: float) -> np.ndarray:
    """Cumulative distribution of Poisson(lam) up to where it reaches 1 - 2**-53."""
    n_max = int(lam + 14.0 * np.sqrt(lam) + 40.0)
    cdf = np.empty(n_max, dtype=np.float64)
    p = np.exp(-lam)
    acc = 0.0
    n = 0
    for k in range(n_max):
        acc += p
        cdf[k] = acc
        n = k + 1
        if acc >= 1.0 - 1.1e-16 and k > lam:
            break
        p = p * lam / (k + 1)
    cdf[n - 1] = 2.0  # every uniform falls below the last entry
    return cdf[:n]


GUIDE = 1024  # buckets of the guide table: u in [j/GUIDE, (j+1)/GUIDE) starts at guide[j]


def guide_table(cdf: np.ndarray) -> np.ndarray:
    """For each bucket j, the smallest k with cdf[k] > j / GUIDE (where inversion starts)."""
    return np.searchsorted(cdf, np.arange(GUIDE) / GUIDE, side="right").astype(np.int64)


@njit(cache=True, inline="always")
def poisson_guided(cdf: np.ndarray, guide: np.ndarray, u: float) -> int:
    """Inverse-CDF draw started from the guide table: rarely more than one comparison."""
    k = guide[int(u * GUIDE)]
    while u >= cdf[k]:
        k += 1
    return k


@njit(cache=True, inline="always")
def poisson_from_table(cdf: np.ndarray, u: float) -> int:
    """Inverse-CDF draw: smallest k with u < cdf[k] (binary search)."""
    lo = 0
    hi = cdf.shape[0] - 1
    if u < cdf[0]:
        return 0
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if u < cdf[mid]:
            hi = mid
        else:
            lo = mid
    return hi


@njit(cache=True, inline="always")
def poisson_inversion(mu: float, u: float) -> int:
    """Poisson count of mean ``mu`` for the uniform draw ``u`` by sequential inversion
    (the smallest k whose cumulative probability exceeds ``u``): cheap for the small
    means of one step, and needing no table when the mean changes every step."""
    p = np.exp(-mu)
    cum = p
    k = 0
    while u >= cum and p > 0.0:
        k += 1
        p *= mu / k
        cum += p
    return k
