"""The update loop: prepare the compiled data, then advance slice by slice.

Slices are ``min_delay`` steps long and aligned to multiples of it from t = 0
(NEST's scheme).  Within a slice nodes are independent, because no connection is
shorter than a slice: generators write their currents and Poisson input for the
whole aligned slice, neurons integrate and flag spikes, then the slice's spikes,
sorted by (step, sender), are delivered into ring buffers and handed to the
recorders.  Because the alignment and the generator pass do not depend on where a
``simulate`` call starts or ends, a run split into several calls, or interrupted by
a checkpoint, adds every input in the same order as an uninterrupted run.  Python
runs a fixed number of operations per slice; the per-neuron and per-spike work is
compiled, and results do not depend on the number of threads.
"""

from __future__ import annotations

import sys
import time as _time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numba
import numpy as np

from spikesim import rng
from spikesim.kernel.archive import PostArchive
from spikesim.kernel.delivery import (
    collect_spikes,
    deliver_currents,
    deliver_poisson,
    deliver_poisson_uniform,
    deliver_spikes,
    deliver_spikes_by_step,
    poisson_channels,
)
from spikesim.kernel.plasticity import deliver_stdp
from spikesim.models.base import N_CHANNELS
from spikesim.models.generators import (
    CurrentGenerator,
    PoissonGenerator,
    SpikeGenerator,
)
from spikesim.models.recorders import MultimeterModel, SpikeRecorderModel
from spikesim.network.populations import DevicePopulation, NeuronPopulation
from spikesim.recording.devices import RecordingDevice

if TYPE_CHECKING:
    from collections.abc import Callable

    from spikesim.models.registry import ModelRegistry
    from spikesim.network.connect import Connector
    from spikesim.network.node_table import NodeTable
    from spikesim.recording.manager import RecordingManager
    from spikesim.timegrid import TimeGrid


#: bytes of samples a population's sampling buffer holds before they go to the devices
SAMPLE_BUFFER_BYTES = 1 << 20
#: samples and spikes held by the engine go to the devices at least this often (s of
#: wall time), so live backends (screen, stream) and the hdf5 flush interval see them
EMIT_EVERY = 0.5


@dataclass
class _SamplerPlan:
    """Which state rows of which neurons of one population the samplers want, and the
    samples taken since they last went to the devices.

    The kernel writes the samples of a slice into ``out[fill:]`` (row ``i`` for step
    ``i`` of the slice); the engine then packs the sampled rows at ``fill`` and notes
    their stamps and which device wanted each.  Several slices accumulate before the
    devices get their grids (:meth:`Engine._emit_buffered`), so the per-slice Python
    work does not grow with the number of devices, variables or backends."""

    rows: np.ndarray                       # state rows sampled (union over devices)
    rec_col: np.ndarray                    # neuron -> column in rec_out, or -1
    cols: np.ndarray                       # local indices of sampled neurons (sorted)
    out: np.ndarray                        # sample buffer (cap, len(rows), len(cols)), cap >= m
    stamps: np.ndarray                     # (cap,) stamp of each buffered row
    wanted: np.ndarray                     # (cap, devices) which device samples each buffered row
    #: (device, column idx, row idx per var, (scale, offset) per var, sender node ids)
    devices: list[tuple[RecordingDevice, np.ndarray, np.ndarray, list[tuple[float, np.ndarray]], np.ndarray]] = \
        field(default_factory=list)
    fill: int = 0                          # buffered rows


@dataclass
class _DeviceRoute:
    """Connections from generators of one kind, with per-connection generator column."""

    gens: list[dict[str, Any]]
    col: np.ndarray
    tgt: np.ndarray
    w: np.ndarray
    d: np.ndarray
    rcpt: np.ndarray
    keys: np.ndarray | None = None
    tables: np.ndarray | None = None
    chunks: np.ndarray | None = None
    guides: np.ndarray | None = None
    ch: np.ndarray | None = None
    factor: np.ndarray | None = None
    uniform: tuple[int, int, float] | None = None
    lo: np.ndarray | None = None
    hi: np.ndarray | None = None
    on: np.ndarray | None = None
    gen_ids: list[int] = field(default_factory=list)


class Engine:
    """Compiled-data preparation and the slice loop of one simulator.

    Parameters
    ----------
    grid : TimeGrid
        Resolution and clock; :meth:`run` advances ``grid.step``.
    nodes : NodeTable
        The populations to update.
    connector : Connector
        The connections to deliver through.
    models : ModelRegistry
        Synapse models (which are plastic, their defaults).
    recording : RecordingManager
        The backends to prepare before and flush after each run.
    seed : callable
        Returns the seed of the Poisson streams.
    """

    def __init__(self, grid: TimeGrid, nodes: NodeTable, connector: Connector, models: ModelRegistry,
                 recording: RecordingManager, seed: Callable[[], int]) -> None:
        self.grid = grid
        self.nodes = nodes
        self.connector = connector
        self.models = models
        self.recording = recording
        self.seed = seed
        #: worker threads of the compiled loops (results do not depend on them)
        self.threads = 1
        #: show a progress bar on stderr (NEST's ``print_time``)
        self.print_time = False
        #: postsynaptic spike history of STDP targets
        self.archive = PostArchive(0)
        self._prepared_for: tuple[int, int] | None = None
        self.ring = np.zeros((N_CHANNELS, 1, 0))
        self.L = 1
        #: generators have sent their input for all steps before this one
        self.gen_until = 0
        self.gen_signature: tuple[Any, ...] = ()

    @property
    def valid(self) -> bool:
        """Whether the compiled data matches the nodes and connections."""
        return self._prepared_for == (self.nodes.version, self.connector.version)

    def invalidate(self) -> None:
        """Rebuild the compiled data before the next run."""
        self._prepared_for = None

    @property
    def worker_threads(self) -> int:
        """Threads the compiled loops use: ``threads``, capped at numba's maximum."""
        return min(self.threads, numba.config.NUMBA_NUM_THREADS)

    # -- state in and out -------------------------------------------------------------------
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Input in transit (the ring), how far generators have sent, the spike history."""
        arrays = {"engine/ring": self.ring}
        arrays.update({f"archive/{k}": v for k, v in self.archive.state().items()})
        return {"L": self.L, "gen_until": self.gen_until}, arrays

    def load_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Continue from :meth:`state` (the next run prepares the compiled data afresh)."""
        self.archive = PostArchive.from_state({k[len("archive/"):]: v for k, v in arrays.items()
                                               if k.startswith("archive/")})
        self.ring = arrays["engine/ring"].copy()
        self.L = int(meta["L"])
        self.gen_until = int(meta["gen_until"])
        self.invalidate()

    # -- preparation ---------------------------------------------------------------------
    def prepare(self) -> None:
        m = self.connector.min_delay_steps()
        dmax = self.connector.max_delay_steps()
        self.m = m
        self.tps = self.grid.tics_per_step
        self._resize_ring(max(self.L, dmax + m))
        self.mode = self.nodes.input_modes()
        self.neurons = [p for p in self.nodes.populations if isinstance(p, NeuronPopulation)]
        for p in self.neurons:
            p.prepare(m)
        projections = self.connector.projections
        spiking = [p for (_, r), p in projections.items() if r == "spike" and len(p)]
        self.spike_proj = []
        for p in spiking:
            if not self.models.synapse_model(p.synapse_model)[0].plastic:
                modes = np.unique(self.mode[p.tgt]) if len(p) else np.zeros(0)
                umode = int(modes[0]) if modes.size == 1 else -1
                # one delay: threads split the slice by steps (see deliver_spikes_by_step)
                par = self.worker_threads if self.worker_threads > 1 and p.d.size == 1 else None
                self.spike_proj.append((p, umode, par))
        self._prepare_plastic([p for p in spiking if self.models.synapse_model(p.synapse_model)[0].plastic])
        self.currents = self._device_route("current", CurrentGenerator)
        self.current_groups = self._current_groups()
        self.poisson = self._device_route("poisson", PoissonGenerator)
        if self.poisson is not None:
            self._prepare_poisson(self.poisson)
        self._prepare_spike_generators()
        self._prepare_recorders()
        # the spike flags of all populations in one buffer, population after population
        # (each a C-contiguous (m, n) block), so one call collects them all
        by_id = sorted(self.neurons, key=lambda p: p.first)
        sizes = np.array([p.n for p in by_id], dtype=np.int64)
        self.spk_off = np.concatenate([[0], np.cumsum(sizes * m)]).astype(np.int64)
        self.spk_flat = np.zeros(int(self.spk_off[-1]), dtype=np.int32)
        for q, p in enumerate(by_id):
            p.spk = self.spk_flat[self.spk_off[q]:self.spk_off[q + 1]].reshape(m, p.n)
        self.spk_n = sizes
        self.spk_base = np.array([p.first - 1 for p in by_id], dtype=np.int64)
        cap = sum(p.n for p in self.neurons) * m + 16
        self.buf_ids = np.zeros(cap, dtype=np.int64)
        self.buf_steps = np.zeros(cap, dtype=np.int64)
        self.buf_mult = np.zeros(cap, dtype=np.float64)
        self._prepared_for = (self.nodes.version, self.connector.version)

    def _prepare_plastic(self, projections: list[Any]) -> None:
        """STDP projections, their parameters, weight recorders and the post archive."""
        from spikesim.models.synapses import STDP_PARAMS
        arch = self.archive
        arch.resize(self.nodes.num_nodes)
        self.is_neuron = np.zeros(self.nodes.num_nodes, dtype=np.bool_)
        for pop in self.neurons:
            self.is_neuron[pop.first - 1:pop.first - 1 + pop.n] = True
            if "tau_minus" in pop.P:
                arch.tau_inv[pop.first - 1:pop.first - 1 + pop.n] = 1.0 / pop.P["tau_minus"]
        self.plastic = []
        for p in projections:
            cls, defaults = self.models.synapse_model(p.synapse_model)
            p.materialize("weight", "Kplus", "t_lastspike")
            arch.on[p.tgt] = True
            if "tau_plus" in p.extra:
                prm = np.stack([p.column(k) for k in STDP_PARAMS])
            else:
                prm = np.array([[float(defaults[k])] for k in STDP_PARAMS])
            wr = defaults.get("weight_recorder")
            dev = None
            if wr is not None:
                dev = self.nodes.node(int(wr))
            self.plastic.append((p, np.ascontiguousarray(prm), dev, np.diff(p.ptr)))
        self.archive_on = bool(arch.on.any())  # some neuron keeps a post-synaptic spike log

    def reset_state(self) -> None:
        """Back to t = 0: no input in transit, empty spike history, zero traces."""
        self.ring[...] = 0.0
        self.gen_until = 0
        self.archive = PostArchive(self.nodes.num_nodes)
        for p in self.connector.projections.values():
            for k in ("Kplus", "t_lastspike"):
                if k in p.extra:
                    p.extra[k] = np.zeros(1) if p.extra[k].size == 1 else np.zeros_like(p.extra[k])
        self._prepared_for = None

    def _resize_ring(self, L: int) -> None:
        n = self.nodes.num_nodes
        old, oldL = self.ring, self.L
        if old.shape == (N_CHANNELS, L, n):
            return
        ring = np.zeros((N_CHANNELS, L, n))
        s = self.grid.step
        if old.shape[2]:
            # keep input in transit: slots hold absolute steps s .. s + oldL - 1
            for a in range(s, s + oldL):
                ring[:, a % L, :old.shape[2]] = old[:, a % oldL, :]
        self.ring, self.L = ring, L

    def _device_route(self, route: str, kind: type) -> _DeviceRoute | None:
        parts = [p for (_, r), p in self.connector.projections.items() if r == route and len(p)]
        if not parts:
            return None
        src = np.concatenate([p.src for p in parts]).astype(np.int64)
        gen_ids = np.unique(src) + 1
        gens = []
        for g in gen_ids:
            gens.append(self.nodes.node(int(g)))
        col = np.searchsorted(gen_ids - 1, src)
        tgt = np.concatenate([p.tgt for p in parts])
        w = _concat_column([p.w for p in parts], [len(p) for p in parts], np.float64)
        d = _concat_column([p.d for p in parts], [len(p) for p in parts], np.int64)
        r = _concat_column([p.rcpt for p in parts], [len(p) for p in parts], np.int8)
        return _DeviceRoute(gens, col, tgt, w, d, r, gen_ids=[int(g) for g in gen_ids])

    def _current_groups(self) -> list[tuple[Any, np.ndarray, Any]]:
        """Current generators grouped by model, with each model's prepared data."""
        cur = self.currents
        if cur is None:
            return []
        models = [self.nodes.model_of(g) for g in cur.gen_ids]
        groups = []
        for model in dict.fromkeys(models):
            cols = np.array([i for i, mdl in enumerate(models) if mdl is model], dtype=np.int64)
            groups.append((model, cols, model.prepare_many([cur.gens[i] for i in cols], self.grid.resolution)))
        return groups

    def _prepare_poisson(self, dr: _DeviceRoute) -> None:
        h = self.grid.resolution
        tables = [rng.poisson_table(g["rate"] * h * 1e-3) for g in dr.gens]
        width = max(t.size for t in tables)
        dr.tables = np.full((len(tables), width), 2.0)
        for i, t in enumerate(tables):
            dr.tables[i, :t.size] = t
        dr.guides = np.stack([rng.guide_table(t) for t in dr.tables])
        window = np.array([PoissonGenerator.window(g, h) for g in dr.gens], dtype=np.int64).reshape(-1, 2)
        dr.lo, dr.hi = window[:, 0], window[:, 1]
        dr.on = np.array([g["rate"] > 0 for g in dr.gens])
        # order by target (stable) and cut into chunks that never share a target
        order = np.argsort(dr.tgt, kind="stable")
        dr.col, dr.tgt = dr.col[order], dr.tgt[order]
        dr.w = dr.w if dr.w.size == 1 else dr.w[order]
        dr.d = dr.d if dr.d.size == 1 else dr.d[order]
        dr.rcpt = dr.rcpt if dr.rcpt.size == 1 else dr.rcpt[order]
        dr.ch, dr.factor = poisson_channels(dr.tgt, dr.w, dr.rcpt, self.mode)
        one = len(dr.gens) == 1 and dr.d.size == 1 and dr.ch.size and np.all(dr.ch == dr.ch[0]) \
            and dr.ch[0] >= 0 and np.all(dr.factor == dr.factor[0])
        dr.uniform = (int(dr.ch[0]), int(dr.d[0]), float(dr.factor[0])) if one else None
        gid = np.asarray(dr.gen_ids, dtype=np.int64)[dr.col]
        dr.keys = _poisson_keys(np.uint64(self.seed()), gid.astype(np.uint64), dr.tgt.astype(np.uint64) + 1)
        n = dr.tgt.size
        n_chunks = max(1, min(64, n // 256))
        cuts = np.linspace(0, n, n_chunks + 1).astype(np.int64)
        # move every cut to the start of its target's run
        cuts[1:-1] = np.searchsorted(dr.tgt, dr.tgt[np.minimum(cuts[1:-1], n - 1)], side="left")
        dr.chunks = np.unique(cuts)

    def _prepare_spike_generators(self) -> None:
        steps, ids, mult = [], [], []
        for pop in self.nodes.populations:
            if isinstance(pop, DevicePopulation) and issubclass(pop.model, SpikeGenerator):
                for i, p in enumerate(pop.nodes):
                    k, mu = pop.model.schedule(p, self.grid.resolution)
                    steps.append(k)
                    ids.append(np.full(k.size, pop.first + i - 1, dtype=np.int64))
                    mult.append(mu)
        if steps:
            st = np.concatenate(steps)
            gi = np.concatenate(ids)
            order = np.lexsort((gi, st))
            self.sg_stamp, self.sg_ids, self.sg_mult = st[order], gi[order], np.concatenate(mult)[order]
        else:
            self.sg_stamp = np.zeros(0, np.int64)
            self.sg_ids = np.zeros(0, np.int64)
            self.sg_mult = np.zeros(0)

    def _prepare_recorders(self) -> None:
        n = self.nodes.num_nodes
        self.spike_recorders: list[tuple[RecordingDevice, np.ndarray]] = []
        self.samplers: dict[int, _SamplerPlan] = {}
        rec = [p for (_, r), p in self.connector.projections.items() if r == "record"]
        for pop in self.nodes.populations:
            if not (isinstance(pop, DevicePopulation) and pop.kind == "recorder"):
                continue
            for i, dev in enumerate(pop.nodes):
                if issubclass(pop.model, SpikeRecorderModel):
                    counts = np.zeros(n, dtype=np.int64)
                    for p in rec:
                        sel = p.tgt == pop.first + i - 1
                        if sel.any():
                            counts += np.bincount(p.src[sel], minlength=n)
                    if counts.any():  # indexed by node id (entry 0 unused)
                        self.spike_recorders.append((dev, np.concatenate([[0], counts])))
        by_pop: dict[int, list[tuple[RecordingDevice, np.ndarray]]] = {}
        for pop in self.nodes.populations:
            if isinstance(pop, DevicePopulation) and issubclass(pop.model, MultimeterModel):
                for dev in pop.nodes:
                    for tp, local, _ in self.nodes.split(np.sort(dev.connected)):
                        by_pop.setdefault(self.nodes.populations.index(tp), []).append((dev, local))
        for pi, lst in by_pop.items():
            pop = self.nodes.populations[pi]
            assert isinstance(pop, NeuronPopulation)
            sources = pop.recordable_rows()
            rows = sorted({sources[v][0] for dev, _ in lst for v in dev.p["record_from"]})
            cols = np.unique(np.concatenate([loc for _, loc in lst]))
            rec_col = np.full(pop.n, -1, dtype=np.int64)
            rec_col[cols] = np.arange(cols.size)
            cap = max(self.m, SAMPLE_BUFFER_BYTES // (8 * len(rows) * cols.size))
            plan = _SamplerPlan(np.asarray(rows, dtype=np.int64), rec_col, cols,
                                np.zeros((cap, len(rows), cols.size)), np.zeros(cap, dtype=np.int64),
                                np.zeros((cap, len(lst)), dtype=bool))
            for dev, loc in lst:
                var_rows, transforms = [], []
                for v in dev.p["record_from"]:
                    row, scale, rel = sources[v]
                    var_rows.append(rows.index(row))
                    transforms.append((scale, pop.P[rel][loc] if rel else np.zeros(loc.size)))
                pos = np.searchsorted(cols, loc)
                plan.devices.append((dev, pos, np.asarray(var_rows), transforms, pop.first + cols[pos]))
            self.samplers[pi] = plan

    # -- running ------------------------------------------------------------------------------
    def _generator_signature(self) -> tuple[Any, ...]:
        """What the generators' input depends on: their connections and parameters."""
        routes = tuple(sorted((k, p.version) for k, p in self.connector.projections.items()
                              if k[1] in ("current", "poisson")))
        return routes, self.nodes.generator_version

    def run(self, nsteps: int) -> None:
        if not self.valid:
            self.prepare()
            signature = self._generator_signature()
            changed = bool(self.gen_signature) and signature != self.gen_signature
            self.gen_signature = signature  # an empty one: restored or new, nothing sent yet
            if changed and self.gen_until > self.grid.step:
                import warnings
                warnings.warn(
                    f"generators changed in the middle of a min_delay slice: their input was already "
                    f"sent up to t = {self.grid.steps_to_ms(np.array([self.gen_until]))[0]} ms, so the change "
                    "takes effect from there (end runs on multiples of min_delay to avoid this)",
                    RuntimeWarning, stacklevel=3)
        numba.set_num_threads(self.worker_threads)
        for p in self.neurons:
            if p.S0 is None:  # the state reset() returns to
                p.S0 = p.S.copy()
        self.recording.prepare()
        end = self.grid.step + nsteps
        progress = _Progress(nsteps, self.grid.resolution) if self.print_time or _tty() else None
        self.last_emit = _time.monotonic()
        try:
            while self.grid.step < end:
                # slices are aligned to multiples of min_delay from t = 0, so splitting a
                # run into several calls (or a checkpoint) changes nothing
                slice_end = (self.grid.step // self.m + 1) * self.m
                if self.gen_until < slice_end:
                    a = max(self.gen_until, self.grid.step)
                    self._generators(a, slice_end - a)
                    self.gen_until = slice_end
                m = min(slice_end, end) - self.grid.step
                self.advanced = False
                try:
                    self._slice(self.grid.step, m)
                except BaseException:
                    # a backend failed while recording: the slice's dynamics are done, so
                    # the clock moves on with them and the simulator stays consistent
                    if self.advanced:
                        self.grid.step += m
                    raise
                self.grid.step += m
                if progress is not None:
                    progress.update(self.grid.step - (end - nsteps))
                if _time.monotonic() - self.last_emit >= EMIT_EVERY:
                    self._emit_buffered()
        finally:
            if progress is not None:
                progress.close()
            try:  # what the slices done so far recorded, also when one of them failed
                self._emit_buffered()
            finally:
                self.recording.flush()

    def _generators(self, s0: int, m: int) -> None:
        """Currents and Poisson input sent in the steps s0 .. s0+m-1 (a whole slice).

        They land at s + delay >= the end of the slice, so they can be written before
        the neurons of the slice are updated.
        """
        h = self.grid.resolution
        ring, L = self.ring, self.L
        cur = self.currents
        if cur is not None:
            amp = np.empty((m, len(cur.gens)))
            for model, cols, prepared in self.current_groups:  # one call per model, not per node
                amp[:, cols] = model.amplitudes_many(prepared, h, s0, m)
            deliver_currents(amp, cur.col, cur.tgt, cur.w, cur.d, s0, ring, L)
        poi = self.poisson
        if poi is not None:
            steps = np.arange(s0, s0 + m)[:, None]  # the rule of PoissonGenerator.active, for all at once
            active = (steps > poi.lo) & (steps <= poi.hi) & poi.on
            if poi.uniform is not None:
                ch, d0, f0 = poi.uniform
                deliver_poisson_uniform(active, poi.tables[0], poi.keys, poi.tgt, ring, ch, d0, f0,
                                        poi.chunks, s0, L)
            else:
                deliver_poisson(active, poi.tables, poi.guides, poi.col, poi.keys, poi.tgt, poi.ch, poi.factor,
                                poi.d, poi.chunks, s0, ring, L)

    def _slice(self, s0: int, m: int) -> None:
        ring, L = self.ring, self.L
        # spikes of spike generators stamped in (s0, s0 + m]
        k = 0
        a = b = 0
        if self.sg_stamp.size:
            a, b = np.searchsorted(self.sg_stamp, [s0 + 1, s0 + m + 1], side="left")
        if b > a:
            k = b - a
            self.buf_ids[:k] = self.sg_ids[a:b]
            self.buf_steps[:k] = self.sg_stamp[a:b] - 1
            self.buf_mult[:k] = self.sg_mult[a:b]
        n_gen = k
        if self.samplers and any(p.fill + m > p.out.shape[0] for p in self.samplers.values()):
            self._emit_buffered()  # all plans at once: a device sampling several populations gets whole rows
        for pop in self.neurons:
            pi = self.nodes.populations.index(pop)
            plan = self.samplers.get(pi)
            if plan is not None:
                masks = [d[0].sample_steps(s0, m) for d in plan.devices]
                rec_mask = masks[0] if len(masks) == 1 else np.logical_or.reduce(masks)
                out = plan.out[plan.fill:]
            else:
                rec_mask, out = _NO_MASK[:m] if m <= _NO_MASK.size else np.zeros(m, bool), _NO_OUT
            pop.model.kernel(pop.S, pop.D, ring, pop.first - 1, L, s0, m, pop.spk,
                             rec_mask, plan.rec_col if plan else _no_cols(pop.n), plan.rows if plan else _NO_ROWS,
                             out)
            if plan is not None and rec_mask.any():
                self._keep_samples(plan, masks, rec_mask, s0, m)
        # step by step, populations in id order: the list comes out ordered by (step, id)
        k = collect_spikes(self.spk_flat, self.spk_off, self.spk_n, self.spk_base, s0, m, self.buf_ids,
                           self.buf_steps, self.buf_mult, k)
        ids, steps, mult = self.buf_ids[:k], self.buf_steps[:k], self.buf_mult[:k]
        if k > 1 and n_gen:  # spike generators' spikes come first: restore (step, id) order
            order = np.lexsort((ids, steps))
            ids, steps, mult = ids[order], steps[order], mult[order]
        if k:
            if self.archive_on:
                self.archive.record(ids, steps, mult, k, self.tps)
            for p, umode, par in self.spike_proj:
                if par is not None:
                    deliver_spikes_by_step(ids, steps, mult, k, p.ptr, p.tgt, p.w, p.d, p.rcpt, self.mode, umode,
                                           ring, L, par)
                else:
                    deliver_spikes(ids, steps, mult, k, p.ptr, p.tgt, p.w, p.d, p.rcpt, self.mode, umode, ring, L)
            transmitted = [self._deliver_plastic(p, prm, dev, outdeg, ids, steps, mult, k)
                           for p, prm, dev, outdeg in self.plastic]
        self.advanced = True  # dynamics and delivery of the slice are done; recording follows
        if k:
            for dev, rows in transmitted:
                if dev is not None and rows.shape[0]:
                    dev.record_rows(rows)
            gids = ids + 1
            for dev, counts in self.spike_recorders:
                dev.record_spikes(gids, steps, mult, counts)

    def _deliver_plastic(self, p: Any, prm: np.ndarray, dev: Any, outdeg: np.ndarray, ids: np.ndarray,
                         steps: np.ndarray, mult: np.ndarray, k: int) -> tuple[Any, np.ndarray]:
        """Deliver through one STDP projection; returns the weight recorder and its rows."""
        arch = self.archive
        if dev is not None:
            reps = np.where(self.is_neuron[ids], np.rint(mult), 1.0)
            rows = int((outdeg[ids] * reps).sum())
            wr_out = np.empty((rows, 6))
        else:
            wr_out = _NO_WR
        n = deliver_stdp(ids, steps, mult, k, self.is_neuron, p.ptr, p.tgt, p.w, p.d, p.rcpt,
                         p.extra["Kplus"], p.extra["t_lastspike"], prm, self.mode, self.ring, self.L,
                         arch.last_idx, arch.t, arch.k, arch.prev, arch.next, arch.tau_inv, self.tps, wr_out, 0)
        return dev, wr_out[:n]

    @staticmethod
    def _keep_samples(plan: _SamplerPlan, masks: list[np.ndarray], rec_mask: np.ndarray, s0: int, m: int) -> None:
        """Pack the slice's sampled rows (written by the kernel at ``fill + step``) at
        ``fill`` and note their stamps and devices."""
        f = plan.fill
        if rec_mask.all():
            ns = m
            plan.stamps[f:f + m] = np.arange(s0 + 1, s0 + m + 1)
            for d, mk in enumerate(masks):
                plan.wanted[f:f + m, d] = mk
        else:
            idx = np.flatnonzero(rec_mask)
            ns = idx.size
            plan.out[f:f + ns] = plan.out[f + idx]
            plan.stamps[f:f + ns] = s0 + 1 + idx
            for d, mk in enumerate(masks):
                plan.wanted[f:f + ns, d] = mk[idx]
        plan.fill = f + ns

    def _emit_buffered(self) -> None:
        """Hand the devices what the engine holds: each sampler its grid of the buffered
        samples, each spike recorder its buffered rows."""
        self.last_emit = _time.monotonic()
        pieces: dict[int, list[Any]] = {}
        for plan in self.samplers.values():
            f = plan.fill
            if not f:
                continue
            plan.fill = 0
            for d, (dev, cols, var_rows, transforms, senders) in enumerate(plan.devices):
                sel = plan.wanted[:f, d]
                if sel.all():
                    block, steps = plan.out[:f], plan.stamps[:f].copy()
                elif sel.any():
                    idx = np.flatnonzero(sel)
                    block, steps = plan.out[idx], plan.stamps[idx]
                else:
                    continue
                if cols.size != plan.cols.size:   # this device samples some of the columns
                    block = block[:, :, cols]
                values = {}
                for a, v in enumerate(dev.p["record_from"]):
                    scale, offset = transforms[a]
                    x = block[:, var_rows[a], :]
                    values[v] = x + offset if scale == 1.0 else x * scale + offset   # new arrays: out is reused
                pieces.setdefault(dev.node_id, []).append((senders, steps, values, dev))
        for lst in pieces.values():
            self._emit_samples(lst)
        for dev, _ in self.spike_recorders:
            dev.emit_pending()

    def _emit_samples(self, lst: list[Any]) -> None:
        """Hand a device its grid; the pieces of several populations share the sampled
        steps and are joined column-wise in sender order."""
        dev = lst[0][3]
        senders, steps, values, _ = lst[0]
        if len(lst) > 1:
            senders = np.concatenate([x[0] for x in lst])
            order = np.argsort(senders, kind="stable")
            senders = senders[order]
            values = {k: np.concatenate([x[2][k] for x in lst], axis=1)[:, order] for k in values}
        dev.emit_grid(senders, steps, values)


_NO_MASK = np.zeros(4096, dtype=bool)
_NO_WR = np.zeros((0, 6))
_NO_OUT = np.zeros((1, 1, 1))
_NO_ROWS = np.zeros(0, dtype=np.int64)
_NO_COLS: dict[int, np.ndarray] = {}


def _no_cols(n: int) -> np.ndarray:
    if n not in _NO_COLS:
        _NO_COLS[n] = np.full(n, -1, dtype=np.int64)
    return _NO_COLS[n]


def _concat_column(cols: list[np.ndarray], sizes: list[int], dtype: type) -> np.ndarray:
    """Columns of several projections as one; a single value when they all share it."""
    if all(c.size == 1 for c in cols) and len({c[0] for c in cols}) == 1:
        return cols[0].astype(dtype)
    return np.concatenate([np.broadcast_to(c, (n,)) if c.size == 1 else c
                           for c, n in zip(cols, sizes)]).astype(dtype)


@numba.njit(cache=True)
def _poisson_keys(seed, gen, tgt):
    out = np.empty(gen.shape[0], dtype=np.uint64)
    for c in range(gen.shape[0]):
        out[c] = rng.stream_key(seed, gen[c], rng.PURPOSE_POISSON, tgt[c])
    return out


def _tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Progress:
    """A one-line progress bar on stderr for runs longer than two seconds."""

    def __init__(self, nsteps: int, h: float) -> None:
        self.nsteps = max(nsteps, 1)
        self.h = h
        self.t0 = _time.perf_counter()
        self.last = self.t0
        self.shown = False

    def update(self, done: int) -> None:
        now = _time.perf_counter()
        if now - self.last < 0.5 or now - self.t0 < 2.0:
            return
        self.last = now
        self.shown = True
        frac = done / self.nsteps
        bar = "#" * int(30 * frac)
        sys.stderr.write(f"\r[{bar:<30}] {100 * frac:5.1f}%  {done * self.h:.1f} ms  "
                         f"{now - self.t0:.1f} s")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
