"""Connect: resolve nodes, apply a rule, check, route and store connections.

Every connection travels one *route*, decided by the kinds of its two ends:

=========  =====================================  ===============================
route      source -> target                       what happens
=========  =====================================  ===============================
spike      neuron / spike_generator -> neuron     spikes through ring buffers
poisson    poisson_generator -> neuron            independent Poisson train per target
current    dc/step current generator -> neuron    currents through ring buffers
record     node -> spike_recorder                 the recorder collects the spikes
sample     multimeter / voltmeter -> neuron       the device samples the neuron
=========  =====================================  ===============================

All checks run before anything is stored, so an error leaves the network as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from spikesim import errors, rng
from spikesim.errors import BadDelay, BadProperty, IllegalConnection, UnaccessedDictionaryEntry, bad_property
from spikesim.network import rules, spatial_rules
from spikesim.network.arguments import check_default_scalar, connection_values, node_ids, pick
from spikesim.network.device_links import device_id, register_devices, route_checks
from spikesim.network.parameters import Bound, Parameter
from spikesim.network.projection import Projection, count_sources, gathered
from spikesim.network.routing import ROUTES, source_category, target_category, why_illegal
from spikesim.network.synapse_collection import SynapseCollection, delay_steps

#: routes whose connections each rank stores only onto its own nodes (the others, onto
#: recorders and from samplers, every rank keeps)
DISTRIBUTED = ("spike", "current", "poisson")
Spec = dict[str, Any]

if TYPE_CHECKING:
    from spikesim.models.registry import ModelRegistry
    from spikesim.network.node_table import NodeTable
    from spikesim.timegrid import TimeGrid

class Connector:
    """The connection store of one simulator and the connect/get_connections logic.

    Parameters
    ----------
    grid : TimeGrid
        Delays are converted to steps of its resolution.
    nodes : NodeTable
        The nodes connections are made between.
    models : ModelRegistry
        Synapse models and their defaults.
    seed : callable
        Returns the simulator's seed; connection draws come from streams keyed by
        (seed, call number).
    """

    def __init__(self, grid: TimeGrid, nodes: NodeTable, models: ModelRegistry, seed: Callable[[], int]) -> None:
        self.grid = grid
        self.nodes = nodes
        self.models = models
        self.seed = seed
        self.projections: dict[tuple[str, str], Projection] = {}
        self.n_calls = 0
        #: incremented by every change of connections (new ones, weights, delays)
        self.version = 0
        self._delay_cache: tuple[int, int] | None = None
        self._cats: dict[str, np.ndarray] = {}

    def changed(self, delays: bool = False) -> None:
        """Note a change of connections (``delays``: their delays changed too)."""
        self.version += 1
        if delays:
            self._delay_cache = None

    # -- categories ------------------------------------------------------------------
    def _node_categories(self, side: str) -> np.ndarray:
        """Category of every node (index id - 1), rebuilt when nodes were added."""
        cached = self._cats.get(side)
        if cached is None or cached.size != self.nodes.num_nodes:
            cached = np.empty(self.nodes.num_nodes, dtype=np.int8)
            for pop in self.nodes.populations:
                cat = source_category(pop.model) if side == "src" else target_category(pop.model)
                cached[pop.first - 1:pop.first - 1 + pop.n] = cat
            self._cats[side] = cached
        return cached

    def _categories(self, ids: np.ndarray, side: str) -> np.ndarray:
        cats: np.ndarray = self._node_categories(side)[ids - 1]
        return cats

    # -- synapse models ---------------------------------------------------------------
    def check_synapse_defaults(self, name: str, cls: Any, params: dict[str, Any]) -> dict[str, Any]:
        """``params`` checked as new defaults of synapse model ``name`` (delays in ms).

        Raises
        ------
        BadProperty
            If a key is unknown, a value is not a finite number, a ``weight_recorder``
            is no weight_recorder node, or a common property changes after connections exist.
        BadDelay
            If a delay is shorter than the resolution.
        """
        out = {}
        for k, v in params.items():
            if k not in cls.params:
                raise bad_property(name, k, v, f"{name} has the parameters {sorted(cls.params)}")
            if k not in getattr(cls, "vectors", ()):  # a model's list-valued parameters it checks itself
                check_default_scalar(name, k, v)
            if k == "delay":
                self.check_delay(np.asarray([v], dtype=float))
            if k in ("weight_recorder", "volume_transmitter"):
                v = device_id(self.nodes, name, k, v)
            out[k] = v
        cls.check(name, out)
        if cls.plastic and any(k in cls.common for k in out) and self.num_connections(name):
            raise BadProperty(f"{name}: common properties {sorted(k for k in out if k in cls.common)} can only "
                              "be changed before connections of the model exist")
        return cls.derived(out, self.models.synapse_model(name)[1]) if hasattr(cls, "derived") else out

    def check_synapse_values(self, name: str, values: Mapping[str, np.ndarray]) -> None:
        """Synapse model ``name``'s checks (``connect``'s) on values of its connections.

        Raises
        ------
        BadProperty
            Naming the model, the first value refused, and what is allowed.
        """
        self.models.synapse_model(name)[0].check(name, values)

    def _synapse(self, syn_spec: Any) -> tuple[str, dict[str, Any]]:
        if syn_spec is None:
            syn_spec = {}
        if isinstance(syn_spec, str):
            syn_spec = {"synapse_model": syn_spec}
        if not isinstance(syn_spec, dict):
            raise bad_property("connect", "syn_spec", syn_spec, "give a synapse model name or a dict")
        spec = dict(syn_spec)
        name = spec.pop("synapse_model", "static_synapse")
        cls, defaults = self.models.synapse_model(name)
        cls.check_connect(name, {**defaults, **spec})
        allowed = ("weight", "delay", "receptor_type", *cls.per_connection)
        for k in spec:
            if k == "weight" and k in cls.common:  # NEST's class and words for a shared weight
                raise errors.NotImplementedFeature(f"{name}: synapse parameter \"weight\" can only be set "
                                                   f"via SetDefaults() or CopyModel(); given {spec[k]!r}")
            if k in cls.common:
                raise bad_property(name, k, spec[k], "it is a common property of the model; set it with "
                                   "set_defaults or copy_model")
            if k not in allowed:  # NEST's class for a key nothing read
                raise UnaccessedDictionaryEntry(str(bad_property(name, k, spec[k], f"connect takes {sorted(allowed)}")))
        return name, {**defaults, **spec}

    def check_delay(self, d: np.ndarray) -> None:
        """Raise :class:`~spikesim.errors.BadDelay` unless every delay (ms) is >= the resolution."""
        h = self.grid.resolution
        bad = ~(d >= h - 1e-12 * h)
        if bad.any():
            raise BadDelay(f"connect: parameter 'delay' = {float(d[bad][0])} ms is not allowed; "
                           f"delays must be >= the resolution ({h} ms)")

    # -- connect ---------------------------------------------------------------------------
    def connect(self, pre: Any, post: Any, conn_spec: Any, syn_spec: Any) -> None:
        """Connect ``pre`` to ``post`` by the rule ``conn_spec`` with synapses ``syn_spec``
        (a list of them: one synapse of each per drawn pair, PyNEST's collocated synapses).

        Everything is checked before anything is stored, so an error leaves the
        connections as they were.

        Raises
        ------
        BadProperty, BadDelay, IllegalConnection, UnknownModelName, UnknownReceptorType
            Naming the parameter, the bad value and what is allowed.
        """
        pre_ids = node_ids(self.nodes, pre, "pre")
        post_ids = node_ids(self.nodes, post, "post")
        specs = syn_spec if isinstance(syn_spec, list) and syn_spec else [syn_spec]
        spec = spatial_rules.normalise(conn_spec, specs)
        named = [self._synapse(s) for s in specs]
        name, syn = named[0]
        if len(named) == 1 and "spatial" not in spec and self._streamable(spec, name, syn, pre_ids, post_ids):
            self._connect_streamed(spec, name, syn, pre_ids, post_ids)
            return
        gen = rng.generator(self.seed(), 0, rng.PURPOSE_CONNECT, self.n_calls)
        sym = bool(spec["make_symmetric"])  # the pairs, then each reversed with the same values (NEST)
        keep = None if sym or "spatial" in spec else self._local_targets(spec, name, syn, pre_ids, post_ids)
        if "spatial" in spec:  # values drawn in the pairs' positions (every rank draws all, keeps its own)
            src, tgt, ctx = spatial_rules.pairs(spec, pre_ids, post_ids, gen, self.nodes)
            named = [(nm, {k: Bound(v, ctx) if isinstance(v, Parameter) else v for k, v in sy.items()})
                     for nm, sy in named]
            rule_shape: tuple[int, ...] = (src.size,)
        else:
            src, tgt, rule_shape = rules.pairs(spec, pre_ids, post_ids, gen, keep)
        if sym:
            src, tgt = np.concatenate([src, tgt]), np.concatenate([tgt, src])
        # arrays cannot match a random number of connections
        shape = None if spec["rule"] in ("pairwise_bernoulli", "pairwise_poisson") else rule_shape
        # every specification checked before any is stored; each gets its own pair arrays (_commit
        # may reuse them in place)
        # NEST reads a (targets, sources) array of all_to_all without autapses skipping the diagonal
        grid = (pre_ids, post_ids) if spec["rule"] == "all_to_all" and not spec["allow_autapses"] else None
        done = [(nm, *self._staged(nm, sy, pre_ids, post_ids, src.copy() if i else src, tgt.copy() if i else tgt,
                                   shape, gen, keep is not None, _sets_more(specs[i]), sym, grid))
                for i, (nm, sy) in enumerate(named)]
        for nm, staged, extra in done:
            self._commit(nm, staged, extra)

    def _staged(self, name: str, syn: Spec, pre_ids: np.ndarray, post_ids: np.ndarray, src: np.ndarray,
                tgt: np.ndarray, shape: tuple[int, ...] | None, gen: np.random.Generator, kept: bool,
                more: bool, sym: bool = False, grid: tuple[np.ndarray, np.ndarray] | None = None
                ) -> tuple[list[tuple[Any, ...]], dict[str, np.ndarray] | None]:
        """One synapse specification's values for the pairs, checked and grouped by route
        (``more``: it sets parameters besides weight and delay, see :func:`_sets_more`;
        ``sym``: the second half of the pairs reverses the first and takes its values)."""
        n = src.size
        half = n // 2 if sym else n

        def values(v: Any, key: str) -> Any:
            x = connection_values(v, key, shape, half, gen, grid if not kept else None)
            return np.concatenate([x, x]) if sym and np.ndim(x) else x

        w = values(syn["weight"], "weight")
        d_ms = values(syn["delay"], "delay")
        self.check_delay(np.atleast_1d(d_ms))
        d = delay_steps(d_ms, self.grid.resolution)
        r = values(syn.get("receptor_type", 0), "receptor_type")
        self.nodes.check_receptors(tgt, np.broadcast_to(r, tgt.shape), pre_ids)
        # a rank without local targets still makes the projection (the same on every rank)
        staged = self._routed(pre_ids, post_ids, src, tgt, w, d, np.asarray(r)) if n or kept else []
        return staged, self._plastic_columns(name, syn, staged, more, lambda k: values(syn[k], k))

    def _routed(self, pre_ids: np.ndarray, post_ids: np.ndarray, src: np.ndarray, tgt: np.ndarray,
                w: np.ndarray, d: np.ndarray, r: np.ndarray) -> list[tuple[Any, ...]]:
        """The connections grouped by route: (route, src, tgt, w, d, r) each.

        Raises
        ------
        IllegalConnection
            If some pair of nodes cannot be connected (the message says why).
        """
        pre_cats = np.unique(self._categories(pre_ids, "src"))
        post_cats = np.unique(self._categories(post_ids, "tgt"))
        if pre_cats.size == 1 and post_cats.size == 1:
            # the common case: one route for the whole call, no per-connection work
            key = (int(pre_cats[0]), int(post_cats[0]))
            if key not in ROUTES:
                raise IllegalConnection(self._illegal(int(pre_ids[0]), int(post_ids[0]), *key))
            route_checks(self.nodes, ROUTES[key], src, tgt)
            return [(ROUTES[key], src, tgt, w, d, r)]
        cs = self._categories(src, "src")
        ct = self._categories(tgt, "tgt")
        routes = np.full(src.size, -1, dtype=np.int8)
        names = sorted(set(ROUTES.values()))
        for (a, b), route in ROUTES.items():
            routes[(cs == a) & (ct == b)] = names.index(route)
        if (routes < 0).any():
            i = int(np.flatnonzero(routes < 0)[0])
            raise IllegalConnection(self._illegal(int(src[i]), int(tgt[i]), int(cs[i]), int(ct[i])))
        staged = []
        for ri, route in enumerate(names):
            sel = routes == ri
            if not sel.any():
                continue
            route_checks(self.nodes, route, src[sel], tgt[sel])
            staged.append((route, src[sel], tgt[sel], pick(w, sel), pick(d, sel), pick(r, sel)))
        return staged

    def _plastic_columns(self, name: str, syn: dict[str, Any], staged: list[tuple[Any, ...]], more: bool,
                         values: Callable[[str], np.ndarray]) -> dict[str, np.ndarray] | None:
        """Per-connection columns of a synapse model (None for static ones without any,
        a label is one), checked as NEST checks them: only when the call sets more than
        weight and delay."""
        cls = self.models.synapse_model(name)[0]
        if not cls.per_connection:
            return None
        if cls.plastic and any(route != "spike" for route, *_ in staged):
            raise IllegalConnection(f"connect: {name} is plastic and needs spiking sources and neuron "
                                    "targets (neurons, parrots or spike generators to neurons)")
        extra = {k: values(k) for k in cls.per_connection}
        if more:  # the weight for joint checks (its sign vs Wmax)
            cls.check(name, {**extra, "weight": syn["weight"]})
        extra.update({k: np.full((), v) for k, v in cls.state.items()})
        return extra

    def _commit(self, name: str, staged: list[tuple[Any, ...]], extra: dict[str, np.ndarray] | None) -> None:
        """Store checked connections (nothing can fail here)."""
        self.n_calls += 1
        n_nodes = self.nodes.num_nodes
        for route, s, t, ws, ds, rs in staged:
            key = (name, route)
            if key not in self.projections:
                self.projections[key] = Projection(name, route, n_nodes)
            # 0-based indices, in place when the rule made fresh arrays (large calls)
            if route in ("sample", "record"):
                register_devices(self.nodes, route, s, t)
            s0 = np.subtract(s, 1, out=s) if s.base is None and s.dtype == np.int32 else s - 1
            t0 = np.subtract(t, 1, out=t) if t.base is None and t.dtype == np.int32 else t - 1
            if self.nodes.comm.size > 1 and route in DISTRIBUTED:
                self._add_local(self.projections[key], s0, t0, ws, ds, rs, n_nodes, extra)
            else:
                self.projections[key].add(s0, t0, ws, ds, rs, n_nodes, extra)
        self.changed(delays=True)

    def _add_local(self, proj: Projection, s0: np.ndarray, t0: np.ndarray, ws: np.ndarray, ds: np.ndarray,
                   rs: np.ndarray, n_nodes: int, extra: dict[str, np.ndarray] | None) -> None:
        """Store only the connections onto this rank's nodes, in a one-process run's order."""
        keep = self.nodes.local_mask()[t0]
        gpos = proj.global_positions(s0, n_nodes)[keep] if extra is not None else None
        ex = None if extra is None else {k: pick(v, keep) for k, v in extra.items()}
        proj.add(s0[keep], t0[keep], pick(ws, keep), pick(ds, keep), pick(rs, keep), n_nodes, ex, gpos)

    def _uniform_route(self, name: str, syn: dict[str, Any], pre: np.ndarray, post: np.ndarray) -> str | None:
        """The one route of a call of a static synapse with uniform values (else None)."""
        values = (syn["weight"], syn["delay"], syn.get("receptor_type", 0))
        cats_pre, cats_post = np.unique(self._categories(pre, "src")), np.unique(self._categories(post, "tgt"))
        if self.models.synapse_model(name)[0].plastic or cats_pre.size != 1 or cats_post.size != 1 or \
                any(isinstance(v, Parameter) or np.ndim(v) != 0 for v in values):
            return None
        return ROUTES.get((int(cats_pre[0]), int(cats_post[0])))

    def _local_targets(self, spec: Spec, name: str, syn: Spec, pre: np.ndarray, post: np.ndarray) -> np.ndarray | None:
        """Under MPI, the ``post`` a rank builds uniform static pairs onto (else None; see _connect_streamed)."""
        if self.nodes.comm.size == 1 or spec["rule"] == "fixed_indegree" \
                or self._uniform_route(name, syn, pre, post) not in DISTRIBUTED:
            return None
        self.nodes.check_receptors(post, np.full(post.size, int(syn.get("receptor_type", 0))), pre)  # on every rank
        return np.asarray(self.nodes.local_mask()[post - 1])

    # -- large fixed-indegree calls, built in blocks -------------------------------------------
    STREAM_MIN = 1 << 22        # connections from which a call is built in blocks
    STREAM_BLOCK = 1 << 20      # connections per block (a constant: results do not depend on it)

    def _streamable(self, spec: Spec, name: str, syn: Spec, pre: np.ndarray, post: np.ndarray) -> bool:
        """A large fixed_indegree call of static spike connections with uniform values."""
        k = spec.get("indegree")
        if spec["rule"] != "fixed_indegree" or not spec["allow_multapses"] or not isinstance(k, (int, np.integer)) \
                or isinstance(k, bool) or k < 1 or post.size * k < self.STREAM_MIN \
                or self._uniform_route(name, syn, pre, post) != "spike":
            return False
        proj = self.projections.get((name, "spike"))
        if proj is not None and len(proj):  # existing uniform columns must stay uniform
            d = int(delay_steps(np.asarray([syn["delay"]], dtype=float), self.grid.resolution)[0])
            if proj.w.size != 1 or proj.w[0] != float(syn["weight"]) or proj.d.size != 1 or proj.d[0] != d \
                    or proj.rcpt.size != 1 or proj.rcpt[0] != int(syn.get("receptor_type", 0)):
                return False
        return True

    def _connect_streamed(self, spec: Spec, name: str, syn: Spec, pre: np.ndarray, post: np.ndarray) -> None:
        """fixed_indegree without materialising all sources: blocks of targets are drawn
        twice from their own streams, once to count connections per source and once to
        write the targets into place.  Memory stays at the final table plus one block."""
        k = int(spec["indegree"])
        auto = bool(spec["allow_autapses"])
        self.check_delay(np.asarray([syn["delay"]], dtype=float))
        d = int(delay_steps(np.asarray([syn["delay"]], dtype=float), self.grid.resolution)[0])
        r = int(syn.get("receptor_type", 0))
        self.nodes.check_receptors(post, np.full(post.size, r), pre)
        call = self.n_calls
        local = self.nodes.local_mask()[post - 1] if self.nodes.comm.size > 1 else None
        blocks = rules.IndegreeBlocks(lambda i: rng.generator(self.seed(), 0, rng.PURPOSE_CONNECT,
                                                              (call << 32) + i + 1),
                                      pre, post, k, auto, max(1, self.STREAM_BLOCK // k), local)
        counts = np.zeros(self.nodes.num_nodes, dtype=np.int64)
        for b in blocks.starts:
            count_sources(blocks.sources(b), counts)
        key = (name, "spike")
        if key not in self.projections:
            self.projections[key] = Projection(name, "spike", self.nodes.num_nodes)
        self.n_calls += 1
        self.projections[key].add_counted(counts, (blocks.pairs(b) for b in blocks.starts), float(syn["weight"]), d, r,
                                          self.nodes.num_nodes)
        self.changed(delays=True)

    def _illegal(self, s: int, t: int, cs: int, ct: int) -> str:
        sm = self.nodes.population_of(s).model_name
        tm = self.nodes.population_of(t).model_name
        return f"connect: cannot connect node {s} ({sm}) to node {t} ({tm}): {why_illegal(cs, ct)}"

    # -- state in and out -------------------------------------------------------------------
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """The connection tables (with plastic weights and traces) and the call counter."""
        meta: dict[str, Any] = {"n_calls": self.n_calls, "projections": []}
        arrays: dict[str, np.ndarray] = {}
        comm = self.nodes.comm
        for i, ((name, route), local) in enumerate(self.projections.items()):
            # under MPI: every rank's connections, in the order a one-process run keeps
            p = gathered(local, comm) if comm.size > 1 and route in DISTRIBUTED else local
            meta["projections"].append({"synapse_model": name, "route": route, "version": p.version,
                                        "extra": sorted(p.extra)})
            for col in ("ptr", "tgt", "w", "d", "rcpt"):
                arrays[f"proj{i}/{col}"] = getattr(p, col)
            arrays.update({f"proj{i}/extra/{k}": v for k, v in p.extra.items()})
        return meta, arrays

    def load_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Replace the connections by those of :meth:`state`."""
        self.projections = {}
        for i, pm in enumerate(meta["projections"]):
            p = Projection(pm["synapse_model"], pm["route"], self.nodes.num_nodes)
            for col in ("ptr", "tgt", "w", "d", "rcpt"):
                setattr(p, col, arrays[f"proj{i}/{col}"])
            p.extra = {key: arrays[f"proj{i}/extra/{key}"] for key in pm["extra"]}
            if self.nodes.comm.size > 1 and pm["route"] in DISTRIBUTED:  # keep this rank's part
                q = Projection(pm["synapse_model"], pm["route"], self.nodes.num_nodes)
                self._add_local(q, p.src.astype(np.int64), p.tgt.astype(np.int64), p.weights(), p.delays(),
                                p.receptors(), self.nodes.num_nodes,
                                {k: p.column(k) for k in p.extra} if p.extra else None)
                p = q
            p.version = pm["version"]
            self.projections[(pm["synapse_model"], pm["route"])] = p
        self.n_calls = meta["n_calls"]
        self.changed(delays=True)

    # -- queries ---------------------------------------------------------------------------
    def num_connections(self, synapse_model: str | None) -> int:
        """Connections of ``synapse_model`` (None: of every model), recorder connections included."""
        mine = [(route, len(p)) for (name, route), p in self.projections.items()
                if synapse_model is None or name == synapse_model]
        shared = sum(n for route, n in mine if route not in DISTRIBUTED)
        # the other routes are split over the ranks (collective under MPI)
        split = int(self.nodes.comm.allreduce(sum(n for route, n in mine if route in DISTRIBUTED), "sum"))
        return shared + split

    def _delays(self) -> tuple[int, int]:
        if self._delay_cache is None:
            # connections to recorders and from samplers carry no signal, so their
            # delays do not bound the network's communication interval (what NEST's
            # developers agree on in nest-simulator issue #286; NEST still counts them)
            lo, hi = None, None
            for (_, route), p in self.projections.items():
                if len(p) and route not in ("record", "sample"):
                    dmin, dmax = int(p.d.min()), int(p.d.max())
                    lo = dmin if lo is None else min(lo, dmin)
                    hi = dmax if hi is None else max(hi, dmax)
            comm = self.nodes.comm
            if comm.size > 1:  # every rank keeps only its connections: agree on the bounds
                lo = int(comm.allreduce(lo if lo is not None else 1 << 62, "min"))
                hi = int(comm.allreduce(hi if hi is not None else 0, "max"))
                lo, hi = (None if lo == 1 << 62 else lo), (hi or None)
            self._delay_cache = (lo or 1, hi or 1)
        return self._delay_cache

    def min_delay_steps(self) -> int:
        """The shortest delay (steps) of connections that carry signals; 1 without any."""
        return self._delays()[0]

    def max_delay_steps(self) -> int:
        """The longest delay (steps) of connections that carry signals; 1 without any."""
        return self._delays()[1]

    def get_connections(self, source: Any, target: Any, synapse_model: str | None,
                        synapse_label: int | None = None) -> SynapseCollection:
        """The connections from ``source`` to ``target`` (None: any) of ``synapse_model``
        (and with ``synapse_label``: only labelled models' connections with that label).

        Raises
        ------
        UnknownModelName
            If ``synapse_model`` is no synapse model.
        """
        if synapse_model is not None:
            self.models.synapse_model(synapse_model, "get_connections")
        src_ids = None if source is None else node_ids(self.nodes, source, "source")
        tgt_ids = None if target is None else node_ids(self.nodes, target, "target")
        parts = []
        for (name, _route), p in sorted(self.projections.items()):
            if synapse_model is not None and name != synapse_model:
                continue
            sel = np.ones(len(p), dtype=bool)
            if src_ids is not None:
                sel &= np.isin(p.src, src_ids - 1)
            if tgt_ids is not None:
                sel &= np.isin(p.tgt, tgt_ids - 1)
            if synapse_label is not None:
                sel &= p.column("synapse_label") == synapse_label if "synapse_label" in p.extra else False
            pos = np.flatnonzero(sel)
            if pos.size:
                parts.append((p, pos))
        return SynapseCollection(self, parts)


def _sets_more(syn_spec: Any) -> bool:
    """Whether a synapse specification sets parameters besides weight, delay and
    receptor: NEST then applies the model's checks to the new connections (a plastic
    synapse's weight against its ``Wmax``, for one), and only then."""
    return isinstance(syn_spec, dict) and bool(set(syn_spec) - {"synapse_model", "weight", "delay", "receptor_type"})
