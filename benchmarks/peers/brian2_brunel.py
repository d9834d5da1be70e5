"""Brunel (2000) balanced random network with delta synapses, run in Brian2.

Peer benchmark for spikesim, the same workload as ``nest_brunel.py``. Run it
with a Python that has ``brian2`` installed (its own venv) and a C++ compiler
on PATH; it prints exactly one JSON line as the last line on stdout.

Workload, for an order ``O`` (time step 0.1 ms):

* ``NE = 4*O`` excitatory and ``NI = O`` inhibitory leaky integrate-and-fire
  neurons: ``dv/dt = -(v - E_L)/tau_m`` (tau_m=20 ms, clamped while
  refractory), spike when ``v >= 20 mV``, reset to 0 mV, 2 ms refractory,
  v(0) = 0 mV.
* Delta synapses, delay 1.5 ms: a spike makes ``v += w`` in its targets,
  w = J = 0.1 mV (excitatory) or -g*J = -0.5 mV (inhibitory). As in NEST's
  ``iaf_psc_delta``, input arriving during the refractory period is dropped.
* Fixed in-degree: each neuron gets ``CE = NE/10`` excitatory and
  ``CI = NI/10`` inhibitory sources drawn uniformly *with replacement*
  (autapses and multapses allowed, NEST's ``fixed_indegree`` default). The
  indices are drawn with numpy here and handed to Brian2 as arrays.
* External drive: ``PoissonInput`` of CE sources at ``nu_ex = eta*nu_th``
  (``nu_th = V_th/(J*CE*tau_m)``, eta=2) with weight J. Brian2 draws a
  binomial count per neuron and step, which has the statistics of NEST's
  independent per-target Poisson trains at CE*nu_ex.
* All spikes of all neurons go to a ``SpikeMonitor``.

The model runs on the ``cpp_standalone`` device with OpenMP threads, so the
work happens in a compiled ``main`` binary launched as a child process.
Reported times:

* ``compile_s``: code generation plus C++ compilation (``device.build`` with
  ``run=False``); also writes the connectivity arrays to disk. Not part of
  build_s or simulate_s.
* ``simulate_s``: ``device._last_run_time``, which the binary itself measures
  around its ``Network::run`` loop (``omp_get_wtime``, i.e. wall clock) and
  writes to ``results/last_run_info.txt``. This is the counterpart of NEST's
  ``Simulate`` call.
* ``build_s``: Python-side model description (object creation plus drawing
  the connectivity) plus the binary's own set-up, taken as its wall time
  (``device.timers['run_binary']``) minus ``simulate_s``. That set-up is
  loading the arrays, creating the synapses and spike queues, and also
  writing the results at exit (small).
* ``peak_rss_mb``: peak RSS of the ``main`` binary (the process that holds
  the network and simulates), measured by a thin wrapper set as Brian2's run
  command. ``python_peak_rss_mb`` is the driving Python process, which only
  holds the model description and the index arrays.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time

import brian2 as b2
import numpy as np
from brian2 import Hz, ms, mV

DT_MS = 0.1
DELAY_MS = 1.5
J_MV = 0.1
G = 5.0
ETA = 2.0
EPSILON = 0.1
TAU_M_MS = 20.0
V_TH_MV = 20.0
T_REF_MS = 2.0

# Run command for the compiled binary: a tiny Python wrapper that starts
# ./main with Brian2's arguments and writes the child's peak RSS (kB) to a file.
_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[2:])\n"
    "with open(sys.argv[1], 'w') as f:\n"
    "    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(rc)\n"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--order", type=int, default=2500)
    parser.add_argument("--simtime", type=float, default=1000.0, help="ms")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument(
        "--build-dir",
        default=None,
        help="Brian2 project directory; kept and reused (faster recompiles). "
        "Default: a temporary directory that is removed at the end.",
    )
    return parser.parse_args()


def fixed_indegree(
    rng: np.random.Generator, n_sources: int, n_targets: int, indegree: int
) -> tuple[np.ndarray, np.ndarray]:
    """Source/target index arrays: each target gets `indegree` sources drawn with replacement."""
    sources = rng.integers(0, n_sources, size=n_targets * indegree, dtype=np.int32)
    targets = np.repeat(np.arange(n_targets, dtype=np.int32), indegree)
    return sources, targets


def run(order: int, simtime: float, threads: int, seed: int, build_dir: str) -> dict[str, object]:
    n_exc, n_inh = 4 * order, order
    n_total = n_exc + n_inh
    c_exc, c_inh = int(EPSILON * n_exc), int(EPSILON * n_inh)
    nu_th = V_TH_MV / (J_MV * c_exc * TAU_M_MS)  # per ms
    nu_ex = ETA * nu_th  # per ms, per external source

    rss_file = os.path.join(build_dir, "main_peak_rss_kb.txt")
    b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = threads
    b2.prefs.devices.cpp_standalone.run_cmd_unix = [
        sys.executable, "-c", _RSS_WRAPPER, rss_file, "./main"
    ]
    b2.defaultclock.dt = DT_MS * ms
    b2.seed(seed)
    rng = np.random.default_rng(seed)

    namespace = {
        "tau_m": TAU_M_MS * ms,
        "E_L": 0 * mV,
        "V_th": V_TH_MV * mV,
        "V_reset": 0 * mV,
        "J_ex": J_MV * mV,
        "J_in": -G * J_MV * mV,
    }

    t0 = time.perf_counter()
    neurons = b2.NeuronGroup(
        n_total,
        "dv/dt = -(v - E_L)/tau_m : volt (unless refractory)",
        threshold="v >= V_th",
        reset="v = V_reset",
        refractory=T_REF_MS * ms,
        method="exact",
        namespace=namespace,
    )
    neurons.v = 0 * mV
    # Weights are shared constants, so no per-synapse weight array is stored.
    exc_syn = b2.Synapses(
        neurons[:n_exc], neurons, on_pre="v_post += J_ex * int(not_refractory_post)",
        delay=DELAY_MS * ms, namespace=namespace,
    )
    inh_syn = b2.Synapses(
        neurons[n_exc:], neurons, on_pre="v_post += J_in * int(not_refractory_post)",
        delay=DELAY_MS * ms, namespace=namespace,
    )
    src, tgt = fixed_indegree(rng, n_exc, n_total, c_exc)
    exc_syn.connect(i=src, j=tgt)
    src, tgt = fixed_indegree(rng, n_inh, n_total, c_inh)
    inh_syn.connect(i=src, j=tgt)
    del src, tgt
    drive = b2.PoissonInput(
        neurons, "v", N=c_exc, rate=nu_ex * 1000.0 * Hz, weight="J_ex * int(not_refractory)"
    )
    spikes = b2.SpikeMonitor(neurons)
    net = b2.Network(neurons, exc_syn, inh_syn, drive, spikes)
    net.run(simtime * ms, namespace=namespace)  # only recorded; runs in the binary
    t1 = time.perf_counter()

    b2.device.build(directory=build_dir, compile=True, run=False, with_output=False)
    t2 = time.perf_counter()
    b2.device.run(directory=build_dir, with_output=False)

    simulate_s = float(b2.device._last_run_time)
    binary_s = float(b2.device.timers["run_binary"])
    with open(rss_file) as f:
        main_rss_mb = int(f.read()) / 1024
    n_spikes = int(spikes.num_spikes)
    return {
        "peer": "brian2",
        "version": b2.__version__,
        "order": order,
        "n_neurons": n_total,
        "threads": threads,
        "simtime_ms": simtime,
        "seed": seed,
        "n_synapses": int(n_total * (c_exc + c_inh)),
        "build_s": round((t1 - t0) + (binary_s - simulate_s), 3),
        "simulate_s": round(simulate_s, 3),
        "compile_s": round(t2 - t1, 3),
        "py_setup_s": round(t1 - t0, 3),
        "binary_wall_s": round(binary_s, 3),
        "peak_rss_mb": round(main_rss_mb, 1),
        "python_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        ),
        "n_spikes": n_spikes,
        "rate_hz": round(n_spikes / n_total / (simtime / 1000.0), 3),
    }


def main() -> None:
    args = parse_args()
    build_dir = args.build_dir or tempfile.mkdtemp(prefix="brian2_brunel_")
    try:
        result = run(args.order, args.simtime, args.threads, args.seed, build_dir)
    finally:
        if args.build_dir is None:
            shutil.rmtree(build_dir, ignore_errors=True)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
