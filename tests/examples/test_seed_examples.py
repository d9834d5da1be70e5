"""Seeds 001-003 ported (Monitors, RunResult, Observer) and the faces they use.

The three examples run as shipped, at smaller sizes where the seed's are slow; the
Monitors table is compared line by line with seed 001's printed console output.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

import spikesim
from spikesim import Monitors, Observer
from spikesim.errors import BadParameter, BadProperty
from spikesim.monitors import PlotRecordings, RecordingTimes
from spikesim.observer import run

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))
SEED_001 = ROOT / "tests" / "data" / "seeds" / "001_monitor_recordings_console.txt"
TABLE_END = "#" * 61


def _table(text: str) -> list[str]:
    """The ALL RECORDINGS INFO table, lines stripped (the seed document lost the tabs)."""
    a = text.index("#################### ALL RECORDINGS INFO")
    b = text.index(TABLE_END, a + len(TABLE_END)) + len(TABLE_END)
    return [line.strip() for line in text[a:b].splitlines()]


def _figure_warnings(text: str) -> dict[str, bool]:
    """figure name -> whether PlotRecordings reported a raster without spikes."""
    out: dict[str, bool] = {}
    for block in re.split(r"(?=Generate fig )", text)[1:]:
        name = Path(re.match(r"Generate fig (\S+?)\.\.\.", block).group(1)).name
        out[name] = "WARNING PlotRecordings: my_pop1 does not contain any spikes" in block
    return out


# -- seed 001: Monitors --------------------------------------------------------------------

@pytest.fixture(scope="module")
def monitor_run(tmp_path_factory):
    import monitor_recordings
    out = tmp_path_factory.mktemp("monitors")
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        res = monitor_recordings.main(["--out", str(out), "--dpi", "30"])
    return res, buf.getvalue()


@pytest.mark.reference
def test_monitor_table_equals_seed_console(monitor_run):
    _, printed = monitor_run
    expected = SEED_001.read_text()
    assert _table(printed) == _table(expected)


@pytest.mark.reference
def test_monitor_plots_warn_where_the_seed_warns(monitor_run):
    """No-spike warnings for the same figures: the neuron starts at v = 0 (ANNarchy's init) and
    fires right after t = 0, so only chunks recorded from t = 0 on hold a spike."""
    res, printed = monitor_run
    expected = _figure_warnings(SEED_001.read_text())
    assert _figure_warnings(printed) == expected
    assert list(expected.values()) == [True, True, True, True, False, False]
    assert all(Path(f).stat().st_size > 5_000 for f in res["figures"])


def test_monitor_arrays_match_their_periods(monitor_run):
    res, _ = monitor_run
    for recs, times in zip(res["recordings"], res["recording_times"], strict=True):
        for chunk, rec in enumerate(recs):
            for pop in ("my_pop1", "my_pop2"):
                t = times.all()[chunk][pop]
                assert rec[f"{pop};v"].shape == (t["stop"]["idx"][-1] + 1, 1)
            assert rec["dt"] == 0.1 and rec["my_pop1;period"] == 2.0 and rec["my_pop2;period"] == 0.1
            assert rec["units"] == {"my_pop1;v": "mV", "my_pop2;v": "mV"}
            assert float(rec["my_pop2;parameter_dict"]["I_app"][0]) == 52.0
    # recordings2, chunk 1 starts at t = 0 after a model reset: the first spike is in it
    spikes = res["recordings"][1][1]["my_pop1;spike"]
    assert list(spikes) == [0] and len(spikes[0]) == 1 and 0 < spikes[0][0] < 30
    # the recorded v of a chunk restarting at 0 begins with the first step's update of v = 0
    assert res["recordings"][2][0]["my_pop1;v"][0, 0] == pytest.approx(0.1 * 0.7 * 60 * 40 / 100)


def _sim_with_pops():
    sim = spikesim.Simulator(resolution=0.1)
    sim.create("iaf_psc_exp", 3, {"I_e": 400.0}, label="e")
    sim.create("izhikevich2007", 2, {"v": -60.0}, label="z")
    sim.create("spike_recorder", label="sr")
    return sim


def test_monitors_off_grid_start_and_nest_names():
    """Periods start at the first multiple of the period at or after start; 'v' names V_m."""
    sim = _sim_with_pops()
    mon = Monitors(sim, {"e;2": ["v", "spike"]})
    sim.simulate(101.3)
    mon.start()
    sim.simulate(10.0)
    mon.pause()
    sim.simulate(5.0)
    mon.start()
    assert mon.current_chunk() == 0
    sim.simulate(3.0)
    rec = mon.get_recordings()
    t = mon.get_recording_times()
    assert t.all() == [{"e": {"start": {"ms": [102.0, 118.0], "idx": [0, 5]},
                              "stop": {"ms": [110.0, 118.0], "idx": [4, 5]}}}]
    assert t.time_lims(0, "e") == (102.0, 118.0) and t.idx_lims(0, "e", 1) == (5, 5)
    assert t.nbr_periods() == 2
    np.testing.assert_allclose(t.sample_times(0, "e", 2.0), [102, 104, 106, 108, 110, 118])
    v = rec[0]["e;v"]
    assert v.shape == (6, 3) and np.all(v < -50.0)
    # the sample at 118.0 is V_m after the step 118.0 -> 118.1, the multimeter's stamp 118.1
    assert rec[0]["e;spike"].keys() == {0, 1, 2}
    mon.pause()
    assert mon.current_chunk() is None
    assert mon.devices["e"].keys() == {"multimeter", "spike_recorder"}


def test_monitors_chunks_reset_and_clear():
    sim = _sim_with_pops()
    mon = Monitors(sim, {"z": ["v", "u"]})
    mon.start()
    sim.simulate(1.0)
    mon.reset(model=True)
    assert sim.time == 0.0 and sim.segment == 1
    sim.simulate(0.5)
    mon.reset(model=False)
    sim.simulate(0.5)
    rec, times = mon.get_recordings_and_clear()
    assert [r["z;v"].shape for r in rec] == [(10, 2), (5, 2), (5, 2)]
    assert [c["z"]["start"]["ms"] for c in times.all()] == [[0.0], [0.0], [0.5]]
    # the reset chunk repeats the first one: same start, same dynamics
    np.testing.assert_allclose(rec[1]["z;v"], rec[0]["z;v"][:5])
    np.testing.assert_allclose(rec[1]["z;u"], rec[0]["z;u"][:5])
    # cleared: paused, nothing recorded
    sim.simulate(1.0)
    with pytest.warns(UserWarning, match="Monitors.get_recordings: no recordings available"):
        assert mon.get_recordings() == []
    with pytest.warns(UserWarning, match="Monitors.get_recording_times: no recordings available"):
        assert mon.get_recording_times().all() == []


@pytest.mark.parametrize("mon_dict,match", [
    ({}, r"Monitors: parameter 'mon_dict' = \{\} is not allowed; give a dict like"),
    ({"e": ["v"], "e;2": ["v"]}, r"parameter 'mon_dict' = \['e', 'e;2'\] is not allowed; each population may "
                                 r"appear once"),
    ({"e;1;2": ["v"]}, r"parameter 'mon_dict key' = 'e;1;2' is not allowed; use \"label\" or"),
    ({"sr": ["v"]}, r"parameter 'mon_dict key' = 'sr' is not allowed; monitors record neuron populations"),
    ({"x": ["v"]}, r"nodes: parameter 'label' = 'x' is not allowed; known labels are \['e', 'sr', 'z'\]"),
    ({"e;abc": ["v"]}, r"parameter 'period' = 'abc' is not allowed; give it in ms, e.g. 'e;2'"),
    ({"e;0.15": ["v"]}, r"parameter 'period' = 0.15 is not allowed; it must be a positive multiple of the "
                        r"resolution \(0.1 ms\)"),
    ({"e": "v"}, r"parameter 'mon_dict\['e'\]' = 'v' is not allowed; give a list such as"),
    ({"e": ["w"]}, r"parameter 'mon_dict\['e'\]' = 'w' is not allowed; iaf_psc_exp records \['I_syn_ex', "
                   r"'I_syn_in', 'V_m'\] and 'spike'"),
    ({"e": ["v", "v"]}, r"parameter 'mon_dict\['e'\]' = \['v', 'v'\] is not allowed; each variable may appear"),
])
def test_monitors_reject_bad_dicts_and_create_nothing(mon_dict, match):
    sim = _sim_with_pops()
    n = sim.num_nodes
    with pytest.raises(BadProperty, match=match):
        Monitors(sim, mon_dict)
    assert sim.num_nodes == n


def test_monitors_reject_bad_calls():
    sim = _sim_with_pops()
    mon = Monitors(sim, {"e": ["v"]})
    with pytest.raises(BadProperty, match=r"Monitors.start: parameter 'compartment_list' = 'zz' is not allowed; "
                                          r"the monitored populations are \['e'\]"):
        mon.start(["zz"])
    with pytest.raises(BadProperty, match=r"Monitors.pause: parameter 'compartment_list' = 'e' is not allowed; "
                                          r"give a list of population labels"):
        mon.pause("e")
    with pytest.raises(BadProperty, match=r"Monitors.reset: parameter 'model' = 'yes' is not allowed; it must be "
                                          r"True or False"):
        mon.reset(model="yes")


def test_recording_times_and_plot_errors(tmp_path):
    rt = RecordingTimes([{"a": {"start": {"ms": [], "idx": []}, "stop": {"ms": [], "idx": []}},
                          "b": {"start": {"ms": [0.0], "idx": [0]}, "stop": {"ms": [1.0], "idx": [10]}}}])
    with pytest.raises(BadProperty, match=r"RecordingTimes: parameter 'chunk' = 3 is not allowed; there are 1 "
                                          r"chunks \(0..0\)"):
        rt.time_lims(chunk=3)
    with pytest.raises(BadProperty, match=r"parameter 'compartment' = 'c' is not allowed; the compartments are "
                                          r"\['a', 'b'\]"):
        rt.idx_lims(0, "c")
    with pytest.raises(BadProperty, match=r"parameter 'compartment' = 'a' is not allowed; it recorded nothing in "
                                          r"chunk 0"):
        rt.time_lims(0, "a")
    with pytest.raises(BadProperty, match=r"parameter 'period' = 1 is not allowed; chunk 0 of 'b' has 1 periods"):
        rt.time_lims(0, "b", period=1)
    rec = [{"b;v": np.zeros((11, 1)), "b;period": 0.1, "dt": 0.1}]
    plan = {"position": [1], "compartment": ["b"], "variable": ["v"], "format": ["line"]}
    with pytest.raises(BadProperty, match=r"PlotRecordings: parameter 'chunk' = 1 is not allowed; there are 1 "
                                          r"chunks"):
        PlotRecordings(str(tmp_path / "x.png"), rec, rt, (1, 1), plan, chunk=1)
    with pytest.raises(BadProperty, match=r"PlotRecordings: parameter 'plan\['format'\]' = 'matrix' is not "
                                          r"allowed; the formats are \['line', 'mean', 'raster'\]"):
        PlotRecordings(str(tmp_path / "x.png"), rec, rt, (1, 1), {**plan, "format": ["matrix"]})
    with pytest.raises(BadParameter, match=r"PlotRecordings: chunk 0 has no recordings of 'a'"):
        PlotRecordings(str(tmp_path / "x.png"), rec, rt, (1, 1), {**plan, "compartment": ["a"]})
    PlotRecordings(str(tmp_path / "x.png"), rec, rt, (1, 1), plan, dpi=30)
    assert (tmp_path / "x.png").exists()


# -- seed 002: RunResult ----------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1])
def test_record_and_analyze(tmp_path, seed, capsys):
    """1 MHz Poisson drive: a refractory-limited train every 2.2-2.3 ms, as NEST 3.10 gives."""
    import record_and_analyze
    res = record_and_analyze.main(["--out", str(tmp_path), "--seed", str(seed)])
    t = res["spike_times"]
    assert res["n_events"] == t.size and 44 <= t.size <= 46
    assert res["rate"] == pytest.approx(t.size / 0.1)
    assert 2.05 < t[0] < 2.25 and t[-1] <= 100.0
    assert np.sum(t <= 30.0) == 13
    isi = np.diff(t)
    assert np.all((isi > 2.15) & (isi < 2.35))
    assert res["cv"] == pytest.approx(isi.std() / isi.mean()) and res["cv"] < 0.03
    # a spike in row k of spikes() is stamped times[k] = (k + 1) h
    np.testing.assert_allclose(t, (res["steps"] + 1) * 0.1)
    v = res["v"]
    assert v.size == 1000 and v.min() == pytest.approx(-70.0) and -56.5 < v.max() < -55.0
    out = capsys.readouterr().out
    assert f"n_events: {t.size}" in out and "ISI CV: 0.0" in out
    assert res["png"].stat().st_size > 10_000


# -- seed 003: Observer --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def observer_run(tmp_path_factory):
    import contextlib
    import io

    import observer
    out = tmp_path_factory.mktemp("observer")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        res = observer.main(["--out", str(out), "--steps", "2000", "--loop-steps", "2000"])
    return res, buf.getvalue()


def test_observer_port_sample_counts(observer_run):
    res, printed = observer_run
    assert printed.splitlines()[-2:] == ["2000", "1000"]   # len(obs[...]) for sampling_steps 1 and 2
    obs1, obs2 = res["obs1"], res["obs2"]
    np.testing.assert_array_equal(obs2.steps, np.arange(0, 2000, 2))
    # sampling every second step samples the same trajectory
    np.testing.assert_allclose(obs2.to_numpy(("qif", "v")), obs1.to_numpy(("qif", "v"))[::2], rtol=0, atol=0)
    # ... and reports the mean output of the steps since the previous sample, as rectipy
    o1 = obs1.to_numpy("out")
    np.testing.assert_allclose(obs2.to_numpy("out")[1:], (o1[1:-1:2] + o1[2::2]) / 2, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(obs2.to_numpy("out")[0], o1[0])
    assert obs1.to_numpy("out").max() > 0.5   # neurons spiked
    assert res["obs3"].recorded_variables == ["out"] and len(res["obs3"]["out"]) == 2000
    assert all(Path(f).stat().st_size > 5_000 for f in res["figures"])


def test_observer_custom_loop_equals_run_and_mean_equals_neurons(observer_run):
    """The step loop with Observer.record records what run() records; the population mean
    recorded by run() is the mean of the per-neuron records of the loop."""
    res, _ = observer_run
    loop, obs1 = res["obs"], res["obs1"]
    v = loop.to_numpy(("qif", "v"))
    assert v.shape == (2000, 5) and not loop.reduced(("qif", "v")) and obs1.reduced(("qif", "v"))
    np.testing.assert_allclose(obs1.to_numpy(("qif", "v")), v.mean(axis=1), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(loop.to_numpy("out"), obs1.to_numpy("out"))
    df = loop.to_dataframe(("qif", "v"))
    assert df.shape == (2000, 5) and df.index[1] == pytest.approx(1e-3)
    assert isinstance(loop["out"], list) and len(loop["out"]) == 2000
    assert loop.recordings.shape == (2000, 10)


def test_observer_custom_record_and_errors():
    obs = Observer(0.5, record_output=True, record_loss=True, record_vars=[("p", "v", True), ("p", "u")])
    obs.record(0, output=[1.0, 2.0], loss=0.25, record_vars=[np.array([1.0, 3.0]), [4.0, 5.0]])
    obs.record(2, output=[3.0, 4.0], loss=0.5, record_vars=[np.array([2.0, 4.0]), [6.0, 7.0]])
    np.testing.assert_array_equal(obs.to_numpy(("p", "v")), [2.0, 3.0])
    np.testing.assert_array_equal(obs.to_numpy(("p", "u")), [[4.0, 5.0], [6.0, 7.0]])
    np.testing.assert_array_equal(obs.to_numpy("loss"), [0.25, 0.5])
    np.testing.assert_array_equal(obs.times, [0.0, 1.0])
    obs.save("note", {"a": 1})
    assert obs["note"] == {"a": 1}
    assert obs.recorded_state_variables == [("p", "v"), ("p", "u")]
    ax = obs.plot(("p", "v"), x="loss")
    assert ax.get_xlabel() == "loss" and ax.get_ylabel() == "Node: p, variable: v"
    obs.matshow(("p", "u"))
    with pytest.raises(KeyError, match=r"Observer: nothing recorded under 'x'; the keys are"):
        obs["x"]
    with pytest.raises(BadProperty, match=r"Observer.record: parameter 'record_vars' = '1 values' is not allowed; "
                                          r"give one array per declared variable"):
        obs.record(3, output=[0.0, 0.0], loss=0.0, record_vars=[[1.0, 2.0]])
    with pytest.raises(BadProperty, match=r"Observer: parameter 'dt' = 0 is not allowed; it must be a positive"):
        Observer(0)
    with pytest.raises(BadProperty, match=r"Observer: parameter 'record_vars' = 'v' is not allowed; give tuples"):
        Observer(0.1, record_vars=["v"])
    with pytest.raises(BadProperty, match=r"Observer: parameter 'record_vars' = \[\('p', 'v'\), \('p', 'v', "
                                          r"True\)\] is not allowed; each variable may appear once"):
        Observer(0.1, record_vars=[("p", "v"), ("p", "v", True)])


def _qif_sim(labels=("qif",)):
    sim = spikesim.Simulator(resolution=0.001)
    for label in labels:
        sim.create("qif", 2, label=label)
    return sim


@pytest.mark.parametrize("kwargs,match", [
    ({"inputs": np.zeros(5)}, r"run: parameter 'inputs' = 'array of shape \(5,\)' is not allowed; give a "
                              r"\(steps x neurons\) array"),
    ({"inputs": np.full((2, 2), np.inf)}, r"run: parameter 'inputs' = inf is not allowed; inputs must be finite"),
    ({"inputs": np.zeros((0, 2))}, r"run: parameter 'inputs' = '0 rows' is not allowed; give at least one step"),
    ({"inputs": np.zeros((3, 2)), "steps": 4}, r"run: parameter 'steps' = 4 is not allowed; inputs has 3 rows"),
    ({}, r"run: parameter 'steps' = None is not allowed; give inputs \(a steps x neurons array\) or the number"),
    ({"steps": 0}, r"run: parameter 'steps' = 0 is not allowed; it must be an integer >= 1"),
    ({"steps": 3, "sampling_steps": 0}, r"run: parameter 'sampling_steps' = 0 is not allowed; it must be an "
                                        r"integer >= 1"),
    ({"steps": 3, "cutoff": -1}, r"run: parameter 'cutoff' = -1 is not allowed; it must be an integer >= 0"),
    ({"inputs": np.zeros((3, 3))}, r"run: parameter 'inputs' = 'array of shape \(3, 3\)' is not allowed; qif has "
                                   r"2 neurons: give 2 columns"),
    ({"steps": 3, "target": "sr"}, r"run: parameter 'target' = 'sr' is not allowed; it must name one whole "
                                   r"population of neurons"),
    ({"steps": 3, "output": "s"}, r"run: parameter 'output' = 's' is not allowed; give \(population, variable\)"),
    ({"steps": 3, "record_vars": [("qif", "w", True)]}, r"run: parameter 'record_vars' = \('qif', 'w'\) is not "
                                                        r"allowed; qif \(qif\) records \['v', 's', 's_in', 'I_ext'\]"),
    ({"steps": 3, "obs": Observer(0.1)}, r"run: parameter 'obs' = Observer\(dt=0.1, .*\) is not allowed; give an "
                                         r"Observer with dt = the resolution \(0.001 ms\)"),
])
def test_run_rejects_bad_arguments(kwargs, match):
    sim = _qif_sim()
    sim.create("spike_recorder", label="sr")
    with pytest.raises(BadProperty, match=match):
        run(sim, **kwargs)
    assert sim.step == 0


def test_run_target_choice_and_models_without_step_input():
    sim = _qif_sim(("a", "b"))
    with pytest.raises(BadProperty, match=r"run: parameter 'target' = None is not allowed; name the population that "
                                          r"takes the input and gives the output; the labelled neuron populations "
                                          r"are \['a', 'b'\]"):
        run(sim, inputs=np.zeros((3, 2)))
    with pytest.raises(BadProperty, match=r"run: parameter 'target' = NodeCollection\(.*\) is not allowed; give "
                                          r"the label of a population"):
        run(sim, inputs=np.zeros((3, 2)), target=sim.nodes("a")[:1])
    obs = run(sim, inputs=np.ones((3, 2)), target=sim.nodes("b"), record_vars=[("a", "v", True)])
    assert obs.to_numpy("out").shape == (3, 2) and obs.to_numpy(("a", "v")).shape == (3,)
    sim.create("iaf_psc_exp", 2, label="iaf")
    with pytest.raises(BadProperty, match=r"run: parameter 'target' = 'iaf' is not allowed; its model iaf_psc_exp "
                                          r"takes no step input; models that do: qif, izhikevich2007"):
        run(sim, inputs=np.zeros((3, 2)), target="iaf")
    with pytest.raises(BadProperty, match=r"run: parameter 'output' = None is not allowed; iaf_psc_exp has no "
                                          r"default output; give output=\(population, variable\)"):
        run(sim, steps=3, target="iaf")
    obs = run(sim, steps=4, target="iaf", output=("iaf", "v"), record_vars=[("iaf", "v", False)])
    np.testing.assert_allclose(obs.to_numpy("out"), obs.to_numpy(("iaf", "v")))
    np.testing.assert_allclose(obs.to_numpy("out"), -70.0)


def test_run_input_is_not_replayed_after_a_reset():
    """Input arrays play once: after reset(model=True) a run without input sees none."""
    sim = _qif_sim()
    q = sim.nodes("qif")
    first = run(sim, inputs=np.full((200, 2), 50.0), record_vars=[("qif", "v", True)])
    sim.reset(model=True)
    again = run(sim, steps=200, record_vars=[("qif", "v", True)])
    assert first.to_numpy(("qif", "v"))[-1] > again.to_numpy(("qif", "v"))[-1] + 1.0
    assert float(q.get("I_ext")[0]) == 0.0


def test_observer_docstring_example_runs():
    import doctest

    import spikesim.observer.observer as module
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
