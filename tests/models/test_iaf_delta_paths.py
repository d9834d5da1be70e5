"""iaf_psc_delta's kernel without the current channel gives what the full kernel gives.

A population that no current generator reaches skips the ring's current channel
(``IafPscDelta.bind_inputs``).  The same network with a dc_generator of amplitude 0
connected to every neuron takes the full path; both must agree bit for bit, also when
the neurons start with a current state ``I`` that is not 0 (the full path until it is 0).
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim


def _run(with_zero_dc: bool, I0: float, threads: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sim = spikesim.Simulator(resolution=0.1, seed=4, threads=threads)
    nrn = sim.create("iaf_psc_delta", 300, {"C_m": 1.0, "tau_m": 20.0, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0,
                                            "V_th": 20.0, "I_e": 0.3})
    nrn.set(V_m=np.linspace(0.0, 19.0, 300), I=I0)
    noise = sim.create("poisson_generator", params={"rate": 15000.0})
    sim.connect(noise, nrn, syn_spec={"weight": 0.1, "delay": 1.5})
    sim.connect(nrn, nrn, {"rule": "fixed_indegree", "indegree": 30}, {"weight": -0.2, "delay": 1.5})
    if with_zero_dc:
        sim.connect(sim.create("dc_generator", params={"amplitude": 0.0}), nrn)
    sr = sim.create("spike_recorder")
    vm = sim.create("voltmeter", params={"interval": 0.1})
    sim.connect(nrn, sr)
    sim.connect(vm, nrn[::7])
    sim.simulate(150.0)
    ev = sr.get("events")[0]
    return ev["senders"], ev["times"], vm.get("events")[0]["V_m"]


@pytest.mark.parametrize("I0,threads", [(0.0, 1), (2.5, 1), (0.0, 2)])
def test_no_current_path_equals_full_path(I0: float, threads: int) -> None:
    fast = _run(False, I0, threads)
    full = _run(True, I0, threads)
    assert fast[0].size > 100  # the network spikes
    for a, b in zip(fast, full, strict=True):
        np.testing.assert_array_equal(a, b)
