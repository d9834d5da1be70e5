"""One conformance suite over every recording backend (xarray's DatasetIOBase idea).

Every scenario creates, next to each device under test, a twin device with the same
parameters recording to ``memory`` in the same simulator; both see exactly the same
records.  After the run the backend's output is read back the way a user would (the
ascii file with ``numpy.loadtxt``, stdout for screen, ``spikesim.io.read`` for hdf5, a
Subscriber for stream) and must equal the twin's events: same columns, same values
(bit-exact for binary backends, to 17 printed decimals for text ones), chronological
order with ties by sender, and the same ``n_events``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import spikesim
import spikesim.io
from spikesim.io.subscriber import Subscriber

Batch = dict[str, np.ndarray]
H = 0.1


# -- harnesses: how to configure a backend and read its output back ------------------------
class Harness:
    name = ""
    readable = False     # backend.events() returns the data (device.get("events"))
    exact = True         # binary round trip: floats bit-exact
    keeps_cleared = True  # n_events = 0 does not erase the backend's record
    multi = True         # output names the device, so several devices can share it

    def __init__(self, tmp_path: Path, capsys: Any) -> None:
        self.tmp_path = tmp_path
        self.capsys = capsys

    def configure(self, sim: spikesim.Simulator) -> None:
        sim.data_path = str(self.tmp_path)

    def device_params(self) -> dict[str, Any]:
        return {"record_to": self.name}

    def start(self, sim: spikesim.Simulator) -> None:
        """After the devices exist, before the first simulate."""

    def read(self, sim: spikesim.Simulator, devices: list[Any]) -> dict[int, Batch]:
        raise NotImplementedError


class MemoryHarness(Harness):
    name = "memory"
    readable = True
    keeps_cleared = False

    def read(self, sim, devices):
        return {d.tolist()[0]: d.get("events")[0] for d in devices}


class AsciiHarness(Harness):
    name = "ascii"
    exact = False
    names = {"sender": "senders", "time_ms": "times", "time_step": "times", "time_offset": "offsets"}

    def device_params(self):
        return {"record_to": "ascii", "precision": 17}

    def read(self, sim, devices):
        out = {}
        for d in devices:
            path = d.get("filenames")[0][0]
            with open(path) as fh:
                head = [fh.readline() for _ in range(3)]
            assert head[0].startswith("# spikesim version")
            cols = [self.names.get(c, c) for c in head[2].split()]
            table = np.loadtxt(path, skiprows=3, ndmin=2).reshape(-1, len(cols))
            out[d.tolist()[0]] = {c: table[:, i] for i, c in enumerate(cols)}
        return out


class ScreenHarness(Harness):
    name = "screen"
    exact = False
    multi = False

    def device_params(self):
        return {"record_to": "screen", "precision": 17}

    def start(self, sim):
        self.capsys.readouterr()

    def read(self, sim, devices):
        (d,) = devices
        lines = [ln for ln in self.capsys.readouterr().out.splitlines() if ln.strip()]
        cols = _columns(d)
        table = np.array([[float(x) for x in ln.split("\t")] for ln in lines]).reshape(-1, len(cols))
        return {d.tolist()[0]: {c: table[:, i] for i, c in enumerate(cols)}}


class Hdf5Harness(Harness):
    name = "hdf5"
    readable = True

    def read(self, sim, devices):
        rec = spikesim.io.read(self.tmp_path / "recording.h5")
        return {d.tolist()[0]: rec[d.tolist()[0]] for d in devices}


class StreamHarness(Harness):
    name = "stream"

    def start(self, sim):
        port = sim.get_defaults("stream")["port"]
        self.got: dict[str, Any] = {}

        def consume() -> None:
            with Subscriber("127.0.0.1", port, timeout=20.0) as sub:
                self.got["events"] = sub.collect()
                self.got["ended"] = sub.ended
                self.got["time"] = sub.time

        self.thread = threading.Thread(target=consume, daemon=True)
        self.thread.start()

    def read(self, sim, devices):
        sim.recording.backend("stream").close()  # sends "end"
        self.thread.join(20.0)
        assert self.got["ended"] and self.got["time"] == sim.time
        return {d.tolist()[0]: self.got["events"].get(d.tolist()[0], {}) for d in devices}


HARNESSES = [MemoryHarness, AsciiHarness, ScreenHarness, Hdf5Harness, StreamHarness]


def _columns(dev: Any) -> list[str]:
    cols = ["senders", "times"]
    if dev.get("time_in_steps")[0]:
        cols.append("offsets")
    if dev.get("model")[0] != "spike_recorder":
        cols += list(dev.get("record_from")[0])
    return cols


@pytest.fixture(params=HARNESSES, ids=lambda h: h.name)
def harness(request, tmp_path, capsys):
    return request.param(tmp_path, capsys)


# -- networks ---------------------------------------------------------------------------------
def drive(sim: spikesim.Simulator, n: int = 20, model: str = "iaf_psc_delta", rate: float = 8000.0,
          weight: float = 1.0) -> spikesim.NodeCollection:
    """``n`` neurons with different bias currents and a shared Poisson drive (ties happen)."""
    params = {"I_e": list(np.linspace(200.0, 420.0, n))}
    nrn = sim.create(model, n, params)
    pg = sim.create("poisson_generator", params={"rate": rate})
    sim.connect(pg, nrn, syn_spec={"weight": weight, "delay": 1.0})
    return nrn


def brunel(sim: spikesim.Simulator, order: int = 100) -> spikesim.NodeCollection:
    """Brunel (2000) network A with delta synapses (benchmarks/peers/nest_brunel.py)."""
    ne, ni = 4 * order, order
    p = {"C_m": 1.0, "tau_m": 20.0, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": 20.0}
    exc = sim.create("iaf_psc_delta", ne, p)
    inh = sim.create("iaf_psc_delta", ni, p)
    everyone = exc + inh
    ce, ci = ne // 10, ni // 10
    drive_ = sim.create("poisson_generator", params={"rate": 1000.0 * 2.0 * 20.0 / (0.1 * ce * 20.0) * ce})
    es, is_ = {"weight": 0.1, "delay": 1.5}, {"weight": -0.5, "delay": 1.5}
    sim.connect(drive_, everyone, "all_to_all", es)
    sim.connect(exc, everyone, {"rule": "fixed_indegree", "indegree": ce}, es)
    sim.connect(inh, everyone, {"rule": "fixed_indegree", "indegree": ci}, is_)
    return everyone


def pair(sim: spikesim.Simulator, h: Harness, model: str, params: dict[str, Any]) -> tuple[Any, Any]:
    """A device on the backend under test and its memory twin with the same parameters."""
    backend_params = h.device_params()
    test = sim.create(model, params={**params, "record_to": backend_params.pop("record_to")})
    if backend_params:  # create() does not take per-backend parameters yet; set() does
        test.set(backend_params)
    twin = sim.create(model, params=dict(params))
    return test, twin


def connect_pair(sim: spikesim.Simulator, devs: tuple[Any, Any], nodes: Any) -> None:
    for d in devs:
        if d.get("model")[0] == "spike_recorder":
            sim.connect(nodes, d)
        else:
            sim.connect(d, nodes)


# -- checks ----------------------------------------------------------------------------------
def assert_same(got: Batch, want: Batch, exact: bool, what: str) -> None:
    assert sorted(got) == sorted(want), f"{what}: columns {sorted(got)} != {sorted(want)}"
    for c, w in want.items():
        g = np.asarray(got[c])
        assert g.shape == w.shape, f"{what}: column {c} has {g.shape[0]} rows, expected {w.shape[0]}"
        if w.dtype.kind in "iu":
            np.testing.assert_array_equal(g, w, err_msg=f"{what}: {c}")
            if exact:
                assert g.dtype.kind in "iu", f"{what}: {c} came back as {g.dtype}"
        elif exact:
            np.testing.assert_array_equal(g, w, err_msg=f"{what}: {c}")
        else:
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12, err_msg=f"{what}: {c}")


def assert_chronological(ev: Batch, what: str) -> None:
    t, s = np.asarray(ev["times"], dtype=float), np.asarray(ev["senders"])
    if t.size < 2:
        return
    dt = np.diff(t)
    assert (dt >= 0).all(), f"{what}: times go back"
    ties = dt == 0
    assert (np.diff(s)[ties] >= 0).all(), f"{what}: tied times not ordered by sender"


def cat(*batches: Batch) -> Batch:
    return {k: np.concatenate([b[k] for b in batches]) for k in batches[0]}


def check(sim: spikesim.Simulator, h: Harness, pairs: list[tuple[Any, Any]],
          before_clear: dict[int, Batch] | None = None) -> None:
    got = h.read(sim, [t for t, _ in pairs])
    for test, twin in pairs:
        tid = test.tolist()[0]
        want = twin.get("events")[0]
        what = f"{h.name} device {tid}"
        assert want["senders"].size > 0, f"{what}: the scenario recorded nothing"
        assert test.get("n_events")[0] == twin.get("n_events")[0], f"{what}: n_events"
        full = cat(before_clear[tid], want) if before_clear and h.keeps_cleared else want
        assert_same(got[tid], full, h.exact, what)
        assert_chronological(got[tid], what)
        if h.readable:
            assert_same(test.get("events")[0], want, True, f"{what} get('events')")


def run_calls(sim: spikesim.Simulator, h: Harness, calls: list[float]) -> None:
    h.start(sim)
    for t in calls:
        sim.simulate(t)


# -- scenarios --------------------------------------------------------------------------------
@pytest.mark.timeout(60)
def test_spikes_over_several_calls(harness):
    sim = spikesim.Simulator(resolution=H, seed=3)
    harness.configure(sim)
    nrn = drive(sim)
    sr = pair(sim, harness, "spike_recorder", {})
    connect_pair(sim, sr, nrn)
    run_calls(sim, harness, [35.3, 0.0, 64.7, 50.0])
    check(sim, harness, [sr])


@pytest.mark.timeout(60)
def test_multimeter_several_variables(harness):
    sim = spikesim.Simulator(resolution=H, seed=4)
    harness.configure(sim)
    nrn = drive(sim, 6, "iaf_cond_alpha", weight=5.0)
    mm = pair(sim, harness, "multimeter", {"record_from": ["V_m", "g_ex", "g_in"], "interval": 0.5,
                                           "offset": 0.2})
    connect_pair(sim, mm, nrn[::2])
    run_calls(sim, harness, [20.0, 13.4, 30.0])
    check(sim, harness, [mm])


@pytest.mark.timeout(60)
def test_start_stop_origin_window(harness):
    sim = spikesim.Simulator(resolution=H, seed=5)
    harness.configure(sim)
    nrn = drive(sim, 10)
    window = {"start": 20.0, "stop": 70.0, "origin": 10.0}
    sr = pair(sim, harness, "spike_recorder", window)
    connect_pair(sim, sr, nrn)
    run_calls(sim, harness, [45.0, 60.0])
    check(sim, harness, [sr])
    t = sr[0].get("events")[0]["times"] if harness.readable else sr[1].get("events")[0]["times"]
    assert t.min() > 30.0 and t.max() <= 80.0


@pytest.mark.timeout(60)
def test_multimeter_window(harness):
    sim = spikesim.Simulator(resolution=H, seed=5)
    harness.configure(sim)
    nrn = drive(sim, 4, "iaf_psc_alpha")
    mm = pair(sim, harness, "multimeter", {"record_from": ["V_m", "I_syn_ex"], "interval": 1.0,
                                           "start": 5.0, "stop": 25.0})
    connect_pair(sim, mm, nrn)
    run_calls(sim, harness, [12.0, 30.0])
    check(sim, harness, [mm])


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", ["spike_recorder", "multimeter"])
def test_time_in_steps(harness, model):
    sim = spikesim.Simulator(resolution=H, seed=6)
    harness.configure(sim)
    nrn = drive(sim, 8)
    params: dict[str, Any] = {"time_in_steps": True}
    if model == "multimeter":
        params.update(record_from=["V_m"], interval=0.3)
    devs = pair(sim, harness, model, params)
    connect_pair(sim, devs, nrn)
    run_calls(sim, harness, [25.0, 25.0])
    check(sim, harness, [devs])
    want = devs[1].get("events")[0]
    assert want["times"].dtype.kind == "i" and "offsets" in want


@pytest.mark.timeout(60)
def test_n_events_reset(harness):
    sim = spikesim.Simulator(resolution=H, seed=7)
    harness.configure(sim)
    nrn = drive(sim, 10)
    sr = pair(sim, harness, "spike_recorder", {})
    connect_pair(sim, sr, nrn)
    run_calls(sim, harness, [40.0])
    first = sr[1].get("events")[0]
    assert sr[0].get("n_events")[0] == first["senders"].size > 0
    for d in sr:
        d.set(n_events=0)
    assert sr[0].get("n_events")[0] == 0
    if harness.readable:
        assert sr[0].get("events")[0]["senders"].size == 0
    sim.simulate(40.0)
    check(sim, harness, [sr], before_clear={sr[0].tolist()[0]: first})


@pytest.mark.timeout(60)
def test_several_devices_share_the_backend(harness):
    if not harness.multi:
        pytest.skip(f"{harness.name} output does not name the device, so devices cannot share it")
    sim = spikesim.Simulator(resolution=H, seed=8)
    harness.configure(sim)
    nrn = drive(sim, 12)
    a = pair(sim, harness, "spike_recorder", {"label": "first"})
    b = pair(sim, harness, "spike_recorder", {"start": 15.0})
    mm = pair(sim, harness, "voltmeter", {"interval": 2.0})
    connect_pair(sim, a, nrn[:6])
    connect_pair(sim, b, nrn[4:])
    connect_pair(sim, mm, nrn[::3])
    run_calls(sim, harness, [30.0, 30.0])
    check(sim, harness, [a, b, mm])


def test_every_backend_is_listed():
    assert set(spikesim.recording_backends) == {h.name for h in HARNESSES}
    assert set(spikesim.Simulator().kernel_status()["recording_backends"]) == {h.name for h in HARNESSES}
