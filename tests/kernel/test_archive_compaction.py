"""The postsynaptic spike archive is compacted in long runs without changing any result.

A run whose archive is compacted (the threshold lowered to 64 entries) gives the same
spikes and the same weights, to the bit, as one whose archive only grows; the log then
holds a small part of the spikes it archived.  The compaction itself is checked
against a direct reading of its rule on a hand-made log.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

import spikesim
from spikesim.kernel import archive as archive_mod
from spikesim.kernel.archive import PostArchive

SYNAPSES = ("stdp_synapse", "stdp_triplet_synapse", "stdp_nn_symm_synapse", "stdp_nn_restr_synapse",
            "stdp_nn_pre_centered_synapse", "vogels_sprekeler_synapse")


def _run(monkeypatch: pytest.MonkeyPatch, compact_from: int, threads: int = 1, silent: bool = False,
         ms: float = 3000.0) -> tuple[np.ndarray, dict[str, np.ndarray], int, int]:
    """A driven network with every STDP kind; spikes, weights by model, log length and
    the number of spikes the STDP targets emitted."""
    monkeypatch.setattr(archive_mod, "COMPACT_FROM", compact_from)
    sim = spikesim.Simulator(seed=7, threads=threads)
    nrn = sim.create("iaf_psc_alpha", 60)
    drive = sim.create("poisson_generator", 1, params={"rate": 9000.0})
    sim.connect(drive, nrn, syn_spec={"weight": 12.0, "delay": 1.0})
    for k, model in enumerate(SYNAPSES):
        w = -4.0 if model == "vogels_sprekeler_synapse" else 4.0
        spec = {"synapse_model": model, "weight": w, "delay": 1.0 + 0.5 * k}
        if model == "vogels_sprekeler_synapse":
            spec["Wmax"] = -100.0
        sim.connect(nrn, nrn, {"rule": "fixed_indegree", "indegree": 5}, spec)
    if silent:  # a plastic input that never fires: its target keeps every spike
        quiet = sim.create("spike_generator", 1)
        sim.connect(quiet, nrn[:1], syn_spec={"synapse_model": "stdp_synapse", "weight": 1.0})
    sr = sim.create("spike_recorder")
    sim.connect(nrn, sr)
    sim.simulate(ms)
    ev = sr.get("events")[0]
    spikes = np.stack([np.asarray(ev["senders"]), np.asarray(ev["times"])])
    weights = {m: np.asarray(sim.get_connections(synapse_model=m).get("weight"), dtype=float) for m in SYNAPSES}
    return spikes, weights, sim.engine.archive.length, spikes.shape[1]


def _same(a: tuple, b: tuple) -> None:
    np.testing.assert_array_equal(a[0], b[0])
    for m in SYNAPSES:
        np.testing.assert_array_equal(a[1][m], b[1][m], err_msg=m)


def test_compacted_run_gives_the_same_spikes_and_weights(monkeypatch):
    grown = _run(monkeypatch, 1 << 62)
    compacted = _run(monkeypatch, 64)
    _same(grown, compacted)
    assert grown[2] == grown[3] > 3000  # never compacted: the log holds every spike
    assert compacted[2] < grown[2] / 4  # compacted: a small part of them
    for m in SYNAPSES:  # the rules moved the weights (so the history was read)
        assert np.unique(compacted[1][m]).size > 10, m


def test_a_silent_plastic_input_keeps_its_targets_history(monkeypatch):
    grown = _run(monkeypatch, 1 << 62, silent=True, ms=1500.0)
    compacted = _run(monkeypatch, 64, silent=True, ms=1500.0)
    _same(grown, compacted)
    first = int(np.sum(compacted[0][0] == 1))
    assert compacted[2] >= first > 100  # neuron 1's spikes all stay


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="one core: threads=2 would run on one thread")
def test_compaction_is_the_same_with_two_threads(monkeypatch):
    _same(_run(monkeypatch, 64, ms=1500.0), _run(monkeypatch, 64, threads=2, ms=1500.0))


def _chain(arch: PostArchive, j: int) -> list[float]:
    """Neuron j's spike times, oldest first, by its links (checked both ways)."""
    out, e, after = [], arch.last_idx[j], -1
    while e >= 0:
        assert arch.next[e] == after
        out.append(float(arch.t[e]))
        after, e = e, arch.prev[e]
    return out[::-1]


def test_compaction_keeps_from_the_cut_and_the_newest_spike_before():
    arch = PostArchive(3)
    arch.on[:] = True
    times = {0: [1.0, 2.0, 5.0, 9.0], 1: [3.0, 4.0], 2: [6.0]}
    order = sorted((t, j) for j, ts in times.items() for t in ts)
    ids = np.array([j for _, j in order])
    steps = np.array([round(t * 10) - 1 for t, _ in order])  # stamps t at h = 0.1 ms
    arch.record(ids, steps, np.ones(ids.size), ids.size, 100)
    k_before = {j: dict(zip(_chain(arch, j), arch.k[[e for e in range(arch.length) if ids[e] == j]], strict=True))
                for j in times}
    dropped = arch.compact(np.array([5.5, 10.0, -1.0]), 0.1)
    # neuron 0: from 5.4 ms on (9) and the newest before (5); neuron 1: only its newest (4);
    # neuron 2: cut below its spike, all stays
    assert _chain(arch, 0) == [5.0, 9.0] and _chain(arch, 1) == [4.0] and _chain(arch, 2) == [6.0]
    assert dropped == 3 and arch.length == 4
    for j in times:  # each kept entry keeps its trace value
        e = arch.last_idx[j]
        assert arch.k[e] == k_before[j][float(arch.t[e])]
