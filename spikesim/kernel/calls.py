"""The neuron kernels' calls of one run, and frozen neurons.

Per neuron population the engine calls its compiled kernel once per slice with
arguments that stay the same for a whole run; :func:`kernel_calls` looks them up once.

Frozen neurons (NEST's ``frozen`` status entry) are not updated: their state stays as
it was, they emit no spikes, and the input that reaches them while frozen is dropped
(NEST leaves it in the ring buffer, where it may show up when the neuron thaws).  The
kernel runs over the whole population as usual and :func:`hold_frozen` puts the frozen
neurons' state back and clears their spike flags afterwards: the cost is a copy of the
frozen columns per slice, and nothing at all for a population without frozen neurons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from spikesim.errors import NotImplementedFeature
from spikesim.kernel.distributed import LocalArrays, Update
from spikesim.kernel.samplers import SamplerPlan
from spikesim.network.node_table import NodeTable

#: kernel, state, derived, ring base, spike flags, sampled columns, sampler plan, frozen
#: neurons (local indices, or None)
KernelCall = tuple[Any, np.ndarray, np.ndarray, int, np.ndarray, np.ndarray, "SamplerPlan | None",
                   "np.ndarray | None"]

_NO_COLS: dict[int, np.ndarray] = {}


def _no_cols(n: int) -> np.ndarray:
    """A column map of ``n`` neurons none of which is sampled (cached per size)."""
    if n not in _NO_COLS:
        _NO_COLS[n] = np.full(n, -1, dtype=np.int64)
    return _NO_COLS[n]


def check_frozen(updates: Sequence[Update], samplers: Mapping[int, SamplerPlan]) -> None:
    """Refuse a run in which a multimeter samples a frozen neuron (checked on the whole
    population, so that every rank decides alike, before anything changes).

    Raises
    ------
    NotImplementedFeature
        If a sampled neuron is frozen: NEST leaves the samples of the frozen steps out,
        which spikesim's grid of samples cannot.
    """
    for pop, pi, _ in updates:
        plan = samplers.get(pi)
        if plan is not None and pop.frozen.any() and (plan.rec_col[pop.frozen] >= 0).any():
            gid = pop.first + int(np.flatnonzero(pop.frozen & (plan.rec_col >= 0))[0])
            raise NotImplementedFeature(f"simulate: neuron {gid} ({pop.model_name}) is frozen and sampled by a "
                                        "multimeter: spikesim cannot leave out the samples of frozen steps; "
                                        "thaw it (frozen=False) or sample other neurons")


def kernel_calls(updates: Sequence[Update], local: Sequence[LocalArrays], samplers: Mapping[int, SamplerPlan],
                 nodes: NodeTable) -> list[KernelCall]:
    """Per neuron population, the arguments of its kernel for a whole run: kernel,
    this rank's state and derived arrays, ring base, spike flags, sampled columns,
    sampler plan and the local indices of its frozen neurons (None: none)."""
    calls: list[KernelCall] = []
    for (pop, pi, kernel), (S, D, base, cols) in zip(updates, local, strict=True):
        lo, hi = nodes.local_range(pop)
        fz = np.flatnonzero(pop.frozen[lo:hi])
        calls.append((kernel, S, D, base, pop.spk, cols if cols is not None else _no_cols(S.shape[1]),
                      samplers.get(pi), fz if fz.size else None))
    return calls


def hold_frozen(S: np.ndarray, spk: np.ndarray, frozen: np.ndarray, kept: np.ndarray, m: int) -> None:
    """Undo a slice of ``m`` steps for the ``frozen`` neurons (local indices): their
    state back to ``kept`` (their columns of ``S`` before the slice), no spike flags."""
    S[:, frozen] = kept
    spk[:m, frozen] = 0
