"""Step-loop runs (rectipy's ``Network.run``): an observer's time axis across runs and
population means reduced as they are recorded."""

import numpy as np

import spikesim
from spikesim.observer import runner


def _qif_network() -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=1e-3, seed=2)
    sim.create("qif", 20, {"eta": -5.0}, label="qif")
    return sim


def test_observer_given_to_a_second_run_keeps_one_time_axis():
    """With ``obs=`` the second run's samples lay at 0 again while simulation time went on."""
    sim = _qif_network()
    inputs = np.full((300, 20), 15.0)
    obs = sim.run(inputs=inputs, record_vars=[("qif", "v", True)], sampling_steps=3)
    sim.simulate(0.1)                      # 100 steps the observer does not record
    sim.run(inputs=inputs, obs=obs, sampling_steps=3)
    steps = obs.steps
    assert steps.tolist() == list(range(0, 300, 3)) + list(range(400, 700, 3))
    index = obs.to_dataframe(("qif", "v")).index.to_numpy()
    np.testing.assert_allclose(index, steps * 1e-3)
    assert np.all(np.diff(index) > 0)


def test_population_mean_is_reduced_while_recording(monkeypatch):
    """``mean=True`` kept every neuron's samples in the multimeter and averaged at the
    end; now the runner drains and reduces every ``DRAIN_VALUES`` values, giving the
    same means."""
    inputs = np.random.default_rng(1).normal(10.0, 5.0, (2000, 20))
    sim = _qif_network()
    whole = sim.run(inputs=inputs, record_vars=[("qif", "v", True), ("qif", "s", False)])
    held: list[int] = []
    read = runner._read

    def spy(sim, mm, nodes, sources, t0):
        if "v" in sources:  # the state-variable meter (the output meter holds every step)
            held.append(int(mm.get("n_events")[0]))
        return read(sim, mm, nodes, sources, t0)

    monkeypatch.setattr(runner, "DRAIN_VALUES", 400)
    monkeypatch.setattr(runner, "_read", spy)
    sim = _qif_network()
    drained = sim.run(inputs=inputs, record_vars=[("qif", "v", True), ("qif", "s", False)])
    assert len(held) > 10 and max(held) <= 400 // 2  # rows: samples x 20 neurons, 2 variables each
    np.testing.assert_array_equal(drained.to_numpy(("qif", "v")), whole.to_numpy(("qif", "v")))
    np.testing.assert_array_equal(drained.to_numpy(("qif", "s")), whole.to_numpy(("qif", "s")))
    assert drained.to_numpy(("qif", "v")).shape == (2000,)
    np.testing.assert_array_equal(drained.to_numpy("out"), whole.to_numpy("out"))
