"""The pairwise connection rules: ``pairwise_bernoulli`` and ``pairwise_poisson``.

Every (source, target) pair is drawn on its own: one connection with probability ``p``
(bernoulli), or a Poisson number of connections with mean ``pairwise_avg_num_conns``
(poisson; multapses then arise by design, so NEST requires ``allow_multapses``).  Pairs
come out target-major, sources in the order given, a pair's connections next to each
other.  The draws fill a (targets, sources) block after block of targets (bounded
memory), so the pairs do not depend on the block size; with ``keep`` (a rank's targets)
every block is drawn, so the stream stays the whole call's, but only the kept targets'
pairs are made.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import bad_property

Pairs = tuple[np.ndarray, np.ndarray, tuple[int, ...]]

#: draws per block (memory of a block: 8 bytes each)
BLOCK_DRAWS = 1_000_000


def _number(key: str, v: Any, lo: float, hi: float, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not lo <= v <= hi:
        raise bad_property("connect", key, v, what)
    return float(v)


def pairwise(spec: dict[str, Any], pre: np.ndarray, post: np.ndarray, rng: np.random.Generator,
             auto: bool, keep: np.ndarray | None = None) -> Pairs:
    """Sources, targets and ``(number of connections,)`` of a ``pairwise_bernoulli`` or
    ``pairwise_poisson`` call (``spec["rule"]``).

    Raises
    ------
    BadProperty
        If ``p`` is no probability in [0, 1], ``pairwise_avg_num_conns`` is negative or not
        finite, or ``pairwise_poisson`` is asked without multapses.
    """
    poisson = spec["rule"] == "pairwise_poisson"
    if poisson:
        lam = _number("pairwise_avg_num_conns", spec["pairwise_avg_num_conns"], 0.0, float(np.finfo(float).max),
                      "it must be a finite number >= 0 (the mean number of connections per pair)")
        if not spec["allow_multapses"]:  # NEST's reason
            raise bad_property("connect", "allow_multapses", False, "pairwise_poisson makes a Poisson number of "
                               "connections per pair: multapses must be allowed for this connection rule")
    else:
        p = _number("p", spec["p"], 0.0, 1.0, "it must be a probability in [0, 1]")
    srcs, tgts = [], []
    chunk = max(1, BLOCK_DRAWS // max(pre.size, 1))
    buf = np.empty(min(chunk, post.size) * pre.size)
    for a in range(0, post.size, chunk):
        block = post[a:a + chunk]
        hits: np.ndarray
        if poisson:
            hits = rng.poisson(lam, size=(block.size, pre.size))
        else:
            u = buf[:block.size * pre.size].reshape(block.size, pre.size)
            rng.random(out=u)
            hits = u < p
        if keep is not None:
            rows = keep[a:a + chunk]
            hits, block = hits[rows], block[rows]
        if not auto:
            hits = hits * (block[:, None] != pre[None, :])
        ti, si = np.nonzero(hits)
        n = hits[ti, si] if poisson else 1
        srcs.append(np.repeat(pre[si], n))
        tgts.append(np.repeat(block[ti], n))
    s = np.concatenate(srcs) if srcs else np.zeros(0, np.int64)
    t = np.concatenate(tgts) if tgts else np.zeros(0, np.int64)
    return s, t, (s.size,)
