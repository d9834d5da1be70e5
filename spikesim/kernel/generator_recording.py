"""What the recorders get of generators: multimeters sample them, spike recorders
record trains of Poisson generators.

Generators with recordables (dc, ac, step_current and noise generators: ``I`` in pA;
sinusoidal_poisson_generator: ``rate`` in spikes/s) are sampled through
:class:`~spikesim.kernel.samplers.SamplerPlan` s like neurons, but their values are
functions of the step that the model computes for a whole aligned slice at once
(:meth:`~spikesim.models.generators.Generator.recorded`), on every process (generators
exist on every rank), so they need no gather.  The value of step ``s`` is stamped
``(s + 1) h``, as NEST's generators record it.

A spike recorder connected straight to a Poisson generator (poisson, sinusoidal or
inhomogeneous Poisson generator) records a train of its own, drawn as for any other
target, or the one train all targets share (``individual_spike_trains`` False, then
the very train the other targets get).  The draws of a slice are made for all such
connections at once, from counter-based streams keyed by (generator, recorder) and
numbered by step, so they do not depend on threads, processes or how a run is split.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit

from spikesim import rng
from spikesim.kernel.routes import poisson_keys
from spikesim.kernel.samplers import SamplerPlan, keep_samples, sampled_nodes
from spikesim.models.generators import Generator, PoissonGenerator
from spikesim.models.poisson_generators import RatePoissonGenerator
from spikesim.network.populations import DevicePopulation
from spikesim.recording.devices import RecordingDevice

if TYPE_CHECKING:
    from spikesim.network.node_table import NodeTable
    from spikesim.network.populations import Population
    from spikesim.network.projection import Projection
    from spikesim.parallel import Communicator

_NONE = np.zeros(0, dtype=np.int64)


@dataclass
class RecorderFeed:
    """The Poisson generators a spike recorder is connected to, ready to draw.

    ``col`` (generator column), ``gid`` (generator node id) and ``keys`` (stream) hold
    one entry per connection, in generator id order.
    """

    device: RecordingDevice
    groups: list[tuple[type[Generator], np.ndarray, Any]]   # per model: columns, prepared data
    n_gens: int
    col: np.ndarray
    gid: np.ndarray
    keys: np.ndarray
    counts: np.ndarray                     # (nodes + 1,): 1 at each generator (record_spikes' counts)


@dataclass
class GeneratorRecording:
    """The engine's per-slice work for recorders of generators (see the module)."""

    plans: dict[int, SamplerPlan]          # population index -> plan of sampled generators
    feeds: list[RecorderFeed]
    slice_steps: int
    h: float

    def slice(self, s0: int, m: int) -> bool:
        """Sample the generators and draw the recorders' trains in steps ``s0 .. s0+m-1``.

        Parameters
        ----------
        s0 : int
            First step (a sample of step ``s`` is stamped ``s + 1``).
        m : int
            Steps, at most the rest of the aligned slice; the plans' buffers have room.

        Returns
        -------
        bool
            Whether a spike recorder holds enough rows to hand them over now.
        """
        sample_generators(list(self.plans.values()), s0, m)
        full = False
        for feed in self.feeds:
            full = _feed(feed, self.h, s0, m) or full
        return full


def generator_recording(nodes: NodeTable, projections: Mapping[tuple[str, str], Projection], h: float,
                        seed: int, m: int, buffer_bytes: int) -> GeneratorRecording | None:
    """The plans of sampled generators and the feeds of recorders of Poisson generators.

    Parameters
    ----------
    nodes : NodeTable
        Populations, their parameters and the processes (``comm``).
    projections : mapping
        All projections, keyed by (synapse model, route).
    h : float
        Resolution (ms).
    seed : int
        Seed of the simulator.
    m : int
        Slice length (steps, min_delay): values are computed per aligned slice.
    buffer_bytes : int
        Bytes of samples a plan's buffer holds before they go to the devices.

    Returns
    -------
    GeneratorRecording or None
        None when no recorder records a generator.
    """
    plans = generator_plans(nodes.populations, nodes.split, projections, h, seed, nodes.comm, m, buffer_bytes)
    feeds = recorder_feeds(nodes, projections, h, seed)
    if not plans and not feeds:
        return None
    return GeneratorRecording(plans, feeds, m, h)


def generator_plans(populations: Sequence[Population],
                    split: Callable[[np.ndarray], list[tuple[Population, np.ndarray, np.ndarray]]],
                    projections: Mapping[tuple[str, str], Projection], h: float, seed: int,
                    comm: Communicator, m: int, buffer_bytes: int) -> dict[int, SamplerPlan]:
    """One plan per sampled generator population, keyed by its index in ``populations``.

    Collective in a distributed run when a generator whose value depends on its targets
    (noise_generator: the mean of its currents) is sampled: each process holds only the
    connections onto its own neurons, and the plan needs all of them.

    Parameters
    ----------
    populations, split
        As for :func:`sampler_plans`.
    projections : mapping
        All projections, keyed by (synapse model, route); the ``current`` route is read.
    h : float
        Resolution (ms).
    seed : int
        Seed of the simulator (noise generators' streams).
    comm : Communicator
        The processes.
    m : int
        Slice length (steps, min_delay); values are computed per aligned slice.
    buffer_bytes : int
        Bytes of samples a plan's buffer holds before they go to the devices.
    """
    plans: dict[int, SamplerPlan] = {}
    for pi, lst in sampled_nodes(populations, split).items():
        pop = populations[pi]
        if isinstance(pop, DevicePopulation) and issubclass(pop.model, Generator):
            plans[pi] = _generator_plan(pop, lst, projections, h, seed, comm, m, buffer_bytes)
    return plans


def _generator_plan(pop: DevicePopulation, lst: list[tuple[RecordingDevice, np.ndarray]],
                    projections: Mapping[tuple[str, str], Projection], h: float, seed: int,
                    comm: Communicator, m: int, buffer_bytes: int) -> SamplerPlan:
    """The plan of one generator population sampled by the devices of ``lst``."""
    model = pop.model
    assert issubclass(model, Generator)
    names = list(model.recordables)
    cols = np.unique(np.concatenate([loc for _, loc in lst]))
    ids = pop.first + cols
    targets = _generator_targets(projections, ids, comm) if getattr(model, "per_target", False) \
        else [_NONE] * ids.size
    prepared = model.prepare_recording([pop.nodes[int(c)] for c in cols], ids, targets, h, seed)
    cap = max(m, buffer_bytes // (8 * len(names) * cols.size))
    plan = SamplerPlan(np.arange(len(names), dtype=np.int64), np.full(pop.n, -1, dtype=np.int64), cols,
                       np.zeros((cap, len(names), cols.size)), np.zeros(cap, dtype=np.int64),
                       np.zeros((cap, len(lst)), dtype=bool),
                       source=partial(_aligned_values, model, prepared, h, m))
    for dev, loc in lst:
        var_rows = np.asarray([names.index(v) for v in dev.p["record_from"]], dtype=np.int64)
        pos = np.searchsorted(cols, loc)
        plan.devices.append((dev, pos, var_rows, [(1.0, np.zeros(loc.size)) for _ in var_rows],
                             pop.first + cols[pos]))
    return plan


def _generator_targets(projections: Mapping[tuple[str, str], Projection], ids: np.ndarray,
                       comm: Communicator) -> list[np.ndarray]:
    """Target ids of each generator's current connections, in the order the delivery
    route joins them (projections in order, then their own order), every process's."""
    parts = [p for (_, r), p in projections.items() if r == "current" and len(p)]
    src = np.concatenate([p.src for p in parts] or [_NONE]).astype(np.int64) + 1
    tgt = np.concatenate([p.tgt for p in parts] or [_NONE]).astype(np.int64) + 1
    out = [tgt[src == g] for g in ids]
    if comm.size > 1:  # a process holds the connections onto its own neurons only
        out = [np.concatenate(comm.allgather(t)) for t in out]
    return out


def _aligned_values(model: type[Generator], prepared: object, h: float, slice_steps: int, s0: int,
                    m: int) -> np.ndarray:
    """The generators' values in the steps ``s0 .. s0+m-1``, computed over the whole
    aligned slice that holds them, as the delivery computes them (a run that ends inside
    a slice, or a checkpoint there, records the same values as one that does not)."""
    a0 = s0 - s0 % slice_steps
    if a0 == s0 and m == slice_steps:
        return model.recorded(prepared, h, s0, m)
    return model.recorded(prepared, h, a0, slice_steps)[s0 - a0:s0 - a0 + m]


def sample_generators(plans: Sequence[SamplerPlan], s0: int, m: int) -> None:
    """Buffer the samples the devices take of generators in the steps ``s0 .. s0+m-1``.

    Parameters
    ----------
    plans : sequence of SamplerPlan
        The generators' plans (made by :func:`generator_plans`), changed in place; their
        buffers have room for ``m`` more rows.
    s0 : int
        First step; the value of step ``s0 + i`` gets stamp ``s0 + i + 1``.
    m : int
        Steps (at most the rest of the aligned slice).
    """
    for plan in plans:
        masks = [d[0].sample_steps(s0, m) for d in plan.devices]
        rec_mask = masks[0] if len(masks) == 1 else np.logical_or.reduce(masks)
        if rec_mask.any():
            assert plan.source is not None
            plan.out[plan.fill:plan.fill + m] = plan.source(s0, m)
            keep_samples(plan, masks, rec_mask, s0, m)


def recorder_feeds(nodes: NodeTable, projections: Mapping[tuple[str, str], Projection], h: float,
                   seed: int) -> list[RecorderFeed]:
    """One feed per spike recorder connected to Poisson generators.

    Parameters
    ----------
    nodes : NodeTable
        Populations and their parameters.
    projections : mapping
        All projections; the ``record`` route is read.
    h : float
        Resolution (ms).
    seed : int
        Seed of the simulator (the streams are keyed by it).
    """
    parts = [p for (_, r), p in projections.items() if r == "record" and len(p)]
    src = np.concatenate([p.src for p in parts] or [_NONE]).astype(np.int64) + 1
    tgt = np.concatenate([p.tgt for p in parts] or [_NONE]).astype(np.int64) + 1
    # by population, not node by node: every neuron of a large network is recorded
    sends_poisson = np.zeros(nodes.num_nodes + 1, dtype=bool)
    for pop in nodes.populations:
        # the Poisson generators' trains are drawn here; the others' by their routes (train_recording)
        sends_poisson[pop.first:pop.first + pop.n] = issubclass(pop.model, (PoissonGenerator, RatePoissonGenerator))
    poisson = sends_poisson[src]
    feeds = []
    for rec_id in np.unique(tgt[poisson]):
        gid = np.sort(src[poisson & (tgt == rec_id)])
        feeds.append(_recorder_feed(nodes, int(rec_id), gid, h, seed))
    return feeds


def _recorder_feed(nodes: NodeTable, rec_id: int, gid: np.ndarray, h: float, seed: int) -> RecorderFeed:
    """The feed of recorder ``rec_id`` from the generators ``gid`` (one entry per connection)."""
    gens = np.unique(gid)
    col = np.searchsorted(gens, gid)
    models = [nodes.model_of(int(g)) for g in gens]
    params = [nodes.node(int(g)) for g in gens]
    groups: list[tuple[type[Generator], np.ndarray, Any]] = []
    for model in dict.fromkeys(models):
        cols = np.array([i for i, mdl in enumerate(models) if mdl is model], dtype=np.int64)
        ps = [params[i] for i in cols]
        if issubclass(model, RatePoissonGenerator):
            groups.append((model, cols, model.prepare_rates(ps, h)))
        else:
            assert issubclass(model, PoissonGenerator)
            win = np.array([model.window(p, h) for p in ps], dtype=np.int64).reshape(-1, 2)
            groups.append((model, cols, (np.array([p["rate"] / 1000.0 for p in ps]), win)))
    own = np.array([not issubclass(mdl, RatePoissonGenerator) or mdl.individual(p)
                    for mdl, p in zip(models, params, strict=True)], dtype=bool)
    # a shared train: the stream every target of the generator reads (see routes._prepare_rate)
    sub = np.where(own[col], np.uint64(rec_id), np.uint64(0)).astype(np.uint64)
    keys = poisson_keys(np.uint64(seed), gid.astype(np.uint64), sub)
    counts = np.zeros(nodes.num_nodes + 1, dtype=np.int64)
    counts[gens] = 1
    return RecorderFeed(nodes.node(rec_id), groups, gens.size, col, gid, keys, counts)


def _feed(feed: RecorderFeed, h: float, s0: int, m: int) -> bool:
    """Draw the feed's trains in steps ``s0 .. s0+m-1`` and hand them to its recorder."""
    lam = np.zeros((m, feed.n_gens))
    for model, cols, prepared in feed.groups:
        if issubclass(model, RatePoissonGenerator):
            lam[:, cols] = model.lambdas(prepared, h, s0, m)
        else:
            rate, win = prepared
            s = np.arange(s0, s0 + m)[:, None]  # PoissonGenerator.active for all at once
            lam[:, cols] = np.where((s > win[:, 0]) & (s <= win[:, 1]), rate * h, 0.0)
    counts = _draw_counts(lam, feed.col, feed.keys, s0)
    i, c = np.nonzero(counts)  # by step, then connection (generator id order)
    if not i.size:
        return False
    return feed.device.record_spikes(feed.gid[c], s0 + i, counts[i, c].astype(np.float64), feed.counts)


@njit(cache=True)
def _draw_counts(lam: np.ndarray, col: np.ndarray, keys: np.ndarray, s0: int) -> np.ndarray:
    """Poisson counts of mean ``lam[i, col[c]]`` for connection ``c`` in step ``s0 + i``
    (draw number = step), by inversion as the delivery of rate generators draws."""
    out = np.zeros((lam.shape[0], col.shape[0]), dtype=np.int64)
    for c in range(col.shape[0]):
        for i in range(lam.shape[0]):
            mu = lam[i, col[c]]
            if mu <= 0.0:
                continue
            out[i, c] = rng.poisson_inversion(mu, rng.uniform(keys[c], s0 + i))  # the delivery's draw
    return out
