"""Chunks built by spikesim (shuffle, LZF or deflate, Fletcher-32) decode with HDF5's own filters."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from spikesim.recording.backends.hdf5.chunks import ChunkEncoder, fletcher32, pipeline
from spikesim.recording.backends.hdf5.writer import direct_compression as _direct_compression

ROWS, COLS = 16, 300


def _chunks():
    g = np.random.default_rng(4)
    trace = np.cumsum(g.normal(0.0, 0.1, (ROWS, COLS)), axis=0) - 65.0
    noise = g.integers(0, 256, ROWS * COLS * 8, dtype=np.uint8).view(np.float64).reshape(ROWS, COLS)
    noise = np.where(np.isfinite(noise), noise, 0.0)       # random bytes: LZF cannot shrink them
    mixed = np.vstack([noise[:ROWS // 2], np.zeros((ROWS - ROWS // 2, COLS))])  # random, then constant
    return {"trace": trace, "noise": noise, "zeros": np.zeros((ROWS, COLS)), "runs": np.repeat(trace[:1], ROWS, 0),
            "mixed": mixed}


@pytest.mark.parametrize("compression", ["lzf", "gzip", "none"])
def test_direct_chunks_read_back_through_hdf5s_filters(tmp_path, compression):
    comp = {} if compression == "none" else {"compression": compression, "shuffle": True}
    data = _chunks()
    with h5py.File(tmp_path / "c.h5", "w") as f:
        for name, chunk in data.items():
            ds = f.create_dataset(name, shape=(0, COLS), maxshape=(None, COLS), chunks=(ROWS, COLS),
                                  dtype=np.float64, fletcher32=True, **comp)
            level = _direct_compression(ds)
            assert level is not None and level[0] == compression
            enc = ChunkEncoder(compression, level[1], 8)
            ds.resize(2 * ROWS - 3, axis=0)                       # an edge chunk as well
            for start in (0, ROWS):
                raw, mask = enc.encode(np.ascontiguousarray(chunk))
                ds.id.write_direct_chunk((start, 0), raw, filter_mask=mask)
                if compression == "lzf" and name == "noise":
                    # stored without LZF (marked skipped); after such a chunk the next ones
                    # are stored raw, shuffle and LZF marked skipped
                    assert mask == (2 if start == 0 else 3)
    with h5py.File(tmp_path / "c.h5", "r") as f:
        for name, chunk in data.items():
            got = f[name][:]
            np.testing.assert_array_equal(got[:ROWS], chunk)
            np.testing.assert_array_equal(got[ROWS:], chunk[:ROWS - 3])


def test_lzf_still_compresses_what_follows_a_long_random_stretch():
    # the encoder strides over random bytes (skipping lookups); the constant half of
    # the chunk must still compress to almost nothing
    mixed = _chunks()["mixed"]
    raw, mask = ChunkEncoder("lzf", 1, 8).encode(mixed)
    assert mask == 0
    assert len(raw) < 0.53 * mixed.nbytes


def test_lzf_stores_chunks_raw_while_they_hardly_shrink(tmp_path):
    data = _chunks()
    enc = ChunkEncoder("lzf", 1, 8)
    masks = []
    with h5py.File(tmp_path / "c.h5", "w") as f:
        ds = f.create_dataset("v", shape=(0, COLS), maxshape=(None, COLS), chunks=(ROWS, COLS),
                              dtype=np.float64, fletcher32=True, compression="lzf", shuffle=True)
        order = ["zeros", "noise"] + ["zeros"] * ChunkEncoder.RETRY + ["noise"]
        ds.resize(len(order) * ROWS, axis=0)
        for i, name in enumerate(order):
            raw, mask = enc.encode(data[name])
            masks.append(mask)
            ds.id.write_direct_chunk((i * ROWS, 0), raw, filter_mask=mask)
    # compressed; incompressible (LZF skipped); RETRY - 1 raw (shuffle and LZF skipped)
    # although they would compress; LZF tried again and used; incompressible again
    assert masks == [0, 2] + [3] * (ChunkEncoder.RETRY - 1) + [0, 2]
    with h5py.File(tmp_path / "c.h5", "r") as f:
        np.testing.assert_array_equal(f["v"][:], np.vstack([data[name] for name in order]))


def test_a_wrong_checksum_is_caught_by_hdf5(tmp_path):
    chunk = _chunks()["trace"]
    with h5py.File(tmp_path / "c.h5", "w") as f:
        ds = f.create_dataset("v", shape=(ROWS, COLS), chunks=(ROWS, COLS), dtype=np.float64, fletcher32=True)
        raw, _ = ChunkEncoder("none", 1, 8).encode(chunk)
        bad = bytearray(raw)
        bad[-1] ^= 0x5A
        ds.id.write_direct_chunk((0, 0), bytes(bad))
    with h5py.File(tmp_path / "c.h5", "r") as f, pytest.raises(OSError):
        f["v"][:]


def test_fletcher32_of_known_words():
    # two 16-bit words 0x0102, 0x0304: sum1 = 0x0406, sum2 = 0x0102 + 0x0406 = 0x0508
    assert int(fletcher32(np.array([1, 2, 3, 4], dtype=np.uint8))) == (0x0508 << 16) | 0x0406
    assert pipeline("none") == [3] and pipeline("lzf") == [2, 32000, 3] and pipeline("gzip") == [2, 1, 3]
