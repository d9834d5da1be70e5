"""ac_generator: defaults, the sine it sends, threads and checkpoints.  The comparison
with NEST 3.10 (V_m every step within 1e-9) is the reference case
tests/data/nest/cases/ac_generator_drive.json (tests/reference)."""

from __future__ import annotations

import math

import numpy as np

import spikesim
from spikesim.models.generators import AcGenerator

from .gen_helpers import checkpoint_identical, threads_identical

H = 0.1


def test_defaults_as_nest():
    # NEST 3.10 models/ac_generator.cpp: amplitude, offset (pA), phase (deg), frequency (Hz) all 0
    sim = spikesim.Simulator(resolution=H)
    g = sim.create("ac_generator").get()
    assert {k: g[k] for k in ("amplitude", "offset", "phase", "frequency")} == \
        {"amplitude": 0.0, "offset": 0.0, "phase": 0.0, "frequency": 0.0}


def test_current_is_the_sine_at_the_end_of_each_step_inside_the_window():
    # derivation: the oscillator started at t0 = s0 h and rotated once per step gives
    # offset + amplitude sin(omega (s + 1) h + phi) in step s (rounding only)
    p = {**AcGenerator.params, "amplitude": 250.0, "offset": 10.0, "phase": 40.0, "frequency": 23.0,
         "start": 3.0, "stop": 12.0}
    s = np.arange(0, 200)
    got = np.concatenate([AcGenerator.amplitudes(p, H, s0, 10) for s0 in range(0, 200, 10)])
    om, phi = 2 * math.pi * 23.0 / 1000.0, 40.0 * 2 * math.pi / 360.0
    want = 10.0 + 250.0 * np.sin(om * (s + 1) * H + phi)
    on = (s + 2 > 30) & (s + 2 <= 120)  # sent in step s when start < (s + 2) h <= stop
    np.testing.assert_allclose(got[on], want[on], atol=1e-9)
    assert np.all(got[~on] == 0.0) and on.sum() == 90


def _build(threads: int) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=H, seed=5, threads=threads)
    n = sim.create("iaf_psc_alpha", 6, label="n")
    ac = sim.create("ac_generator", 2, params=[{"amplitude": 500.0, "frequency": 11.0, "offset": 120.0},
                                               {"amplitude": 200.0, "frequency": 90.0, "phase": 45.0,
                                                "start": 15.0}])
    sim.connect(ac, n, syn_spec={"delay": 1.3})
    sr = sim.create("spike_recorder", label="sr")
    sim.connect(n, sr)
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": H}, label="mm")
    sim.connect(mm, n)
    return sim


def test_one_and_two_threads_identical():
    ev = threads_identical(_build, 200.0)
    assert ev["sr_times"].size > 10


def test_checkpoint_restore_continues_identically(tmp_path):
    ev = checkpoint_identical(_build, 57.3, 80.0, tmp_path / "ck.h5")
    assert ev["sr_times"].size > 5 and ev["mm_V_m"].size > 8000
