"""Compiled delivery through STDP synapses (NEST's stdp_synapse algorithm).

For every presynaptic spike at ``t`` (its stamp) over a synapse with delay ``d``
(all of it dendritic), in this order:

1. facilitation by each postsynaptic spike ``t_i`` with
   ``t_last - d < t_i <= t - d`` (oldest first):
   ``w <- facilitate(w, Kplus exp((t_last - (t_i + d)) / tau_plus))``;
2. depression by the postsynaptic trace just before ``t - d``:
   ``w <- depress(w, K-(t - d))``;
3. the spike is transmitted with the new weight and reported to the weight recorder;
4. ``Kplus <- Kplus exp((t_last - t) / tau_plus) + 1``, ``t_last <- t``.

``facilitate(w, k) = min(1, w/Wmax + lambda (1 - w/Wmax)^mu_plus k) Wmax`` and
``depress(w, k) = max(0, w/Wmax - alpha lambda (w/Wmax)^mu_minus k) Wmax``.
A spike with multiplicity n from a neuron is n separate events (as in NEST).
"""

from __future__ import annotations

import math

from numba import njit

from spikesim.kernel.delivery import _add

STDP_EPS = 1.0e-6  # ms, NEST's kernel stdp_eps

TAU_PLUS, LAMBDA, ALPHA, MU_PLUS, MU_MINUS, WMAX = range(6)


@njit(cache=True, inline="always")
def _k_minus(t, j, last_idx, log_t, log_k, prev, tau_inv):
    """Postsynaptic trace of neuron j just before t (spikes at t itself excluded)."""
    e = last_idx[j]
    while e >= 0:
        if t - log_t[e] > STDP_EPS:
            return log_k[e] * math.exp((log_t[e] - t) * tau_inv[j])
        e = prev[e]
    return 0.0


@njit(cache=True, nogil=True)
def deliver_stdp(ids, steps, mult, n, is_neuron, ptr, tgt, w, d, rcpt, kplus, tlast, prm, mode, ring, L,
                 last_idx, log_t, log_k, prev, nxt, tau_inv, tps, wr_out, wr_n):
    """Deliver the slice's spikes through one plastic projection; returns the number of
    weight-recorder rows written into ``wr_out`` (columns: sender, target, step, weight,
    receptor, port = the connection's index in the projection), starting at ``wr_n``."""
    d_hom = d.shape[0] == 1
    r_hom = rcpt.shape[0] == 1
    p_hom = prm.shape[1] == 1
    for a in range(n):
        src = ids[a]
        st = steps[a]
        t_spike = ((st + 1) * tps) * 0.001
        reps = int(mult[a] + 0.5) if is_neuron[src] else 1
        psp = 1.0 if is_neuron[src] else mult[a]
        for c in range(ptr[src], ptr[src + 1]):
            q = 0 if p_hom else c
            tau_plus = prm[TAU_PLUS, q]
            lam = prm[LAMBDA, q]
            alpha = prm[ALPHA, q]
            mu_p = prm[MU_PLUS, q]
            mu_m = prm[MU_MINUS, q]
            wmax = prm[WMAX, q]
            dc = d[0] if d_hom else d[c]
            rc = rcpt[0] if r_hom else rcpt[c]
            dd = (dc * tps) * 0.001
            j = tgt[c]
            for _ in range(reps):
                wc = w[c]
                t_last = tlast[c]
                # 1. facilitation by postsynaptic spikes in (t_last - d, t_spike - d]
                lo = t_last - dd + STDP_EPS
                hi = t_spike - dd + STDP_EPS
                e = last_idx[j]
                first = -1
                while e >= 0 and log_t[e] >= lo:
                    first = e
                    e = prev[e]
                e = first
                while e >= 0 and log_t[e] < hi:
                    minus_dt = t_last - (log_t[e] + dd)
                    kp = kplus[c] * math.exp(minus_dt / tau_plus)
                    nw = (wc / wmax) + (lam * math.pow(1.0 - (wc / wmax), mu_p)) * kp
                    wc = nw * wmax if nw < 1.0 else wmax
                    e = nxt[e]
                # 2. depression by the trace just before t_spike - d
                km = _k_minus(t_spike - dd, j, last_idx, log_t, log_k, prev, tau_inv)
                nw = (wc / wmax) - ((alpha * lam) * math.pow(wc / wmax, mu_m)) * km
                wc = nw * wmax if nw > 0.0 else 0.0
                w[c] = wc
                # 3. transmit and report
                _add(ring, mode, (st + dc) % L, j, wc, psp, rc)
                if wr_out.shape[0] > 0:
                    wr_out[wr_n, 0] = src + 1
                    wr_out[wr_n, 1] = j + 1
                    wr_out[wr_n, 2] = st + 1
                    wr_out[wr_n, 3] = wc
                    wr_out[wr_n, 4] = rc
                    wr_out[wr_n, 5] = c
                    wr_n += 1
                # 4. presynaptic trace
                kplus[c] = kplus[c] * math.exp((t_last - t_spike) / tau_plus) + 1.0
                tlast[c] = t_spike
    return wr_n
