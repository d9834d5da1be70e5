"""Fuzzed readers: truncated, bit-flipped and structurally altered checkpoints,
recordings and stream frames give a spikesim error, never a crash, a hang, an
unbounded allocation or a silently wrong result.

``make test`` runs a few examples per reader; ``SPIKESIM_FUZZ_EXAMPLES=2000`` runs a
longer campaign.  The files mutated are the committed ones in tests/data/files/
(rewrite them with ``python tests/fuzz/make_files.py tests/data/files``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spikesim
from spikesim.errors import SpikesimError
from spikesim.io import container
from spikesim.io.container import FileFormatError
from spikesim.io.hdf5 import RecordingFileError
from spikesim.io.subscriber import decode_batch, decode_frame, encode, encode_batch, frame_size

FILES = Path(__file__).resolve().parents[1] / "data" / "files"
CHECKPOINT = FILES / "checkpoint.h5"
RECORDING = FILES / "recording.h5"
EXAMPLES = int(os.environ.get("SPIKESIM_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 25,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
#: wall time one damaged file may take to be refused (s): a hang fails the test
BOUND = 5.0

pytestmark = pytest.mark.timeout(600)


def mutations(size: int) -> st.SearchStrategy[tuple[str, list[int]]]:
    """A truncation point or up to 8 bit positions in a file of ``size`` bytes."""
    return st.one_of(
        st.tuples(st.just("truncate"), st.lists(st.integers(0, size - 1), min_size=1, max_size=1)),
        st.tuples(st.just("flip"), st.lists(st.integers(0, 8 * size - 1), min_size=1, max_size=8)),
    )


def damaged(src: Path, dst: Path, mutation: tuple[str, list[int]]) -> Path:
    """``src`` truncated or bit-flipped into ``dst``."""
    kind, where = mutation
    data = bytearray(src.read_bytes())
    if kind == "truncate":
        data = data[:where[0]]
    else:
        for bit in where:
            data[bit // 8] ^= 1 << (bit % 8)
    dst.write_bytes(bytes(data))
    return dst


def refused_or_read(call, path: Path, errors: tuple[type[Exception], ...]) -> object:
    """``call(path)``'s result, or None when it raised one of ``errors``, within BOUND s."""
    t0 = time.monotonic()
    try:
        return call(path)
    except errors as err:
        assert str(path) in str(err) or "Subscriber" in str(err), f"the error does not name the file: {err}"
        return None
    finally:
        assert time.monotonic() - t0 < BOUND, f"{call.__name__} took {time.monotonic() - t0:.1f} s"


# -- the committed files of the current version -------------------------------------------------

@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A copy of the committed files as the working directory: a restored simulator
    continues its recording in its (relative) data_path, which must not be the
    committed one."""
    for f in (CHECKPOINT, RECORDING):
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_committed_checkpoint_restores_and_continues(workdir):
    sim = spikesim.Simulator.restore(workdir / CHECKPOINT.name)
    assert sim.time == pytest.approx(30.0)
    sim.simulate(5.0)
    assert sim.time == pytest.approx(35.0)
    sim.close()
    assert spikesim.io.read(workdir / RECORDING.name)["mm"]["V_m"].size == 3 * 35


def test_committed_recording_reads():
    rec = spikesim.io.read(RECORDING)
    assert rec.attrs["format"] == "spikesim-recording"
    spikes, trace = rec["sr"], rec["mm"]
    assert spikes["senders"].size == spikes["times"].size > 0
    assert trace["V_m"].size == 3 * 30


# -- checkpoints --------------------------------------------------------------------------------

@FUZZ
@given(mutation=mutations(CHECKPOINT.stat().st_size))
def test_damaged_checkpoint_is_refused(workdir, mutation):
    path = damaged(CHECKPOINT, workdir / "ckpt.h5", mutation)
    refused_or_read(spikesim.Simulator.restore, path, (FileFormatError,))


def _altered_checkpoint(tmp: Path, change: str, which: int) -> Path:
    """The committed checkpoint altered consistently (valid checksum): an array or a
    metadata entry deleted, or a value replaced."""
    meta, arrays = container.read(CHECKPOINT, "spikesim-checkpoint")
    if change == "drop_array":
        del arrays[sorted(arrays)[which % len(arrays)]]
    elif change == "shrink_array":
        key = sorted(arrays)[which % len(arrays)]
        arrays[key] = arrays[key].reshape(-1)[:1]
    else:
        pairs = [(d, k) for d in [meta, meta["kernel"], *meta["populations"]] for k in sorted(d)]
        d, k = pairs[which % len(pairs)]
        if change == "drop_meta":
            del d[k]
        else:
            d[k] = [None, -1, "x", {}, 1e300][which % 5]
    return container.write(tmp / "ckpt.h5", "spikesim-checkpoint", meta, arrays)


@FUZZ
@given(change=st.sampled_from(["drop_array", "shrink_array", "drop_meta", "set_meta"]),
       which=st.integers(0, 10_000))
def test_altered_checkpoint_is_refused_or_restores(workdir, change, which):
    path = _altered_checkpoint(workdir, change, which)
    refused_or_read(spikesim.Simulator.restore, path, (FileFormatError,))


def test_a_checkpoint_without_an_array_names_it(workdir):
    meta, arrays = container.read(CHECKPOINT, "spikesim-checkpoint")
    key = next(k for k in sorted(arrays) if k.endswith("/S"))
    del arrays[key]
    path = container.write(workdir / "ckpt.h5", "spikesim-checkpoint", meta, arrays)
    with pytest.raises(FileFormatError, match=f"'{path}' is damaged.*{key}"):
        spikesim.Simulator.restore(path)


def test_a_damaged_dataset_is_refused_naming_the_file(workdir):
    path = workdir / "ckpt.h5"
    shutil.copy(CHECKPOINT, path)
    with h5py.File(path, "r+") as f:
        del f[sorted(k for k in f)[0]]
    with pytest.raises(FileFormatError, match=str(path)):
        spikesim.Simulator.restore(path)


# -- recordings ---------------------------------------------------------------------------------

@FUZZ
@given(mutation=mutations(RECORDING.stat().st_size))
def test_damaged_recording_is_refused(tmp_path, mutation):
    path = damaged(RECORDING, tmp_path / "rec.h5", mutation)
    rec = refused_or_read(spikesim.io.read, path, (RecordingFileError,))
    if rec is not None:   # what is read is whole: every column as long as the others
        for batch in rec.values():
            assert len({a.shape[0] for a in batch.values()}) == 1


def test_a_write_flag_set_by_damage_is_refused_at_once(tmp_path):
    # byte 11 of the (version 3) superblock holds its status flags: bit 0 set says a writer
    # has the file open, so it is opened in SWMR mode, where HDF5 re-read the now wrong
    # superblock checksum for more than two minutes (found by a run of 1000 examples)
    path = damaged(RECORDING, tmp_path / "rec.h5", ("flip", [8 * 11]))
    assert refused_or_read(spikesim.io.read, path, (RecordingFileError,)) is None


def _set(path: Path, where: str, value: object) -> None:
    with h5py.File(path, "r+") as f:
        if "@" in where:
            obj, attr = where.split("@")
            f[obj or "/"].attrs[attr] = value
        else:
            f[where][...] = value


@pytest.mark.parametrize("where, value", [
    ("devices/4/n_rows", 2), ("devices/4/n_rows", 99), ("devices/4/n_rows", -1),
    ("devices/5/grid0/n_rows", 29), ("devices/5/grid0/n_rows", 1 << 40),
    ("@format_version", 99), ("@format", "other"), ("devices/4@columns", "senders"),
])
def test_altered_recording_is_refused(tmp_path, where, value):
    """One changed n_rows (a bit flip in it) is an error, not rows silently dropped."""
    path = tmp_path / "rec.h5"
    shutil.copy(RECORDING, path)
    _set(path, where, value)
    with pytest.raises(RecordingFileError, match=str(path)):
        spikesim.io.read(path)


@pytest.mark.parametrize("name", ["devices/4/times", "devices/5/grid0/V_m", "devices/5/grid0/n_rows",
                                  "devices/5/grid0/senders", "devices"])
def test_recording_without_a_dataset_is_refused(tmp_path, name):
    path = tmp_path / "rec.h5"
    shutil.copy(RECORDING, path)
    with h5py.File(path, "r+") as f:
        del f[name]
    t0 = time.monotonic()
    with pytest.raises(RecordingFileError, match=str(path)):
        spikesim.io.read(path)
    assert time.monotonic() - t0 < BOUND


# -- stream frames ------------------------------------------------------------------------------

def _frames() -> list[bytes]:
    batch = {"senders": np.arange(1, 6, dtype=np.int64), "times": np.linspace(0.1, 0.5, 5)}
    return [encode({"kind": "hello", "seq": 0, "format": "spikesim-stream", "version": 1}),
            encode_batch(1, 4, batch), encode({"kind": "flush", "seq": 2, "time": 10.0})]


def _read_frame(data: bytes) -> object:
    """What a subscriber does with the bytes of one frame."""
    if len(data) < 8:
        return None
    size = frame_size(data[:8])
    header, body = decode_frame(bytearray(data[8:8 + size]))
    if header["kind"] == "batch":
        return decode_batch(header, body)
    return header


@FUZZ
@given(frame=st.sampled_from(range(3)), mutation=mutations(64), cut=st.integers(0, 200))
def test_damaged_frame_is_refused(frame, mutation, cut):
    data = bytearray(_frames()[frame])
    kind, where = mutation
    if kind == "truncate":
        data = data[:min(cut, len(data))]
    else:
        for bit in where:
            if bit // 8 < len(data):
                data[bit // 8] ^= 1 << (bit % 8)
    with contextlib.suppress(SpikesimError):
        _read_frame(bytes(data))


@FUZZ
@given(header=st.dictionaries(st.sampled_from(["kind", "seq", "rows", "columns", "device"]),
                              st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                                           lambda c: st.lists(c, max_size=3), max_leaves=6)),
       body=st.binary(max_size=64))
def test_malformed_batch_header_is_refused(header, body):
    try:
        out = decode_batch(header, bytearray(body))
    except SpikesimError:
        return
    assert sum(a.nbytes for a in out.values()) == len(body)


def test_a_huge_frame_length_is_refused_before_allocating():
    with pytest.raises(SpikesimError, match="announces"):
        frame_size((1 << 62).to_bytes(8, "little"))
