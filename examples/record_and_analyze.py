"""Seed 002 ported: BrainPy's "Record and analyze" on spikesim's object API.

A 1 MHz poisson_generator drives one iaf_psc_exp so hard that it fires about every
refractory period; a spike_recorder and a multimeter (V_m every step) record it.
``sim.simulate`` returns a RunResult: rate, event count, the per-step spike matrix
(row ``k`` is the step ending at ``res.times[k]``), the V_m trace; then the ISI
coefficient of variation and a two-panel figure (trace + raster).

    python examples/record_and_analyze.py [--out DIR] [--seed N]

Spike times follow NEST's convention (a spike emitted in the step ``s -> s + 1`` is
stamped ``(s + 1) h``).  With this drive the train is 2.1, 4.4, 6.7 ... ms or 2.2,
4.5, 6.8 ... ms depending on the seed, as in NEST 3.10.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import spikesim
from spikesim.analysis import cv, isi


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=".", help="folder for the figure")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--T", type=float, default=100.0, help="simulated time (ms)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    # -- a trivial network to record from --------------------------------------------
    dt = 0.1
    sim = spikesim.Simulator(resolution=dt, seed=args.seed)
    neuron = sim.create("iaf_psc_exp", 1)
    pg = sim.create("poisson_generator", 1, {"rate": 1_000_000.0})
    sr = sim.create("spike_recorder")
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": dt})
    sim.connect(pg, neuron, syn_spec={"weight": 10.0, "delay": 1.0})
    sim.connect(neuron, sr)        # spike tap
    sim.connect(mm, neuron)        # the multimeter observes the neuron
    res = sim.simulate(args.T)

    # -- spike statistics: rate and event count ------------------------------------------
    print(f"firing rate: {res.rate(sr):.2f} spks/s")
    print(f"n_events: {res.n_events(sr)}")

    # -- spike times in two formats: step indices and ms -----------------------------------
    spk = np.asarray(res.spikes(sr)).reshape(-1)      # (n_steps,) for one neuron
    steps = np.nonzero(spk > 0)[0]
    t_ms = np.asarray(res.times)
    spike_times = t_ms[steps]
    print("first 8 spike steps :", steps[:8])
    print("first 8 spike times :", np.round(spike_times[:8], 1), "ms")

    # -- analog recording and the ISI coefficient of variation ------------------------------
    v = np.asarray(res.trace(mm, "V_m")).reshape(-1)
    print(f"V_m trace: {v.shape[0]} samples, min {v.min():.2f} mV, max {v.max():.2f} mV")
    intervals = isi(spike_times)
    cv_value = float("nan")
    if intervals.size:
        cv_value = float(cv(intervals))
        print(f"ISI CV: {cv_value:.3f} (mean ISI {intervals.mean():.2f} ms)")

    import matplotlib
    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps", "cairo"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a0, a1) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    a0.plot(res.sample_times(mm), v, color="k", lw=0.6)
    a0.set_ylabel("V_m (mV)")
    a1.plot(spike_times, np.ones_like(spike_times), "k|", ms=10)
    a1.set_xlabel("time (ms)")
    a1.set_yticks([])
    a0.set_title("multimeter trace + spike raster")
    fig.tight_layout()
    png = out / "record_and_analyze.png"
    fig.savefig(png)
    plt.close(fig)
    print(f"figure: {png}")
    return {"rate": res.rate(sr), "n_events": res.n_events(sr), "steps": steps, "spike_times": spike_times,
            "v": v, "cv": cv_value, "times": t_ms, "png": png}


if __name__ == "__main__":
    main()
