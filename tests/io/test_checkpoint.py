"""Checkpoint invariant: run T1, checkpoint, run T2 in the restored simulator ==
run T1 + T2 without interruption, bit for bit (spikes, V_m samples, weights)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

import spikesim
from spikesim.io.container import FileFormatError

from . import checkpoint_net as net

T1, T2 = 53.7, 46.3


@pytest.fixture(scope="module")
def uninterrupted():
    sim = net.build()
    sim.simulate(T1 + T2)
    res = net.results(sim)
    assert res["sr_senders"].size > 50 and res["wr_weights"].size > 20  # the network is active
    return res


@pytest.fixture(scope="module")
def checkpoint_file(tmp_path_factory):
    sim = net.build()
    sim.simulate(T1)
    path = tmp_path_factory.mktemp("ck") / "net.h5"
    sim.checkpoint(str(path))
    return path


def _same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def test_restore_in_process_is_bit_identical(uninterrupted, checkpoint_file):
    sim = spikesim.Simulator.restore(str(checkpoint_file))
    assert sim.time == pytest.approx(T1)
    sim.simulate(T2)
    _same(net.results(sim), uninterrupted)


def test_restore_in_fresh_process_is_bit_identical(uninterrupted, checkpoint_file, tmp_path):
    out = tmp_path / "res.npz"
    script = Path(net.__file__)
    subprocess.run([sys.executable, str(script), str(checkpoint_file), str(T2), str(out)], check=True,
                   cwd=script.parents[2], timeout=300)
    got = dict(np.load(out, allow_pickle=False))
    _same(got, uninterrupted)


def test_checkpoint_twice_in_a_row(uninterrupted, tmp_path):
    sim = net.build()
    sim.simulate(20.0)
    sim.checkpoint(str(tmp_path / "a.h5"))
    sim = spikesim.Simulator.restore(str(tmp_path / "a.h5"))
    sim.simulate(T1 - 20.0)
    sim.checkpoint(str(tmp_path / "b.h5"))
    sim = spikesim.Simulator.restore(str(tmp_path / "b.h5"))
    sim.simulate(T2)
    _same(net.results(sim), uninterrupted)


def test_labels_kernel_settings_and_models_survive(checkpoint_file):
    sim = spikesim.Simulator.restore(str(checkpoint_file))
    assert len(sim.nodes("parrots")) == 4
    assert sim.seed == 7 and sim.resolution == 0.1
    assert sim.get_defaults("plastic")["lambda"] == 0.05
    assert sim.get_defaults("plastic")["weight_recorder"] == int(sim.nodes("wr").ids[0])


def test_truncated_file_is_refused(checkpoint_file, tmp_path):
    data = checkpoint_file.read_bytes()
    bad = tmp_path / "truncated.h5"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileFormatError, match="truncated|damaged|checksum"):
        spikesim.Simulator.restore(str(bad))


def test_altered_file_fails_checksum(checkpoint_file, tmp_path):
    bad = tmp_path / "altered.h5"
    bad.write_bytes(checkpoint_file.read_bytes())
    with h5py.File(bad, "r+") as f:
        f["engine/ring"][0, 0, 0] += 1.0
    with pytest.raises(FileFormatError, match="checksum"):
        spikesim.Simulator.restore(str(bad))


def test_newer_format_version_is_refused(checkpoint_file, tmp_path):
    bad = tmp_path / "newer.h5"
    bad.write_bytes(checkpoint_file.read_bytes())
    with h5py.File(bad, "r+") as f:
        f.attrs["format_version"] = "99"
    with pytest.raises(FileFormatError, match="format version 99.*upgrade"):
        spikesim.Simulator.restore(str(bad))


def test_other_file_is_refused(tmp_path):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3)
    with pytest.raises(FileFormatError, match="not 'spikesim-checkpoint'"):
        spikesim.Simulator.restore(str(other))
    with pytest.raises(FileNotFoundError):
        spikesim.Simulator.restore(str(tmp_path / "missing.h5"))


def test_failed_write_keeps_the_old_file(checkpoint_file, tmp_path):
    target = tmp_path / "keep.h5"
    target.write_bytes(checkpoint_file.read_bytes())
    before = target.read_bytes()
    sim = net.build()
    sim.copy_model("static_synapse", "rnd", {"weight": spikesim.normal(0.0, 1.0)})
    from spikesim.errors import BadProperty
    with pytest.raises(BadProperty, match="random parameter"):
        sim.checkpoint(str(target))
    assert target.read_bytes() == before
    assert not list(tmp_path.glob(".keep.h5.tmp*"))
