"""Compact connection storage.

All connections of one synapse model that travel the same route (spikes, currents,
Poisson input, recording, sampling) form a :class:`Projection`, stored as a CSR
table ordered by source: ``ptr[src] .. ptr[src+1]`` index the connections of the
node with 0-based index ``src``.  Targets are int32 node indices; delays are steps
in the smallest integer type that holds them; weights and delays that are the same
for every connection are stored once.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _counting_order(src, n_nodes):
    """Stable order of ``src`` by value, and the CSR row pointers (O(n), no sort)."""
    ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    for s in src:
        ptr[s + 1] += 1
    for i in range(n_nodes):
        ptr[i + 1] += ptr[i]
    fill = ptr[:-1].copy()
    order = np.empty(src.shape[0], dtype=np.int64)
    for c in range(src.shape[0]):
        s = src[c]
        order[fill[s]] = c
        fill[s] += 1
    return order, ptr


def _smallest_int(values: np.ndarray) -> np.ndarray:
    hi = int(values.max()) if values.size else 0
    dt = np.int16 if hi < 2**15 else np.int32
    return values.astype(dt)


class Projection:
    """Connections of one synapse model along one route, as a CSR table by source."""

    def __init__(self, synapse_model: str, route: str, n_nodes: int) -> None:
        self.synapse_model = synapse_model
        self.route = route
        self.ptr = np.zeros(n_nodes + 1, dtype=np.int64)
        self.src = np.zeros(0, dtype=np.int32)
        self.tgt = np.zeros(0, dtype=np.int32)
        self.w: np.ndarray = np.zeros(1)          # length 1 when homogeneous
        self.d: np.ndarray = np.zeros(1, dtype=np.int16)
        self.rcpt = np.zeros(0, dtype=np.int8)
        #: extra per-connection float columns (plastic synapses: weights' traces...)
        self.extra: dict[str, np.ndarray] = {}
        self.version = 0

    def __len__(self) -> int:
        return int(self.tgt.size)

    @property
    def w_hom(self) -> bool:
        return self.w.size == 1 and self.tgt.size != 1

    @property
    def d_hom(self) -> bool:
        return self.d.size == 1 and self.tgt.size != 1

    def weights(self) -> np.ndarray:
        return np.broadcast_to(self.w, self.tgt.shape) if self.w.size == 1 else self.w

    def delays(self) -> np.ndarray:
        return np.broadcast_to(self.d, self.tgt.shape) if self.d.size == 1 else self.d

    def resize_nodes(self, n_nodes: int) -> None:
        if n_nodes + 1 > self.ptr.size:
            self.ptr = np.concatenate([self.ptr, np.full(n_nodes + 1 - self.ptr.size, self.ptr[-1])])

    def add(self, src: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray,
            rcpt: np.ndarray, n_nodes: int, extra: dict[str, np.ndarray] | None = None) -> None:
        """Append connections (0-based node indices; delays in steps) and re-order by source."""
        self.resize_nodes(n_nodes)
        w = np.broadcast_to(np.asarray(w, dtype=np.float64), src.shape)
        d = np.broadcast_to(np.asarray(d, dtype=np.int64), src.shape)
        all_src = np.concatenate([self.src, src.astype(np.int32)])
        all_tgt = np.concatenate([self.tgt, tgt.astype(np.int32)])
        all_w = np.concatenate([self.weights(), w])
        all_d = np.concatenate([self.delays().astype(np.int64), d])
        all_r = np.concatenate([self.rcpt, np.broadcast_to(np.asarray(rcpt, dtype=np.int8), src.shape)])
        merged_extra = {}
        for k in set(self.extra) | set(extra or {}):
            old = self.extra.get(k, np.zeros(len(self)))
            new = (extra or {}).get(k, np.zeros(src.size))
            merged_extra[k] = np.concatenate([old, np.broadcast_to(new, src.shape)])
        order, self.ptr = _counting_order(all_src, n_nodes)
        already_sorted = bool(np.all(order[1:] > order[:-1])) if order.size else True
        take = (lambda a: a) if already_sorted else (lambda a: a[order])
        self.src = take(all_src)
        self.tgt = take(all_tgt)
        self.rcpt = take(all_r)
        self.w = all_w[:1].copy() if all_w.size and np.all(all_w == all_w[0]) else take(all_w)
        dd = all_d[:1] if all_d.size and np.all(all_d == all_d[0]) else take(all_d)
        self.d = _smallest_int(dd)
        self.extra = {k: take(v) for k, v in merged_extra.items()}
        self.version += 1

    def set_weights(self, pos: np.ndarray, values: np.ndarray) -> None:
        if self.w.size == 1 and self.tgt.size != 1:
            self.w = np.full(self.tgt.size, self.w[0])
        self.w[pos] = values

    def set_delays(self, pos: np.ndarray, steps: np.ndarray) -> None:
        d = np.array(self.delays(), dtype=np.int64)
        d[pos] = steps
        self.d = _smallest_int(d)
