"""Ctrl-C during ``simulate``: the run stops at a slice boundary with the clock and
every recorder agreeing, and continuing gives the spikes of an uninterrupted run.

A real SIGINT is raised (``signal.raise_signal``) right after a compiled call of a
slice returns, where a user's Ctrl-C lands: deterministic, and the same path as a
key press.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spikesim.kernel import collect as collect_module
from spikesim.kernel import engine as engine_module

from ._net import brunel, events

T = 60.0  # ms


@pytest.fixture(autouse=True)
def sigint_raises() -> Iterator[None]:
    """Python's own SIGINT handler for each test: a process started in the background by a
    shell without job control (``cmd &``) inherits SIGINT ignored, and a raised SIGINT
    would then do nothing at all."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    sim, sr, _ = brunel()
    sim.simulate(T)
    return events(sr)


def _interrupt_on(monkeypatch: pytest.MonkeyPatch, name: str, nth: int) -> None:
    """Raise SIGINT right after the ``nth`` call of the engine's compiled ``name`` returns."""
    module = collect_module if name == "collect_spikes" else engine_module  # where the engine calls it from
    real = getattr(module, name)
    calls = [0]

    def interrupted(*args: Any) -> Any:
        out = real(*args)
        calls[0] += 1
        if calls[0] == nth:
            signal.raise_signal(signal.SIGINT)
        return out

    monkeypatch.setattr(module, name, interrupted)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("name", "nth"), [("collect_spikes", 9), ("deliver_spikes", 13), ("send_poisson", 6)])
def test_ctrl_c_stops_at_a_slice_boundary_and_continuing_gives_the_same_spikes(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, reference: dict[str, np.ndarray], name: str,
        nth: int) -> None:
    sim, sr, mm = brunel()
    sim.data_path = str(tmp_path)
    asc = sim.create("spike_recorder", params={"record_to": "ascii", "label": "asc"})
    sim.connect(sim.populations[0].ids[:100].tolist(), asc)  # the first 100 neurons
    sim.simulate(3.0)  # compiled and prepared, so the count of calls is the run's
    _interrupt_on(monkeypatch, name, nth)
    with pytest.raises(KeyboardInterrupt):
        sim.simulate(T - 3.0)
    monkeypatch.undo()
    t = sim.time
    assert 3.0 < t < T
    assert sim.step % 15 == 0  # a slice boundary (min_delay 1.5 ms)
    ev = events(sr)
    assert sr.get("n_events")[0] == ev["times"].size
    np.testing.assert_array_equal(ev["times"], reference["times"][reference["times"] <= t])
    # the multimeter sampled up to the clock, not beyond
    assert events(mm)["times"].max() == pytest.approx(t)
    # the ascii file was flushed: every row the recorder counted is in it
    files = list(tmp_path.glob("asc*"))
    assert len(files) == 1
    rows = [ln for ln in files[0].read_text().splitlines() if ln and not ln.startswith("#") and ln[0].isdigit()]
    assert len(rows) == asc.get("n_events")[0]
    sim.simulate(T - t)
    ev = events(sr)
    np.testing.assert_array_equal(ev["senders"], reference["senders"])
    np.testing.assert_array_equal(ev["times"], reference["times"])


@pytest.mark.timeout(60)
def test_ctrl_c_during_the_end_of_run_hand_over_is_taken_after_it(
        monkeypatch: pytest.MonkeyPatch, reference: dict[str, np.ndarray]) -> None:
    sim, sr, _ = brunel()
    backend = sim.recording.backend("memory")
    real = backend.write
    calls = [0]

    def write(device: Any, batch: Any) -> None:
        calls[0] += 1
        if calls[0] == 1:
            signal.raise_signal(signal.SIGINT)  # the key pressed while the rows are handed over
        real(device, batch)

    monkeypatch.setattr(backend, "write", write)
    with pytest.raises(KeyboardInterrupt):
        sim.simulate(T)
    monkeypatch.undo()
    assert sim.time == T
    ev = events(sr)
    assert sr.get("n_events")[0] == ev["times"].size
    np.testing.assert_array_equal(ev["times"], reference["times"])
