"""Multimeters on generators and spike recorders on Poisson generators.

NEST 3.10's recordables: ``I`` (pA) of ac, dc, noise and step_current generators,
``rate`` (spikes/s) of the sinusoidal_poisson_generator; the value of step ``s`` is
stamped ``(s + 1) h`` (NEST's ``record_data(origin + lag)``).  The comparison of the
deterministic ones with NEST 3.10 (times exact, values within 1e-9) is the reference
case tests/data/nest/cases/generator_recordables.json (tests/reference), also run here
through the NEST face with NEST's hold-back of the last slice.  noise_generator's
draws are random: its samples are compared with NEST's statistics
(tests/data/nest/noise_generator_recordable.json) and with the current a target
integrates.  Both files: tools/make_reference_generator_recordables.py.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import spikesim
import spikesim.io
from spikesim.errors import BadProperty
from tests.mpi.launch import MPIEXEC, NEEDS_MPI

H = 0.1
DATA = Path(__file__).resolve().parents[1] / "data" / "nest"
RECORDABLES = {"ac_generator": ["I"], "dc_generator": ["I"], "noise_generator": ["I"],
               "step_current_generator": ["I"], "sinusoidal_poisson_generator": ["rate"], "array_input": ["I"]}


@pytest.mark.parametrize(("model", "names"), list(RECORDABLES.items()))
def test_recordables_in_defaults_and_node_status(model, names):
    sim = spikesim.Simulator(resolution=H)
    assert list(sim.get_defaults(model)["recordables"]) == names
    assert list(sim.create(model).get("recordables")[0]) == names


def test_recordables_through_the_nest_face():
    import spikesim.nest as nest
    nest.ResetKernel()
    for model, names in RECORDABLES.items():
        if model == "array_input":  # spikesim's own model
            continue
        assert list(nest.GetDefaults(model, "recordables")) == names
        assert list(nest.Create(model).get("recordables")) == names


def test_record_from_must_name_a_recordable_of_the_generator():
    sim = spikesim.Simulator(resolution=H)
    dc = sim.create("dc_generator")
    mm = sim.create("multimeter", params={"record_from": ["V_m"]})
    with pytest.raises(BadProperty, match=r"'V_m', which dc_generator cannot record; its recordables are \['I'\]"):
        sim.connect(mm, dc)


def test_nest_face_refuses_an_unknown_recordable_as_a_connection():
    import spikesim.nest as nest
    from spikesim.errors import IllegalConnection
    nest.ResetKernel()
    mm = nest.Create("multimeter", params={"record_from": ["rate"]})
    dc = nest.Create("dc_generator")
    with pytest.raises(IllegalConnection, match=r"'rate', which dc_generator cannot record"):
        nest.Connect(mm, dc)  # NEST: IllegalConnection
    mm.record_from = ["I"]
    nest.Connect(mm, dc)
    assert nest.GetConnections(mm).get("target") == dc.tolist()[0]


def test_array_input_records_the_value_of_each_step():
    # it sends amplitudes[k] in the step that starts at (start + k) h (module docstring),
    # which a multimeter stamps at the end of that step: (start + k + 1) h
    sim = spikesim.Simulator(resolution=H)
    a = sim.create("array_input", params={"amplitudes": [5.0, -2.0, 7.5, 1.0], "start": 0.3})
    sim.connect(a, sim.create("iaf_psc_alpha"))
    mm = sim.create("multimeter", params={"record_from": ["I"], "interval": H})
    sim.connect(mm, a)
    sim.simulate(1.0)
    ev = mm.get("events")[0]
    np.testing.assert_array_equal(np.rint(ev["times"] / H).astype(int), np.arange(1, 11))
    np.testing.assert_array_equal(ev["I"], [0, 0, 0, 5.0, -2.0, 7.5, 1.0, 0, 0, 0])


def _build_case_on_face(nest, case):
    """The reference case through the NEST face (as NEST's script would build it)."""
    nest.ResetKernel()
    nest.resolution = case["kernel"]["resolution"]
    nodes = {}
    for nd in case["nodes"]:
        params = dict(nd.get("params") or {})
        model = nd["model"]
        if "individual_spike_trains" in params:  # NEST takes it as a model default only
            model = f"{model}_shared"
            nest.CopyModel(nd["model"], model, {"individual_spike_trains": params.pop("individual_spike_trains")})
        nodes[nd["label"]] = nest.Create(model, nd.get("n", 1), params=params or None)
    for c in case["connections"]:
        post = c["post"]
        post = nodes[post] if isinstance(post, str) else nodes[post["label"]][slice(*post["slice"])]
        nest.Connect(nodes[c["pre"]], post, c.get("conn_spec"), c.get("syn_spec"))
    return nodes


def test_nest_face_hands_over_what_nest_hands_over():
    import spikesim.nest as nest
    case = json.loads((DATA / "cases" / "generator_recordables.json").read_text())
    nodes = _build_case_on_face(nest, case)
    after = {"mm_I": [], "mm_r": []}
    for t in case["simulate"]:
        nest.Simulate(t)
        for k in after:
            after[k].append(int(nodes[k].n_events))
    for label, var in (("mm_I", "I"), ("mm_r", "rate")):
        exp = case["expected"][label]
        assert after[label] == exp["n_events_after_each_simulate"]  # NEST's hold-back of the last slice
        ev = nodes[label].events
        ref = exp["events"]
        order = np.lexsort((ev["senders"], ev["times"]))
        steps = np.rint(np.asarray(ev["times"])[order] / H)
        np.testing.assert_array_equal(steps, np.rint(np.asarray(ref["times"]) / H))
        np.testing.assert_array_equal(np.asarray(ev["senders"])[order], ref["senders"])
        np.testing.assert_allclose(np.asarray(ev[var])[order], ref[var], atol=1e-9, rtol=1e-9)


# -- one network with every kind: backends, threads, checkpoints -------------------------------
LABELS = ("mm_I", "mm_r", "sr_own", "sr_shared", "sr_pg", "sr_p")


def _network(threads: int = 1, record_to: str = "memory", path: Path | None = None) -> spikesim.Simulator:
    """dc, ac, step_current and noise generators driving neurons, sinusoidal Poisson
    generators (own and shared trains) driving parrots; multimeters on all generators,
    spike recorders straight on the Poisson generators and on the parrots; seed 11."""
    sim = spikesim.Simulator(resolution=H, seed=11, threads=threads)
    if path is not None:
        sim.data_path = str(path)
    n = sim.create("iaf_psc_alpha", 4)
    gens = [sim.create("dc_generator", params={"amplitude": 120.0, "start": 5.0, "stop": 40.0}),
            sim.create("ac_generator", params={"amplitude": 200.0, "frequency": 31.0, "phase": 10.0}),
            sim.create("step_current_generator", params={"amplitude_times": [3.0, 17.7],
                                                         "amplitude_values": [50.0, -30.0]}),
            sim.create("noise_generator", params={"mean": 20.0, "std": 80.0, "dt": 0.3})]
    for g in gens:
        sim.connect(g, n, syn_spec={"delay": 1.0})
    p = sim.create("parrot_neuron", 6, label="p")
    own = sim.create("sinusoidal_poisson_generator",
                     params={"rate": 300.0, "amplitude": 250.0, "frequency": 40.0})
    shared = sim.create("sinusoidal_poisson_generator",
                        params={"rate": 200.0, "amplitude": 300.0, "frequency": 25.0,
                                "individual_spike_trains": False})
    pg = sim.create("poisson_generator", params={"rate": 400.0, "start": 4.0, "stop": 33.0})
    sim.connect(own, p[:3])
    sim.connect(shared, p[3:])
    dev = {"record_to": record_to, **({"precision": 17} if record_to == "ascii" else {})}
    mm_i = sim.create("multimeter", params={**dev, "record_from": ["I"], "interval": H}, label="mm_I")
    mm_r = sim.create("multimeter", params={**dev, "record_from": ["rate"], "interval": 0.2}, label="mm_r")
    sim.connect(mm_i, gens[0] + gens[1] + gens[2] + gens[3])
    sim.connect(mm_r, own + shared)
    for label, src in (("sr_own", own), ("sr_shared", shared), ("sr_pg", pg), ("sr_p", p)):
        sim.connect(src, sim.create("spike_recorder", params=dev, label=label))
    return sim


def _events(sim: spikesim.Simulator) -> dict[str, np.ndarray]:
    return {f"{lab}.{k}": np.asarray(v) for lab in LABELS for k, v in sim.nodes(lab).get("events")[0].items()}


def _assert_same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def test_network_records_every_kind():
    sim = _network()
    sim.simulate(50.0)
    ev = _events(sim)
    assert ev["mm_I.I"].size == 4 * 500 and ev["mm_r.rate"].size == 2 * 250
    # dc: 120 pA sent in step s when 5 < (s + 2) h <= 40, stamped s + 1 (derivation of the window rule)
    dc = ev["mm_I.senders"] == 1 + 4
    stamps = np.rint(ev["mm_I.times"][dc] / H).astype(int)
    on = (stamps + 1 > 50) & (stamps + 1 <= 400)
    assert np.all(ev["mm_I.I"][dc][on] == 120.0) and np.all(ev["mm_I.I"][dc][~on] == 0.0)
    for lab in ("sr_own", "sr_shared", "sr_pg", "sr_p"):
        assert ev[f"{lab}.times"].size > 5, lab


def test_one_and_two_threads_identical():
    a, b = _network(1), _network(2)
    a.simulate(60.0)
    b.simulate(60.0)
    _assert_same(_events(a), _events(b))


def test_checkpoint_inside_a_slice_continues_identically(tmp_path):
    whole = _network()
    whole.simulate(60.0)
    part = _network()
    part.simulate(23.7)  # not a multiple of min_delay (1 ms): the slice is finished after the restore
    part.checkpoint(tmp_path / "c.h5")
    restored = spikesim.Simulator.restore(tmp_path / "c.h5")
    restored.simulate(60.0 - 23.7)
    _assert_same(_events(whole), _events(restored))


def test_split_run_records_as_one_run():
    whole, split = _network(), _network()
    whole.simulate(40.0)
    for t in (7.3, 12.7, 20.0):  # ends inside min_delay slices
        split.simulate(t)
    _assert_same(_events(whole), _events(split))


@pytest.mark.parametrize("backend", ["ascii", "hdf5"])
def test_backends_record_what_memory_records(tmp_path, backend):
    mem, other = _network(), _network(record_to=backend, path=tmp_path)
    mem.simulate(30.0)
    other.simulate(30.0)
    for label, var in (("mm_I", "I"), ("mm_r", "rate"), ("sr_own", None)):
        ref = mem.nodes(label).get("events")[0]
        dev = other.nodes(label)
        if backend == "hdf5":
            got = spikesim.io.read(tmp_path / "recording.h5")[dev.tolist()[0]]
        else:
            path = dev.get("filenames")[0][0]
            with open(path) as fh:
                cols = [fh.readline() for _ in range(3)][2].split()
            table = np.loadtxt(path, skiprows=3, ndmin=2)
            got = {{"sender": "senders", "time_ms": "times"}.get(c, c): table[:, i] for i, c in enumerate(cols)}
        np.testing.assert_array_equal(np.asarray(got["senders"]), ref["senders"], err_msg=label)
        np.testing.assert_allclose(np.asarray(got["times"]), ref["times"], rtol=1e-15, err_msg=label)
        if var:
            np.testing.assert_allclose(np.asarray(got[var]), ref[var], rtol=1e-15, atol=1e-13, err_msg=label)


# -- noise_generator: NEST's statistics and the current a target integrates ------------------
def test_noise_samples_agree_with_nest_statistics():
    ref = json.loads((DATA / "noise_generator_recordable.json").read_text())
    per_gen: list[dict[str, list]] = [{} for _ in ref["generators"]]
    for seed in ref["seeds"]:
        sim = spikesim.Simulator(resolution=ref["resolution"], seed=seed)
        mms = []
        for g in ref["generators"]:  # as NEST's run: each generator with its own targets
            ng = sim.create("noise_generator", params=g["params"])
            sim.connect(ng, sim.create("iaf_psc_alpha", g["targets"]))
            mm = sim.create("multimeter", params={"interval": 0.1, "record_from": ["I"]})
            sim.connect(mm, ng)
            mms.append(mm)
        sim.simulate(ref["simulate"])
        for g, mm, out in zip(ref["generators"], mms, per_gen, strict=True):
            ev = mm.get("events")[0]
            t, v = ev["times"], ev["I"]
            keep = t <= g["times"][-1] + 1e-9  # NEST holds back the last slice
            t, v = t[keep], v[keep]
            np.testing.assert_array_equal(np.rint(t / 0.1), np.rint(np.asarray(g["times"]) / 0.1))
            p = g["params"]
            lo, hi = p.get("origin", 0.0) + p.get("start", 0.0), p.get("origin", 0.0) + p.get("stop", math.inf)
            on = (t + 0.1 > lo + 1e-9) & (t + 0.1 <= hi + 1e-9)  # sent in step s when lo < (s + 2) h <= hi
            for k, x in (("on_mean", v[on].mean()), ("on_std", v[on].std(ddof=1)), ("n_on", int(on.sum())),
                         ("off_all_zero", bool(np.all(v[~on] == 0.0))),
                         ("changes", int(np.count_nonzero(np.diff(v[on]) != 0.0)))):
                out.setdefault(k, []).append(x)
    n = len(ref["seeds"])
    for g, got in zip(ref["generators"], per_gen, strict=True):
        assert got["n_on"] == g["n_on"] and all(got["off_all_zero"]) and all(g["off_all_zero"])
        assert got["changes"] == g["changes"]  # one new draw every dt while active, as NEST
        for k in ("on_mean", "on_std"):
            a, b = np.asarray(g[k]), np.asarray(got[k])
            bound = 3.0 * math.sqrt(a.var(ddof=1) / n + b.var(ddof=1) / n)
            assert abs(a.mean() - b.mean()) <= bound, (g["params"], k, a.mean(), b.mean(), bound)


def test_noise_sample_is_the_current_the_target_integrates():
    # iaf_psc_delta without threshold, E_L = 0: V(k) = P33 V(k - 1) + P30 I_in(k) (exact
    # integration), P33 = exp(-h/tau_m), P30 = tau_m/C_m (1 - P33); a current sent in step
    # s (sampled at stamp s + 1) with delay d is read in step s + d and acts in step
    # s + d + 1, so it shows in V at stamp s + d + 2
    tau, c_m, d = 10.0, 250.0, 15
    sim = spikesim.Simulator(resolution=H, seed=4)
    n = sim.create("iaf_psc_delta", params={"E_L": 0.0, "V_m": 0.0, "V_th": 1e9, "tau_m": tau, "C_m": c_m})
    ng = sim.create("noise_generator", params={"mean": 30.0, "std": 200.0, "dt": 0.2, "start": 2.0})
    sim.connect(ng, n, syn_spec={"delay": d * H})
    mm_v = sim.create("multimeter", params={"interval": H, "record_from": ["V_m"]})
    mm_i = sim.create("multimeter", params={"interval": H, "record_from": ["I"]})
    sim.connect(mm_v, n)
    sim.connect(mm_i, ng)
    sim.simulate(40.0)
    v, i_rec = mm_v.get("events")[0]["V_m"], mm_i.get("events")[0]["I"]
    p33, p30 = math.exp(-H / tau), -tau / c_m * math.expm1(-H / tau)
    i_in = (v[1:] - p33 * v[:-1]) / p30          # input acting at stamps 2, 3, ...
    np.testing.assert_allclose(i_in[d:], i_rec[:i_in.size - d], atol=1e-8)
    assert np.count_nonzero(i_rec) > 300 and np.std(i_rec[i_rec != 0.0]) > 100.0


# -- spike recorders on Poisson generators -------------------------------------------------
def test_shared_train_is_the_one_the_parrots_relay():
    sim = _network()
    sim.simulate(60.0)
    rec = sim.nodes("sr_shared").get("events")[0]["times"]
    relay = sim.nodes("sr_p").get("events")[0]
    assert rec.size > 10
    for pid in sim.nodes("p")[3:].tolist():   # delay 1 ms: each parrot repeats the train 1 ms later
        mine = np.sort(relay["times"][relay["senders"] == pid]) - 1.0
        mine = mine[mine <= 59.0 + 1e-9]
        np.testing.assert_allclose(mine, np.sort(rec[rec <= 59.0 + 1e-9]), atol=1e-9)


def test_own_trains_have_the_rate_of_the_generator():
    # a train of its own per recorder: counts ~ Poisson with mean sum_s rate(s) h over the
    # drawing steps (the recorded rate, stamped s + 1)
    sim = spikesim.Simulator(resolution=H, seed=8)
    g = sim.create("sinusoidal_poisson_generator", params={"rate": 200.0, "amplitude": 150.0, "frequency": 20.0})
    recs = sim.create("spike_recorder", 200)
    sim.connect(g, recs)
    mm = sim.create("multimeter", params={"interval": H, "record_from": ["rate"]})
    sim.connect(mm, g)
    sim.simulate(100.0)
    lam = float(np.sum(mm.get("events")[0]["rate"][1:]) * H / 1000.0)  # draws in steps 1 .. 999
    counts = np.asarray(recs.get("n_events"), dtype=float)
    assert abs(counts.mean() - lam) <= 4.0 * math.sqrt(lam / counts.size)
    assert abs(counts.var(ddof=1) / counts.mean() - 1.0) < 0.3  # Poisson: Fano factor 1
    first = recs[:2].get("events")
    assert not np.array_equal(first[0]["times"], first[1]["times"])


def test_poisson_generator_train_in_its_window():
    # draws in steps lo < s <= hi (start 4 ms, stop 33 ms: steps 41 .. 330), stamped s + 1:
    # times 4.2 .. 33.1 ms; mean count 400/s x 29 ms
    sim = spikesim.Simulator(resolution=H, seed=9)
    pg = sim.create("poisson_generator", params={"rate": 400.0, "start": 4.0, "stop": 33.0})
    recs = sim.create("spike_recorder", 200)
    sim.connect(pg, recs)
    sim.simulate(50.0)
    ev = recs.get("events")
    t = np.concatenate([e["times"] for e in ev])
    assert t.min() >= 4.2 - 1e-9 and t.max() <= 33.1 + 1e-9
    counts = np.array([e["times"].size for e in ev], dtype=float)
    assert abs(counts.mean() - 11.6) <= 4.0 * math.sqrt(11.6 / counts.size)


# -- several processes -----------------------------------------------------------------------
SPLIT = (23.7, 36.3)
ROOT = Path(__file__).resolve().parents[2]


@NEEDS_MPI
def test_two_processes_record_what_one_records(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    cmd = [str(MPIEXEC), "-n", "2", sys.executable, "-m", "mpi4py",
           str(Path(__file__).with_name("generator_record_mpi.py")), str(tmp_path)]
    done = subprocess.run(cmd, env=env, cwd=ROOT, timeout=600, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    sim = _network()
    for t in SPLIT:
        sim.simulate(t)
    ref = _events(sim)
    for r in range(2):
        got = dict(np.load(tmp_path / f"rank{r}.npz"))
        _assert_same(ref, got)
