"""spikesim.analysis: hand-computable examples, NEST's reference data, Elephant where installed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spikesim import analysis as A
from spikesim.errors import BadParameter

CASES = Path(__file__).resolve().parents[1] / "data" / "nest" / "cases"

# neuron 1: 1, 2, 5 ms; neuron 2: 1, 3 ms; neuron 3 silent
S = np.array([1, 2, 1, 2, 1])
T = np.array([1.0, 1.0, 2.0, 3.0, 5.0])


# -- spike trains and counts -------------------------------------------------------------
def test_spike_trains_sorted_per_neuron_with_silent_ids():
    trains = A.spike_trains([2, 1, 2, 1], [3.0, 2.0, 1.0, 0.5], ids=[1, 2, 3])
    assert list(trains) == [1, 2, 3]
    np.testing.assert_array_equal(trains[1], [0.5, 2.0])
    np.testing.assert_array_equal(trains[2], [1.0, 3.0])
    assert trains[3].size == 0 and trains[3].dtype == np.float64


def test_spike_trains_default_ids_are_sorted_senders_and_window_applies():
    trains = A.spike_trains(S, T, t_start=1.0)
    assert list(trains) == [1, 2]
    np.testing.assert_array_equal(trains[1], [2.0, 5.0])


def test_spike_counts_window_excludes_start_includes_stop():
    assert A.spike_counts(S, T, ids=[1, 2, 3], t_start=1.0, t_stop=3.0).tolist() == [1, 1, 0]
    assert A.spike_counts(S, T).tolist() == [3, 2]
    assert A.spike_counts(S, T, ids=[2, 1]).tolist() == [2, 3]  # the order of ids is kept


def test_spike_counts_treats_tic_rounding_as_on_the_bound():
    # NEST computes times as tics x 0.001 ms: step 3 of 0.1 ms is 0.30000000000000004
    t = np.array([0.30000000000000004, 0.7000000000000001])
    assert A.spike_counts([1, 1], t, t_stop=0.3).tolist() == [1]
    assert A.spike_counts([1, 1], t, t_start=0.3).tolist() == [1]
    assert A.spike_counts([1, 1], t, t_start=0.3, t_stop=0.7).tolist() == [1]


def test_spike_counts_ignores_senders_outside_ids():
    assert A.spike_counts(S, T, ids=[2]).tolist() == [2]


def test_spike_counts_accepts_an_object_with_ids():
    class Nodes:
        ids = np.array([3, 1])
    assert A.spike_counts(S, T, ids=Nodes()).tolist() == [0, 3]


def test_errors_name_the_parameter():
    with pytest.raises(BadParameter, match="'ids' = .* must not contain duplicates"):
        A.spike_counts(S, T, ids=[1, 1])
    with pytest.raises(BadParameter, match="'senders' and 'times' must be 1-D arrays of equal length"):
        A.spike_counts([1, 2], [1.0])
    with pytest.raises(BadParameter, match="'t_stop' = 1.0 is not allowed; it must be > t_start"):
        A.spike_counts(S, T, t_start=2.0, t_stop=1.0)
    with pytest.raises(BadParameter, match="'t_start' = inf is not allowed; it must be a finite"):
        A.spike_counts(S, T, t_start=np.inf)
    with pytest.raises(BadParameter, match="'senders' = .* must be integer node ids"):
        A.spike_counts([1.5], [1.0])
    with pytest.raises(BadParameter, match="'ids' = .* must be integer node ids"):
        A.spike_counts(S, T, ids=[1.5])


# -- rates -------------------------------------------------------------------------------
def test_rates_per_neuron_in_spikes_per_second():
    np.testing.assert_allclose(A.rates(S, T, ids=[1, 2, 3], t_stop=10.0), [300.0, 200.0, 0.0])
    np.testing.assert_allclose(A.rates(S, T, ids=[1], t_start=2.0, t_stop=6.0), [250.0])


def test_population_rate_counts_silent_neurons():
    assert A.population_rate(S, T, ids=[1, 2, 3, 4], t_stop=10.0) == pytest.approx(125.0)
    assert A.population_rate(S, T, t_stop=10.0) == pytest.approx(250.0)


def test_rates_need_t_stop():
    with pytest.raises(BadParameter, match="parameter 't_stop' is required"):
        A.rates(S, T)
    with pytest.raises(BadParameter, match="parameter 't_start' is required"):
        A.rates(S, T, t_start=None, t_stop=1.0)  # type: ignore[arg-type]


def test_population_rate_of_nobody_is_an_error():
    with pytest.raises(BadParameter, match="population must not be empty"):
        A.population_rate([], [], t_stop=10.0)


# -- ISI, CV, Fano -----------------------------------------------------------------------
def test_isi_and_cv_by_hand():
    np.testing.assert_allclose(A.isi([1.0, 2.0, 5.0]), [1.0, 3.0])
    assert A.cv([1.0, 3.0]) == pytest.approx(0.5)  # std 1 (ddof 0) / mean 2
    assert A.cv([2.0]) == 0.0
    assert np.isnan(A.cv([]))
    assert A.isi([1.0]).size == 0


def test_isi_rejects_unsorted_and_2d_times():
    with pytest.raises(BadParameter, match="'times' = .* the times must be ascending"):
        A.isi([2.0, 1.0])
    with pytest.raises(BadParameter, match="give the 1-D spike times of one neuron"):
        A.isi([[1.0, 2.0]])


def test_isis_per_neuron_and_cv_isi():
    isis = A.isis_per_neuron(S, T, ids=[1, 2, 3])
    np.testing.assert_allclose(isis[1], [1.0, 3.0])
    np.testing.assert_allclose(isis[2], [2.0])
    cvs = A.cv_isi(S, T, ids=[1, 2, 3])
    np.testing.assert_allclose(cvs, [0.5, 0.0, np.nan])
    np.testing.assert_allclose(A.cv_isi(S, T, min_spikes=3), [0.5, np.nan])
    # only spikes inside the window count: neuron 1 keeps 2 and 5 ms
    np.testing.assert_allclose(A.cv_isi(S, T, ids=[1], t_start=1.0), [0.0])


def test_cv_isi_min_spikes_must_allow_an_interval():
    with pytest.raises(BadParameter, match="'min_spikes' = 1 is not allowed; it must be an integer >= 2"):
        A.cv_isi(S, T, min_spikes=1)


def test_fano_factor_ddof():
    assert A.fano_factor([1, 2, 3]) == pytest.approx(0.5)  # var ddof 1 = 1, mean 2
    assert A.fano_factor([1, 2, 3], ddof=0) == pytest.approx(1 / 3)
    assert np.isnan(A.fano_factor([0, 0, 0]))
    assert np.isnan(A.fano_factor([4]))
    with pytest.raises(BadParameter, match="'ddof' = 2 is not allowed; it must be 0 or 1"):
        A.fano_factor([1, 2], ddof=2)


# -- time histogram and spike matrix ------------------------------------------------------
def test_time_histogram_bins_are_left_open_and_labelled_by_left_edge():
    h = A.time_histogram([0.0, 5.0, 5.1, 10.0, 15.0, 15.1], bin_size=5.0, t_start=0.0, t_stop=15.0,
                         n_neurons=2)
    np.testing.assert_array_equal(h.bin_starts, [0.0, 5.0, 10.0])
    # 0.0 and 15.1 are outside (0, 15]; 5.0 is in (0, 5], 10.0 in (5, 10], 15.0 in (10, 15]
    np.testing.assert_array_equal(h.counts, [1, 2, 1])
    np.testing.assert_allclose(h.rate, [100.0, 200.0, 100.0])  # count / 2 neurons / 5 ms
    assert h.bin_size == 5.0 and h.n_neurons == 2


def test_time_histogram_tic_rounding_stays_in_its_step():
    t = np.array([0.1, 0.2, 0.30000000000000004, 0.4])
    np.testing.assert_array_equal(A.time_histogram(t, 0.1, 0.0, 0.4).counts, [1, 1, 1, 1])


def test_time_histogram_errors():
    with pytest.raises(BadParameter, match="103.0 ms is not a whole number of bins of bin_size = 5.0 ms; "
                                           "choose t_stop = 100.0 or 105.0"):
        A.time_histogram([1.0], 5.0, 0.0, 103.0)
    with pytest.raises(BadParameter, match="'bin_size' = 0.0 is not allowed"):
        A.time_histogram([1.0], 0.0, 0.0, 10.0)
    with pytest.raises(BadParameter, match="'n_neurons' = 0 is not allowed"):
        A.time_histogram([1.0], 5.0, 0.0, 10.0, n_neurons=0)
    with pytest.raises(BadParameter, match="'t_stop' is required"):
        A.time_histogram([1.0], 5.0)


def test_spike_matrix_rows_are_emission_steps():
    m = A.spike_matrix([1, 2, 1, 1], [0.1, 0.2, 0.30000000000000004, 0.30000000000000004],
                       ids=[1, 2, 3], dt=0.1, t_stop=0.5)
    assert m.shape == (5, 3) and m.dtype == np.uint8
    np.testing.assert_array_equal(m[:, 0], [1, 0, 2, 0, 0])  # two spikes in step 2
    np.testing.assert_array_equal(m[:, 1], [0, 1, 0, 0, 0])
    assert not m[:, 2].any()
    b = A.spike_matrix([1, 1], [0.1, 0.1], ids=[1], dt=0.1, t_stop=0.2, dtype=bool)
    np.testing.assert_array_equal(b[:, 0], [True, False])


def test_spike_matrix_clips_at_dtype_maximum():
    m = A.spike_matrix(np.ones(300, dtype=int), np.full(300, 0.1), dt=0.1, t_stop=0.1)
    assert m[0, 0] == 255
    m16 = A.spike_matrix(np.ones(300, dtype=int), np.full(300, 0.1), dt=0.1, t_stop=0.1, dtype=np.uint16)
    assert m16[0, 0] == 300


def test_spike_matrix_errors():
    with pytest.raises(BadParameter, match="'dt' = None is not allowed"):
        A.spike_matrix(S, T, t_stop=10.0)
    with pytest.raises(BadParameter, match="not a whole number of bins of dt = 0.3 ms"):
        A.spike_matrix(S, T, dt=0.3, t_stop=10.0)


# -- NEST's reference data ------------------------------------------------------------------
@pytest.mark.reference
def test_statistics_of_nest_recording_demo_train():
    """NEST 3.10's spike train of its recording demo (1 MHz Poisson drive into one
    iaf_psc_exp, 30 ms): 13 spikes, ISIs 2 x 2.3 ms and 10 x 2.2 ms."""
    case = json.loads((CASES / "poisson_recording_demo.json").read_text())
    ev = case["expected"]["sr"]["events"]
    s, t = np.asarray(ev["senders"]), np.asarray(ev["times"])
    assert A.spike_counts(s, t).tolist() == [13]
    assert A.population_rate(s, t, ids=[1], t_start=0.0, t_stop=30.0) == pytest.approx(13 / 0.030)
    mean = (2 * 2.3 + 10 * 2.2) / 12
    std = 0.1 * np.sqrt(2 / 12 * 10 / 12)  # two values 0.1 ms apart, ddof 0
    assert A.cv_isi(s, t)[0] == pytest.approx(std / mean, rel=1e-9)
    # steps: time (row + 1) * h, as NEST's time_in_steps gives (row + 1)
    rows = np.nonzero(A.spike_matrix(s, t, dt=0.1, t_stop=30.0)[:, 0])[0]
    np.testing.assert_array_equal(rows + 1, np.round(t / 0.1).astype(int))


@pytest.mark.reference
def test_nest_reference_measure_definitions_on_synthetic_network():
    """README measures (count_fano ddof 1, cv_isi_mean over neurons with >= min_spikes,
    mean_rate with silent neurons) written out with numpy, against the analysis functions."""
    rng = np.random.default_rng(3)
    ids = np.arange(1, 41)
    senders = rng.choice(ids[:-5], 2000)  # the last five neurons are silent
    times = np.round(rng.uniform(0.0, 500.0, senders.size), 1)
    t0, t1 = 100.0, 500.0
    keep = (times > t0) & (times <= t1)
    counts = np.array([np.count_nonzero(senders[keep] == i) for i in ids])
    assert A.fano_factor(A.spike_counts(senders, times, ids, t0, t1)) == pytest.approx(
        np.var(counts, ddof=1) / counts.mean())
    assert A.population_rate(senders, times, ids, t0, t1) == pytest.approx(keep.sum() / ids.size / 0.4)
    cvs = []
    for i in ids:
        tt = np.sort(times[keep & (senders == i)])
        if tt.size >= 5:
            d = np.diff(tt)
            cvs.append(d.std() / d.mean())
    assert np.nanmean(A.cv_isi(senders, times, ids, t0, t1, min_spikes=5)) == pytest.approx(np.mean(cvs))


@pytest.mark.reference
def test_seed_002_recording_demo_statistics():
    """Seed 002 (BrainPy "Record and analyze"): a 1 MHz Poisson drive into one iaf_psc_exp
    for 100 ms prints 'firing rate: 450.00 spks/s', 'n_events: 45' and a small ISI CV
    (0.009, mean ISI 2.20 ms); the exact CV depends on the random stream."""
    import spikesim
    sim = spikesim.Simulator(resolution=0.1, seed=2)
    n = sim.create("iaf_psc_exp", 1)
    pg = sim.create("poisson_generator", 1, {"rate": 1e6})
    sr = sim.create("spike_recorder", 1, label="sr")
    sim.connect(pg, n, None, {"weight": 10.0, "delay": 1.0})
    sim.connect(n, sr)
    sim.simulate(100.0)
    ev = sim.nodes("sr").get("events")[0]
    s, t = ev["senders"], ev["times"]
    assert f"{A.population_rate(s, t, n.ids, 0.0, 100.0):.2f}" == "450.00"
    assert int(A.spike_counts(s, t, n.ids)[0]) == 45
    assert f"{A.isi(A.spike_trains(s, t)[n.ids[0]]).mean():.2f}" == "2.20"
    assert 0.0 < A.cv_isi(s, t, n.ids)[0] < 0.02


# -- Elephant, where installed ------------------------------------------------------------------
elephant_quiet = pytest.mark.filterwarnings("ignore:The 'copy' argument in Quantity is deprecated")


@pytest.fixture(scope="module")
def elephant_case():
    pytest.importorskip("neo")
    es = pytest.importorskip("elephant.statistics")
    from spikesim.data.events import SpikeEvents
    rng = np.random.default_rng(7)
    ids = np.arange(1, 21)
    senders = rng.choice(ids, 3000)
    times = rng.uniform(0.0, 1000.0, senders.size)  # off the grid: no spike on a bin edge
    order = np.lexsort((senders, times))
    ev = SpikeEvents(senders[order], times[order])
    return es, ev, ids, ev.to_neo(ids=ids, t_start=0.0, t_stop=1000.0).segments[0].spiketrains


@elephant_quiet
def test_cv_and_isi_match_elephant(elephant_case):
    es, ev, ids, trains = elephant_case
    ours = A.cv_isi(ev.senders, ev.times, ids)
    theirs = [es.cv(es.isi(st)) for st in trains]
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(A.isi(ev.per_neuron()[ids[3]]), np.asarray(es.isi(trains[3]).magnitude))


@elephant_quiet
def test_rates_match_elephant(elephant_case):
    es, ev, ids, trains = elephant_case
    theirs = [float(es.mean_firing_rate(st).rescale("Hz").magnitude) for st in trains]
    np.testing.assert_allclose(A.rates(ev.senders, ev.times, ids, 0.0, 1000.0), theirs, rtol=1e-12)


@elephant_quiet
def test_time_histogram_and_fano_match_elephant(elephant_case):
    import quantities as pq
    es, ev, ids, trains = elephant_case
    h = A.time_histogram(ev.times, 50.0, 0.0, 1000.0, n_neurons=ids.size)
    theirs = es.time_histogram(list(trains), 50.0 * pq.ms, output="rate")
    np.testing.assert_allclose(h.rate, theirs.rescale("Hz").magnitude.ravel(), rtol=1e-12)
    counts = A.spike_counts(ev.senders, ev.times, ids)
    assert A.fano_factor(counts, ddof=0) == pytest.approx(es.fanofactor(list(trains)), rel=1e-12)
