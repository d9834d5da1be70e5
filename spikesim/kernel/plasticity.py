"""Compiled delivery through STDP synapses (NEST's stdp_synapse algorithm); dispatch of every plastic projection.

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
``depress(w, k) = max(0, w/Wmax - alpha lambda (w/Wmax)^mu_minus k) Wmax``
(``stdp_synapse``, rule 0); ``stdp_pl_synapse_hom`` (rule 1) has
``facilitate(w, k) = w + lambda w^mu k`` and ``depress(w, k) = max(0, w - alpha lambda w k)``.
The nearest-neighbour rules (``stdp_nn_*_synapse``) change steps 1, 2 and 4 as
:mod:`spikesim.kernel.stdp_rules` says.  A spike with multiplicity n from a neuron is n
separate events (as in NEST).  ``stdp_triplet_synapse`` (:func:`deliver_stdp_triplet`) follows the same order with its
own facilitation and depression and a second presynaptic trace.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit

from spikesim.kernel.delivery import add_spike, spike_events
from spikesim.kernel.distributed import gather_weight_rows
from spikesim.kernel.dopamine import deliver_plan, dopamine_parameters, due_spikes
from spikesim.kernel.stdp_facetshw import F_CYCLE, F_NO_SYNAPSES, deliver_facetshw, facetshw_tables
from spikesim.kernel.stdp_rules import STDP_EPS, TAU_PLUS, depress, facilitate, k_minus, pair_update
from spikesim.kernel.stp import (
    deliver_bernoulli,
    deliver_ht,
    deliver_quantal,
    deliver_tsodyks,
    deliver_tsodyks2,
    record_weight,
)
from spikesim.models.synapses import STDP_PARAMS, STDP_PL_PARAMS, TRIPLET_PARAMS, VOGELS_PARAMS
from spikesim.models.synapses_more import FACETSHW_COLUMNS, JONKE_PARAMS
from spikesim.parallel import Communicator

if TYPE_CHECKING:
    from spikesim.kernel.archive import PostArchive
    from spikesim.models.registry import ModelRegistry
    from spikesim.network.node_table import NodeTable
    from spikesim.network.populations import NeuronPopulation
    from spikesim.network.projection import Projection
    from spikesim.recording.weight_recorder import WeightRecordingDevice

#: plastic kinds that read the postsynaptic archive
STDP_KINDS = ("stdp", "stdp_pl", "stdp_triplet", "stdp_nn_symm", "stdp_nn_pre_centered", "stdp_nn_restr",
              "vogels_sprekeler", "stdp_dopamine", "jonke", "facetshw")
#: the rule argument of :func:`deliver_stdp` by kind
STDP_RULES = {"stdp": 0, "stdp_pl": 1, "stdp_nn_symm": 2, "stdp_nn_pre_centered": 3, "stdp_nn_restr": 4,
              "vogels_sprekeler": 5, "jonke": 6}

@njit(cache=True, nogil=True)
def deliver_stdp(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, is_neuron: np.ndarray,
                 ptr: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray,
                 kplus: np.ndarray, tlast: np.ndarray, prm: np.ndarray, mode: np.ndarray, ring: np.ndarray, L: int,
                 last_idx: np.ndarray, log_t: np.ndarray, log_k: np.ndarray, prev: np.ndarray, nxt: np.ndarray,
                 tau_inv: np.ndarray, tps: int, wr_out: np.ndarray, wr_n: int, rule: int) -> int:
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
    rule
        The pairing and weight dependence (:data:`STDP_RULES`, :mod:`spikesim.kernel.stdp_rules`).

    Returns
    -------
    int
        Weight-recorder rows written in all.
    """
    d_hom, r_hom, p_hom = d.shape[0] == 1, rcpt.shape[0] == 1, prm.shape[1] == 1
    for a in range(n):
        src, st = ids[a], steps[a]
        t_spike = ((st + 1) * tps) * 0.001
        reps, psp = spike_events(src, mult[a], is_neuron)
        for c in range(ptr[src], ptr[src + 1]):
            q = 0 if p_hom else c
            dc = d[0] if d_hom else d[c]
            rc = rcpt[0] if r_hom else rcpt[c]
            dd = (dc * tps) * 0.001
            j = tgt[c]
            for _ in range(reps):
                t_last = tlast[c]
                if rule <= 1 or rule == 6:  # 1. facilitation, 2. depression by the trace just before t_spike - d
                    wc = facilitate(w[c], kplus[c], t_last, t_spike, dd, j, last_idx, log_t, prev, nxt, prm, q, rule)
                    wc = depress(wc, k_minus(t_spike - dd, j, last_idx, log_t, log_k, prev, tau_inv), prm, q, rule)
                else:
                    wc = pair_update(rule, w[c], kplus, c, t_last, t_spike, dd, j, last_idx, log_t, log_k, prev,
                                     nxt, tau_inv, prm, q)
                w[c] = wc
                # 3. transmit and report
                add_spike(ring, mode, (st + dc) % L, j, wc, psp, rc)
                wr_n = record_weight(wr_out, wr_n, src, j, st, wc, rc, c)
                # 4. presynaptic trace (the symmetric and restricted rules keep none)
                if rule != 2 and rule != 4:
                    kplus[c] = kplus[c] * math.exp((t_last - t_spike) / prm[TAU_PLUS, q]) + 1.0
                tlast[c] = t_spike
    return wr_n


T_TAU_PLUS, T_TAU_PLUS_TRIPLET, T_APLUS, T_AMINUS, T_APLUS_TRIPLET, T_AMINUS_TRIPLET, T_WMAX = range(7)


@njit(cache=True, inline="always")
def _triplet_facilitate(wc: float, kplus: float, t_last: float, t_spike: float, dd: float, j: int,
                        last_idx: np.ndarray, log_t: np.ndarray, log_kt: np.ndarray, prev: np.ndarray,
                        nxt: np.ndarray, prm: np.ndarray, q: int) -> float:
    """stdp_triplet_synapse's facilitation by the postsynaptic spikes of neuron j in
    (t_last - d, t_spike - d] (ms, ``dd`` = d), oldest first; each uses the triplet
    trace just before it (its log entry minus its own 1)."""
    wmax = prm[T_WMAX, q]
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
        ky = log_kt[e] - 1.0
        kp = kplus * math.exp(minus_dt / prm[T_TAU_PLUS, q])
        nw = abs(wc) + kp * (prm[T_APLUS, q] + prm[T_APLUS_TRIPLET, q] * ky)
        wc = math.copysign(nw if nw < abs(wmax) else wmax, wmax)
        e = nxt[e]
    return wc


@njit(cache=True, nogil=True)
def deliver_stdp_triplet(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, is_neuron: np.ndarray,
                         ptr: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray,
                         kplus: np.ndarray, ktrip: np.ndarray, tlast: np.ndarray, prm: np.ndarray, mode: np.ndarray,
                         ring: np.ndarray, L: int, last_idx: np.ndarray, log_t: np.ndarray, log_k: np.ndarray,
                         log_kt: np.ndarray, prev: np.ndarray, nxt: np.ndarray, tau_inv: np.ndarray, tps: int,
                         wr_out: np.ndarray, wr_n: int) -> int:
    """Deliver the slice's spikes through one ``stdp_triplet_synapse`` projection.

    Per spike at ``t`` over a connection with delay ``d`` (as NEST 3.10): facilitation
    by the postsynaptic spikes in ``(t_last - d, t - d]``; ``Kplus_triplet`` decays to
    ``t`` (``tau_plus_triplet``); depression by ``K-`` just before ``t - d``; the spike
    is transmitted with the new weight; ``Kplus_triplet += 1``, ``Kplus`` decays to
    ``t`` and adds 1; ``t_last <- t``.  Arguments as :func:`deliver_stdp`, with the
    triplet traces ``ktrip`` per connection, ``log_kt`` the archive's triplet trace and
    ``prm`` rows in the order of ``TRIPLET_PARAMS``.

    Returns
    -------
    int
        Weight-recorder rows written in all.
    """
    d_hom, r_hom, p_hom = d.shape[0] == 1, rcpt.shape[0] == 1, prm.shape[1] == 1
    for a in range(n):
        src, st = ids[a], steps[a]
        t_spike = ((st + 1) * tps) * 0.001
        reps, psp = spike_events(src, mult[a], is_neuron)
        for c in range(ptr[src], ptr[src + 1]):
            q = 0 if p_hom else c
            dc = d[0] if d_hom else d[c]
            rc = rcpt[0] if r_hom else rcpt[c]
            dd = (dc * tps) * 0.001
            j = tgt[c]
            for _ in range(reps):
                t_last = tlast[c]
                wc = _triplet_facilitate(w[c], kplus[c], t_last, t_spike, dd, j, last_idx, log_t, log_kt, prev,
                                         nxt, prm, q)
                ktrip[c] *= math.exp((t_last - t_spike) / prm[T_TAU_PLUS_TRIPLET, q])
                km = k_minus(t_spike - dd, j, last_idx, log_t, log_k, prev, tau_inv)
                nw = abs(wc) - km * (prm[T_AMINUS, q] + prm[T_AMINUS_TRIPLET, q] * ktrip[c])
                wc = math.copysign(nw if nw > 0.0 else 0.0, prm[T_WMAX, q])
                ktrip[c] += 1.0
                kplus[c] = kplus[c] * math.exp((t_last - t_spike) / prm[T_TAU_PLUS, q]) + 1.0
                w[c] = wc
                add_spike(ring, mode, (st + dc) % L, j, wc, psp, rc)
                wr_n = record_weight(wr_out, wr_n, src, j, st, wc, rc, c)
                tlast[c] = t_spike
    return wr_n


def plastic_plans(projections: Sequence[Projection], models: ModelRegistry, nodes: NodeTable,
                  neurons: Sequence[NeuronPopulation], archive: PostArchive, seed: int
                  ) -> tuple[np.ndarray, list[PlasticPlan]]:
    """Plastic projections with their parameters and weight recorders; sizes the post archive.

    Parameters
    ----------
    projections : sequence of Projection
        The plastic spike projections (their weights and state get one entry each).
    models : ModelRegistry
        Synapse model defaults.
    nodes : NodeTable
        The nodes (weight recorders are looked up there).
    neurons : sequence of NeuronPopulation
        The neuron populations (their ``tau_minus``, ms, sets the archive's decay).
    archive : PostArchive
        Resized to the network and told which neurons are STDP targets.
    seed : int
        The simulation's seed (keys the draws of stochastic synapses).

    Returns
    -------
    is_neuron : ndarray of bool
        Per node (id - 1): whether it is a neuron (its multiplicity counts events).
    plans : list
        One :class:`PlasticPlan` per projection.
    """
    archive.resize(nodes.num_nodes)
    is_neuron = np.zeros(nodes.num_nodes, dtype=np.bool_)
    for pop in neurons:
        is_neuron[pop.first - 1:pop.first - 1 + pop.n] = True
        if "tau_minus" in pop.P:
            archive.tau_inv[pop.first - 1:pop.first - 1 + pop.n] = 1.0 / pop.P["tau_minus"]
        if "tau_minus_triplet" in pop.P:
            archive.tau_triplet_inv[pop.first - 1:pop.first - 1 + pop.n] = 1.0 / pop.P["tau_minus_triplet"]
    plans: list[PlasticPlan] = []
    for p in projections:
        cls, defaults = models.synapse_model(p.synapse_model)
        kind = cls.kind
        wr = defaults.get("weight_recorder")
        dev = nodes.node(int(wr)) if wr is not None else None
        plans.append(PlasticPlan(p, kind, _parameters(p, kind, defaults), dev, np.diff(p.ptr), seed))
        plans[-1].volume_id = defaults.get("volume_transmitter")  # stdp_dopamine_synapse's
        if kind == "facetshw":  # its tables, and the model whose counters it advances
            plans[-1].tables, plans[-1].models = facetshw_tables(defaults), models
        if kind in STDP_KINDS:
            archive.on[p.tgt] = True
    if nodes.comm.size > 1:  # every rank archives every STDP target, as one process does
        archive.on[:] = np.any([m.astype(bool) for m in nodes.comm.allgather(archive.on.astype(np.uint8))], axis=0)
    return is_neuron, plans


def archive_cutoffs(plans: Sequence[PlasticPlan], n_nodes: int, tps: int, comm: Communicator) -> np.ndarray:
    """Per node (0-based): the smallest ``t_last - d`` (ms) of its STDP inputs on all
    processes (+inf where it has none): the archive keeps its spikes from there on
    (:meth:`~spikesim.kernel.archive.PostArchive.compact`).

    Parameters
    ----------
    plans : sequence of PlasticPlan
        The plastic projections (only the STDP kinds read the archive).
    n_nodes : int
        Number of nodes.
    tps : int
        Tics (µs) per step.
    comm : Communicator
        The processes (each holds the connections onto its own targets).
    """
    cut = np.full(n_nodes, np.inf)
    for plan in plans:
        if plan.kind in STDP_KINDS:
            p = plan.proj
            _lowest_read(p.tgt, p.extra["t_lastspike"], p.d, tps, cut)
    if comm.size > 1:
        cut = np.min(np.stack(comm.allgather(cut)), axis=0)
    return cut


@njit(cache=True)
def _lowest_read(tgt: np.ndarray, tlast: np.ndarray, d: np.ndarray, tps: int, cut: np.ndarray) -> None:
    """Lower ``cut[j]`` to ``t_last - d`` (ms) of each connection onto j."""
    d_hom = d.shape[0] == 1
    for c in range(tgt.shape[0]):
        v = tlast[c] - ((d[0] if d_hom else d[c]) * tps) * 0.001
        if v < cut[tgt[c]]:
            cut[tgt[c]] = v


def _parameters(p: Projection, kind: str, defaults: dict[str, Any]) -> np.ndarray:
    """The compiled kernel's parameter table of projection ``p`` (materializes its state)."""
    if kind == "stdp_dopamine":
        return dopamine_parameters(p, defaults)
    if kind == "stdp_triplet":
        p.materialize("weight", "Kplus", "Kplus_triplet", "t_lastspike")
        shared = all(p.extra[k].size == 1 for k in TRIPLET_PARAMS)  # one column for all connections
        cols = [p.extra[k].reshape(1) if shared else p.column(k) for k in TRIPLET_PARAMS]
        return np.ascontiguousarray(np.stack(cols), dtype=np.float64)
    if kind == "facetshw":
        p.materialize("weight", *FACETSHW_COLUMNS, "t_lastspike")
        return facetshw_tables(defaults)[0]
    if kind in STDP_RULES:
        p.materialize("weight", *(k for k in ("Kplus",) if k in p.extra), "t_lastspike")
        if kind == "stdp_pl":
            prm = np.array([[float(defaults[k])] for k in STDP_PL_PARAMS] + [[1.0], [1.0]])
        elif kind == "jonke":
            prm = np.array([[float(defaults[k])] for k in JONKE_PARAMS])
        elif kind == "vogels_sprekeler":
            one = np.ones(1)
            prm = np.stack(np.broadcast_arrays(*(p.column(k) if k else one for k in VOGELS_PARAMS)))
        elif "tau_plus" in p.extra:
            prm = np.stack([p.column(k) for k in STDP_PARAMS])
        else:
            prm = np.array([[float(defaults[k])] for k in STDP_PARAMS])
        return np.ascontiguousarray(prm, dtype=np.float64)
    if kind == "bernoulli":
        return np.ascontiguousarray(p.extra["p_transmit"], dtype=np.float64)
    p.materialize(*_STATE[kind])
    if kind == "tsodyks_hom":  # shared by the model: one column
        return np.array([[float(defaults[k])] for k in _PARAMS["tsodyks"]], dtype=np.float64)
    return np.ascontiguousarray(np.stack([p.column(k) for k in _PARAMS[kind]]), dtype=np.float64)


_STATE = {"tsodyks2": ("u", "x", "t_lastspike"), "tsodyks": ("u", "x", "y", "t_lastspike"),
          "tsodyks_hom": ("u", "x", "y", "t_lastspike"), "quantal_stp": ("u", "a", "t_lastspike"),
          "ht": ("P", "t_lastspike")}
_PARAMS = {"tsodyks2": ("U", "tau_rec", "tau_fac"), "tsodyks": ("U", "tau_psc", "tau_fac", "tau_rec"),
           "quantal_stp": ("U", "tau_rec", "tau_fac", "n"), "ht": ("tau_P", "delta_P")}


def deliver_plastic(plan: PlasticPlan, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, k: int,
                    is_neuron: np.ndarray, mode: np.ndarray, ring: np.ndarray, L: int, tps: int,
                    archive: PostArchive, comm: Communicator
                    ) -> tuple[WeightRecordingDevice | None, np.ndarray]:
    """Deliver the slice's ``k`` spikes (by step, sender) through one plastic projection.

    Parameters
    ----------
    plan : PlasticPlan
        The projection and its prepared parameters.
    ids, steps, mult, k
        The slice's spikes: 0-based senders, emission steps, multiplicities, count.
    is_neuron, mode, ring, L, tps
        Which nodes are neurons, input modes, the ring buffer with ``L`` slots, tics
        (µs) per step.
    archive : PostArchive
        The postsynaptic spike history (STDP).
    comm : Communicator
        The processes (weight-recorder rows are gathered in serial order).

    Returns
    -------
    tuple
        The weight recorder (or None) and its rows of this slice.
    """
    p, dev = plan.proj, plan.dev
    if plan.kind == "stdp_dopamine":  # the spikes of complete slices (see kernel.dopamine)
        ids, steps, mult, k = due_spikes(plan)
    if dev is not None:
        reps = np.where(is_neuron[ids], np.rint(mult), 1.0)
        wr_out = np.empty((int((plan.outdeg[ids] * reps).sum()), 6))
    else:
        wr_out = _NO_WR
    if plan.kind not in STDP_KINDS:
        n = _deliver_stp(plan, ids, steps, mult, k, is_neuron, mode, ring, L, tps, wr_out)
    elif plan.kind == "stdp_dopamine":
        n = deliver_plan(plan, ids, steps, mult, k, is_neuron, mode, ring, L, tps, archive, wr_out)
    elif plan.kind == "facetshw":
        n = _deliver_facetshw(plan, ids, steps, mult, k, is_neuron, mode, ring, L, tps, archive, wr_out)
    elif plan.kind == "stdp_triplet":
        n = deliver_stdp_triplet(ids, steps, mult, k, is_neuron, p.ptr, p.tgt, p.w, p.d, p.rcpt, p.extra["Kplus"],
                                 p.extra["Kplus_triplet"], p.extra["t_lastspike"], plan.prm, mode, ring, L,
                                 archive.last_idx, archive.t, archive.k, archive.kt, archive.prev, archive.next,
                                 archive.tau_inv, tps, wr_out, 0)
    else:
        n = deliver_stdp(ids, steps, mult, k, is_neuron, p.ptr, p.tgt, p.w, p.d, p.rcpt,
                         p.extra.get("Kplus", _NO_KPLUS), p.extra["t_lastspike"], plan.prm, mode, ring, L,
                         archive.last_idx, archive.t, archive.k, archive.prev, archive.next, archive.tau_inv, tps,
                         wr_out, 0, STDP_RULES[plan.kind])
    if dev is not None and comm.size > 1:
        return dev, gather_weight_rows(comm, p, wr_out[:n])
    return dev, wr_out[:n]


def _deliver_stp(plan: PlasticPlan, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, k: int,
                 is_neuron: np.ndarray, mode: np.ndarray, ring: np.ndarray, L: int, tps: int,
                 wr_out: np.ndarray) -> int:
    """Short-term plasticity and Bernoulli synapses (see :mod:`spikesim.kernel.stp`); the
    weight-recorder rows written."""
    p, prm, ex = plan.proj, plan.prm, plan.proj.extra
    if plan.kind == "tsodyks2":
        return deliver_tsodyks2(ids, steps, mult, k, is_neuron, p.ptr, p.tgt, p.w, p.d, p.rcpt, prm[0], ex["u"],
                                ex["x"], prm[1], prm[2], ex["t_lastspike"], mode, ring, L, tps, wr_out, 0)
    if plan.kind in ("tsodyks", "tsodyks_hom"):
        return deliver_tsodyks(ids, steps, mult, k, is_neuron, p.ptr, p.tgt, p.w, p.d, p.rcpt, prm, ex["u"],
                               ex["x"], ex["y"], ex["t_lastspike"], mode, ring, L, tps, wr_out, 0,
                               plan.kind == "tsodyks_hom")
    if plan.kind == "ht":
        return deliver_ht(ids, steps, mult, k, is_neuron, p.ptr, p.tgt, p.w, p.d, p.rcpt, prm, ex["P"],
                          ex["t_lastspike"], mode, ring, L, tps, wr_out, 0)
    if plan.pos is None or plan.pos.size != len(p):
        plan.pos = _positions(p)
    if plan.kind == "quantal_stp":
        return deliver_quantal(ids, steps, mult, k, is_neuron, p.ptr, p.tgt, p.w, p.d, p.rcpt, prm, ex["u"],
                               ex["a"], ex["t_lastspike"], plan.pos, plan.seed, mode, ring, L, tps, wr_out, 0)
    return deliver_bernoulli(ids, steps, mult, k, is_neuron, p.ptr, p.tgt, p.w, p.d, p.rcpt, prm, plan.pos,
                             plan.seed, mode, ring, L, wr_out, 0)


def _deliver_facetshw(plan: PlasticPlan, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, k: int,
                      is_neuron: np.ndarray, mode: np.ndarray, ring: np.ndarray, L: int, tps: int,
                      archive: PostArchive, wr_out: np.ndarray) -> int:
    """stdp_facetshw_synapse_hom (see :mod:`spikesim.kernel.stdp_facetshw`); the model's
    counters go back to its defaults, as NEST keeps them in the common properties."""
    p, ex = plan.proj, plan.proj.extra
    prm, cnt, luts, cfg, reset = plan.tables
    cols = tuple(ex[c] for c in (*FACETSHW_COLUMNS, "t_lastspike"))
    n = deliver_facetshw(ids, steps, mult, k, is_neuron, p.ptr, p.tgt, p.w, p.d, p.rcpt, cols, prm, cnt, luts, cfg,
                         reset, mode, ring, L, archive.last_idx, archive.t, archive.prev, archive.next, tps, wr_out, 0)
    if plan.models is not None:
        plan.models.synapse_model(p.synapse_model)[1].update(
            no_synapses=int(cnt[F_NO_SYNAPSES]), readout_cycle_duration=float(cnt[F_CYCLE]))
    return n


def _positions(p: Projection) -> np.ndarray:
    """Each connection's place among its sender's connections over all processes."""
    if p.gpos is not None:
        return np.ascontiguousarray(p.gpos, dtype=np.int64)
    return (np.arange(len(p), dtype=np.int64) - np.repeat(p.ptr[:-1], np.diff(p.ptr))).astype(np.int64)


def reset_synapse_state(projections: Iterable[Projection], models: ModelRegistry) -> None:
    """Back to t = 0: the plastic synapses' traces and last spike times take their
    initial values (weights and short-term plasticity variables stay).

    Parameters
    ----------
    projections : iterable of Projection
        All projections.
    models : ModelRegistry
        The synapse models (their initial state values).
    """
    for p in projections:
        cls = models.synapse_model(p.synapse_model)[0]
        init = {"Kplus": 0.0, **cls.state} if cls.kind in STDP_KINDS else dict(cls.state)
        if cls.kind == "stdp_triplet":
            init["Kplus_triplet"] = 0.0
        if cls.kind == "stdp_dopamine":
            init.update(c=0.0, n=0.0)
        for k, v in init.items():
            if k in p.extra:
                p.extra[k] = np.full(1, v) if p.extra[k].size == 1 else np.full(p.extra[k].shape, v)


class PlasticPlan:
    """A plastic projection prepared for delivery.

    Attributes: ``proj`` (the Projection), ``kind`` (its model's delivery kind),
    ``prm`` (parameter table: ms for time constants), ``dev`` (weight recorder or
    None), ``outdeg`` (connections per source), ``seed``, ``pos`` (Bernoulli stream
    keys, made on first use).
    """

    def __init__(self, proj: Projection, kind: str, prm: np.ndarray, dev: WeightRecordingDevice | None,
                 outdeg: np.ndarray, seed: int) -> None:
        self.proj = proj
        self.kind = kind
        self.prm = prm
        self.dev = dev
        self.outdeg = outdeg
        self.seed = seed
        self.pos: np.ndarray | None = None
        #: stdp_dopamine_synapse: its volume transmitter's node id and spike list (see kernel.dopamine)
        self.volume_id: int | None = None
        self.volume: Any = None
        self.tables: tuple[np.ndarray, ...] = ()
        self.models: ModelRegistry | None = None


_NO_WR = np.zeros((0, 6))
#: the presynaptic trace of the rules that keep none (never read: see deliver_stdp)
_NO_KPLUS = np.zeros(1)
