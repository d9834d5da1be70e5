"""``spikesim demo``: a small Brunel (2000) network, built in, with its rates and a raster.

The network of ``examples/brunel.py`` (``make demo`` runs that one at order 2500):
NE = 4 * order excitatory and NI = order inhibitory ``iaf_psc_delta`` neurons, each
with CE = NE/10 excitatory and CI = NI/10 inhibitory inputs (J = 0.1 mV, g = 5,
delay 1.5 ms) and Poisson input at eta = 2 times the threshold rate; every spike
recorded.  Same order, seed and time: the same spikes as the example.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["build_brunel", "run_demo"]


def build_brunel(order: int = 250, seed: int = 1, J: float = 0.1, g: float = 5.0, eta: float = 2.0,
                 delay: float = 1.5) -> tuple[Any, dict[str, Any]]:
    """Create and connect the Brunel network (NE = 4 * order, NI = order neurons).

    Parameters
    ----------
    order : int, default 250
        Network size parameter (neurons: 5 * order).
    seed : int, default 1
        The simulator's seed.
    J : float, default 0.1
        Excitatory weight (mV, a jump of V_m); inhibitory is ``-g * J``.
    g : float, default 5.0
        Relative strength of inhibition.
    eta : float, default 2.0
        External rate relative to the threshold rate.
    delay : float, default 1.5
        Synaptic delay (ms).

    Returns
    -------
    (Simulator, dict)
        The simulator and its parts: ``ex``, ``in`` (NodeCollections), ``sr`` (the spike
        recorder) and ``p_rate`` (the Poisson rate, spikes/s).
    """
    from spikesim.core.simulator import Simulator
    NE, NI = 4 * order, order
    CE, CI = NE // 10, NI // 10
    tau_m, theta = 20.0, 20.0
    nu_th = theta / (J * CE * tau_m)
    p_rate = 1000.0 * eta * nu_th * CE
    neuron = {"C_m": 1.0, "tau_m": tau_m, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": theta}
    sim = Simulator(resolution=0.1, seed=seed)
    ex = sim.create("iaf_psc_delta", NE, neuron, label="ex")
    inh = sim.create("iaf_psc_delta", NI, neuron, label="in")
    noise = sim.create("poisson_generator", params={"rate": p_rate}, label="noise")
    sr = sim.create("spike_recorder", label="spikes")
    sim.copy_model("static_synapse", "excitatory", {"weight": J, "delay": delay})
    sim.copy_model("static_synapse", "inhibitory", {"weight": -g * J, "delay": delay})
    sim.connect(noise, ex + inh, syn_spec="excitatory")
    sim.connect(ex + inh, sr)
    sim.connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
    sim.connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": CI}, "inhibitory")
    return sim, {"ex": ex, "in": inh, "sr": sr, "p_rate": p_rate}


def run_demo(order: int = 250, simtime: float = 300.0, seed: int = 1, out: Path | None = None,
             progress: bool | None = None) -> dict[str, Any]:
    """Build, simulate and report the Brunel network; print the numbers, draw the raster.

    Parameters
    ----------
    order : int, default 250
        Network size parameter (neurons: 5 * order).
    simtime : float, default 300.0
        Simulated time (ms).
    seed : int, default 1
        The simulator's seed.
    out : Path, optional
        A directory for ``brunel_raster.png`` (100 excitatory neurons, with the rate).
    progress : bool or None
        The progress bar (as ``Simulator.simulate``).

    Returns
    -------
    dict
        ``neurons``, ``synapses``, ``spikes``, ``rate_ex``, ``rate_in`` (spikes/s) and
        ``raster`` (the PNG written, or None).
    """
    t0 = time.perf_counter()
    sim, parts = build_brunel(order, seed)
    t1 = time.perf_counter()
    sim.simulate(simtime, progress=progress)
    t2 = time.perf_counter()
    ev = parts["sr"].get("events")[0]
    n_ex = int(np.isin(ev["senders"], parts["ex"].ids).sum())
    n_in = int(ev["senders"].size) - n_ex
    res: dict[str, Any] = {
        "neurons": len(parts["ex"]) + len(parts["in"]), "synapses": sim.kernel_status()["num_connections"],
        "spikes": int(ev["senders"].size), "rate_ex": n_ex / len(parts["ex"]) / simtime * 1000.0,
        "rate_in": n_in / len(parts["in"]) / simtime * 1000.0, "raster": None}
    print(f"Brunel network (spikesim demo, order {order}, {simtime:g} ms, seed {seed})")
    print(f"Number of neurons : {res['neurons']}")
    print(f"Number of synapses: {res['synapses']}")
    print(f"Spikes recorded   : {res['spikes']}")
    print(f"Excitatory rate   : {res['rate_ex']:.2f} spks/s")
    print(f"Inhibitory rate   : {res['rate_in']:.2f} spks/s")
    print(f"Building time     : {t1 - t0:.2f} s")
    print(f"Simulation time   : {t2 - t1:.2f} s")
    if out is not None:
        res["raster"] = _raster(ev, parts["ex"].ids[:100], out)
        print(f"Raster plot       : {res['raster']}")
    return res


def _raster(ev: dict[str, np.ndarray], first: np.ndarray, out: Path) -> Path:
    import matplotlib
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from spikesim.plotting import raster
    out.mkdir(parents=True, exist_ok=True)
    keep = np.isin(ev["senders"], first)
    fig = plt.figure()
    raster(ev["senders"][keep], ev["times"][keep], hist=True, title="Brunel network: 100 excitatory neurons", fig=fig)
    path = out / "brunel_raster.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
