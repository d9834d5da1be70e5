"""The node table of one simulator: populations, id lookup and staged get/set.

Node ids are 1-based in creation order, devices included (NEST's convention); each
``create`` call adds one population holding a contiguous id range.  ``set`` is
transactional: every value of every node is validated first, then all are committed,
so an error leaves every node unchanged.  ``version`` counts changes, so the engine
knows when its compiled data must be rebuilt, and ``generator_version`` counts
changes of generator parameters (their input is sent a slice ahead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from spikesim import rng
from spikesim.errors import BadParameter, NotImplementedFeature, UnknownReceptorType, bad_property
from spikesim.models.base import INPUT_NONE, Model
from spikesim.network.parameters import Context, Parameter
from spikesim.network.populations import DevicePopulation, NeuronPopulation, Population
from spikesim.network.space import Layer, positions_of
from spikesim.parallel import Communicator, SerialComm, block
from spikesim.timegrid import TimeGrid

#: (population, local indices, values) committed together by :meth:`NodeTable.commit`
Staged = tuple[Population, np.ndarray, dict[str, Any]]


def key_hash(key: str) -> int:
    """A stable 63-bit hash of a parameter name (FNV-1a), part of a random stream's key."""
    h = 1469598103934665603
    for ch in key.encode():
        h = ((h ^ ch) * 1099511628211) % 2**63
    return h


def per_node_array(cls: type[Model], key: str, v: Any, n: int) -> bool:
    """Whether ``v`` gives one value per node (not a list-valued parameter for all)."""
    if isinstance(cls.params.get(key), (tuple, list)) or isinstance(v, (str, dict)):
        return False
    if not (isinstance(v, (list, tuple, np.ndarray)) and np.ndim(v) == 1 and len(v) == n):
        return False
    return np.asarray(v).dtype.kind in "biuf"  # NEST splits numbers; a list of strings is refused


def is_list_param(pop: Population, key: str) -> bool:
    """Parameters whose value is itself a list (spike_times, record_from, tau_syn...)."""
    return isinstance(pop.model.params.get(key), (tuple, list))


def as_generator_params(p: dict[str, Any]) -> dict[str, Any]:
    """Generator parameters as stored: lists and arrays become tuples."""
    return {k: (tuple(v) if isinstance(v, (list, np.ndarray)) else v) for k, v in p.items()}


class NodeTable:
    """Populations of one simulator, in id order.

    Parameters
    ----------
    grid : TimeGrid
        The simulator's time grid (generators and neurons check times against it).
    seed : callable
        Returns the simulator's seed; random parameters are drawn from streams keyed
        by (seed, first node id, parameter name).
    comm : Communicator, optional
        The ranks neurons are placed on (default: one process).
    """

    def __init__(self, grid: TimeGrid, seed: Callable[[], int], comm: Communicator | None = None) -> None:
        self.grid = grid
        self.seed = seed
        #: the ranks of a distributed run; neurons are split over them in blocks
        self.comm: Communicator = comm if comm is not None else SerialComm()
        self._local: tuple[int, np.ndarray] | None = None
        self.populations: list[Population] = []
        self._firsts: list[int] = []
        self.num_nodes = 0
        self._labels: dict[str, np.ndarray] = {}
        #: incremented by every change of nodes or their parameters
        self.version = 0
        #: incremented by every change of generator parameters
        self.generator_version = 0
        #: threads per rank, NEST's ``local_num_threads`` (the simulator points this at
        #: its setting); only the ``thread`` and ``vp`` status keys use it
        self.threads: Callable[[], int] = lambda: 1
        #: positions of the populations created with some (:mod:`spikesim.network.space`), by first id
        self.layers: dict[int, Layer] = {}

    # -- structure ----------------------------------------------------------------------
    def add(self, pop: Population, label: str | None = None) -> None:
        """Append a population (its ids follow the last node's).

        Raises
        ------
        BadProperty
            If ``label`` is taken.
        """
        self.check_label(label)
        pop.placement = self
        self.populations.append(pop)
        self._firsts.append(pop.first)
        self.num_nodes = pop.first - 1 + pop.n
        if label is not None:
            self._labels[label] = pop.ids
        self.version += 1

    def check_label(self, label: str | None) -> None:
        """Raise :class:`~spikesim.errors.BadProperty` if ``label`` is taken."""
        if label is not None and label in self._labels:
            raise bad_property("create", "label", label, "labels must be unique; this one is taken")

    def labelled(self, label: str) -> np.ndarray:
        """The ids created with ``label``.

        Raises
        ------
        BadProperty
            If no population has that label (the message lists the labels).
        """
        if label not in self._labels:
            raise bad_property("nodes", "label", label, f"known labels are {sorted(self._labels)}")
        return self._labels[label]

    def labels(self) -> dict[str, np.ndarray]:
        """Label -> ids of every labelled population."""
        return dict(self._labels)

    def population_of(self, node_id: int) -> Population:
        """The population holding ``node_id``.

        Raises
        ------
        BadParameter
            If no node has that id.
        """
        i = int(np.searchsorted(self._firsts, node_id, side="right")) - 1
        if i < 0 or node_id > self.num_nodes:
            raise BadParameter(f"node id {node_id} does not exist; ids run from 1 to {self.num_nodes}")
        return self.populations[i]

    def node(self, node_id: int) -> Any:
        """The per-node object of a device (a recording device or a generator's dict)."""
        pop = self.population_of(node_id)
        if not isinstance(pop, DevicePopulation):
            raise BadParameter(f"node {node_id} is a neuron ({pop.model_name}), not a device")
        return pop.nodes[node_id - pop.first]

    def model_of(self, node_id: int) -> type[Model]:
        """The model class of node ``node_id``."""
        return self.population_of(node_id).model

    def split(self, ids: np.ndarray) -> list[tuple[Population, np.ndarray, np.ndarray]]:
        """Group sorted ids by population: (population, local indices, positions in ids)."""
        if ids.size == 0:
            return []
        which = np.searchsorted(self._firsts, ids, side="right") - 1
        out = []
        bounds = np.flatnonzero(np.diff(which)) + 1
        for pos in np.split(np.arange(ids.size), bounds):
            pop = self.populations[int(which[pos[0]])]
            out.append((pop, ids[pos] - pop.first, pos))
        return out

    def local_range(self, pop: Population, rank: int | None = None) -> tuple[int, int]:
        """Local indices ``[lo, hi)`` of ``pop`` that ``rank`` (default: this one)
        updates (devices: all of them)."""
        if isinstance(pop, NeuronPopulation) and self.comm.size > 1:
            return block(pop.n, self.comm.rank if rank is None else rank, self.comm.size)
        return 0, pop.n

    def local_mask(self, rank: int | None = None) -> np.ndarray:
        """Whether each node (indexed by id - 1) lives on ``rank`` (default: this one):
        its neuron blocks, and every device (devices exist on every rank)."""
        if rank is not None and rank != self.comm.rank:
            return self._mask(rank)
        if self._local is None or self._local[0] != self.version:
            self._local = (self.version, self._mask(self.comm.rank))
        return self._local[1]

    def _mask(self, rank: int) -> np.ndarray:
        mask = np.ones(self.num_nodes, dtype=bool)
        for pop in self.neurons():
            lo, hi = self.local_range(pop, rank)
            mask[pop.first - 1:pop.first - 1 + lo] = False
            mask[pop.first - 1 + hi:pop.first - 1 + pop.n] = False
        return mask

    def placement(self, pop: Population, local: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """NEST's status keys ``local``, ``thread`` and ``vp`` of the nodes of ``pop`` at
        local indices ``local``.

        ``local``: whether the node lives on this rank.  NEST deals neurons out round
        robin (``vp = id % (P T)``); spikesim places contiguous blocks: rank ``r`` holds
        the block :func:`~spikesim.parallel.block` ``(n, r, P)`` of each neuron
        population, and its ``T`` threads split that block again into contiguous parts
        (``thread`` = the part holding the neuron; numba schedules the loops itself, so
        this is the nominal owner, and results do not depend on it).  ``vp`` keeps NEST's
        relation to rank and thread, ``vp = thread * P + rank`` (so ``vp % P`` is the
        rank and ``vp // P`` the thread, as in NEST).  Devices exist on every rank and
        report, as NEST's replicated devices do, ``local`` True, ``thread`` 0 and ``vp``
        equal to this rank.

        Parameters
        ----------
        pop : Population
            A population of this table.
        local : ndarray
            Local indices (0-based) of nodes of ``pop``.

        Returns
        -------
        local, thread, vp : ndarray
            bool, int64, int64; one entry per node.
        """
        size, rank, threads = self.comm.size, self.comm.rank, max(1, int(self.threads()))
        local = np.asarray(local, dtype=np.int64)
        if not isinstance(pop, NeuronPopulation):
            return (np.ones(local.size, dtype=bool), np.zeros(local.size, dtype=np.int64),
                    np.full(local.size, rank, dtype=np.int64))
        starts = np.array([block(pop.n, r, size)[0] for r in range(size)], dtype=np.int64)
        owner = np.searchsorted(starts, local, side="right") - 1
        lo, hi = starts[owner], np.array([block(pop.n, r, size)[1] for r in range(size)], dtype=np.int64)[owner]
        # the thread part of block [lo, hi) holding i: block(hi - lo, t, T) starts at (hi - lo) t // T
        thread = ((local - lo) * threads + threads - 1) // np.maximum(hi - lo, 1)
        thread = np.minimum(thread, threads - 1)
        return owner == rank, thread, thread * size + owner

    def neurons(self) -> list[NeuronPopulation]:
        """Neuron populations in id order."""
        return [p for p in self.populations if isinstance(p, NeuronPopulation)]

    def devices(self, kind: str) -> list[DevicePopulation]:
        """Device populations of ``kind`` (``"generator"`` or ``"recorder"``) in id order."""
        return [p for p in self.populations if isinstance(p, DevicePopulation) and p.kind == kind]

    def recorders(self) -> list[Any]:
        """Every recording device, in id order."""
        return [dev for pop in self.devices("recorder") for dev in pop.nodes]

    def input_modes(self) -> np.ndarray:
        """How each node takes input (``models.base.INPUT_*``), indexed by id - 1."""
        mode = np.full(self.num_nodes, INPUT_NONE, dtype=np.int8)
        for pop in self.populations:
            mode[pop.first - 1:pop.first - 1 + pop.n] = pop.model.input_mode
        return mode

    # -- random parameters ----------------------------------------------------------------
    def draw(self, v: Any, n: int, first: int, key: str, ids: np.ndarray | None = None) -> Any:
        """``n`` values of a random :class:`Parameter` for nodes from ``first`` (a spatial one
        at the positions of ``ids``); other values as given."""
        if isinstance(v, Parameter):
            ctx = Context(positions=positions_of(self, ids)) if ids is not None and v.is_spatial() else None
            return v.draw(rng.generator(self.seed(), first, rng.PURPOSE_PARAMETER, key_hash(key)), n, ctx)
        return v

    def neuron_values(self, common: dict[str, Any], per_node: list[dict[str, Any]] | None, n: int,
                      first: int, defaults: dict[str, Any], ragged: tuple[str, ...] = ()) -> dict[str, Any]:
        """Values to set on new neurons; keys missing from some per-node dicts keep the default
        (``ragged``: list parameters whose lengths may differ between nodes).

        Raises
        ------
        BadProperty
            If per-node lists (``tau_syn``) differ in length and are not in ``ragged``.
        """
        values: dict[str, Any] = {k: self.draw(v, n, first, k) for k, v in common.items()}
        if per_node:
            for k in set().union(*per_node):
                given = [p.get(k, defaults[k]) for p in per_node]
                try:
                    values[k] = np.array(given)
                except ValueError:  # lists of several lengths (tau_syn of multisynapse neurons)
                    if k not in ragged:
                        raise bad_property("create", k, given, "the neurons of one population take lists of "
                                           "one length") from None
                    values[k] = given  # the population pads them (gif models' adaptation lists)
        return values

    def device_values(self, cls: type[Model], common: dict[str, Any], i: int, n: int,
                      node_id: int) -> dict[str, Any]:
        """Values for device node ``i`` of ``n``: random ones drawn, per-node arrays indexed."""
        out = {}
        for k, v in common.items():
            if isinstance(v, Parameter):
                v = float(self.draw(v, 1, node_id, k)[0])
            elif per_node_array(cls, k, v, n):
                v = v[i]
                v = v.item() if isinstance(v, np.generic) else v
            out[k] = v
        return out

    # -- get and set --------------------------------------------------------------------
    def get(self, ids: np.ndarray, keys: tuple[str, ...]) -> Any:
        """Values of ``keys`` for ``ids``, one entry per node: a numpy array where every
        value is a number or bool, otherwise a list (events dicts, ``record_from``
        lists, model names).  One key: its values; several or none (every key all the
        nodes have): a dict ``key -> values``."""
        groups = self.split(ids)
        if not keys:
            seen: list[str] = []
            for pop, _, _ in groups:
                seen += [k for k in pop.all_keys() if k not in seen]
            keys = tuple(k for k in seen if all(k in p.all_keys() for p, _, _ in groups))
        out = {k: _one_per_node([pop.get(k, local) for pop, local, _ in groups]) for k in keys}
        return out[keys[0]] if len(keys) == 1 else out

    def set(self, ids: np.ndarray, values: dict[str, Any]) -> None:
        """Set ``values`` (scalars, one value per node or random parameters) on ``ids``."""
        staged: list[Staged] = []
        for pop, local, pos in self.split(ids):
            vals = {k: self._value_for(pop, k, v, ids, pos) for k, v in values.items()}
            if isinstance(pop, DevicePopulation) and any(
                    per_node_array(pop.model, k, v, local.size) for k, v in vals.items()):
                staged += [(pop, np.array([li]), _one_of(pop.model, vals, j, local.size))
                           for j, li in enumerate(local)]
                continue
            staged.append((pop, local, vals))
        self.commit(staged)

    def _value_for(self, pop: Population, k: str, v: Any, ids: np.ndarray, pos: np.ndarray) -> Any:
        v = self.draw(v, ids.size, int(ids[0]), k, ids) if isinstance(v, Parameter) else v
        arr = np.asarray(v, dtype=object) if isinstance(v, (list, tuple, np.ndarray)) else None
        if arr is not None and arr.ndim == 1 and arr.size == ids.size and ids.size > 1 \
                and not is_list_param(pop, k):
            return np.asarray(v)[pos]
        return v

    def set_list(self, ids: np.ndarray, dicts: list[dict[str, Any]]) -> None:
        """Set one dict of values per node of ``ids``."""
        staged: list[Staged] = []
        for pop, local, pos in self.split(ids):
            staged += [(pop, np.array([li]), dicts[pi]) for li, pi in zip(local, pos, strict=True)]
        self.commit(staged)

    def commit(self, staged: list[Staged]) -> None:
        """Validate everything first, then commit: an error leaves all nodes unchanged."""
        backups = []
        staged = [(pop, local, _unfrozen(pop, vals) if isinstance(pop, DevicePopulation) else vals)
                  for pop, local, vals in staged]
        try:
            for pop, local, vals in staged:
                if isinstance(pop, NeuronPopulation):
                    backups.append((pop, pop.P, pop.S, pop.D, pop.frozen))
                    pop.set(local, vals)
                elif isinstance(pop, DevicePopulation):
                    for i in local:
                        self._check_device(pop, pop.nodes[int(i)], vals)
        except Exception:
            for pop, P, S, D, frozen in reversed(backups):  # the first backup holds the oldest values
                pop.P, pop.S, pop.D, pop.frozen = P, S, D, frozen
            raise
        for pop, local, vals in staged:
            if isinstance(pop, DevicePopulation):
                for i in local:
                    self._apply_device(pop, int(i), vals)
        self.version += 1

    def _check_device(self, pop: DevicePopulation, node: Any, vals: dict[str, Any]) -> None:
        if pop.kind == "recorder":
            node.validated(vals)
            return
        p = dict(node)
        for k, v in vals.items():
            if k not in p:
                raise bad_property(pop.model_name, k, v, f"{pop.model_name} has the parameters {sorted(p)}")
        p.update(pop.model.settled(dict(node), as_generator_params(vals), self.grid.resolution, self.grid.step))  # type: ignore[attr-defined]
        pop.model.check_node(p, self.grid.resolution)  # type: ignore[attr-defined]

    def _apply_device(self, pop: DevicePopulation, i: int, vals: dict[str, Any]) -> None:
        if pop.kind == "recorder":
            pop.nodes[i].set(vals)
            return
        node = pop.nodes[i]
        node.update(pop.model.settled(dict(node), as_generator_params(vals), self.grid.resolution, self.grid.step))  # type: ignore[attr-defined]
        self.generator_version += 1

    def check_receptors(self, tgt: np.ndarray, r: np.ndarray, src: np.ndarray) -> None:
        """Check the receptor types ``r`` of connections from ``src`` onto ``tgt``; mark
        neurons that now receive spikes (``has_connections``).

        Raises
        ------
        UnknownReceptorType
            If a target does not have the receptor (nothing is marked then).
        """
        # multisynapse neurons take spikes on receptors 1.. only: 0 is checked too
        if not np.any(r != 0) and all(0 in p.receptor_ids() for p in self.neurons()):
            return
        currents = not any(pop.model.sends in ("spikes", "poisson") for pop, _, _ in self.split(np.unique(src)))
        targets = self.split(np.unique(tgt))
        for pop, local, _pos in targets:
            allowed = pop.receptor_ids(currents)
            rr = r[np.isin(tgt, pop.first + local)]
            bad = ~np.isin(rr, list(allowed))
            if bad.any():
                raise UnknownReceptorType(f"connect: receptor_type {int(rr[bad][0])} is not allowed for "
                                          f"{pop.model_name}; allowed are {sorted(allowed)}")
        for pop, _, _ in targets:
            if not currents and isinstance(pop, NeuronPopulation):
                pop.has_connections = True  # as NEST: its number of receptors is now fixed

    # -- state in and out ---------------------------------------------------------------
    def state(self) -> tuple[list[dict[str, Any]], dict[str, np.ndarray]]:
        """Every population as an entry (model, ids, label, kind) plus neuron arrays
        (parameters, state, initial state) keyed ``pop{i}/...``; device nodes are
        stored by the caller, which knows how to rebuild them."""
        entries: list[dict[str, Any]] = []
        arrays: dict[str, np.ndarray] = {}
        for i, pop in enumerate(self.populations):
            entry: dict[str, Any] = {"model": pop.model_name, "first": pop.first, "n": pop.n, "label": pop.label,
                                     "kind": pop.model.kind}
            if isinstance(pop, NeuronPopulation):
                entry["params"] = list(pop.P)
                arrays.update({f"pop{i}/P/{k}": v for k, v in pop.P.items()})
                arrays[f"pop{i}/S"] = pop.S
                if pop.S0 is not None:
                    arrays[f"pop{i}/S0"] = pop.S0
                if pop.frozen.any():
                    arrays[f"pop{i}/frozen"] = pop.frozen
            entries.append(entry)
        return entries, arrays


def _unfrozen(pop: DevicePopulation, vals: dict[str, Any]) -> dict[str, Any]:
    """A device's ``vals`` without ``frozen`` (False: devices always run), or
    NotImplementedFeature when it asks to freeze."""
    if "frozen" not in vals:
        return vals
    v = vals["frozen"]
    if not isinstance(v, (bool, np.bool_)):
        raise bad_property(pop.model_name, "frozen", v, "give True or False")
    if v:
        raise NotImplementedFeature(f"{pop.model_name}: frozen = True: spikesim freezes neurons only; "
                                    "devices always run")
    return {k: x for k, x in vals.items() if k != "frozen"}


def _one_per_node(parts: list[np.ndarray]) -> np.ndarray | list[Any]:
    """The values of several populations joined: numbers, bools and strings one array,
    containers (``events`` dicts, ``record_from`` lists) a list, so a dict is never
    wrapped in an object array."""
    values = [x.item() if isinstance(x, np.generic) else x for p in parts for x in p]
    if any(isinstance(x, (dict, list, tuple, np.ndarray)) for x in values):
        return values
    if len(parts) == 1 and parts[0].dtype != object:
        return parts[0]
    try:
        return np.concatenate(parts) if all(p.dtype != object for p in parts) else np.array(values, dtype=object)
    except ValueError:
        return np.array(values, dtype=object)


def _one_of(model: type[Model], vals: dict[str, Any], j: int, n: int) -> dict[str, Any]:
    """Node ``j``'s values: per-node arrays indexed, the rest as given."""
    out = {}
    for k, v in vals.items():
        if per_node_array(model, k, v, n):
            x = v[j]
            out[k] = x.item() if isinstance(x, np.generic) else x
        else:
            out[k] = v
    return out
