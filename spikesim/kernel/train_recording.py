"""Spike recorders connected straight to gamma_sup, mip, sinusoidal_gamma and ppd_sup generators.

These generators' trains are state (gamma phases, dead times, the time of the last
spike), advanced by :class:`~spikesim.kernel.renewal.RenewalRoutes` per connection.  A
connection to a spike recorder is one more connection of the same route
(:func:`with_recorders`): it draws a train of its own, keyed by the seed, the
generator and the recorder as a neuron's is keyed by the neuron (or reads the
generator's one train, for a sinusoidal_gamma_generator without
``individual_spike_trains``, and a mip_generator's copies of its mother train), so it
is kept across runs and in checkpoints like any other.  Its counts are written to the
recorder, not to a ring buffer (a recorder's input mode is ``INPUT_NONE``).

The routes send a slice's input before the neurons of the slice are updated (and in
a distributed run one slice ahead), so the counts wait in :class:`PendingTrains`
until the engine records the slice that holds them; the waiting counts are part of
the checkpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from spikesim.kernel.routes import DeviceRoute
from spikesim.models.gamma_mip_generators import GammaSupGenerator, MipGenerator
from spikesim.models.ppd_sup_generator import PpdSupGenerator
from spikesim.models.sinusoidal_gamma_generator import SinusoidalGammaGenerator

if TYPE_CHECKING:
    from spikesim.network.populations import Population
    from spikesim.network.projection import Projection

#: the generator models whose trains the routes draw for recorders too
TRAIN_MODELS = (GammaSupGenerator, MipGenerator, SinusoidalGammaGenerator, PpdSupGenerator)

_NONE = np.zeros(0, dtype=np.int64)


def with_recorders(dr: DeviceRoute | None, projections: Mapping[tuple[str, str], Projection],
                   populations: Sequence[Population], node: Callable[[int], Any]) -> DeviceRoute | None:
    """The ``poisson`` route ``dr`` joined with the ``record`` connections from generators
    of :data:`TRAIN_MODELS` (targets: the recorders' 0-based ids).

    Parameters
    ----------
    dr : DeviceRoute or None
        The ``poisson`` route.
    projections : mapping
        All projections, keyed by (synapse model, route).
    populations : sequence of Population
        All populations (their models tell which nodes draw trains).
    node : callable
        Node id -> the generator's parameter dict.
    """
    parts = [p for (_, r), p in projections.items() if r == "record" and len(p)]
    src = np.concatenate([p.src for p in parts] or [_NONE]).astype(np.int64)
    tgt = np.concatenate([p.tgt for p in parts] or [_NONE]).astype(np.int64)
    if not src.size:
        return dr
    draws = np.zeros(int(src.max()) + 2, dtype=bool)  # by population, not node by node
    for pop in populations:
        if pop.first - 1 < draws.size and issubclass(pop.model, TRAIN_MODELS):
            draws[pop.first - 1:pop.first - 1 + pop.n] = True
    keep = draws[src]
    if not keep.any():
        return dr
    src, tgt = src[keep], tgt[keep]
    n_old = 0 if dr is None else dr.tgt.size
    old_src = _NONE if dr is None else np.asarray(dr.gen_ids, dtype=np.int64)[dr.col] - 1

    def joined(a: np.ndarray | None, fill: float | int, dtype: Any) -> np.ndarray:
        first = np.zeros(0, dtype) if a is None else np.broadcast_to(a, (n_old,)).astype(dtype)
        return np.concatenate([first, np.full(src.size, fill, dtype=dtype)])

    all_src = np.concatenate([old_src, src])
    gen_ids = np.unique(all_src) + 1
    return DeviceRoute([node(int(g)) for g in gen_ids], np.searchsorted(gen_ids - 1, all_src),
                       np.concatenate([_NONE if dr is None else dr.tgt.astype(np.int64), tgt]),
                       joined(None if dr is None else dr.w, 1.0, np.float64),
                       joined(None if dr is None else dr.d, 1, np.int64),
                       joined(None if dr is None else dr.rcpt, 0, np.int8), gen_ids=[int(g) for g in gen_ids])


class PendingTrains:
    """Counts drawn for recorders, waiting for the slice that holds their step.

    ``rec`` (recorder node id), ``gid`` (generator node id), ``step`` (emission step,
    stamped ``step + 1``) and ``count`` hold one entry per nonzero count.
    """

    def __init__(self) -> None:
        self.rec = self.gid = self.step = self.count = _NONE
        #: node id -> the recorder device (set by the engine's prepare)
        self.device_of: Callable[[int], Any] | None = None
        self.num_nodes = 0

    def add(self, rec: np.ndarray, gid: np.ndarray, s0: int, counts: np.ndarray) -> None:
        """Keep ``counts[i, j]`` of connection ``j`` (recorder ``rec[j]``, generator
        ``gid[j]``) in step ``s0 + i``, where nonzero."""
        i, j = np.nonzero(counts)
        if not i.size:
            return
        self.rec = np.concatenate([self.rec, rec[j]])
        self.gid = np.concatenate([self.gid, gid[j]])
        self.step = np.concatenate([self.step, s0 + i])
        self.count = np.concatenate([self.count, counts[i, j].astype(np.int64)])

    def record(self, s0: int, m: int) -> bool:
        """Hand the counts of steps before ``s0 + m`` to their recorders (as spikes of the
        generators, the count their multiplicity); returns whether a recorder holds
        enough rows to hand them over now."""
        if not self.step.size or self.device_of is None:  # the common case: nothing waits
            return False
        due = self.step < s0 + m
        if not due.any():
            return False
        rec, gid, step, count = (a[due] for a in (self.rec, self.gid, self.step, self.count))
        self.rec, self.gid, self.step, self.count = (a[~due] for a in (self.rec, self.gid, self.step, self.count))
        full = False
        for r in np.unique(rec):
            at = rec == r
            order = np.lexsort((gid[at], step[at]))  # by step, then generator
            counts = np.zeros(self.num_nodes + 1, dtype=np.int64)
            counts[np.unique(gid[at])] = 1  # each connection is a train of its own
            full = self.device_of(int(r)).record_spikes(gid[at][order], step[at][order],
                                                        count[at][order].astype(np.float64), counts) or full
        return full

    def state(self) -> dict[str, np.ndarray]:
        """The waiting counts, for checkpoints (the same on every rank)."""
        return {"trains/rec": self.rec, "trains/gid": self.gid, "trains/step": self.step,
                "trains/count": self.count}

    def load_state(self, arrays: dict[str, np.ndarray]) -> None:
        """Continue from :meth:`state` (missing arrays: nothing waits)."""
        self.rec, self.gid, self.step, self.count = (
            np.asarray(arrays.get(f"trains/{k}", _NONE), dtype=np.int64) for k in ("rec", "gid", "step", "count"))

    def reset(self) -> None:
        """Nothing waits (back to t = 0)."""
        self.rec = self.gid = self.step = self.count = _NONE
