"""Observer and step-loop runs, with rectipy's semantics, over spikesim's devices.

* :class:`Observer` collects, per recorded step, the network output, a loss and state
  variables (per neuron or averaged over the population); custom loops call
  :meth:`Observer.record` themselves.
* :func:`run` drives a simulator with a (steps x N) input array and returns an
  Observer, as ``rectipy.Network.run`` does.  The input goes through ``array_input``
  generators (one per neuron, ``one_to_one``, with the network's minimum delay), the
  recordings through multimeters: no second recording path.  Rows that a generator
  can no longer send in time (the first ``delay`` rows of a run) are added to the
  target's step-input state (``qif``: ``I_ext``), one step at a time.

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
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from spikesim.errors import bad_property
from spikesim.models.array_input import AmplitudeTable

if TYPE_CHECKING:
    from spikesim.core.simulator import Simulator
    from spikesim.network.nodes import NodeCollection

__all__ = ["Observer", "run"]

Key = Union[str, tuple[str, str]]


def _to_numpy(value: Any) -> np.ndarray:
    """An array from numpy data, numbers, or tensors (``detach().cpu().numpy()``)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)


def _name(key: Key) -> str:
    return "/".join(key) if isinstance(key, tuple) else str(key)


class Observer:
    """Recordings of a step loop: output, loss and state variables per recorded step.

    Parameters
    ----------
    dt : float
        Step size (ms); sample ``n`` is at ``n * dt``.
    record_output : bool, default True
        Record the network output under the key ``"out"``.
    record_loss : bool, default True
        Record the loss under the key ``"loss"``.
    record_vars : list of tuples, optional
        ``(population, variable, mean)``: ``mean=True`` records the population average,
        ``False`` every neuron.  Recordings are keyed ``(population, variable)``.

    Examples
    --------
    >>> obs = Observer(0.1, record_output=False, record_loss=False, record_vars=[("pop", "v", True)])
    >>> for step in range(3):
    ...     obs.record(step, output=None, loss=0.0, record_vars=[np.array([1.0, 2.0 + step])])
    >>> obs.to_numpy(("pop", "v"))
    array([1.5, 2. , 2.5])
    >>> obs.to_dataframe(("pop", "v")).index.tolist()
    [0.0, 0.1, 0.2]
    """

    def __init__(self, dt: float, record_output: bool = True, record_loss: bool = True,
                 record_vars: Sequence[tuple[Any, ...]] | None = None) -> None:
        if isinstance(dt, bool) or not isinstance(dt, (int, float, np.number)) or not dt > 0 or math.isinf(dt):
            raise bad_property("Observer", "dt", dt, "it must be a positive step size in ms")
        self._dt = float(dt)
        vars_, reduce = [], []
        for v in record_vars or []:
            if not isinstance(v, (tuple, list)) or len(v) not in (2, 3) or not all(isinstance(x, str) for x in v[:2]):
                raise bad_property("Observer", "record_vars", v, "give tuples (population, variable, mean)")
            vars_.append((v[0], v[1]))
            reduce.append(bool(v[2]) if len(v) == 3 else False)
        if len(set(vars_)) != len(vars_):
            raise bad_property("Observer", "record_vars", list(record_vars or []), "each variable may appear once")
        self._state_vars: list[tuple[str, str]] = vars_
        self._reduce: list[bool] = reduce
        self._record_out = bool(record_output)
        self._record_loss = bool(record_loss)
        self._data: dict[Key, list[np.ndarray]] = {v: [] for v in vars_}
        if self._record_loss:
            self._data["loss"] = []
        if self._record_out:
            self._data["out"] = []
        self._steps: list[np.ndarray] = []
        self._extra: dict[Any, Any] = {}

    # -- what is recorded -------------------------------------------------------------
    @property
    def dt(self) -> float:
        return self._dt

    @property
    def recorded_state_variables(self) -> list[tuple[str, str]]:
        """The state variables recorded, as ``(population, variable)``."""
        return list(self._state_vars)

    recorded_rnn_variables = recorded_state_variables

    @property
    def recorded_variables(self) -> list[Key]:
        """Every key with recordings: the state variables, ``"loss"``, ``"out"``."""
        return list(self._data)

    def reduced(self, key: tuple[str, str]) -> bool:
        """Whether ``key`` is recorded as the population mean."""
        return self._reduce[self._state_vars.index(key)]

    @property
    def steps(self) -> np.ndarray:
        """Step index of every sample."""
        return np.concatenate(self._steps) if self._steps else np.zeros(0, dtype=np.int64)

    @property
    def times(self) -> np.ndarray:
        """Time of every sample (ms): ``steps * dt``."""
        return self.steps * self._dt

    # -- recording ---------------------------------------------------------------------
    def record(self, step: int, output: Any, loss: Any, record_vars: Iterable[Any]) -> None:
        """Record one step: the output, the loss and the values of the state variables.

        ``record_vars`` holds one array (one value per neuron) per declared state
        variable, in the order given at construction.
        """
        values = list(record_vars)
        if len(values) != len(self._state_vars):
            raise bad_property("Observer.record", "record_vars", f"{len(values)} values",
                               f"give one array per declared variable {self._state_vars}")
        self._steps.append(np.array([int(step)], dtype=np.int64))
        for key, val, red in zip(self._state_vars, values, self._reduce):
            arr = _to_numpy(val)
            self._data[key].append((arr.mean() if red else arr)[None])
        if self._record_out:
            self._data["out"].append(_to_numpy(output)[None])
        if self._record_loss:
            self._data["loss"].append(_to_numpy(loss)[None])

    def _extend(self, steps: np.ndarray, blocks: dict[Key, np.ndarray]) -> None:
        """Append many samples at once (``blocks[key]`` has one row per step)."""
        self._steps.append(np.asarray(steps, dtype=np.int64))
        for key in self._data:
            self._data[key].append(blocks[key])

    def save(self, key: Any, val: Any) -> None:
        """Keep any object on the observer, retrievable as ``obs[key]``."""
        self._extra[key] = val

    # -- reading -----------------------------------------------------------------------------
    def _missing(self, item: Any) -> KeyError:
        return KeyError(f"Observer: nothing recorded under {item!r}; the keys are "
                        f"{self.recorded_variables + list(self._extra)}")

    def __getitem__(self, item: Any) -> Any:
        """The samples of ``item`` as a list (one array or number per sample), or a saved object."""
        if item in self._data:
            return list(self.to_numpy(item))
        if item in self._extra:
            return self._extra[item]
        raise self._missing(item)

    def to_numpy(self, item: Key) -> np.ndarray:
        """The samples of ``item`` stacked: shape (samples,) or (samples, neurons)."""
        if item not in self._data:
            if item in self._extra:
                return np.asarray(self._extra[item])
            raise self._missing(item)
        parts = self._data[item]
        return np.concatenate(parts) if parts else np.zeros(0)

    def to_dataframe(self, item: Key) -> Any:
        """A ``pandas.DataFrame`` of ``item`` indexed by time (ms), a column per neuron."""
        import pandas as pd
        data = self.to_numpy(item)
        df = pd.DataFrame(index=pd.Index(self.times, name="time"), data=data)
        df.attrs["key"] = item
        return df

    @property
    def recordings(self) -> Any:
        """Every recorded key in one ``DataFrame``; columns ``(key, neuron)``."""
        import pandas as pd
        return pd.concat({_name(k): self.to_dataframe(k) for k in self._data}, axis=1)

    # -- plots ---------------------------------------------------------------------------------
    def plot(self, y: Key, x: Key | None = None, ax: Any = None, **kwargs: Any) -> Any:
        """Line plot of ``y`` against time, or against the recorded ``x``; returns the axes."""
        import matplotlib.pyplot as plt
        if ax is None:
            _, ax = plt.subplots(figsize=kwargs.pop("figsize", None))
        yv = self.to_numpy(y)
        if x is None:
            ax.plot(self.times, yv, **kwargs)
        else:
            ax.plot(self.to_numpy(x), yv, **kwargs)
        ax.set_xlabel("time (ms)" if x is None else _label(x))
        ax.set_ylabel(_label(y))
        return ax

    def matshow(self, v: Key, ax: Any = None, **kwargs: Any) -> Any:
        """Colour plot of ``v`` (neurons x samples); returns the axes."""
        import matplotlib.pyplot as plt
        if ax is None:
            _, ax = plt.subplots(figsize=kwargs.pop("figsize", None))
        shrink = kwargs.pop("shrink", 0.6)
        im = ax.imshow(np.atleast_2d(self.to_numpy(v).T), aspect="auto", **kwargs)
        plt.colorbar(im, ax=ax, shrink=shrink)
        ax.set_xlabel("sample")
        ax.set_ylabel(_label(v))
        return ax

    def __repr__(self) -> str:
        return f"Observer(dt={self._dt}, {self.steps.size} samples of {self.recorded_variables})"


def _label(key: Key) -> str:
    return f"Node: {key[0]}, variable: {key[1]}" if isinstance(key, tuple) else str(key)


# -- runs ---------------------------------------------------------------------------------------

#: devices run() made, per simulator: key -> NodeCollection (reused by later runs)
_DEVICES: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()


def _int_arg(key: str, v: Any, lo: int) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
        raise bad_property("run", key, v, f"it must be an integer >= {lo}")
    return int(v)


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
    if alias in model.recordables:
        return alias
    raise bad_property("run", "record_vars", (label, var), f"{label} ({model.name}) records {list(model.recordables)}")


def _default_target(sim: Simulator) -> str:
    labels = [k for k, nc in sim.labels.items() if len(nc) and sim.node_table.model_of(int(nc.ids[0])).kind
              == "neuron"]
    if len(labels) != 1:
        raise bad_property("run", "target", None, f"name the population that takes the input and gives the "
                           f"output; the labelled neuron populations are {sorted(labels)}")
    return labels[0]


def _device(sim: Simulator, key: tuple[Any, ...], make: Any) -> Any:
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


def _read(sim: Simulator, mm: Any, nodes: NodeCollection, sources: tuple[str, ...], t0: int
          ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Run-relative steps and (samples x neurons) values of a multimeter; then empty it."""
    ev = mm.get("events")[0]
    n = len(nodes)
    steps = np.rint(np.asarray(ev["times"]) / sim.resolution).astype(np.int64)[::n] - t0
    values = {s: np.asarray(ev[s], dtype=float).reshape(-1, n) for s in sources}
    mm.set({"n_events": 0})
    return steps, values


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


def run(sim: Simulator, inputs: Any = None, *, target: Any = None, steps: int | None = None,
        record_output: bool = True, record_loss: bool = False,
        record_vars: Sequence[tuple[Any, ...]] | None = None, output: tuple[str, str] | None = None,
        sampling_steps: int = 1, cutoff: int = 0, verbose: bool = False, obs: Observer | None = None) -> Observer:
    """Simulate step by step with an input array and record like ``rectipy.Network.run``.

    Parameters
    ----------
    sim : Simulator
        The simulator; it advances by ``steps`` steps from its present time.
    inputs : array (steps x N), optional
        External input of each step to each neuron of ``target`` (in the model's
        current unit); row ``n`` acts during step ``n``.  ``None``: no input, then give
        ``steps``.  The target model must hold its coming step's input in a state
        (``qif``: ``I_ext``; ``izhikevich2007``: ``I``).
    target : str or NodeCollection, optional
        Labelled population taking ``inputs`` and giving the output; default: the only
        labelled neuron population.
    steps : int, optional
        Number of steps (default: ``len(inputs)``).
    record_output : bool, default True
        Record the output (``output``, default the target's ``s`` for ``qif``) as
        ``"out"``.
    record_loss : bool, default False
        Record a loss of 0 per sample (there is no training here).
    record_vars : list of (population, variable, mean), optional
        Further variables; ``mean=True`` records the population average.
    output : (population, variable), optional
        The variable reported as the output.
    sampling_steps : int, default 1
        Record every ``sampling_steps``-th step.
    cutoff : int, default 0
        Steps at the start not recorded.
    verbose : bool, default False
        Print one line about the run.
    obs : Observer, optional
        Append to this observer instead of a new one; its ``record_output``,
        ``record_loss`` and ``record_vars`` then apply (those arguments are ignored).

    Returns
    -------
    Observer
    """
    h = sim.resolution
    k = _int_arg("sampling_steps", sampling_steps, 1)
    cutoff = _int_arg("cutoff", cutoff, 0)
    x = None
    if inputs is not None:
        x = _to_numpy(inputs)
        if x.ndim != 2:
            raise bad_property("run", "inputs", f"array of shape {x.shape}", "give a (steps x neurons) array")
        if not np.isfinite(x).all():
            raise bad_property("run", "inputs", float(x[~np.isfinite(x)][0]), "inputs must be finite")
        if steps is not None and _int_arg("steps", steps, 1) != x.shape[0]:
            raise bad_property("run", "steps", steps, f"inputs has {x.shape[0]} rows (steps)")
        n_steps = x.shape[0]
    elif steps is None:
        raise bad_property("run", "steps", None, "give inputs (a steps x neurons array) or the number of steps")
    else:
        n_steps = _int_arg("steps", steps, 1)
    if n_steps < 1:
        raise bad_property("run", "inputs", "0 rows", "give at least one step")
    if obs is None:
        obs = Observer(h, record_output=record_output, record_loss=record_loss, record_vars=record_vars)
    elif not isinstance(obs, Observer) or abs(obs.dt - h) > 1e-12:
        raise bad_property("run", "obs", obs, f"give an Observer with dt = the resolution ({h} ms)")
    record_output = obs._record_out   # a given observer decides what it records
    needs_target = x is not None or (record_output and output is None)
    t_label, t_nodes, t_model = _population(sim, target if target is not None else _default_target(sim),
                                            "target") if needs_target else (None, None, None)
    if x is not None:
        if getattr(t_model, "step_input", None) is None:
            raise bad_property("run", "target", t_label, f"its model {t_model.name} takes no step input; "
                               "models that do: qif, izhikevich2007")
        if x.shape[1] != len(t_nodes):
            raise bad_property("run", "inputs", f"array of shape {x.shape}",
                               f"{t_label} has {len(t_nodes)} neurons: give {len(t_nodes)} columns")
    out_spec = None
    if record_output:
        if output is None:
            var = getattr(t_model, "output_var", None)
            if var is None:
                raise bad_property("run", "output", None, f"{t_model.name} has no default output; "
                                   "give output=(population, variable)")
            output = (t_label, var)
        if not isinstance(output, (tuple, list)) or len(output) != 2:
            raise bad_property("run", "output", output, "give (population, variable)")
        o_label, o_nodes, o_model = _population(sim, output[0], "output")
        out_spec = (o_label, o_nodes, _recordable(o_model, o_label, output[1]))
    specs = []
    for (label, var), red in zip(obs.recorded_state_variables, obs._reduce):
        _, nodes, model = _population(sim, label, "record_vars")
        specs.append((label, nodes, _recordable(model, label, var), red, (label, var)))

    t0 = sim.step
    record_at = np.arange(-(-cutoff // k) * k, n_steps, k)   # rectipy: n >= cutoff and n % k == 0
    # -- devices: sampled variables every k steps, the output every step ---------------------
    groups: dict[str, tuple[NodeCollection, list[str]]] = {}
    for label, nodes, src, _, _ in specs:
        groups.setdefault(label, (nodes, []))[1].append(src)
    meters = []
    n_lo = max(cutoff, 1)
    for label, (nodes, srcs) in groups.items():
        sources = tuple(dict.fromkeys(srcs))
        mm = _multimeter(sim, "vars", label, nodes, sources, k, t0 % k)
        lo, hi = (t0 + n_lo - 1) * h, (t0 + max(n_steps - 1, n_lo - 1)) * h
        mm.set({"start": lo, "stop": hi})
        meters.append((label, nodes, sources, mm))
    out_mm = None
    if out_spec is not None:
        o_label, o_nodes, o_src = out_spec
        out_mm = _multimeter(sim, "output", o_label, o_nodes, (o_src,), 1, 0)
        out_mm.set({"start": (t0 + n_lo - 1) * h, "stop": (t0 + max(n_steps - 1, n_lo - 1)) * h})
    # the state at the start of the run is sample 0
    first = {(label, src): nodes.get(src) for label, nodes, src, _, _ in specs}
    first_out = out_spec[1].get(out_spec[2]) if out_spec is not None else None
    # -- input: the first rows through the step-input state, the rest through generators ---------
    steps_alone, gens = 0, None
    if x is not None:
        steps_alone, gens = _prepare_inputs(sim, t_label, t_nodes, x, t0)
    with warnings.catch_warnings():
        # rows the generators can no longer send in time go through the step-input
        # state, so a new input table inside a slice is intended here
        warnings.filterwarnings("ignore", "generators changed in the middle", RuntimeWarning)
        try:
            state = t_model.step_input if x is not None else None
            for k in range(steps_alone):
                _add_step_input(t_nodes, state, x[k])
                sim.simulate(h)
            if steps_alone < n_steps:
                if x is not None:
                    _add_step_input(t_nodes, state, x[steps_alone])
                sim.simulate((n_steps - steps_alone) * h)
        finally:
            if gens is not None:  # a later reset must not replay this input
                gens.set({"amplitudes": AmplitudeTable(())})
    # -- collect ---------------------------------------------------------------------------------
    blocks: dict[Key, np.ndarray] = {}
    sampled: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    for label, nodes, sources, mm in meters:
        st, vals = _read(sim, mm, nodes, sources, t0)
        for s in sources:
            sampled[(label, s)] = (st, vals[s])
    for label, nodes, src, red, key in specs:
        st, v = sampled[(label, src)]
        if record_at.size and record_at[0] == 0:
            st, v = np.concatenate([[0], st]), np.concatenate([np.asarray(first[(label, src)], float)[None], v])
        assert np.array_equal(st, record_at), (key, st[:5], record_at[:5])
        blocks[key] = v.mean(axis=1) if red else v
    if out_mm is not None:
        st, vals = _read(sim, out_mm, out_spec[1], (out_spec[2],), t0)
        o = vals[out_spec[2]]
        if cutoff == 0:
            o = np.concatenate([np.asarray(first_out, float)[None], o])
        # rectipy records the mean of the outputs since the previous record
        start = max(cutoff, 0)
        if record_at.size:
            edges = np.concatenate([[start], record_at[:-1] + 1]) - start
            upto = o[:record_at[-1] + 1 - start]
            sums = np.add.reduceat(upto, edges, axis=0)
            counts = np.diff(np.concatenate([edges, [upto.shape[0]]]))
            blocks["out"] = sums / counts[:, None]
        else:
            blocks["out"] = np.zeros((0, o.shape[1]))
    if obs._record_loss:
        blocks["loss"] = np.zeros(record_at.size)
    obs._extend(record_at, blocks)
    if verbose:
        print(f"run: {n_steps} steps ({n_steps * h:g} ms) from t = {t0 * h:g} ms, {record_at.size} samples")
    return obs
