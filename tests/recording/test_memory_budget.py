"""The memory backend's budget: beyond ``budget_mb`` events spill to an HDF5 file and
read back complete (the same events as an unbudgeted run of the same seed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty


def _run(tmp_path: Path, budget_mb: float | None) -> tuple[spikesim.Simulator, dict[str, object]]:
    sim = spikesim.Simulator(resolution=0.1, seed=11)
    sim.data_path = str(tmp_path)
    if budget_mb is not None:
        sim.set_defaults("memory", {"budget_mb": budget_mb})
    nrn = sim.create("iaf_psc_delta", 20, {"I_e": list(np.linspace(300.0, 450.0, 20))})
    pg = sim.create("poisson_generator", params={"rate": 6000.0})
    sim.connect(pg, nrn, syn_spec={"weight": 1.0, "delay": 1.0})
    sr = sim.create("spike_recorder")
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
    sim.connect(nrn, sr)
    sim.connect(mm, nrn)
    for _ in range(4):  # several runs: spills happen between and within them
        sim.simulate(25.0)
    return sim, {"sr": sr, "mm": mm}


def _events(device: object) -> dict[str, np.ndarray]:
    ev = device.get("events")  # type: ignore[attr-defined]
    return ev[0] if isinstance(ev, list) else ev


def test_events_over_the_budget_spill_and_read_back_complete(tmp_path):
    (tmp_path / "ref").mkdir()
    (tmp_path / "b").mkdir()
    _, ref = _run(tmp_path / "ref", None)
    sim, devs = _run(tmp_path / "b", 0.01)
    backend = sim.recording.backend("memory")
    assert backend.spill_path is not None and backend.spill_path.exists()
    assert backend.spill_path.parent == tmp_path / "b"
    for key in ("sr", "mm"):
        want, got = _events(ref[key]), _events(devs[key])
        assert want["senders"].size > 0 and set(got) == set(want)
        for column in want:
            np.testing.assert_array_equal(got[column], want[column], err_msg=f"{key} {column}")
        assert int(np.asarray(devs[key].get("n_events")).item()) == want["senders"].size
    # 100 ms of 20 V_m samples every 0.5 ms alone are 4000 rows, far over 10 kB: most rows were spilled
    assert backend._spill.rows[int(devs["mm"].ids[0])] > 2000  # noqa: SLF001 -- how much was spilled
    ck = sim.checkpoint(tmp_path / "ck.h5")
    from spikesim.io import checkpoint
    _, arrays = checkpoint.read(ck)
    n = [v.size for k, v in arrays.items() if k.endswith("/events/senders")]
    assert sorted(n) == sorted(_events(ref[k])["senders"].size for k in ("sr", "mm"))


def test_clear_forgets_spilled_rows(tmp_path):
    sim, devs = _run(tmp_path, 0.01)
    devs["sr"].set(n_events=0)
    assert _events(devs["sr"])["senders"].size == 0
    sim.simulate(20.0)
    assert _events(devs["sr"])["times"].min() > 100.0


@pytest.mark.parametrize("bad", [0, -1.0, "1", True])
def test_a_bad_budget_is_refused(bad):
    sim = spikesim.Simulator()
    with pytest.raises(BadProperty, match="budget_mb"):
        sim.set_defaults("memory", {"budget_mb": bad})
