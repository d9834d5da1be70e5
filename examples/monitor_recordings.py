"""Seed 001 ported: CompNeuroPy's "Monitor Recordings" on spikesim.

Two populations of one Izhikevich (2007) neuron each; monitors are started and
paused (all or some), recordings are split into chunks by ``reset`` (with and without
resetting the model), fetched during the simulation with ``get_recordings_and_clear``
and at the end with ``get_recordings``.  The printed table of array sizes and period
limits equals the seed's console output; the figures follow the seed's plot plans.

    python examples/monitor_recordings.py [--out DIR]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import spikesim
from spikesim.monitors import Monitors, PlotRecordings


def print_info(recordings_list, recording_times_list) -> None:
    """The seed's table: per recordings set, chunk and population, sizes and period limits."""
    print("#################### ALL RECORDINGS INFO ####################")
    for all_times_idx, all_times in enumerate([t.all() for t in recording_times_list]):
        print(f"recordings{all_times_idx+1}")
        for chunk in range(len(all_times)):
            print(f"\tchunk: {chunk}")
            for pop_name in ["my_pop1", "my_pop2"]:
                print(f"\t\tpop_name: {pop_name}")
                print(f"\t\trecording_array_size: {recordings_list[all_times_idx][chunk][f'{pop_name};v'].shape}")
                for time_point in ["start", "stop"]:
                    print(f"\t\t\ttime_point: {time_point}")
                    for unit in ["ms", "idx"]:
                        print(f"\t\t\t\tunit: {unit}")
                        for period in range(len(all_times[chunk][pop_name][time_point][unit])):
                            print(f"\t\t\t\t\tperiod {period}: {all_times[chunk][pop_name][time_point][unit][period]}")
    print("#############################################################")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=".", help="folder for the figures")
    ap.add_argument("--dpi", type=int, default=300, help="resolution of the figures")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    ### timestep 0.1 ms; two populations, each of 1 neuron
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    sim.create("izhikevich2007", 1, {"I_app": 0.0}, label="my_pop1")
    sim.create("izhikevich2007", 1, {"I_app": 52.0}, label="my_pop2")
    simulate = sim.simulate

    ### my_pop1 is recorded every 2 ms, my_pop2 every time step
    monitor_dictionary = {"my_pop1;2": ["v", "spike"], "my_pop2": ["v"]}
    mon = Monitors(sim, monitor_dictionary)

    ### starting/pausing all monitors
    simulate(100)                                     # [0, 100]
    mon.start()
    simulate(100)                                     # [100, 200]
    mon.pause()
    simulate(100)                                     # [200, 300]
    ### starting single monitors
    mon.start(compartment_list=["my_pop1"])
    simulate(100)                                     # [300, 400]
    mon.start()
    simulate(100)                                     # [400, 500]
    ### pausing single monitors
    mon.pause(compartment_list=["my_pop1"])
    simulate(100)                                     # [500, 600]
    mon.start()
    simulate(100)                                     # [600, 700]
    ### chunks by reset WITHOUT model: first chunk [0, 700]; time continues at 700
    mon.reset(model=False)
    mon.pause()
    simulate(100)                                     # [700, 800]
    mon.start()
    simulate(700)                                     # [800, 1500]
    ### reset WITH model: second chunk [700, 1500]; time goes back to 0
    mon.reset(model=True)
    mon.pause()
    simulate(100)                                     # [0, 100]
    mon.start()
    simulate(700)                                     # [100, 800]
    ### recordings DURING the simulation; monitors are back to their initial state
    recordings1, recording_times1 = mon.get_recordings_and_clear()   # 3 chunks
    simulate(100)                                     # [800, 900]
    mon.start()
    simulate(100)                                     # [900, 1000]
    mon.reset(model=True)                             # first chunk [800, 1000]
    simulate(100)                                     # [0, 100]
    recordings2, recording_times2 = mon.get_recordings_and_clear()   # 2 chunks
    ### start, then reset the model: the empty chunk [100, 100] is dropped
    mon.start()
    mon.reset(model=True)
    simulate(100)                                     # [0, 100]
    recordings3 = mon.get_recordings()                # 1 chunk
    recording_times3 = mon.get_recording_times()

    recordings_list = [recordings1, recordings2, recordings3]
    times_list = [recording_times1, recording_times2, recording_times3]
    print_info(recordings_list, times_list)

    plan = {"position": [1, 2, 3], "compartment": ["my_pop1", "my_pop2", "my_pop1"],
            "variable": ["v", "v", "spike"], "format": ["line", "line", "raster"]}
    figures = []
    for i, (recs, times) in enumerate(zip(recordings_list, times_list, strict=True), start=1):
        for chunk in range(len(recs)):
            figname = os.path.join(str(out), f"monitor_recordings_{i}_chunk{chunk}.png")
            PlotRecordings(figname=figname, recordings=recs, recording_times=times, shape=(2, 2),
                           plan=plan, chunk=chunk, dpi=args.dpi)
            figures.append(figname)
    return {"recordings": recordings_list, "recording_times": times_list, "figures": figures}


if __name__ == "__main__":
    main()
