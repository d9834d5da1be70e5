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
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from spikesim.kernel.delivery import add_spike
from spikesim.models.synapses import STDP_PARAMS

if TYPE_CHECKING:
    from spikesim.kernel.archive import PostArchive
    from spikesim.models.registry import ModelRegistry
    from spikesim.network.node_table import NodeTable
    from spikesim.network.populations import NeuronPopulation
    from spikesim.network.projection import Projection
    from spikesim.recording.weight_recorder import WeightRecordingDevice

#: (projection, STDP parameters, weight recorder or None, connections per source)
PlasticPlan = tuple["Projection", np.ndarray, "WeightRecordingDevice | None", np.ndarray]

STDP_EPS = 1.0e-6  # ms, NEST's kernel stdp_eps

TAU_PLUS, LAMBDA, ALPHA, MU_PLUS, MU_MINUS, WMAX = range(6)


@njit(cache=True, inline="always")
def _k_minus(t: float, j: int, last_idx: np.ndarray, log_t: np.ndarray, log_k: np.ndarray, prev: np.ndarray,
             tau_inv: np.ndarray) -> float:
    """Postsynaptic trace of neuron j just before t (ms; spikes at t itself excluded)."""
    e = last_idx[j]
    while e >= 0:
        if t - log_t[e] > STDP_EPS:
            return float(log_k[e] * math.exp((log_t[e] - t) * tau_inv[j]))
        e = prev[e]
    return 0.0


@njit(cache=True, inline="always")
def _facilitate(wc: float, kplus: float, t_last: float, t_spike: float, dd: float, j: int, last_idx: np.ndarray,
                log_t: np.ndarray, prev: np.ndarray, nxt: np.ndarray, prm: np.ndarray, q: int) -> float:
    """Step 1: the weight after facilitation by the postsynaptic spikes of neuron j in
    (t_last - d, t_spike - d] (ms, ``dd`` = d), oldest first."""
    tau_plus = prm[TAU_PLUS, q]
    lam = prm[LAMBDA, q]
    mu_p = prm[MU_PLUS, q]
    wmax = prm[WMAX, q]
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
        kp = kplus * math.exp(minus_dt / tau_plus)
        nw = (wc / wmax) + (lam * math.pow(1.0 - (wc / wmax), mu_p)) * kp
        wc = nw * wmax if nw < 1.0 else wmax
        e = nxt[e]
    return wc


@njit(cache=True, inline="always")
def _depress(wc: float, km: float, prm: np.ndarray, q: int) -> float:
    """Step 2: the weight after depression by the postsynaptic trace ``km``."""
    wmax = prm[WMAX, q]
    nw = (wc / wmax) - ((prm[ALPHA, q] * prm[LAMBDA, q]) * math.pow(wc / wmax, prm[MU_MINUS, q])) * km
    return nw * wmax if nw > 0.0 else 0.0


@njit(cache=True, inline="always")
def _report(wr_out: np.ndarray, wr_n: int, src: int, j: int, st: int, wc: float, rc: int, c: int) -> int:
    """Step 3: a weight-recorder row (if one is kept); returns the rows written so far."""
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
def deliver_stdp(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, is_neuron: np.ndarray,
                 ptr: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray,
                 kplus: np.ndarray, tlast: np.ndarray, prm: np.ndarray, mode: np.ndarray, ring: np.ndarray, L: int,
                 last_idx: np.ndarray, log_t: np.ndarray, log_k: np.ndarray, prev: np.ndarray, nxt: np.ndarray,
                 tau_inv: np.ndarray, tps: int, wr_out: np.ndarray, wr_n: int) -> int:
    """Deliver the slice's spikes through one plastic projection (steps 1-4 above).

    Parameters
    ----------
    ids, steps, mult, n, is_neuron
        The slice's ``n`` spikes by (step, sender): 0-based sender, step ``s`` of emission
        (stamp ``s + 1``), multiplicity (events of a neuron, PSP scale of a generator).
    ptr, tgt, w, d, rcpt, kplus, tlast, prm
        The projection (CSR, ``d`` in steps); weights, traces and last spike times (ms)
        are updated in place; ``prm[TAU_PLUS..WMAX]`` per connection or shared.
    mode, ring, L, tps
        Input modes, the ring buffer with its ``L`` slots, tics (µs) per step.
    last_idx, log_t, log_k, prev, nxt, tau_inv
        The postsynaptic archive (:class:`~spikesim.kernel.archive.PostArchive`).
    wr_out, wr_n
        Weight-recorder rows (sender, target, stamp, weight, receptor, port) and how
        many are written already; ``wr_out`` is empty when none is kept.

    Returns
    -------
    int
        Weight-recorder rows written in all.
    """
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
            dc = d[0] if d_hom else d[c]
            rc = rcpt[0] if r_hom else rcpt[c]
            dd = (dc * tps) * 0.001
            j = tgt[c]
            for _ in range(reps):
                t_last = tlast[c]
                wc = _facilitate(w[c], kplus[c], t_last, t_spike, dd, j, last_idx, log_t, prev, nxt, prm, q)
                # 2. depression by the trace just before t_spike - d
                km = _k_minus(t_spike - dd, j, last_idx, log_t, log_k, prev, tau_inv)
                wc = _depress(wc, km, prm, q)
                w[c] = wc
                # 3. transmit and report
                add_spike(ring, mode, (st + dc) % L, j, wc, psp, rc)
                wr_n = _report(wr_out, wr_n, src, j, st, wc, rc, c)
                # 4. presynaptic trace
                kplus[c] = kplus[c] * math.exp((t_last - t_spike) / prm[TAU_PLUS, q]) + 1.0
                tlast[c] = t_spike
    return wr_n


def plastic_plans(projections: Sequence[Projection], models: ModelRegistry, nodes: NodeTable,
                  neurons: Sequence[NeuronPopulation], archive: PostArchive
                  ) -> tuple[np.ndarray, list[PlasticPlan]]:
    """STDP projections with their parameters and weight recorders; sizes the post archive.

    Parameters
    ----------
    projections : sequence of Projection
        The plastic spike projections (their weights and traces get one entry each).
    models : ModelRegistry
        Synapse model defaults.
    nodes : NodeTable
        The nodes (weight recorders are looked up there).
    neurons : sequence of NeuronPopulation
        The neuron populations (their ``tau_minus``, ms, sets the archive's decay).
    archive : PostArchive
        Resized to the network and told which neurons are STDP targets.

    Returns
    -------
    is_neuron : ndarray of bool
        Per node (id - 1): whether it is a neuron (its multiplicity counts events).
    plans : list
        One :data:`PlasticPlan` per projection.
    """
    archive.resize(nodes.num_nodes)
    is_neuron = np.zeros(nodes.num_nodes, dtype=np.bool_)
    for pop in neurons:
        is_neuron[pop.first - 1:pop.first - 1 + pop.n] = True
        if "tau_minus" in pop.P:
            archive.tau_inv[pop.first - 1:pop.first - 1 + pop.n] = 1.0 / pop.P["tau_minus"]
    plans: list[PlasticPlan] = []
    for p in projections:
        _, defaults = models.synapse_model(p.synapse_model)
        p.materialize("weight", "Kplus", "t_lastspike")
        archive.on[p.tgt] = True
        if "tau_plus" in p.extra:
            prm = np.stack([p.column(k) for k in STDP_PARAMS])
        else:
            prm = np.array([[float(defaults[k])] for k in STDP_PARAMS])
        wr = defaults.get("weight_recorder")
        dev = nodes.node(int(wr)) if wr is not None else None
        plans.append((p, np.ascontiguousarray(prm), dev, np.diff(p.ptr)))
    if nodes.comm.size > 1:  # every rank archives every STDP target, as one process does
        archive.on[:] = np.any([m.astype(bool) for m in nodes.comm.allgather(archive.on.astype(np.uint8))], axis=0)
    return is_neuron, plans
