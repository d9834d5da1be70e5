"""Three kernels of the Brunel hot path timed alone: the Poisson drive, spike collection
and spike delivery.

    python benchmarks/kernels.py [--repeats 7] [--against main] [--quick]

* Poisson drive: :func:`~spikesim.kernel.delivery.deliver_poisson_uniform` on one
  thread for 12,500 connections onto consecutive targets (one per neuron, as in
  examples/brunel.py at order 2500), cut into chunks as ``kernel.routes`` cuts them,
  a mean of 2 spikes per step (the Brunel drive at h = 0.1 ms), slices of 15 steps;
  the figure is ns per draw (one draw per connection and step).
* Spike collection: :func:`~spikesim.kernel.delivery.collect_spikes` over two
  populations of 10,000 and 2,500 neurons, 15 steps per slice, flags set with
  probability 0.0032 (Brunel's 32 spikes/s at h = 0.1 ms); ns per flag scanned, with
  spikes and with every flag clear.
* Spike delivery: :func:`~spikesim.kernel.delivery.deliver_spikes` of the spikes of
  12,500 neurons firing with probability 0.0032 per step, each onto 1,250 targets
  drawn uniformly over the 12,500 (a connection table of 31 MB, as Brunel's at order
  2500), slices of 15 steps; ``delivery_half`` keeps only the targets below 6,250,
  what one of two MPI ranks holds.  The figure is ns per event (one addition).

``--against REV`` also loads ``spikesim/kernel/delivery.py`` and ``collect.py`` of the
git revision ``REV`` (into a temporary folder, as separate modules) and times both
versions in turns in this process, after checking that they give the same ring sums
and the same spike lists.  Each figure is the median over ``--repeats`` (minimum in
brackets), wall time and CPU time (``time.process_time``); the load average is printed
first, since the machine may be shared.  ``--quick`` (a check that the script runs)
takes 10 slices and one repeat.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numba
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the spikesim of this tree

from spikesim import rng  # noqa: E402
from spikesim.kernel import delivery  # noqa: E402
from spikesim.models.base import CH_EX, INPUT_SINGLE  # noqa: E402

N_EX, N_IN, M, LAM, P_SPIKE = 10_000, 2_500, 15, 2.0, 0.0032
#: targets per sender in the delivery case, and its slices of spikes
K_OUT, SLICES = 1250, 40


def _load_rev(rev: str, tmp: Path) -> ModuleType:
    """delivery.py of git revision ``rev`` as module ``_rev_delivery``."""
    text = subprocess.run(["git", "-C", str(HERE.parent), "show", f"{rev}:spikesim/kernel/delivery.py"],
                          check=True, capture_output=True, text=True).stdout
    path = tmp / "_rev_delivery.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("_rev_delivery", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["_rev_delivery"] = mod
    spec.loader.exec_module(mod)
    return mod


def _poisson_case() -> tuple[tuple[object, ...], np.ndarray]:
    """Arguments of deliver_poisson_uniform for the Brunel drive, and its ring."""
    n = N_EX + N_IN
    tgt = np.arange(n, dtype=np.uint16)
    keys = np.array([rng.key_of(1, 1 + n + i, rng.PURPOSE_POISSON, i + 1) for i in range(n)], dtype=np.uint64)
    n_chunks = max(1, min(64, n // 256))
    chunks = np.unique(np.linspace(0, n, n_chunks + 1).astype(np.int64))
    L = 16
    ring = np.zeros((3, L, n))
    active = np.ones((M, 1), dtype=np.bool_)
    return (active, rng.poisson_table(LAM), keys, tgt, ring, CH_EX, 15, 0.1, chunks), ring


def _collect_case(seed: int) -> tuple[np.ndarray, tuple[object, ...]]:
    """Flags of one slice and the other arguments of collect_spikes."""
    sizes = np.array([N_EX, N_IN], dtype=np.int64)
    offs = np.array([0, N_EX * M], dtype=np.int64)
    bases = np.array([0, N_EX], dtype=np.int64)
    flags = (np.random.default_rng(seed).random(int(sizes.sum()) * M) < P_SPIKE).astype(np.int32)
    cap = int(sizes.sum()) * M + 16
    return flags, (offs, sizes, bases, 0, M, np.zeros(cap, np.int64), np.zeros(cap, np.int64), np.zeros(cap))


def _delivery_case(seed: int, half: bool) -> tuple[tuple[object, ...], np.ndarray, int]:
    """Arguments of one deliver_spikes call for SLICES slices of Brunel-like spikes
    (see the module docstring), its ring and the number of events the call adds."""
    n = N_EX + N_IN
    gen = np.random.default_rng(seed)
    tgt = np.sort(gen.integers(0, n, size=(n, K_OUT), dtype=np.int64), axis=1)
    counts = np.full(n, K_OUT)
    if half:
        keep = tgt < n // 2
        counts = keep.sum(axis=1)
        tgt = tgt[keep]
    ptr = np.zeros(n + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(counts)
    # SLICES different slices, delivered in turn (one call each), so that the runs of
    # targets read come from the whole table, as in a network, not from the cache
    fired = gen.random((SLICES, M, n)) < P_SPIKE
    sl, steps, ids = np.nonzero(fired)  # sorted by (slice, step, id)
    steps = steps + sl * M
    L = 32
    ring = np.zeros((3, L, n))
    one = np.ones(1)
    args = (ids.astype(np.int64), steps.astype(np.int64), np.ones(ids.size), ids.size, ptr,
            tgt.ravel().astype(np.uint16), one * 0.1, np.array([15], np.int64), np.zeros(1, np.int64),
            np.full(n, INPUT_SINGLE, np.int8), INPUT_SINGLE, ring, L)
    return args, ring, int((ptr[ids + 1] - ptr[ids]).sum())


def _timed(fn: Callable[[], None]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def _runners(mod: ModuleType, n_slices: int) -> dict[str, Callable[[], None]]:
    """The timed workloads of one version of the kernels, ``n_slices`` slices each."""
    pargs, ring = _poisson_case()
    flags, cargs = _collect_case(7)
    flat = flags.copy()
    dargs = {half: _delivery_case(5, half) for half in (False, True)}

    def poisson() -> None:
        for q in range(n_slices):
            mod.deliver_poisson_uniform(*pargs, q * M, ring.shape[1])

    def collect(refill: bool) -> Callable[[], None]:
        def run() -> None:
            for _ in range(n_slices):
                if refill:
                    flat[:] = flags  # a copy costs far less than the scan: measured apart below
                mod.collect_spikes(flat, *cargs, 0)
        return run

    def copy_only() -> None:
        for _ in range(n_slices):
            flat[:] = flags

    def deliver(half: bool) -> Callable[[], None]:
        def run() -> None:
            for _ in range(max(1, n_slices // SLICES)):  # each call: SLICES slices
                mod.deliver_spikes(*dargs[half][0])
        return run

    return {"poisson": poisson, "collect": collect(True), "collect_empty": collect(False), "copy": copy_only,
            "delivery": deliver(False), "delivery_half": deliver(True)}


def _same(mod_a: ModuleType, mod_b: ModuleType) -> None:
    """Both versions give the same ring sums and spike lists (else an AssertionError)."""
    outs = []
    for mod in (mod_a, mod_b):
        pargs, ring = _poisson_case()
        for q in range(5):
            mod.deliver_poisson_uniform(*pargs, q * M, ring.shape[1])
        flags, cargs = _collect_case(11)
        k = mod.collect_spikes(flags, *cargs, 0)
        dargs, dring, _ = _delivery_case(3, True)
        mod.deliver_spikes(*dargs)
        outs.append((ring, k, *(a[:k] for a in cargs[5:]), dring))
    for a, b in zip(outs[0], outs[1], strict=True):
        assert np.array_equal(a, b)


def main() -> None:
    """Time the kernels (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--against", default=None, help="git revision to compare with")
    ap.add_argument("--quick", action="store_true", help="10 slices, one repeat")
    args = ap.parse_args()
    n_slices, repeats = (10, 1) if args.quick else (400, args.repeats)
    numba.set_num_threads(1)
    print(f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        versions = {"this tree": delivery}
        if args.against:
            versions[args.against] = _load_rev(args.against, Path(tmp))
            _same(delivery, versions[args.against])
            print("same ring sums and spike lists: yes")
        runners = {name: _runners(mod, n_slices) for name, mod in versions.items()}
        for r in runners.values():
            for fn in r.values():
                fn()  # compile and touch memory
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for rep in range(repeats):
            order = list(runners) if rep % 2 == 0 else list(runners)[::-1]
            for name in order:
                for what, fn in runners[name].items():
                    times.setdefault((name, what), []).append(_timed(fn))
    n_draws = n_slices * M * (N_EX + N_IN)
    events = [_delivery_case(5, half)[2] for half in (False, True)]
    for (name, what), ts in times.items():
        wall = [t[0] for t in ts]
        cpu = [t[1] for t in ts]
        if what == "copy":
            continue
        if what == "collect":  # take the copy out
            wall = [w - statistics.median(t[0] for t in times[(name, "copy")]) for w in wall]
            cpu = [c - statistics.median(t[1] for t in times[(name, "copy")]) for c in cpu]
        unit = {"poisson": "draw", "delivery": "event", "delivery_half": "event"}.get(what, "flag")
        f = 1e9 / (max(1, n_slices // SLICES) * events[what == "delivery_half"] if unit == "event" else n_draws)
        print(f"{name:>12s} {what:14s} {statistics.median(wall) * f:6.3f} ns/{unit} wall "
              f"(min {min(wall) * f:.3f}), {statistics.median(cpu) * f:6.3f} cpu")


if __name__ == "__main__":
    main()
