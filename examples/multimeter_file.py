"""Sampling state variables to a file (NEST's multimeter_file example, on spikesim.nest).

An iaf_cond_alpha neuron receives excitatory and inhibitory spikes; a multimeter
writes V_m, g_ex and g_in every 0.1 ms to an ascii file, which is read back with
``numpy.loadtxt(f, skiprows=3)`` and plotted to a PNG.

    python examples/multimeter_file.py [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import spikesim.nest as nest  # noqa: E402


def main(argv: list[str] | None = None) -> np.ndarray:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=".", help="folder for the data file and the figure")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    nest.ResetKernel()
    nest.overwrite_files = True
    nest.data_path = str(out)
    nest.data_prefix = ""
    print(f"iaf_cond_alpha recordables: {nest.GetDefaults('iaf_cond_alpha')['recordables']}")

    neuron = nest.Create("iaf_cond_alpha", params={"tau_syn_ex": 1.0, "V_reset": -70.0})
    meter = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["V_m", "g_ex", "g_in"],
                                              "record_to": "ascii", "label": "my_multimeter"})
    excite = nest.Create("spike_generator", params={"spike_times": np.array([10.0, 20.0, 50.0])})
    inhibit = nest.Create("spike_generator", params={"spike_times": np.array([15.0, 25.0, 55.0])})
    nest.Connect(excite, neuron, syn_spec={"weight": 40.0})
    nest.Connect(inhibit, neuron, syn_spec={"weight": -20.0})
    nest.Connect(meter, neuron)
    nest.Simulate(100.0)

    data = np.loadtxt(meter.filenames[0], skiprows=3)
    _sender, t, v_m, g_ex, g_in = data.T

    fig, (top, bottom) = plt.subplots(2, 1, sharex=True)
    top.plot(t, v_m)
    top.axis([0, 100, -75, -53])
    top.set_ylabel("membrane potential (mV)")
    bottom.plot(t, g_ex, t, g_in)
    bottom.axis([0, 100, 0, 45])
    bottom.set_xlabel("time (ms)")
    bottom.set_ylabel("synaptic conductance (nS)")
    bottom.legend(("g_exc", "g_inh"))
    fig.savefig(out / "multimeter_file.png")
    plt.close(fig)
    print(f"{len(t)} samples of V_m, g_ex, g_in written to {meter.filenames[0]}")
    return data


if __name__ == "__main__":
    main()
