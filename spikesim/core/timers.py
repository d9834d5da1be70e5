"""Wall and CPU time spent building and running a simulator, by NEST's kernel names.

NEST 3.10 reports ``time_construction_create`` and ``time_construction_connect`` (the
seconds spent in Create and Connect since the kernel was reset, summed) and
``time_simulate`` (the seconds of the last Simulate call), each also as ``*_cpu``
(process CPU seconds); scripts such as NEST's benchmarks print them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

#: what is timed: create and connect add up, simulate keeps its last call
KINDS = ("construction_create", "construction_connect", "simulate")


class Timers:
    """Seconds (wall and CPU) per kind of call; see the module docstring."""

    def __init__(self) -> None:
        self.wall = dict.fromkeys(KINDS, 0.0)
        self.cpu = dict.fromkeys(KINDS, 0.0)

    @contextmanager
    def timed(self, kind: str) -> Iterator[None]:
        """Time the block as a call of ``kind`` (one of :data:`KINDS`), also when it raises."""
        w, c = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            dw, dc = time.perf_counter() - w, time.process_time() - c
            if kind == "simulate":
                self.wall[kind], self.cpu[kind] = dw, dc
            else:
                self.wall[kind] += dw
                self.cpu[kind] += dc

    def status(self) -> dict[str, float]:
        """``time_<kind>`` (wall seconds) and ``time_<kind>_cpu`` (CPU seconds) of every kind."""
        out = {}
        for k in KINDS:
            out[f"time_{k}"] = self.wall[k]
            out[f"time_{k}_cpu"] = self.cpu[k]
        return out
