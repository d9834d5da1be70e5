"""When NEST hands a multimeter its samples: one ``min_delay`` slice late.

In NEST a multimeter asks its neurons for their samples at the start of each
``min_delay`` slice and gets those of the slice before; the samples of the last slice
of a ``Simulate`` call reach it only in the next call (NEST 3.10 with a 1 ms
``min_delay``: ``Simulate(10.0)`` with ``interval=0.1`` gives the samples at
0.1 ... 9.0 ms).  spikesim's devices hold every sample when ``simulate`` returns; the
NEST face shows what NEST would have handed over, and the rest appears after the next
``Simulate``, as in NEST.  NEST's ``min_delay`` counts every connection, the samplers'
own (1 ms by default) included.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.core.simulator import Simulator


def nest_min_delay_steps(sim: Simulator) -> int:
    """NEST's ``min_delay`` in steps: the shortest delay of all connections, those of
    devices included (1 step without any connection)."""
    lows = [int(np.min(p.d)) for p in sim.connector.projections.values() if len(p) and np.size(p.d)]
    return min(lows) if lows else 1


def handed_over_until(sim: Simulator) -> int:
    """The last step (stamp) whose samples NEST has handed to the multimeters: the start of
    the ``min_delay`` slice that ends at the present time (slices aligned to t = 0)."""
    now = sim.step
    if now <= 0:
        return 0
    md = nest_min_delay_steps(sim)
    return ((now - 1) // md) * md


def _is_sampler(sim: Simulator, node_id: int) -> bool:
    return getattr(sim.node_table.population_of(node_id).model, "sends", None) == "samples"


def _cut(events: dict[str, Any], until: int, h: float) -> tuple[dict[str, Any], int]:
    """``events`` without the samples stamped after ``until`` steps, and how many were cut."""
    times = np.asarray(events.get("times", ()))
    if not times.size:
        return events, 0
    limit = until if times.dtype.kind in "iu" else (until + 0.5) * h
    keep = times <= limit
    if keep.all():
        return events, 0
    n = times.size
    return {k: (np.asarray(v)[keep] if np.size(v) == n else v) for k, v in events.items()}, int(n - keep.sum())


def nest_handover(sim: Simulator, ids: np.ndarray, raw: dict[str, Any]) -> None:
    """Drop from ``raw`` (the values asked for ``ids``, changed in place) the samples NEST
    would not have handed to the multimeters yet: in ``events`` and ``n_events``.

    Parameters
    ----------
    sim : Simulator
        The simulator behind the face (its clock, resolution in ms and connections).
    ids : ndarray of int
        Node ids the values belong to, in order.
    raw : dict
        Key -> one value per node (``events``: a dict of arrays, times in ms or steps).
    """
    if "events" not in raw and "n_events" not in raw:
        return
    rows = [i for i, nid in enumerate(ids) if _is_sampler(sim, int(nid))]
    if not rows:
        return
    until, h = handed_over_until(sim), sim.resolution
    full = raw["events"] if "events" in raw else sim.node_table.get(ids, ("events",))
    devices = {d.node_id: d for d in sim.recording_devices()}
    for i in rows:
        cut, n = _cut(dict(full[i]), until, h)
        if not np.size(full[i].get("times", ())):  # a backend keeping no events (a file): its tally
            n = devices[int(ids[i])].recent.rows_after(until, h) or 0
        if "events" in raw:
            raw["events"][i] = cut
        if "n_events" in raw and n:
            counts = np.array(raw["n_events"])
            counts[i] = counts[i] - n
            raw["n_events"] = counts


def sampler_receptors(sim: Simulator, src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """NEST's ``receptor`` of multimeter connections: the k-th multimeter connected to a
    node gets receptor k (from 1), in the order they were connected; -1 where
    ``(src, tgt)`` (node ids) is not a multimeter's connection.

    Parameters
    ----------
    sim : Simulator
        The simulator behind the face.
    src, tgt : ndarray of int
        Source and target node ids, one pair per connection.

    Returns
    -------
    ndarray of int64
    """
    out = np.full(np.size(src), -1, dtype=np.int64)
    rank: dict[tuple[int, int], int] = {}
    seen: dict[int, int] = {}
    for (_, route), p in sim.connector.projections.items():
        if route != "sample":
            continue
        for s, t in zip((np.asarray(p.src) + 1).tolist(), (np.asarray(p.tgt) + 1).tolist(), strict=True):
            if (s, t) not in rank:
                seen[t] = seen.get(t, 0) + 1
                rank[(s, t)] = seen[t]
    if rank:
        for i, (s, t) in enumerate(zip(np.asarray(src).tolist(), np.asarray(tgt).tolist(), strict=True)):
            out[i] = rank.get((int(s), int(t)), -1)
    return out
