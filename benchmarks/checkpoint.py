"""Checkpoint benchmark: write and restore the 12,500-neuron Brunel network with STDP.

The network of examples/brunel.py with every excitatory connection an
``stdp_synapse`` (12.5 M plastic synapses plus 3.1 M static inhibitory ones and the
Poisson input), simulated for ``--simtime`` ms, then checkpointed and restored.
Prints write and read seconds, the file size, and the bytes of state it holds, and
checks that the restored simulator continues with the same spikes.

    python benchmarks/checkpoint.py [--order 2500] [--simtime 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

import spikesim  # noqa: E402
from spikesim.io import container  # noqa: E402


def build(order: int, seed: int) -> tuple[spikesim.Simulator, spikesim.NodeCollection]:
    NE, NI = 4 * order, order
    CE, CI = NE // 10, NI // 10
    J, g, tau_m, theta, eta = 0.1, 5.0, 20.0, 20.0, 2.0
    p_rate = 1000.0 * eta * theta / (J * CE * tau_m) * CE
    neuron = {"C_m": 1.0, "tau_m": tau_m, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": theta}
    sim = spikesim.Simulator(resolution=0.1, seed=seed)
    ex = sim.create("iaf_psc_delta", NE, neuron, label="ex")
    inh = sim.create("iaf_psc_delta", NI, neuron, label="in")
    noise = sim.create("poisson_generator", params={"rate": p_rate})
    sr = sim.create("spike_recorder", label="sr")
    sim.copy_model("stdp_synapse", "plastic", {"weight": J, "delay": 1.5, "Wmax": 2 * J, "lambda": 0.001})
    sim.connect(noise, ex + inh, syn_spec={"weight": J, "delay": 1.5})
    sim.connect(ex + inh, sr)
    sim.connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": CE}, "plastic")
    sim.connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": CI}, {"weight": -g * J, "delay": 1.5})
    return sim, sr


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--order", type=int, default=2500)
    ap.add_argument("--simtime", type=float, default=100.0)
    ap.add_argument("--continue-ms", type=float, default=20.0)
    ap.add_argument("--dir", default=None, help="where to write the file (default: a temporary folder)")
    args = ap.parse_args(argv)
    folder = Path(args.dir or tempfile.mkdtemp(prefix="spikesim-ck-"))
    path = folder / "brunel_stdp.h5"

    t0 = time.perf_counter()
    sim, sr = build(args.order, 1)
    sim.simulate(args.simtime)
    t1 = time.perf_counter()
    n_plastic = sim.get_defaults("plastic")["num_connections"]

    t2 = time.perf_counter()
    sim.checkpoint(str(path))
    t3 = time.perf_counter()
    restored = spikesim.Simulator.restore(str(path))
    t4 = time.perf_counter()

    size = os.path.getsize(path)
    _, arrays = container.read(path, "spikesim-checkpoint")
    state_bytes = sum(a.nbytes for a in arrays.values())

    sim.simulate(args.continue_ms)
    restored.simulate(args.continue_ms)
    a = sr.get("events")[0]
    b = restored.nodes("sr").get("events")[0]
    same = all(np.array_equal(a[k], b[k]) for k in a)

    print(f"Brunel + STDP, order {args.order}: {sim.num_nodes} nodes, {n_plastic:,} plastic synapses, "
          f"{sim.kernel_status()['num_connections']:,} connections; built and ran {args.simtime:g} ms in "
          f"{t1 - t0:.1f} s")
    print(f"checkpoint write : {t3 - t2:6.2f} s")
    print(f"restore          : {t4 - t3:6.2f} s")
    print(f"file size        : {size / 1e6:8.1f} MB")
    print(f"state held       : {state_bytes / 1e6:8.1f} MB  (file / state = {size / state_bytes:.3f})")
    print(f"continued {args.continue_ms:g} ms after restore: {'identical spikes' if same else 'DIFFERENT spikes'} "
          f"({a['senders'].size} events)")
    path.unlink()


if __name__ == "__main__":
    main()
