"""The compiled loops of ``noise_generator`` (:mod:`spikesim.models.noise_generator`): the
random stream of each connection, the currents drawn from them and their mean per
generator (what a multimeter records of it).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from spikesim import rng


@njit(cache=True)
def mean_by_node(cur: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Mean over each node's run of columns (``counts[g]`` columns of node ``g``, in order)."""
    out = np.zeros((cur.shape[0], counts.shape[0]))
    a = 0
    for g in range(counts.shape[0]):
        b = a + counts[g]
        if b > a:
            for i in range(cur.shape[0]):
                acc = 0.0
                for c in range(a, b):  # a fixed order: the same sum for any number of processes
                    acc += cur[i, c]
                out[i, g] = acc / (b - a)
        a = b
    return out


@njit(cache=True)
def noise_keys(seed: np.uint64, gen: np.ndarray, tgt: np.ndarray, occ: np.ndarray) -> np.ndarray:
    """Stream key of each noise connection: generator id, target id, repeat number."""
    out = np.empty(gen.shape[0], dtype=np.uint64)
    for c in range(gen.shape[0]):
        out[c] = rng.stream_key(seed, gen[c], rng.PURPOSE_GENERATOR, tgt[c] + (occ[c] << np.uint64(40)))
    return out


@njit(cache=True)
def noise_currents(par: np.ndarray, dts: np.ndarray, win: np.ndarray, col: np.ndarray, keys: np.ndarray,
                    h: float, s0: int, m: int) -> np.ndarray:
    """Noise currents (pA); rows of ``par`` are (mean, std, std_mod, omega, phi)."""
    out = np.zeros((m, col.shape[0]))
    for c in range(col.shape[0]):
        g = col[c]
        first = max(win[g, 0] - 1, 0)  # first step with lo < s + 2
        for i in range(m):
            s = s0 + i
            if not (win[g, 0] < s + 2 <= win[g, 1]):
                continue
            k = (s - first) // dts[g]
            sd = par[g, 1] * par[g, 1]
            if par[g, 2] != 0.0:  # the oscillator advances once per active step
                y1 = math.sin(par[g, 3] * (k * dts[g] + 1) * h + par[g, 4])
                sd += y1 * par[g, 2] * par[g, 2]
            u1 = 1.0 - rng.uniform(keys[c], 2 * k)
            u2 = rng.uniform(keys[c], 2 * k + 1)
            xi = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
            out[i, c] = par[g, 0] + math.sqrt(sd) * xi
    return out
