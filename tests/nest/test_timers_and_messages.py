"""Kernel timers (NEST's time_construction_* and time_simulate keys) and nest.message.

NEST 3.10 (run for this test) reports ``time_construction_create`` and
``time_construction_connect`` summed over the calls since ResetKernel and
``time_simulate`` for the last Simulate only, each with a ``_cpu`` twin; NEST's
Brette et al. (2007) benchmark scripts print them.  ``nest.message`` issues a script's
message at a severity, shown when it reaches the verbosity.
"""

from __future__ import annotations

import logging

import pytest

import spikesim
import spikesim.nest as nest

KEYS = ("time_construction_create", "time_construction_connect", "time_simulate")


def test_create_and_connect_add_up_simulate_keeps_the_last_call():
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    st = sim.kernel_status()
    assert all(st[k] == 0.0 and st[k + "_cpu"] == 0.0 for k in KEYS)
    n = sim.create("iaf_psc_alpha", 2000)
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 100})
    after_one = sim.kernel_status()
    sim.create("iaf_psc_alpha", 10)
    sim.connect(n[:10], n[:10])
    after_two = sim.kernel_status()
    for k in ("time_construction_create", "time_construction_connect"):
        assert after_one[k] > 0.0 and after_two[k] > after_one[k]     # summed over calls
    sim.simulate(200.0)
    long_run = sim.kernel_status()["time_simulate"]
    sim.simulate(0.1)
    short_run = sim.kernel_status()["time_simulate"]
    assert 0.0 < short_run < long_run                                   # the last call alone


def test_the_face_reports_them_and_resets_them_with_the_kernel():
    nest.ResetKernel()
    n = nest.Create("iaf_psc_alpha", 10)
    nest.Connect(n, n)
    nest.Simulate(5.0)
    st = nest.GetKernelStatus()
    assert all(st[k] > 0.0 for k in KEYS)
    assert nest.kernel_status["time_simulate"] == st["time_simulate"]
    nest.ResetKernel()
    assert all(nest.GetKernelStatus(k) == 0.0 for k in KEYS)


def test_message_goes_to_the_log_when_its_severity_reaches_the_verbosity(caplog):
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.INFO
    with caplog.at_level(logging.DEBUG, logger="spikesim"):
        logging.getLogger("spikesim").setLevel(logging.INFO)   # what verbosity INFO sets
        nest.message("Creating excitatory population.")
        nest.message("below the verbosity", nest.VerbosityLevel.DEBUG)
        nest.message("named", nest.VerbosityLevel.WARNING, function="build", lineno=12)
    texts = [r.getMessage() for r in caplog.records if r.name == "spikesim"]
    assert texts == ["Creating excitatory population.", "named (function=build, lineno=12)"]
    assert caplog.records[0].funcName == "test_message_goes_to_the_log_when_its_severity_reaches_the_verbosity"
    with pytest.raises(spikesim.errors.BadProperty, match="'severity'"):
        nest.message("x", "loud")  # type: ignore[arg-type]
