"""Soak: record 10^8 spikes and a V_m grid to hdf5 in one long run; memory stays flat.

Three fresh processes, one after the other:

1. ``unrecorded``: examples/brunel.py's network (order 2500, 12,500 neurons) without
   recorders, simulated in chunks of ``--chunk`` ms for ``--baseline`` ms, printing
   its resident memory (RSS) after every chunk: the reference the recorded run is held to.
2. ``recorded``: the same network with every spike and, on a grid of ``--vm-neurons``
   neurons, V_m every ``--vm-interval`` ms recorded to one hdf5 file, simulated in
   chunks until ``--spikes`` spikes are recorded, printing RSS and wall time per
   simulated second along the way.
3. ``readback``: opens the closed file with ``spikesim.io.read`` and checks that it
   holds every spike and sample the recorders counted.

Prints a table of RSS over time and a JSON line per process; the acceptance is peak
RSS of the recorded run <= peak RSS of the unrecorded run + 100 MB and a complete file.

    python benchmarks/soak.py                       # 10^8 spikes (~6 min on 1 core)
    python benchmarks/soak.py --spikes 2e6 --order 500    # a quick check
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent


def rss_mb() -> float:
    """Resident memory of this process now (MB), from /proc/self/statm."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build(args: argparse.Namespace, record: bool, path: Path) -> tuple[Any, dict[str, Any]]:
    """examples/brunel.py's network (NEST's brunel_delta); with ``record``, every spike and
    a V_m grid go to the hdf5 file ``path``, without it there is no recorder at all."""
    import spikesim

    J, g, tau_m, theta, order = 0.1, 5.0, 20.0, 20.0, args.order
    NE, NI = 4 * order, order
    CE, CI = NE // 10, NI // 10
    neuron = {"C_m": 1.0, "tau_m": tau_m, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": theta}
    sim = spikesim.Simulator(resolution=0.1, seed=args.seed, threads=args.threads)
    ex = sim.create("iaf_psc_delta", NE, neuron, label="ex")
    inh = sim.create("iaf_psc_delta", NI, neuron, label="in")
    noise = sim.create("poisson_generator", params={"rate": 1000.0 * 2.0 * theta / (J * CE * tau_m) * CE})
    sim.copy_model("static_synapse", "excitatory", {"weight": J, "delay": 1.5})
    sim.copy_model("static_synapse", "inhibitory", {"weight": -g * J, "delay": 1.5})
    sim.connect(noise, ex + inh, syn_spec="excitatory")
    sim.connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
    sim.connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": CI}, "inhibitory")
    parts: dict[str, Any] = {}
    if record:
        sim.data_path, sim.data_prefix, sim.overwrite_files = str(path.parent), "", True
        sim.set_defaults("hdf5", {"file_name": path.name})
        sr = sim.create("spike_recorder", params={"record_to": "hdf5"}, label="spikes")
        sim.connect(ex + inh, sr)
        grid = ex[:: max(1, NE // args.vm_neurons)][: args.vm_neurons]
        vm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": args.vm_interval,
                                              "record_to": "hdf5"}, label="vm")
        sim.connect(vm, grid)
        parts = {"sr": sr, "vm": vm}
    return sim, parts


def _n_events(dev: Any) -> int:
    """Events a recorder has counted so far (spikes, or sample rows: one per neuron and time)."""
    return int(np.asarray(dev.get("n_events")).ravel()[0])


def child(args: argparse.Namespace) -> None:
    """One process of the soak (``--role``), printing a JSON line per chunk and at the end."""
    path = Path(args.file)
    if args.role == "readback":
        import spikesim.io

        t0 = time.perf_counter()
        rec = spikesim.io.read(path)
        counts = {rec.devices[i]["model"]: int(rec[i]["senders"].size) for i in rec}
        print(json.dumps({"role": "readback", "rows": counts, "read_s": time.perf_counter() - t0,
                          "file_mb": path.stat().st_size / 2**20, "peak_rss_mb": peak_mb()}), flush=True)
        return
    record = args.role == "recorded"
    import_rss = rss_mb()
    sim, parts = _build(args, record, path)
    t_start = time.perf_counter()
    simulated = 0.0
    n_spikes = 0
    while True:
        sim.simulate(args.chunk)
        simulated += args.chunk
        if record:
            n_spikes = _n_events(parts["sr"])
        print(json.dumps({"role": args.role, "t_ms": simulated, "wall_s": time.perf_counter() - t_start,
                          "rss_mb": rss_mb(), "peak_rss_mb": peak_mb(), "n_spikes": n_spikes}), flush=True)
        if (record and n_spikes >= args.spikes) or (not record and simulated >= args.baseline):
            break
    n_samples = _n_events(parts["vm"]) if record else 0
    sim.close()
    print(json.dumps({"role": args.role, "done": True, "t_ms": simulated, "wall_s": time.perf_counter() - t_start,
                      "import_rss_mb": import_rss, "peak_rss_mb": peak_mb(), "n_spikes": n_spikes,
                      "n_samples": n_samples}), flush=True)


def _run_child(role: str, args: argparse.Namespace, path: Path) -> list[dict[str, Any]]:
    """Run one role in a fresh process; its JSON lines, echoed as they come."""
    cmd = [sys.executable, __file__, "--role", role, "--file", str(path), "--order", str(args.order),
           "--seed", str(args.seed), "--threads", str(args.threads), "--chunk", str(args.chunk),
           "--spikes", str(args.spikes), "--baseline", str(args.baseline),
           "--vm-neurons", str(args.vm_neurons), "--vm-interval", str(args.vm_interval)]
    lines: list[dict[str, Any]] = []
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("{"):
                lines.append(json.loads(line))
                print(line.rstrip(), flush=True)
    if proc.returncode != 0:
        raise SystemExit(f"{role} failed with exit code {proc.returncode}")
    return lines


def report(base: list[dict[str, Any]], rec: list[dict[str, Any]], back: dict[str, Any]) -> bool:
    """Print the summary; returns whether the acceptance holds."""
    b, r = base[-1], rec[-1]
    chunks = [x for x in rec if "done" not in x]
    sim_s = r["t_ms"] / 1000.0
    print(f"\nunrecorded: {b['t_ms'] / 1000:.0f} s simulated, peak RSS {b['peak_rss_mb']:.0f} MB")
    print(f"recorded:   {sim_s:.0f} s simulated in {r['wall_s']:.0f} s wall ({r['wall_s'] / sim_s:.2f} s per "
          f"simulated s), {r['n_spikes']:,} spikes, {r['n_samples']:,} V_m samples, peak RSS {r['peak_rss_mb']:.0f} MB")
    marks = [chunks[int(i * (len(chunks) - 1) / 5)] for i in range(6)]
    print("RSS over the recorded run (MB): " + ", ".join(f"{m['t_ms'] / 1000:.0f} s: {m['rss_mb']:.0f}" for m in marks))
    print(f"file: {back['file_mb']:.0f} MB, read back in {back['read_s']:.1f} s: {back['rows']}")
    complete = back["rows"].get("spike_recorder") == r["n_spikes"] and back["rows"].get("multimeter") == r["n_samples"]
    flat = r["peak_rss_mb"] <= b["peak_rss_mb"] + 100.0
    print(f"peak RSS recorded - unrecorded = {r['peak_rss_mb'] - b['peak_rss_mb']:+.0f} MB (limit +100): "
          f"{'ok' if flat else 'EXCEEDED'}; file complete: {'yes' if complete else 'NO'}")
    return flat and complete


def main(argv: list[str] | None = None) -> int:
    """Parse options; run the three processes (or one ``--role``); 0 when the acceptance holds."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spikes", type=float, default=1e8, help="spikes to record (default 1e8)")
    ap.add_argument("--order", type=int, default=2500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--chunk", type=float, default=10000.0, help="ms per simulate call")
    ap.add_argument("--baseline", type=float, default=20000.0, help="ms the unrecorded run simulates")
    ap.add_argument("--vm-neurons", type=int, default=100)
    ap.add_argument("--vm-interval", type=float, default=1.0, help="ms between V_m samples")
    ap.add_argument("--keep", action="store_true", help="keep the recording file")
    ap.add_argument("--role", choices=["unrecorded", "recorded", "readback"], help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.role:
        child(args)
        return 0
    with tempfile.TemporaryDirectory(dir=os.environ.get("SPIKESIM_SOAK_DIR")) as tmp:
        path = Path(tmp) / "soak.h5"
        base = _run_child("unrecorded", args, path)
        rec = _run_child("recorded", args, path)
        back = _run_child("readback", args, path)[-1]
        if args.keep:
            os.replace(path, HERE / "soak.h5")
        return 0 if report(base, rec, back) else 1


if __name__ == "__main__":
    sys.exit(main())
