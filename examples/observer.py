"""Seed 003 ported: rectipy's "Network Observer" on spikesim.

N = 5 randomly coupled QIF neurons (rectipy's ``qif`` template as the ``qif`` model;
coupling ``s_in = J s`` through connections with one step of delay, which is exactly
rectipy's instantaneous coupling).  First an :class:`Observer` in a custom step loop,
then :func:`spikesim.observer.run` (rectipy's ``Network.run``; bound as
``sim.run`` once the Simulator exposes it) with ``sampling_steps`` 1 and 2.

    python examples/observer.py [--out DIR] [--steps 10000] [--loop-steps 10000]

The custom loop is a Python loop over steps (as in the seed); ``run`` advances the
simulator in one call and reads multimeters.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import spikesim
from spikesim.observer import Observer, run


def network(N: int, dt: float, seed: int) -> tuple[spikesim.Simulator, spikesim.NodeCollection, np.ndarray]:
    """N QIF neurons coupled by J (uniform in [0, 20)), J[target, source]."""
    J = np.random.default_rng(seed).random((N, N)) * 20.0
    sim = spikesim.Simulator(resolution=dt, seed=seed)
    qif = sim.create("qif", N, label="qif")
    sim.connect(qif, qif, "all_to_all", {"weight": J, "delay": dt})
    return sim, qif, J


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=".", help="folder for the figures")
    ap.add_argument("--steps", type=int, default=10000, help="steps of the run() calls")
    ap.add_argument("--loop-steps", type=int, default=10000, help="steps of the custom loop")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    import matplotlib
    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps", "cairo"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # -- Step 1: network initialization ----------------------------------------------------
    N = 5
    dt = 1e-3
    sim, qif, J = network(N, dt, args.seed)

    # -- Step 2: observer initialization ---------------------------------------------------
    obs = Observer(dt, record_output=True, record_loss=False, record_vars=[("qif", "v", False)])

    # -- Step 3: recordings in a custom loop ------------------------------------------------
    steps = args.loop_steps
    inp = np.zeros((steps, N)) + 15.0
    for step in range(steps):
        # rectipy's forward() returns the output and leaves the variables of the step's start
        s_start, v_start = qif.get("s"), qif.get("v")
        qif.set({"I_ext": inp[step]})        # the input of the coming step
        sim.simulate(dt)
        obs.record(step, output=s_start, loss=0.0, record_vars=[v_start])

    ax = obs.plot(("qif", "v"))
    ax.figure.savefig(out / "observer_v.png")
    ax = obs.plot(y=("qif", "v"), x="out")
    ax.figure.savefig(out / "observer_v_vs_out.png")
    plt.close("all")

    v = obs.to_dataframe(("qif", "v"))      # pandas.DataFrame
    s_raw = obs["out"]                      # list, one array per step
    s_numpy = obs.to_numpy("out")           # numpy array, steps x N
    print(f"custom loop: v {v.shape}, out: {len(s_raw)} samples, array {s_numpy.shape}")

    # -- Network.run: the same simulation in one call ---------------------------------------
    steps = args.steps
    inp = np.zeros((steps, N)) + 15.0
    sim1, _, _ = network(N, dt, args.seed)
    obs1 = run(sim1, inputs=inp, record_vars=[("qif", "v", True)], verbose=False)
    sim2, _, _ = network(N, dt, args.seed)
    obs2 = run(sim2, inputs=inp, record_vars=[("qif", "v", True)], sampling_steps=2, verbose=False)
    print(len(obs1[("qif", "v")]))
    print(len(obs2[("qif", "v")]))
    ax = obs1.plot(("qif", "v"))
    obs2.plot(("qif", "v"), ax=ax)
    ax.legend(["obs", "obs2"])
    ax.figure.savefig(out / "observer_sampling.png")
    plt.close("all")

    # toggling output and loss recording
    obs3 = run(sim1, inputs=inp, record_output=True, record_loss=False, verbose=False)
    return {"obs": obs, "obs1": obs1, "obs2": obs2, "obs3": obs3, "J": J,
            "figures": [out / "observer_v.png", out / "observer_v_vs_out.png", out / "observer_sampling.png"]}


if __name__ == "__main__":
    main()
