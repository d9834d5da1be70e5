"""Connection rules: which (source, target) pairs a ``connect`` call makes.

Each rule returns source and target ids in the order in which array-valued weights
and delays are given (NEST's layouts):

===================  ==========================  ==================================
rule                 order of the pairs          shape of an array of weights
===================  ==========================  ==================================
all_to_all           target-major                (len(post), len(pre))
one_to_one           pairwise                    (n,)
fixed_indegree       target-major                (len(post), indegree)
fixed_outdegree      source-major                (len(pre), outdegree)
fixed_total_number   as drawn                    (N,)
pairwise_bernoulli   target-major                not allowed
pairwise_poisson     target-major                not allowed
===================  ==========================  ==================================

All take ``allow_autapses``, ``allow_multapses`` (default True); ``one_to_one`` also
``make_symmetric`` (False): each pair also reversed, with the same values (as NEST).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from spikesim.errors import BadProperty, NotImplementedFeature, bad_property
from spikesim.network.rules_pairwise import Pairs, pairwise

RULES = ("all_to_all", "one_to_one", "fixed_indegree", "fixed_outdegree", "fixed_total_number",
         "pairwise_bernoulli", "pairwise_poisson")

_RULE_KEYS = {
    "all_to_all": set(),
    "one_to_one": set(),
    "fixed_indegree": {"indegree"},
    "fixed_outdegree": {"outdegree"},
    "fixed_total_number": {"N"},
    "pairwise_bernoulli": {"p"},
    "pairwise_poisson": {"pairwise_avg_num_conns"},
}


def normalise(conn_spec: Any) -> dict[str, Any]:
    """Turn a rule name or dict into a full, checked specification."""
    if conn_spec is None or isinstance(conn_spec, str):
        conn_spec = {"rule": "all_to_all" if conn_spec is None else conn_spec}
    if not isinstance(conn_spec, dict):
        raise bad_property("connect", "conn_spec", conn_spec, "give a rule name or a dict with 'rule'")
    spec = dict(conn_spec)
    rule = spec.get("rule", "all_to_all")
    if rule not in RULES:
        raise bad_property("connect", "rule", rule, f"choose one of {list(RULES)}")
    spec["rule"] = rule
    if spec.get("make_symmetric") is True and rule != "one_to_one":  # as NEST 3.10, whose text this is
        raise NotImplementedFeature(f"connect: rule '{rule}' with make_symmetric: This connection rule does not "
                                    "support symmetric connections (only one_to_one does).")
    if rule != "one_to_one" and spec.get("make_symmetric") is False:  # NEST takes it for every rule
        del spec["make_symmetric"]
    allowed = _RULE_KEYS[rule] | {"rule", "allow_autapses", "allow_multapses"} \
        | ({"make_symmetric"} if rule == "one_to_one" else set())
    for k in spec:
        if k not in allowed:
            raise bad_property("connect", k, spec[k], f"rule '{rule}' takes the keys {sorted(allowed)}")
    for k in _RULE_KEYS[rule]:
        if k not in spec:
            raise BadProperty(f"connect: rule '{rule}' needs the key '{k}'")
    for k, default in (("allow_autapses", True), ("allow_multapses", True), ("make_symmetric", False)):
        v = spec.setdefault(k, default)
        if not isinstance(v, (bool, np.bool_)):
            raise bad_property("connect", k, v, "it must be True or False")
    return spec



def pairs(spec: dict[str, Any], pre: np.ndarray, post: np.ndarray, rng: np.random.Generator,
          keep: np.ndarray | None = None) -> Pairs:
    """Source ids, target ids and the shape array parameters must have.

    Parameters
    ----------
    spec : dict
        A specification checked by :func:`normalise`.
    pre, post : np.ndarray
        Source and target node ids.
    rng : np.random.Generator
        The generator of the random rules' draws.
    keep : np.ndarray of bool, optional
        Every rule but fixed_indegree: make only the pairs onto the targets
        ``post[keep]`` (a rank's part; the draws are those of the whole call, so the
        pairs made are exactly the whole call's pairs onto those targets, in its
        order).  The shape returned is then the number of pairs made.

    Returns
    -------
    sources, targets : np.ndarray
        One entry per connection, in the order of the table in the module docstring.
    shape : tuple of int
        The shape an array of weights or delays must have.

    Raises
    ------
    BadProperty
        When the rule's parameter is invalid or cannot be met by these nodes.
    """
    auto = bool(spec["allow_autapses"])
    multi = bool(spec["allow_multapses"])
    rule = spec["rule"]
    if rule in ("all_to_all", "one_to_one"):
        if keep is not None:
            if rule == "one_to_one" and pre.size != post.size:
                _deterministic(rule, pre, post, auto)  # raises the error of the whole call
            s, t, _ = _deterministic(rule, pre[keep] if rule == "one_to_one" else pre, post[keep], auto)
            return s, t, (s.size,)
        return _deterministic(rule, pre, post, auto)
    if rule == "fixed_indegree":
        k = _count(spec, "indegree", pre.size, multi)
        src = draw_fixed(rng, pre, post, k, auto, multi, "indegree")
        return src.ravel(), np.repeat(compact(post), k), (post.size, k)
    if rule == "fixed_outdegree":
        k = _count(spec, "outdegree", post.size, multi)
        if keep is not None:
            return local_outdegree(rng, pre, post, k, auto, multi, keep)
        tgt = draw_fixed(rng, post, pre, k, auto, multi, "outdegree")
        return np.repeat(compact(pre), k), tgt.ravel(), (pre.size, k)
    if rule == "fixed_total_number":
        if keep is not None and multi:
            return local_total(spec, pre, post, rng, auto, keep)
        s, t, shape = _fixed_total(spec, pre, post, rng, auto, multi)
        if keep is not None:
            mine = _local_lookup(post, keep)[t]
            return s[mine], t[mine], (int(mine.sum()),)
        return s, t, shape
    return pairwise(spec, pre, post, rng, auto, keep)


def _deterministic(rule: str, pre: np.ndarray, post: np.ndarray, auto: bool) -> Pairs:
    """``all_to_all`` and ``one_to_one``: no draws."""
    if rule == "all_to_all":
        s = np.tile(pre, post.size)
        t = np.repeat(post, pre.size)
        if not auto:
            keep = s != t
            return s[keep], t[keep], (int(keep.sum()),)
        return s, t, (post.size, pre.size)
    if pre.size != post.size:
        raise BadProperty(f"connect: rule 'one_to_one' needs as many sources as targets; got "
                          f"{pre.size} sources and {post.size} targets")
    if not auto:
        keep = pre != post
        return pre[keep], post[keep], (int(keep.sum()),)
    return pre.copy(), post.copy(), (pre.size,)


def _fixed_total(spec: dict[str, Any], pre: np.ndarray, post: np.ndarray, rng: np.random.Generator,
                 auto: bool, multi: bool) -> Pairs:
    """``fixed_total_number``: ``N`` pairs drawn uniformly (with or without repeats)."""
    n = _check_total(spec, pre, post, auto, multi)
    if multi:
        s = pre[rng.integers(0, pre.size, n)]
        t = post[rng.integers(0, post.size, n)]
        bad = (s == t) if not auto else np.zeros(n, bool)
        while bad.any():
            s[bad] = pre[rng.integers(0, pre.size, int(bad.sum()))]
            t[bad] = post[rng.integers(0, post.size, int(bad.sum()))]
            bad = s == t
    else:
        flat = np.arange(pre.size * post.size)
        if not auto:
            flat = flat[pre[flat % pre.size] != post[flat // pre.size]]
        if n > flat.size:
            raise bad_property("connect", "N", n, f"at most {flat.size} connections without multapses")
        pick = np.sort(rng.choice(flat, n, replace=False))
        s, t = pre[pick % pre.size], post[pick // pre.size]
    return s, t, (n,)


def _check_total(spec: dict[str, Any], pre: np.ndarray, post: np.ndarray, auto: bool, multi: bool) -> int:
    """``N`` of ``fixed_total_number``, checked against these nodes."""
    n = _count(spec, "N", pre.size * post.size, multi)
    if n and (pre.size == 0 or post.size == 0):
        raise bad_property("connect", "N", n, "there are no sources or no targets to connect")
    if multi and n and not auto and np.all(pre == pre[0]) and np.all(post == pre[0]):
        raise bad_property("connect", "N", n, f"node {int(pre[0])} is the only source and target "
                           "and allow_autapses is False")
    return n


def compact(ids: np.ndarray) -> np.ndarray:
    """Node ids as int32 where they fit (halves the memory of large connect calls)."""
    return ids.astype(np.int32) if ids.size and ids.max() < 2**31 else ids


def _count(spec: dict[str, Any], key: str, pool: int, multi: bool) -> int:
    v = spec[key]
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
        raise bad_property("connect", key, v, "it must be a non-negative integer")
    if not multi and v > pool:
        # NEST's tests match the capitalised rule key ("Indegree")
        raise bad_property("connect", key, v, f"at most {pool} without multapses ({key.capitalize()} cannot be "
                           "larger than the population it is drawn from)")
    return int(v)


def pool_layout(pool: np.ndarray) -> tuple[bool, bool]:
    """What :func:`draw_fixed` needs to know of ``pool``, found in one pass over it.

    Parameters
    ----------
    pool : np.ndarray
        Node ids partners are drawn from.

    Returns
    -------
    small : bool
        Whether every id fits in int32 (the draws are then int32).
    contiguous : bool
        Whether the ids are a contiguous ascending range (a draw plus the first id is
        then the partner's id, no lookup).
    """
    small = bool(pool.max(initial=0) < 2**31)
    contiguous = bool(pool.size) and int(pool[-1]) - int(pool[0]) == pool.size - 1 and bool(np.all(np.diff(pool) == 1))
    return small, contiguous


def draw_fixed(rng: np.random.Generator, pool: np.ndarray, owners: np.ndarray, k: int,
                auto: bool, multi: bool, key: str, layout: tuple[bool, bool] | None = None) -> np.ndarray:
    """For every owner, k partners drawn from ``pool`` (rows of the result).

    ``layout``: :func:`pool_layout` of ``pool``, when the caller draws for many
    blocks of owners from one pool (found once, not once per block: a pass over a
    pool of 10^6 ids per block would make a large call quadratic in its size).
    """
    if pool.size == 0 and k > 0:
        raise bad_property("connect", key, k, "there are no nodes to draw partners from")
    if multi:
        small, contiguous = pool_layout(pool) if layout is None else layout
        # int32 draws and ids: a 15-million-synapse network needs 60 MB here, not 240 MB
        out = rng.integers(0, pool.size, (owners.size, k), dtype=np.int32 if small else np.int64)
        if contiguous:
            out += np.asarray(pool[0], dtype=out.dtype)
        else:
            out = pool.astype(out.dtype)[out]
        if not auto:
            bad = out == owners[:, None]
            if bad.any() and np.all(pool == pool[0]):
                raise _only_partner_error(pool, key, k)
            while bad.any():
                out[bad] = pool[rng.integers(0, pool.size, int(bad.sum()))]
                bad = out == owners[:, None]
        return out
    out = np.empty((owners.size, k), dtype=pool.dtype)
    for i, row in enumerate(_distinct_rows(rng, pool, owners, k, auto, key)):
        out[i] = row
    return out


class IndegreeBlocks:
    """A large ``fixed_indegree`` call (with multapses) drawn a block of targets at a
    time, each block from a generator of its own: any block can be drawn again alike.

    Parameters
    ----------
    generator : callable
        ``generator(i)``: the generator of the i-th block (0-based).
    pre, post : np.ndarray
        Source and target node ids.
    k : int
        Sources per target.
    auto : bool
        allow_autapses.
    per_block : int
        Targets per block.
    local : np.ndarray of bool, optional
        Under MPI, which of ``post`` are this rank's: only blocks holding some are
        drawn, and only the pairs onto them kept.
    """

    def __init__(self, generator: Callable[[int], np.random.Generator], pre: np.ndarray, post: np.ndarray, k: int,
                 auto: bool, per_block: int, local: np.ndarray | None = None) -> None:
        self.generator, self.pre, self.post, self.k, self.auto = generator, pre, post, k, auto
        self.per_block, self.local = per_block, local
        self.layout = pool_layout(pre)
        #: first position in ``post`` of every block drawn
        self.starts = [b for b in range(0, post.size, per_block) if local is None or local[b:b + per_block].any()]

    def sources(self, b: int) -> np.ndarray:
        """Source ids of the block starting at ``post[b]``, target after target."""
        owners = self.post[b:b + self.per_block]
        src = draw_fixed(self.generator(b // self.per_block), self.pre, owners, self.k, self.auto, True, "indegree",
                         self.layout).ravel()
        return src if self.local is None else src[np.repeat(self.local[b:b + self.per_block], self.k)]

    def pairs(self, b: int) -> tuple[np.ndarray, np.ndarray]:
        """Source and target ids of the block starting at ``post[b]``."""
        tgt = np.repeat(compact(self.post[b:b + self.per_block]), self.k)
        if self.local is not None:
            tgt = tgt[np.repeat(self.local[b:b + self.per_block], self.k)]
        return self.sources(b), tgt


def _distinct_rows(rng: np.random.Generator, pool: np.ndarray, owners: np.ndarray, k: int, auto: bool,
                   key: str) -> Iterator[np.ndarray]:
    """Without multapses: each owner's k distinct partners, owner after owner."""
    for o in owners:
        cand = pool if auto else pool[pool != o]
        if k > cand.size:
            raise bad_property("connect", key, k, f"node {int(o)} has only {cand.size} distinct partners "
                               "(allow_multapses and allow_autapses are taken into account)")
        yield rng.choice(cand, k, replace=False)


def _only_partner_error(pool: np.ndarray, key: str, k: int) -> BadProperty:
    return bad_property("connect", key, k, f"node {int(pool[0])} is the only partner and allow_autapses is False")


#: pairs drawn at a time when a rank keeps only its part of a call.  The pairs made do
#: not depend on it: numpy's bounded integer draws continue one stream across calls, so
#: drawing a block at a time draws what one call draws.
CHUNK = 1 << 20


def _local_lookup(post: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``lookup[id]``: whether node ``id`` is one of the kept targets ``post[keep]``."""
    lookup = np.zeros(int(post.max(initial=0)) + 1, dtype=bool)
    lookup[post[keep]] = True
    return lookup


class _Kept:
    """Pairs kept block by block: those onto kept targets, and autapses still to be
    redrawn (holes, whose redrawn target decides whether they stay)."""

    def __init__(self, ids: np.ndarray) -> None:
        self.dtype = compact(ids[:1]).dtype if ids.size and ids.max() < 2**31 else np.int64
        self.src: list[np.ndarray] = []
        self.tgt: list[np.ndarray] = []
        self.holes: list[np.ndarray] = []
        self.size = 0

    def add(self, s: np.ndarray, t: np.ndarray, mine: np.ndarray, bad: np.ndarray) -> None:
        take = mine | bad
        self.holes.append(self.size + np.flatnonzero(bad[take]))
        self.src.append(s[take].astype(self.dtype))
        self.tgt.append(t[take].astype(self.dtype))
        self.size += int(self.src[-1].size)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        def joined(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype)
        return joined(self.src, self.dtype), joined(self.tgt, self.dtype), joined(self.holes, np.int64)

    def local(self, s: np.ndarray, t: np.ndarray, holes: np.ndarray, lookup: np.ndarray) -> Pairs:
        mine = np.ones(s.size, dtype=bool)
        mine[holes] = lookup[t[holes]]
        return s[mine], t[mine], (int(mine.sum()),)


def local_outdegree(rng: np.random.Generator, pre: np.ndarray, post: np.ndarray, k: int, auto: bool,
                    multi: bool, keep: np.ndarray) -> Pairs:
    """``fixed_outdegree`` keeping only the pairs onto ``post[keep]``.

    The draws are those of :func:`draw_fixed` for the whole call, made a block of
    sources at a time, so a rank holds its part plus one block, never the whole call.

    Parameters
    ----------
    rng : np.random.Generator
        The call's generator (the whole call's draws are made from it).
    pre, post : np.ndarray
        Source and target node ids.
    k : int
        Targets per source (checked by the caller).
    auto, multi : bool
        allow_autapses, allow_multapses.
    keep : np.ndarray of bool
        The kept targets ``post[keep]``.

    Returns
    -------
    sources, targets, shape
        The kept pairs in the whole call's order; shape is their number.

    Raises
    ------
    BadProperty
        As :func:`draw_fixed`, when the targets cannot give every source k partners.
    """
    if post.size == 0 and k > 0:
        raise bad_property("connect", "outdegree", k, "there are no nodes to draw partners from")
    lookup = _local_lookup(post, keep)
    kept = _Kept(np.concatenate([pre, post]))
    no_bad = np.zeros(0, dtype=bool)
    if not multi:
        for o, row in zip(pre, _distinct_rows(rng, post, pre, k, auto, "outdegree"), strict=True):
            kept.add(np.full(k, o), row, lookup[row], np.zeros(k, dtype=bool))
        s, t, holes = kept.arrays()
        return kept.local(s, t, holes, lookup)
    if not auto and k and post.size and np.all(post == post[0]) and np.any(pre == post[0]):
        raise _only_partner_error(post, "outdegree", k)
    dtype = np.int32 if post.max(initial=0) < 2**31 else np.int64
    rows = max(1, CHUNK // max(k, 1))
    for a in range(0, pre.size, rows):
        owners = pre[a:a + rows]
        t = post[rng.integers(0, post.size, (owners.size, k), dtype=dtype)].ravel()
        s = np.repeat(owners, k)
        kept.add(s, t, lookup[t], (s == t) if not auto else np.zeros(t.size, dtype=bool))
    s, t, holes = kept.arrays()
    redo = np.ones(holes.size, dtype=bool) if holes.size else no_bad
    while redo.any():  # draw_fixed's redraws: every autapse left, in order, until none is left
        t[holes[redo]] = post[rng.integers(0, post.size, int(redo.sum()))]
        redo = t[holes] == s[holes]
    return kept.local(s, t, holes, lookup)


def local_total(spec: dict[str, Any], pre: np.ndarray, post: np.ndarray, rng: np.random.Generator, auto: bool,
                keep: np.ndarray) -> Pairs:
    """``fixed_total_number`` with multapses, keeping only the pairs onto ``post[keep]``.

    The whole call draws all N sources, then all N targets; here a second generator
    starts where the targets' draws start, and both advance a block at a time, so a
    rank holds its part plus one block.

    Parameters
    ----------
    spec : dict
        A specification checked by :func:`normalise` (``N``).
    pre, post : np.ndarray
        Source and target node ids.
    rng : np.random.Generator
        The call's generator.
    auto : bool
        allow_autapses.
    keep : np.ndarray of bool
        The kept targets ``post[keep]``.

    Returns
    -------
    sources, targets, shape
        The kept pairs in the whole call's order; shape is their number.

    Raises
    ------
    BadProperty
        When ``N`` is invalid or cannot be met by these nodes.
    """
    n = _check_total(spec, pre, post, auto, True)
    lookup = _local_lookup(post, keep)
    bits = type(rng.bit_generator)()
    bits.state = rng.bit_generator.state
    later = np.random.Generator(bits)
    for a in range(0, n, CHUNK):  # skip the sources' draws
        later.integers(0, pre.size, min(CHUNK, n - a))
    kept = _Kept(np.concatenate([pre, post]))
    for a in range(0, n, CHUNK):
        c = min(CHUNK, n - a)
        s = pre[rng.integers(0, pre.size, c)]
        t = post[later.integers(0, post.size, c)]
        kept.add(s, t, lookup[t], (s == t) if not auto else np.zeros(c, dtype=bool))
    s, t, holes = kept.arrays()
    redo = np.ones(holes.size, dtype=bool)
    while redo.any():  # _fixed_total's redraws, from where its target draws end
        nb = int(redo.sum())
        s[holes[redo]] = pre[later.integers(0, pre.size, nb)]
        t[holes[redo]] = post[later.integers(0, post.size, nb)]
        redo = s[holes] == t[holes]
    return kept.local(s, t, holes, lookup)
