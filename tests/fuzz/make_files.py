"""Write the small files the fuzz tests start from (also run as a script to refresh
the committed ones under tests/data/files/)."""

from __future__ import annotations

import sys
from pathlib import Path

import spikesim


def build(tmp: Path) -> spikesim.Simulator:
    """A tiny network recording spikes and V_m to hdf5 in ``tmp``."""
    sim = spikesim.Simulator(resolution=0.1, seed=3)
    sim.data_path = str(tmp)
    sim.overwrite_files = True
    sim.set_defaults("hdf5", {"chunk_rows": 64})
    n = sim.create("iaf_psc_alpha", 3, params={"I_e": 400.0})
    sr = sim.create("spike_recorder", params={"record_to": "hdf5", "label": "sr"})
    mm = sim.create("multimeter", params={"record_to": "hdf5", "label": "mm", "record_from": ["V_m"],
                                          "interval": 1.0})
    sim.connect(n, sr)
    sim.connect(mm, n)
    return sim


def write_files(out: Path) -> tuple[Path, Path]:
    """A checkpoint and an hdf5 recording of :func:`build`, in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    sim = build(out)
    sim.simulate(30.0)
    ckpt = sim.checkpoint(out / "checkpoint.h5")
    sim.close()
    recs = sorted(out.glob("*.h5"))
    rec = next(p for p in recs if p != ckpt)
    return ckpt, rec


if __name__ == "__main__":
    print(write_files(Path(sys.argv[1])))
