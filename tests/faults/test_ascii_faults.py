"""Faults in the middle of a run for the ascii backend (issue 13, item 1).

A full disk (EFBIG under ``RLIMIT_FSIZE`` in a child process), permission denied, a
data directory that disappears or a file replaced behind the simulator's back: each
gives a clear error naming the file, keeps what was written before as complete
lines, and leaves the simulator usable.  A file written in this run is never
truncated or re-created, also with ``overwrite_files=True``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import spikesim
from spikesim.errors import SpikesimError

ROOT = Path(__file__).resolve().parents[2]


def _sim(data_path: Path, overwrite: bool = False, n: int = 20, label: str | None = None
         ) -> tuple[spikesim.Simulator, object]:
    sim = spikesim.Simulator(seed=1)
    sim.data_path = str(data_path)
    sim.overwrite_files = overwrite
    pop = sim.create("iaf_psc_delta", n, {"I_e": 500.0})
    params = {"record_to": "ascii"} | ({"label": label} if label else {})
    sr = sim.create("spike_recorder", params=params)
    sim.connect(pop, sr)
    return sim, sr


def _file(sr: object) -> Path:
    return Path(sr.get("filenames")[0][0])  # type: ignore[attr-defined]


def _rows(path: Path) -> np.ndarray:
    text = path.read_text()
    assert text.endswith("\n"), "the file must end at a complete line"
    return np.loadtxt(text.splitlines()[3:], ndmin=2)


CHILD = textwrap.dedent("""
    import json, os, resource, signal, sys
    import spikesim
    from spikesim.errors import SpikesimError
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so the write fails with EFBIG
    out = {}
    sim = spikesim.Simulator(seed=1)
    sim.data_path = sys.argv[1]
    sim.overwrite_files = True
    pop = sim.create("iaf_psc_delta", 50, {"I_e": 500.0})
    sr = sim.create("spike_recorder", params={"record_to": "ascii"})
    sim.connect(pop, sr)
    sim.simulate(50.0)
    path = sr.get("filenames")[0][0]
    out["size0"] = os.path.getsize(path)
    out["text0"] = open(path).read()
    resource.setrlimit(resource.RLIMIT_FSIZE, (out["size0"] + 2000, resource.RLIM_INFINITY))
    for k in ("err1", "err2"):
        try:
            sim.simulate(200.0)
            out[k] = None
        except Exception as e:
            out[k] = [type(e).__name__, str(e), isinstance(e, SpikesimError), isinstance(e, OSError)]
    out["size1"] = os.path.getsize(path)
    sr.set(record_to="memory")
    sim.simulate(20.0)
    out["memory_events"] = int(sum(sr.get("n_events")))
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    sr.set(record_to="ascii")
    sim.simulate(20.0)
    sim.close()
    print(json.dumps(out))
""")


@pytest.mark.skipif(sys.platform != "linux", reason="needs RLIMIT_FSIZE and SIGXFSZ")
def test_file_too_large_is_a_clear_error_and_keeps_what_was_written(tmp_path: Path) -> None:
    """EFBIG: an error naming the file (a spikesim error and an OSError), the file cut
    back to complete lines with everything before intact, switching to memory works,
    and switching back appends instead of re-creating the file (overwrite_files=True)."""
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    data = tmp_path / "data"
    data.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, str(script), str(data)], capture_output=True, text=True,
                         env=env, cwd=str(ROOT), timeout=300)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    path = data / f"spike_recorder-{51}-0.dat"
    for key in ("err1", "err2"):
        name, msg, is_ours, is_oserror = out[key]
        assert is_ours and is_oserror, out[key]
        assert str(path) in msg and "File too large" in msg, msg
    assert out["size1"] <= out["size0"] + 2000
    assert out["memory_events"] > 0
    rows = _rows(path)  # complete lines only, header kept once
    text = path.read_text()
    assert text.count("# spikesim version") == 1
    assert text.startswith(out["text0"])  # the rows of the first 50 ms are all there
    assert rows.shape[0] > out["text0"].count("\n") - 3  # and the last run appended more
    assert np.all(np.diff(rows[:, 1]) >= 0)


def test_overwrite_never_recreates_a_file_written_in_this_run(tmp_path: Path) -> None:
    """Moving a device to memory and back (or relabelling it and back) appends to its
    file; overwrite_files applies only to files from before this simulator wrote them."""
    sim, sr = _sim(tmp_path, overwrite=True)
    sim.simulate(50.0)
    before = _file(sr).read_text()
    n0 = int(sum(sr.get("n_events")))
    assert n0 > 0
    sr.set(record_to="memory")
    sim.simulate(20.0)
    sr.set(record_to="ascii")
    sim.simulate(30.0)
    sr.set(label="other")
    sim.simulate(10.0)
    sr.set(label="")
    sim.simulate(10.0)
    sim.close()
    sim.simulate(10.0)
    sim.close()
    after = _file(sr).read_text()
    assert after.startswith(before)
    assert after.count("# spikesim version") == 1
    rows = _rows(_file(sr))
    assert np.all(np.diff(rows[:, 1]) >= 0)


def test_prepare_failure_leaves_the_files_as_they_were(tmp_path: Path) -> None:
    """When one device's file cannot be opened, no other file is created or emptied."""
    sim = spikesim.Simulator(seed=1)
    sim.data_path = str(tmp_path)
    sim.overwrite_files = True
    pop = sim.create("iaf_psc_delta", 5, {"I_e": 500.0})
    a = sim.create("spike_recorder", params={"record_to": "ascii", "label": "a"})
    b = sim.create("spike_recorder", params={"record_to": "ascii", "label": "b"})
    sim.connect(pop, a)
    sim.connect(pop, b)
    _file(a).write_text("old data\n")
    _file(b).mkdir()  # cannot be opened as a file
    with pytest.raises(SpikesimError) as info:
        sim.simulate(10.0)
    assert str(_file(b)) in str(info.value)
    assert _file(a).read_text() == "old data\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([_file(a).name, _file(b).name])
    _file(b).rmdir()
    sim.simulate(50.0)  # usable once the obstacle is gone
    assert _rows(_file(a)).shape[0] > 0


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_data_path_names_the_file(tmp_path: Path) -> None:
    """A read-only data_path: a clear error naming the file and what to do."""
    ro = tmp_path / "ro"
    ro.mkdir()
    sim, sr = _sim(ro)
    ro.chmod(0o500)
    try:
        with pytest.raises(SpikesimError) as info:
            sim.simulate(10.0)
    finally:
        ro.chmod(0o700)
    msg = str(info.value)
    assert str(_file(sr)) in msg and "writable" in msg
    assert isinstance(info.value, OSError)
    sim.simulate(10.0)


@pytest.mark.parametrize("where", ["regular file", "proc"])
def test_data_path_that_cannot_hold_files_names_the_file(tmp_path: Path, where: str) -> None:
    """Also as root: data_path naming a regular file, or a directory of /proc."""
    if where == "proc":
        if not Path("/proc/self").is_dir():
            pytest.skip("no /proc")
        bad = Path("/proc")
    else:
        bad = tmp_path / "plain"
        bad.write_text("x")
    sim, sr = _sim(bad)
    with pytest.raises(SpikesimError) as info:
        sim.simulate(10.0)
    assert str(bad) in str(info.value) and "data_path" in str(info.value)
    sim.data_path = str(tmp_path)
    sim.simulate(50.0)  # usable with a good data_path
    assert _rows(tmp_path / _file(sr).name).shape[0] > 0
    if where == "regular file":
        assert bad.read_text() == "x"


def test_data_directory_removed_during_a_run_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """The directory removed while the run writes: an error at the end of that
    simulate naming the file (today: none, and every event is gone)."""
    data = tmp_path / "data"
    data.mkdir()
    sim, sr = _sim(data)
    sim.simulate(20.0)
    backend = sim.recording.backend("ascii")
    original = backend.write

    def write_then_remove(device: object, batch: dict[str, np.ndarray]) -> None:
        original(device, batch)  # type: ignore[arg-type]
        shutil.rmtree(data, ignore_errors=True)

    monkeypatch.setattr(backend, "write", write_then_remove)
    with pytest.raises(SpikesimError) as info:
        sim.simulate(50.0)
    assert str(_file(sr)) in str(info.value) and "deleted" in str(info.value)
    monkeypatch.undo()
    sr.set(record_to="memory")  # still usable
    sim.simulate(10.0)
    assert int(sum(sr.get("n_events"))) > 0


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_file_deleted_or_replaced_between_runs_is_an_error(tmp_path: Path, how: str) -> None:
    """A deleted or replaced output file is an error naming it, before the next run
    writes into a file nobody can read."""
    sim, sr = _sim(tmp_path, overwrite=True)
    sim.simulate(20.0)
    path = _file(sr)
    if how == "deleted":
        path.unlink()
    else:
        other = tmp_path / "other"
        other.write_text("someone else's\n")
        os.replace(other, path)
    with pytest.raises(SpikesimError) as info:
        sim.simulate(20.0)
    assert str(path) in str(info.value) and how in str(info.value)
    if how == "replaced":
        assert path.read_text() == "someone else's\n"
    sr.set(record_to="memory")
    sim.simulate(10.0)
