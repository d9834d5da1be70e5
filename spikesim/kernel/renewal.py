"""Compiled delivery of sinusoidal_gamma_generator and ppd_sup_generator input, with their state.

Both generators travel the ``poisson`` route; :class:`RenewalRoutes` takes their
connections out of it (ordered by target and cut into chunks that share no target, as
:func:`spikesim.kernel.gamma_mip.target_connections` does).  Each connection reads a
*train*: its own (keyed by the seed, the generator and the target, as a gamma_sup
connection) or, for a sinusoidal_gamma_generator without ``individual_spike_trains``,
the generator's one train (keyed by the seed and the generator).  Per slice the trains
are advanced step by step in compiled code (in parallel over trains; every draw is
``uniform(train key, step)``) and the spike counts are added to the ring target by
target, so results depend on the seed only, never on threads or MPI processes.

A train's state is a row of floats, kept from run to run by train key, saved in
checkpoints and restored:

* sinusoidal gamma: ``[t0 (ms), Lambda(t0), rate, amplitude, omega, phi, order]``,
  the time of the last spike (or start), the hazard integral accumulated before it and
  the parameters it accumulated with (when they change between runs, the integral up
  to the first step sent afterwards is folded in with the old ones, as NEST does at
  the start of a run);
* ppd_sup: ``[next dead-time slot, free processes, processes in each dead-time step...]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numba import njit, prange

from spikesim import rng
from spikesim.kernel.gamma_mip import GammaMipRoutes, TargetConns, binomial, select_generators, target_connections
from spikesim.kernel.routes import DeviceRoute
from spikesim.models.ppd_sup_generator import PpdSupGenerator
from spikesim.models.sinusoidal_gamma_generator import SinusoidalGammaGenerator

KIND_GAMMA = 0
KIND_PPD = 1
_T0_UNSET = -1.0  # a gamma train that has not run yet: its t0 is the start of its first run


class _Ranks(Protocol):
    """The communicator as the checkpoint gather sees it (see :mod:`spikesim.parallel`)."""

    size: int

    def allgather(self, a: np.ndarray) -> list[np.ndarray]:
        """Every rank's ``a``, in rank order."""


@dataclass
class _Group:
    """The connections of one model and the trains they read."""

    kind: int
    conns: TargetConns
    train: np.ndarray      # per connection: its train
    tkeys: np.ndarray      # per train: stream key
    tgen: np.ndarray       # per train: generator column
    par: np.ndarray        # per generator: constants (see the models' ``constants``)
    state: np.ndarray      # per train: state row (see the module docstring)


class RenewalRoutes(GammaMipRoutes):
    """The engine's gamma_sup, mip (see :class:`GammaMipRoutes`), sinusoidal_gamma and
    ppd_sup generator input, with its state.

    The engine calls :meth:`prepare` whenever it prepares, :meth:`send` once per slice,
    and :meth:`state` / :meth:`load_state` / :meth:`reset` with its own.
    """

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[_Group] = []
        #: trains' state between a restore (or a run) and the next prepare: keys and padded rows
        self.trains_store = _empty_store()
        self.h = 0.1  # resolution (ms), set by prepare

    def prepare(self, dr: DeviceRoute | None, model_of: Callable[[int], type[Any]], h: float, mode: np.ndarray,
                seed: int, slice_steps: int) -> None:
        """:meth:`GammaMipRoutes.prepare` (same parameters) for the four models: the
        connections of gamma_sup, mip, sinusoidal_gamma and ppd_sup generators out of the
        ``poisson`` route ``dr``."""
        super().prepare(dr, model_of, h, mode, seed, slice_steps)
        if self.groups:
            self.trains_store = self._live()
        self.groups = []
        self.h = h
        if dr is not None:
            models = [model_of(g) for g in dr.gen_ids]
            for kind, cls in ((KIND_GAMMA, SinusoidalGammaGenerator), (KIND_PPD, PpdSupGenerator)):
                mask = np.array([issubclass(mdl, cls) for mdl in models], dtype=bool)
                if mask.any():
                    sub = select_generators(dr, mask)
                    self.groups.append(self._group(kind, sub, target_connections(sub, h, mode, seed), h, seed))
        self.trains_store = _empty_store()  # a rank keeps only its own trains: the others' live on their ranks

    def _group(self, kind: int, dr: DeviceRoute, c: TargetConns, h: float, seed: int) -> _Group:
        """Trains, constants and (kept or fresh) state of one model's connections."""
        if kind == KIND_GAMMA:
            par = np.array([SinusoidalGammaGenerator.constants(p) for p in c.gens], dtype=np.float64).reshape(-1, 5)
            shared = np.array([not p["individual_spike_trains"] for p in c.gens], dtype=bool)
        else:
            par = np.array([PpdSupGenerator.constants(p, h) for p in c.gens], dtype=np.float64).reshape(-1, 5)
            shared = np.zeros(len(c.gens), dtype=bool)
        gid = np.asarray(dr.gen_ids, dtype=np.uint64)
        shared_key = np.array([rng.stream_key(np.uint64(seed), g, rng.PURPOSE_GENERATOR, 0) for g in gid],
                              dtype=np.uint64)
        ckey = np.where(shared[c.col], shared_key[c.col], c.keys)
        tkeys, train = np.unique(ckey, return_inverse=True)
        tgen = np.zeros(tkeys.size, dtype=np.int64)
        tgen[train] = c.col
        fresh = [self._fresh(kind, c.gens[g], h) for g in tgen]
        width = max((r.size for r in fresh), default=0)
        state = np.zeros((tkeys.size, width))
        for i, r in enumerate(fresh):
            state[i, :r.size] = r
        self._restore(tkeys, state, [r.size for r in fresh])
        return _Group(kind, c, train.astype(np.int64), tkeys, tgen, par, state)

    @staticmethod
    def _fresh(kind: int, p: dict[str, Any], h: float) -> np.ndarray:
        """A new train's state row."""
        if kind == KIND_GAMMA:
            return np.array([_T0_UNSET, 0.0, *SinusoidalGammaGenerator.constants(p)])
        return np.concatenate([[0.0], PpdSupGenerator.initial_age(p, h)])

    def _restore(self, tkeys: np.ndarray, state: np.ndarray, sizes: list[int]) -> None:
        """Kept rows where their keys match (a ppd row only if its dead time has as many steps)."""
        keys, lens, rows = self.trains_store
        if not keys.size:
            return
        pos = {int(k): i for i, k in enumerate(keys)}
        for t, k in enumerate(tkeys):
            j = pos.get(int(k))
            if j is None or lens[j] != sizes[t]:
                continue
            state[t, :sizes[t]] = rows[j, :sizes[t]]

    def _live(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Keys, row lengths and padded rows of this rank's trains."""
        if not self.groups:
            return _empty_store()
        keys = [g.tkeys for g in self.groups]
        lens = [np.full(g.tkeys.size, g.state.shape[1], dtype=np.int64) if g.kind == KIND_GAMMA
                else 2 + g.par[g.tgen, 3].astype(np.int64) for g in self.groups]
        width = max((g.state.shape[1] for g in self.groups), default=0)
        rows = [np.pad(g.state, ((0, 0), (0, width - g.state.shape[1]))) for g in self.groups]
        return np.concatenate(keys), np.concatenate(lens), np.concatenate(rows)

    def send(self, s0: int, m: int, ring: np.ndarray, L: int) -> None:
        """Add the counts of steps s0 .. s0+m-1 (a whole slice) to the ring.

        Parameters
        ----------
        s0, m : int
            First step and number of steps.
        ring : ndarray
            ``ring[channel, s % L, node]``: input read when updating step ``s``.
        L : int
            Slots of the ring.
        """
        super().send(s0, m, ring, L)
        h = self.h
        for g in self.groups:
            c = g.conns
            if g.kind == KIND_GAMMA:
                gamma_start(g.state, g.par, g.tgen, s0 * h)
                spikes = gamma_trains(g.state, g.par, g.tgen, g.tkeys, c.lo, c.hi, s0, m, h)
            else:
                spikes = ppd_trains(g.state, g.par, g.tgen, g.tkeys, c.lo, c.hi, s0, m, h)
            deliver_trains(spikes, g.train, c.tgt, c.ch, c.factor, c.d, c.chunks, s0, ring, L)
            if c.n_rec:  # connections to spike recorders: their trains' counts, in recorder-column order
                self.keep_recorded(c, s0, spikes[:, g.train[c.rec >= 0]])

    def state(self, comm: _Ranks) -> dict[str, np.ndarray]:
        """The gamma_sup phases and the state of all trains (of every rank), for checkpoints.

        Returns
        -------
        dict of ndarray
            Those of :meth:`GammaMipRoutes.state`, ``renewal/keys`` (train keys),
            ``renewal/lens`` (row lengths) and ``renewal/rows`` (the rows, one run of
            ``lens[i]`` floats per key).
        """
        out = super().state(comm)
        keys, lens, padded = self._live() if self.prepared else self.trains_store
        rows = padded[np.arange(padded.shape[1]) < lens[:, None]] if keys.size else np.zeros(0)
        if comm.size > 1 and self.prepared:
            keys, lens, rows = (np.concatenate(comm.allgather(a)) for a in (keys, lens, rows))
        return {**out, "renewal/keys": keys, "renewal/lens": lens, "renewal/rows": rows}

    def load_state(self, arrays: dict[str, np.ndarray]) -> None:
        """Continue from :meth:`state` (missing arrays: no trains yet)."""
        super().load_state(arrays)
        self.groups = []
        keys = arrays.get("renewal/keys", np.zeros(0, np.uint64)).astype(np.uint64)
        lens = arrays.get("renewal/lens", np.zeros(0, np.int64)).astype(np.int64)
        rows = arrays.get("renewal/rows", np.zeros(0))
        padded = np.zeros((keys.size, int(lens.max()) if lens.size else 0))
        padded[np.arange(padded.shape[1]) < lens[:, None]] = rows
        self.trains_store = (keys, lens, padded)

    def reset(self) -> None:
        """Back to t = 0: every train (and gamma_sup connection) starts afresh."""
        super().reset()
        self.groups = []
        self.trains_store = _empty_store()


def _empty_store() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """No kept state: (keys, row lengths, padded rows)."""
    return np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros((0, 0))


@njit(cache=True)
def delta_lambda(rate: float, amp: float, om: float, phi: float, order: float, ta: float, tb: float) -> float:
    """The hazard integral ``order * integral_{ta}^{tb} rate(t) dt`` (rates in spikes/ms, times in ms)."""
    if ta == tb:
        return 0.0
    d = order * rate * (tb - ta)
    if abs(amp) > 0.0 and abs(om) > 0.0:
        d += -order * amp / om * (math.cos(om * tb + phi) - math.cos(om * ta + phi))
    return d


@njit(cache=True)
def gamma_start(state: np.ndarray, par: np.ndarray, tgen: np.ndarray, t_ms: float) -> None:
    """Start new trains at ``t_ms`` (ms) and, in trains whose parameters changed, fold
    the integral up to ``t_ms`` computed with the old parameters into ``Lambda(t0)``."""
    for t in range(state.shape[0]):
        g = tgen[t]
        changed = False
        for k in range(5):
            changed = changed or state[t, 2 + k] != par[g, k]
        if state[t, 0] == _T0_UNSET:
            state[t, 0] = t_ms
            state[t, 1] = 0.0
        elif changed:
            state[t, 1] += delta_lambda(state[t, 2], state[t, 3], state[t, 4], state[t, 5], state[t, 6],
                                        state[t, 0], t_ms)
            state[t, 0] = t_ms
        for k in range(5):
            state[t, 2 + k] = par[g, k]


@njit(cache=True)
def hazard_ratio(a: float, x: float) -> float:
    """``x**(a-1) exp(-x) / Gamma(a, x)`` (upper incomplete gamma), for a >= 1, x >= 0.

    A series for the lower function where ``x < a + 1``, a continued fraction (modified
    Lentz) for the upper one elsewhere, which stays finite where both parts underflow.
    """
    if x <= 0.0:
        return 1.0 if a == 1.0 else 0.0
    if x < a + 1.0:
        ap, term = a, 1.0 / a
        total = term
        for _ in range(10000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        lower = total * math.exp(-x + a * math.log(x) - math.lgamma(a))
        return math.exp((a - 1.0) * math.log(x) - x - math.lgamma(a)) / (1.0 - lower)
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    f = d
    for i in range(1, 10000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        f *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return 1.0 / (x * f)  # Gamma(a, x) = exp(-x) x**a f


@njit(cache=True, parallel=True, nogil=True)
def gamma_trains(state: np.ndarray, par: np.ndarray, tgen: np.ndarray, tkeys: np.ndarray, lo: np.ndarray,
                 hi: np.ndarray, s0: int, m: int, h: float) -> np.ndarray:
    """Spikes (0 or 1) of every gamma train in the steps s0 .. s0+m-1, shape (m, trains)."""
    out = np.zeros((m, state.shape[0]), dtype=np.int64)
    for t in prange(state.shape[0]):
        g = tgen[t]
        rate, amp, om, phi, order = par[g, 0], par[g, 1], par[g, 2], par[g, 3], par[g, 4]
        for i in range(m):
            s = s0 + i
            t_ms = (s + 1) * h
            r = rate + amp * math.sin(om * t_ms + phi)
            if r <= 0.0 or s <= lo[g] or s > hi[g]:
                continue
            lam = state[t, 1] + delta_lambda(rate, amp, om, phi, order, state[t, 0], t_ms)
            if rng.uniform(tkeys[t], s) < h * order * r * hazard_ratio(order, lam):
                out[i, t] = 1
                state[t, 0] = t_ms
                state[t, 1] = 0.0
    return out


@njit(cache=True, parallel=True, nogil=True)
def ppd_trains(state: np.ndarray, par: np.ndarray, tgen: np.ndarray, tkeys: np.ndarray, lo: np.ndarray,
               hi: np.ndarray, s0: int, m: int, h: float) -> np.ndarray:
    """Spike counts of every ppd_sup train in the steps s0 .. s0+m-1, shape (m, trains)."""
    out = np.zeros((m, state.shape[0]), dtype=np.int64)
    for t in prange(state.shape[0]):
        g = tgen[t]
        hazard, amp, om, bins = par[g, 0], par[g, 1], par[g, 2], int(par[g, 3])
        if hazard <= 0.0:
            continue
        for i in range(m):
            s = s0 + i
            if s <= lo[g] or s > hi[g]:
                continue
            p = hazard * (1.0 + amp * math.sin(om * s * h)) if amp > 0.0 else hazard
            free = int(state[t, 1])
            k = binomial(free, p, rng.uniform(tkeys[t], s)) if free > 0 else 0
            if bins > 0:
                slot = int(state[t, 0])
                state[t, 1] = free + state[t, 2 + slot] - k
                state[t, 2 + slot] = k
                state[t, 0] = (slot + 1) % bins
            out[i, t] = k
    return out


@njit(cache=True, parallel=True, nogil=True)
def deliver_trains(spikes: np.ndarray, train: np.ndarray, tgt: np.ndarray, ch: np.ndarray, factor: np.ndarray,
                   d: np.ndarray, chunks: np.ndarray, s0: int, ring: np.ndarray, L: int) -> None:
    """Add ``factor`` times each connection's train's counts to the ring (chunks share no target)."""
    for q in prange(chunks.shape[0] - 1):
        for c in range(chunks[q], chunks[q + 1]):
            if ch[c] < 0:
                continue
            for i in range(spikes.shape[0]):
                k = spikes[i, train[c]]
                if k > 0:
                    ring[ch[c], (s0 + i + d[c]) % L, tgt[c]] += factor[c] * k
