"""Recording backends and time formats (NEST's recording demo, on spikesim.nest).

A poisson_generator at 1 MHz drives one iaf_psc_exp; its spikes are recorded to the
ascii backend (a file, read back with numpy.loadtxt) and to memory, with times in ms
and in steps.  The printout has the form of NEST's demo.

    python examples/recording_demo.py [--out DIR]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

import spikesim.nest as nest


def setup(record_to: str, time_in_steps: bool):
    """A fresh kernel with the network and one spike recorder."""
    nest.ResetKernel()
    nest.overwrite_files = True
    neuron = nest.Create("iaf_psc_exp")
    drive = nest.Create("poisson_generator", 1, {"rate": 1e6})
    recorder = nest.Create("spike_recorder", 1, {"record_to": record_to, "time_in_steps": time_in_steps})
    nest.Connect(drive, neuron, syn_spec={"weight": 10.0})
    nest.Connect(neuron, recorder)
    return recorder


def recorded(recorder):
    """The file's rows (ascii) or the events dict (memory)."""
    if recorder.record_to == "ascii":
        return np.loadtxt(recorder.filenames[0], dtype=object)
    return recorder.get("events")


def main(argv: list[str] | None = None) -> list:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=".", help="folder for the ascii files")
    args = ap.parse_args(argv)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    here = os.getcwd()
    os.chdir(args.out)
    results = []
    try:
        for time_in_steps in (True, False):
            for record_to in ("ascii", "memory"):
                recorder = setup(record_to, time_in_steps)
                nest.Simulate(30.0)
                data = recorded(recorder)
                print(f"simulation resolution in ms: {nest.resolution}")
                print(f"data recorded by recording backend {record_to} (time_in_steps={time_in_steps})")
                print(data)
                results.append((record_to, time_in_steps, data))
    finally:
        os.chdir(here)
    return results


if __name__ == "__main__":
    main()
