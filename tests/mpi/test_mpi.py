"""Distributed runs give what one process gives: spikes, samples and weights, bit for bit.

Each case runs ``scenarios.py`` under ``mpiexec -n 2`` or ``-n 3`` (1 or 2 threads per
rank) as a subprocess with a timeout, and compares every rank's results with a
one-process, one-thread run.  Skipped only where mpi4py or its ``mpiexec`` is absent.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.mpi.launch import MPIEXEC, NEEDS_MPI

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TIMEOUT = 600  # s: a cold numba cache compiles every kernel in every rank
pytestmark = NEEDS_MPI


def run(scenario: str, procs: int, threads: int, out: Path) -> list[dict[str, np.ndarray]]:
    """Every rank's results of ``scenario`` on ``procs`` processes x ``threads`` threads
    (recording files go to ``out/files``)."""
    (out / "files").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "SPIKESIM_TEST_DATA": str(out / "files"), "SPIKESIM_TEST_CHECKPOINT": str(out.parent / "ckpt.h5")}
    cmd = [sys.executable, "-m", "mpi4py", str(HERE / "scenarios.py"), scenario, str(out), str(threads)]
    if procs > 1:
        assert MPIEXEC is not None
        cmd = [MPIEXEC, "-n", str(procs), *cmd]
    done = subprocess.run(cmd, env=env, cwd=ROOT, timeout=TIMEOUT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return [dict(np.load(out / f"rank{r}.npz")) for r in range(procs)]


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, np.ndarray]]:
    """One process, one thread: the reference of every scenario."""
    return {name: run(name, 1, 1, tmp_path_factory.mktemp(name))[0] for name in ("brunel", "stdp", "delays")}


def same(a: dict[str, np.ndarray], b: dict[str, np.ndarray], skip: tuple[str, ...] = ()) -> list[str]:
    """Keys whose arrays differ (shape, dtype or any bit)."""
    return [k for k in a if k not in skip and not (a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]))]


@pytest.mark.parametrize(("procs", "threads"), [(1, 2), (2, 1), (2, 2), (3, 1), (3, 2)])
def test_brunel_spikes_do_not_depend_on_processes_or_threads(serial, tmp_path, procs, threads):
    ref = serial["brunel"]
    assert ref["senders"].size > 10_000  # the network is active (about 15 spikes/s)
    for rank, res in enumerate(run("brunel", procs, threads, tmp_path)):
        assert same(ref, res) == [], f"rank {rank} of {procs} x {threads} threads"


@pytest.mark.parametrize(("procs", "threads"), [(2, 1), (3, 2)])
def test_several_delays_and_a_spike_generator_keep_one_process_results(serial, tmp_path, procs, threads):
    ref = serial["delays"]
    assert ref["senders"].size > 500 and ref["V_m"].size > 500
    for rank, res in enumerate(run("delays", procs, threads, tmp_path)):
        assert same(ref, res) == [], f"rank {rank} of {procs} x {threads} threads"


@pytest.mark.parametrize(("procs", "threads"), [(1, 2), (2, 1), (2, 2), (3, 1), (3, 2)])
def test_stdp_spikes_samples_and_weights_do_not_depend_on_processes(serial, tmp_path, procs, threads):
    ref = serial["stdp"]
    assert ref["wr_weights"].size > 1000 and ref["mm_V_m"].size > 1000 and ref["senders"].size > 100
    assert np.ptp(ref["wr_weights"]) > 1.0  # the weights moved
    assert ref["archive_dropped"][0] > 100  # the postsynaptic archive was compacted, on every rank alike
    results = run("stdp", procs, threads, tmp_path)
    for rank, res in enumerate(results):
        assert same(ref, res, skip=("n_local_conns",)) == [], f"rank {rank} of {procs} x {threads} threads"
    # each rank holds only the connections onto its neurons: together, one process's
    assert sum(int(r["n_local_conns"][0]) for r in results) == int(ref["n_local_conns"][0])
    if procs > 1:
        assert max(int(r["n_local_conns"][0]) for r in results) < int(ref["n_local_conns"][0])


@pytest.mark.parametrize(("procs", "threads"), [(2, 1), (3, 2)])
def test_dopamine_synapses_keep_one_processs_results(tmp_path, procs, threads):
    """stdp_dopamine_synapse: the dopamine spikes of every rank's neurons reach every rank's
    synapses (spikes, weight-recorder events and connection state of one process)."""
    ref = run("dopamine", 1, 1, tmp_path / "serial")[0]
    conn = [k for k in ref if k.startswith("conn_")]
    assert ref["wr_weights"].size > 200 and np.ptp(ref["conn_weight"]) > 1.0 and np.all(ref["conn_n"] > 0.0)
    rows = []
    for rank, res in enumerate(run("dopamine", procs, threads, tmp_path / "mpi")):
        assert same(ref, res, skip=tuple(conn)) == [], f"rank {rank} of {procs} x {threads} threads"
        rows.append(np.stack([res[k] for k in conn]))
    # each rank holds the connections onto its neurons: together, one process's, in the same state
    got, want = np.concatenate(rows, axis=1), np.stack([ref[k] for k in conn])
    np.testing.assert_array_equal(got[:, np.lexsort(got[::-1])], want[:, np.lexsort(want[::-1])])


@pytest.mark.parametrize(("procs", "threads"), [(2, 1), (3, 2)])
def test_disconnect_keeps_one_processs_results(tmp_path, procs, threads):
    """Connections removed by pairs and by collections between two runs: the spikes,
    samples and weights of one process (each rank removes the part it stores)."""
    ref = run("disconnect", 1, 1, tmp_path / "serial")[0]
    full = run("stdp", 1, 1, tmp_path / "full")[0]
    assert ref["n_local_conns"][0] < full["n_local_conns"][0] - 50  # connections went
    assert ref["wr_weights"].size > 500 and ref["senders"].size > 100
    for rank, res in enumerate(run("disconnect", procs, threads, tmp_path / "mpi")):
        assert same(ref, res, skip=("n_local_conns",)) == [], f"rank {rank} of {procs} x {threads} threads"


def test_ascii_files_of_two_processes_equal_one_processs(tmp_path):
    run("files", 1, 1, tmp_path / "one")
    run("files", 2, 1, tmp_path / "two")
    one = sorted(p.name for p in (tmp_path / "one" / "files").iterdir())
    assert len(one) == 2 and sorted(p.name for p in (tmp_path / "two" / "files").iterdir()) == one
    for name in one:
        text = (tmp_path / "one" / "files" / name).read_bytes()
        assert text.count(b"\n") > 50  # spikes and samples were written
        assert (tmp_path / "two" / "files" / name).read_bytes() == text, name


def test_hdf5_recording_of_two_processes_reads_back_as_one_processs(tmp_path):
    one = run("hdf5", 1, 1, tmp_path / "one")[0]
    two = run("hdf5", 2, 1, tmp_path / "two")
    assert sorted(p.name for p in (tmp_path / "two" / "files").iterdir()) == ["recording.h5"]
    read = [k for k in one if k.startswith("read/")]
    raw = [k for k in one if k.startswith("h5/")]
    assert len(read) >= 4 and len(raw) >= 4  # spikes and samples, by both readers
    assert min(one[k].size for k in read) > 100  # spikes and samples were written
    for rank, res in enumerate(two):
        # spikesim.io.read and h5py see, bit for bit, what a one-process run's file holds
        assert sorted(k for k in res if k != "during") == sorted(k for k in one if k != "during")
        assert same(one, res, skip=("during",)) == [], f"rank {rank}"
    # rank 0 read the file while the run went on: the callback at t saw every row up to
    # t (the recorders hand over before it and the backend flushes at each hand-over)
    during = two[0]["during"]
    assert during[:, 0].tolist() == [20.0, 40.0, 60.0, 80.0, 100.0]
    sr, vm = (int(i) for i in one["ids"])
    for col, dev in ((1, sr), (2, vm)):
        times = one[f"read/{dev}/times"]
        assert during[:, col].tolist() == [int(np.sum(times <= t + 1e-9)) for t in during[:, 0]]
    assert 0 < during[0, 1] < during[-1, 1]


@pytest.mark.parametrize("procs", [2, 3])
def test_rules_build_only_local_connections_and_give_one_processs_spikes(tmp_path, procs):
    one = run("rules", 1, 1, tmp_path / "one")[0]
    assert one["senders"].size > 300 and one["conn_src"].size > 200
    ranks = run("rules", procs, 1, tmp_path / "many")
    for rank, res in enumerate(ranks):
        assert same(one, res, skip=("conn_src", "conn_tgt")) == [], f"rank {rank} of {procs}"
        assert res["conn_src"].size < one["conn_src"].size  # only the connections onto its nodes
    # together the ranks hold exactly the one-process connections
    pairs = sorted(zip(np.concatenate([r["conn_src"] for r in ranks]).tolist(),
                       np.concatenate([r["conn_tgt"] for r in ranks]).tolist(), strict=True))
    assert pairs == sorted(zip(one["conn_src"].tolist(), one["conn_tgt"].tolist(), strict=True))


@pytest.mark.parametrize("procs", [2, 3])
def test_outdegree_and_total_number_keep_only_the_local_part(tmp_path, procs):
    """fixed_outdegree and fixed_total_number: every rank holds exactly the one-process
    connections onto its targets (in the same order), the spikes are the same, and the
    rank never held the whole call: each keeps about 1/procs of the pairs plus a block
    of 1,000, so procs times its peak memory stays near one process's peak."""
    one = run("sparse", 1, 1, tmp_path / "one")[0]
    assert one["senders"].size > 100 and one["conn_src"].size > 480_000
    ranks = run("sparse", procs, 1, tmp_path / "many")
    for rank, res in enumerate(ranks):
        assert same(one, res, skip=("conn_src", "conn_tgt", "conn_w", "targets_local", "peak_bytes")) == [], rank
        assert res["targets_local"].all() and res["conn_src"].size < one["conn_src"].size
        mine = np.isin(one["conn_tgt"], np.unique(res["conn_tgt"]))
        for col in ("conn_src", "conn_tgt", "conn_w"):  # get_connections lists them in one order
            assert np.array_equal(one[col][mine], res[col]), (rank, col)
        assert procs * int(res["peak_bytes"][0]) < 1.25 * int(one["peak_bytes"][0]), rank
    assert sum(r["conn_src"].size for r in ranks) == one["conn_src"].size


@pytest.mark.parametrize(("procs", "threads"), [(1, 2), (2, 2), (3, 1)])
def test_local_thread_and_vp_status_keys(tmp_path, procs, threads):
    """Expected values from the placement documented in NodeTable.placement: rank r holds
    block(n, r, P) = [n r // P, n (r + 1) // P) of each neuron population, its threads
    split that block the same way, vp = thread * P + rank; devices on every rank."""
    from spikesim.parallel import block  # noqa: PLC0415

    for rank, res in enumerate(run("placement", procs, threads, tmp_path)):
        assert (int(res["rank"][0]), int(res["procs"][0])) == (rank, procs)
        local, thread, vp = [], [], []
        for n in (10, 7):  # the two neuron populations
            for r in range(procs):
                lo, hi = block(n, r, procs)
                for t in range(threads):
                    a, b = block(hi - lo, t, threads)
                    local += [r == rank] * (b - a)
                    thread += [t] * (b - a)
                    vp += [t * procs + r] * (b - a)
        local, thread, vp = [*local, True], [*thread, 0], [*vp, rank]  # the spike recorder
        assert res["local"].tolist() == local and res["thread"].tolist() == thread and res["vp"].tolist() == vp
        assert res["local_ids"].tolist() == [i + 1 for i in range(18) if local[i]]
        assert sorted(set(vp[:17])) == list(range(procs * threads))  # every virtual process holds neurons


@pytest.mark.parametrize(("writers", "readers"), [(2, 1), (2, 3), (1, 2)])
def test_checkpoint_moves_between_process_counts(serial, tmp_path, writers, readers):
    """Written by ``writers`` processes at 150 ms, restored on ``readers``, continued to
    300 ms: the spikes, samples and weights of the uninterrupted one-process run."""
    run("stdp_write", writers, 1, tmp_path / "write")
    assert (tmp_path / "ckpt.h5").exists()
    for rank, res in enumerate(run("stdp_read", readers, 1, tmp_path / "read")):
        # (a restored archive starts with other room, so it is compacted at other times)
        skip = ("n_local_conns", "wr_ports", "archive_dropped")
        assert same(serial["stdp"], res, skip=skip) == [], f"rank {rank} of {readers}"


@pytest.mark.parametrize(("procs", "threads"), [(2, 1), (3, 2)])
def test_spatial_connections_and_spikes_do_not_depend_on_processes(tmp_path, procs, threads):
    """Layers, masks and distance-dependent p, weights and delays: every rank draws the
    whole call and keeps the connections onto its neurons; together they are the
    one-process connections, and the spikes are the same."""
    one = run("spatial", 1, 1, tmp_path / "one")[0]
    assert one["senders"].size > 300 and one["conn_src"].size > 1000
    ranks = run("spatial", procs, threads, tmp_path / "many")
    for rank, res in enumerate(ranks):
        assert same(one, res, skip=("conn_src", "conn_tgt", "conn_w", "conn_d")) == [], f"rank {rank} of {procs}"
    rows = sorted(zip(*(np.concatenate([r[k] for r in ranks]).tolist()
                        for k in ("conn_src", "conn_tgt", "conn_w", "conn_d")), strict=True))
    assert rows == sorted(zip(*(one[k].tolist() for k in ("conn_src", "conn_tgt", "conn_w", "conn_d")),
                              strict=True))
