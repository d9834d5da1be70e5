"""Networks run under ``mpiexec`` by the tests of this folder (and by hand).

``python scenarios.py NAME OUT_DIR THREADS`` runs scenario NAME and writes each rank's
view of the results to ``OUT_DIR/rank<r>.npz``; the tests compare every rank's file of
a 2- or 3-process run with the file of a one-process run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import spikesim
from spikesim.parallel import world

ROOT = Path(__file__).resolve().parents[2]


def brunel(threads: int) -> dict[str, np.ndarray]:
    """The Brunel network of examples/brunel.py, order 500, 200 ms, seed 1: all spikes."""
    sys.path.insert(0, str(ROOT / "examples"))
    import brunel as example  # noqa: PLC0415 - the example defines the network once

    sim, parts = example.build(500, seed=1, threads=threads)
    sim.simulate(100.0)
    sim.simulate(100.0)  # two calls: the state gathered between them must carry on
    ev = parts["sr"].get("events")[0]
    v_m = (parts["ex"][:50] + parts["in"][-50:]).get("V_m")
    return {"senders": ev["senders"], "times": ev["times"], "V_m": np.asarray(v_m)}


def _stdp_network(threads: int) -> spikesim.Simulator:
    """Poisson-driven parrots onto iaf_psc_alpha neurons through STDP synapses
    (pairwise_bernoulli), recurrent static links (fixed_outdegree), a weight recorder, a
    multimeter sampling neurons of every rank, a spike recorder; seed 7."""
    sim = spikesim.Simulator(resolution=0.1, seed=7, threads=threads)
    pre = sim.create("parrot_neuron", 40, label="pre")
    post = sim.create("iaf_psc_alpha", 30, {"I_e": 200.0}, label="post")
    drive = sim.create("poisson_generator", params={"rate": 40.0})
    wr = sim.create("weight_recorder", label="wr")
    mm = sim.create("multimeter", params={"record_from": ["V_m", "I_syn_ex"], "interval": 0.5}, label="mm")
    sr = sim.create("spike_recorder", label="sr")
    sim.copy_model("stdp_synapse", "stdp_rec", {"weight_recorder": wr, "Wmax": 200.0})
    sim.connect(drive, pre)
    sim.connect(pre, post, {"rule": "pairwise_bernoulli", "p": 0.5},
                {"synapse_model": "stdp_rec", "weight": 60.0, "delay": 1.0})
    sim.connect(post, post, {"rule": "fixed_outdegree", "outdegree": 3, "allow_autapses": False},
                {"weight": 20.0, "delay": 2.0})
    sim.connect(mm, post[::3])
    sim.connect(pre + post, sr)
    return sim


def _stdp_results(sim: spikesim.Simulator) -> dict[str, np.ndarray]:
    s, w, m = (sim.nodes(k).get("events")[0] for k in ("sr", "wr", "mm"))
    conns = sim.get_connections(sim.nodes("pre"), sim.nodes("post"))
    return {"senders": s["senders"], "times": s["times"],
            "wr_senders": w["senders"], "wr_targets": w["targets"], "wr_times": w["times"],
            "wr_weights": w["weights"], "wr_ports": w["ports"],
            "mm_senders": m["senders"], "mm_times": m["times"], "mm_V_m": m["V_m"], "mm_I": m["I_syn_ex"],
            "n_local_conns": np.array([len(conns)]), "archive_dropped": np.array([sim.engine.archive.dropped])}


def _small_archive() -> None:
    """The postsynaptic archive compacted from 16 entries on (its default is far larger),
    so that every STDP scenario compacts it, each process alike."""
    from spikesim.kernel import archive  # noqa: PLC0415

    archive.COMPACT_FROM = archive.FIRST_CAPACITY = 16


def stdp(threads: int) -> dict[str, np.ndarray]:
    """The STDP network over 300 ms (two simulate calls)."""
    _small_archive()
    sim = _stdp_network(threads)
    sim.simulate(150.0)
    sim.simulate(150.0)
    return _stdp_results(sim)


def disconnect(threads: int) -> dict[str, np.ndarray]:
    """The STDP network over 100 ms; then half of the plastic pairs from ``pre[:10]``
    removed by pairs (one_to_one: the same list on every rank), and the plastic
    connections from ``pre[20:30]`` to ``post[10:20]`` and the static ones from
    ``post[:15]`` removed as SynapseCollections (each rank its own part); 100 ms more."""
    sim = _stdp_network(threads)
    sim.simulate(100.0)
    pre, post = sim.nodes("pre"), sim.nodes("post")
    comm = world()
    local = sim.get_connections(pre[:10], post, synapse_model="stdp_rec")
    src = np.concatenate(comm.allgather(np.asarray(local.get("source"), dtype=np.int64)))
    tgt = np.concatenate(comm.allgather(np.asarray(local.get("target"), dtype=np.int64)))
    pairs = np.unique(np.stack([src, tgt]), axis=1)[:, ::2]
    sim.disconnect(pairs[0], pairs[1], "one_to_one", "stdp_rec")
    sim.disconnect(sim.get_connections(pre[20:30], post[10:20], synapse_model="stdp_rec"))
    sim.disconnect(sim.get_connections(post[:15], post, synapse_model="static_synapse"))
    sim.simulate(100.0)
    return _stdp_results(sim)


def stdp_write(threads: int) -> dict[str, np.ndarray]:
    """The STDP network over 150 ms, then a checkpoint ``$SPIKESIM_TEST_CHECKPOINT``."""
    import os  # noqa: PLC0415

    _small_archive()
    sim = _stdp_network(threads)
    sim.simulate(150.0)
    sim.checkpoint(os.environ["SPIKESIM_TEST_CHECKPOINT"])
    return {"done": np.array([1])}


def stdp_read(threads: int) -> dict[str, np.ndarray]:
    """Restore ``$SPIKESIM_TEST_CHECKPOINT`` and continue for 150 ms."""
    import os  # noqa: PLC0415

    _small_archive()
    sim = spikesim.Simulator.restore(os.environ["SPIKESIM_TEST_CHECKPOINT"])
    sim.set_threads(threads)
    sim.simulate(150.0)
    return _stdp_results(sim)


def files(threads: int) -> dict[str, np.ndarray]:
    """A small network recorded to ascii files in ``$SPIKESIM_TEST_DATA`` (rank 0 writes
    them): spikes and membrane potentials of neurons on every rank; 100 ms, seed 3."""
    import os  # noqa: PLC0415

    sim = spikesim.Simulator(resolution=0.1, seed=3, threads=threads)
    sim.data_path = os.environ["SPIKESIM_TEST_DATA"]
    n = sim.create("iaf_psc_exp", 20, {"I_e": 450.0})
    drive = sim.create("poisson_generator", params={"rate": 800.0})
    sr = sim.create("spike_recorder", params={"record_to": "ascii"})
    vm = sim.create("voltmeter", params={"record_to": "ascii", "interval": 1.0})
    sim.connect(drive, n, syn_spec={"weight": 30.0})
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 4}, {"weight": 50.0, "delay": 1.5})
    sim.connect(n, sr)
    sim.connect(vm, n)
    sim.simulate(100.0)
    return {"n_nodes": np.array([sim.num_nodes])}


def hdf5(threads: int) -> dict[str, np.ndarray]:
    """The network of :func:`files` recorded to one hdf5 file in ``$SPIKESIM_TEST_DATA``,
    flushed at every hand-over; every 20 ms rank 0 reads the file while the run goes on
    (``spikesim.io.read``).  Returns what rank 0 read during the run (rows per device at
    each read) and, on every rank, the finished file read back by ``spikesim.io.read``
    and, raw, by h5py (every dataset under ``devices``)."""
    import os  # noqa: PLC0415

    import h5py  # noqa: PLC0415

    sim = spikesim.Simulator(resolution=0.1, seed=3, threads=threads)
    sim.data_path = os.environ["SPIKESIM_TEST_DATA"]
    sim.set_defaults("hdf5", {"flush_interval": 1e-6})  # flush at every hand-over
    n = sim.create("iaf_psc_exp", 20, {"I_e": 450.0})
    drive = sim.create("poisson_generator", params={"rate": 800.0})
    sr = sim.create("spike_recorder", params={"record_to": "hdf5"})
    vm = sim.create("voltmeter", params={"record_to": "hdf5", "interval": 1.0})
    sim.connect(drive, n, syn_spec={"weight": 30.0})
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 4}, {"weight": 50.0, "delay": 1.5})
    sim.connect(n, sr)
    sim.connect(vm, n)
    path = os.path.join(sim.data_path, "recording.h5")
    ids = (sr.tolist()[0], vm.tolist()[0])
    during: list[list[float]] = []

    def look(s: spikesim.Simulator) -> None:
        if world().rank == 0:  # the writer's own process reads the file it is writing
            rec = spikesim.io.read(path)
            during.append([s.time, *(rec[i]["senders"].size for i in ids)])

    sim.every(20.0, look, offset=20.0)
    sim.simulate(100.0)
    world().barrier()  # rank 0 closed the file at the end of simulate
    rec = spikesim.io.read(path)
    out = {f"read/{i}/{k}": np.asarray(v) for i in ids for k, v in rec[i].items()}
    out["during"] = np.array(during).reshape(-1, 3)
    out["ids"] = np.array(ids)
    with h5py.File(path, "r", swmr=True, locking=False) as f:
        f["devices"].visititems(lambda name, obj: out.__setitem__(f"h5/{name}", obj[()])
                                if isinstance(obj, h5py.Dataset) else None)
    return out


def placement(threads: int) -> dict[str, np.ndarray]:
    """Through the NEST face: 10 iaf_psc_alpha, 7 parrots, a spike recorder; every
    node's ``local``, ``thread`` and ``vp``, and this rank's GetLocalNodeCollection."""
    import spikesim.nest as nest  # noqa: PLC0415

    nest.ResetKernel()
    nest.SetKernelStatus({"local_num_threads": threads})
    nodes = nest.Create("iaf_psc_alpha", 10) + nest.Create("parrot_neuron", 7) + nest.Create("spike_recorder")
    return {"local": np.array(nodes.get("local")), "thread": np.array(nodes.get("thread")),
            "vp": np.array(nodes.get("vp")), "local_ids": np.array(nest.GetLocalNodeCollection(nodes).tolist()),
            "rank": np.array([nest.Rank()]), "procs": np.array([nest.NumProcesses()])}


def rules(threads: int) -> dict[str, np.ndarray]:
    """Static connections by all_to_all (Poisson drive; neurons to neurons with
    autapses excluded), one_to_one (parrots to neurons) and pairwise_bernoulli
    (recurrent, p = 0.2): all spikes over 100 ms and this rank's connections; seed 5."""
    sim = spikesim.Simulator(resolution=0.1, seed=5, threads=threads)
    n = sim.create("iaf_psc_alpha", 31, {"I_e": 300.0})
    par = sim.create("parrot_neuron", 31)
    drive = sim.create("poisson_generator", params={"rate": 300.0})
    sr = sim.create("spike_recorder")
    sim.connect(drive, n + par, syn_spec={"weight": 80.0})
    sim.connect(par, n, "one_to_one", {"weight": 40.0, "delay": 1.2})
    sim.connect(n[:6], n[3:9], {"rule": "all_to_all", "allow_autapses": False}, {"weight": -5.0})
    sim.connect(n, n, {"rule": "pairwise_bernoulli", "p": 0.2}, {"weight": 15.0, "delay": 1.5})
    sim.connect(n + par, sr)
    sim.simulate(100.0)
    ev = sr.get("events")[0]
    c = sim.get_connections(n + par, n + par)
    return {"senders": ev["senders"], "times": ev["times"], "conn_src": np.asarray(c.get("source")),
            "conn_tgt": np.asarray(c.get("target"))}


def sparse(threads: int) -> dict[str, np.ndarray]:
    """fixed_outdegree and fixed_total_number, with and without autapses and multapses,
    drawn 1,000 pairs at a time; seed 9.  All spikes over 100 ms, this rank's
    connections, whether each of their targets is this rank's, and the peak memory
    (tracemalloc, bytes) of two calls of 240,000 connections each among 3,000 neurons."""
    import tracemalloc  # noqa: PLC0415

    from spikesim.network import rules as rule_module  # noqa: PLC0415

    rule_module.CHUNK = 1000
    sim = spikesim.Simulator(resolution=0.1, seed=9, threads=threads)
    n = sim.create("iaf_psc_alpha", 50, {"I_e": 450.0})
    big = sim.create("iaf_psc_alpha", 3000)
    sr = sim.create("spike_recorder")
    sim.connect(n, n, {"rule": "fixed_outdegree", "outdegree": 5, "allow_autapses": False}, {"weight": 30.0})
    sim.connect(n, n, {"rule": "fixed_outdegree", "outdegree": 4, "allow_multapses": False}, {"weight": -20.0})
    sim.connect(n, n, {"rule": "fixed_total_number", "N": 400, "allow_autapses": False}, {"weight": 25.0})
    sim.connect(n, n, {"rule": "fixed_total_number", "N": 300, "allow_multapses": False},
                {"weight": -15.0, "delay": 1.7})
    sim.connect(n, sr)
    sim.simulate(10.0)  # the kernels are compiled before memory is traced
    tracemalloc.start()
    sim.connect(big, big, {"rule": "fixed_outdegree", "outdegree": 80, "allow_autapses": False}, {"weight": 1.0})
    sim.connect(big, big, {"rule": "fixed_total_number", "N": 240_000}, {"weight": 2.0})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    sim.simulate(90.0)
    ev = sr.get("events")[0]
    c = sim.get_connections(n + big, n + big)
    local = np.asarray((n + big).get("local"), dtype=bool)
    tgt = np.asarray(c.get("target"))
    return {"senders": ev["senders"], "times": ev["times"], "conn_src": np.asarray(c.get("source")),
            "conn_tgt": tgt, "conn_w": np.asarray(c.get("weight")), "targets_local": local[tgt - 1],
            "peak_bytes": np.array([peak])}


def delays(threads: int) -> dict[str, np.ndarray]:
    """Delays of 1, 2 and 2.5 ms between 60 iaf_psc_exp neurons, a spike generator
    (delay 2 ms; its spikes are merged into the exchanged lists) and Poisson drive
    (delay 3 ms: generators send ahead).  A spike recorder, a voltmeter, three calls
    ending off the slice grid; seed 5."""
    sim = spikesim.Simulator(resolution=0.1, seed=5, threads=threads)
    n = sim.create("iaf_psc_exp", 60, {"I_e": 300.0})
    drive = sim.create("poisson_generator", params={"rate": 6000.0})
    sg = sim.create("spike_generator", params={"spike_times": [5.0, 5.0, 17.3, 40.1, 41.0, 77.7]})
    sr = sim.create("spike_recorder")
    vm = sim.create("voltmeter", params={"interval": 0.5})
    sim.connect(drive, n, syn_spec={"weight": 40.0, "delay": 3.0})
    sim.connect(sg, n[::3], syn_spec={"weight": 300.0, "delay": 2.0})
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 5}, {"weight": 60.0, "delay": 1.0})
    sim.connect(n, n, {"rule": "fixed_indegree", "indegree": 5}, {"weight": -90.0, "delay": 2.5})
    sim.connect(n, sr)
    sim.connect(vm, n[::7])
    for t in (33.3, 50.1, 16.6):
        sim.simulate(t)
    ev, v = sr.get("events")[0], vm.get("events")[0]
    return {"senders": ev["senders"], "times": ev["times"], "vm_senders": v["senders"], "vm_times": v["times"],
            "V_m": v["V_m"]}


def dopamine(threads: int) -> dict[str, np.ndarray]:
    """stdp_dopamine_synapse: Poisson-driven parrots onto iaf_psc_alpha neurons, a dopamine
    population of iaf_psc_alpha neurons (on every rank) feeding a volume_transmitter
    (deliver_interval 2), a weight recorder; two calls, the first ending inside a slice;
    seed 5.  Each rank's dopamine connections (source, target, weight, c, n, Kplus)."""
    sim = spikesim.Simulator(resolution=0.1, seed=5, threads=threads)
    vt = sim.create("volume_transmitter", params={"deliver_interval": 2})
    pre = sim.create("parrot_neuron", 30, label="pre")
    post = sim.create("iaf_psc_alpha", 20, {"I_e": 200.0}, label="post")
    dopa = sim.create("iaf_psc_alpha", 12, {"I_e": 390.0}, label="dopa")
    drive = sim.create("poisson_generator", params={"rate": 40.0})
    wr = sim.create("weight_recorder", label="wr")
    sr = sim.create("spike_recorder", label="sr")
    sim.copy_model("stdp_dopamine_synapse", "dopa_rec", {"volume_transmitter": vt, "weight_recorder": wr,
                                                         "tau_c": 50.0, "tau_n": 30.0, "b": 0.005})
    sim.connect(drive, pre)
    sim.connect(drive, dopa, syn_spec={"weight": 30.0})
    sim.connect(pre, post, {"rule": "pairwise_bernoulli", "p": 0.5},
                {"synapse_model": "dopa_rec", "weight": 60.0, "delay": 1.0})
    sim.connect(dopa, vt, syn_spec={"delay": 1.3})
    sim.connect(pre + post + dopa, sr)
    sim.simulate(73.3)
    sim.simulate(76.7)
    s, w = sr.get("events")[0], wr.get("events")[0]
    c = sim.get_connections(pre, post).get("source", "target", "weight", "c", "n", "Kplus")
    return {"senders": s["senders"], "times": s["times"], "wr_senders": w["senders"], "wr_targets": w["targets"],
            "wr_times": w["times"], "wr_weights": w["weights"],
            **{f"conn_{k}": np.asarray(v) for k, v in c.items()}}


def spatial(threads: int) -> dict[str, np.ndarray]:
    """Two periodic 12 x 12 layers: pairwise_bernoulli with a Gaussian p in a circular mask and
    distance-dependent weights and delays, fixed_indegree in a rectangular mask; Poisson drive;
    seed 7.  All spikes over 100 ms and this rank's connections."""
    from spikesim.network import spatial_parameters as sp  # noqa: PLC0415
    from spikesim.network.space import Grid  # noqa: PLC0415

    sim = spikesim.Simulator(resolution=0.1, seed=7, threads=threads)
    a = sim.create("iaf_psc_alpha", params={"I_e": 250.0}, positions=Grid([12, 12], edge_wrap=True))
    b = sim.create("iaf_psc_alpha", params={"I_e": 250.0}, positions=Grid([12, 12], edge_wrap=True))
    drive = sim.create("poisson_generator", params={"rate": 2000.0})
    sr = sim.create("spike_recorder")
    sim.connect(drive, a + b, syn_spec={"weight": 30.0})
    sim.connect(a, b, {"rule": "pairwise_bernoulli", "p": sp.Gaussian(sp.Distance(), 0.0, 0.15),
                       "mask": {"circular": {"radius": 0.3}}},
                {"weight": 40.0 * (1.0 - sp.Distance()), "delay": 1.0 + 2.0 * sp.Distance()})
    sim.connect(b, a, {"rule": "fixed_indegree", "indegree": 4, "mask": {"rectangular": {
        "lower_left": [-0.2, -0.1], "upper_right": [0.2, 0.1]}}}, {"weight": -20.0, "delay": 1.5})
    sim.connect(a + b, sr)
    sim.simulate(100.0)
    ev = sr.get("events")[0]
    c = sim.get_connections(a + b, a + b)
    return {"senders": ev["senders"], "times": ev["times"], "conn_src": np.asarray(c.get("source")),
            "conn_tgt": np.asarray(c.get("target")), "conn_w": np.asarray(c.get("weight")),
            "conn_d": np.asarray(c.get("delay"))}


SCENARIOS = {"spatial": spatial, "brunel": brunel, "stdp": stdp, "disconnect": disconnect, "files": files, "hdf5": hdf5,
             "placement": placement, "rules": rules, "sparse": sparse, "delays": delays,
             "stdp_write": stdp_write, "stdp_read": stdp_read, "dopamine": dopamine}


def main(argv: list[str]) -> None:
    """Run the scenario ``argv[0]`` with ``argv[2]`` threads and write ``argv[1]/rank<r>.npz``."""
    name, out, threads = argv[0], Path(argv[1]), int(argv[2])
    result = SCENARIOS[name](threads)
    np.savez(out / f"rank{world().rank}.npz", **result)


if __name__ == "__main__":
    main(sys.argv[1:])
