"""The update loop: prepare the compiled data, then advance slice by slice.

Slices are ``min_delay`` steps long and aligned to multiples of it from t = 0
(NEST's scheme).  Within a slice nodes are independent, because no connection is
shorter than a slice: generators write their currents and Poisson input for the
whole aligned slice, neurons integrate and flag spikes, then the slice's spikes,
sorted by (step, sender), are delivered into ring buffers and handed to the
recorders.  A spike emitted while updating step ``s -> s+1`` carries stamp ``s + 1``
(time ``(s + 1) h``).  Because the alignment and the generator pass do not depend on
where a ``simulate`` call starts or ends, a run split into several calls, or
interrupted by a checkpoint, adds every input in the same order as an uninterrupted
run.  Python runs a fixed number of operations per slice; the per-neuron and
per-spike work is compiled, and results do not depend on the number of threads.

Generator input is prepared in :mod:`spikesim.kernel.routes`, samples and spikes handed to
recorders in :mod:`spikesim.kernel.samplers`, volume transmitters in :mod:`spikesim.kernel.dopamine`.
"""

from __future__ import annotations

import time as _time
import warnings
from typing import TYPE_CHECKING, Any

import numba
import numpy as np

from spikesim.kernel.archive import PostArchive
from spikesim.kernel.calls import KernelCall, check_frozen, hold_frozen, kernel_calls
from spikesim.kernel.collect import spike_buffers
from spikesim.kernel.delivery import (
    deliver_spikes,
    deliver_spikes_by_step,
    input_channels,
    resized_ring,
)
from spikesim.kernel.distributed import gather_ring, gather_samples, local_arrays, store_local
from spikesim.kernel.dopamine import DopamineState
from spikesim.kernel.exchange import exchange_spikes, generators_ahead
from spikesim.kernel.generator_recording import GeneratorRecording, generator_recording
from spikesim.kernel.offsets import offset_multiplicities, offset_projections
from spikesim.kernel.plasticity import archive_cutoffs, deliver_plastic, plastic_plans, reset_synapse_state
from spikesim.kernel.progress import Progress
from spikesim.kernel.renewal import RenewalRoutes
from spikesim.kernel.routes import (
    bind_current_inputs,
    current_groups,
    device_route,
    generator_spikes,
    poisson_routes,
    send_currents,
    send_poisson,
    send_rate_poisson,
    spike_generator_schedule,
)
from spikesim.kernel.samplers import (
    SamplerPlan,
    emit_buffered,
    hand_over,
    keep_samples,
    record_slice,
    sampler_plans,
    spike_recorders,
)
from spikesim.kernel.signals import DeferredSignals
from spikesim.kernel.train_recording import with_recorders
from spikesim.models.base import N_CHANNELS, NeuronModel
from spikesim.network.populations import NeuronPopulation
from spikesim.recording.weight_recorder import WeightRecordingDevice

if TYPE_CHECKING:
    from collections.abc import Callable

    from spikesim.models.registry import ModelRegistry
    from spikesim.network.connect import Connector
    from spikesim.network.node_table import NodeTable
    from spikesim.network.projection import Projection
    from spikesim.recording.manager import RecordingManager
    from spikesim.timegrid import TimeGrid


#: bytes of samples a population's sampling buffer holds before they go to the devices
SAMPLE_BUFFER_BYTES = 1 << 20
#: samples and spikes held by the engine go to the devices at least this often (s of
#: wall time), so live backends (screen, stream) and the hdf5 flush interval see them
EMIT_EVERY = 0.5


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
        #: spikes (multiplicities counted) this process's neurons emitted in the last run
        self.local_spikes = 0
        self._prepared_for: tuple[int, int] | None = None
        #: input in transit: ``ring[channel, s % L, node]`` is read when updating step s
        self.ring = np.zeros((N_CHANNELS, 1, 0))
        self.L = 1
        #: generators have sent their input for all steps before this one
        self.gen_until = 0
        self.gen_signature: tuple[Any, ...] = ()
        #: gamma_sup, mip, sinusoidal_gamma and ppd_sup generators, with their state carried from run to run
        self.gamma_mip = RenewalRoutes()
        self.dopamine = DopamineState()  # volume transmitters' dopamine spikes, carried from run to run
        #: slice length (steps, min_delay) and tics per step, set by prepare()
        self.m, self.tps = 1, 1
        self.last_emit, self.advanced = 0.0, False
        #: the ranks of a distributed run (see :mod:`spikesim.kernel.distributed`)
        self.comm = nodes.comm
        self.emit_due = False
        #: generators send the next slice's input during the spike exchange (see distributed.generators_ahead),
        #: when the next slice is part of the current run
        self.ahead = False
        self.next_in_run = False
        #: per updated population: (state, derived, ring base, sampled columns) of the
        #: neurons this rank updates (the population's own arrays in a one-process run)
        self.local: list[tuple[np.ndarray, np.ndarray, int, np.ndarray | None]] = []
        #: per updated population: its kernel's arguments that are fixed during a run
        self.calls: list[KernelCall] = []
        self.gen_recording: GeneratorRecording | None = None  # recorders of generators

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
        # set at run time by numba.config's reload, so invisible to a type checker
        return min(self.threads, int(vars(numba.config)["NUMBA_NUM_THREADS"]))

    # -- state in and out -------------------------------------------------------------------
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Input in transit (the ring), how far generators have sent, the spike history.

        Returns
        -------
        meta : dict
            ``L`` (ring slots) and ``gen_until`` (step up to which generators have sent).
        arrays : dict of ndarray
            ``engine/ring`` and the ``archive/...`` arrays of the spike history.
        """
        arrays = {"engine/ring": self.ring if self.comm.size == 1 else gather_ring(self.comm, self.nodes, self.ring)}
        arrays.update({f"archive/{k}": v for k, v in self.archive.state().items()})
        arrays.update({**self.gamma_mip.state(self.comm), **self.dopamine.state()})
        return {"L": self.L, "gen_until": self.gen_until}, arrays

    def load_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Continue from :meth:`state` (the next run prepares the compiled data afresh).

        Parameters
        ----------
        meta, arrays
            What :meth:`state` returned.
        """
        self.archive = PostArchive.from_state({k[len("archive/"):]: v for k, v in arrays.items()
                                               if k.startswith("archive/")})
        self.ring = arrays["engine/ring"].copy()
        self.L = int(meta["L"])
        self.gen_until = int(meta["gen_until"])
        self.gamma_mip.load_state(arrays)
        self.dopamine.load_state(arrays)
        self.invalidate()

    def reset_state(self) -> None:
        """Back to t = 0: no input in transit, empty spike history, zero traces."""
        self.ring[...] = 0.0
        self.gen_until = 0
        self.archive = PostArchive(self.nodes.num_nodes)
        reset_synapse_state(self.connector.projections.values(), self.models)
        self.gamma_mip.reset()
        self.dopamine.reset()
        self._prepared_for = None

    # -- preparation ---------------------------------------------------------------------
    def prepare(self) -> None:
        """Build the compiled data of the current nodes and connections.

        Sets the slice length to the smallest delay (steps), grows the ring to cover
        the largest delay, and prepares populations, projections, generator routes
        and recorders.  :meth:`run` calls it when the data is stale.
        """
        m = self.connector.min_delay_steps()
        dmax = self.connector.max_delay_steps()
        self.m = m
        self.tps = self.grid.tics_per_step
        channels = input_channels(self.nodes.neurons(), self.connector.projections.values())
        self.ring, self.L = resized_ring(self.ring, self.L, max(self.L, dmax + m), self.nodes.num_nodes,
                                         self.grid.step, channels)
        self.mode = self.nodes.input_modes()
        self.neurons = [p for p in self.nodes.populations if isinstance(p, NeuronPopulation)]
        for pop in self.neurons:
            pop.prepare(m)
            assert issubclass(pop.model, NeuronModel) and pop.D is not None  # prepared just now
            pop.model.bind_seed(pop.D, self.seed())  # stochastic neurons key their streams by it
        self._prepare_spiking()
        projections = self.connector.projections
        h = self.grid.resolution
        self.currents = device_route(projections, "current", self.nodes.node)
        bind_current_inputs(self.neurons, self.currents, self.nodes.num_nodes)
        self.current_groups = current_groups(self.currents, self.nodes.model_of, h, self.seed())
        poisson = device_route(projections, "poisson", self.nodes.node)
        self.poisson, self.rate_poisson = poisson_routes(poisson, self.nodes.model_of, h, self.mode, self.seed())
        trains = with_recorders(poisson, projections, self.nodes.populations, self.nodes.node)
        self.gamma_mip.prepare(trains, self.nodes.model_of, h, self.mode, self.seed(), m)
        self.gamma_mip.pending.device_of, self.gamma_mip.pending.num_nodes = self.nodes.node, self.nodes.num_nodes
        self.sg_stamp, self.sg_ids, self.sg_mult = spike_generator_schedule(self.nodes.populations, h, self.seed())
        self.spike_recorders = spike_recorders(self.nodes.populations, projections, self.nodes.num_nodes)
        self.samplers: dict[int, SamplerPlan] = sampler_plans(self.nodes.populations, self.nodes.split, m,
                                                              SAMPLE_BUFFER_BYTES)
        self.gen_recording = generator_recording(self.nodes, projections, h, self.seed(), m, SAMPLE_BUFFER_BYTES)
        self.samplers.update(self.gen_recording.plans if self.gen_recording is not None else {})
        self._prepare_spike_buffers(m)
        self.ahead = generators_ahead(self.comm, projections)
        self._prepared_for = (self.nodes.version, self.connector.version)

    def _prepare_spiking(self) -> None:
        """Static projections (with their shared target mode and threading) and plastic ones."""
        spiking = [p for (_, r), p in self.connector.projections.items() if r == "spike" and len(p)]
        for p in spiking:  # nodes created after a projection's last connect send spikes too
            p.resize_nodes(self.nodes.num_nodes)
        self.spike_proj: list[tuple[Projection, int, int | None]] = []
        for p in spiking:
            if not self.models.synapse_model(p.synapse_model)[0].plastic:
                umode = p.shared_target_value(self.mode)
                # one delay: threads split the slice by steps (see deliver_spikes_by_step)
                par = self.worker_threads if self.worker_threads > 1 and p.d.size == 1 else None
                self.spike_proj.append((p, umode, par))
        plastic = [p for p in spiking if self.models.synapse_model(p.synapse_model)[0].plastic]
        # projections read by a receptor that scales weights by the value a spike carries
        poisson = [p for (_, r), p in self.connector.projections.items() if r == "poisson" and len(p)]
        self.sends_offsets, flags = offset_projections(self.neurons, [p for p, _, _ in self.spike_proj],
                                                       self.nodes.num_nodes, self.comm.size, plastic, poisson)
        self.offset_proj = {id(p) for (p, _, _), f in zip(self.spike_proj, flags, strict=True) if f}
        self.is_neuron, self.plastic = plastic_plans(plastic, self.models, self.nodes, self.neurons, self.archive,
                                                     self.seed())
        self.archive_on = bool(self.archive.on.any())  # some neuron keeps a post-synaptic spike log
        self.dopamine.prepare(self.connector.projections, self.plastic, self.nodes, self.m, self.tps)

    def _prepare_spike_buffers(self, m: int) -> None:
        """The neuron kernels, and the spike flags and list of all populations (see
        :func:`~spikesim.kernel.collect.spike_buffers`)."""
        self.updates: list[tuple[NeuronPopulation, int, Any]] = []
        for pop in self.neurons:
            model = pop.model
            assert issubclass(model, NeuronModel)
            self.updates.append((pop, self.nodes.populations.index(pop), model.kernel))
        self.spikes = spike_buffers(self.neurons, self.nodes.local_range, m)

    # -- running ------------------------------------------------------------------------------
    def _generator_signature(self) -> tuple[Any, ...]:
        """What the generators' input depends on: their connections and parameters."""
        routes = tuple(sorted((k, p.version) for k, p in self.connector.projections.items()
                              if k[1] in ("current", "poisson")))
        return routes, self.nodes.generator_version

    def _revalidate(self) -> None:
        """Prepare afresh; warn when generators changed after sending part of a slice."""
        self.prepare()
        signature = self._generator_signature()
        changed = bool(self.gen_signature) and signature != self.gen_signature
        self.gen_signature = signature  # an empty one: restored or new, nothing sent yet
        if changed and self.gen_until > self.grid.step:
            warnings.warn(
                f"generators changed in the middle of a min_delay slice: their input was already "
                f"sent up to t = {self.grid.steps_to_ms(np.array([self.gen_until]))[0]} ms, so the change "
                "takes effect from there (end runs on multiples of min_delay to avoid this)",
                RuntimeWarning, stacklevel=4)

    def run(self, nsteps: int, show: bool | None = None) -> None:
        """Advance the clock by ``nsteps`` steps (``nsteps * h`` ms).

        Slices are aligned to multiples of ``min_delay`` from t = 0, so splitting a
        run into several calls (or a checkpoint) changes nothing.  Recorders get what
        was recorded also when a slice fails; the clock then stands after the last
        slice whose dynamics and delivery were done.  Ctrl-C (``KeyboardInterrupt``)
        and SIGTERM (``SystemExit(143)``) take effect at the next slice boundary, after
        which the recorded data is handed over and flushed (:mod:`spikesim.kernel.signals`).

        Parameters
        ----------
        nsteps : int
            Steps to advance.
        show : bool or None
            The progress bar: True shows it, False not, None as ``print_time`` and a terminal decide.
        """
        if not self.valid:
            self._revalidate()
        check_frozen(self.updates, self.samplers)
        numba.set_num_threads(self.worker_threads)
        for p in self.neurons:
            if p.S0 is None:  # the state reset() returns to
                p.S0 = p.S.copy()
        self.recording.prepare()
        self.local_spikes = 0  # NEST's local_spike_counter: this run's, this process's neurons'
        end = self.grid.step + nsteps
        progress = Progress(nsteps, self.grid.resolution, self.print_time, show)
        self.last_emit = _time.monotonic()
        self.local = local_arrays(self.comm, self.nodes, self.updates, self.samplers)
        self.calls = kernel_calls(self.updates, self.local, self.samplers, self.nodes)
        with DeferredSignals() as signals:
            failure: BaseException | None = None
            try:
                self._advance(end, nsteps, progress, signals)
            except BaseException as err:
                failure = err
                raise
            finally:
                if progress is not None:
                    progress.close()
                # collective steps only when no rank can be missing (see spikesim.parallel)
                store_local(self.comm, self.nodes, self.updates, self.local, gather=failure is None)
                emit = self._emit_buffered if failure is None or self.comm.size == 1 else self._emit_local
                # rank 0 writes the files the other ranks may read back (hdf5): wait for it
                wait = (self.comm.barrier,) if failure is None and self.comm.size > 1 else ()
                hand_over((emit, self.recording.flush, *wait), failure)

    def _advance(self, end: int, nsteps: int, progress: Progress | None, signals: DeferredSignals) -> None:
        """The slices up to step ``end``; held signals are acted on between slices."""
        while self.grid.step < end:
            slice_end = (self.grid.step // self.m + 1) * self.m
            if self.gen_until < slice_end:
                a = max(self.gen_until, self.grid.step)
                self._generators(a, slice_end - a)
                self.gen_until = slice_end
            m = min(slice_end, end) - self.grid.step
            self.next_in_run = slice_end + self.m <= end
            self.advanced = False
            try:
                full = self._slice(self.grid.step, m)
            except BaseException:
                # a backend failed while recording: the slice's dynamics are done, so
                # the clock moves on with them and the simulator stays consistent
                if self.advanced:
                    self.grid.step += m
                raise
            self.grid.step += m
            if progress is not None:
                progress.update(self.grid.step - (end - nsteps))
            if signals.pending:
                signals.check()
            due = self.emit_due if self.comm.size > 1 else _time.monotonic() - self.last_emit >= EMIT_EVERY
            if full or due:
                self._emit_buffered()

    def _generators(self, s0: int, m: int) -> None:
        """Currents and Poisson input sent in the steps s0 .. s0+m-1 (a whole slice).

        They land at s + delay >= the end of the slice, so they can be written before
        the neurons of the slice are updated.
        """
        h = self.grid.resolution
        ring, L = self.ring, self.L
        cur = self.currents
        if cur is not None:
            send_currents(cur, self.current_groups, h, s0, m, ring, L)
        poi = self.poisson
        if poi is not None:
            send_poisson(poi, s0, m, ring, L)
        if self.rate_poisson is not None:
            send_rate_poisson(self.rate_poisson, h, s0, m, ring, L)
        self.gamma_mip.send(s0, m, ring, L)

    def _next_generators(self) -> None:
        """The generators' input of the slice after the current one (see
        :func:`~spikesim.kernel.distributed.generators_ahead`)."""
        b = (self.grid.step // self.m + 1) * self.m
        if self.gen_until < b + self.m:
            a = max(self.gen_until, b)
            self._generators(a, b + self.m - a)
            self.gen_until = b + self.m

    def _slice(self, s0: int, m: int) -> bool:
        """Update the neurons through steps s0 .. s0+m-1, deliver and record their spikes.

        Returns whether a spike recorder holds enough rows to hand them over now.
        """
        sp = self.spikes
        k = n_gen = generator_spikes(self.sg_stamp, self.sg_ids, self.sg_mult, s0, m, sp.ids, sp.steps, sp.mult)
        if self.samplers and any(p.fill + m > p.out.shape[0] for p in self.samplers.values()):
            self._emit_buffered()  # all plans at once: a device sampling several populations gets whole rows
        self._update_neurons(s0, m)
        # step by step, populations in id order: the list comes out ordered by (step, id)
        k = sp.collect(s0, m, k, self.worker_threads)
        ids, steps, mult = sp.ids[:k], sp.steps[:k], sp.mult[:k]
        if k > n_gen:
            self.local_spikes += int(mult[n_gen:].sum())
        if self.comm.size > 1:  # every rank's neurons' spikes; generators' are known everywhere
            ahead = self._next_generators if self.ahead and self.next_in_run else None
            due = _time.monotonic() >= self.last_emit + EMIT_EVERY
            ids, steps, mult, self.emit_due = exchange_spikes(self.comm, ids, steps, mult, n_gen, s0, due, ahead)
        elif k > 1 and n_gen:  # spike generators' spikes come first: restore (step, id) order
            order = np.lexsort((ids, steps))
            ids, steps, mult = ids[order], steps[order], mult[order]
        self.dopamine.slice(s0, m, ids, steps, mult, self.archive)  # before the delivery, as NEST hands over
        transmitted = self._deliver(ids, steps, mult, ids.size) if ids.size or self.dopamine.delivering else []
        self.advanced = True  # dynamics and delivery of the slice are done; recording follows
        full = record_slice(self.spike_recorders, ids, steps, mult, transmitted)
        if self.gen_recording is not None:
            full = self.gen_recording.slice(s0, m) or full
        full = self.gamma_mip.pending.record(s0, m) or full
        return full

    def _update_neurons(self, s0: int, m: int) -> None:
        """Run every population's kernel over the slice, sampling what the samplers want."""
        ring, L = self.ring, self.L
        no_mask = _NO_MASK[:m] if m <= _NO_MASK.size else np.zeros(m, bool)
        for kernel, S, D, base, spk, cols, plan, frozen in self.calls:
            kept = None if frozen is None else S[:, frozen]
            if plan is None:
                kernel(S, D, ring, base, L, s0, m, spk, no_mask, cols, _NO_ROWS, _NO_OUT)
            else:
                masks = [d[0].sample_steps(s0, m) for d in plan.devices]
                rec_mask = masks[0] if len(masks) == 1 else np.logical_or.reduce(masks)
                kernel(S, D, ring, base, L, s0, m, spk, rec_mask, cols, plan.rows, plan.out[plan.fill:])
                if rec_mask.any():
                    keep_samples(plan, masks, rec_mask, s0, m)
            if kept is not None and frozen is not None:
                hold_frozen(S, spk, frozen, kept, m)

    def _deliver(self, ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, k: int
                 ) -> list[tuple[WeightRecordingDevice | None, np.ndarray]]:
        """Archive and deliver the slice's ``k`` spikes; returns the weight-recorder rows."""
        ring, L = self.ring, self.L
        if self.archive_on:
            self.archive.record(ids, steps, mult, k, self.tps, self._archive_cutoffs)
        scaled = offset_multiplicities(ids, steps, mult, k, ring, L, self.sends_offsets) if self.offset_proj else mult
        for p, umode, par in self.spike_proj:
            mu = scaled if id(p) in self.offset_proj else mult
            if par is not None:
                deliver_spikes_by_step(ids, steps, mu, k, p.ptr, p.tgt, p.w, p.d, p.rcpt, self.mode, umode,
                                       ring, L, par)
            else:
                deliver_spikes(ids, steps, mu, k, p.ptr, p.tgt, p.w, p.d, p.rcpt, self.mode, umode, ring, L)
        return [deliver_plastic(plan, ids, steps, mult, k, self.is_neuron, self.mode, ring, L, self.tps,
                                self.archive, self.comm) for plan in self.plastic]

    def _archive_cutoffs(self) -> np.ndarray:
        """Where each neuron's spike history may begin (called when the archive is full)."""
        return archive_cutoffs(self.plastic, self.nodes.num_nodes, self.tps, self.comm)

    def _emit_buffered(self) -> None:
        """Hand the devices the samples and spikes the engine holds (all ranks' samples)."""
        if self.comm.size > 1:
            gather_samples(self.comm, self.samplers, {pi: pop for pop, pi, _ in self.updates})
        self._emit_local()

    def _emit_local(self) -> None:
        """Hand the devices what this rank holds (a failed distributed run's last word)."""
        self.last_emit = _time.monotonic()
        emit_buffered(self.samplers, self.spike_recorders)


_NO_MASK = np.zeros(4096, dtype=bool)
_NO_OUT = np.zeros((1, 1, 1))
_NO_ROWS = np.zeros(0, dtype=np.int64)
