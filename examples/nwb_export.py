"""Export a small Brunel-like run to NWB: spikes, V_m and STDP weights (needs spikesim[nwb]).

100 iaf_psc_delta neurons (80 excitatory with STDP synapses, 20 inhibitory) driven
by Poisson input are recorded to the hdf5 backend's file; ``spikesim.io.nwb.convert``
turns that file into an NWB file, which nwbinspector checks and pynwb reads back.

    python examples/nwb_export.py [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import spikesim
import spikesim.io
from spikesim.io import nwb
from spikesim.io.nwb_records import Population


def simulate(out: Path) -> tuple[dict[int, list[int]], list[Population]]:
    """Run the network, recording to ``out/recording.h5``; returns what the file does not hold."""
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    sim.data_path = str(out)
    sim.copy_model("stdp_synapse", "plastic", {"Wmax": 100.0})
    wr = sim.create("weight_recorder", params={"record_to": "hdf5"})
    sim.set_defaults("plastic", {"weight_recorder": wr})
    exc = sim.create("iaf_psc_delta", 80, label="exc")
    inh = sim.create("iaf_psc_delta", 20, label="inh")
    noise = sim.create("poisson_generator", params={"rate": 20000.0})
    spikes = sim.create("spike_recorder", params={"record_to": "hdf5"})
    vm = sim.create("multimeter", params={"record_to": "hdf5", "record_from": ["V_m"], "interval": 0.1})
    sim.connect(noise, exc + inh, syn_spec={"weight": 0.1, "delay": 1.5})
    sim.connect(exc, exc + inh, {"rule": "fixed_indegree", "indegree": 8},
                {"synapse_model": "plastic", "weight": 0.1, "delay": 1.5})
    sim.connect(inh, exc + inh, {"rule": "fixed_indegree", "indegree": 2}, {"weight": -0.5, "delay": 1.5})
    sim.connect(exc + inh, spikes)
    sim.connect(vm, exc[:5])
    sim.simulate(200.0)
    sim.close()
    populations = [Population("exc", "iaf_psc_delta", exc.ids), Population("inh", "iaf_psc_delta", inh.ids)]
    return {spikes.tolist()[0]: (exc + inh).tolist()}, populations


def main(argv: list[str] | None = None) -> Path:
    """Simulate, convert and check; returns the NWB file's path."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out", help="folder for the recording and the NWB file")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    recorded_ids, populations = simulate(out)
    path = nwb.write_nwb(out / "brunel.nwb", spikesim.io.read(out / "recording.h5"), overwrite=True,
                         recorded_ids=recorded_ids, populations=populations, t_end=200.0,
                         session_description="A small Brunel-like network with STDP, 200 ms")
    print(f"wrote {path}")

    import nwbinspector
    import pynwb
    worst = [m for m in nwbinspector.inspect_nwbfile(nwbfile_path=str(path))
             if m.importance.value >= nwbinspector.Importance.BEST_PRACTICE_VIOLATION.value]
    print(f"nwbinspector: {len(worst)} critical issues or violations")
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        f = io.read()
        units = f.units.to_dataframe()
        print(f"units: {len(units)} neurons, {sum(len(s) for s in units['spike_times'])} spikes")
        for name, obj in f.acquisition.items():
            print(f"acquisition/{name}: {type(obj).__name__}")
    return path


if __name__ == "__main__":
    main()
