"""spikesim.data.events: SpikeEvents and Traces, their pandas and Neo conversions."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import spikesim.data.columnar as columnar_module
import spikesim.data.events as events_module
import spikesim.data.traces as traces_module
from spikesim.data.events import SpikeEvents, Traces, default_unit
from spikesim.errors import BadParameter

# what a spike recorder's memory backend returns: chronological, ties by sender
SPIKES = {"senders": np.array([1, 3, 1, 2, 3]),
          "times": np.array([0.1, 0.1, 0.30000000000000004, 0.7000000000000001, 1.5])}
# a multimeter sampling two neurons every 0.1 ms from 0.1 ms
MM = {"senders": np.array([1, 2, 1, 2, 1, 2]),
      "times": np.array([0.1, 0.1, 0.2, 0.2, 0.30000000000000004, 0.30000000000000004]),
      "V_m": np.array([-70.0, -65.0, -69.5, -64.0, -69.0, -63.0]),
      "g_ex": np.array([0.0, 1.0, 0.5, 1.5, 0.25, 2.0])}


@pytest.mark.parametrize("module", [events_module, traces_module, columnar_module])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


# -- SpikeEvents ----------------------------------------------------------------------------
def test_from_events_keeps_columns_and_order():
    ev = SpikeEvents.from_events(SPIKES)
    np.testing.assert_array_equal(ev.senders, SPIKES["senders"])
    np.testing.assert_array_equal(ev.times, SPIKES["times"])
    assert ev.segments == [0] and len(ev) == 5
    assert ev.ids.tolist() == [1, 2, 3]
    assert ev.senders.dtype == np.int64 and ev.times.dtype == np.float64
    with pytest.raises(ValueError):
        ev.times[0] = 9.0  # columns are read-only: views are derived, never edited in place


def test_from_events_converts_time_in_steps():
    ev = SpikeEvents.from_events({"senders": np.array([1, 2]), "times": np.array([3, 7]),
                                  "offsets": np.zeros(2)}, resolution=0.1)
    np.testing.assert_allclose(ev.times, [0.3, 0.7])
    with pytest.raises(BadParameter, match="'resolution' = None is not allowed; the events were recorded "
                                           "with time_in_steps"):
        SpikeEvents.from_events({"senders": np.array([1]), "times": np.array([3]), "offsets": np.zeros(1)})


def test_from_events_refuses_sampled_columns():
    with pytest.raises(BadParameter, match=r"the columns \['V_m', 'g_ex'\] are not spike events: "
                                           "use Traces.from_events"):
        SpikeEvents.from_events(MM)


def test_constructor_errors():
    with pytest.raises(BadParameter, match="'senders' and 'times' must be 1-D arrays of equal length"):
        SpikeEvents([1, 2], [0.1])
    with pytest.raises(BadParameter, match="'segment' = -1 is not allowed; it must be an integer >= 0"):
        SpikeEvents([1], [0.1], segment=-1)
    with pytest.raises(BadParameter, match="give one integer >= 0, or one per event"):
        SpikeEvents([1, 2], [0.1, 0.2], segment=[0])
    with pytest.raises(BadParameter, match="'senders' = .* must be integer node ids"):
        SpikeEvents([1.5], [0.1])


def test_per_neuron_and_select():
    ev = SpikeEvents.from_events(SPIKES)
    per = ev.per_neuron(ids=[1, 2, 3, 4])
    np.testing.assert_array_equal(per[1], [0.1, 0.30000000000000004])
    assert per[4].size == 0
    sel = ev.select(ids=[1, 3], t_start=0.1)
    assert sel.senders.tolist() == [1, 3] and sel.times.tolist() == [0.30000000000000004, 1.5]


def test_to_numpy_and_to_pandas():
    ev = SpikeEvents.from_events(SPIKES, segment=2, annotations={"label": "sr"})
    arr = ev.to_numpy()
    assert arr.dtype.names == ("segment", "senders", "times")
    np.testing.assert_array_equal(arr["times"], SPIKES["times"])
    df = ev.to_pandas()
    assert list(df.columns) == ["segment", "senders", "times"]
    assert df["segment"].tolist() == [2] * 5
    np.testing.assert_array_equal(df["senders"].to_numpy(), SPIKES["senders"])
    assert df.attrs["units"]["times"] == "ms" and df.attrs["annotations"] == {"label": "sr"}


def _segments() -> SpikeEvents:
    second = {"senders": np.array([2, 2]), "times": np.array([0.5, 0.9])}
    empty = {"senders": np.zeros(0, dtype=np.int64), "times": np.zeros(0)}
    return SpikeEvents.from_segments([SPIKES, empty, second], annotations={"label": "sr", "dt": 0.1})


def test_segments_and_per_neuron_needs_one():
    ev = _segments()
    assert ev.segments == [0, 1, 2]
    assert ev.segment.tolist() == [0] * 5 + [2, 2]
    np.testing.assert_array_equal(ev.per_neuron(segment=2)[2], [0.5, 0.9])
    with pytest.raises(BadParameter, match=r"holds segments \[0, 1, 2\] whose times may restart; pass one"):
        ev.per_neuron()
    with pytest.raises(BadParameter, match=r"'segment' = 5 is not allowed; this object holds segments"):
        ev.select(segment=5)


def test_to_neo_makes_one_segment_per_index_with_annotated_trains():
    pytest.importorskip("neo")
    block = _segments().to_neo(ids=[1, 2, 3, 4], t_stop={0: 2.0, 1: 1.0, 2: 1.0})
    assert [s.index for s in block.segments] == [0, 1, 2]
    assert block.name == "sr" and block.annotations["simulator"] == "spikesim"
    assert block.annotations["dt"] == 0.1
    seg0 = block.segments[0]
    assert [int(st.annotations["source_id"]) for st in seg0.spiketrains] == [1, 2, 3, 4]
    st1 = seg0.spiketrains[0]
    assert str(st1.units.dimensionality) == "ms" and float(st1.t_stop) == 2.0
    np.testing.assert_array_equal(st1.magnitude, [0.1, 0.30000000000000004])
    assert all(len(st) == 0 for st in block.segments[1].spiketrains)


def test_to_neo_round_trip_recovers_senders_and_times_exactly():
    pytest.importorskip("neo")
    ev = _segments()
    back = SpikeEvents.from_neo(ev.to_neo())
    np.testing.assert_array_equal(back.senders, ev.senders)
    np.testing.assert_array_equal(back.times, ev.times)  # bit for bit: ms floats are kept
    np.testing.assert_array_equal(back.segment, ev.segment)
    assert back.segments == [0, 1, 2]
    assert back.annotations == {"label": "sr", "dt": 0.1}


def test_to_neo_window_leaves_later_spikes_out():
    pytest.importorskip("neo")
    block = SpikeEvents.from_events(SPIKES).to_neo(t_stop=1.0)
    assert sum(len(st) for st in block.segments[0].spiketrains) == 4


def test_concat_keeps_segment_indices():
    a = SpikeEvents.from_events(SPIKES, segment=0)
    b = SpikeEvents.from_events(SPIKES, segment=3)
    both = SpikeEvents.concat([a, b])
    assert both.segments == [0, 3] and len(both) == 10
    with pytest.raises(BadParameter, match="give at least one SpikeEvents"):
        SpikeEvents.concat([])


# -- Traces -----------------------------------------------------------------------------------
def test_traces_from_events_units_and_per_neuron():
    tr = Traces.from_events(MM)
    assert tr.variables == ["V_m", "g_ex"]
    assert tr.units == {"V_m": "mV", "g_ex": "nS"}
    per = tr.per_neuron("V_m")
    np.testing.assert_array_equal(per[2].values, [-65.0, -64.0, -63.0])
    np.testing.assert_array_equal(per[2].times, MM["times"][1::2])
    assert default_unit("Act_m") == "dimensionless"
    # the units of the models: every recordable with one unit across the models keeps it
    assert [default_unit(v) for v in ("V_m", "U_m", "g_ex", "g_in", "I_syn_ex", "I", "t_ref_remaining")] \
        == ["mV", "mV", "nS", "nS", "pA", "pA", "ms"]
    assert default_unit("v") == "dimensionless"  # mV in izhikevich2007 but dimensionless in qif


def test_traces_errors():
    with pytest.raises(BadParameter, match=r"'variable' = 'U_m' is not allowed; the recorded variables "
                                           r"are \['V_m', 'g_ex'\]"):
        Traces.from_events(MM).per_neuron("U_m")
    with pytest.raises(BadParameter, match="every variable needs one value per sample"):
        Traces([0.1, 0.2], [1, 1], {"V_m": [1.0]})
    with pytest.raises(BadParameter, match="units may be given for the variables"):
        Traces([0.1], [1], {"V_m": [1.0]}, units={"I": "pA"})
    with pytest.raises(BadParameter, match="a variable may not be called"):
        Traces([0.1], [1], {"segment": [1.0]})


def test_traces_to_pandas():
    df = Traces.from_events(MM, units={"g_ex": "uS"}).to_pandas()
    assert list(df.columns) == ["segment", "senders", "times", "V_m", "g_ex"]
    assert df.attrs["units"]["V_m"] == "mV" and df.attrs["units"]["g_ex"] == "uS"
    np.testing.assert_array_equal(df["V_m"].to_numpy(), MM["V_m"])


def test_traces_to_neo_regular_grid_gives_analog_signals():
    pytest.importorskip("neo")
    block = Traces.from_events(MM).to_neo()
    sigs = {s.name: s for s in block.segments[0].analogsignals}
    assert set(sigs) == {"V_m", "g_ex"}
    vm = sigs["V_m"]
    assert vm.shape == (3, 2) and str(vm.units.dimensionality) == "mV"
    assert vm.array_annotations["source_id"].tolist() == [1, 2]
    assert float(vm.sampling_period.rescale("ms")) == pytest.approx(0.1)
    np.testing.assert_array_equal(vm.magnitude[:, 1], [-65.0, -64.0, -63.0])


def test_traces_neo_round_trip():
    pytest.importorskip("neo")
    tr = Traces.concat([Traces.from_events(MM, segment=0), Traces.from_events(MM, segment=1)])
    back = Traces.from_neo(tr.to_neo())
    np.testing.assert_array_equal(back.senders, tr.senders)
    np.testing.assert_array_equal(back.segment, tr.segment)
    np.testing.assert_array_equal(np.round(back.times / 0.1), np.round(tr.times / 0.1))  # by step
    for k in ("V_m", "g_ex"):
        np.testing.assert_array_equal(back.values[k], tr.values[k])
    assert back.units == tr.units


def test_traces_uneven_and_unshared_times_become_irregular_signals():
    pytest.importorskip("neo")
    uneven = Traces([0.1, 0.2, 0.5], [1, 1, 1], {"V_m": [1.0, 2.0, 3.0]})
    seg = uneven.to_neo().segments[0]
    assert not seg.analogsignals and len(seg.irregularlysampledsignals) == 1
    apart = Traces([0.1, 0.2, 0.3], [1, 1, 2], {"V_m": [1.0, 2.0, 3.0]})
    seg = apart.to_neo().segments[0]
    assert [s.array_annotations["source_id"].tolist() for s in seg.irregularlysampledsignals] == [[1], [2]]
    back = Traces.from_neo(apart.to_neo())
    np.testing.assert_array_equal(back.times, [0.1, 0.2, 0.3])
    np.testing.assert_array_equal(back.senders, [1, 1, 2])
