"""correlation_detector, correlomatrix_detector and spin_detector against NEST 3.10.

The reference cases (tests/data/nest/cases/detectors_*.json) were made with
``~/.venvs/nest/bin/python tools/make_reference_detectors.py``; the same
``replay`` runs them here on spikesim's NEST face.  Spike generators with fixed times
make the deterministic cases exact (counts equal, weighted sums within 1e-12); the
Poisson case is compared within 3 sigma of NEST's mean over four seeds.  spikesim's
spike_generator has no ``spike_multiplicities``: a time listed k times is one spike of
multiplicity k, which is how the replay gives NEST's multiplicities.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import spikesim
import spikesim.nest as snest
from spikesim.errors import BadProperty, StepMultipleRequired, UnknownReceptorType

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "data" / "nest" / "cases"
_spec = importlib.util.spec_from_file_location("make_reference_detectors",
                                               ROOT / "tools" / "make_reference_detectors.py")
assert _spec is not None and _spec.loader is not None
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

DETERMINISTIC = ["detectors_correlation", "detectors_spin", "detectors_correlomatrix"]


def _case(name: str) -> dict[str, Any]:
    return json.loads((CASES / f"{name}.json").read_text())


def _assert_same(got: dict[str, Any], want: dict[str, Any], where: str) -> None:
    for key, w in want.items():
        g = got[key]
        if isinstance(w, dict):  # events: column by column, in NEST's order
            assert sorted(g) == sorted(w), where
            for c in w:
                assert np.asarray(g[c]).tolist() == w[c], f"{where} events[{c}]"
        elif key in ("histogram", "histogram_correction", "covariance"):
            np.testing.assert_allclose(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=0, atol=1e-12,
                                       err_msg=f"{where} {key}")
        else:
            assert np.asarray(g).tolist() == w, f"{where} {key}"


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_matches_nest(name: str) -> None:
    case = _case(name)
    got = ref.replay(snest, case, repeat_times=True)
    assert len(got) == len(case["nest"])
    for piece, (g, w) in enumerate(zip(got, case["nest"], strict=True)):
        for d, (gd, wd) in enumerate(zip(g, w, strict=True)):
            _assert_same(gd, wd, f"{name} piece {piece} detector {d}")


def _build(case: dict[str, Any], threads: int = 1, record_to: str = "memory", path: Path | None = None
           ) -> tuple[spikesim.Simulator, list[Any]]:
    sim = spikesim.Simulator(resolution=case["resolution"], seed=1, threads=threads)
    if path is not None:
        sim.data_path = str(path)
    nodes = []
    for i, (model, p) in enumerate(case["nodes"]):
        if model == "spin_detector" and record_to != "memory":
            p = {**p, "record_to": record_to}
        nodes.append(sim.create(model, params=ref._repeated(p), label=f"n{i}"))
    for s, t, r, w, d in case["connections"]:
        sim.connect(nodes[s], nodes[t], syn_spec={"receptor_type": r, "weight": w, "delay": d})
    return sim, [n for n, (m, _) in zip(nodes, case["nodes"], strict=True) if m in ref.KEYS]


def _results(dets: list[Any], models: list[str]) -> list[dict[str, Any]]:
    out = []
    for n, m in zip(dets, models, strict=True):
        out.append({k: (n.get(k)[0] if k == "events" else np.asarray(n.get(k))[0]) for k in ref.KEYS[m]})
    return out


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_threads_and_checkpoint(name: str, tmp_path: Path) -> None:
    """Two threads give NEST's results too; a checkpoint between the pieces keeps the
    histograms, the queued spikes and the decoded events."""
    case = _case(name)
    models = [m for m, _ in case["nodes"] if m in ref.KEYS]
    sim, dets = _build(case, threads=2)
    sim.simulate(case["simulate"][0])
    for d, (g, w) in enumerate(zip(_results(dets, models), case["nest"][0], strict=True)):
        _assert_same(g, w, f"{name} 2 threads, piece 0, detector {d}")
    sim.checkpoint(str(tmp_path / "ck.h5"))
    sim.close()
    sim = spikesim.Simulator.restore(str(tmp_path / "ck.h5"))
    dets = [sim.nodes(f"n{i}") for i, (m, _) in enumerate(case["nodes"]) if m in ref.KEYS]
    for t in case["simulate"][1:]:
        sim.simulate(t)
    for d, (g, w) in enumerate(zip(_results(dets, models), case["nest"][-1], strict=True)):
        _assert_same(g, w, f"{name} restored, last piece, detector {d}")


@pytest.mark.parametrize("backend", ["ascii", "hdf5"])
def test_spin_detector_through_file_backends(backend: str, tmp_path: Path) -> None:
    """spin_detector writes its events like a spike recorder, with a ``state`` column."""
    case = _case("detectors_spin")
    sim, dets = _build(case, record_to=backend, path=tmp_path)
    for t in case["simulate"]:
        sim.simulate(t)
    want = case["nest"][-1][0]["events"]
    if backend == "ascii":
        lines = Path(dets[0].get("filenames")[0][0]).read_text().splitlines()
        names = lines[2].split("\t")
        table = np.loadtxt(lines[3:], ndmin=2)
        got = {c: table[:, i] for i, c in enumerate(names)}
        assert got["sender"].astype(int).tolist() == want["senders"]
        np.testing.assert_allclose(got["time_ms"], want["times"], atol=1e-9)
        assert got["state"].astype(int).tolist() == want["state"]
    else:
        ev = dets[0].get("events")[0]
        assert ev["senders"].tolist() == want["senders"]
        assert ev["state"].tolist() == want["state"]
        np.testing.assert_allclose(ev["times"], want["times"], atol=1e-9)


def test_poisson_within_three_sigma() -> None:
    """Independent 40 spikes/s trains: spike counts and pair counts per lag bin agree with
    NEST's mean over seeds within 3 sigma (Poisson: variance = mean)."""
    case = _case("detectors_poisson")
    got = ref.replay(snest, case, seed=7)[-1]
    runs = case["nest"]
    for d in range(2):
        key = "count_histogram" if d == 0 else "count_covariance"
        nest_mean = np.mean([np.asarray(r[d][key], dtype=float) for r in runs], axis=0)
        g = np.asarray(got[d][key], dtype=float)
        assert g.shape == nest_mean.shape
        # totals: mean r^2 T delta_tau per bin (32 pairs at 40/s, 20 s, 1 ms) over the bins
        sigma = np.sqrt(nest_mean.sum() * (1 + 1 / len(runs)))
        assert abs(g.sum() - nest_mean.sum()) <= 3 * sigma, key
        nev = np.mean([r[d]["n_events"] for r in runs], axis=0)
        assert np.all(np.abs(np.asarray(got[d]["n_events"]) - nev) <= 3 * np.sqrt(nev * (1 + 1 / len(runs))))
    # lag 0 of a channel with itself: every spike pairs with itself once
    cc = np.asarray(got[1]["count_covariance"])
    assert cc[0, 0, 0] >= got[1]["n_events"][0] and cc[1, 1, 0] >= got[1]["n_events"][1]


def test_parameter_checks_leave_the_device_unchanged() -> None:
    sim = spikesim.Simulator(resolution=0.1)
    cd = sim.create("correlation_detector")
    cm = sim.create("correlomatrix_detector", params={"N_channels": 2})
    bad = [(cd, {"delta_tau": 0.25}, StepMultipleRequired), (cd, {"delta_tau": 0.0}, StepMultipleRequired),
           (cd, {"tau_max": 1.2}, StepMultipleRequired), (cd, {"n_events": [1, 0]}, BadProperty),
           (cd, {"n_events": [0, 0, 0]}, BadProperty), (cd, {"record_to": "ascii"}, BadProperty),
           (cd, {"Tstart": 5.0, "Tstop": 2.0}, BadProperty), (cd, {"delta_tau": "x"}, BadProperty),
           (cm, {"delta_tau": 0.2, "tau_max": 2.0}, StepMultipleRequired), (cm, {"N_channels": 0}, BadProperty),
           (cm, {"N_channels": 1.5}, BadProperty)]
    for node, params, err in bad:
        before = {k: np.asarray(node.get(k)).tolist() for k in ("delta_tau", "tau_max", "n_events")}
        with pytest.raises(err, match="|".join(params)):
            node.set(params)
        assert {k: np.asarray(node.get(k)).tolist() for k in before} == before
    # NEST's defaults: delta_tau 5 h, tau_max 10 delta_tau, 1 + 2 tau_max / delta_tau bins
    assert np.asarray(cd.get("histogram"))[0].size == 21
    assert np.asarray(cm.get("covariance"))[0].shape == (2, 2, 11)
    cd.set({"delta_tau": 0.2, "tau_max": 1.0})
    assert np.asarray(cd.get("count_histogram"))[0].size == 11


def test_receptor_ports_are_checked() -> None:
    sim = spikesim.Simulator(resolution=0.1)
    g = sim.create("spike_generator", params={"spike_times": [1.0]})
    cd = sim.create("correlation_detector")
    with pytest.raises(UnknownReceptorType, match="receptor_type 2"):
        sim.connect(g, cd, syn_spec={"receptor_type": 2})
    cm = sim.create("correlomatrix_detector", params={"N_channels": 2})
    sim.connect(g, cm, syn_spec={"receptor_type": 3})
    with pytest.raises(UnknownReceptorType, match="receptor_type 3"):
        sim.simulate(2.0)


def test_n_events_zero_clears_the_histograms() -> None:
    case = _case("detectors_correlation")
    sim, dets = _build(case)
    sim.simulate(case["simulate"][0])
    assert np.asarray(dets[0].get("count_histogram"))[0].sum() > 0
    dets[0].set({"n_events": [0, 0]})
    assert np.asarray(dets[0].get("count_histogram"))[0].sum() == 0
    assert np.asarray(dets[0].get("n_events"))[0].tolist() == [0, 0]


def test_hand_overs_in_the_middle_of_a_run_keep_nest_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine hands rows over between any two slices (every EMIT_EVERY s of wall
    time): the detectors still handle NEST's delivery blocks whole."""
    import spikesim.kernel.engine as engine

    monkeypatch.setattr(engine, "EMIT_EVERY", 0.0)
    for name in ("detectors_correlation", "detectors_spin"):
        case = _case(name)
        got = ref.replay(snest, case, repeat_times=True)
        for piece, (g, w) in enumerate(zip(got, case["nest"], strict=True)):
            for d, (gd, wd) in enumerate(zip(g, w, strict=True)):
                _assert_same(gd, wd, f"{name} piece {piece} detector {d}")
