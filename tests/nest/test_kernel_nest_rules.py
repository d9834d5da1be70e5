"""The NEST face's kernel: seed and RNG type, delay extrema, the prepared state, ascii headers.

Every expected value was obtained by running the same calls with NEST 3.10
(``~/.venvs/nest/bin/python``, ``import nest``) unless said otherwise.
"""

from __future__ import annotations

import pytest

import spikesim.nest as nest


@pytest.fixture(autouse=True)
def fresh_kernel():
    nest.ResetKernel()
    yield
    nest.ResetKernel()


def test_default_seed_and_rng_type_as_nest():
    # NEST 3.10: 143202461 mt19937_64, kept when threads change, back after ResetKernel
    assert (nest.rng_seed, nest.rng_type) == (143202461, "mt19937_64")
    nest.rng_type = "Threefry_64"
    nest.local_num_threads = 2
    assert nest.rng_type == "Threefry_64" and nest.rng_seed == 143202461
    with pytest.raises(nest.NESTErrors.BadProperty, match=r"'rng_type' = 'philox' is not allowed; the RNG types"):
        nest.rng_type = "philox"
    nest.ResetKernel()
    assert nest.rng_type == "mt19937_64"


def test_user_delay_extrema_rounded_down_and_up():
    nest.set(min_delay=0.89, max_delay=1.41)
    assert (nest.min_delay, nest.max_delay) == (0.8, 1.5)  # NEST 3.10
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1, "min_delay": 2.1, "max_delay": 12.3})
    nest.resolution = 1.0
    assert (nest.min_delay, nest.max_delay) == (2.0, 13.0)  # NEST 3.10


def test_delay_extrema_only_widen():
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n[0], n[1], syn_spec={"delay": 3.0})
    assert (nest.min_delay, nest.max_delay) == (3.0, 3.0)
    c = nest.GetConnections()
    seen = []
    for d in (5.0, 0.5, 2.0):
        c.delay = d
        seen.append((nest.min_delay, nest.max_delay))
    assert seen == [(3.0, 5.0), (0.5, 5.0), (0.5, 5.0)]  # NEST 3.10


def test_failed_simulate_leaves_the_kernel_prepared():
    nest.resolution = 0.5
    with pytest.raises(nest.NESTErrors.BadParameter, match="multiple of the resolution"):
        nest.Simulate(1.2)
    with pytest.raises(nest.NESTErrors.KernelException, match="prepared already"):
        nest.Simulate(1.0)
    nest.Cleanup()
    nest.Simulate(1.0)
    assert nest.biological_time == 1.0  # NEST 3.10: BadParameter, KernelException, then 1.0


def test_update_error_needs_reset_kernel():
    nrn = nest.Create("aeif_cond_alpha", params={"I_e": 1e7, "g_L": 0.01})
    with pytest.raises(nest.NESTErrors.NumericalInstability):
        nest.Simulate(100.0)
    nest.Cleanup()  # NEST 3.10: allowed, the kernel stayed prepared
    nrn.set({"V_m": -70.0, "w": 0.0, "I_e": 0.0})
    for call in (lambda: nest.Simulate(0.1), nest.Prepare):
        with pytest.raises(nest.NESTErrors.KernelException, match="inconsistent state"):
            call()
    nest.ResetKernel()
    nest.Create("aeif_cond_alpha", params={"I_e": 1000.0})
    nest.Simulate(10.0)


def test_ascii_header_and_handed_over_count(tmp_path):
    nest.data_path = str(tmp_path)
    mm = nest.Create("multimeter", params={"record_to": "ascii", "record_from": ["V_m"], "interval": 0.5})
    nest.Connect(mm, nest.Create("iaf_psc_alpha", 2))
    nest.Simulate(10.0)
    with open(mm.filenames[0]) as f:
        first = f.readline()
    # NEST 3.10: 36 events after 10 ms (samples at 0.5 ... 9.0 ms), 48 after 3 ms more
    # NEST's version line first (readers of NEST's files look for it), then what wrote the file
    assert first.startswith("# NEST version: 3.10.0 (written by spikesim ") and mm.n_events == 36
    nest.Simulate(3.0)
    assert mm.n_events == 48
    mm.n_events = 0
    assert mm.n_events == 0


def test_kernel_attribute_declarations_carry_defaults():
    # PyNEST 3.10: type(nest).<name>._default is the fresh kernel's value
    assert nest.get("keep_source_table") == nest.keep_source_table == type(nest).keep_source_table._default
    nest.resolution = 0.2
    assert (nest.resolution, type(nest).resolution._default) == (0.2, 0.1)
    assert type(nest).rng_seed._default == 143202461
