"""nest.raster_plot and nest.voltage_trace readers of files and arrays (PyNEST's functions).

Expected values are stated derivations from the data written in each test.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")
import matplotlib.pyplot as plt  # noqa: E402

import spikesim.nest as nest  # noqa: E402
from spikesim.nest import raster_plot, voltage_trace  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_kernel():
    nest.ResetKernel()
    yield
    plt.close("all")
    nest.ResetKernel()


def _spike_file(tmp_path):
    nest.data_path = str(tmp_path)
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 2.0, 4.0]})
    parrots = nest.Create("parrot_neuron", 2)
    sr = nest.Create("spike_recorder", params={"record_to": "ascii"})
    nest.Connect(sg, parrots)
    nest.Connect(parrots, sr)
    nest.Simulate(10.0)
    return sr.filenames[0]


def test_raster_from_file_numpy_and_pandas(tmp_path):
    fname = _spike_file(tmp_path)
    # each spike reaches both parrots after 1 ms and they repeat it: times 2, 3, 5 ms twice
    for read in (raster_plot.from_file_numpy, raster_plot.from_file_pandas):
        lines = read([fname], hist=False)
        assert sorted(lines[0].get_xdata().tolist()) == [2.0, 2.0, 3.0, 3.0, 5.0, 5.0]
        plt.close("all")


def test_extract_events_window_and_senders():
    data = np.array([[1, 5.0], [2, 10.0], [3, 30.0], [3, 35.0], [2, 40.0]])
    assert np.array_equal(raster_plot.extract_events(data), data)
    # [t_min, t_max) with t_max excluded, and a sender selection
    assert raster_plot.extract_events(data, time=[10.0, 40.0]).tolist() == [[2, 10.0], [3, 30.0], [3, 35.0]]
    assert raster_plot.extract_events(data, time=[30.0], sel=[1, 2]).tolist() == [[1, 5.0], [2, 10.0]]
    assert raster_plot.extract_events(data, sel=[7]).shape == (0, 2)


def test_voltage_trace_from_saved_events_and_ascii_file(tmp_path):
    nest.data_path = str(tmp_path)
    n = nest.Create("iaf_psc_alpha", 2, params={"I_e": [100.0, 200.0]})
    vm = nest.Create("voltmeter", params={"record_to": "ascii"})
    nest.Connect(vm, n)
    nest.Simulate(5.0)
    raw = np.loadtxt(vm.filenames[0], skiprows=3)
    txt = tmp_path / "vm.txt"
    np.savetxt(txt, raw)
    for source in (str(txt), vm.filenames[0]):
        lines = voltage_trace.from_file(source)
        assert len(lines) == 2  # one per neuron, rows ordered by time then sender
        for k, [line] in enumerate(lines):
            assert line.get_xdata().tolist() == raw[k::2, 1].tolist()
            assert line.get_ydata().tolist() == raw[k::2, 2].tolist()
        plt.close("all")
    with pytest.raises(nest.NESTErrors.BadProperty, match="1 to 3 columns"):
        np.savetxt(txt, np.zeros((2, 4)))
        voltage_trace.from_file(str(txt))
