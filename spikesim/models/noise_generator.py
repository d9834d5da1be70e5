"""NEST's ``noise_generator``: Gaussian currents drawn anew every ``dt`` ms, one
independent draw per target (the streams and the compiled pass: :mod:`spikesim.models._noise`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spikesim.errors import StepMultipleRequired, bad_property
from spikesim.models._noise import mean_by_node, noise_currents, noise_keys
from spikesim.models.generators import CurrentGenerator, Generator

_NO_IDS = np.zeros(0, dtype=np.int64)


class NoiseGenerator(CurrentGenerator):
    """NEST's ``noise_generator``: a Gaussian current drawn anew every ``dt`` ms,
    independently for each target.

    In each interval of ``dt`` ms (a multiple of the resolution; counted from the
    generator's first active step) target ``j`` receives
    ``mean + sqrt(std**2 + y1 * std_mod**2) * xi_j`` pA, ``xi_j`` standard normal and
    ``y1 = sin(2 pi frequency t + phase)`` at the step of the draw (``t`` in ms from the
    first active step, ``frequency`` in Hz, ``phase`` in degrees).  ``mean``, ``std``,
    ``std_mod`` in pA.  Draws come from counter-based streams keyed by the generator's and
    the target's node ids, so they do not depend on threads or processes.  ``dt``
    defaults to 1 ms (NEST: 10 resolution steps, 1 ms at the default resolution).
    """

    name = "noise_generator"
    per_target = True
    params = {**Generator.params, "mean": 0.0, "std": 0.0, "std_mod": 0.0, "frequency": 0.0, "phase": 0.0,
              "dt": 1.0}
    recordables = ("I",)
    units = {"I": "pA"}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's parameters (pA, Hz, degrees; ``dt`` in ms on the grid of ``h`` ms).

        Raises
        ------
        BadProperty
            When ``std`` or ``std_mod`` is negative, ``std_mod > std``, or ``dt`` is negative.
        StepMultipleRequired
            When ``dt`` is not a multiple of the resolution (a BadProperty; NEST's class).
        """
        super().check_node(p, h)
        for k in ("std", "std_mod"):
            if not (p[k] >= 0):
                raise bad_property(cls.name, k, p[k], "the standard deviation cannot be negative (pA)")
        if not (p["std_mod"] <= p["std"]):
            raise bad_property(cls.name, "std_mod", p["std_mod"],
                               f"the modulation amplitude must be <= std ({p['std']} pA)")
        if not (p["dt"] >= 0) or math.isinf(p["dt"]):
            raise bad_property(cls.name, "dt", p["dt"], "it must be a finite multiple of the resolution >= 0 (ms)")
        if not math.isclose(p["dt"] / h, round(p["dt"] / h), rel_tol=0.0, abs_tol=1e-9):
            raise StepMultipleRequired(f"{cls.name}: parameter 'dt' = {p['dt']!r} is not allowed; it must be a "
                                       f"multiple of the resolution ({h} ms)")

    @classmethod
    def prepare_targets(cls, nodes: list[dict[str, Any]], gen_col: np.ndarray, gen_ids: np.ndarray,
                        tgt_ids: np.ndarray, h: float, seed: int) -> Any:
        """Constants of the generators and one random stream per connection.

        ``gen_col`` is each connection's index into ``nodes``; ``gen_ids``, ``tgt_ids``
        are the generator's and the target's node ids (1-based).  Repeated connections
        between one pair get separate streams (by their order of creation).
        """
        par = np.array([(p["mean"], p["std"], p["std_mod"], 2.0 * math.pi * p["frequency"] / 1000.0,
                         p["phase"] * 2.0 * math.pi / 360.0) for p in nodes], dtype=np.float64).reshape(-1, 5)
        dts = np.array([max(1, round(p["dt"] / h)) for p in nodes], dtype=np.int64)
        win = np.array([cls.window(p, h) for p in nodes], dtype=np.int64).reshape(-1, 2)
        order = np.lexsort((np.arange(gen_ids.size), tgt_ids, gen_ids))
        pair = np.stack([gen_ids[order], tgt_ids[order]], axis=1)
        new = np.ones(order.size, dtype=bool)
        new[1:] = np.any(pair[1:] != pair[:-1], axis=1)
        start = np.maximum.accumulate(np.where(new, np.arange(order.size), 0))
        occ = np.empty(order.size, dtype=np.uint64)
        occ[order] = (np.arange(order.size) - start).astype(np.uint64)
        keys = noise_keys(np.uint64(seed), gen_ids.astype(np.uint64), tgt_ids.astype(np.uint64), occ)
        return par, dts, win, gen_col.astype(np.int64), keys

    @classmethod
    def currents_targets(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:
        """Current (pA) of each prepared connection in the steps ``s0 .. s0+m-1``, shape (m, connections)."""
        par, dts, win, col, keys = prepared
        return noise_currents(par, dts, win, col, keys, h, s0, m)

    @classmethod
    def prepare_recording(cls, nodes: list[dict[str, Any]], ids: np.ndarray, targets: list[np.ndarray],
                          h: float, seed: int) -> Any:
        """The streams of every connection of these nodes (those :meth:`prepare_targets`
        makes for the delivery), ordered by node, then target id, for a fixed order of sums.

        ``targets[i]``: the target ids of node ``i``'s connections in the order they were
        made, all of them (every process's, in a distributed run).
        """
        col = np.concatenate([np.full(t.size, i, dtype=np.int64) for i, t in enumerate(targets)] or [_NO_IDS])
        tgt = np.concatenate([np.asarray(t, dtype=np.int64) for t in targets] or [_NO_IDS])
        gid = np.asarray(ids, dtype=np.int64)[col]
        prepared = cls.prepare_targets(nodes, col, gid, tgt, h, seed)
        order = np.lexsort((tgt, col))  # stable: repeats of a pair keep their order
        par, dts, win, c, keys = prepared
        counts = np.bincount(col, minlength=len(nodes))
        return (par, dts, win, c[order], keys[order]), counts

    @classmethod
    def recorded(cls, prepared: Any, h: float, s0: int, m: int) -> np.ndarray:
        """``I`` (pA): the mean of the currents sent to the node's targets in each step
        ``s0 .. s0+m-1`` (NEST's ``I_avg``; 0 outside the window and without targets),
        shape (m, 1, nodes)."""
        (par, dts, win, col, keys), counts = prepared
        cur = noise_currents(par, dts, win, col, keys, h, s0, m)
        return mean_by_node(cur, counts)[:, None, :]
