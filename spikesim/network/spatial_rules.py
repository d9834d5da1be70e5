"""Spatial connection rules: ``pairwise_bernoulli``, ``fixed_indegree`` and
``fixed_outdegree`` between layers, bounded by a mask and weighted by
position-dependent parameters (NEST's ``ConnectLayers``).

==================================  ==================================  ================
rule                                candidates                          measured in
==================================  ==================================  ================
pairwise_bernoulli                  targets with ``t - s`` in the mask  target layer
pairwise_bernoulli, use_on_source   sources with ``s - t`` in the mask  source layer
fixed_indegree                      sources with ``s - t`` in the mask  source layer
fixed_outdegree                     targets with ``t - s`` in the mask  source layer
==================================  ==================================  ================

``p`` is a probability per candidate pair (pairwise_bernoulli) or a relative weight of
the candidates (fixed_indegree/outdegree draw their partners with probabilities
proportional to it).  Displacements of periodic layers take the image inside the mask;
distances in parameters the nearest image.  Every draw comes from the call's stream,
target after target (source after source for fixed_outdegree), so the connections do
not depend on threads or processes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from spikesim.errors import BadProperty, KernelException, bad_property
from spikesim.network import rules
from spikesim.network.masks import GridMask, Mask, as_mask
from spikesim.network.ntree import Tree
from spikesim.network.parameters import Context, Parameter
from spikesim.network.space import Layer, SpatialTable, layer_of

#: conn_spec keys only spatial rules read
KEYS = ("mask", "use_on_source", "allow_oversized_mask")
RULES = ("pairwise_bernoulli", "fixed_indegree", "fixed_outdegree", "pairwise_poisson")


def _spatial_value(v: Any) -> bool:
    return isinstance(v, Parameter) and v.is_spatial()


def needed(conn_spec: Any, syn_specs: list[Any]) -> bool:
    """Whether a connect call needs positions (NEST's test for ``ConnectLayers``): a mask,
    ``use_on_source``, a ``p`` for fixed in/outdegree, or a spatial parameter anywhere."""
    if isinstance(conn_spec, dict):
        rule = conn_spec.get("rule")
        if any(k in conn_spec for k in KEYS) or ("p" in conn_spec and rule != "pairwise_bernoulli") \
                or any(_spatial_value(v) for v in conn_spec.values()) \
                or any(isinstance(conn_spec.get(k), Parameter) for k in ("indegree", "outdegree")):
            return True
    return any(isinstance(s, dict) and any(_spatial_value(v) for v in s.values()) for s in syn_specs)


def normalise(conn_spec: Any, syn_specs: list[Any]) -> dict[str, Any]:
    """:func:`spikesim.network.rules.normalise`, keeping a spatial call's own keys.

    Raises
    ------
    BadProperty
        If the rule cannot be spatial, or a key or value is not allowed.
    """
    drawn_p = isinstance(conn_spec, dict) and conn_spec.get("rule") == "pairwise_bernoulli" \
        and isinstance(conn_spec.get("p"), Parameter)  # a p drawn per pair: positions optional
    if not needed(conn_spec, syn_specs) and not drawn_p:
        return rules.normalise(conn_spec)
    if not isinstance(conn_spec, dict):
        raise bad_property("connect", "conn_spec", conn_spec, "give a dict with 'rule'")
    rule = conn_spec.get("rule", "all_to_all")
    if rule not in RULES:
        raise bad_property("connect", "rule", rule, "with a mask or spatial parameters, the only possible "
                           "connection rules are 'pairwise_bernoulli', 'fixed_indegree' and 'fixed_outdegree'")
    if "use_on_source" in conn_spec and rule != "pairwise_bernoulli":
        raise bad_property("connect", "use_on_source", conn_spec["use_on_source"],
                           "it can only be set when using pairwise_bernoulli")
    own = {k: conn_spec[k] for k in KEYS if k in conn_spec}
    rest = {k: v for k, v in conn_spec.items() if k not in KEYS}
    if rule == "pairwise_poisson":  # checked as pairwise_bernoulli, its mean number of connections as p
        rest["rule"] = "pairwise_bernoulli"
        rest["p"] = rest.pop("pairwise_avg_num_conns", None)
        if rest["p"] is None:
            raise BadProperty("connect: rule 'pairwise_poisson' needs the key 'pairwise_avg_num_conns'")
    degree = {k: rest.pop(k) for k in ("indegree", "outdegree") if isinstance(rest.get(k), Parameter)}
    rest.update({k: 0 for k in degree})
    p = rest.pop("p", None) if rest["rule"] != "pairwise_bernoulli" else rest.setdefault("p", 1.0)
    spec = rules.normalise(rest)
    spec.update(degree, rule=rule)
    for k in ("use_on_source", "allow_oversized_mask"):
        v = own.setdefault(k, False)
        if not isinstance(v, (bool, np.bool_)):
            raise bad_property("connect", k, v, "it must be True or False")
    if "mask" in own:
        own["mask"] = as_mask(own["mask"])
    spec.update(own, spatial=True, p=p, positions_optional=not needed(conn_spec, syn_specs))
    return spec


def pairs(spec: dict[str, Any], pre: np.ndarray, post: np.ndarray, gen: np.random.Generator,
          table: SpatialTable) -> tuple[np.ndarray, np.ndarray, Context]:
    """Source ids, target ids and the pairs' positions of a spatial call (see the module table).

    Raises
    ------
    BadProperty
        If the nodes have no positions, the layers' dimensions differ, or the mask does
        not fit the layers.
    KernelException
        If a node has fewer candidates than its fixed in/outdegree needs.
    """
    src_layer, src_rows = _layer(table, pre, "pre", spec)
    tgt_layer, tgt_rows = _layer(table, post, "post", spec)
    if src_layer.dim != tgt_layer.dim:
        raise BadProperty(f"connect: the source layer has {src_layer.dim} dimensions, the target layer "
                          f"{tgt_layer.dim}: spatial rules connect layers of one dimension")
    ps, pt = src_layer.positions[src_rows], tgt_layer.positions[tgt_rows]
    rule, on_source = spec["rule"], bool(spec["use_on_source"])
    if rule in ("pairwise_bernoulli", "pairwise_poisson"):
        # NEST's pool: the sources, in the box of the layer the mask is applied in
        mlayer = src_layer if on_source else tgt_layer
        pool = Pool.of(src_layer, None if on_source else tgt_layer)
        mask = place(spec, mlayer)
        ps = pool.mapped(ps)
        si, ti = _bernoulli(spec, mask if on_source or mask is None else Converse(mask), pool, mlayer, ps, pt,
                            pre, post, gen, rule == "pairwise_poisson")
    elif rule == "fixed_indegree":
        mask, mlayer, pool = place(spec, src_layer), src_layer, Pool.of(src_layer)
        ps = pool.mapped(ps)
        ti, si = _fixed(spec, mask, pool, pt, ps, post, pre, gen, "indegree", src_layer, True)
    else:
        mask, mlayer, pool = place(spec, tgt_layer), src_layer, Pool.of(tgt_layer)
        pt = pool.mapped(pt)
        si, ti = _fixed(spec, mask, pool, ps, pt, pre, post, gen, "outdegree", src_layer, False)
    ctx = Context(source=ps[si], target=pt[ti], displacement=mlayer.pair_displacement(ps[si], pt[ti]))
    return rules.compact(pre[si]), rules.compact(post[ti]), ctx


def _layer(table: SpatialTable, ids: np.ndarray, what: str, spec: dict[str, Any]) -> tuple[Layer, np.ndarray]:
    """The layer of one side; nodes without positions, where only a drawn ``p`` made the call
    spatial, stand at the origin of a layer of their own (nothing reads their positions)."""
    try:
        return layer_of(table, ids, what)
    except BadProperty:
        if not spec.get("positions_optional"):
            raise
        return Layer(np.zeros((ids.size, 2)), np.full(2, -0.5), np.ones(2)), np.arange(ids.size)


@dataclass(frozen=True)
class Pool:
    """The box candidates are looked up in (NEST's position tree): lower-left corner,
    extent, periodic; positions of a periodic pool are mapped into its box."""

    lower_left: np.ndarray
    extent: np.ndarray
    wrap: bool

    @classmethod
    def of(cls, layer: Layer, other: Layer | None = None) -> Pool:
        """The pool of ``layer``'s nodes; with ``other``, periodic (and sized) as ``other`` is."""
        if other is None:
            return cls(layer.lower_left, layer.extent, layer.edge_wrap)
        return cls(layer.lower_left, other.extent if other.edge_wrap else layer.extent, other.edge_wrap)

    def mapped(self, pos: np.ndarray) -> np.ndarray:
        """Positions moved into the box (periodic pools; others as they are)."""
        if not self.wrap:
            return pos
        out = self.lower_left + np.fmod(pos - self.lower_left, self.extent)
        inside: np.ndarray = np.where(out < self.lower_left, out + self.extent, out)
        return inside


class Converse(Mask):
    """A mask mirrored through the origin (tests targets around a source by looking at
    sources around the target)."""

    def __init__(self, m: Mask) -> None:
        self.m, self.dim = m, m.dim

    def inside(self, p: np.ndarray) -> np.ndarray:
        """Whether each row of ``-p`` lies in the mask."""
        return self.m.inside(-p)

    def inside_box(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """The mirrored boxes' test."""
        return self.m.inside_box(-hi, -lo)

    def outside_box(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """The mirrored boxes' test."""
        return self.m.outside_box(-hi, -lo)

    def bbox(self) -> tuple[np.ndarray, np.ndarray]:
        """The mirrored box."""
        lo, hi = self.m.bbox()
        return -hi, -lo


def place(spec: dict[str, Any], layer: Layer) -> Mask | None:
    """The mask of a spatial conn_spec (``mask``, ``allow_oversized_mask``) on ``layer``: a grid
    mask becomes a box; a mask larger than a periodic layer is refused unless allowed.

    Raises
    ------
    BadProperty
        If the mask does not fit the layer (dimensions, a grid mask on a free layer, size).
    """
    mask: Mask | None = spec.get("mask")
    if mask is None:
        return None
    if isinstance(mask, GridMask):
        if layer.shape is None:
            raise bad_property("connect", "mask", "grid", "Grid masks can only be used with grid layers")
        if layer.edge_wrap and not spec["allow_oversized_mask"] and np.any(mask.shape > np.asarray(layer.shape)):
            raise _oversized()
        mask = mask.box(layer.extent, layer.shape)
    if mask.dim != layer.dim:
        raise bad_property("connect", "mask", f"{mask.dim}D mask", f"the layer has {layer.dim} dimensions")
    lo, hi = mask.bbox()
    if layer.edge_wrap and not spec["allow_oversized_mask"] and np.any(hi - lo > layer.extent):
        raise _oversized()
    return mask


def _oversized() -> BadProperty:
    return BadProperty("connect: Mask size must not exceed layer size; set allow_oversized_mask to override")


def in_mask(mask: Mask | None, pool: Pool, pos: np.ndarray, anchors: np.ndarray,
            tree: Tree | None = None) -> np.ndarray:
    """``(len(anchors), len(pos))``: whether the mask placed at each anchor selects each pool
    position (rows of ``pos``, mapped by :meth:`Pool.mapped`; None: all), found through NEST's
    position tree (:mod:`spikesim.network.ntree`).  A periodic pool moves the anchor into its
    box and adds its images across the box's edges, as NEST's tree does.  ``tree``: the tree
    of ``pos`` when the caller has built it (one per pool, not per call)."""
    out = np.zeros((anchors.shape[0], pos.shape[0]), dtype=bool)
    if mask is None:
        out[:] = True
        return out
    tree = Tree.build(pos, pool.lower_left, pool.extent) if tree is None else tree
    if not pool.wrap:
        tree.select(mask, pos, anchors, out)
        return out
    lo, hi = mask.bbox()
    ll, ext = pool.lower_left, pool.extent
    a = np.fmod(anchors + lo - ll, ext)
    a = np.where(a < 0, a + ext, a) - lo + ll
    tree.select(mask, pos, a, out)
    shift = (a + hi - ll) > ext  # dimensions where the mask crosses the box's upper edge
    for combo in itertools.product((False, True), repeat=pos.shape[1]):
        rows = np.flatnonzero(np.all(shift[:, list(combo)], axis=1)) if any(combo) else np.zeros(0, np.int64)
        if rows.size:
            part = np.zeros((rows.size, pos.shape[0]), dtype=bool)
            tree.select(mask, pos, a[rows] - np.asarray(combo) * ext, part)
            out[rows] |= part
    return out


def _value(spec: dict[str, Any], gen: np.random.Generator, ps: np.ndarray, pt: np.ndarray,
           layer: Layer) -> np.ndarray | float:
    """``p`` of the candidate pairs (sources ``ps``, targets ``pt``), measured in ``layer``."""
    p = spec["p"]
    if isinstance(p, Parameter):
        ctx = Context(source=ps, target=pt, displacement=layer.pair_displacement(ps, pt))
        return p.draw(gen, ps.shape[0], ctx)
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise bad_property("connect", "p", p, "give a probability or a Parameter")
    return float(p)


def _bernoulli(spec: dict[str, Any], mask: Mask | None, pool: Pool, layer: Layer, ps: np.ndarray, pt: np.ndarray,
               pre: np.ndarray, post: np.ndarray, gen: np.random.Generator,
               poisson: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Rows (into pre, post) of the pairs made, target after target, in blocks of targets."""
    auto = bool(spec["allow_autapses"])
    chunk = max(1, 500_000 // max(pre.size, 1))
    out_s, out_t = [], []
    tree = Tree.build(ps, pool.lower_left, pool.extent)
    for a in range(0, post.size, chunk):
        tt = np.repeat(np.arange(a, min(a + chunk, post.size)), pre.size)
        ss = np.tile(np.arange(pre.size), tt.size // max(pre.size, 1))
        keep = in_mask(mask, pool, ps, pt[a:a + chunk], tree).ravel()
        if not auto:
            keep &= pre[ss] != post[tt]
        ss, tt = ss[keep], tt[keep]
        p = _value(spec, gen, ps[ss], pt[tt], layer)
        if poisson:  # a Poisson number of connections per pair, p its mean
            k = gen.poisson(np.broadcast_to(np.asarray(p, dtype=float), ss.shape))
            out_s.append(np.repeat(ss, k))
            out_t.append(np.repeat(tt, k))
            continue
        hit = gen.random(ss.size) < p
        out_s.append(ss[hit])
        out_t.append(tt[hit])
    return _joined(out_s), _joined(out_t)


def _fixed(spec: dict[str, Any], mask: Mask | None, pool: Pool, p_own: np.ndarray, p_pool: np.ndarray,
           owners: np.ndarray, partners: np.ndarray, gen: np.random.Generator, key: str, measure: Layer,
           incoming: bool) -> tuple[np.ndarray, np.ndarray]:
    """For each owner (target of fixed_indegree, source of fixed_outdegree), ``k`` partners
    from the pool inside the mask around it, with probabilities proportional to ``p``.

    Returns rows into (owners, partners), owner after owner.
    """
    auto, multi = bool(spec["allow_autapses"]), bool(spec["allow_multapses"])
    rows_o, rows_p = [], []
    tree = Tree.build(p_pool, pool.lower_left, pool.extent)
    for i in range(owners.size):
        k = _degree(spec[key], key, gen, p_own[i])
        cand = np.flatnonzero(in_mask(mask, pool, p_pool, p_own[i:i + 1], tree)[0])
        if not auto:
            cand = cand[partners[cand] != owners[i]]
        if k and (cand.size == 0 or (not multi and cand.size < k)):
            side = "sources" if incoming else "targets"
            raise KernelException(f"Global {'target' if incoming else 'source'} ID {int(owners[i])}: Not enough "
                                  f"{side} found inside mask ({cand.size} for {key} {k})")
        src_pos, tgt_pos = (p_pool[cand], p_own[[i] * cand.size]) if incoming else (p_own[[i] * cand.size],
                                                                                    p_pool[cand])
        w = np.broadcast_to(np.asarray(_value(spec, gen, src_pos, tgt_pos, measure), dtype=float),
                            (cand.size,)) if spec["p"] is not None else np.ones(cand.size)
        if k and not w.sum() > 0:
            raise bad_property("connect", "p", spec["p"], f"node {int(owners[i])}: every candidate has weight 0")
        pick = gen.choice(cand.size, k, replace=multi, p=w / w.sum()) if k else np.zeros(0, np.int64)
        rows_o.append(np.full(k, i))
        rows_p.append(cand[pick])
    return _joined(rows_o), _joined(rows_p)


def _degree(v: Any, key: str, gen: np.random.Generator, pos: np.ndarray) -> int:
    """A fixed in/outdegree: a non-negative integer, or a Parameter drawn for the node and rounded."""
    if isinstance(v, Parameter):
        one = pos[None, :]
        v = int(np.round(v.draw(gen, 1, Context(positions=one, source=one, target=one,
                                                 displacement=np.zeros_like(one)))[0]))
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
        raise bad_property("connect", key, v, "it must be a non-negative integer")
    return int(v)


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)
