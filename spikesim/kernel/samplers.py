"""What the recorders get from the engine: sampling plans and buffered hand-over.

A sampler (multimeter, voltmeter) samples state rows of neurons; the neuron kernels
write the samples of a slice straight into a per-population buffer
(:class:`SamplerPlan`), and several slices accumulate there before the devices get
them as grids (:func:`emit_buffered`), so the per-slice Python work does not grow
with the number of devices, variables or backends.  A sample taken at the end of
step ``s -> s+1`` carries stamp ``s + 1`` (time ``(s + 1) h``), as a spike emitted in
that step does.  Generators' plans (a ``source`` computes their values) are made by
:mod:`spikesim.kernel.generator_recording`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from spikesim.models.recorders import MultimeterModel, SpikeRecorderModel
from spikesim.network.populations import DevicePopulation, NeuronPopulation
from spikesim.recording.detectors import Detector
from spikesim.recording.devices import RecordingDevice

if TYPE_CHECKING:
    from spikesim.network.populations import Population
    from spikesim.network.projection import Projection

#: (device, column idx, row idx per var, (scale, offset) per var, sender node ids)
DeviceSampling = tuple[RecordingDevice, np.ndarray, np.ndarray, list[tuple[float, np.ndarray]], np.ndarray]
#: (sender node ids, stamps, values per variable, device): one population's part of a grid
GridPiece = tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], RecordingDevice]


@dataclass
class SamplerPlan:
    """Which state rows of which neurons of one population the samplers want, and the
    samples taken since they last went to the devices.

    The kernel writes the samples of a slice into ``out[fill:]`` (row ``i`` for step
    ``i`` of the slice); :func:`keep_samples` then packs the sampled rows at ``fill``
    and notes their stamps and which device wanted each.
    """

    rows: np.ndarray                       # state rows sampled (union over devices)
    rec_col: np.ndarray                    # neuron -> column in rec_out, or -1
    cols: np.ndarray                       # local indices of sampled neurons (sorted)
    out: np.ndarray                        # sample buffer (cap, len(rows), len(cols)), cap >= m
    stamps: np.ndarray                     # (cap,) stamp of each buffered row
    wanted: np.ndarray                     # (cap, devices) which device samples each buffered row
    devices: list[DeviceSampling] = field(default_factory=list)
    fill: int = 0                          # buffered rows
    #: generators' plans: (first step, steps) -> their values, shape (steps, rows, cols)
    source: Callable[[int, int], np.ndarray] | None = None


_NONE = np.zeros(0, dtype=np.int64)


def spike_recorders(populations: Sequence[Population], projections: Mapping[tuple[str, str], Projection],
                    n_nodes: int) -> list[tuple[RecordingDevice, np.ndarray]]:
    """The spike recorders that record something, with how often each node is connected.

    Parameters
    ----------
    populations : sequence of Population
        All populations.
    projections : mapping
        All projections, keyed by (synapse model, route); the ``record`` route is read.
    n_nodes : int
        Number of nodes.

    Returns
    -------
    list of (device, counts)
        ``counts[node id]`` (entry 0 unused): connections from that node to the device.
    """
    out: list[tuple[RecordingDevice, np.ndarray]] = []
    rec = [p for (_, r), p in projections.items() if r == "record"]
    for pop in populations:
        if not (isinstance(pop, DevicePopulation) and pop.kind == "recorder"):
            continue
        for i, dev in enumerate(pop.nodes):
            if issubclass(pop.model, SpikeRecorderModel) or isinstance(dev, Detector):
                counts = np.zeros(n_nodes, dtype=np.int64)
                for p in rec:
                    sel = p.tgt == pop.first + i - 1
                    if sel.any():
                        counts += np.bincount(p.src[sel], minlength=n_nodes)
                if isinstance(dev, Detector):  # detectors also take weights and receptor ports
                    sels = [(p, p.tgt == pop.first + i - 1) for p in rec]
                    dev.set_inputs(np.concatenate([p.src[s] + 1 for p, s in sels] or [_NONE]),
                                   np.concatenate([p.weights()[s] for p, s in sels] or [_NONE]),
                                   np.concatenate([p.receptors()[s] for p, s in sels] or [_NONE]),
                                   min((int(p.d.min()) for p in projections.values() if len(p)), default=1))
                if counts.any():
                    out.append((dev, np.concatenate([[0], counts])))
    return out


def record_slice(recorders: Sequence[tuple[RecordingDevice, np.ndarray]], ids: np.ndarray, steps: np.ndarray,
                 mult: np.ndarray, transmitted: Sequence[tuple[Any, np.ndarray]]) -> bool:
    """Hand a delivered slice's spikes to the weight and spike recorders.

    Parameters
    ----------
    recorders : sequence of (device, counts)
        The spike recorders (see :func:`spike_recorders`).
    ids, steps, mult : ndarray
        0-based ids, emission steps and multiplicities, in (step, id) order.
    transmitted : sequence of (device or None, rows)
        The weight recorders' rows the delivery made.

    Returns
    -------
    bool
        Whether a spike recorder holds enough rows to hand them over now.
    """
    full = False
    if not ids.size and not transmitted:  # a slice without spikes may transmit held ones (kernel.dopamine)
        return full
    gids = ids + 1
    try:  # a weight recorder's backend may fail; spike recorders still get the slice
        for wr, rows in transmitted:
            if wr is not None and rows.shape[0]:
                wr.record_rows(rows)
    finally:
        for rec, counts in recorders:
            full = rec.record_spikes(gids, steps, mult, counts) or full
    return full


def sampler_plans(populations: Sequence[Population],
                  split: Callable[[np.ndarray], list[tuple[Population, np.ndarray, np.ndarray]]],
                  m: int, buffer_bytes: int) -> dict[int, SamplerPlan]:
    """One plan per sampled population, keyed by its index in ``populations``.

    Parameters
    ----------
    populations : sequence of Population
        All populations.
    split : callable
        Sorted node ids -> (population, local indices, positions) per population.
    m : int
        Slice length (steps); a buffer holds at least one slice.
    buffer_bytes : int
        Bytes of samples a population's buffer holds before they go to the devices.
    """
    by_pop = sampled_nodes(populations, split)
    plans: dict[int, SamplerPlan] = {}
    for pi, lst in by_pop.items():
        pop = populations[pi]
        if isinstance(pop, NeuronPopulation):  # generators' plans: generator_plans
            plans[pi] = _plan(pop, lst, m, buffer_bytes)
    return plans


def sampled_nodes(populations: Sequence[Population],
             split: Callable[[np.ndarray], list[tuple[Population, np.ndarray, np.ndarray]]]
             ) -> dict[int, list[tuple[RecordingDevice, np.ndarray]]]:
    """Population index -> (sampler, local indices of the nodes it samples there).

    Parameters
    ----------
    populations : sequence of Population
        All populations.
    split : callable
        Sorted node ids -> (population, local indices, positions) per population.
    """
    by_pop: dict[int, list[tuple[RecordingDevice, np.ndarray]]] = {}
    for pop in populations:
        if isinstance(pop, DevicePopulation) and issubclass(pop.model, MultimeterModel):
            for dev in pop.nodes:
                if not len(dev.p["record_from"]):  # samples nothing (NEST allows it): no plan, no events
                    continue
                for tp, local, _ in split(np.sort(dev.connected)):
                    by_pop.setdefault(populations.index(tp), []).append((dev, local))
    return by_pop


def _plan(pop: NeuronPopulation, lst: list[tuple[RecordingDevice, np.ndarray]], m: int,
          buffer_bytes: int) -> SamplerPlan:
    """The plan of one population sampled by the devices of ``lst`` (device, local indices)."""
    sources = pop.recordable_rows()
    rows = sorted({sources[v][0] for dev, _ in lst for v in dev.p["record_from"]})
    cols = np.unique(np.concatenate([loc for _, loc in lst]))
    rec_col = np.full(pop.n, -1, dtype=np.int64)
    rec_col[cols] = np.arange(cols.size)
    cap = max(m, buffer_bytes // (8 * len(rows) * cols.size))
    plan = SamplerPlan(np.asarray(rows, dtype=np.int64), rec_col, cols,
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
    return plan


def keep_samples(plan: SamplerPlan, masks: list[np.ndarray], rec_mask: np.ndarray, s0: int, m: int) -> None:
    """Pack the slice's sampled rows (written by the kernel at ``fill + i``) at ``fill``.

    Parameters
    ----------
    plan : SamplerPlan
        The population's plan, changed in place.
    masks : list of ndarray of bool
        Per device, which of the slice's ``m`` steps it samples.
    rec_mask : ndarray of bool
        Their union.
    s0 : int
        First step of the slice; step ``s0 + i`` gets stamp ``s0 + i + 1``.
    m : int
        Steps in the slice.
    """
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


def emit_buffered(plans: Mapping[int, SamplerPlan], recorders: Sequence[tuple[RecordingDevice, np.ndarray]]
                  ) -> None:
    """Hand the devices what the engine holds and empty the buffers.

    The buffers are emptied into copies first: each device then owns its rows and
    keeps those its backend refuses (see ``RecordingDevice.emit_pending``).  Every
    device gets its turn even when one's backend fails; the first error is raised
    afterwards.

    Parameters
    ----------
    plans : mapping of SamplerPlan
        Each sampler gets its grid of the buffered samples (all plans at once, so a
        device sampling several populations gets whole rows).
    recorders : sequence of (device, counts)
        Each spike recorder hands on its buffered rows.

    Raises
    ------
    Exception
        The first error a backend raised while accepting rows.
    """
    pieces: dict[int, list[GridPiece]] = {}
    waiting: dict[int, RecordingDevice] = {}
    for plan in plans.values():
        f = plan.fill
        plan.fill = 0
        for d, (dev, cols, var_rows, transforms, senders) in enumerate(plan.devices):
            waiting[dev.node_id] = dev
            sel = plan.wanted[:f, d]
            if sel.all() and f:
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
    calls: list[Callable[[], None]] = [partial(_emit_samples, lst) for lst in pieces.values()]
    calls += [dev.emit_pending for i, dev in waiting.items() if i not in pieces]  # what a backend refused before
    calls += [dev.emit_pending for dev, _ in recorders]
    first: Exception | None = None
    for call in calls:
        try:
            call()
        except Exception as err:  # noqa: PERF203 - every device must get its turn
            first = first or err
    if first is not None:
        raise first


def _emit_samples(lst: list[GridPiece]) -> None:
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


def hand_over(steps: Sequence[Callable[[], None]], failure: BaseException | None) -> None:
    """Run every step of the end-of-run hand-over (emit, flush), also when one fails.

    Parameters
    ----------
    steps : sequence of callables
        Run in order, each whatever the previous ones raised.
    failure : BaseException or None
        What stopped the run, if anything: it stays the error raised (the cause is
        the first thing the user reads) and the steps' errors become notes on it.

    Raises
    ------
    Exception
        Without a ``failure``, the first error of a step (later ones as notes).
    """
    errors: list[Exception] = []
    for step in steps:
        try:
            step()
        except Exception as err:  # noqa: PERF203 - every step must run
            errors.append(err)
    if failure is None and errors:
        first = errors.pop(0)
        for later in errors:
            first.add_note(f"also: {type(later).__name__}: {later}")
        raise first
    for later in errors:
        assert failure is not None
        failure.add_note(f"also while handing over the recorded data: {type(later).__name__}: {later}")
