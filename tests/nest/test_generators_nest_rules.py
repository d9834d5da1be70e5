"""Generator parameters under the NEST face as NEST 3.10 stores and refuses them.

Expected values obtained by running the same calls with NEST 3.10
(``~/.venvs/nest/bin/python``, ``import nest``).
"""

from __future__ import annotations

import pytest

import spikesim.nest as nest


@pytest.fixture(autouse=True)
def fresh_kernel():
    nest.ResetKernel()
    yield
    nest.ResetKernel()


def test_spike_times_stored_on_the_grid():
    nest.resolution = 0.5
    sg = nest.Create("spike_generator", params={"spike_times": [0.3, 1.0, 1.2, 1.2004], "allow_offgrid_times": True})
    sg2 = nest.Create("spike_generator", params={"spike_times": [0.0, 2.0, 2.0004], "shift_now_spikes": True})
    # NEST 3.10: [0.5, 1.0, 1.5, 1.5] and [0.5, 2.0, 2.0]; the recorder gets those times
    assert list(sg.get("spike_times")) == [0.5, 1.0, 1.5, 1.5]
    assert list(sg2.get("spike_times")) == [0.5, 2.0, 2.0]
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, sr)
    nest.Connect(sg2, sr)
    nest.Simulate(5.0)
    assert sorted(sr.events["times"].tolist()) == [0.5, 0.5, 1.0, 1.5, 1.5, 2.0, 2.0]


@pytest.mark.parametrize(("origin", "times", "stored", "recorded"), [
    (0.0, [10.0, 11.0], [10.1, 11.0], [10.1, 11.0]),
    (2.0, [8.0, 9.0], [8.1, 9.0], [10.1, 11.0]),
    (0.0, [8.0, 9.0], [8.0, 9.0], []),
])
def test_a_spike_time_set_now_moves_to_the_next_step(origin, times, stored, recorded):
    # NEST 3.10 (shift_now_spikes, Simulate(10), set the times, Simulate(10)): a time that
    # is now (origin + time = 10 ms) is stored and sent one step later; times count from
    # the origin, and past times are not sent
    sg = nest.Create("spike_generator", params={"shift_now_spikes": True, "origin": origin})
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, sr)
    nest.Simulate(10.0)
    sg.set({"spike_times": times})
    nest.Simulate(10.0)
    assert list(sg.get("spike_times")) == pytest.approx(stored, abs=1e-12)
    assert sr.events["times"].tolist() == pytest.approx(recorded, abs=1e-12)


def test_spike_times_count_from_the_origin():
    # NEST 3.10: origin 2.0, window (2.5, 13.0] ms, times 1, 3, 12 -> sent at 3.0 and 5.0 ms
    sg = nest.Create("spike_generator", params={"origin": 2.0, "spike_times": [1.0, 3.0, 12.0], "start": 0.5,
                                                "stop": 11.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, sr)
    nest.Simulate(20.0)
    assert sr.events["times"].tolist() == [3.0, 5.0]


def test_spike_time_within_half_a_tic_is_the_step():
    sg = nest.Create("spike_generator", params={"spike_times": [0.1, 10.0, 10.5, 10.50001]})
    assert sg.get("spike_times") == pytest.approx([0.1, 10.0, 10.5, 10.5], abs=1e-12)  # NEST 3.10


def test_individual_spike_trains_only_as_a_default():
    g = nest.Create("sinusoidal_poisson_generator")
    with pytest.raises(nest.NESTErrors.BadProperty, match="can only be set as a model default"):
        g.individual_spike_trains = True  # NEST 3.10: BadProperty, also for the present value
    g.set(rate=1.0)
    nest.SetDefaults("sinusoidal_poisson_generator", {"individual_spike_trains": False})
    assert nest.Create("sinusoidal_poisson_generator").individual_spike_trains is False


def test_noise_dt_off_the_grid_is_step_multiple_required():
    with pytest.raises(nest.NESTErrors.StepMultipleRequired, match="'dt' = 0.25 is not allowed"):
        nest.Create("noise_generator", params={"dt": 0.25})  # NEST 3.10: StepMultipleRequired
