"""Brunel (2000) balanced random network with delta synapses, run in NEST.

Peer benchmark for spikesim. Run it with a Python that has ``nest`` installed
(its own venv); it prints exactly one JSON line as the last line on stdout.

Workload, for an order ``O``:

* ``NE = 4*O`` excitatory and ``NI = O`` inhibitory ``iaf_psc_delta`` neurons
  (C_m=1 pF so a weight of J jumps V_m by J mV; tau_m=20 ms, t_ref=2 ms,
  E_L=V_reset=V_m(0)=0 mV, V_th=20 mV), time step 0.1 ms.
* Recurrent input: every neuron draws ``CE = NE/10`` excitatory sources with
  weight ``J = 0.1`` mV and ``CI = NI/10`` inhibitory sources with weight
  ``-g*J`` (g=5) via ``fixed_indegree`` (NEST defaults: autapses and
  multapses allowed, i.e. sources drawn with replacement); all delays 1.5 ms.
* External drive: one ``poisson_generator`` connected to every neuron with
  weight J and delay 1.5 ms. NEST sends each target an independent train, at
  ``p_rate = 1000 * eta * nu_th * CE`` Hz with ``nu_th = V_th/(J*CE*tau_m)``
  per ms and eta=2 (20 kHz for any order).
* All spikes of all neurons go to one in-memory ``spike_recorder``.

Timing: ``build_s`` runs from just before node creation to the end of
connection building; ``simulate_s`` covers the ``nest.Simulate`` call.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time

# No banner on stdout, so the JSON result line is easy to pick out.
os.environ.setdefault("PYNEST_QUIET", "1")

import nest  # noqa: E402

# Model constants (mV, ms).
DT = 0.1
DELAY = 1.5
J = 0.1
G = 5.0
ETA = 2.0
EPSILON = 0.1
TAU_M = 20.0
V_TH = 20.0
NEURON_PARAMS = {
    "C_m": 1.0,
    "tau_m": TAU_M,
    "t_ref": 2.0,
    "E_L": 0.0,
    "V_reset": 0.0,
    "V_m": 0.0,
    "V_th": V_TH,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--order", type=int, default=2500)
    parser.add_argument("--simtime", type=float, default=1000.0, help="ms")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--indegree", type=int, default=None, help="fix CE (CI = CE/4) instead of NE/10")
    return parser.parse_args()


def run(order: int, simtime: float, threads: int, seed: int, indegree: int | None = None) -> dict[str, object]:
    n_exc, n_inh = 4 * order, order
    n_total = n_exc + n_inh
    c_exc, c_inh = (int(EPSILON * n_exc), int(EPSILON * n_inh)) if indegree is None else (indegree, indegree // 4)
    nu_th = V_TH / (J * c_exc * TAU_M)  # per ms
    poisson_rate_hz = 1000.0 * ETA * nu_th * c_exc

    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.resolution = DT
    nest.local_num_threads = threads
    nest.rng_seed = seed
    nest.print_time = False

    t0 = time.perf_counter()
    exc = nest.Create("iaf_psc_delta", n_exc, params=NEURON_PARAMS)
    inh = nest.Create("iaf_psc_delta", n_inh, params=NEURON_PARAMS)
    everyone = exc + inh
    drive = nest.Create("poisson_generator", params={"rate": poisson_rate_hz})
    recorder = nest.Create("spike_recorder", params={"record_to": "memory"})

    exc_syn = {"synapse_model": "static_synapse", "weight": J, "delay": DELAY}
    inh_syn = {"synapse_model": "static_synapse", "weight": -G * J, "delay": DELAY}
    nest.Connect(drive, everyone, "all_to_all", exc_syn)
    nest.Connect(everyone, recorder, "all_to_all")
    nest.Connect(exc, everyone, {"rule": "fixed_indegree", "indegree": c_exc}, exc_syn)
    nest.Connect(inh, everyone, {"rule": "fixed_indegree", "indegree": c_inh}, inh_syn)
    t1 = time.perf_counter()

    nest.Simulate(simtime)
    t2 = time.perf_counter()

    n_spikes = int(recorder.n_events)
    return {
        "peer": "nest",
        "version": nest.__version__,
        "order": order,
        "n_neurons": n_total,
        "threads": threads,
        "simtime_ms": simtime,
        "seed": seed,
        "n_connections": int(nest.num_connections),
        "n_synapses": c_exc * n_total + c_inh * n_total,
        "build_s": round(t1 - t0, 3),
        "simulate_s": round(t2 - t1, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "n_spikes": n_spikes,
        "rate_hz": round(n_spikes / n_total / (simtime / 1000.0), 3),
    }


def main() -> None:
    args = parse_args()
    print(json.dumps(run(args.order, args.simtime, args.threads, args.seed, args.indegree)), flush=True)


if __name__ == "__main__":
    main()
