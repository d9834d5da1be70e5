"""Deterministic stdp_dopamine_synapse networks, built the same way under NEST and spikesim.

A case (stored with NEST 3.10's results in ``tests/data/nest/dopamine_reference.json``
by ``tools/make_reference_dopamine.py``) names spike trains of presynaptic,
postsynaptic and dopamine parrot neurons (each driven by its own spike_generator),
volume transmitters, copies of ``stdp_dopamine_synapse`` and their connections, and
the Simulate calls; after each call the state of every dopamine connection is read
(``weight``, ``c``, ``n``, ``Kplus``), at the end the weight recorder's events.
:func:`run` takes the ``nest`` module to run it with (PyNEST or :mod:`spikesim.nest`).
"""

from __future__ import annotations

from typing import Any

KEYS = ("weight", "c", "n", "Kplus")


def build(nest: Any, case: dict[str, Any]) -> dict[str, Any]:
    """The network of ``case`` in a fresh kernel; returns the weight recorder."""
    nest.ResetKernel()
    nest.resolution = case["resolution"]
    groups = {}
    for role in ("pre", "post", "dopa"):
        trains = case["trains"][role]
        parrots = nest.Create("parrot_neuron", len(trains), params=case.get(f"{role}_params", {}))
        gens = nest.Create("spike_generator", len(trains), params=[{"spike_times": t} for t in trains])
        nest.Connect(gens, parrots, "one_to_one", {"delay": case["sg_delay"]})
        groups[role] = parrots
    vts = [nest.Create("volume_transmitter", params={"deliver_interval": di}) for di in case["deliver_intervals"]]
    wr = nest.Create("weight_recorder")
    for m in case["models"]:
        params = {**m["params"], "volume_transmitter": vts[m["vt"]]}
        if m.get("weight_recorder"):
            params["weight_recorder"] = wr
        nest.CopyModel("stdp_dopamine_synapse", m["name"], params)
    for c in case["connections"]:
        spec = {"synapse_model": c["model"], **c.get("syn", {})}
        nest.Connect(groups["pre"][c["pre"]], groups["post"][c["post"]], syn_spec=spec)
    for c in case["dopamine"]:
        nest.Connect(groups["dopa"][c["dopa"]], vts[c["vt"]], syn_spec={"delay": c["delay"]})
    return {"wr": wr}


def state(nest: Any, case: dict[str, Any]) -> list[dict[str, Any]]:
    """Every dopamine connection's state, by model, then source and target."""
    out = []
    for m in case["models"]:
        conns = nest.GetConnections(synapse_model=m["name"])
        got = conns.get(["source", "target", *KEYS])
        rows = [{k: (int(got[k][i]) if k in ("source", "target") else float(got[k][i])) for k in got}
                for i in range(len(got["source"]))]
        out.extend(sorted(rows, key=lambda r: (r["source"], r["target"])))
    return out


def run(nest: Any, case: dict[str, Any]) -> dict[str, Any]:
    """Run ``case``; the connections' state after each Simulate call and the weight recorder's events."""
    handles = build(nest, case)
    states = []
    for t in case["simulate"]:
        nest.Simulate(t)
        states.append(state(nest, case))
    ev = handles["wr"].get("events")
    events = {k: [float(x) for x in ev[k]] for k in ("senders", "targets", "times", "weights")}
    return {"states": states, "wr": events}
