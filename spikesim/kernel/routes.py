"""Input from generators, prepared for the compiled loops.

Current and Poisson generators reach their targets through connections of the
``current`` and ``poisson`` routes; :func:`device_route` joins the projections of a
route into one table with a generator column per connection.  Spike generators have
no route of their own: their spikes, known in advance, join each slice's spike list
(:func:`spike_generator_schedule`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numba import njit

from spikesim import rng
from spikesim.kernel.delivery import deliver_currents, deliver_poisson, deliver_poisson_uniform, poisson_channels
from spikesim.models.base import NeuronModel
from spikesim.models.generators import CurrentGenerator, PoissonGenerator, SpikeGenerator
from spikesim.models.poisson_generators import RatePoissonGenerator
from spikesim.models.pulsepacket_generator import PulsepacketGenerator
from spikesim.network.populations import DevicePopulation

if TYPE_CHECKING:
    from spikesim.models.base import Model
    from spikesim.network.populations import Population
    from spikesim.network.projection import Projection


@dataclass
class DeviceRoute:
    """Connections from generators of one kind, with per-connection generator column.

    Columns ``w`` (pA or nS per unit of the generator's output), ``d`` (delay, steps) and
    ``rcpt`` hold one value per connection or a single shared value.
    """

    gens: list[dict[str, Any]]             # parameters of each generator (column order)
    col: np.ndarray                        # generator column of each connection
    tgt: np.ndarray                        # 0-based target of each connection
    w: np.ndarray
    d: np.ndarray
    rcpt: np.ndarray
    gen_ids: list[int] = field(default_factory=list)


@dataclass
class PoissonRoute:
    """The connections of Poisson generators, ordered by target, ready to draw.

    Made by :func:`prepare_poisson`; ``col``, ``tgt`` and ``d`` (steps) as in
    :class:`DeviceRoute`, in target order.
    """

    col: np.ndarray
    tgt: np.ndarray
    d: np.ndarray
    keys: np.ndarray                       # random stream of each connection
    tables: np.ndarray                     # cumulative Poisson distribution per generator
    guides: np.ndarray                     # guide table per generator
    ch: np.ndarray                         # ring channel per connection (-1: dropped)
    factor: np.ndarray                     # what a count is multiplied by
    lo: np.ndarray                         # active window per generator: lo < step <= hi
    hi: np.ndarray
    on: np.ndarray                         # rate > 0
    chunks: np.ndarray                     # cuts into runs of connections sharing no target
    uniform: tuple[int, int, float] | None  # (channel, delay, factor) when all share them
    #: slice length -> the ``active`` mask of a slice inside every generator's window
    steady: dict[int, np.ndarray] = field(default_factory=dict)
    #: every window is open over the steps (lo_max, hi_min]
    lo_max: int = field(init=False)
    hi_min: int = field(init=False)

    def __post_init__(self) -> None:
        self.lo_max = int(self.lo.max()) if self.lo.size else 0
        self.hi_min = int(self.hi.min()) if self.hi.size else -1


def device_route(projections: Mapping[tuple[str, str], Projection], route: str,
                 node: Callable[[int], Any]) -> DeviceRoute | None:
    """Join the non-empty projections of ``route`` into one table.

    Parameters
    ----------
    projections : mapping
        All projections, keyed by (synapse model, route).
    route : str
        ``"current"`` or ``"poisson"``.
    node : callable
        Node id (1-based) -> the generator's parameter dict.

    Returns
    -------
    DeviceRoute or None
        None when no connection uses the route.
    """
    parts = [p for (_, r), p in projections.items() if r == route and len(p)]
    if not parts:
        return None
    src = np.concatenate([p.src for p in parts]).astype(np.int64)
    gen_ids = np.unique(src) + 1
    gens = [node(int(g)) for g in gen_ids]
    col = np.searchsorted(gen_ids - 1, src)
    tgt = np.concatenate([p.tgt for p in parts])
    sizes = [len(p) for p in parts]
    w = _concat_column([p.w for p in parts], sizes, np.float64)
    d = _concat_column([p.d for p in parts], sizes, np.int64)
    r = _concat_column([p.rcpt for p in parts], sizes, np.int8)
    return DeviceRoute(gens, col, tgt, w, d, r, gen_ids=[int(g) for g in gen_ids])


def current_groups(route: DeviceRoute | None, model_of: Callable[[int], type[Model]], h: float, seed: int = 0
                   ) -> list[tuple[type[CurrentGenerator], np.ndarray, Any]]:
    """Current generators grouped by model, with each model's prepared data.

    Parameters
    ----------
    route : DeviceRoute or None
        The ``current`` route (None: no current generator is connected).
    model_of : callable
        Node id -> its model class.
    h : float
        Resolution (ms).
    seed : int
        Seed of the simulator, for models drawing a current per target.

    Returns
    -------
    list of (model, columns, prepared)
        One entry per model, so a slice makes one call per model, not per node.  For
        models with a current per target (``per_target``), ``columns`` are the indices
        of their connections in the route instead of generator columns.
    """
    if route is None:
        return []
    models = [model_of(g) for g in route.gen_ids]
    groups: list[tuple[type[CurrentGenerator], np.ndarray, Any]] = []
    for model in dict.fromkeys(models):
        assert issubclass(model, CurrentGenerator)
        cols = np.array([i for i, mdl in enumerate(models) if mdl is model], dtype=np.int64)
        nodes = [route.gens[i] for i in cols]
        if model.per_target:
            conns = np.flatnonzero(np.isin(route.col, cols))
            local = np.searchsorted(cols, route.col[conns])
            gid = np.asarray(route.gen_ids, dtype=np.int64)[route.col[conns]]
            prepared = model.prepare_targets(nodes, local, gid, route.tgt[conns].astype(np.int64) + 1,
                                             h, seed)
            groups.append((model, conns, prepared))
        else:
            groups.append((model, cols, model.prepare_many(nodes, h)))
    return groups


def send_currents(route: DeviceRoute, groups: list[tuple[type[CurrentGenerator], np.ndarray, Any]], h: float,
                  s0: int, m: int, ring: np.ndarray, L: int) -> None:
    """Add the currents (pA) sent in the steps s0 .. s0+m-1 to the ring.

    Parameters
    ----------
    route : DeviceRoute
        The ``current`` route.
    groups : list
        What :func:`current_groups` made of it.
    h : float
        Resolution (ms).
    s0, m : int
        First step and number of steps (a whole min_delay slice).
    ring : ndarray
        ``ring[channel, s % L, node]``: input read when updating step ``s``.
    L : int
        Slots of the ring.
    """
    amp = np.zeros((m, len(route.gens)))
    own = [c for mdl, c, _ in groups if mdl.per_target]  # connections with a current of their own
    for model, cols, prepared in groups:  # one call per model, not per node
        if model.per_target:
            cur = model.currents_targets(prepared, h, s0, m)
            w = route.w if route.w.size == 1 else route.w[cols]
            d = route.d if route.d.size == 1 else route.d[cols]
            deliver_currents(cur, np.arange(cols.size), route.tgt[cols], w, d, s0, ring, L)
        else:
            amp[:, cols] = model.amplitudes_many(prepared, h, s0, m)
    if not own:
        deliver_currents(amp, route.col, route.tgt, route.w, route.d, s0, ring, L)
    elif len(own) < len(groups):
        keep = np.setdiff1d(np.arange(route.tgt.size), np.concatenate(own))
        w = route.w if route.w.size == 1 else route.w[keep]
        d = route.d if route.d.size == 1 else route.d[keep]
        deliver_currents(amp, route.col[keep], route.tgt[keep], w, d, s0, ring, L)


def prepare_poisson(dr: DeviceRoute, h: float, mode: np.ndarray, seed: int) -> PoissonRoute:
    """Tables, windows, streams and chunks of the Poisson generators of ``dr``.

    Connections are reordered by target (stable) and cut into chunks that never share
    a target, so chunks can run in parallel with a fixed order of additions.

    Parameters
    ----------
    dr : DeviceRoute
        The ``poisson`` route.
    h : float
        Resolution (ms); rates are in spikes/s.
    mode : ndarray of int
        Input mode of every node (see :func:`~spikesim.kernel.delivery.poisson_channels`).
    seed : int
        Seed of the simulator; each connection draws from its own stream of it.
    """
    tables = [rng.poisson_table(g["rate"] * h * 1e-3) for g in dr.gens]
    width = max(t.size for t in tables)
    table = np.full((len(tables), width), 2.0)
    for i, t in enumerate(tables):
        table[i, :t.size] = t
    guides = np.stack([rng.guide_table(t) for t in table])
    window = np.array([PoissonGenerator.window(g, h) for g in dr.gens], dtype=np.int64).reshape(-1, 2)
    on = np.array([g["rate"] > 0 for g in dr.gens])
    order = np.argsort(dr.tgt, kind="stable")
    col, tgt = dr.col[order], dr.tgt[order]
    w = dr.w if dr.w.size == 1 else dr.w[order]
    d = dr.d if dr.d.size == 1 else dr.d[order]
    rcpt = dr.rcpt if dr.rcpt.size == 1 else dr.rcpt[order]
    ch, factor = poisson_channels(tgt, w, rcpt, mode)
    one = len(dr.gens) == 1 and d.size == 1 and ch.size and np.all(ch == ch[0]) \
        and ch[0] >= 0 and np.all(factor == factor[0])
    uniform = (int(ch[0]), int(d[0]), float(factor[0])) if one else None
    gid = np.asarray(dr.gen_ids, dtype=np.int64)[col]
    keys = poisson_keys(np.uint64(seed), gid.astype(np.uint64), tgt.astype(np.uint64) + 1)
    n = tgt.size
    n_chunks = max(1, min(64, n // 256))
    cuts = np.linspace(0, n, n_chunks + 1).astype(np.int64)
    # move every cut to the start of its target's run
    cuts[1:-1] = np.searchsorted(tgt, tgt[np.minimum(cuts[1:-1], n - 1)], side="left")
    return PoissonRoute(col, tgt, d, keys, table, guides, ch, factor, window[:, 0], window[:, 1], on,
                        np.unique(cuts), uniform)


def send_poisson(poi: PoissonRoute, s0: int, m: int, ring: np.ndarray, L: int) -> None:
    """Add the Poisson input sent in steps s0 .. s0+m-1 to the ring.

    Parameters
    ----------
    poi : PoissonRoute
        What :func:`prepare_poisson` made.
    s0, m : int
        First step and number of steps (a whole min_delay slice).
    ring : ndarray
        ``ring[channel, s % L, node]``: input read when updating step ``s``.
    L : int
        Slots of the ring.
    """
    if poi.lo_max < s0 and s0 + m - 1 <= poi.hi_min:
        # the usual slice, inside every window: the mask only depends on m (Python per slice)
        active = poi.steady.get(m)
        if active is None:
            active = poi.steady[m] = np.repeat(poi.on[None, :], m, axis=0)
    else:
        steps = np.arange(s0, s0 + m)[:, None]  # the rule of PoissonGenerator.active, for all at once
        active = (steps > poi.lo) & (steps <= poi.hi) & poi.on
    if poi.uniform is not None:
        ch, d0, f0 = poi.uniform
        deliver_poisson_uniform(active, poi.tables[0], poi.keys, poi.tgt, ring, ch, d0, f0, poi.chunks, s0, L)
    else:
        deliver_poisson(active, poi.tables, poi.guides, poi.col, poi.keys, poi.tgt, poi.ch, poi.factor,
                        poi.d, poi.chunks, s0, ring, L)


@dataclass
class RatePoissonRoute:
    """Connections of Poisson generators with a rate changing in time (one stream each).

    ``groups`` holds, per model, its generator columns and prepared data; ``col``,
    ``tgt``, ``d`` (steps), ``ch`` and ``factor`` are per connection, in target order.
    """

    groups: list[tuple[type[RatePoissonGenerator], np.ndarray, Any]]
    n_gens: int
    col: np.ndarray
    tgt: np.ndarray
    d: np.ndarray
    keys: np.ndarray
    ch: np.ndarray
    factor: np.ndarray


def poisson_routes(dr: DeviceRoute | None, model_of: Callable[[int], type[Model]], h: float, mode: np.ndarray,
                   seed: int) -> tuple[PoissonRoute | None, RatePoissonRoute | None]:
    """The ``poisson`` route split into constant-rate generators and rate-changing ones.

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

    Returns
    -------
    (PoissonRoute or None, RatePoissonRoute or None)
    """
    if dr is None:
        return None, None
    rate = np.array([issubclass(model_of(g), RatePoissonGenerator) for g in dr.gen_ids], dtype=bool)
    # other models of the route (gamma_sup, mip) are prepared by spikesim.kernel.gamma_mip
    constant = np.array([issubclass(model_of(g), PoissonGenerator) for g in dr.gen_ids], dtype=bool)
    plain = prepare_poisson(_sub_route(dr, constant), h, mode, seed) if constant.any() else None
    return plain, (_prepare_rate(_sub_route(dr, rate), model_of, h, mode, seed) if rate.any() else None)


def _sub_route(dr: DeviceRoute, keep_gen: np.ndarray) -> DeviceRoute:
    """The connections of the generators ``keep_gen`` (a mask over columns)."""
    if keep_gen.all():
        return dr
    cols = np.flatnonzero(keep_gen)
    conn = np.flatnonzero(keep_gen[dr.col])
    w, d, r = (a if a.size == 1 else a[conn] for a in (dr.w, dr.d, dr.rcpt))  # a shared value stays shared
    return DeviceRoute([dr.gens[i] for i in cols], np.searchsorted(cols, dr.col[conn]), dr.tgt[conn],
                       w, d, r, gen_ids=[dr.gen_ids[i] for i in cols])


def _prepare_rate(dr: DeviceRoute, model_of: Callable[[int], type[Model]], h: float, mode: np.ndarray,
                  seed: int) -> RatePoissonRoute:
    """Streams, channels and per-model data of rate-changing Poisson generators."""
    models: list[type[RatePoissonGenerator]] = []
    for g in dr.gen_ids:
        mdl = model_of(g)
        assert issubclass(mdl, RatePoissonGenerator)
        models.append(mdl)
    groups: list[tuple[type[RatePoissonGenerator], np.ndarray, Any]] = []
    for model in dict.fromkeys(models):
        cols = np.array([i for i, mdl in enumerate(models) if mdl is model], dtype=np.int64)
        groups.append((model, cols, model.prepare_rates([dr.gens[i] for i in cols], h)))
    order = np.argsort(dr.tgt, kind="stable")
    col, tgt = dr.col[order], dr.tgt[order]
    w = dr.w if dr.w.size == 1 else dr.w[order]
    d = dr.d if dr.d.size == 1 else dr.d[order]
    rcpt = dr.rcpt if dr.rcpt.size == 1 else dr.rcpt[order]
    ch, factor = poisson_channels(tgt, w, rcpt, mode)
    individual = np.array([models[i].individual(dr.gens[i]) for i in range(len(models))], dtype=np.bool_)
    gid = np.asarray(dr.gen_ids, dtype=np.uint64)[col]
    # a shared train: every target of the generator reads the same stream
    sub = np.where(individual[col], tgt.astype(np.uint64) + np.uint64(1), np.uint64(0))
    keys = poisson_keys(np.uint64(seed), gid, sub)
    return RatePoissonRoute(groups, len(dr.gens), col, tgt, np.broadcast_to(d, tgt.shape).astype(np.int64),
                            keys, ch, factor)


def send_rate_poisson(route: RatePoissonRoute, h: float, s0: int, m: int, ring: np.ndarray, L: int) -> None:
    """Add the counts of rate-changing Poisson generators drawn in steps s0 .. s0+m-1 to the ring.

    Parameters
    ----------
    route : RatePoissonRoute
        What :func:`poisson_routes` made.
    h : float
        Resolution (ms).
    s0, m : int
        First step and number of steps (a whole min_delay slice).
    ring : ndarray
        ``ring[channel, s % L, node]``: input read when updating step ``s``.
    L : int
        Slots of the ring.
    """
    lam = np.zeros((m, route.n_gens))
    for model, cols, prepared in route.groups:  # one call per model, not per node
        lam[:, cols] = model.lambdas(prepared, h, s0, m)
    _deliver_rate_poisson(lam, route.col, route.keys, route.tgt, route.ch, route.factor, route.d, s0, ring, L)


@njit(cache=True)
def _deliver_rate_poisson(lam: np.ndarray, col: np.ndarray, keys: np.ndarray, tgt: np.ndarray, ch: np.ndarray,
                          factor: np.ndarray, d: np.ndarray, s0: int, ring: np.ndarray, L: int) -> None:
    """Draw a Poisson count of mean ``lam[i, col[c]]`` for connection ``c`` in step s0+i
    (draw number = step) by inversion, and add ``factor[c]`` times it to the ring."""
    for c in range(col.shape[0]):
        if ch[c] < 0:
            continue
        g = col[c]
        for i in range(lam.shape[0]):
            mu = lam[i, g]
            if mu <= 0.0:
                continue
            k = rng.poisson_inversion(mu, rng.uniform(keys[c], s0 + i))
            if k > 0:
                ring[ch[c], (s0 + i + d[c]) % L, tgt[c]] += factor[c] * k


def spike_generator_schedule(populations: Iterable[Population], h: float, seed: int = 0
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The spikes of all spike generators, ordered by (stamp, sender).

    Parameters
    ----------
    populations : iterable of Population
        All populations; those of spike generators are read.
    h : float
        Resolution (ms).
    seed : int
        Seed of the simulator (pulse packets are drawn from it).

    Returns
    -------
    stamp, ids, mult : ndarray
        Stamp (a spike at ``stamp * h`` ms is handled as emitted in step ``stamp - 1``),
        0-based sender and multiplicity of every spike.
    """
    steps, ids, mult = [], [], []
    for pop in populations:
        if isinstance(pop, DevicePopulation) and issubclass(pop.model, SpikeGenerator):
            for i, p in enumerate(pop.nodes):
                k, mu = pop.model.schedule(p, h)
                steps.append(k)
                ids.append(np.full(k.size, pop.first + i - 1, dtype=np.int64))
                mult.append(mu)
        elif isinstance(pop, DevicePopulation) and issubclass(pop.model, PulsepacketGenerator):
            for i, p in enumerate(pop.nodes):
                k, mu = pop.model.draw_schedule(p, h, seed, pop.first + i)
                steps.append(k)
                ids.append(np.full(k.size, pop.first + i - 1, dtype=np.int64))
                mult.append(mu)
    if not steps:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    st = np.concatenate(steps)
    gi = np.concatenate(ids)
    order = np.lexsort((gi, st))
    return st[order], gi[order], np.concatenate(mult)[order]


def _concat_column(cols: list[np.ndarray], sizes: list[int], dtype: type) -> np.ndarray:
    """Columns of several projections as one; a single value when they all share it."""
    if all(c.size == 1 for c in cols) and len({c[0] for c in cols}) == 1:
        return cols[0].astype(dtype)
    return np.concatenate([np.broadcast_to(c, (n,)) if c.size == 1 else c
                           for c, n in zip(cols, sizes, strict=True)]).astype(dtype)


@njit(cache=True)
def poisson_keys(seed: np.uint64, gen: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """Stream key of each Poisson connection (generator node id ``gen``, target node id
    ``tgt``; 0: the generator's shared train).  A generator connected to one target
    several times sends each connection a train of its own, as NEST does: the k-th
    repeat of a pair (in the given order) is keyed with ``k << 32`` added to ``tgt``."""
    n = gen.shape[0]
    pair = (gen << np.uint64(32)) | tgt
    order = np.argsort(pair, kind="mergesort")
    out = np.empty(n, dtype=np.uint64)
    k = 0
    for a in range(n):
        c = order[a]
        k = k + 1 if a > 0 and pair[order[a - 1]] == pair[c] and tgt[c] != 0 else 0
        out[c] = rng.stream_key(seed, gen[c], rng.PURPOSE_POISSON, tgt[c] + (np.uint64(k) << np.uint64(32)))
    return out


class _Fed(Protocol):
    """A neuron population as :func:`bind_current_inputs` sees it."""

    model: type[Model]
    first: int
    n: int
    D: np.ndarray | None


def bind_current_inputs(neurons: Iterable[_Fed], currents: DeviceRoute | None, n_nodes: int) -> None:
    """Tell each population's kernel whether generator currents reach it in the coming
    run (:meth:`~spikesim.models.base.NeuronModel.bind_inputs`)."""
    fed = np.zeros(n_nodes, dtype=bool)
    if currents is not None:
        fed[currents.tgt] = True
    for pop in neurons:
        model = pop.model
        assert issubclass(model, NeuronModel) and pop.D is not None  # prepared before
        model.bind_inputs(pop.D, bool(fed[pop.first - 1:pop.first - 1 + pop.n].any()))


def generator_spikes(stamp: np.ndarray, ids: np.ndarray, mult: np.ndarray, s0: int, m: int, out_ids: np.ndarray,
                     out_steps: np.ndarray, out_mult: np.ndarray) -> int:
    """Put the spikes of spike generators stamped in (s0, s0 + m] (steps; ``stamp`` is
    sorted, see :func:`spike_generator_schedule`) first in the slice's spike list;
    returns how many."""
    if not stamp.size:
        return 0
    a, b = np.searchsorted(stamp, [s0 + 1, s0 + m + 1], side="left")
    k = int(b - a)
    if k > 0:
        out_ids[:k] = ids[a:b]
        out_steps[:k] = stamp[a:b] - 1
        out_mult[:k] = mult[a:b]
    return max(k, 0)
