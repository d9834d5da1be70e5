"""A small network touching every model, generator, recorder and STDP, for the
checkpoint invariant tests (also run as a script in a fresh process)."""

from __future__ import annotations

import sys

import numpy as np

import spikesim

NEURONS = ("iaf_psc_delta", "iaf_psc_exp", "iaf_psc_alpha", "iaf_cond_exp", "iaf_cond_alpha", "izhikevich")
SCALE = {"iaf_psc_delta": 2.0, "iaf_psc_exp": 60.0, "iaf_psc_alpha": 60.0, "iaf_cond_exp": 4.0,
         "iaf_cond_alpha": 4.0, "izhikevich": 3.0}


def build(seed: int = 7) -> spikesim.Simulator:
    sim = spikesim.Simulator(resolution=0.1, seed=seed)
    sim.copy_model("stdp_synapse", "plastic", {"Wmax": 200.0, "lambda": 0.05})
    wr = sim.create("weight_recorder", label="wr")
    sim.set_defaults("plastic", {"weight_recorder": wr})
    pg = sim.create("poisson_generator", params={"rate": 3000.0}, label="pg")
    dc = sim.create("dc_generator", params={"amplitude": 50.0, "start": 20.0, "stop": 70.0})
    step = sim.create("step_current_generator", params={"amplitude_times": [10.0, 40.0],
                                                        "amplitude_values": [30.0, -10.0]})
    sg = sim.create("spike_generator", params={"spike_times": [5.0, 12.3, 12.3, 47.0, 81.2]})
    sr = sim.create("spike_recorder", label="sr")
    parrots = sim.create("parrot_neuron", 4, label="parrots")
    sim.connect(pg, parrots, syn_spec={"delay": 0.5})
    sim.connect(sg, parrots, syn_spec={"delay": 1.0})
    sim.connect(parrots, sr)
    for model in NEURONS:
        n = sim.create(model, 3, label=model)
        v0 = -65.0 + np.arange(3.0)
        n.set(V_m=v0)
        w = SCALE[model]
        sim.connect(pg, n, syn_spec={"weight": w, "delay": 1.0})
        sim.connect(dc, n[:2], syn_spec={"delay": 0.7})
        sim.connect(step, n[1:], syn_spec={"delay": 1.3})
        sim.connect(parrots, n, {"rule": "fixed_indegree", "indegree": 2},
                    {"synapse_model": "plastic", "weight": w, "delay": 1.5})
        sim.connect(n, n, {"rule": "pairwise_bernoulli", "p": 0.5},
                    {"weight": spikesim.uniform(-w, w), "delay": spikesim.uniform(0.5, 3.0)})
        sim.connect(n, sr)
        mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.1}, label=f"mm_{model}")
        sim.connect(mm, n)
    return sim


def results(sim: spikesim.Simulator) -> dict[str, np.ndarray]:
    out = {}
    ev = sim.nodes("sr").get("events")[0]
    out["sr_senders"], out["sr_times"] = ev["senders"], ev["times"]
    for model in NEURONS:
        mm = sim.nodes(f"mm_{model}").get("events")[0]
        out[f"{model}_V_m"] = mm["V_m"]
        out[f"{model}_times"] = mm["times"]
    wr = sim.nodes("wr").get("events")[0]
    out["wr_weights"], out["wr_times"] = wr["weights"], wr["times"]
    conns = sim.get_connections(synapse_model="plastic").get("weight", "Kplus")
    out["weights"], out["kplus"] = conns["weight"], conns["Kplus"]
    return out


if __name__ == "__main__":  # restore a checkpoint, continue, save the results
    ck, t2, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    restored = spikesim.Simulator.restore(ck)
    restored.simulate(t2)
    np.savez(out, **results(restored))
