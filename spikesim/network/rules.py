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
===================  ==========================  ==================================
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import BadProperty, bad_property

RULES = ("all_to_all", "one_to_one", "fixed_indegree", "fixed_outdegree", "fixed_total_number",
         "pairwise_bernoulli")

_RULE_KEYS = {
    "all_to_all": set(),
    "one_to_one": set(),
    "fixed_indegree": {"indegree"},
    "fixed_outdegree": {"outdegree"},
    "fixed_total_number": {"N"},
    "pairwise_bernoulli": {"p"},
}


def normalise(conn_spec: Any) -> dict[str, Any]:
    """Turn a rule name or dict into a full, checked specification."""
    if conn_spec is None:
        conn_spec = {"rule": "all_to_all"}
    if isinstance(conn_spec, str):
        conn_spec = {"rule": conn_spec}
    if not isinstance(conn_spec, dict):
        raise bad_property("connect", "conn_spec", conn_spec, "give a rule name or a dict with 'rule'")
    spec = dict(conn_spec)
    rule = spec.get("rule", "all_to_all")
    if rule not in RULES:
        raise bad_property("connect", "rule", rule, f"choose one of {list(RULES)}")
    spec["rule"] = rule
    allowed = _RULE_KEYS[rule] | {"rule", "allow_autapses", "allow_multapses"}
    for k in spec:
        if k not in allowed:
            raise bad_property("connect", k, spec[k], f"rule '{rule}' takes the keys {sorted(allowed)}")
    for k in _RULE_KEYS[rule]:
        if k not in spec:
            raise BadProperty(f"connect: rule '{rule}' needs the key '{k}'")
    for k in ("allow_autapses", "allow_multapses"):
        v = spec.setdefault(k, True)
        if not isinstance(v, (bool, np.bool_)):
            raise bad_property("connect", k, v, "it must be True or False")
    return spec


Pairs = tuple[np.ndarray, np.ndarray, tuple[int, ...]]


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
        all_to_all, one_to_one and pairwise_bernoulli: make only the pairs onto the
        targets ``post[keep]`` (a rank's part; the draws are those of the whole call,
        so the pairs made are exactly the whole call's pairs onto those targets).  The
        shape returned is then the number of pairs made.

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
        tgt = draw_fixed(rng, post, pre, k, auto, multi, "outdegree")
        return np.repeat(compact(pre), k), tgt.ravel(), (pre.size, k)
    if rule == "fixed_total_number":
        return _fixed_total(spec, pre, post, rng, auto, multi)
    return _bernoulli(spec, pre, post, rng, auto, keep)


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
    n = _count(spec, "N", pre.size * post.size, multi)
    if n and (pre.size == 0 or post.size == 0):
        raise bad_property("connect", "N", n, "there are no sources or no targets to connect")
    if multi:
        if n and not auto and np.all(pre == pre[0]) and np.all(post == pre[0]):
            raise bad_property("connect", "N", n, f"node {int(pre[0])} is the only source and target "
                               "and allow_autapses is False")
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


def _bernoulli(spec: dict[str, Any], pre: np.ndarray, post: np.ndarray, rng: np.random.Generator,
               auto: bool, keep: np.ndarray | None = None) -> Pairs:
    """``pairwise_bernoulli``: every pair independently with probability ``p``, drawn
    target-major in blocks of targets (bounded memory); with ``keep``, every block is
    drawn (the stream stays the whole call's) but only the kept targets' pairs are made."""
    p = spec["p"]
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or not 0.0 <= p <= 1.0:
        raise bad_property("connect", "p", p, "it must be a probability in [0, 1]")
    p = float(p)
    srcs, tgts = [], []
    # the draws fill row after row, so the pairs do not depend on the block size
    chunk = max(1, 1_000_000 // max(pre.size, 1))
    buf = np.empty(min(chunk, post.size) * pre.size)
    for a in range(0, post.size, chunk):
        block = post[a:a + chunk]
        u = buf[:block.size * pre.size].reshape(block.size, pre.size)
        rng.random(out=u)
        hit = u < p
        if keep is not None:
            rows = keep[a:a + chunk]
            hit, block = hit[rows], block[rows]
        if not auto:
            hit &= block[:, None] != pre[None, :]
        ti, si = np.nonzero(hit)
        srcs.append(pre[si])
        tgts.append(block[ti])
    s = np.concatenate(srcs) if srcs else np.zeros(0, np.int64)
    t = np.concatenate(tgts) if tgts else np.zeros(0, np.int64)
    return s, t, (s.size,)


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


def draw_fixed(rng: np.random.Generator, pool: np.ndarray, owners: np.ndarray, k: int,
                auto: bool, multi: bool, key: str) -> np.ndarray:
    """For every owner, k partners drawn from ``pool`` (rows of the result)."""
    if pool.size == 0 and k > 0:
        raise bad_property("connect", key, k, "there are no nodes to draw partners from")
    if multi:
        # int32 draws and ids: a 15-million-synapse network needs 60 MB here, not 240 MB
        small = pool.max(initial=0) < 2**31
        out = rng.integers(0, pool.size, (owners.size, k), dtype=np.int32 if small else np.int64)
        if pool.size and np.all(np.diff(pool) == 1):  # a contiguous, ascending range of ids
            out += np.asarray(pool[0], dtype=out.dtype)
        else:
            out = pool.astype(out.dtype)[out]
        if not auto:
            bad = out == owners[:, None]
            if bad.any() and np.all(pool == pool[0]):
                raise bad_property("connect", key, k, f"node {int(pool[0])} is the only partner and "
                                   "allow_autapses is False")
            while bad.any():
                out[bad] = pool[rng.integers(0, pool.size, int(bad.sum()))]
                bad = out == owners[:, None]
        return out
    out = np.empty((owners.size, k), dtype=pool.dtype)
    for i, o in enumerate(owners):
        cand = pool if auto else pool[pool != o]
        if k > cand.size:
            raise bad_property("connect", key, k, f"node {int(o)} has only {cand.size} distinct partners "
                               "(allow_multapses and allow_autapses are taken into account)")
        out[i] = rng.choice(cand, k, replace=False)
    return out
