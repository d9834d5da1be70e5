"""A backend that refuses rows once (an error or Ctrl-C in its write) loses none:
the device keeps them, hands them over at the next call, and ``n_events`` counts
what the backend stored."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ._net import brunel, events


@pytest.mark.timeout(60)
@pytest.mark.parametrize("error", [OSError, KeyboardInterrupt])
@pytest.mark.parametrize("fail_at", [1, 2])
def test_rows_refused_once_are_handed_over_later_without_loss_or_duplicates(
        monkeypatch: pytest.MonkeyPatch, error: type[BaseException], fail_at: int) -> None:
    ref_sim, ref, _ = brunel()
    ref_sim.simulate(60.0)
    monkeypatch.setattr("spikesim.recording.devices.RecordingDevice.PENDING_ROWS", 300)  # several hand-overs
    sim, sr, _ = brunel()
    backend = sim.recording.backend("memory")
    real, calls = backend.write, [0]

    def flaky(device: Any, batch: Any) -> None:  # the fail_at-th write of the recorder stores nothing
        if device.node_id == sr.ids[0]:
            calls[0] += 1
            if calls[0] == fail_at:
                raise error("disk full (test)")
        real(device, batch)

    monkeypatch.setattr(backend, "write", flaky)
    with pytest.raises(error, match="disk full"):
        sim.simulate(30.0)
    assert sim.time > 0.0
    stored = events(sr)["times"]
    assert sr.get("n_events")[0] == stored.size  # what the backend holds, no more
    np.testing.assert_array_equal(stored, events(ref)["times"][:stored.size])  # a prefix: nothing skipped
    sim.simulate(60.0 - sim.time)
    got, want = events(sr), events(ref)
    assert sr.get("n_events")[0] == got["times"].size
    np.testing.assert_array_equal(got["times"], want["times"])
    np.testing.assert_array_equal(got["senders"], want["senders"])
