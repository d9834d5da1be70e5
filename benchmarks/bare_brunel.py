"""A bare kernel for the Brunel delta network: the lower bound of benchmarks/limit.py.

Only what the workload needs, on one thread: ``iaf_psc_delta`` neurons with one set of
parameters (exact propagator, refractoriness, input dropped while refractory), a ring
buffer of delayed input, Poisson drive drawn per neuron and step, and spikes delivered
through a table of targets by source (CSR, drawn once).  No recording, no devices, no
generality: the numbers of neurons, synapses and the rates are those of
``examples/brunel.py``, so it does the same work as spikesim's run of that network.

The Poisson drive is a per-neuron xorshift32 stream with a multiplicative output
scramble (fast in SIMD, 32-bit uniforms) turned into counts by inverse CDF: the same
distribution as spikesim's drive, not its exact spikes.  Drive drawn in step ``s``
acts in step ``s + delay``, as a ``poisson_generator`` connected with that delay does.
Delivery prefetches the next spike's run of targets while adding one spike's, as
spikesim's delivery does: whatever spikesim's kernels learn, the bound learns too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit, uint32, uint64

from spikesim.kernel.prefetch import prefetch_range

#: parts of a step, for timing them (see :func:`simulate`)
DRAW, UPDATE, DELIVER = 1, 2, 4
ALL = DRAW | UPDATE | DELIVER

#: neurons per block of the update (its buffers stay in L1)
BLOCK = 512


@dataclass
class BareBrunel:
    """State and tables of the bare network.

    Attributes
    ----------
    v : np.ndarray
        Membrane potential relative to E_L (mV), float64 per neuron.
    r : np.ndarray
        Refractory steps left, int32 per neuron.
    rng : np.ndarray
        xorshift32 state per neuron (uint32, never 0).
    ring : np.ndarray
        Input (mV) per ring slot and neuron; slot ``s % L`` holds step ``s``'s input.
    ptr, tgt : np.ndarray
        Targets by source: the targets of neuron ``i`` are ``tgt[ptr[i]:ptr[i+1]]``.
    cdf : np.ndarray
        Inverse-CDF table of the Poisson count per step, as uint32 thresholds.
    n_ex : int
        Neurons ``0 .. n_ex-1`` are excitatory (weight ``J``), the rest inhibitory.
    step : int
        Steps simulated so far.
    """

    v: np.ndarray
    r: np.ndarray
    rng: np.ndarray
    ring: np.ndarray
    ptr: np.ndarray
    tgt: np.ndarray
    cdf: np.ndarray
    n_ex: int
    J: float
    g: float
    delay_steps: int
    ref_steps: int
    p33: float
    theta: float
    v_reset: float
    step: int = 0
    n_spikes: int = 0

    @property
    def n_synapses(self) -> int:
        """Number of connections between the neurons (the Poisson drive not counted)."""
        return int(self.ptr[-1])


def poisson_cdf_u32(mean: float) -> np.ndarray:
    """Thresholds ``floor(P(X <= k) 2^32)`` of a Poisson count with this mean (per step).

    The count of a uniform 32-bit draw ``u`` is the number of thresholds ``<= u``;
    entries that round to the top (``2^32 - 1``) are left out (probability below ``2^-31``).

    Raises
    ------
    ValueError
        If ``mean`` is negative or too large for a table of counts (> 100).
    """
    if not 0.0 <= mean <= 100.0:
        raise ValueError(f"Poisson mean per step {mean} outside [0, 100]")
    k = np.arange(0, 400)
    logp = -mean + k * np.log(mean if mean > 0 else 1.0) - np.cumsum(np.log(np.maximum(k, 1)))
    p = np.exp(logp) if mean > 0 else (k == 0).astype(float)
    cdf = np.floor(np.cumsum(p) * 2.0 ** 32)
    # the sums round to 1 - 2^-53 or so: entries at the top (2^32 - 1) are rounding
    return cdf[cdf < 2.0 ** 32 - 1].astype(np.uint32)


def build(order: int = 2500, seed: int = 1, J: float = 0.1, g: float = 5.0, eta: float = 2.0,
          delay: float = 1.5, h: float = 0.1, indegree: int | None = None,
          ring_dtype: type[np.floating[Any]] = np.float64) -> BareBrunel:
    """The network of ``examples/brunel.build`` (same sizes, in-degrees, weights, rates).

    Parameters
    ----------
    order : int
        NE = 4 order excitatory and NI = order inhibitory neurons.
    seed : int
        Seed of the connections and the Poisson streams.
    J, g : float
        Excitatory weight (mV) and relative inhibition (inhibitory weight ``-g J``).
    eta : float
        Poisson drive rate relative to the threshold rate.
    delay, h : float
        Synaptic delay and step (ms).
    indegree : int or None
        Fixed CE (CI = CE/4) instead of NE/10 and NI/10.
    ring_dtype : numpy floating type
        Of the ring buffer of input (mV): float64 sums as spikesim does; float32 halves
        the memory the delivery writes to (an estimate of what that is worth).

    Returns
    -------
    BareBrunel
        The network at time 0 (every V_m at 0 mV relative to E_L).

    Raises
    ------
    ValueError
        If the delay is not a positive multiple of ``h``.
    """
    NE, NI = 4 * order, order
    n = NE + NI
    CE, CI = (NE // 10, NI // 10) if indegree is None else (indegree, indegree // 4)
    tau_m, theta, t_ref = 20.0, 20.0, 2.0
    p_rate = 1000.0 * eta * theta / (J * CE * tau_m) * CE  # spikes/s
    d = int(round(delay / h))
    if d < 1 or abs(d * h - delay) > 1e-9:
        raise ValueError(f"delay {delay} ms is not a positive multiple of h = {h} ms")
    rs = np.random.default_rng(seed)
    # fixed in-degree, autapses and multapses allowed (NEST's defaults)
    src = np.empty((n, CE + CI), dtype=np.int64)
    src[:, :CE] = rs.integers(0, NE, size=(n, CE))
    src[:, CE:] = NE + rs.integers(0, NI, size=(n, CI))
    flat = src.ravel()
    order_ = np.argsort(flat, kind="stable")
    tgt = (order_ // (CE + CI)).astype(np.uint16 if n <= 65536 else np.uint32)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(flat, minlength=n), out=ptr[1:])
    return BareBrunel(
        v=np.zeros(n), r=np.zeros(n, dtype=np.int32),
        rng=rs.integers(1, 2 ** 32, size=n, dtype=np.uint64).astype(np.uint32),
        ring=np.zeros((d + 1, n), dtype=ring_dtype), ptr=ptr, tgt=tgt, cdf=poisson_cdf_u32(p_rate * h / 1000.0),
        n_ex=NE, J=J, g=g, delay_steps=d, ref_steps=int(round(t_ref / h)),
        p33=float(np.exp(-h / tau_m)), theta=theta, v_reset=0.0)


@njit(cache=True, nogil=True)
def _draw_block(rng: np.ndarray, cdf: np.ndarray, U: np.ndarray, K: np.ndarray, lo: int, hi: int) -> None:
    """Poisson counts of neurons lo..hi-1 for one step into ``K``.

    Every loop is branch-free over an unsigned index (SIMD code), on 32-bit lanes:
    numba widens ``uint32`` arithmetic to 64 bits, so each shift and product is cut
    back to 32 bits (that is also what makes it xorshift32).  The CDF is walked only
    up to the block's largest draw."""
    nn = uint64(hi - lo)
    st = rng[lo:hi]
    umax = uint32(0)
    for j in range(nn):
        x = st[j]
        x = uint32(x ^ uint32(x << uint32(13)))
        x = uint32(x ^ (x >> uint32(17)))
        x = uint32(x ^ uint32(x << uint32(5)))
        st[j] = x
        u = uint32(x * uint32(0x9E3779BB))
        U[j] = u
        K[j] = 0
        umax = max(umax, u)
    e = 0
    while e < cdf.shape[0] and cdf[e] <= umax:
        c = cdf[e]
        for j in range(nn):
            K[j] += uint32(U[j] >= c)
        e += 1


@njit(cache=True, nogil=True)
def _update_block(v: np.ndarray, r: np.ndarray, row: np.ndarray, K: np.ndarray, jp: float, p33: float, theta: float,
                  v_reset: float, nref: int, out: np.ndarray, lo: int, hi: int) -> None:
    """One step of neurons lo..hi-1: exact propagator, refractoriness, spike flags."""
    nn = uint64(hi - lo)
    vb = v[lo:hi]
    rb = r[lo:hi]
    inb = row[lo:hi]
    ob = out[lo:hi]
    for j in range(nn):
        x = inb[j] + jp * K[j]
        inb[j] = 0.0
        rj = rb[j]
        act = rj == 0
        vj = p33 * vb[j] + x if act else vb[j]
        rj = rj if act else rj - 1
        sp = vj >= theta
        ob[j] = 1 if sp else 0
        vb[j] = v_reset if sp else vj
        rb[j] = nref if sp else rj


@njit(cache=True, nogil=True)
def _deliver(out: np.ndarray, ptr: np.ndarray, tgt: np.ndarray, row: np.ndarray, n_ex: int, wts: np.ndarray,
             fired: np.ndarray) -> int:
    """Add the weights (mV; ``wts``: excitatory, inhibitory, of the ring's type) of
    this step's spikes to their targets' ring slot; the number of spikes.

    The spikes are listed first (``fired``: a buffer of one entry per neuron), so
    that the next spike's targets can be prefetched while one spike's are added,
    as spikesim's delivery does (:mod:`spikesim.kernel.prefetch`)."""
    n = out.shape[0]
    count = 0
    for g0 in range(0, n, 64):
        g1 = min(g0 + 64, n)
        acc = 0
        for j in range(uint64(g1 - g0)):
            acc |= out[g0 + j]
        if acc == 0:
            continue
        for i in range(g0, g1):
            if out[i] != 0:
                fired[count] = i
                count += 1
    for q in range(count):
        if q + 1 < count:
            nxt = fired[q + 1]
            prefetch_range(tgt, ptr[nxt], ptr[nxt + 1])
        i = fired[q]
        w = wts[0] if i < n_ex else wts[1]
        a = ptr[i]
        b = ptr[i + 1]
        seg = tgt[a:b]
        for c in range(uint64(b - a)):  # unsigned: no negative-index test per event
            row[uint64(seg[c])] += w
    return count


@njit(cache=True, nogil=True)
def run_steps(v: np.ndarray, r: np.ndarray, rng: np.ndarray, ring: np.ndarray, ptr: np.ndarray, tgt: np.ndarray,
              cdf: np.ndarray, n_ex: int, w_ex: float, w_in: float, d: int, nref: int, p33: float, theta: float,
              v_reset: float, s0: int, m: int, phases: int) -> int:
    """Steps s0 .. s0+m-1 of the whole network; returns the number of spikes.

    ``phases`` selects what runs (bits: ``DRAW``, ``UPDATE``, ``DELIVER``), to time
    the parts: without ``DRAW`` there is no drive."""
    n = v.shape[0]
    L = ring.shape[0]
    U = np.empty(BLOCK, dtype=np.uint32)
    K = np.zeros(BLOCK, dtype=np.uint32)
    wts = np.empty(2, dtype=ring.dtype)
    wts[0] = w_ex
    wts[1] = w_in
    out = np.zeros(n, dtype=np.uint8)
    fired = np.empty(n, dtype=np.int64)
    total = 0
    for s in range(s0, s0 + m):
        row = ring[s % L]
        jp = w_ex if s >= d else 0.0  # drive drawn in step s - d; none before the first delay
        for lo in range(0, n, BLOCK):
            hi = min(lo + BLOCK, n)
            if phases & DRAW:
                _draw_block(rng, cdf, U, K, lo, hi)
            if phases & UPDATE:
                _update_block(v, r, row, K, jp, p33, theta, v_reset, nref, out, lo, hi)
        if phases & DELIVER:
            total += _deliver(out, ptr, tgt, ring[(s + d) % L], n_ex, wts, fired)
    return total


def simulate(net: BareBrunel, steps: int, phases: int = ALL) -> int:
    """Advance the network by ``steps`` steps (of h ms); returns the spikes emitted.

    ``phases`` (bits ``DRAW``, ``UPDATE``, ``DELIVER``) leaves parts out, to time the
    others; spikes are counted only with ``DELIVER``.

    Raises
    ------
    ValueError
        If ``steps`` is negative.
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    k = int(run_steps(net.v, net.r, net.rng, net.ring, net.ptr, net.tgt, net.cdf, net.n_ex, net.J, -net.g * net.J,
                      net.delay_steps, net.ref_steps, net.p33, net.theta, net.v_reset, net.step, steps, phases))
    net.step += steps
    net.n_spikes += k
    return k
