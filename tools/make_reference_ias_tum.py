"""NEST 3.10 reference data of ignore_and_spike (iaf_psc_delta) and iaf_tum_2000's receptor 1.

Run with NEST's own interpreter (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_ias_tum.py

It writes, in the case format of ``tests/data/nest/README.md`` plus an optional
``sets`` list (``sets[i]``: ``[{"nodes": <selection>, "params": {...}}, ...]`` applied
with ``SetStatus`` before ``simulate[i]``) and ``node_status``:

* ``tests/data/nest/ias_*.json``: iaf_psc_delta neurons with ``ignore_and_spike`` on
  and off, offsets and intervals, refractory input, input spikes and a dc current,
  the parameters changed between runs (replayed by
  ``tests/models/test_ignore_and_spike.py``);
* ``tests/data/nest/tum_*.json``: two and more iaf_tum_2000 neurons connected through
  receptor 1 as in NEST's examples (depression and facilitation), replayed by
  ``tests/models/test_iaf_tum_2000.py``; the spike recorder reports steps and offsets
  (NEST reports a spike of this model at its stamp minus the synapse value it carries);
* ``tests/data/nest/{iaf_psc_delta,iaf_tum_2000}_defaults.json``: NEST's defaults.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "nest"
COMPARE = {"times": "exact", "values_atol": 1e-9, "values_rtol": 1e-9,
           "why": "exact integration in NEST and spikesim: values within 1e-9, spikes on the same steps"}
SPIKES_EX = [2.0, 2.5, 7.3, 11.0, 15.2, 21.1, 33.3, 47.9, 52.2, 61.0, 70.4, 88.8]
SPIKES_IN = [4.1, 9.9, 18.0, 30.0, 44.4, 58.8, 76.5, 91.2]

IAS_A = [
    {"ignore_and_spike": True, "ignore_and_spike_offset": 3.3, "ignore_and_spike_interval": 7.7, "I_e": 500.0},
    {"I_e": 500.0},                                                        # off: spikes on its threshold
    {"ignore_and_spike": True, "ignore_and_spike_offset": 0.05, "ignore_and_spike_interval": 2.04,
     "refractory_input": True, "t_ref": 3.0, "I_e": 200.0},                # interval shorter than t_ref
    {"ignore_and_spike": True},                                            # NEST's offset and interval
]
IAS_B = {"ignore_and_spike": True, "ignore_and_spike_offset": 1.5, "ignore_and_spike_interval": 4.0,
         "I_e": 300.0, "V_min": -80.0}


def _ias_case() -> dict[str, Any]:
    """Heterogeneous and homogeneous iaf_psc_delta populations under input, the
    mechanism's parameters changed between the three runs."""
    return {
        "name": "ias_iaf_psc_delta",
        "description": "iaf_psc_delta with ignore_and_spike on and off (offsets, intervals, refractory input, "
                       "V_min), excitatory and inhibitory spikes and a dc current; between runs the offset is "
                       "set (restarting the countdown), the interval set, the mechanism switched off and on",
        "kernel": {"resolution": 0.1},
        "nodes": [
            {"label": "a", "model": "iaf_psc_delta", "n": 4, "params": IAS_A},
            {"label": "b", "model": "iaf_psc_delta", "n": 3, "params": IAS_B},
            {"label": "sg_ex", "model": "spike_generator", "n": 1, "params": {"spike_times": SPIKES_EX}},
            {"label": "sg_in", "model": "spike_generator", "n": 1, "params": {"spike_times": SPIKES_IN}},
            {"label": "dc", "model": "dc_generator", "n": 1, "params": {"amplitude": 150.0, "start": 20.0,
                                                                          "stop": 60.0}},
            {"label": "mm", "model": "multimeter", "n": 1, "params": {"interval": 0.1, "record_from": ["V_m"]}},
            {"label": "sr", "model": "spike_recorder", "n": 1},
        ],
        "connections": [
            {"pre": "sg_ex", "post": ["a", "b"], "syn_spec": {"weight": 8.0, "delay": 1.0}},
            {"pre": "sg_in", "post": ["a", "b"], "syn_spec": {"weight": -12.0, "delay": 1.5}},
            {"pre": "dc", "post": ["a", "b"]},
            {"pre": "mm", "post": ["a", "b"]},
            {"pre": ["a", "b"], "post": "sr"},
        ],
        "simulate": [30.0, 30.0, 40.0],
        "sets": [[], [{"nodes": {"label": "a", "slice": [0, 1]}, "params": {"ignore_and_spike_offset": 2.0}},
                      {"nodes": {"label": "a", "slice": [3, 4]}, "params": {"ignore_and_spike_interval": 5.0}},
                      {"nodes": {"label": "a", "slice": [2, 3]}, "params": {"ignore_and_spike": False}},
                      {"nodes": {"label": "b", "slice": [1, 2]}, "params": {"ignore_and_spike_interval": 1.0}}],
                 [{"nodes": {"label": "a", "slice": [2, 3]}, "params": {"ignore_and_spike": True}},
                  {"nodes": "b", "params": {"ignore_and_spike": False}}]],
        "node_status": {"a": ["V_m"], "b": ["V_m"]},
        "compare": COMPARE,
    }


def _example_params(U: float, tau_fac: float, tau_rec: float) -> dict[str, Any]:
    """The neurons of NEST's iaf_tum_2000 examples (depression: U 0.5, no facilitation,
    tau_rec 800 ms; facilitation: U 0.03, tau_fac 530 ms, tau_rec 130 ms)."""
    tau_m, r_m = 40.0, 0.1
    return {"C_m": tau_m / r_m, "tau_m": tau_m, "tau_syn_ex": 3.0, "tau_syn_in": 3.0, "V_th": 15.0,
            "V_reset": 0.0, "E_L": 0.0, "V_m": 0.0, "t_ref": 2.0, "U": U, "tau_psc": 3.0, "tau_rec": tau_rec,
            "tau_fac": tau_fac, "x": 1.0, "u": 0.0}


def _tum_case(name: str, U: float, tau_fac: float, tau_rec: float) -> dict[str, Any]:
    """Two iaf_tum_2000 as in NEST's example (the first driven by a dc current, the
    second taking its spikes on receptor 1), plus a third neuron taking the first's
    spikes on receptor 1 (inhibitory, another delay) and a spike generator on receptor 1
    (NEST adds nothing: its spikes carry no synapse state)."""
    p = _example_params(U, tau_fac, tau_rec)
    f = 20.0 / 1000.0
    import math
    dc_amp = 15.0 * p["C_m"] / 40.0 / (1 - math.exp(-(1 / f - 2.0) / 40.0))
    return {
        "name": name,
        "description": f"iaf_tum_2000 receptor 1 as in NEST's short-term {name.split('_')[1]} example "
                       "(1200 ms, dc 50-1050 ms into the first neuron, weight 250 pA, delay 0.1 ms), a third "
                       "neuron on receptor 1 with weight -300 pA and delay 2 ms, a spike generator on receptor 1, "
                       "V_m and the synaptic currents sampled every 1 ms (the example's voltmeter interval) and "
                       "x, y, u read at the end",
        "kernel": {"resolution": 0.1},
        "nodes": [
            {"label": "n", "model": "iaf_tum_2000", "n": 3, "params": p},
            {"label": "dc", "model": "dc_generator", "n": 1, "params": {"amplitude": dc_amp * 1.3, "start": 50.0,
                                                                          "stop": 1050.0}},
            {"label": "sg", "model": "spike_generator", "n": 1, "params": {"spike_times": [100.0, 300.0]}},
            {"label": "mm", "model": "multimeter", "n": 1, "params": {"interval": 1.0,
                                                                        "record_from": ["V_m", "I_syn_ex",
                                                                                        "I_syn_in"]}},
            # NEST reports an iaf_tum_2000 spike at its stamp minus the synapse value it
            # carries (the model is "off grid"): steps and that offset kept apart
            {"label": "sr", "model": "spike_recorder", "n": 1, "params": {"time_in_steps": True}},
        ],
        "connections": [
            {"pre": "dc", "post": {"label": "n", "slice": [0, 1]}},
            {"pre": {"label": "n", "slice": [0, 1]}, "post": {"label": "n", "slice": [1, 2]},
             "syn_spec": {"synapse_model": "static_synapse", "weight": 250.0, "delay": 0.1, "receptor_type": 1}},
            {"pre": {"label": "n", "slice": [0, 1]}, "post": {"label": "n", "slice": [2, 3]},
             "syn_spec": {"weight": -300.0, "delay": 2.0, "receptor_type": 1}},
            {"pre": "sg", "post": {"label": "n", "slice": [1, 3]},
             "syn_spec": {"weight": 500.0, "delay": 1.0, "receptor_type": 1}},
            {"pre": "mm", "post": "n"},
            {"pre": "n", "post": "sr"},
        ],
        "simulate": [600.0, 600.0],
        "node_status": {"n": ["V_m", "x", "y", "u"]},
        "compare": COMPARE,
    }


def run_nest(case: dict[str, Any]) -> dict[str, Any]:
    """Run one case in NEST (README's steps, ``sets`` before each Simulate) and return ``expected``."""
    import nest

    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    for k, v in case["kernel"].items():
        nest.SetKernelStatus({k: v})
    nodes = {nd["label"]: nest.Create(nd["model"], nd["n"], params=nd.get("params") or None) for nd in case["nodes"]}

    def select(spec: Any) -> Any:
        if isinstance(spec, str):
            return nodes[spec]
        if isinstance(spec, list):
            out = select(spec[0])
            for s in spec[1:]:
                out = out + select(s)
            return out
        a, b = spec["slice"]
        return nodes[spec["label"]][a:b]

    for c in case["connections"]:
        nest.Connect(select(c["pre"]), select(c["post"]), c.get("conn_spec", "all_to_all"),
                     c.get("syn_spec", {"synapse_model": "static_synapse"}))
    recorders = [nd["label"] for nd in case["nodes"] if nd["model"] in ("spike_recorder", "multimeter")]
    after: dict[str, list[int]] = {}
    for i, t in enumerate(case["simulate"]):
        for s in case.get("sets", [[]] * len(case["simulate"]))[i]:
            select(s["nodes"]).set(s["params"])
        nest.Simulate(t)
        for r in recorders:
            after.setdefault(r, []).append(int(nodes[r].n_events))
    expected: dict[str, Any] = {}
    for r in recorders:
        ev = nodes[r].get("events")
        keys = sorted(range(len(ev["times"])), key=lambda i: (ev["times"][i], ev["senders"][i]))
        events = {k: [float(v[i]) if k != "senders" else int(v[i]) for i in keys] for k, v in ev.items()}
        expected[r] = {"events": events, "n_events": int(nodes[r].n_events), "n_events_after_each_simulate": after[r]}
    expected["node_status"] = {lab: [{k: float(nodes[lab][i].get(k)) for k in keys}
                                     for i in range(len(nodes[lab]))]
                               for lab, keys in case.get("node_status", {}).items()}
    return expected


def nest_defaults(model: str) -> dict[str, Any]:
    """NEST's defaults of ``model``: numbers and booleans, and the sorted recordables."""
    import nest

    nest.ResetKernel()
    d = nest.GetDefaults(model)
    out: dict[str, Any] = {k: v for k, v in d.items()
                           if isinstance(v, (bool, int, float)) and k not in ("model_id", "type_id", "frozen")}
    out["recordables"] = sorted(str(r) for r in d["recordables"])
    return out


def main() -> int:
    """Run every case in NEST and write it; write the defaults; print sizes and spike counts."""
    import nest

    targets = [(DATA / "ias_iaf_psc_delta.json", _ias_case()),
               (DATA / "tum_depression_receptor1.json", _tum_case("tum_depression_receptor1", 0.5, 0.0,
                                                                             800.0)),
               (DATA / "tum_facilitation_receptor1.json", _tum_case("tum_facilitation_receptor1", 0.03,
                                                                               530.0, 130.0))]
    for path, case in targets:
        case["expected"] = run_nest(case)
        case["nest_version"] = nest.__version__
        path.write_text(json.dumps(case, indent=1) + "\n")
        n_spikes = case["expected"]["sr"]["n_events"]
        print(f"{path.name}: {path.stat().st_size} bytes, {n_spikes} spikes")
    for model in ("iaf_psc_delta", "iaf_tum_2000"):
        path = DATA / f"{model}_defaults.json"
        path.write_text(json.dumps(nest_defaults(model), indent=1, sort_keys=True) + "\n")
        print(f"{path.name} written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
