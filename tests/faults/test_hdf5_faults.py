"""Faults in the middle of a run for the hdf5 backend (issue 13, item 1).

A file too large (EFBIG under ``RLIMIT_FSIZE`` in a child process), the output file
deleted or replaced during a run, and a failure inside the writer thread: each is a
RecordingError naming the file (the cause chained), what was flushed before stays
readable, and the simulator stays usable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import h5py
import pytest

import spikesim
from spikesim.errors import RecordingError
from spikesim.recording.backends.hdf5 import writer

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import json, os, resource, signal, sys
    import spikesim
    from spikesim.errors import RecordingError
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so the write fails with EFBIG
    out = {}
    sim = spikesim.Simulator(seed=1)
    sim.data_path = sys.argv[1]
    sim.overwrite_files = True
    sim.set_defaults("hdf5", {"compression": "none", "chunk_rows": 1024})
    pop = sim.create("iaf_psc_delta", 200, {"I_e": 500.0})
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    sim.connect(pop, sr)
    sim.simulate(50.0)
    out["n0"] = int(sum(sr.get("n_events")))
    path = sr.get("filenames")[0][0]
    resource.setrlimit(resource.RLIMIT_FSIZE, (os.path.getsize(path) + 4096, resource.RLIM_INFINITY))
    for k in ("err1", "err2"):
        try:
            sim.simulate(200.0)
            out[k] = None
        except Exception as e:
            out[k] = [type(e).__name__, str(e), isinstance(e, RecordingError), e.__cause__ is not None]
    sim.set_defaults("hdf5", {"file_name": "other.h5"})  # a new file is a fresh start
    try:
        sim.simulate(20.0)
    except RecordingError:
        pass  # still over the limit: a clear error again
    sr.set(record_to="memory")
    sim.simulate(20.0)
    out["memory_events"] = int(sum(sr.get("n_events")))
    sim.close()
    print(json.dumps(out))
""")


def _sim(data: Path) -> tuple[spikesim.Simulator, object]:
    sim = spikesim.Simulator(seed=1)
    sim.data_path = str(data)
    sim.overwrite_files = True
    pop = sim.create("iaf_psc_delta", 50, {"I_e": 500.0})
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    sim.connect(pop, sr)
    return sim, sr


def _plain_rows(path: Path) -> int:
    with h5py.File(path, "r") as f:
        return int(sum(int(g["n_rows"][0]) for g in f["devices"].values()))


@pytest.fixture(scope="module")
def efbig_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A child process whose recording file hits RLIMIT_FSIZE; its report and file."""
    if sys.platform != "linux":
        pytest.skip("needs RLIMIT_FSIZE and SIGXFSZ")
    tmp = tmp_path_factory.mktemp("efbig")
    script = tmp / "child.py"
    script.write_text(CHILD)
    data = tmp / "data"
    data.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, str(script), str(data)], capture_output=True, text=True,
                         env=env, cwd=str(ROOT), timeout=120)
    assert res.returncode == 0, res.stderr
    return data / "recording.h5", json.loads(res.stdout.strip().splitlines()[-1])


def test_file_too_large_is_a_clear_error_and_the_simulator_stays_usable(efbig_run: tuple[Path, dict]
                                                                       ) -> None:
    """EFBIG: a RecordingError naming the file with its cause (twice, no KeyError),
    switching to memory and closing work (before the fix: a RuntimeError, then a
    KeyError on set(record_to="memory") or a segmentation fault in the next simulate)."""
    path, out = efbig_run
    for key in ("err1", "err2"):
        name, msg, is_ours, chained = out[key]
        assert is_ours and chained and str(path) in msg, out[key]
    assert "File too large" in out["err1"][1]
    assert out["memory_events"] > out["n0"] > 0


@pytest.mark.xfail(reason="a full disk while the file is reopened and laid out (outside SWMR) can leave "
                          "HDF5's metadata half written; not solved yet", strict=False)
def test_file_too_large_keeps_what_was_flushed(efbig_run: tuple[Path, dict]) -> None:
    """The rows of the first run stay readable by plain h5py and spikesim.io.read (in a
    child process: reading a damaged file can leave h5py's global lock held)."""
    path, out = efbig_run
    check = textwrap.dedent(f"""
        import h5py, spikesim
        with h5py.File({str(path)!r}, "r") as f:
            assert sum(int(g["n_rows"][0]) for g in f["devices"].values()) >= {out["n0"]}
        assert spikesim.io.read({str(path)!r})[51]["times"].size >= {out["n0"]}
    """)
    res = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=str(ROOT),
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]


def test_data_directory_removed_during_a_run_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """The directory removed while the run writes: an error at the next flush naming
    the file; the simulator stays usable (before: no error, every event gone)."""
    data = tmp_path / "data"
    data.mkdir()
    sim, sr = _sim(data)
    sim.simulate(20.0)
    backend = sim.recording.backend("hdf5")
    original = backend.write

    def write_then_remove(device: object, batch: dict) -> None:
        original(device, batch)  # type: ignore[arg-type]
        shutil.rmtree(data, ignore_errors=True)

    monkeypatch.setattr(backend, "write", write_then_remove)
    with pytest.raises(RecordingError) as info:
        sim.simulate(50.0)
    assert str(data / "recording.h5") in str(info.value) and "deleted" in str(info.value)
    monkeypatch.undo()
    with pytest.raises(RecordingError):
        sim.simulate(10.0)  # still gone: the same clear error
    sr.set(record_to="memory")  # type: ignore[attr-defined]
    sim.simulate(10.0)
    assert int(sum(sr.get("n_events"))) > 0  # type: ignore[attr-defined]
    sim.close()


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_file_deleted_or_replaced_during_a_run_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           how: str) -> None:
    """The output file unlinked (st_nlink == 0) or replaced during the run: an error
    naming it at the next flush; a replacing file is left alone."""
    sim, sr = _sim(tmp_path)
    sim.simulate(20.0)
    path = tmp_path / "recording.h5"
    backend = sim.recording.backend("hdf5")
    original = backend.write

    def write_then_break(device: object, batch: dict) -> None:
        original(device, batch)  # type: ignore[arg-type]
        if how == "deleted":
            path.unlink(missing_ok=True)
        elif not (tmp_path / "other").exists():
            (tmp_path / "other").write_text("someone else's\n")
            os.replace(tmp_path / "other", path)

    monkeypatch.setattr(backend, "write", write_then_break)
    with pytest.raises(RecordingError) as info:
        sim.simulate(50.0)
    assert str(path) in str(info.value) and how in str(info.value)
    monkeypatch.undo()
    if how == "replaced":
        assert path.read_text() == "someone else's\n"
    sr.set(record_to="memory")  # type: ignore[attr-defined]
    sim.simulate(10.0)
    sim.close()


@pytest.mark.parametrize("in_thread", [True, False])
def test_writer_failure_reaches_the_user_with_its_cause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        in_thread: bool) -> None:
    """A failure inside the writer: a RecordingError naming the file with the original
    error as its cause, at the next call; the flushed rows stay; the simulator stays usable."""
    sim, sr = _sim(tmp_path)
    sim.set_defaults("hdf5", {"write_in_thread": in_thread, "chunk_rows": 256})
    sim.simulate(20.0)
    n0 = int(sum(sr.get("n_events")))  # type: ignore[attr-defined]
    path = tmp_path / "recording.h5"

    def broken(self: object, r1: int, parts: list) -> None:
        raise ValueError("writer broke")

    monkeypatch.setattr(writer.Tail, "append", broken)
    with pytest.raises(RecordingError) as info:
        sim.simulate(100.0)
    assert str(path) in str(info.value)
    assert isinstance(info.value.__cause__, ValueError) and "writer broke" in str(info.value.__cause__)
    monkeypatch.undo()
    assert _plain_rows(path) >= n0 > 0
    assert spikesim.io.read(path)[sr.tolist()[0]]["times"].size >= n0  # type: ignore[attr-defined]
    with pytest.raises(RecordingError, match="failed earlier"):
        sim.simulate(20.0)  # the failed file is not reopened (its metadata could be cut in half)
    sim.set_defaults("hdf5", {"file_name": "other.h5"})
    sim.simulate(20.0)  # usable with a new file
    assert _plain_rows(tmp_path / "other.h5") > 0
    sr.set(record_to="memory")  # type: ignore[attr-defined]
    sim.simulate(10.0)
    sim.close()
    assert _plain_rows(path) >= n0
