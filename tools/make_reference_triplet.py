"""Make the NEST 3.10 reference case of ``stdp_triplet_synapse``.

Run with NEST's own interpreter (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_triplet.py

It writes ``tests/data/nest/cases/stdp_triplet_synapse_weight_recorder.json`` in the case
format of ``tests/data/nest/README.md``: the pre/post spike trains and parrot neurons of
``stdp_synapse_weight_recorder.json`` with two copies of ``stdp_triplet_synapse`` (one
with negative weights and Wmax, one with a per-connection ``Aplus``), and the post
neurons' ``tau_minus`` / ``tau_minus_triplet`` set.  NEST runs it twice with
:func:`make_reference_synapses.expected_deterministic` (the runs must agree); the weight
recorder events and final weights are replayed by
``tests/reference/test_nest_deterministic.py``, the final ``weight``, ``Kplus`` and
``Kplus_triplet`` by ``tests/models/test_stdp_triplet.py``.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_reference_synapses import OUT, expected_deterministic  # noqa: E402 - tools is not a package

NAME = "stdp_triplet_synapse_weight_recorder"


def case() -> dict[str, Any]:
    """The case (without results)."""
    ref = json.loads((OUT / "stdp_synapse_weight_recorder.json").read_text())
    c = {k: copy.deepcopy(ref[k]) for k in ("kernel", "nodes", "connections", "simulate", "compare")}
    c["copy_models"] = [
        {"old": "stdp_triplet_synapse", "new": "trip_a",
         "params": {"tau_plus": 16.8, "tau_plus_triplet": 101.0, "Aplus": 0.5, "Aminus": 0.3, "Aplus_triplet": 0.2,
                    "Aminus_triplet": 0.1, "Wmax": 40.0, "weight_recorder": "wr"}},
        {"old": "stdp_triplet_synapse", "new": "trip_b",
         "params": {"tau_plus": 25.0, "tau_plus_triplet": 60.0, "Aplus": 0.8, "Aminus": 0.5, "Aplus_triplet": 0.4,
                    "Aminus_triplet": 0.05, "Wmax": -10.0, "weight": -1.0, "weight_recorder": "wr"}}]
    for nd in c["nodes"]:
        if nd["label"] == "post":
            nd["params"] = [{"tau_minus": 20.0, "tau_minus_triplet": 110.0},
                            {"tau_minus": 33.7, "tau_minus_triplet": 60.0}]
    for conn in c["connections"]:
        spec = conn.get("syn_spec", {})
        if spec.get("synapse_model") == "stdp_mult":
            conn["syn_spec"] = {"synapse_model": "trip_a", "weight": 10.0, "delay": 1.0, "Aplus": 0.6}
        elif spec.get("synapse_model") == "stdp_add":
            conn["syn_spec"] = {"synapse_model": "trip_b", "weight": -8.0, "delay": 2.5}
    c["get_connections"] = [{"synapse_model": "trip_a"}, {"synapse_model": "trip_b"}]
    c["synapse_state"] = {"synapse_model": "trip_a", "keys": ["weight", "Kplus", "Kplus_triplet"]}
    c["synapse_state_b"] = {"synapse_model": "trip_b", "keys": ["weight", "Kplus", "Kplus_triplet"]}
    c["description"] = ("stdp_triplet_synapse copies (positive, and negative weights with negative Wmax) between "
                        "parrot neurons driven by fixed pre/post trains, two delays, per-connection Aplus; "
                        "weight_recorder events, final weights and traces.")
    return c


def main() -> int:
    """Run the case in NEST twice and write it."""
    import nest

    c = case()
    exp, state = expected_deterministic(c)
    again = expected_deterministic(c)
    if again != (exp, state):
        raise RuntimeError("NEST gave different results on a second run")
    b = dict(c, synapse_state=c["synapse_state_b"])
    _, state_b = expected_deterministic(b)
    full = {"name": NAME, **c, "expected": exp, "expected_synapse_state": state,
            "expected_synapse_state_b": state_b, "nest_version": nest.__version__}
    (OUT / f"{NAME}.json").write_text(json.dumps(full, separators=(",", ":")) + "\n")
    print(NAME, "written:", len(exp["wr"]["events"]["times"]), "weight updates,", state, state_b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
