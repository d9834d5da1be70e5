"""Compiled delivery through short-term plasticity and Bernoulli synapses.

Each spike at ``t`` (its stamp, ms) through one connection, in the slice's
(step, sender) order, updates the connection's state and then transmits:

* ``tsodyks2_synapse`` (NEST's algorithm; ``h = t - t_last``): unless it is the
  connection's first spike, ``x <- 1 + (x - x u - 1) exp(-h / tau_rec)`` and
  ``u <- U + u (1 - U) exp(-h / tau_fac)`` (the exponential is 0 when ``tau_fac`` is
  0); the spike carries ``weight u x``.
* ``tsodyks_synapse``: the three resources relax exactly over ``h`` (``y`` decays with
  ``tau_psc``, ``1 - x - y`` recovers into ``x`` with ``tau_rec``), ``u`` decays with
  ``tau_fac`` and is then facilitated ``u <- u + U (1 - u)``; ``dy = u x`` moves from
  ``x`` to ``y`` and the spike carries ``weight dy``.
* ``quantal_stp_synapse``: unless it is the first spike, each of the ``n - a`` empty
  sites refills with probability ``1 - exp(-h / tau_rec)`` and ``u`` is updated as in
  ``tsodyks2_synapse`` (no facilitation when ``tau_fac < 1e-10``); each of the ``a``
  available sites then releases with probability ``u``; ``k > 0`` releases transmit
  ``k weight`` and empty ``k`` sites.  Draws as for ``bernoulli_synapse``.
* ``bernoulli_synapse``: transmitted with ``weight`` when a uniform draw is below
  ``p_transmit``.  Draw streams are keyed by the seed, the sender and the
  connection's place among the sender's connections of the projection (its creation
  order, the same whatever the number of threads or processes), the counter by the
  spike's step and event number, so results do not depend on threads or ranks.

A spike of multiplicity n from a neuron is n events (as for STDP); a generator's
multiplicity scales the transmitted value instead.  With a weight recorder, each event
that transmits adds a row with the weight it carries (a generator's multiplicity not
included, as in NEST); a Bernoulli or quantal event that releases nothing adds none.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64

from spikesim.kernel.delivery import add_spike, spike_events
from spikesim.rng import stream_key, uniform

#: stream purpose of bernoulli_synapse draws (distinct from spikesim.rng's purposes)
PURPOSE_BERNOULLI = 0x5359
#: stream purpose of quantal_stp_synapse draws
PURPOSE_QUANTAL = 0x5351


@njit(cache=True, inline="always")
def record_weight(wr_out: np.ndarray, wr_n: int, src: int, j: int, st: int, wc: float, rc: int, c: int) -> int:
    """Add a weight-recorder row (sender, target, stamp step, weight sent, receptor, port)
    when rows are kept (``wr_out`` not empty); returns the rows written."""
    if wr_out.shape[0] > 0:
        wr_out[wr_n, 0] = src + 1
        wr_out[wr_n, 1] = j + 1
        wr_out[wr_n, 2] = st + 1
        wr_out[wr_n, 3] = wc
        wr_out[wr_n, 4] = rc
        wr_out[wr_n, 5] = c
        wr_n += 1
    return wr_n


@njit(cache=True, nogil=True)
def deliver_tsodyks2(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, is_neuron: np.ndarray,
                     ptr: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray,
                     big_u: np.ndarray, u: np.ndarray, x: np.ndarray, tau_rec: np.ndarray, tau_fac: np.ndarray,
                     tlast: np.ndarray, mode: np.ndarray, ring: np.ndarray, L: int, tps: int,
                     wr_out: np.ndarray, wr_n: int) -> int:
    """Deliver the slice's ``n`` spikes through a ``tsodyks2_synapse`` projection; returns
    the weight-recorder rows written.

    Parameters
    ----------
    ids, steps, mult, n, is_neuron
        The slice's spikes by (step, sender): 0-based sender, emission step (stamp
        ``step + 1``), multiplicity; which nodes are neurons.
    ptr, tgt, w, d, rcpt
        The projection (CSR by source; ``d`` in steps; single-value columns shared).
    big_u, u, x, tau_rec, tau_fac, tlast
        Per-connection columns (``U``, ``u``, ``x``, ``tau_rec`` and ``tau_fac`` in ms,
        last spike time in ms, negative before the first); ``u``, ``x``, ``tlast``
        are updated in place.
    mode, ring, L, tps
        Input modes, the ring buffer with its ``L`` slots, tics (µs) per step.
    wr_out, wr_n
        Weight-recorder rows (empty when none is kept) and how many are written already.
    """
    d_hom = d.shape[0] == 1
    r_hom = rcpt.shape[0] == 1
    w_hom = w.shape[0] == 1
    for a in range(n):
        src = ids[a]
        st = steps[a]
        t_spike = ((st + 1) * tps) * 0.001
        reps, psp = spike_events(src, mult[a], is_neuron)
        for c in range(ptr[src], ptr[src + 1]):
            dc = d[0] if d_hom else d[c]
            rc = rcpt[0] if r_hom else rcpt[c]
            wc = w[0] if w_hom else w[c]
            for _ in range(reps):
                if tlast[c] >= 0.0:
                    h = t_spike - tlast[c]
                    x_decay = math.exp(-h / tau_rec[c])
                    u_decay = 0.0 if tau_fac[c] == 0.0 else math.exp(-h / tau_fac[c])
                    x[c] = 1.0 + (x[c] - x[c] * u[c] - 1.0) * x_decay
                    u[c] = big_u[c] + u[c] * (1.0 - big_u[c]) * u_decay
                add_spike(ring, mode, (st + dc) % L, tgt[c], x[c] * u[c] * wc, psp, rc)
                wr_n = record_weight(wr_out, wr_n, src, tgt[c], st, x[c] * u[c] * wc, rc, c)
                tlast[c] = t_spike
    return wr_n


@njit(cache=True, nogil=True)
def deliver_tsodyks(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, is_neuron: np.ndarray,
                    ptr: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray,
                    prm: np.ndarray, u: np.ndarray, x: np.ndarray, y: np.ndarray, tlast: np.ndarray,
                    mode: np.ndarray, ring: np.ndarray, L: int, tps: int, wr_out: np.ndarray, wr_n: int,
                    hom: bool = False) -> int:
    """Deliver the slice's ``n`` spikes through a ``tsodyks_synapse`` projection; returns
    the weight-recorder rows written.

    Parameters
    ----------
    ids, steps, mult, n, is_neuron, ptr, tgt, w, d, rcpt, mode, ring, L, tps, wr_out, wr_n
        As for :func:`deliver_tsodyks2`.
    prm
        ``(4, n_connections)`` or ``(4, 1)`` (shared): ``U``, ``tau_psc``, ``tau_fac``,
        ``tau_rec`` (ms).
    u, x, y, tlast
        Per-connection state (last spike time in ms), updated in place.
    hom
        ``tsodyks_synapse_hom``: NEST computes its recovery as ``1 - exp(-h / tau_rec)``
        where ``tsodyks_synapse`` uses ``expm1``; the last bits differ, so each is kept.
    """
    p_hom = prm.shape[1] == 1
    d_hom = d.shape[0] == 1
    r_hom = rcpt.shape[0] == 1
    w_hom = w.shape[0] == 1
    for a in range(n):
        src = ids[a]
        st = steps[a]
        t_spike = ((st + 1) * tps) * 0.001
        reps, psp = spike_events(src, mult[a], is_neuron)
        for c in range(ptr[src], ptr[src + 1]):
            dc = d[0] if d_hom else d[c]
            rc = rcpt[0] if r_hom else rcpt[c]
            wc = w[0] if w_hom else w[c]
            q = 0 if p_hom else c
            big_u, tau_psc, tau_fac, tau_rec = prm[0, q], prm[1, q], prm[2, q], prm[3, q]
            for _ in range(reps):
                h = t_spike - tlast[c]
                puu = 0.0 if tau_fac == 0.0 else math.exp(-h / tau_fac)
                pyy = math.exp(-h / tau_psc)
                if hom:
                    ezz = math.exp(-h / tau_rec)
                    pzz, pxz = ezz - 1.0, 1.0 - ezz
                else:
                    pzz = math.expm1(-h / tau_rec)
                    pxz = -pzz
                pxy = (pzz * tau_rec - (pyy - 1.0) * tau_psc) / (tau_psc - tau_rec)
                z = 1.0 - x[c] - y[c]
                u[c] *= puu
                x[c] += pxy * y[c] + pxz * z
                y[c] *= pyy
                u[c] += big_u * (1.0 - u[c])
                dy = u[c] * x[c]
                x[c] -= dy
                y[c] += dy
                add_spike(ring, mode, (st + dc) % L, tgt[c], dy * wc, psp, rc)
                wr_n = record_weight(wr_out, wr_n, src, tgt[c], st, dy * wc, rc, c)
                tlast[c] = t_spike
    return wr_n


@njit(cache=True, nogil=True)
def deliver_bernoulli(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, is_neuron: np.ndarray,
                      ptr: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray,
                      p_transmit: np.ndarray, pos: np.ndarray, seed: int, mode: np.ndarray, ring: np.ndarray,
                      L: int, wr_out: np.ndarray, wr_n: int) -> int:
    """Deliver the slice's ``n`` spikes through a ``bernoulli_synapse`` projection; returns
    the weight-recorder rows written.

    Parameters
    ----------
    ids, steps, mult, n, is_neuron, ptr, tgt, w, d, rcpt, mode, ring, L, wr_out, wr_n
        As for :func:`deliver_tsodyks2`.
    p_transmit
        Transmission probability per connection (one value when shared).
    pos
        Each connection's place among its sender's connections of this projection
        over all processes (creation order): it keys the connection's draws.
    seed
        The simulation's seed.
    """
    d_hom = d.shape[0] == 1
    r_hom = rcpt.shape[0] == 1
    w_hom = w.shape[0] == 1
    p_hom = p_transmit.shape[0] == 1
    for a in range(n):
        src = ids[a]
        st = steps[a]
        reps, psp = spike_events(src, mult[a], is_neuron)
        for c in range(ptr[src], ptr[src + 1]):
            pc = p_transmit[0] if p_hom else p_transmit[c]
            key = stream_key(uint64(seed), uint64(src), uint64(PURPOSE_BERNOULLI), uint64(pos[c]))
            for r in range(reps):
                if uniform(key, (uint64(st) << uint64(20)) + uint64(r)) < pc:
                    dc = d[0] if d_hom else d[c]
                    wc = w[0] if w_hom else w[c]
                    rc = rcpt[0] if r_hom else rcpt[c]
                    add_spike(ring, mode, (st + dc) % L, tgt[c], wc, psp, rc)
                    wr_n = record_weight(wr_out, wr_n, src, tgt[c], st, wc, rc, c)
    return wr_n


@njit(cache=True, inline="always")
def _quantal_spike(c: int, h: float, first: bool, key: np.uint64, prm: np.ndarray, u: np.ndarray,
                   a: np.ndarray) -> int:
    """One spike through quantal_stp connection ``c`` (``h`` ms since its last); the releases."""
    i = 0
    if not first:
        p_decay = math.exp(-h / prm[1, c])
        u_decay = 0.0 if prm[2, c] < 1.0e-10 else math.exp(-h / prm[2, c])
        u[c] = prm[0, c] + u[c] * (1.0 - prm[0, c]) * u_decay
        for _ in range(int(prm[3, c]) - int(a[c])):
            if uniform(key, uint64(i)) < 1.0 - p_decay:
                a[c] += 1.0
            i += 1
    k = 0
    for _ in range(int(a[c])):
        if uniform(key, uint64(i)) < u[c]:
            k += 1
        i += 1
    a[c] -= k
    return k


@njit(cache=True, nogil=True)
def deliver_quantal(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, is_neuron: np.ndarray,
                    ptr: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray,
                    prm: np.ndarray, u: np.ndarray, a: np.ndarray, tlast: np.ndarray, pos: np.ndarray, seed: int,
                    mode: np.ndarray, ring: np.ndarray, L: int, tps: int, wr_out: np.ndarray, wr_n: int) -> int:
    """Deliver the slice's ``n`` spikes through a ``quantal_stp_synapse`` projection;
    returns the weight-recorder rows written.

    Parameters
    ----------
    ids, steps, mult, n, is_neuron, ptr, tgt, w, d, rcpt, mode, ring, L, tps, wr_out, wr_n
        As for :func:`deliver_tsodyks2`.
    prm
        ``(4, n_connections)``: ``U``, ``tau_rec`` (ms), ``tau_fac`` (ms), ``n``.
    u, a, tlast
        Per-connection state (available sites ``a`` as floats, last spike in ms,
        negative before the first), updated in place.
    pos, seed
        As for :func:`deliver_bernoulli`.
    """
    d_hom = d.shape[0] == 1
    r_hom = rcpt.shape[0] == 1
    w_hom = w.shape[0] == 1
    for b in range(n):
        src = ids[b]
        st = steps[b]
        t_spike = ((st + 1) * tps) * 0.001
        reps, psp = spike_events(src, mult[b], is_neuron)
        for c in range(ptr[src], ptr[src + 1]):
            base = stream_key(uint64(seed), uint64(src), uint64(PURPOSE_QUANTAL), uint64(pos[c]))
            for r in range(reps):
                key = stream_key(base, uint64(st), uint64(r), uint64(0))
                k = _quantal_spike(c, t_spike - tlast[c], tlast[c] < 0.0, key, prm, u, a)
                if k > 0:
                    wc, rc = k * (w[0] if w_hom else w[c]), rcpt[0] if r_hom else rcpt[c]
                    add_spike(ring, mode, (st + (d[0] if d_hom else d[c])) % L, tgt[c], wc, psp, rc)
                    wr_n = record_weight(wr_out, wr_n, src, tgt[c], st, wc, rc, c)
                tlast[c] = t_spike
    return wr_n


@njit(cache=True, nogil=True)
def deliver_ht(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, is_neuron: np.ndarray,
               ptr: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray,
               prm: np.ndarray, p_rel: np.ndarray, tlast: np.ndarray, mode: np.ndarray, ring: np.ndarray, L: int,
               tps: int, wr_out: np.ndarray, wr_n: int) -> int:
    """Deliver the slice's ``n`` spikes through an ``ht_synapse`` projection; returns the
    weight-recorder rows written.

    Per spike ``h`` ms after the connection's last (t = 0 before the first), as NEST:
    ``P <- 1 - (1 - P) exp(-h / tau_P)``, the spike carries ``weight P``, then
    ``P <- P (1 - delta_P)``.

    Parameters
    ----------
    ids, steps, mult, n, is_neuron, ptr, tgt, w, d, rcpt, mode, ring, L, tps, wr_out, wr_n
        As for :func:`deliver_tsodyks2`.
    prm
        ``(2, n_connections)``: ``tau_P`` (ms), ``delta_P``.
    p_rel, tlast
        Per-connection ``P`` and last spike time (ms), updated in place.
    """
    d_hom = d.shape[0] == 1
    r_hom = rcpt.shape[0] == 1
    w_hom = w.shape[0] == 1
    for a in range(n):
        src = ids[a]
        st = steps[a]
        t_spike = ((st + 1) * tps) * 0.001
        reps, psp = spike_events(src, mult[a], is_neuron)
        for c in range(ptr[src], ptr[src + 1]):
            dc = d[0] if d_hom else d[c]
            rc = rcpt[0] if r_hom else rcpt[c]
            wc = w[0] if w_hom else w[c]
            for _ in range(reps):
                p_rel[c] = 1.0 - (1.0 - p_rel[c]) * math.exp(-(t_spike - tlast[c]) / prm[0, c])
                add_spike(ring, mode, (st + dc) % L, tgt[c], wc * p_rel[c], psp, rc)
                wr_n = record_weight(wr_out, wr_n, src, tgt[c], st, wc * p_rel[c], rc, c)
                p_rel[c] *= 1.0 - prm[1, c]
                tlast[c] = t_spike
    return wr_n
