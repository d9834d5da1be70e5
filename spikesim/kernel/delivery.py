"""Compiled delivery of spikes, currents and Poisson input into ring buffers.

The ring buffer ``ring[channel, slot, node]`` holds input for the step ``s`` in slot
``s % L``.  A spike emitted in step ``s`` (stamp ``(s+1) h``) over a connection with a
delay of ``d`` steps is added to slot ``(s + d) % L`` and read by the target when it
updates step ``s + d``.  Additions happen in a fixed order (spikes sorted by step
and sender, connections in storage order), so sums do not depend on threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..models.base import CH_CUR, CH_EX, CH_IN, INPUT_PARROT, INPUT_SINGLE, INPUT_SPLIT
from .rng import poisson_from_table, uniform


@njit(cache=True, inline="always")
def _add(ring, mode, slot, t, w, mult, rc):
    md = mode[t]
    if md == INPUT_SPLIT:
        if w >= 0.0:
            ring[CH_EX, slot, t] += w * mult
        else:
            ring[CH_IN, slot, t] += w * mult
    elif md == INPUT_SINGLE:
        ring[CH_EX, slot, t] += w * mult
    elif md == INPUT_PARROT:
        if rc == 0:
            ring[CH_EX, slot, t] += mult


@njit(cache=True)
def deliver_spikes(ids, steps, mult, n, ptr, tgt, w, d, rcpt, mode, ring, L):
    """Add the ``n`` spikes ``(ids[k], steps[k], mult[k])`` to their targets' buffers."""
    w_hom = w.shape[0] == 1
    d_hom = d.shape[0] == 1
    r_hom = rcpt.shape[0] == 1
    for k in range(n):
        src = ids[k]
        st = steps[k]
        mu = mult[k]
        for c in range(ptr[src], ptr[src + 1]):
            wc = w[0] if w_hom else w[c]
            dc = d[0] if d_hom else d[c]
            rc = rcpt[0] if r_hom else rcpt[c]
            _add(ring, mode, (st + dc) % L, tgt[c], wc, mu, rc)


@njit(cache=True)
def collect_spikes(spk, base, s0, out_ids, out_steps, out_mult, k):
    """Move the spike flags of one population into the slice's spike list.

    Scans step-major so the list stays ordered by (step, id); clears the flags.
    """
    m, n = spk.shape
    for i in range(m):
        for j in range(n):
            v = spk[i, j]
            if v != 0:
                out_ids[k] = base + j
                out_steps[k] = s0 + i
                out_mult[k] = v
                spk[i, j] = 0
                k += 1
    return k


@njit(cache=True)
def deliver_currents(amp, col, tgt, w, d, s0, ring, L):
    """Connection ``c`` adds ``w[c] * amp[i, col[c]]`` to its target for step ``s0+i+d[c]``."""
    m = amp.shape[0]
    w_hom = w.shape[0] == 1
    d_hom = d.shape[0] == 1
    for c in range(tgt.shape[0]):
        wc = w[0] if w_hom else w[c]
        dc = d[0] if d_hom else d[c]
        g = col[c]
        t = tgt[c]
        for i in range(m):
            a = amp[i, g]
            if a != 0.0:
                ring[CH_CUR, (s0 + i + dc) % L, t] += wc * a


@njit(cache=True)
def deliver_poisson(active, tables, col, keys, tgt, w, d, rcpt, mode, s0, ring, L):
    """Independent Poisson counts per connection and step (NEST's poisson_generator).

    ``active[i, g]`` says whether generator ``g`` draws in step ``s0 + i``;
    ``tables[g]`` is its cumulative distribution; the count for connection ``c`` in
    step ``s`` is drawn from the stream ``keys[c]`` at counter ``s``.
    """
    m = active.shape[0]
    w_hom = w.shape[0] == 1
    d_hom = d.shape[0] == 1
    for c in range(tgt.shape[0]):
        wc = w[0] if w_hom else w[c]
        dc = d[0] if d_hom else d[c]
        g = col[c]
        t = tgt[c]
        key = keys[c]
        cdf = tables[g]
        for i in range(m):
            if active[i, g]:
                s = s0 + i
                k = poisson_from_table(cdf, uniform(key, s))
                if k > 0:
                    _add(ring, mode, (s + dc) % L, t, wc, float(k), rcpt[c])
