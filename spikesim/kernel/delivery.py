"""Compiled delivery of spikes, currents and Poisson input into ring buffers.

The ring buffer ``ring[channel, slot, node]`` holds input for the step ``s`` in slot
``s % L``.  A spike emitted in step ``s`` (stamp ``(s+1) h``) over a connection with a
delay of ``d`` steps is added to slot ``(s + d) % L`` and read by the target when it
updates step ``s + d``.  Additions happen in a fixed order (spikes sorted by step
and sender, connections in storage order), so sums do not depend on threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, cast

import numpy as np
from numba import int64, njit, prange, uint64
from numba.cpython.unsafe.numbers import trailing_zeros

from spikesim.kernel.prefetch import prefetch_at, prefetch_range
from spikesim.models.base import (
    CH_CUR,
    CH_EX,
    CH_IN,
    INPUT_PARROT,
    INPUT_RECEPTOR,
    INPUT_SINGLE,
    INPUT_SPLIT,
    N_CHANNELS,
    Model,
)
from spikesim.rng import GOLDEN, Word, mix64, poisson_guided, uniform

#: LLVM's count of trailing zeros (one instruction), as a plain function for the type checker
_trailing_zeros = cast(Callable[[Any], int], trailing_zeros)


@njit(cache=True, inline="always")
def spike_events(src: int, m: float, is_neuron: np.ndarray) -> tuple[int, float]:
    """How a plastic synapse sees a spike of multiplicity ``m`` from node ``src`` (0-based):
    as ``m`` events of value 1 when a neuron sent it (NEST's neurons send one event per
    spike), as one event of value ``m`` when a generator did (its multiplicity scales
    the input)."""
    if is_neuron[src]:
        return int(m + 0.5), 1.0
    return 1, m


@njit(cache=True, inline="always")
def add_spike(ring: np.ndarray, mode: np.ndarray, slot: int, t: int, w: float, mult: float, rc: int) -> None:
    """Add one spike of weight ``w`` (pA or nS) and multiplicity ``mult`` to node ``t``'s
    ring slot, as its input mode says (parrots count spikes arriving at receptor 0)."""
    md = mode[t]
    if md == INPUT_SPLIT:
        if w >= 0.0:
            ring[CH_EX, slot, t] += w * mult
        else:
            ring[CH_IN, slot, t] += w * mult
    elif md == INPUT_SINGLE:
        ring[CH_EX, slot, t] += w * mult
    elif md == INPUT_PARROT and rc == 0:
        ring[CH_EX, slot, t] += mult
    elif md == INPUT_RECEPTOR and rc > 0:
        ring[CH_CUR + rc, slot, t] += w * mult


@njit(cache=True, nogil=True, inline="always")
def _deliver_range(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, k0: int, k1: int, ptr: np.ndarray,
                   tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray, mode: np.ndarray, umode: int,
                   ring: np.ndarray, L: int) -> None:
    """Spikes k0 .. k1-1 of the list, see :func:`deliver_spikes`."""
    w_hom = w.shape[0] == 1
    d_hom = d.shape[0] == 1
    r_hom = rcpt.shape[0] == 1
    for k in range(k0, k1):
        if k + 1 < k1:  # the next spike's targets come in while this one's are added
            nxt = ids[k + 1]
            prefetch_range(tgt, ptr[nxt], ptr[nxt + 1])
            if not w_hom:
                prefetch_range(w, ptr[nxt], ptr[nxt + 1])
            if not d_hom:
                prefetch_range(d, ptr[nxt], ptr[nxt + 1])
            if k + 2 < k1:
                prefetch_at(ptr, ids[k + 2])
        src = ids[k]
        base = steps[k] % L
        mu = mult[k]
        a = ptr[src]
        b = ptr[src + 1]
        if w_hom and d_hom and r_hom:
            # one weight, one delay: one slot and, for a uniform target model, one row
            slot = base + d[0]
            slot = slot - L if slot >= L else slot
            wm = w[0] * mu
            if umode == INPUT_SPLIT or umode == INPUT_SINGLE:  # noqa: SIM109 - numba: no tuple per spike
                row = ring[CH_IN if umode == INPUT_SPLIT and wm < 0.0 else CH_EX, slot]
                seg = tgt[a:b]
                for c in range(uint64(b - a)):  # unsigned: no negative-index check per event
                    row[uint64(seg[c])] += wm
                continue
            for c in range(a, b):
                t = tgt[c]
                md = mode[t]
                if md == INPUT_SPLIT:
                    ring[CH_EX if wm >= 0.0 else CH_IN, slot, t] += wm
                elif md == INPUT_SINGLE:
                    ring[CH_EX, slot, t] += wm
                elif md == INPUT_PARROT and rcpt[0] == 0:
                    ring[CH_EX, slot, t] += mu
                elif md == INPUT_RECEPTOR and rcpt[0] > 0:
                    ring[CH_CUR + rcpt[0], slot, t] += wm
            continue
        for c in range(a, b):
            wc = w[0] if w_hom else w[c]
            dc = d[0] if d_hom else d[c]
            rc = rcpt[0] if r_hom else rcpt[c]
            slot = base + dc
            slot = slot - L if slot >= L else slot
            add_spike(ring, mode, slot, tgt[c], wc, mu, rc)


@njit(cache=True, nogil=True)
def deliver_spikes(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, ptr: np.ndarray, tgt: np.ndarray,
                   w: np.ndarray, d: np.ndarray, rcpt: np.ndarray, mode: np.ndarray, umode: int, ring: np.ndarray,
                   L: int) -> None:
    """Add the ``n`` spikes ``(ids[k], steps[k], mult[k])`` to their targets' buffers.

    ``umode`` is the input mode shared by every target of the projection, or -1.
    """
    _deliver_range(ids, steps, mult, 0, n, ptr, tgt, w, d, rcpt, mode, umode, ring, L)


@njit(cache=True)
def step_cuts(ids: np.ndarray, steps: np.ndarray, n: int, ptr: np.ndarray, parts: int) -> np.ndarray:
    """Split the spike list at step boundaries into ``parts`` runs of about equal
    numbers of connections (runs may be empty)."""
    total = 0
    for k in range(n):
        total += ptr[ids[k] + 1] - ptr[ids[k]]
    cuts = np.full(parts + 1, n, dtype=np.int64)
    cuts[0] = 0
    q = 1
    acc = 0
    for k in range(n):
        if q < parts and k > 0 and steps[k] != steps[k - 1] and acc * parts >= q * total:
            cuts[q] = k
            q += 1
        acc += ptr[ids[k] + 1] - ptr[ids[k]]
    return cuts


@njit(cache=True, parallel=True, nogil=True)
def deliver_spikes_by_step(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, ptr: np.ndarray,
                           tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray, mode: np.ndarray,
                           umode: int, ring: np.ndarray, L: int, parts: int) -> None:
    """:func:`deliver_spikes` on ``parts`` threads, for a projection with one delay.

    With one delay, the spikes of different steps of a slice land in different ring
    slots, so each thread takes a run of steps (cut by :func:`step_cuts`) and owns
    the slots they land in: every cell receives the same additions in the same order
    as in the serial kernel, whatever the number of threads.
    """
    cuts = step_cuts(ids, steps, n, ptr, parts)
    for q in prange(parts):
        _deliver_range(ids, steps, mult, cuts[q], cuts[q + 1], ptr, tgt, w, d, rcpt, mode, umode, ring, L)


@njit(cache=True, nogil=True)
def take_flags(row: np.ndarray, g0: int, g1: int, base: int, step: int, out_ids: np.ndarray, out_steps: np.ndarray,
               out_mult: np.ndarray, k: int) -> int:
    """Move the set flags ``row[g0:g1]`` (at most 64 of them: a group) into the spike
    list from entry ``k``, in index order, as spikes of node ids ``base + j`` emitted
    in ``step``; clears them and returns the list's new length.

    The group's set flags become the bits of one word in a branch-free pass (SIMD),
    then each spike costs one count of trailing zeros instead of a test per flag.
    (Given the row, not a slice of it, and not inlined by numba: either made the
    callers' scan of empty groups twice as slow, measured.)
    """
    seg = row[g0:g1]
    mask = uint64(0)
    for j in range(uint64(g1 - g0)):
        mask |= uint64(seg[j] != 0) << j
    while mask != uint64(0):
        j = _trailing_zeros(mask)
        out_ids[k] = base + g0 + j
        out_steps[k] = step
        out_mult[k] = seg[j]
        seg[j] = 0
        k += 1
        mask &= mask - uint64(1)  # the lowest set bit off
    return k


@njit(cache=True, nogil=True)
def collect_spikes(flat: np.ndarray, offs: np.ndarray, sizes: np.ndarray, bases: np.ndarray, s0: int, m: int,
                   out_ids: np.ndarray, out_steps: np.ndarray, out_mult: np.ndarray, k: int) -> int:
    """Move the spike flags of the populations into the slice's spike list, after its
    first ``k`` entries; clears the flags.  Population ``q`` (node ids from
    ``bases[q] + 1``, populations in id order) has its ``(m', sizes[q])`` flags at
    ``flat[offs[q]:]``, row ``i`` for step ``s0 + i``.  Scanning step by step, then
    population by population, keeps the list ordered by (step, id)."""
    for i in range(m):
        for q in range(sizes.shape[0]):
            n = sizes[q]
            row = flat[offs[q] + i * n:offs[q] + (i + 1) * n]
            for g0 in range(0, n, 64):
                # groups of 64 flags tested at once (branch-free OR, SIMD): spikes are rare
                g1 = min(g0 + 64, n)
                seg = row[g0:g1]
                acc = 0
                for j in range(uint64(g1 - g0)):
                    acc |= seg[j]
                if acc != 0:
                    k = take_flags(row, g0, g1, bases[q], s0 + i, out_ids, out_steps, out_mult, k)
    return k


@njit(cache=True, nogil=True)
def deliver_currents(amp: np.ndarray, col: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray, s0: int,
                     ring: np.ndarray, L: int) -> None:
    """Connection ``c`` adds ``w[c] * amp[i, col[c]]`` to its target for step ``s0+i+d[c]``."""
    m = amp.shape[0]
    w_hom = w.shape[0] == 1
    d_hom = d.shape[0] == 1
    for c in range(tgt.shape[0]):
        wc = w[0] if w_hom else w[c]
        dc = d[0] if d_hom else d[c]
        g = col[c]
        t = tgt[c]
        for i in range(m):
            a = amp[i, g]
            if a != 0.0:
                ring[CH_CUR, (s0 + i + dc) % L, t] += wc * a


def poisson_channels(tgt: np.ndarray, w: np.ndarray, rcpt: np.ndarray, mode: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Per connection: the ring channel its counts go to (-1: dropped) and the factor
    a count is multiplied by (the weight; 1 for parrots, which count spikes)."""
    n = tgt.size
    w = np.broadcast_to(w, (n,)).astype(np.float64)
    r = np.broadcast_to(rcpt, (n,))
    md = mode[tgt]
    ch = np.full(n, -1, dtype=np.int8)
    ch[md == INPUT_SPLIT] = np.where(w[md == INPUT_SPLIT] >= 0.0, CH_EX, CH_IN)
    ch[md == INPUT_SINGLE] = CH_EX
    parrot = (md == INPUT_PARROT) & (r == 0)
    ch[parrot] = CH_EX
    receptor = (md == INPUT_RECEPTOR) & (r > 0)
    ch[receptor] = CH_CUR + r[receptor]
    factor = np.where(md == INPUT_PARROT, 1.0, w)
    return ch, factor


#: draws per block of :func:`_poisson_uniform_rows` (buffers stay in L1)
POISSON_BLOCK = 256

#: 2**53: a uniform draw ``u`` is ``z / 2**53`` for the integer ``z = mix64(...) >> 11``
TWO_P53 = 9007199254740992.0


@njit(cache=True)
def poisson_thresholds(cdf: np.ndarray) -> np.ndarray:
    """The CDF as integer thresholds for the 53-bit draws, padded for :func:`_poisson_uniform_rows`.

    ``T[k] = ceil(cdf[k] * 2**53)``: a draw ``u = z * 2**-53`` (``z`` an integer below
    2**53, so ``u`` is exact) has ``u >= cdf[k]`` exactly when ``z >= T[k]``, since
    scaling by a power of two is exact and ``z`` is an integer.  Eight entries of
    ``2**54`` follow the table (above any draw, like the 2.0 that ends it), so a
    group of four entries and the next never read past the end.
    """
    n = cdf.shape[0]
    T = np.full(n + 8, np.int64(2) ** 54)
    for k in range(n):
        T[k] = np.int64(np.ceil(cdf[k] * TWO_P53))
    return T


@njit(cache=True, inline="always")
def _ge4(z: Word, T: np.ndarray, e: int) -> int:
    """How many of the thresholds ``e .. e+3`` are ``<= z`` (0 to 4)."""
    n: int = (int64(z >= T[e]) + int64(z >= T[e + 1])) + (int64(z >= T[e + 2]) + int64(z >= T[e + 3]))
    return n


@njit(cache=True, inline="always")
def _poisson_block(kk: np.ndarray, s: np.uint64, T: np.ndarray, Z: np.ndarray, K: np.ndarray, nn: int) -> int:
    """Draws of step ``s`` from the streams ``kk[:nn]`` into ``Z`` and their counts
    into ``K``, but for the last group of four entries any draw reaches (or the group
    after the first, if none does): returns where that group starts, for the caller
    to count it in its final pass."""
    zmax = int64(0)
    for j in range(uint64(nn)):
        z = int64(mix64(kk[j] + s * GOLDEN) >> uint64(11))
        Z[j] = z
        K[j] = _ge4(z, T, 0)
        zmax = max(zmax, z)
    e = 4
    while T[e + 4] <= zmax:
        for j in range(uint64(nn)):
            K[j] += _ge4(Z[j], T, e)
        e += 4
    return e


@njit(cache=True)
def _poisson_uniform_rows(active: np.ndarray, T: np.ndarray, keys: np.ndarray, tgt: np.ndarray, rows: np.ndarray,
                          slots: np.ndarray, f0: float, s0: int, a: int, b: int) -> None:
    """Connections a..b-1 of a uniform Poisson drive over the slice.

    The count of a draw is the number of CDF entries ``<= u``, which is the
    inverse-CDF draw (the smallest ``k`` with ``u < cdf[k]``, as
    :func:`~spikesim.rng.poisson_guided` finds it); it is counted on the 53-bit
    integer of the draw against the thresholds of :func:`poisson_thresholds`
    (the same comparisons, exactly, without a conversion to float).  Counting runs
    over four entries at a time for a block of draws (the first four while drawing),
    up to the first entry above the block's largest draw; entries above a draw add
    nothing.  Every loop is branch-free over an unsigned index, so LLVM makes SIMD
    code of it, where the per-draw search branches on every draw.  Counts are small
    integers, summed exactly in any grouping."""
    Z = np.empty(POISSON_BLOCK, dtype=np.int64)
    K = np.empty(POISSON_BLOCK, dtype=np.int64)
    for i in range(active.shape[0]):
        if not active[i, 0]:
            continue
        s = uint64(s0 + i)
        row = rows[slots[i]]
        for c0 in range(a, b, POISSON_BLOCK):
            nn = min(c0 + POISSON_BLOCK, b) - c0
            e = _poisson_block(keys[c0:c0 + nn], s, T, Z, K, nn)
            tt = tgt[c0:c0 + nn]
            t0 = tt[0]
            if tt[nn - 1] - t0 == nn - 1:  # consecutive targets (sorted): a plain vector add
                seg = row[t0:t0 + nn]
                for j in range(uint64(nn)):
                    seg[j] += f0 * (K[j] + _ge4(Z[j], T, e))
            else:
                for j in range(nn):
                    row[tt[j]] += f0 * (K[j] + _ge4(Z[j], T, e))


@njit(cache=True, parallel=True, nogil=True)
def deliver_poisson_uniform(active: np.ndarray, cdf: np.ndarray, keys: np.ndarray, tgt: np.ndarray, ring: np.ndarray,
                            ch: int, d0: int, f0: float, chunks: np.ndarray, s0: int, L: int) -> None:
    """:func:`deliver_poisson` for one generator whose connections share delay, channel
    and weight (a Poisson drive of whole populations): the same draws and sums, in
    SIMD code (see :func:`_poisson_uniform_rows`).
    """
    m = active.shape[0]
    slots = np.empty(m, dtype=np.int64)
    for i in range(m):
        slot = (s0 + i) % L + d0
        slots[i] = slot - L if slot >= L else slot
    rows = ring[ch]
    T = poisson_thresholds(cdf)
    for q in prange(chunks.shape[0] - 1):
        _poisson_uniform_rows(active, T, keys, tgt, rows, slots, f0, s0, chunks[q], chunks[q + 1])


@njit(cache=True, parallel=True, nogil=True)
def deliver_poisson(active: np.ndarray, tables: np.ndarray, guides: np.ndarray, col: np.ndarray, keys: np.ndarray,
                    tgt: np.ndarray, ch: np.ndarray, factor: np.ndarray, d: np.ndarray, chunks: np.ndarray, s0: int,
                    ring: np.ndarray, L: int) -> None:
    """Independent Poisson counts per connection and step (NEST's poisson_generator).

    ``active[i, g]`` says whether generator ``g`` draws in step ``s0 + i``;
    ``tables[g]`` is its cumulative distribution and ``guides[g]`` its guide table
    (see :func:`~spikesim.rng.guide_table`); the count for connection ``c`` in
    step ``s`` is drawn from the stream ``keys[c]`` at counter ``s`` and added, times
    ``factor[c]``, to channel ``ch[c]`` of its target (see :func:`poisson_channels`).
    Connections are ordered by target and split into ``chunks`` that never share a
    target, so chunks run in parallel and each input cell is summed in the same order
    (step, then connection) whatever the number of threads.
    """
    m = active.shape[0]
    d_hom = d.shape[0] == 1
    for q in prange(chunks.shape[0] - 1):
        for i in range(m):
            s = s0 + i
            base = s % L
            slot = base + d[0]
            slot = slot - L if slot >= L else slot
            for c in range(chunks[q], chunks[q + 1]):
                g = col[c]
                if not active[i, g] or ch[c] < 0:
                    continue
                k = poisson_guided(tables[g], guides[g], uniform(keys[c], s))
                if not d_hom:
                    slot = base + d[c]
                    slot = slot - L if slot >= L else slot
                # a count of 0 adds +0.0, which leaves the cell as it is
                ring[ch[c], slot, tgt[c]] += factor[c] * k


class _Receiver(Protocol):
    """A neuron population as the ring sees it (see ``network.populations``)."""

    model: type[Model]
    P: dict[str, np.ndarray]


class _Receptors(Protocol):
    """A projection as the ring sees it: its receptor column."""

    rcpt: np.ndarray


def input_channels(populations: Iterable[_Receiver], projections: Iterable[_Receptors]) -> int:
    """Channels the ring needs: what the neurons read (``Model.input_channels``), and
    never fewer than the largest receptor of a connection onto a multisynapse neuron
    addresses (``CH_CUR + receptor``), so a spike never lands outside the ring."""
    pops = list(populations)
    n = max([N_CHANNELS, *(p.model.input_channels(p.P) for p in pops)])
    if any(p.model.input_mode == INPUT_RECEPTOR for p in pops):
        n = max([n, *(CH_CUR + 1 + int(p.rcpt.max()) for p in projections if p.rcpt.size)])
    return n


def resized_ring(old: np.ndarray, old_L: int, L: int, n: int, s: int,
                 channels: int | None = None) -> tuple[np.ndarray, int]:
    """A ring of ``L`` slots, ``n`` node columns and ``channels`` channels (default: as
    ``old``; never fewer than ``old`` has) holding the input in transit of ``old``.

    Parameters
    ----------
    old : ndarray
        ``old[channel, a % old_L, node]``: input read when updating step ``a``.
    old_L, L : int
        Slots of the old and the new ring.
    n : int
        Nodes (columns) of the new ring.
    s : int
        The current step: the old slots hold steps ``s .. s + old_L - 1``.
    channels : int or None
        Input channels the nodes read (see ``Model.input_channels``).

    Returns
    -------
    ring, L : ndarray, int
        ``old`` itself when its shape already fits.
    """
    nch = max(old.shape[0], channels or 0)
    if old.shape == (nch, L, n):
        return old, L
    ring = np.zeros((nch, L, n))
    if old.shape[2]:
        for a in range(s, s + old_L):
            ring[:old.shape[0], a % L, :old.shape[2]] = old[:, a % old_L, :]
    return ring, L
