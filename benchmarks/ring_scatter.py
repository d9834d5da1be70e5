"""Why spike delivery costs more per event in larger networks: the kernel alone, by size.

    python benchmarks/ring_scatter.py [--sizes 12500 100000 1000000] [--repeats 5] [--quick]

spikesim's :func:`~spikesim.kernel.delivery.deliver_spikes` adds each spike's weight to
its targets' cells in a ring row of ``N`` float64 values (one row per arrival step:
``8 N`` bytes, 100 KB at 12,500 neurons, 8 MB at 10^6).  Targets are drawn uniformly
over the ``N`` neurons (as ``fixed_indegree`` draws them), sorted per source, 1,250 per
source; a slice of 15 steps holds ``0.0032 N`` spikes per step (Brunel's 32 spikes/s
at h = 0.1 ms), each step's spikes landing in its own row.  The figure is ns per
event (one addition; each figure times at least 2·10^7 of them), the median over
``--repeats`` (minimum in brackets), one thread.

Besides the kernel itself (``plain``), three restructurings that keep every cell's
sum in the same order, so results would stay bit-identical, are timed as measured
alternatives (each checked to give the same ring as ``plain``):

* ``blocked``: per step, target block by target block (2^17 neurons, 1 MB of row, in
  L2), each spike resuming at a cursor into its sorted targets;
* ``bucketed``: per step, the targets first written into one bucket per block of
  2^17 neurons, in order, then each bucket added (two passes, the second in L2);
* ``hugepages``: ``plain`` on a ring in memory advised for transparent huge pages
  (``madvise(MADV_HUGEPAGE)``: fewer TLB misses over an 8 MB row).

On the 10^6 row every one of them was slower than ``plain`` on this machine
(README, "A million neurons"): the growth is the cost of a random read-modify-write
in a row that no longer fits the 2 MB L2, which none of them removes.

The tables here hold 50,000 sources at most (spikes are drawn from them), so the
targets are read from a smaller table than a whole network's; the row written is
the network's.  The load average is printed first, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import mmap
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numba import njit, uint32, uint64

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the spikesim of this tree

from spikesim.kernel.delivery import deliver_spikes  # noqa: E402
from spikesim.models.base import CH_EX, INPUT_SINGLE, N_CHANNELS  # noqa: E402

#: targets per source, steps per slice, ring slots, spikes per neuron and step
K, M, L, P_SPIKE = 1250, 15, 16, 0.0032
#: a block of target neurons (2^17 float64: 1 MB of a row)
SHIFT = 17


@njit(cache=True)
def _sort_segments(tgt: np.ndarray, ptr: np.ndarray) -> None:
    """Sort each source's targets in place (the storage order of a projection)."""
    for i in range(ptr.size - 1):
        tgt[ptr[i]:ptr[i + 1]].sort()


def make_case(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A table of ``min(n, 50000)`` sources onto ``n`` neurons and one slice of spikes.

    Returns ``ptr``, ``tgt`` (uint32), the spiking sources ``ids`` and their ``steps``
    (0 .. 14, sorted), ``0.0032 n`` spikes per step.
    """
    rs = np.random.default_rng(seed)
    ns = min(n, 50_000)
    ptr = np.zeros(ns + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(rs.poisson(K, ns))
    tgt = rs.integers(0, n, int(ptr[-1])).astype(np.uint32)
    _sort_segments(tgt, ptr)
    per_step = max(1, round(P_SPIKE * n))
    ids = np.sort(rs.integers(0, ns, (M, per_step)), axis=1).ravel()
    steps = np.repeat(np.arange(M, dtype=np.int64), per_step)
    return ptr, tgt, ids, steps


@njit(cache=True)
def _step_end(steps: np.ndarray, k0: int) -> int:
    """The end of the run of spikes of ``steps[k0]``'s step."""
    k1 = k0
    while k1 < steps.size and steps[k1] == steps[k0]:
        k1 += 1
    return k1


@njit(cache=True)
def blocked(ids: np.ndarray, steps: np.ndarray, ptr: np.ndarray, tgt: np.ndarray, w: float, rows: np.ndarray,
            cur: np.ndarray) -> None:
    """Per step, target block by target block, each spike resuming at its cursor."""
    n = rows.shape[1]
    k0 = 0
    while k0 < ids.size:
        k1 = _step_end(steps, k0)
        row = rows[steps[k0] % L]
        for k in range(k0, k1):
            cur[k] = ptr[ids[k]]
        for lo in range(0, n, 1 << SHIFT):
            hi = lo + (1 << SHIFT)
            for k in range(k0, k1):
                c, b = cur[k], ptr[ids[k] + 1]
                while c < b and tgt[c] < hi:
                    row[uint64(tgt[c])] += w
                    c += 1
                cur[k] = c
        k0 = k1


@njit(cache=True)
def bucketed(ids: np.ndarray, steps: np.ndarray, ptr: np.ndarray, tgt: np.ndarray, w: float, rows: np.ndarray,
             buf: np.ndarray, fill: np.ndarray) -> None:
    """Per step, targets into one bucket per block (in order), then bucket by bucket."""
    k0 = 0
    while k0 < ids.size:
        k1 = _step_end(steps, k0)
        row = rows[steps[k0] % L]
        fill[:] = 0
        for k in range(k0, k1):
            seg = tgt[ptr[ids[k]]:ptr[ids[k] + 1]]
            for c in range(uint64(seg.size)):
                t = seg[c]
                q = uint64(t >> uint32(SHIFT))
                buf[q, fill[q]] = t
                fill[q] += 1
        for q in range(buf.shape[0]):
            bq = buf[q]
            for j in range(uint64(fill[q])):
                row[uint64(bq[j])] += w
        k0 = k1


def hugepage_ring(n: int) -> tuple[np.ndarray, mmap.mmap]:
    """A zeroed ring ``(N_CHANNELS, L, n)`` in anonymous memory advised for huge pages
    (2 MB aligned); the mapping is returned too, to keep it alive."""
    nbytes = N_CHANNELS * L * n * 8
    mm = mmap.mmap(-1, nbytes + (2 << 20))
    if hasattr(mmap, "MADV_HUGEPAGE"):
        mm.madvise(mmap.MADV_HUGEPAGE)
    raw = np.frombuffer(mm, dtype=np.uint8)
    off = (-raw.ctypes.data) % (2 << 20)
    ring = raw[off:off + nbytes].view(np.float64).reshape(N_CHANNELS, L, n)
    ring[:] = 0.0
    return ring, mm


def variants(n: int, case: tuple[np.ndarray, ...]) -> tuple[dict[str, Callable[[], None]], dict[str, np.ndarray]]:
    """The four timed calls on this case, and the ring each writes."""
    ptr, tgt, ids, steps = case
    one_w, one_d, one_r = np.array([0.1]), np.array([0], dtype=np.int64), np.array([0], dtype=np.int64)
    mode = np.full(n, INPUT_SINGLE, dtype=np.int8)
    mult = np.ones(ids.size)
    rings = {name: np.zeros((N_CHANNELS, L, n)) for name in ("plain", "blocked", "bucketed")}
    rings["hugepages"], mm = hugepage_ring(n)
    cur = np.zeros(ids.size, dtype=np.int64)
    nb = (n >> SHIFT) + 1
    per_step = int(np.max(np.bincount(steps)))
    buf = np.zeros((nb, int(per_step * K * 1.5 / nb) + 4096), dtype=np.uint32)
    fill = np.zeros(nb, dtype=np.int64)

    def plain(ring: np.ndarray) -> Callable[[], None]:
        return lambda: deliver_spikes(ids, steps, mult, ids.size, ptr, tgt, one_w, one_d, one_r, mode,
                                      INPUT_SINGLE, ring, L)

    calls = {"plain": plain(rings["plain"]), "hugepages": plain(rings["hugepages"]),
             "blocked": lambda: blocked(ids, steps, ptr, tgt, 0.1, rings["blocked"][CH_EX], cur),
             "bucketed": lambda: bucketed(ids, steps, ptr, tgt, 0.1, rings["bucketed"][CH_EX], buf, fill)}
    calls["_keep"] = lambda: mm.closed and None  # the huge-page mapping lives as long as the calls
    return calls, rings


def measure(n: int, repeats: int) -> dict[str, list[float]]:
    """ns per event of each variant on a network of ``n`` neurons, ``repeats`` times in turns.

    Raises
    ------
    AssertionError
        If a variant's ring differs from ``plain``'s after one call each.
    """
    case = make_case(n)
    events = int(np.sum(case[0][case[2] + 1] - case[0][case[2]]))
    calls, rings = variants(n, case)
    names = [k for k in calls if not k.startswith("_")]
    for name in names:
        calls[name]()
    for name in names:
        assert np.array_equal(rings[name], rings["plain"]), f"{name} differs from plain"
    out: dict[str, list[float]] = {k: [] for k in names}
    calls_per_time = max(1, int(2e7 // events))  # at least ~20 M additions per figure
    for rep in range(repeats):
        for name in names if rep % 2 == 0 else names[::-1]:
            t = time.perf_counter()
            for _ in range(calls_per_time):
                calls[name]()
            out[name].append((time.perf_counter() - t) / (events * calls_per_time) * 1e9)
    return out


def main(argv: list[str] | None = None) -> int:
    """Print ns per event of each variant and size (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[12_500, 100_000, 1_000_000])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="sizes 12,500 and 200,000, two repeats (a check)")
    args = ap.parse_args(argv)
    sizes, repeats = ([12_500, 200_000], 2) if args.quick else (args.sizes, args.repeats)
    print(f"# ring scatter, 1 thread, {K} targets per source, {M} steps per slice; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'neurons':>9s} {'row_MB':>7s} " + " ".join(f"{v:>17s}" for v in ("plain", "blocked", "bucketed",
                                                                             "hugepages")))
    base = None
    for n in sizes:
        res = measure(n, repeats)
        med = {k: statistics.median(v) for k, v in res.items()}
        base = base or med["plain"]
        cells = " ".join(f"{med[k]:8.2f} ({min(res[k]):5.2f})" for k in ("plain", "blocked", "bucketed",
                                                                            "hugepages"))
        print(f"{n:9d} {8 * n / 1e6:7.2f} {cells}   plain / first size: {med['plain'] / base:.2f}x")
    print("ns per event (addition), median (minimum); the same ring sums in every column (checked)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
