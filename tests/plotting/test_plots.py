"""spikesim.plotting: every function returns a figure that saves headless; plans validate."""

from __future__ import annotations

import doctest
import importlib
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from spikesim.data.events import SpikeEvents, Traces  # noqa: E402
from spikesim.errors import BadParameter  # noqa: E402
from spikesim.plotting import (  # noqa: E402
    NoSpikesWarning,
    plot_recordings,
    psth,
    raster,
    traces,
    weight_histogram,
)

SPIKES = {"senders": np.array([1, 2, 1, 2, 1]), "times": np.array([1.0, 2.5, 5.0, 7.5, 9.0])}
T = np.round(np.arange(1, 101) * 0.1, 10)
MM = {"senders": np.repeat([1, 2], 100).reshape(2, 100).T.ravel(), "times": np.repeat(T, 2),
      "V_m": np.sin(np.repeat(T, 2)) - 65.0}
PLAN = {"position": [1, 2, 3], "compartment": ["exc", "exc", "exc"],
        "variable": ["V_m", "spike", "spike"], "format": ["line", "raster", "psth"]}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _saves(fig, tmp_path, name="fig.png"):
    path = tmp_path / name
    fig.savefig(path)
    assert path.stat().st_size > 1000
    return path


@pytest.mark.parametrize("name", ["spikesim.plotting.plans", "spikesim.plotting.psth", "spikesim.plotting.raster",
                                  "spikesim.plotting.traces", "spikesim.plotting.weights"])
def test_docstring_examples(name):
    # importlib: the attribute spikesim.plotting.psth is the function, not the module
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_raster_keeps_its_signature_and_histogram(tmp_path):
    fig = raster(SPIKES["senders"], SPIKES["times"], hist=True, hist_binwidth=5.0, title="spikes")
    assert len(fig.axes) == 2
    bars = fig.axes[1].patches
    # (0, 5] holds 1.0, 2.5, 5.0; (5, 10] holds 7.5, 9.0; per spiking neuron (2) per 5 ms
    assert [round(b.get_height(), 6) for b in bars] == [300.0, 200.0]
    _saves(fig, tmp_path)


def test_raster_into_an_axes_and_its_error():
    fig, ax = plt.subplots()
    assert raster(SPIKES["senders"], SPIKES["times"], ax=ax) is fig
    with pytest.raises(BadParameter, match="'hist' = True is not allowed together with 'ax'"):
        raster(SPIKES["senders"], SPIKES["times"], hist=True, ax=ax)


def test_traces_still_work(tmp_path):
    fig = traces(MM["times"], MM["senders"], MM["V_m"], title="V_m")
    assert len(fig.axes[0].lines) == 2
    _saves(fig, tmp_path)


def test_psth_rates_and_counts(tmp_path):
    fig = psth(SPIKES["times"], bin_size=5.0, n_neurons=2)
    heights = [b.get_height() for b in fig.axes[0].patches]
    assert heights == pytest.approx([300.0, 200.0])
    assert fig.axes[0].get_xlim() == (0.0, 10.0)
    _saves(fig, tmp_path)
    fig = psth(SPIKES["times"], bin_size=2.0, t_stop=10.0, output="counts")
    assert [b.get_height() for b in fig.axes[0].patches] == [1, 1, 1, 1, 1]
    with pytest.raises(BadParameter, match=r"'output' = 'hz' is not allowed; it must be one of \['counts', 'rate'\]"):
        psth(SPIKES["times"], output="hz")
    with pytest.raises(BadParameter, match="'bin_size' = 0 is not allowed"):
        psth(SPIKES["times"], bin_size=0)


def test_weight_histogram_overlays(tmp_path):
    rng = np.random.default_rng(1)
    fig = weight_histogram(rng.normal(1.0, 0.1, 500), bins=np.arange(0.5, 1.5, 0.02), density=True,
                           label="run 1")
    weight_histogram(rng.normal(1.1, 0.1, 500), bins=np.arange(0.5, 1.5, 0.02), density=True,
                     label="run 2", ax=fig.axes[0])
    assert fig.axes[0].get_ylabel() == "p(w)"
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["run 1", "run 2"]
    _saves(fig, tmp_path)
    with pytest.raises(BadParameter, match="weights must be finite numbers"):
        weight_histogram([1.0, np.nan])


def test_plot_recordings_plan_saves_figure(tmp_path):
    recs = {"exc": [SpikeEvents.from_events(SPIKES), Traces.from_events(MM)]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_recordings(recs, PLAN, shape=(2, 2), figname=str(tmp_path / "plan.png"))
    assert (tmp_path / "plan.png").stat().st_size > 1000
    assert len(fig.axes) == 3
    assert fig.axes[0].get_ylabel() == "V_m (mV)"
    assert fig.axes[0].get_xlim() == pytest.approx((0.1, 10.0))  # shared time axis


def test_plot_recordings_accepts_events_dicts():
    fig = plot_recordings({"exc": [SPIKES, MM]}, PLAN)
    assert len(fig.axes) == 3


def test_raster_without_spikes_warns_not_raises(tmp_path):
    recs = {"exc": [SpikeEvents.from_events(SPIKES), Traces.from_events(MM)]}
    plan = {"position": [1, 2], "compartment": ["exc", "exc"], "variable": ["V_m", "spike"],
            "format": ["line", "raster"]}
    with pytest.warns(NoSpikesWarning, match="exc does not contain any spikes in the given time interval"):
        fig = plot_recordings(recs, plan, shape=(2, 1), time_lim=(0.0, 0.5))
    _saves(fig, tmp_path)


def test_plot_recordings_chooses_the_segment():
    ev = SpikeEvents.from_segments([SPIKES, {"senders": np.array([3]), "times": np.array([0.4])}])
    plan = {"position": [1], "compartment": ["p"], "variable": ["spike"], "format": ["raster"]}
    fig = plot_recordings({"p": ev}, plan, segment=1)
    x, y = fig.axes[0].lines[0].get_data()
    assert list(y) == [3] and list(x) == [0.4]


@pytest.mark.parametrize("plan, shape, message", [
    ({**PLAN, "format": ["line", "matrix", "raster"]}, (2, 2), r"'plan\['format'\]' = 'matrix' is not allowed; "
     r"the formats are \['line', 'psth', 'raster'\]"),
    ({**PLAN, "position": [1, 2, 5]}, (2, 2), r"'plan\['position'\]' = 5 is not allowed; positions must be "
     r"unique and in 1..4"),
    ({**PLAN, "position": [1, 1, 2]}, (2, 2), "positions must be unique"),
    ({**PLAN, "compartment": ["exc", "inh", "exc"]}, (2, 2), r"'plan\['compartment'\]' = 'inh' is not "
     r"allowed; the recorded compartments are \['exc'\]"),
    ({**PLAN, "variable": ["U_m", "spike", "spike"]}, (2, 2), r"the recorded variables of 'exc' are \['V_m'\]"),
    ({**PLAN, "format": ["raster", "raster", "psth"]}, (2, 2), "format 'raster' draws spikes; use variable 'spike'"),
    ({**PLAN, "format": ["line", "line", "psth"]}, (2, 2), "spikes are drawn with format 'raster' or 'psth'"),
    ({"position": [1], "compartment": ["exc"]}, (1, 1), r"missing \['variable', 'format'\]"),
    ({**PLAN, "position": [1, 2]}, (2, 2), "all lists must be equally long"),
    (PLAN, (0, 2), r"'shape' = \(0, 2\) is not allowed"),
])
def test_plan_errors_name_the_entry(plan, shape, message):
    recs = {"exc": [SpikeEvents.from_events(SPIKES), Traces.from_events(MM)]}
    with pytest.raises(BadParameter, match=message):
        plot_recordings(recs, plan, shape=shape)


def test_plan_needs_spike_events_for_a_raster():
    plan = {"position": [1], "compartment": ["exc"], "variable": ["spike"], "format": ["raster"]}
    with pytest.raises(BadParameter, match="the compartment has no SpikeEvents"):
        plot_recordings({"exc": Traces.from_events(MM)}, plan)
    with pytest.raises(BadParameter, match=r"'recordings\['exc'\]' = 'int' is not allowed"):
        plot_recordings({"exc": 3}, plan)  # type: ignore[dict-item]


def test_plot_recordings_names_a_wrong_argument_type():
    # Monitors.get_recordings() returns a list of chunk dicts, not compartment -> data
    plan = {"position": [1], "compartment": ["exc"], "variable": ["spike"], "format": ["raster"]}
    with pytest.raises(BadParameter, match=r"plot_recordings: parameter 'recordings' = 'list' is not allowed; "
                                           r"give a dict compartment -> SpikeEvents"):
        plot_recordings([{"exc;spike": {0: [1, 2]}}], plan)  # type: ignore[arg-type]
    with pytest.raises(BadParameter, match=r"parameter 'plan' = 'list' is not allowed; give a dict"):
        plot_recordings({"exc": SpikeEvents.from_events(SPIKES)}, [plan])  # type: ignore[arg-type]
