"""Compiled delivery of gamma_sup_generator and mip_generator input, and the gamma state.

Both generators travel the ``poisson`` route (see :func:`spikesim.kernel.routes.device_route`);
:class:`GammaMipRoutes` takes their connections out of it, orders them by target and
cuts them into chunks that share no target, so chunks run in parallel and every ring
cell receives its additions in the same order whatever the number of threads.

Every draw comes from a counter-based stream (:mod:`spikesim.rng`): a connection's
stream is keyed by the seed, the generator's node id and the target's node id (and
the connection's rank among those joining the same pair), a mip mother train's by the
seed and the generator alone.  In an MPI run each rank holds the connections onto its
own targets and draws exactly what one process draws for them.

The phases of a gamma_sup_generator connection (how many component processes are in
each phase of the gamma process) are state: kept from run to run by stream key, saved
in checkpoints (gathered from all ranks) and restored.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numba import njit, prange

from spikesim import rng
from spikesim.kernel.delivery import poisson_channels
from spikesim.kernel.routes import DeviceRoute
from spikesim.kernel.train_recording import PendingTrains
from spikesim.models.base import INPUT_NONE
from spikesim.models.gamma_mip_generators import GammaSupGenerator, MipGenerator
from spikesim.models.generators import Generator


class _Gather(Protocol):
    """What the checkpoint gather needs of the communicator (see :mod:`spikesim.parallel`)."""

    size: int

    def allgather(self, a: np.ndarray) -> list[np.ndarray]:
        """Every rank's ``a``, in rank order."""


@dataclass
class TargetConns:
    """Connections of one generator model in target order (see :func:`target_connections`)."""

    gens: list[dict[str, Any]]
    col: np.ndarray
    tgt: np.ndarray
    d: np.ndarray
    ch: np.ndarray
    factor: np.ndarray
    keys: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    chunks: np.ndarray
    gid: np.ndarray        # generator node id of each connection
    rec: np.ndarray        # column of each connection to a spike recorder in the counts drawn for recorders; -1 else
    n_rec: int             # connections to spike recorders


@dataclass
class GammaRoute:
    """gamma_sup_generator connections and their phase occupations ``occ[c, phase]``."""

    conns: TargetConns
    shape: np.ndarray      # gamma_shape per generator
    prob: np.ndarray       # transition probability per step, per generator
    occ: np.ndarray        # (connections, largest shape) processes per phase


@dataclass
class MipRoute:
    """mip_generator connections, with each generator's mother-train table and stream."""

    conns: TargetConns
    tables: np.ndarray     # cumulative Poisson distribution of the mother count per step
    mkeys: np.ndarray      # mother stream per generator
    p_copy: np.ndarray
    slice_steps: int       # min_delay (steps): NEST checks the window at each slice's start


class GammaMipRoutes:
    """The engine's gamma_sup_generator and mip_generator input, with the gamma state.

    The engine calls :meth:`prepare` whenever it prepares, :meth:`send` once per slice,
    and :meth:`state` / :meth:`load_state` / :meth:`reset` with its own.
    """

    def __init__(self) -> None:
        self.gamma: GammaRoute | None = None
        self.mip: MipRoute | None = None
        #: phases between a restore (or a run) and the next prepare: stream keys, phases
        #: per key, occupations (one row per key, zero beyond its phases)
        self.store = _empty_store()
        #: prepared: the routes hold this rank's state and the store is empty
        self.prepared = False
        #: counts drawn for spike recorders, waiting for their slice
        self.pending = PendingTrains()

    def prepare(self, dr: DeviceRoute | None, model_of: Callable[[int], type[Any]], h: float, mode: np.ndarray,
                seed: int, slice_steps: int) -> None:
        """Take the connections of both models out of the ``poisson`` route ``dr``.

        Parameters
        ----------
        dr : DeviceRoute or None
            The ``poisson`` route.
        model_of : callable
            Node id -> its model class.
        h : float
            Resolution (ms).
        mode : ndarray of int
            Input mode of every node.
        seed : int
            Seed of the simulator.
        slice_steps : int
            Steps of a min_delay slice.
        """
        self._keep_live()
        self.gamma = self.mip = None
        self.prepared = True
        if dr is None:
            self.store = _empty_store()
            return
        models = [model_of(g) for g in dr.gen_ids]
        gam = np.array([issubclass(mdl, GammaSupGenerator) for mdl in models], dtype=bool)
        mip = np.array([issubclass(mdl, MipGenerator) for mdl in models], dtype=bool)
        if gam.any():
            c = target_connections(select_generators(dr, gam), h, mode, seed)
            shape = np.array([int(g["gamma_shape"]) for g in c.gens], dtype=np.int64)
            prob = np.array([GammaSupGenerator.transition_prob(g, h) if g["rate"] > 0 else 0.0 for g in c.gens])
            self.gamma = GammaRoute(c, shape, prob, self._occupations(c, shape))
        if mip.any():
            c = target_connections(select_generators(dr, mip), h, mode, seed)
            tables = [rng.poisson_table(g["rate"] * h * 1e-3) for g in c.gens]
            table = np.full((len(tables), max(t.size for t in tables)), 2.0)
            for i, t in enumerate(tables):
                table[i, :t.size] = t
            gid = np.array([g for g, m in zip(dr.gen_ids, mip, strict=True) if m], dtype=np.uint64)
            mkeys = _keys(np.uint64(seed), gid, np.zeros(gid.size, dtype=np.uint64))
            rate_on = np.array([g["rate"] > 0 for g in c.gens])
            p_copy = np.where(rate_on, [float(g["p_copy"]) for g in c.gens], -1.0)  # -1: sends nothing
            self.mip = MipRoute(c, table, mkeys, p_copy, int(slice_steps))
        # a rank keeps only its own connections' phases: the others' are live on their ranks
        self.store = _empty_store()

    def _occupations(self, c: TargetConns, shape: np.ndarray) -> np.ndarray:
        """Phase occupations of the connections: kept ones where they fit, NEST's start elsewhere."""
        width = int(shape.max())
        start = np.zeros((len(c.gens), width), dtype=np.int64)
        for g, p in enumerate(c.gens):
            start[g, :shape[g]] = GammaSupGenerator.initial_occupation(p)
        occ: np.ndarray = start[c.col]
        keys, sizes, old = self.store
        if keys.size:
            order = np.argsort(keys)
            at = np.minimum(np.searchsorted(keys[order], c.keys), keys.size - 1)
            j = order[at]
            n_proc = np.array([int(p["n_proc"]) for p in c.gens], dtype=np.int64)[c.col]
            fits = (keys[j] == c.keys) & (sizes[j] == shape[c.col]) & (old[j].sum(axis=1) == n_proc)
            if old.shape[1] < width:
                old = np.pad(old, ((0, 0), (0, width - old.shape[1])))
            occ[fits] = old[j[fits], :width]
        return occ

    def _keep_live(self) -> None:
        """Move the phases of the prepared gamma route into the store."""
        if self.gamma is not None:
            rg = self.gamma
            self.store = (rg.conns.keys.copy(), rg.shape[rg.conns.col], rg.occ.copy())

    def send(self, s0: int, m: int, ring: np.ndarray, L: int) -> None:
        """Add the counts drawn in steps s0 .. s0+m-1 (a whole slice) to the ring.

        Parameters
        ----------
        s0, m : int
            First step and number of steps.
        ring : ndarray
            ``ring[channel, s % L, node]``: input read when updating step ``s``.
        L : int
            Slots of the ring.
        """
        if self.gamma is not None:
            rg, c = self.gamma, self.gamma.conns
            out = recorder_counts(c, m)
            deliver_gamma(rg.occ, rg.shape, rg.prob, c.lo, c.hi, c.col, c.keys, c.tgt, c.ch, c.factor, c.d,
                          c.chunks, s0, m, ring, L, c.rec, out)
            self.keep_recorded(c, s0, out)
        if self.mip is not None:
            rm, c = self.mip, self.mip.conns
            out = recorder_counts(c, m)
            parents = mip_parents(rm.tables, rm.mkeys, rm.p_copy, c.lo, c.hi, s0, m, rm.slice_steps)
            deliver_mip(parents, rm.p_copy, c.col, c.keys, c.tgt, c.ch, c.factor, c.d, c.chunks, s0, ring, L,
                        c.rec, out)
            self.keep_recorded(c, s0, out)

    def keep_recorded(self, c: TargetConns, s0: int, counts: np.ndarray) -> None:
        """Keep the counts drawn in steps ``s0 ..`` for the recorders among ``c`` (``counts[i, rec]``)
        until the engine records their slice."""
        if c.n_rec:
            at = np.flatnonzero(c.rec >= 0)
            self.pending.add(c.tgt[at] + 1, c.gid[at], s0, counts[:, c.rec[at]])

    def state(self, comm: _Gather) -> dict[str, np.ndarray]:
        """The phase occupations of all gamma connections (of every rank), for checkpoints.

        Returns
        -------
        dict of ndarray
            ``gamma_sup/keys`` (stream keys), ``gamma_sup/sizes`` (phases of each) and
            ``gamma_sup/occ`` (the occupations, one run of ``sizes[i]`` per key).
        """
        if self.prepared:  # the ranks' live routes; nothing else is current
            rg = self.gamma
            keys, sizes, padded = _empty_store() if rg is None else (rg.conns.keys, rg.shape[rg.conns.col], rg.occ)
        else:  # restored and not prepared since: the whole state, the same on every rank
            keys, sizes, padded = self.store
        occ = padded[np.arange(padded.shape[1]) < sizes[:, None]]  # row by row: each key's phases
        if comm.size > 1 and self.prepared:
            keys, sizes, occ = (np.concatenate(comm.allgather(a)) for a in (keys, sizes, occ))
        return {"gamma_sup/keys": keys, "gamma_sup/sizes": sizes, "gamma_sup/occ": occ, **self.pending.state()}

    def load_state(self, arrays: dict[str, np.ndarray]) -> None:
        """Continue from :meth:`state` (missing arrays: no gamma state)."""
        self.gamma = self.mip = None
        self.prepared = False
        self.pending.load_state(arrays)
        keys = arrays.get("gamma_sup/keys", np.zeros(0, np.uint64))
        sizes = arrays.get("gamma_sup/sizes", np.zeros(0, np.int64))
        occ = arrays.get("gamma_sup/occ", np.zeros(0, np.int64))
        padded = np.zeros((keys.size, int(sizes.max()) if sizes.size else 0), dtype=np.int64)
        padded[np.arange(padded.shape[1]) < sizes[:, None]] = occ
        self.store = (keys.astype(np.uint64), sizes.astype(np.int64), padded)

    def reset(self) -> None:
        """Back to t = 0: every gamma connection starts from NEST's initial phases."""
        self.gamma = self.mip = None
        self.prepared = False
        self.pending.reset()
        self.store = _empty_store()


def _empty_store() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """No kept phases: (keys, phases per key, occupations)."""
    return np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros((0, 0), np.int64)


def recorder_counts(c: TargetConns, m: int) -> np.ndarray:
    """Zeroed counts ``(m, connections to recorders)`` for a slice of ``m`` steps."""
    return np.zeros((m, c.n_rec), dtype=np.int64)


def select_generators(dr: DeviceRoute, keep_gen: np.ndarray) -> DeviceRoute:
    """The connections of the generators ``keep_gen`` (a mask over generator columns)."""
    cols = np.flatnonzero(keep_gen)
    conn = np.flatnonzero(keep_gen[dr.col])
    w, d, r = (a if a.size == 1 else a[conn] for a in (dr.w, dr.d, dr.rcpt))
    return DeviceRoute([dr.gens[i] for i in cols], np.searchsorted(cols, dr.col[conn]), dr.tgt[conn],
                       w, d, r, gen_ids=[dr.gen_ids[i] for i in cols])


def target_connections(dr: DeviceRoute, h: float, mode: np.ndarray, seed: int) -> TargetConns:
    """Connections in target order with channels, streams, windows (steps) and chunks."""
    order = np.argsort(dr.tgt, kind="stable")
    col, tgt = dr.col[order].astype(np.int64), dr.tgt[order].astype(np.int64)
    n = tgt.size
    w, d, rcpt = (a if a.size == 1 else a[order] for a in (dr.w, dr.d, dr.rcpt))
    ch, factor = poisson_channels(tgt, w, rcpt, mode)
    # the rank of a connection among those joining the same (generator, target) pair
    pair = tgt * max(len(dr.gens), 1) + col
    by_pair = np.argsort(pair, kind="stable")
    ps = pair[by_pair]
    run_start = np.flatnonzero(np.concatenate([[True], ps[1:] != ps[:-1]])) if n else np.zeros(0, np.int64)
    starts = np.repeat(run_start, np.diff(np.concatenate([run_start, [n]])))
    rank = np.empty(n, dtype=np.uint64)
    rank[by_pair] = (np.arange(n) - starts).astype(np.uint64)
    gid = np.asarray(dr.gen_ids, dtype=np.uint64)[col]
    keys = _keys(np.uint64(seed), gid, (tgt.astype(np.uint64) + np.uint64(1)) | (rank << np.uint64(40)))
    win = np.array([Generator.window(g, h) for g in dr.gens], dtype=np.int64).reshape(-1, 2)
    n_chunks = max(1, min(64, n // 256))
    cuts = np.linspace(0, n, n_chunks + 1).astype(np.int64)
    cuts[1:-1] = np.searchsorted(tgt, tgt[np.minimum(cuts[1:-1], n - 1)], side="left")
    to_rec = mode[tgt] == INPUT_NONE  # a spike recorder (see spikesim.kernel.train_recording)
    rec = np.where(to_rec, np.cumsum(to_rec) - 1, -1).astype(np.int64)
    return TargetConns(dr.gens, col, tgt, np.broadcast_to(d, (n,)).astype(np.int64), ch, factor, keys,
                       win[:, 0].copy(), win[:, 1].copy(), np.unique(cuts), gid.astype(np.int64), rec,
                       int(to_rec.sum()))


@njit(cache=True)
def _keys(seed: np.uint64, gen: np.ndarray, sub: np.ndarray) -> np.ndarray:
    """Stream key per connection (generator node id ``gen``, ``sub``: target and rank)."""
    out = np.empty(gen.shape[0], dtype=np.uint64)
    for c in range(gen.shape[0]):
        out[c] = rng.stream_key(seed, gen[c], rng.PURPOSE_GENERATOR, sub[c])
    return out


@njit(cache=True)
def binomial(n: int, p: float, u: float) -> int:
    """A Binomial(n, p) count from one uniform ``u`` in [0, 1).

    Small means by inversion from 0; larger ones by a search outward from the mode
    (alternately above and below it), which takes about one standard deviation of
    steps and gives each count the probability it has.  For ``p > 0.5`` the count of
    the complement is drawn, which keeps the first probabilities away from underflow.
    """
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if p > 0.5:
        return n - _binomial_low(n, 1.0 - p, u)
    return _binomial_low(n, p, u)


@njit(cache=True)
def _binomial_low(n: int, p: float, u: float) -> int:
    """:func:`binomial` for 0 < p <= 0.5 and n >= 1."""
    r = p / (1.0 - p)
    if n * p < 30.0:
        pk = math.exp(n * math.log1p(-p))
        cum = pk
        k = 0
        while u >= cum and k < n:
            pk *= r * (n - k) / (k + 1)
            k += 1
            cum += pk
        return k
    mode = min(int((n + 1) * p), n)
    pu = math.exp(math.lgamma(n + 1.0) - math.lgamma(mode + 1.0) - math.lgamma(n - mode + 1.0)
                  + mode * math.log(p) + (n - mode) * math.log1p(-p))
    pd = pu * mode / ((n - mode + 1) * r)
    ku, kd = mode, mode - 1
    while True:
        if ku <= n:
            if u < pu:
                return ku
            u -= pu
            pu *= r * (n - ku) / (ku + 1)
            ku += 1
        if kd >= 0:
            if u < pd:
                return kd
            u -= pd
            pd *= kd / ((n - kd + 1) * r)
            kd -= 1
        if (ku > n or pu == 0.0) and (kd < 0 or pd == 0.0):
            return mode  # rounding left a sliver of probability unassigned


@njit(cache=True, inline="always")
def _gamma_step(occ: np.ndarray, shape: int, p: float, key: np.uint64, s: int) -> int:
    """One step of one connection's phases (NEST's order: all transitions from the old
    occupations); returns the processes leaving the last phase (the spikes)."""
    moved = 0
    for i in range(shape):
        t = binomial(occ[i], p, rng.uniform(key, s * shape + i)) if occ[i] > 0 else 0
        occ[i] += moved - t
        moved = t
    occ[0] += moved
    return moved


@njit(cache=True, parallel=True, nogil=True)
def deliver_gamma(occ: np.ndarray, shape: np.ndarray, prob: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                  col: np.ndarray, keys: np.ndarray, tgt: np.ndarray, ch: np.ndarray, factor: np.ndarray,
                  d: np.ndarray, chunks: np.ndarray, s0: int, m: int, ring: np.ndarray, L: int, rec: np.ndarray,
                  rec_out: np.ndarray) -> None:
    """Advance each gamma connection through steps s0 .. s0+m-1 inside its window
    (``lo < s <= hi``) and add ``factor`` times its spikes to the ring, or, for a
    connection to a recorder (``rec[c] >= 0``), write them to ``rec_out[i, rec[c]]``."""
    for q in prange(chunks.shape[0] - 1):
        for c in range(chunks[q], chunks[q + 1]):
            g = col[c]
            if prob[g] <= 0.0 or (ch[c] < 0 and rec[c] < 0):
                continue
            for i in range(m):
                s = s0 + i
                if s <= lo[g] or s > hi[g]:
                    continue
                k = _gamma_step(occ[c], shape[g], prob[g], keys[c], s)
                if rec[c] >= 0:
                    rec_out[i, rec[c]] = k
                elif k > 0:
                    ring[ch[c], (s + d[c]) % L, tgt[c]] += factor[c] * k


@njit(cache=True)
def mip_parents(tables: np.ndarray, mkeys: np.ndarray, p_copy: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                s0: int, m: int, slice_steps: int) -> np.ndarray:
    """Mother spike counts ``(m, generators)`` of steps s0 .. s0+m-1: drawn where the
    slice holding the step starts inside the window and the rate is > 0."""
    out = np.zeros((m, tables.shape[0]), dtype=np.int64)
    for g in range(tables.shape[0]):
        if p_copy[g] < 0.0:
            continue
        for i in range(m):
            s = s0 + i
            first = (s // slice_steps) * slice_steps
            if lo[g] < first <= hi[g]:
                out[i, g] = rng.poisson_from_table(tables[g], rng.uniform(mkeys[g], s))
    return out


@njit(cache=True, parallel=True, nogil=True)
def deliver_mip(parents: np.ndarray, p_copy: np.ndarray, col: np.ndarray, keys: np.ndarray, tgt: np.ndarray,
                ch: np.ndarray, factor: np.ndarray, d: np.ndarray, chunks: np.ndarray, s0: int, ring: np.ndarray,
                L: int, rec: np.ndarray, rec_out: np.ndarray) -> None:
    """Each connection takes each mother spike with probability ``p_copy`` (a binomial
    count per step from its own stream) and adds ``factor`` times the count to the ring
    (a connection to a recorder: writes it to ``rec_out[i, rec[c]]``)."""
    for q in prange(chunks.shape[0] - 1):
        for c in range(chunks[q], chunks[q + 1]):
            g = col[c]
            if ch[c] < 0 and rec[c] < 0:
                continue
            for i in range(parents.shape[0]):
                n = parents[i, g]
                if n == 0:
                    continue
                k = binomial(n, p_copy[g], rng.uniform(keys[c], s0 + i))
                if rec[c] >= 0:
                    rec_out[i, rec[c]] = k
                elif k > 0:
                    ring[ch[c], (s0 + i + d[c]) % L, tgt[c]] += factor[c] * k
