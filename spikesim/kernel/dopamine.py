"""Compiled updates of ``stdp_dopamine_synapse`` and the dopamine spikes of volume transmitters.

Times in ms.  A connection keeps its weight ``w``, eligibility trace ``c``, presynaptic
trace ``Kplus`` (all at ``t_last_update``) and dopamine trace ``n`` (at the newest
dopamine spike it has taken in).  Bringing it from ``t0`` to ``t1`` (NEST 3.10's
order) integrates ``dw/dt = c (n - b)`` exactly, piece by piece between the dopamine
spikes in ``(t0, t1]``: over a piece of length ``T`` that starts with ``c0`` and ``n0``,

``w <- clip(w + c0 (n0 / s (1 - e^(-s T)) - b tau_c (1 - e^(-T / tau_c))), Wmin, Wmax)``

with ``s = 1/tau_c + 1/tau_n``; each dopamine spike then adds ``multiplicity / tau_n``
to ``n``, and ``c`` decays with ``tau_c`` to ``t1``.

A presynaptic spike at ``t`` over a connection with delay ``d`` (all dendritic): for
each postsynaptic spike ``t_p`` in ``(t_last_update - d, t - d]`` (oldest first) the
connection is brought to ``t_p + d`` and ``c += A_plus Kplus e^((t_last_update - t_p - d) / tau_plus)``;
then it is brought to ``t``, ``c -= A_minus K-(t - d)``, the spike is transmitted with
the weight, and ``Kplus <- Kplus e^((t_last_update - t) / tau_plus) + 1``.  When its
volume transmitter hands over its dopamine spikes at ``t_trig`` (the end of every
``deliver_interval`` min_delay slices) every connection of it is brought to
``t_trig`` the same way (facilitation by the postsynaptic spikes up to
``t_trig - d``), and ``n`` and ``Kplus`` decay to ``t_trig``.

A volume transmitter's list of dopamine spikes starts with a pseudo spike of
multiplicity 0 at the last hand-over (at 0 before the first) and collects, slice by
slice, the spikes arriving in it (spike time plus delay, multiplicities of one step
added); after a hand-over it holds the pseudo spike alone.  Which of its spikes a
connection has taken in follows from ``t_last_update``: those up to it (NEST keeps an
index per connection; it always points there).

The engine calls :meth:`DopamineState.slice` once per slice, after the neurons'
update and before the slice's spikes are delivered: the order in which NEST hands
over dopamine spikes (at the end of a slice's update) and delivers the spikes of that
slice (at the start of the next).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numba import njit

from spikesim.kernel.delivery import add_spike, spike_events
from spikesim.kernel.stdp_rules import STDP_EPS, first_after, k_minus
from spikesim.kernel.stp import record_weight
from spikesim.models._nest_numerics import nest_expm1
from spikesim.models.dopamine_synapse import DOPA_PARAMS
from spikesim.network.populations import DevicePopulation

if TYPE_CHECKING:
    from spikesim.kernel.archive import PostArchive
    from spikesim.network.node_table import NodeTable
    from spikesim.network.projection import Projection



class PlasticPlan(Protocol):
    """What this module reads and sets of a plastic projection's plan
    (:class:`spikesim.kernel.plasticity.PlasticPlan`)."""

    proj: Projection
    kind: str
    prm: np.ndarray
    #: the node id of its model's volume_transmitter, and that node's spike list (set by prepare)
    volume_id: int | None
    volume: Any


A_PLUS, A_MINUS, TAU_PLUS, TAU_C, TAU_N, B, WMIN, WMAX = range(8)
#: room of a new dopamine spike list
_FIRST = 16
_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_MULT = np.zeros(0)


@njit(cache=True, inline="always")
def _update_weight(w: float, c0: float, n0: float, minus_dt: float, prm: np.ndarray) -> float:
    """The weight after a piece of length ``-minus_dt`` (ms) starting with ``c0``, ``n0``."""
    tau_c = prm[TAU_C]
    taus = (tau_c + prm[TAU_N]) / (tau_c * prm[TAU_N])
    w = w - c0 * (n0 / taus * nest_expm1(taus * minus_dt) - prm[B] * tau_c * nest_expm1(minus_dt / tau_c))
    if w < prm[WMIN]:
        w = prm[WMIN]
    if w > prm[WMAX]:
        w = prm[WMAX]
    return w


@njit(cache=True)
def _advance(w: float, c: float, n: float, idx: int, t0: float, t1: float, lt: np.ndarray, lm: np.ndarray,
             ln: int, prm: np.ndarray) -> tuple[float, float, float, int]:
    """Bring (w, c at ``t0``; n at dopamine spike ``idx``) to ``t1``, taking in the
    dopamine spikes in ``(t0, t1]`` of the list ``lt``, ``lm`` (``ln`` entries)."""
    tau_c, tau_n = prm[TAU_C], prm[TAU_N]
    if ln > idx + 1 and t1 - lt[idx + 1] > -STDP_EPS:
        w = _update_weight(w, c, n * math.exp((lt[idx] - t0) / tau_n), t0 - lt[idx + 1], prm)
        n = n * math.exp((lt[idx] - lt[idx + 1]) / tau_n) + lm[idx + 1] / tau_n
        idx += 1
        while ln > idx + 1 and t1 - lt[idx + 1] > -STDP_EPS:
            cd = c * math.exp((t0 - lt[idx]) / tau_c)
            w = _update_weight(w, cd, n, lt[idx] - lt[idx + 1], prm)
            n = n * math.exp((lt[idx] - lt[idx + 1]) / tau_n) + lm[idx + 1] / tau_n
            idx += 1
        cd = c * math.exp((t0 - lt[idx]) / tau_c)
        w = _update_weight(w, cd, n, lt[idx] - t1, prm)
    else:
        w = _update_weight(w, c, n * math.exp((lt[idx] - t0) / tau_n), t0 - t1, prm)
    return w, c * math.exp((t0 - t1) / tau_c), n, idx


@njit(cache=True, inline="always")
def _taken(t_last: float, lt: np.ndarray, ln: int) -> int:
    """The newest dopamine spike of the list a connection updated at ``t_last`` has taken in."""
    idx = 0
    while idx + 1 < ln and t_last - lt[idx + 1] > -STDP_EPS:
        idx += 1
    return idx


@njit(cache=True)
def _catch_up(c: int, t_end: float, dd: float, j: int, w: np.ndarray, kplus: np.ndarray, ec: np.ndarray,
              dn: np.ndarray, tlu: np.ndarray, prm: np.ndarray, lt: np.ndarray, lm: np.ndarray, ln: int,
              last_idx: np.ndarray, log_t: np.ndarray, prev: np.ndarray, nxt: np.ndarray, skip_at: float
              ) -> tuple[float, float, float, int]:
    """Connection ``c`` (target j, delay ``dd`` ms) brought to ``t_end`` through the
    postsynaptic spikes in ``(t_last_update - d, t_end - d]``, each facilitating unless
    it is within STDP_EPS of ``skip_at``.  Returns w, c, n and the dopamine index."""
    t_last = tlu[c]
    wc, cc, nn = w[c], ec[c], dn[c]
    idx = _taken(t_last, lt, ln)
    t0 = t_last
    hi = t_end - dd + STDP_EPS
    e = first_after(t_last - dd + STDP_EPS, j, last_idx, log_t, prev)
    while e >= 0 and log_t[e] < hi:
        t1 = log_t[e] + dd
        wc, cc, nn, idx = _advance(wc, cc, nn, idx, t0, t1, lt, lm, ln, prm)
        t0 = t1
        if skip_at - log_t[e] > STDP_EPS:
            cc += prm[A_PLUS] * (kplus[c] * math.exp((t_last - t0) / prm[TAU_PLUS]))
        e = nxt[e]
    wc, cc, nn, idx = _advance(wc, cc, nn, idx, t0, t_end, lt, lm, ln, prm)
    return wc, cc, nn, idx


@njit(cache=True, nogil=True)
def deliver_dopamine(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, is_neuron: np.ndarray,
                     ptr: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray,
                     kplus: np.ndarray, ec: np.ndarray, dn: np.ndarray, tlu: np.ndarray, tls: np.ndarray,
                     prm: np.ndarray, lt: np.ndarray, lm: np.ndarray, ln: int, mode: np.ndarray, ring: np.ndarray,
                     L: int, last_idx: np.ndarray, log_t: np.ndarray, log_k: np.ndarray, prev: np.ndarray,
                     nxt: np.ndarray, tau_inv: np.ndarray, tps: int, wr_out: np.ndarray, wr_n: int) -> int:
    """Deliver the slice's spikes through one ``stdp_dopamine_synapse`` projection.

    Arguments as :func:`~spikesim.kernel.plasticity.deliver_stdp`, with the connections'
    ``Kplus``, ``c`` (``ec``), ``n`` (``dn``), ``t_last_update`` (``tlu``, ms) and
    ``t_lastspike`` (``tls``, ms), the parameter table ``prm`` (rows as
    :data:`~spikesim.models.dopamine_synapse.DOPA_PARAMS`) and the volume transmitter's
    dopamine spike list ``lt`` (ms), ``lm`` (multiplicities), ``ln`` entries.

    Returns
    -------
    int
        Weight-recorder rows written in all.
    """
    d_hom, r_hom = d.shape[0] == 1, rcpt.shape[0] == 1
    for a in range(n):
        src, st = ids[a], steps[a]
        t_spike = ((st + 1) * tps) * 0.001
        reps, psp = spike_events(src, mult[a], is_neuron)
        for c in range(ptr[src], ptr[src + 1]):
            dc = d[0] if d_hom else d[c]
            rc = rcpt[0] if r_hom else rcpt[c]
            dd = (dc * tps) * 0.001
            j = tgt[c]
            for _ in range(reps):
                wc, cc, nn, _idx = _catch_up(c, t_spike, dd, j, w, kplus, ec, dn, tlu, prm, lt, lm, ln, last_idx,
                                             log_t, prev, nxt, t_spike)
                cc -= prm[A_MINUS] * k_minus(t_spike - dd, j, last_idx, log_t, log_k, prev, tau_inv)
                w[c], ec[c], dn[c] = wc, cc, nn
                add_spike(ring, mode, (st + dc) % L, j, wc, psp, rc)
                wr_n = record_weight(wr_out, wr_n, src, j, st, wc, rc, c)
                kplus[c] = kplus[c] * math.exp((tlu[c] - t_spike) / prm[TAU_PLUS]) + 1.0
                tlu[c] = t_spike
                tls[c] = t_spike
    return wr_n


@njit(cache=True, nogil=True)
def trigger_dopamine(tgt: np.ndarray, w: np.ndarray, d: np.ndarray, kplus: np.ndarray, ec: np.ndarray,
                     dn: np.ndarray, tlu: np.ndarray, prm: np.ndarray, lt: np.ndarray, lm: np.ndarray, ln: int,
                     t_trig: float, last_idx: np.ndarray, log_t: np.ndarray, prev: np.ndarray, nxt: np.ndarray,
                     tps: int) -> None:
    """Bring every connection of one projection to ``t_trig`` (ms), its volume
    transmitter's hand-over of the dopamine spikes ``lt``, ``lm`` (``ln`` entries);
    arguments as :func:`deliver_dopamine`."""
    d_hom = d.shape[0] == 1
    for c in range(tgt.shape[0]):
        dd = ((d[0] if d_hom else d[c]) * tps) * 0.001
        wc, cc, nn, idx = _catch_up(c, t_trig, dd, tgt[c], w, kplus, ec, dn, tlu, prm, lt, lm, ln, last_idx,
                                    log_t, prev, nxt, math.inf)
        w[c], ec[c] = wc, cc
        dn[c] = nn * math.exp((lt[idx] - t_trig) / prm[TAU_N])
        kplus[c] = kplus[c] * math.exp((tlu[c] - t_trig) / prm[TAU_PLUS])
        tlu[c] = t_trig


@njit(cache=True)
def _arrivals(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, ptr: np.ndarray, tgt: np.ndarray,
              d: np.ndarray, out_vt: np.ndarray, out_step: np.ndarray, out_m: np.ndarray, k: int) -> int:
    """Append the dopamine spikes the slice's spikes send through one projection onto
    volume transmitters: (node, step updated when it arrives, multiplicity)."""
    d_hom = d.shape[0] == 1
    for a in range(n):
        src = ids[a]
        for c in range(ptr[src], ptr[src + 1]):
            out_vt[k] = tgt[c]
            out_step[k] = steps[a] + (d[0] if d_hom else d[c])
            out_m[k] = mult[a]
            k += 1
    return k


def dopamine_parameters(p: Projection, defaults: Mapping[str, Any]) -> np.ndarray:
    """The compiled kernels' parameter table of projection ``p`` (the model's common
    values, in the order of :data:`~spikesim.models.dopamine_synapse.DOPA_PARAMS`); gives
    its state columns one entry per connection."""
    p.materialize("weight", "Kplus", "c", "n", "t_lastspike", "t_last_update")
    return np.array([float(defaults[k]) for k in DOPA_PARAMS])


def deliver_plan(plan: PlasticPlan, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, k: int,
                 is_neuron: np.ndarray, mode: np.ndarray, ring: np.ndarray, L: int, tps: int,
                 archive: PostArchive, wr_out: np.ndarray) -> int:
    """Deliver the slice's ``k`` spikes through one dopamine projection (arguments as
    :func:`~spikesim.kernel.plasticity.deliver_plastic`); the weight-recorder rows written."""
    p, ex, link = plan.proj, plan.proj.extra, plan.volume
    assert isinstance(link, DopaLink)  # bound by DopamineState.prepare
    vol = link.vol
    return int(deliver_dopamine(ids, steps, mult, k, is_neuron, p.ptr, p.tgt, p.w, p.d, p.rcpt, ex["Kplus"],
                                ex["c"], ex["n"], ex["t_last_update"], ex["t_lastspike"], plan.prm, vol.t, vol.m,
                                vol.n, mode, ring, L, archive.last_idx, archive.t, archive.k, archive.prev,
                                archive.next, archive.tau_inv, tps, wr_out, 0))


def due_spikes(plan: PlasticPlan) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The spikes a dopamine projection delivers in this slice (senders, steps,
    multiplicities, count): those of complete slices only (see :class:`DopamineState`)."""
    link = plan.volume
    assert isinstance(link, DopaLink)  # bound by DopamineState.prepare
    ids, steps, mult = link.state.due
    return ids, steps, mult, int(ids.size)


class DopaLink:
    """What a dopamine projection's plan is bound to: its volume transmitter's list
    ``vol`` and the engine's :class:`DopamineState` ``state``."""

    def __init__(self, vol: VolumeList, state: DopamineState) -> None:
        self.vol = vol
        self.state = state


class VolumeList:
    """One volume transmitter's dopamine spikes since its last hand-over.

    ``t`` (ms) and ``m`` (multiplicities) hold ``n`` entries, the first the pseudo spike
    of the last hand-over; ``deliver_interval`` is the node's (min_delay slices).
    """

    def __init__(self, t0: float = 0.0) -> None:
        self.t = np.zeros(_FIRST)
        self.m = np.zeros(_FIRST)
        self.t[0] = t0
        self.n = 1
        self.deliver_interval = 1

    def append(self, t: np.ndarray, m: np.ndarray) -> None:
        """Add spikes at times ``t`` (ms, increasing, after the last) with multiplicities ``m``."""
        end = self.n + t.size
        if end > self.t.size:
            cap = max(end, 2 * self.t.size)
            self.t = np.concatenate([self.t[:self.n], np.zeros(cap - self.n)])
            self.m = np.concatenate([self.m[:self.n], np.zeros(cap - self.n)])
        self.t[self.n:end] = t
        self.m[self.n:end] = m
        self.n = end

    def handed_over(self, t_trig: float) -> None:
        """After the hand-over at ``t_trig`` (ms): the pseudo spike alone."""
        self.t[0], self.m[0], self.n = t_trig, 0.0, 1


class DopamineState:
    """The volume transmitters of one engine: their dopamine spike lists, the spikes on
    their way to them, and the dopamine projections bound to them.

    Carried from run to run (and through checkpoints); :meth:`prepare` binds it to the
    current network.
    """

    def __init__(self) -> None:
        self.volumes: dict[int, VolumeList] = {}
        #: dopamine spikes in transit: volume transmitter (0-based), step updated at arrival, multiplicity
        self.pend_vt = np.zeros(0, dtype=np.int64)
        self.pend_step = np.zeros(0, dtype=np.int64)
        self.pend_m = np.zeros(0)
        self.routes: list[Projection] = []
        self.plans: list[PlasticPlan] = []
        #: whether any volume transmitter or dopamine synapse exists (else :meth:`slice` is not called)
        self.active = False
        self.tps = 1
        self.m = 1
        #: spikes of a slice not yet complete (a run ended inside it), delivered through the
        #: dopamine projections when the slice is complete, as NEST delivers a slice's spikes
        self.held = (_NO_IDS, _NO_IDS, _NO_MULT)
        #: the spikes the dopamine projections deliver in this slice
        self.due = (_NO_IDS, _NO_IDS, _NO_MULT)

    def prepare(self, projections: Mapping[tuple[str, str], Projection], plans: Sequence[PlasticPlan],
                nodes: NodeTable, m: int, tps: int) -> None:
        """Bind to the network: the volume transmitters (their ``deliver_interval``), the
        connections onto them, the dopamine projections; ``m`` the min_delay (steps),
        ``tps`` tics (µs) per step."""
        self.m, self.tps = m, tps
        for pop in nodes.populations:
            if isinstance(pop, DevicePopulation) and pop.model.name == "volume_transmitter":
                for i in range(pop.n):
                    vol = self.volumes.setdefault(pop.first - 1 + i, VolumeList())
                    vol.deliver_interval = int(pop.nodes[i]["deliver_interval"])
        self.routes = [p for (_, r), p in projections.items() if r == "volume" and len(p)]
        for p in self.routes:
            p.resize_nodes(nodes.num_nodes)
        self.plans = [pl for pl in plans if pl.kind == "stdp_dopamine"]
        for pl in self.plans:
            vt = pl.volume_id
            if vt is None or vt - 1 not in self.volumes:
                raise RuntimeError(f"{pl.proj.synapse_model}: its volume_transmitter {vt} is no volume_transmitter")
            pl.volume = DopaLink(self.volumes[vt - 1], self)
        self.active = bool(self.volumes) or bool(self.plans)

    def slice(self, s0: int, m: int, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray,
              archive: PostArchive) -> None:
        """The volume transmitters' part of the slice of steps ``s0 .. s0+m-1`` (see the
        module's docstring): take in the dopamine spikes arriving in it, hand them over
        where the slice ends a ``deliver_interval``, then send the slice's spikes
        ``ids``, ``steps``, ``mult`` on their way to the volume transmitters (nothing
        to do in networks without volume transmitters)."""
        if not self.active:
            return
        if self.pend_step.size:
            self._arrive(s0 + m)
        end = s0 + m
        for vol in self.volumes.values():
            if end % (vol.deliver_interval * self.m) == 0:
                t_trig = (end * self.tps) * 0.001
                for pl in self.plans:
                    if pl.volume.vol is vol and len(pl.proj):
                        self._trigger(pl, vol, t_trig, archive)
                vol.handed_over(t_trig)
        if self.plans:
            self._hold(end % self.m == 0, ids, steps, mult)
        if self.routes and ids.size:
            self._send(ids, steps, mult)

    def _hold(self, complete: bool, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray) -> None:
        """The spikes due for the dopamine projections: those of the slice once it is
        complete (held back until then when a run ends inside it)."""
        if self.held[0].size:
            ids, steps, mult = (np.concatenate([a, b]) for a, b in zip(self.held, (ids, steps, mult), strict=True))
        if complete:
            self.held, self.due = (_NO_IDS, _NO_IDS, _NO_MULT), (ids, steps, mult)
        else:  # the engine reuses its spike arrays: keep copies
            self.held, self.due = (ids.copy(), steps.copy(), mult.copy()), (_NO_IDS, _NO_IDS, _NO_MULT)

    def _arrive(self, end: int) -> None:
        """Move the spikes arriving before step ``end`` into the lists (one entry per step)."""
        due = self.pend_step < end
        if not due.any():
            return
        vts, st, mm = self.pend_vt[due], self.pend_step[due], self.pend_m[due]
        self.pend_vt, self.pend_step, self.pend_m = self.pend_vt[~due], self.pend_step[~due], self.pend_m[~due]
        for vt in np.unique(vts):
            sel = vts == vt
            steps, where = np.unique(st[sel], return_inverse=True)
            self.volumes[int(vt)].append(((steps + 1) * self.tps) * 0.001,
                                         np.bincount(where, weights=mm[sel], minlength=steps.size))

    def _trigger(self, pl: PlasticPlan, vol: VolumeList, t_trig: float, archive: PostArchive) -> None:
        p, ex = pl.proj, pl.proj.extra
        trigger_dopamine(p.tgt, p.w, p.d, ex["Kplus"], ex["c"], ex["n"], ex["t_last_update"], pl.prm, vol.t, vol.m,
                         vol.n, t_trig, archive.last_idx, archive.t, archive.prev, archive.next, self.tps)

    def _send(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray) -> None:
        k = ids.size
        size = sum(int(np.diff(p.ptr)[ids].sum()) for p in self.routes)
        vt, st, mm = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64), np.empty(size)
        n = 0
        for p in self.routes:
            n = _arrivals(ids, steps, mult, k, p.ptr, p.tgt, p.d, vt, st, mm, n)
        self.pend_vt = np.concatenate([self.pend_vt, vt[:n]])
        self.pend_step = np.concatenate([self.pend_step, st[:n]])
        self.pend_m = np.concatenate([self.pend_m, mm[:n]])

    # -- state in and out ---------------------------------------------------------------
    def state(self) -> dict[str, np.ndarray]:
        """The lists and the spikes in transit as arrays (``dopamine/...``)."""
        vts = sorted(self.volumes)
        return {"dopamine/vt": np.array(vts, dtype=np.int64),
                "dopamine/interval": np.array([self.volumes[v].deliver_interval for v in vts], dtype=np.int64),
                "dopamine/len": np.array([self.volumes[v].n for v in vts], dtype=np.int64),
                "dopamine/t": np.concatenate([self.volumes[v].t[:self.volumes[v].n] for v in vts] or [np.zeros(0)]),
                "dopamine/m": np.concatenate([self.volumes[v].m[:self.volumes[v].n] for v in vts] or [np.zeros(0)]),
                "dopamine/pend_vt": self.pend_vt, "dopamine/pend_step": self.pend_step,
                "dopamine/pend_m": self.pend_m, "dopamine/held_ids": self.held[0],
                "dopamine/held_steps": self.held[1], "dopamine/held_mult": self.held[2]}

    def load_state(self, arrays: Mapping[str, np.ndarray]) -> None:
        """Continue from :meth:`state` (checkpoints without it: nothing to continue)."""
        self.reset()
        if "dopamine/vt" not in arrays:
            return
        offsets = np.concatenate([[0], np.cumsum(arrays["dopamine/len"])]).astype(np.int64)
        for i, vt in enumerate(arrays["dopamine/vt"]):
            vol = VolumeList()
            vol.n = 0
            a, b = int(offsets[i]), int(offsets[i + 1])
            vol.append(np.asarray(arrays["dopamine/t"][a:b], dtype=float), np.asarray(arrays["dopamine/m"][a:b]))
            vol.deliver_interval = int(arrays["dopamine/interval"][i])
            self.volumes[int(vt)] = vol
        self.pend_vt = np.asarray(arrays["dopamine/pend_vt"], dtype=np.int64).copy()
        self.pend_step = np.asarray(arrays["dopamine/pend_step"], dtype=np.int64).copy()
        self.pend_m = np.asarray(arrays["dopamine/pend_m"], dtype=float).copy()
        self.held = (np.asarray(arrays["dopamine/held_ids"], dtype=_NO_IDS.dtype).copy(),
                     np.asarray(arrays["dopamine/held_steps"], dtype=_NO_IDS.dtype).copy(),
                     np.asarray(arrays["dopamine/held_mult"], dtype=float).copy())

    def reset(self) -> None:
        """Back to t = 0: empty lists (the pseudo spike at 0), nothing in transit."""
        self.volumes = {}
        self.pend_vt = np.zeros(0, dtype=np.int64)
        self.pend_step = np.zeros(0, dtype=np.int64)
        self.pend_m = np.zeros(0)
        self.held = self.due = (_NO_IDS, _NO_IDS, _NO_MULT)
        self.active = False

    @property
    def delivering(self) -> bool:
        """Whether the dopamine projections deliver spikes in this slice (held ones too)."""
        return bool(self.due[0].size)
