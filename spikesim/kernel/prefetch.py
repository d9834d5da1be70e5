"""A cache prefetch hint for compiled kernels (LLVM's ``llvm.prefetch``).

Spike delivery reads, for each spike, the run of its sender's targets from a
connection table of tens of MB, at a place no hardware prefetcher can guess: the
first lines of every run miss the cache.  :func:`prefetch_range` asks for the next
spike's run while the current one is being added, so the two overlap.  A prefetch
is only a hint: it never faults and never changes a result (delivery alone is
timed by ``benchmarks/kernels.py``, ``--against`` an older revision).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
from llvmlite import ir  # type: ignore[import-untyped]
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

#: bytes per cache line on the x86-64 and ARM cores we know of
LINE = 64


@intrinsic
def _prefetch_intrinsic(typingctx: Any, arr: Any, idx: Any) -> tuple[Any, Any]:
    """``llvm.prefetch`` of the element ``arr[idx]`` (a read, kept in every cache level)."""
    sig = types.void(arr, idx)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]],  # type: ignore[no-untyped-call]
                                       wraparound=False, boundscheck=False)
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")  # type: ignore[no-untyped-call]
        # read (0), highest locality (3), data cache (1)
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


#: the intrinsic as a plain function of (array, index), for the type checker
_prefetch = cast(Callable[[np.ndarray, int], None], _prefetch_intrinsic)


@njit(cache=True, inline="always")
def prefetch_range(arr: np.ndarray, a: int, b: int) -> None:
    """Ask for the cache lines of ``arr[a:b]`` (a 1-d contiguous array; indices
    outside ``0 .. arr.size`` are skipped)."""
    a = max(a, 0)
    b = min(b, arr.shape[0])
    step = max(LINE // arr.itemsize, 1)
    for i in range(a, b, step):
        _prefetch(arr, i)
    if b > a:
        _prefetch(arr, b - 1)  # the last line, which the stride may have stepped over


@njit(cache=True, inline="always")
def prefetch_at(arr: np.ndarray, i: int) -> None:
    """Ask for the cache line of ``arr[i]`` (skipped when ``i`` is out of range)."""
    if 0 <= i < arr.shape[0]:
        _prefetch(arr, i)
