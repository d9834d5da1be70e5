"""Reading a recorder's status entries other than ``events`` never reads its events.

The soak benchmark found ``get("n_events")`` of an hdf5-backed recorder reading every
event back from the file (peak memory growing with the recording, 61 MB per 4 M spikes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import spikesim


@pytest.mark.parametrize("backend", ["memory", "hdf5", "ascii"])
def test_n_events_and_other_keys_do_not_read_the_events(backend: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    sim = spikesim.Simulator()
    sim.data_path = str(tmp_path)
    n = sim.create("iaf_psc_alpha", 3, {"I_e": 500.0})
    sr = sim.create("spike_recorder", params={"record_to": backend})
    sim.connect(n, sr)
    sim.simulate(100.0)
    expected = sr.get("events")[0]["senders"].size if backend != "ascii" else None
    dev = sim.recording_devices()[0]

    def refuse(*args: object) -> None:
        raise AssertionError("the events were read")

    monkeypatch.setattr(dev.backend, "events", refuse)
    monkeypatch.setattr(dev.backend, "stored_events", refuse)
    got = int(np.asarray(sr.get("n_events")).ravel()[0])
    assert got > 0 and (expected is None or got == expected)
    assert sr.get("record_to") == backend
    with pytest.raises(AssertionError, match="were read"):
        sr.get("events")
