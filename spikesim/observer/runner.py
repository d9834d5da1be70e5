"""Step-loop runs with rectipy's semantics (``rectipy.Network.run``) over spikesim's devices.

:func:`run` drives a simulator with a (steps x N) input array and returns an
:class:`~spikesim.observer.observer.Observer`.  The input goes through ``array_input``
generators (one per neuron, ``one_to_one``, with the network's minimum delay), the
recordings through multimeters: no second recording path.  Rows that a generator can
no longer send in time (the first ``delay`` rows of a run) are added to the target's
step-input state (``qif``: ``I_ext``), one step at a time.

Time semantics (rectipy's): the sample of step ``n`` of a run holds the state at the
*start* of that step, ``t0 + n h`` (spikesim's multimeter stamp ``t0 + n h``; the
state before the run for ``n = 0``), and the input row ``n`` acts during step ``n``.
With ``sampling_steps = k`` the steps ``n`` with ``n % k == 0`` (and ``n >= cutoff``)
are recorded, and the output recorded there is the mean of the outputs of the steps
since the previous record, as rectipy buffers it.  ``to_dataframe`` indexes samples by
``n h`` (ms from the start of the run).
"""

from __future__ import annotations

import math
import warnings
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from spikesim.errors import bad_property
from spikesim.kernel.progress import Progress
from spikesim.models.array_input import AmplitudeTable
from spikesim.observer.observer import Key, Observer, as_array

if TYPE_CHECKING:
    from spikesim.core.simulator import Simulator
    from spikesim.network.nodes import NodeCollection

__all__ = ["run"]

#: devices run() made, per simulator: key -> devices (reused by later runs)
_DEVICES: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()


@dataclass
class _VarSpec:
    """One recorded state variable: its population, model recordable and reduction."""

    label: str
    nodes: NodeCollection
    source: str
    mean: bool
    key: tuple[str, str]


@dataclass
class _OutSpec:
    """The recorded output: its population and model recordable."""

    label: str
    nodes: NodeCollection
    source: str


@dataclass
class _Meter:
    """A multimeter of a run and what it records."""

    label: str
    nodes: NodeCollection
    sources: tuple[str, ...]
    device: Any


@dataclass
class _Run:
    """What one call of :func:`run` records: the plan, its devices and the first samples."""

    t0: int
    n_steps: int
    cutoff: int
    record_at: np.ndarray
    specs: list[_VarSpec]
    out: _OutSpec | None
    meters: list[_Meter] = field(default_factory=list)
    out_meter: Any = None
    first: dict[tuple[str, str], Any] = field(default_factory=dict)
    first_out: Any = None
    #: per recorded variable, the (steps, values) read so far, already reduced
    pieces: dict[tuple[str, str], list[tuple[np.ndarray, np.ndarray]]] = field(default_factory=dict)


# -- argument checks -------------------------------------------------------------------------------
def _int_arg(key: str, v: Any, lo: int) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
        raise bad_property("run", key, v, f"it must be an integer >= {lo}")
    return int(v)


def _check_inputs(inputs: Any, steps: int | None, progress: Any) -> tuple[np.ndarray | None, int]:
    """The input array (or None) and the number of steps of the run; ``progress`` checked too."""
    if progress is not None and not isinstance(progress, bool):
        raise bad_property("run", "progress", progress, "it must be True, False or None")
    if inputs is None:
        if steps is None:
            raise bad_property("run", "steps", None, "give inputs (a steps x neurons array) or the number of steps")
        return None, _int_arg("steps", steps, 1)
    x = as_array(inputs)
    if x.ndim != 2:
        raise bad_property("run", "inputs", f"array of shape {x.shape}", "give a (steps x neurons) array")
    if not np.isfinite(x).all():
        raise bad_property("run", "inputs", float(x[~np.isfinite(x)][0]), "inputs must be finite")
    if steps is not None and _int_arg("steps", steps, 1) != x.shape[0]:
        raise bad_property("run", "steps", steps, f"inputs has {x.shape[0]} rows (steps)")
    if x.shape[0] < 1:
        raise bad_property("run", "inputs", "0 rows", "give at least one step")
    return x, x.shape[0]


def _observer(h: float, obs: Observer | None, record_output: bool, record_loss: bool,
              record_vars: Sequence[tuple[Any, ...]] | None) -> Observer:
    """A new Observer, or the given one if its step is the resolution ``h`` (ms)."""
    if obs is None:
        return Observer(h, record_output=record_output, record_loss=record_loss, record_vars=record_vars)
    if not isinstance(obs, Observer) or abs(obs.dt - h) > 1e-12:
        raise bad_property("run", "obs", obs, f"give an Observer with dt = the resolution ({h} ms)")
    return obs


# -- target, output and recorded variables ----------------------------------------------------------
def _population(sim: Simulator, nodes: Any, key: str) -> tuple[str, NodeCollection, Any]:
    """(label, nodes, model) of a labelled neuron population."""
    if isinstance(nodes, str):
        label = nodes
        nc = sim.nodes(label)
    else:
        labels = [k for k, v in sim.labels.items() if v == nodes]
        if not labels:
            raise bad_property("run", key, nodes, "give the label of a population (sim.create(..., label=...))")
        label, nc = labels[0], nodes
    pop = sim.node_table.population_of(int(nc.ids[0]))
    if pop.model.kind != "neuron" or len(nc) != pop.n or int(nc.ids[0]) != pop.first:
        raise bad_property("run", key, label, "it must name one whole population of neurons")
    return label, nc, pop.model


def _recordable(model: Any, label: str, var: str) -> str:
    if var in model.recordables:
        return var
    alias = {"v": "V_m", "u": "U_m"}.get(var)
    if alias is not None and alias in model.recordables:
        return alias
    raise bad_property("run", "record_vars", (label, var), f"{label} ({model.name}) records {list(model.recordables)}")


def _default_target(sim: Simulator) -> str:
    labels = [k for k, nc in sim.labels.items() if len(nc) and sim.node_table.model_of(int(nc.ids[0])).kind
              == "neuron"]
    if len(labels) != 1:
        raise bad_property("run", "target", None, f"name the population that takes the input and gives the "
                           f"output; the labelled neuron populations are {sorted(labels)}")
    return labels[0]


def _target(sim: Simulator, target: Any, x: np.ndarray | None) -> tuple[str, NodeCollection, Any]:
    """(label, nodes, model) of the population taking the input; checks ``x`` fits it."""
    label, nodes, model = _population(sim, target if target is not None else _default_target(sim), "target")
    if x is not None:
        if getattr(model, "step_input", None) is None:
            raise bad_property("run", "target", label, f"its model {model.name} takes no step input; "
                               "models that do: qif, izhikevich2007")
        if x.shape[1] != len(nodes):
            raise bad_property("run", "inputs", f"array of shape {x.shape}",
                               f"{label} has {len(nodes)} neurons: give {len(nodes)} columns")
    return label, nodes, model


def _output_spec(sim: Simulator, output: Any, t_label: str | None, t_model: Any) -> _OutSpec:
    """The output variable: ``output``, or the target model's default output."""
    if output is None:
        var = getattr(t_model, "output_var", None)
        if var is None:
            raise bad_property("run", "output", None, f"{t_model.name} has no default output; "
                               "give output=(population, variable)")
        output = (t_label, var)
    if not isinstance(output, (tuple, list)) or len(output) != 2:
        raise bad_property("run", "output", output, "give (population, variable)")
    label, nodes, model = _population(sim, output[0], "output")
    return _OutSpec(label, nodes, _recordable(model, label, output[1]))


def _var_specs(sim: Simulator, obs: Observer) -> list[_VarSpec]:
    """The state variables the observer records, resolved to populations and recordables."""
    specs = []
    for label, var in obs.recorded_state_variables:
        _, nodes, model = _population(sim, label, "record_vars")
        specs.append(_VarSpec(label, nodes, _recordable(model, label, var), obs.reduced((label, var)), (label, var)))
    return specs


# -- devices ----------------------------------------------------------------------------------------
def _device(sim: Simulator, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    cache = _DEVICES.setdefault(sim, {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _multimeter(sim: Simulator, role: str, label: str, nodes: NodeCollection, sources: tuple[str, ...], k: int,
                offset: int) -> Any:
    h = sim.resolution

    def make() -> Any:
        mm = sim.create("multimeter", params={"record_from": list(sources), "interval": k * h,
                                              "offset": offset * h, "start": 0.0, "stop": 0.0})
        sim.connect(mm, nodes)
        return mm
    return _device(sim, ("multimeter", role, label, sources, k, offset), make)


def _start_meters(sim: Simulator, plan: _Run, k: int) -> None:
    """Open multimeters for the run: sampled variables every ``k`` steps, the output every step.

    The state at the start of the run (sample 0) is read directly, not by a device.
    """
    h = sim.resolution
    t0, n_lo = plan.t0, max(plan.cutoff, 1)
    window = {"start": (t0 + n_lo - 1) * h, "stop": (t0 + max(plan.n_steps - 1, n_lo - 1)) * h}
    groups: dict[str, tuple[NodeCollection, list[str]]] = {}
    for spec in plan.specs:
        groups.setdefault(spec.label, (spec.nodes, []))[1].append(spec.source)
    for label, (nodes, srcs) in groups.items():
        sources = tuple(dict.fromkeys(srcs))
        mm = _multimeter(sim, "vars", label, nodes, sources, k, t0 % k)
        mm.set(window)
        plan.meters.append(_Meter(label, nodes, sources, mm))
    if plan.out is not None:
        out = plan.out
        plan.out_meter = _multimeter(sim, "output", out.label, out.nodes, (out.source,), 1, 0)
        plan.out_meter.set(window)
    plan.first = {(s.label, s.source): s.nodes.get(s.source) for s in plan.specs}
    plan.first_out = plan.out.nodes.get(plan.out.source) if plan.out is not None else None


def _read(sim: Simulator, mm: Any, nodes: NodeCollection, sources: tuple[str, ...], t0: int
          ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Run-relative steps and (samples x neurons) values of a multimeter; then empty it."""
    ev = mm.get("events")[0]
    n = len(nodes)
    steps = np.rint(np.asarray(ev["times"]) / sim.resolution).astype(np.int64)[::n] - t0
    values = {s: np.asarray(ev[s], dtype=float).reshape(-1, n) for s in sources}
    mm.set({"n_events": 0})
    return steps, values


# -- input and the step loop ------------------------------------------------------------------------
def _add_step_input(nodes: NodeCollection, state: str, row: np.ndarray) -> None:
    """Add one input row to the state holding the coming step's input."""
    nodes.set({state: np.asarray(nodes.get(state), dtype=float) + row})


def _prepare_inputs(sim: Simulator, label: str, nodes: NodeCollection, x: np.ndarray, t0: int
                    ) -> tuple[int, Any]:
    """Load the rows the ``array_input`` generators can still send; return how many first
    steps must be simulated one by one (their rows go through the step-input state).

    Row ``k`` must arrive for step ``t0 + k``: a generator with delay ``d`` sends it in
    step ``t0 + k - d``.  Generators have already sent for the steps before
    ``engine.gen_until`` (a whole min-delay slice at a time), so rows that would have
    to be sent earlier are set into the target's step-input state instead, one step at
    a time.
    """
    h = sim.resolution

    def make() -> Any:
        d = max(1, round(sim.min_delay / h))   # the network's slices stay as long as they are
        g = sim.create("array_input", len(nodes))
        sim.connect(g, nodes, "one_to_one", {"weight": 1.0, "delay": d * h})
        return g, d
    gens, d = _device(sim, ("array_input", label), make)
    first_send = max(t0, sim.engine.gen_until)
    k_gen = first_send - t0 + d          # the first row a generator can deliver
    gens.set([{"amplitudes": AmplitudeTable(x[k_gen:, j]), "origin": 0.0, "start": first_send * h,
               "stop": math.inf} for j in range(x.shape[1])])
    return min(k_gen - 1, x.shape[0]), gens


#: samples (values, all variables and neurons) a state-variable multimeter holds at most
#: before the runner reads, reduces (``mean=True``) and clears it, so a population mean
#: costs one value per sample, as rectipy's recording does, not one per neuron
DRAIN_VALUES = 1 << 20


def _drain(sim: Simulator, plan: _Run) -> None:
    """Read the state-variable multimeters, keep their samples (population means reduced
    now) and clear them."""
    for m in plan.meters:
        st, vals = _read(sim, m.device, m.nodes, m.sources, plan.t0)
        for spec in plan.specs:
            if spec.label == m.label and st.size:
                v = vals[spec.source]
                plan.pieces.setdefault(spec.key, []).append((st, v.mean(axis=1) if spec.mean else v))


def _block_steps(plan: _Run, k: int) -> int:
    """Steps simulated between two drains of the state-variable multimeters."""
    values_per_sample = sum(len(m.nodes) * len(m.sources) for m in plan.meters)
    return k * max(1, DRAIN_VALUES // max(values_per_sample, 1))


def _step_loop(sim: Simulator, x: np.ndarray | None, target: tuple[str, NodeCollection, Any] | None,
               n_steps: int, plan: _Run, block: int, progress: bool | None) -> None:
    """Simulate ``n_steps`` steps: the first input rows through the step-input state, the
    rest through generators, in stretches of ``block`` steps after each of which the
    state-variable multimeters are drained (split runs give identical results)."""
    t0 = plan.t0
    h = sim.resolution
    steps_alone, gens, rows = 0, None, None
    if x is not None and target is not None:
        label, nodes, model = target
        steps_alone, gens = _prepare_inputs(sim, label, nodes, x, t0)
        rows = (nodes, str(model.step_input), x)
    bar = Progress(n_steps, h, sim.print_time, progress, desc="run")
    with warnings.catch_warnings():
        # rows the generators can no longer send in time go through the step-input
        # state, so a new input table inside a slice is intended here
        warnings.filterwarnings("ignore", "generators changed in the middle", RuntimeWarning)
        try:
            for n in range(steps_alone):
                if rows is not None:
                    _add_step_input(rows[0], rows[1], rows[2][n])
                sim.simulate(h, progress=False)  # one bar across the loop, not one per call
                bar.update(n + 1)
            _drain(sim, plan)
            done = steps_alone
            if done < n_steps and rows is not None:
                _add_step_input(rows[0], rows[1], rows[2][done])
            while done < n_steps:
                m = min(block, n_steps - done)
                sim.simulate(m * h, progress=False)
                done += m
                bar.update(done)
                _drain(sim, plan)
        finally:
            bar.close()
            if gens is not None:  # a later reset must not replay this input
                gens.set({"amplitudes": AmplitudeTable(())})


# -- recording ----------------------------------------------------------------------------------------
def _var_blocks(sim: Simulator, plan: _Run) -> dict[Key, np.ndarray]:
    """The sampled state variables, one row per recorded step (sample 0 from ``plan.first``)."""
    blocks: dict[Key, np.ndarray] = {}
    record_at = plan.record_at
    for spec in plan.specs:
        pieces = plan.pieces.get(spec.key, [])
        width = () if spec.mean else (len(spec.nodes),)
        st = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, dtype=np.int64)
        v = np.concatenate([p[1] for p in pieces]) if pieces else np.zeros((0, *width))
        if record_at.size and record_at[0] == 0:
            first = np.asarray(plan.first[(spec.label, spec.source)], float)
            st = np.concatenate([[0], st])
            v = np.concatenate([(first.mean() if spec.mean else first)[None], v])
        assert np.array_equal(st, record_at), (spec.key, st[:5], record_at[:5])
        blocks[spec.key] = v
    return blocks


def _output_block(sim: Simulator, plan: _Run, out: _OutSpec) -> np.ndarray:
    """The output at every recorded step: the mean since the previous record, as rectipy buffers it."""
    _, vals = _read(sim, plan.out_meter, out.nodes, (out.source,), plan.t0)
    o = vals[out.source]
    if plan.cutoff == 0:
        o = np.concatenate([np.asarray(plan.first_out, float)[None], o])
    start = max(plan.cutoff, 0)
    record_at = plan.record_at
    if not record_at.size:
        return np.zeros((0, o.shape[1]))
    edges = np.concatenate([[start], record_at[:-1] + 1]) - start
    upto = o[:record_at[-1] + 1 - start]
    sums = np.add.reduceat(upto, edges, axis=0)
    counts = np.diff(np.concatenate([edges, [upto.shape[0]]]))
    return sums / counts[:, None]


def _record(sim: Simulator, plan: _Run, obs: Observer, verbose: bool = False) -> None:
    """Read the run's devices into the observer (and print one line about the run if ``verbose``)."""
    blocks = _var_blocks(sim, plan)
    if plan.out is not None:
        blocks["out"] = _output_block(sim, plan, plan.out)
    if obs.records_loss:
        blocks["loss"] = np.zeros(plan.record_at.size)
    obs.extend(plan.record_at, blocks, first_step=plan.t0)
    if verbose:
        n, h = plan.n_steps, sim.resolution
        print(f"run: {n} steps ({n * h:g} ms) from t = {plan.t0 * h:g} ms, {plan.record_at.size} samples")


def _plan(sim: Simulator, obs: Observer, x: np.ndarray | None, n_steps: int, target: Any, output: Any,
          k: int, cutoff: int) -> tuple[_Run, tuple[str, NodeCollection, Any] | None]:
    """What a run records and where (from the present step), and its target if it needs one."""
    needs_target = x is not None or (obs.records_output and output is None)
    tgt = _target(sim, target, x) if needs_target else None
    out_spec = None
    if obs.records_output:  # a given observer decides what it records
        out_spec = _output_spec(sim, output, tgt[0] if tgt else None, tgt[2] if tgt else None)
    record_at = np.arange(-(-cutoff // k) * k, n_steps, k)   # rectipy: n >= cutoff and n % k == 0
    return _Run(sim.step, n_steps, cutoff, record_at, _var_specs(sim, obs), out_spec), tgt


# -- the runner -----------------------------------------------------------------------------------------
def run(sim: Simulator, inputs: Any = None, *, target: Any = None, steps: int | None = None,
        record_output: bool = True, record_loss: bool = False, verbose: bool = False,
        record_vars: Sequence[tuple[Any, ...]] | None = None, output: tuple[str, str] | None = None, cutoff: int = 0,
        sampling_steps: int = 1, obs: Observer | None = None, progress: bool | None = None) -> Observer:
    """Simulate step by step with an input array and record like ``rectipy.Network.run``.

    Parameters
    ----------
    sim : Simulator
        Advances by ``steps`` steps (of ``sim.resolution`` ms) from its present time.
    inputs : array (steps x N), optional
        External input of each step to each neuron of ``target`` (in the model's
        current unit, e.g. pA); row ``n`` acts during step ``n``.  ``None``: no input,
        then give ``steps``.  The target model must hold its coming step's input in a
        state (``qif``: ``I_ext``; ``izhikevich2007``: ``I``).
    target : str or NodeCollection, optional
        Labelled population taking ``inputs`` and giving the output (default: the only one).
    steps : int, optional
        Number of steps (default: ``len(inputs)``).
    record_output : bool, default True
        Record the output (``output``; default: the target's ``s`` for ``qif``) as ``"out"``.
    record_loss : bool, default False
        Record a loss of 0 per sample (there is no training here).
    record_vars : list of (population, variable, mean), optional
        Further variables; ``mean=True`` records the population average.
    output : (population, variable), optional
        The variable reported as the output.
    sampling_steps, cutoff : int, default 1, 0
        Record every ``sampling_steps``-th step, but none of the first ``cutoff`` steps.
    verbose : bool, default False
        Print one line about the run.
    obs : Observer, optional
        Append to this observer instead of a new one; its ``record_output``,
        ``record_loss`` and ``record_vars`` then apply (those arguments are ignored).
    progress : bool or None, default None
        One bar (simulated ms, rate, ETA) across the loop; None: as ``sim.simulate`` decides.

    Returns
    -------
    Observer
        Samples at the steps ``n`` (from the start of the run) with ``n % sampling_steps
        == 0`` and ``n >= cutoff``; sample ``n`` holds the state at ``t0 + n h``.

    Raises
    ------
    BadProperty
        If ``inputs`` is no finite (steps x neurons) array fitting ``steps`` and the target,
        the target is not unique or takes no step input, a variable is unknown, ``obs``
        has another step, or ``progress`` is no bool or None.
    """
    h = sim.resolution
    k, cutoff = _int_arg("sampling_steps", sampling_steps, 1), _int_arg("cutoff", cutoff, 0)
    x, n_steps = _check_inputs(inputs, steps, progress)
    obs = _observer(h, obs, record_output, record_loss, record_vars)
    plan, tgt = _plan(sim, obs, x, n_steps, target, output, k, cutoff)
    _start_meters(sim, plan, k)
    _step_loop(sim, x, tgt, n_steps, plan, _block_steps(plan, k), progress)
    _record(sim, plan, obs, verbose)
    return obs
