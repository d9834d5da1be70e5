"""Spike recorders connected straight to gamma_sup, mip, sinusoidal_gamma and ppd_sup
generators (spikesim.kernel.train_recording).

References: NEST 3.10's trains of the certain ppd_sup case (tests/data/nest/devices2_reference.json,
relayed there by parrot neurons with the default delay of 1 ms), the train every target
shares (a parrot relays it one delay later), NEST's own gamma_sup test's rate and CV²
of a superposition (Deger et al. 2011), and runs that must equal each other (split,
checkpointed, 1 and 2 threads).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import spikesim
import spikesim.nest as nest

from .devices2_helpers import REF, fresh_kernel  # noqa: F401 - autouse fixture
from .gen_helpers import checkpoint_identical, threads_identical

PARAMS = {"gamma_sup_generator": {"rate": 80.0, "gamma_shape": 3, "n_proc": 4},
          "mip_generator": {"rate": 120.0, "p_copy": 0.4},
          "sinusoidal_gamma_generator": {"rate": 60.0, "amplitude": 40.0, "frequency": 10.0, "order": 3.0},
          "ppd_sup_generator": {"rate": 50.0, "dead_time": 4.0, "n_proc": 3},
          # a hazard of 1 per step: spikes in every step, so the counts drawn for the rest
          # of a slice when a run stops inside it are sure to be there (and kept in checkpoints)
          "ppd_sup_generator/certain": {"rate": 5000.0, "dead_time": 0.1, "n_proc": 3}}


def _recorded(model: str, params: dict, t_sim: float, parrots: int = 0, seed: int = 1
              ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Times recorded straight from one generator, and the trains of ``parrots`` parrots it drives."""
    nest.ResetKernel()
    nest.SetKernelStatus({"rng_seed": seed})
    params = dict(params)
    if "individual_spike_trains" in params:  # a model default only
        nest.SetDefaults(model, {"individual_spike_trains": params.pop("individual_spike_trains")})
    g = nest.Create(model, params=params)
    sr, psr = nest.Create("spike_recorder"), nest.Create("spike_recorder")
    nest.Connect(g, sr)
    par = nest.Create("parrot_neuron", parrots) if parrots else None
    if par is not None:
        nest.Connect(g, par)  # delay 1 ms
        nest.Connect(par, psr)
    nest.Simulate(t_sim)
    ev = psr.events
    trains = [np.sort(ev["times"][ev["senders"] == p]) for p in par.tolist()] if par is not None else []
    return np.sort(sr.events["times"]), trains


def test_certain_ppd_draws_are_nests_one_delay_earlier():
    ref = REF["ppd_sup_generator"]["certain"]
    got, _ = _recorded("ppd_sup_generator", ref["params"], ref["t_sim"])
    want = np.asarray(ref["times"][0]) - 1.0  # NEST's parrots relay the train 1 ms (the delay) later
    np.testing.assert_allclose(got, want[want <= ref["t_sim"] - 1.0 + 1e-9], rtol=0, atol=1e-9)


@pytest.mark.parametrize(("model", "params"), [
    ("sinusoidal_gamma_generator", {"rate": 60.0, "amplitude": 40.0, "frequency": 10.0, "order": 3.0,
                                    "individual_spike_trains": False}),
    ("mip_generator", {"rate": 120.0, "p_copy": 1.0}),
])
def test_a_shared_train_is_what_the_parrots_relay(model, params):
    got, trains = _recorded(model, params, 500.0, parrots=2)
    assert got.size > 20
    for tr in trains:  # every target reads the same train: the parrots relay it 1 ms later
        np.testing.assert_allclose(tr - 1.0, got[got <= 499.0 + 1e-9], rtol=0, atol=1e-9)


def test_superposition_rate_and_cv_as_nests_test():
    # NEST 3.10 testsuite, test_gamma_sup_generator_sup_rate_and_cv: h = 1 ms, 10 s
    shape, rate, n_proc, t_sim = 5, 10.0, 5, 10000.0
    nest.ResetKernel()
    nest.resolution = 1.0
    g = nest.Create("gamma_sup_generator", params={"rate": rate, "gamma_shape": shape, "n_proc": n_proc})
    sr = nest.Create("spike_recorder")
    nest.Connect(g, sr)
    nest.Simulate(t_sim)
    t = sr.events["times"]
    isi = np.diff(t)
    cvsq = isi.var() / isi.mean() ** 2
    dbar = 1.0 - 1.0 / np.sqrt(shape)
    cvsq_theory = (n_proc - 1.0 + 2.0 * (1.0 - dbar) ** (n_proc + 1)) / (1.0 + n_proc)
    ratio = t.size / (t_sim * 1e-3) / (rate * n_proc)
    assert abs(ratio - 1.0) < 4.0 * np.sqrt(cvsq_theory / t.size)  # 4 SE of the count
    assert 0.8 < cvsq / cvsq_theory < 1.2  # NEST's test's bound


def _build(model: str):
    def build(threads: int) -> spikesim.Simulator:
        sim = spikesim.Simulator(threads=threads, seed=5)
        g = sim.create(model.split("/")[0], params=PARAMS[model])
        n = sim.create("iaf_psc_alpha", 3)
        sim.connect(g, n, syn_spec={"weight": 50.0, "delay": 1.5})  # slices of 15 steps
        sim.connect(g, sim.create("spike_recorder", label="sr"))
        return sim
    return build


@pytest.mark.parametrize("model", sorted(PARAMS))
def test_threads_split_runs_and_checkpoints_record_the_same_trains(model, tmp_path: Path):
    ev = threads_identical(_build(model), 1000.0)
    assert ev["sr_times"].size > 30  # 42 to 321 spikes, as the rates say
    checkpoint_identical(_build(model), 73.3, 126.7, tmp_path / "c.h5")  # stops inside a slice
    whole, split = _build(model)(1), _build(model)(1)
    whole.simulate(200.0)
    for t in (33.3, 0.1, 100.0, 66.6):
        split.simulate(t)
    a, b = (s.nodes("sr") for s in (whole, split))
    np.testing.assert_array_equal(a.get("events")[0]["times"], b.get("events")[0]["times"])
