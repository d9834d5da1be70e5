"""Two simulators in two threads at once give what each gives alone; a simulator
used from a second thread while it runs refuses with a clear error."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from spikesim.errors import KernelException

from ._net import brunel, events


@pytest.mark.timeout(60)
def test_two_simulators_in_two_threads_match_each_alone() -> None:
    alone = {}
    for seed in (3, 4):
        sim, sr, mm = brunel(seed=seed)
        sim.simulate(100.0)
        alone[seed] = (events(sr), events(mm))
    together: dict[int, tuple[dict[str, np.ndarray], dict[str, np.ndarray]]] = {}

    def run(seed: int) -> None:
        sim, sr, mm = brunel(seed=seed)
        sim.simulate(100.0)
        together[seed] = (events(sr), events(mm))

    threads = [threading.Thread(target=run, args=(s,)) for s in (3, 4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30.0)
    for seed in (3, 4):
        for a, b in zip(alone[seed], together[seed], strict=True):
            assert a.keys() == b.keys()
            for k in a:
                np.testing.assert_array_equal(a[k], b[k])


@pytest.mark.timeout(60)
def test_a_simulator_used_from_a_second_thread_while_it_runs_refuses() -> None:
    sim, sr, _ = brunel()
    sim.simulate(1.5)
    done: list[BaseException | None] = []

    def run() -> None:
        try:
            sim.simulate(2000.0)
            done.append(None)
        except BaseException as err:  # noqa: BLE001 - reported to the main thread
            done.append(err)

    th = threading.Thread(target=run)
    th.start()
    deadline = time.monotonic() + 20.0
    while sim.step <= 15 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert th.is_alive(), "the run ended before the test could reach it"
    for call in (lambda: sim.simulate(1.0), lambda: sim.create("iaf_psc_alpha"),
                 lambda: sim.connect(sr, sr), lambda: sim.set_defaults("iaf_psc_alpha", {"C_m": 200.0})):
        with pytest.raises(KernelException, match="in use by another thread"):
            call()
    th.join(30.0)
    assert done == [None]
    sim.simulate(1.5)  # usable again from this thread
