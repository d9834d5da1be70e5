"""Make the NEST 3.10 reference cases of multimeters sampling generators.

Run with NEST's own Python (never at test time)::

    ~/.venvs/nest/bin/python tools/make_reference_generator_recordables.py [OUT_DIR]

``OUT_DIR`` defaults to ``tests/data/nest``.  Two files are written:

* ``cases/generator_recordables.json``: a deterministic case (``tests/data/nest/README.md``)
  in which multimeters sample ``I`` of dc, ac and step_current generators and ``rate``
  of sinusoidal_poisson generators (windows, origins, two Simulate calls); the
  generic runner of ``tests/reference`` compares times exactly and values within 1e-9.
* ``noise_generator_recordable.json``: what NEST records of noise_generators (``I``,
  the mean of the currents sent to the targets), whose draws are random: the sample
  times, and per seed the mean and standard deviation of the samples while active,
  the fraction of zero samples and how often consecutive samples change.

NEST is run by the helpers of ``tools/make_reference_models2.py``; each deterministic
case is run twice and must agree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from make_reference_generators import _Nest  # noqa: E402
from make_reference_models2 import expected_deterministic  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "nest"


def recordables_case() -> dict[str, Any]:
    """Multimeters on current generators (I) and sinusoidal Poisson generators (rate)."""
    return {
        "description": ("Multimeters sampling generators: mm_I records I (pA) every 0.1 ms of a dc_generator "
                        "(150 pA, 10-60 ms), an ac_generator (300 pA, 23 Hz, phase 40 deg, offset 20 pA, "
                        "origin 2 ms, 5-80 ms) and a step_current_generator (100, -50, 220 pA from 5, 20.3, "
                        "47.1 ms; 3-70 ms), all driving two iaf_psc_alpha; mm_r records rate (spikes/s) every "
                        "0.3 ms from offset 0.2 ms of two sinusoidal_poisson_generators (50 +- 80 /s clipped "
                        "at 0, 15 Hz, phase 30 deg, 10-90 ms; 10 +- 5 /s at 100 Hz, one shared train) driving "
                        "two parrots; over two Simulate calls (37 and 63 ms)."),
        "kernel": {"resolution": 0.1, "rng_seed": 12345},
        "nodes": [
            {"label": "n", "model": "iaf_psc_alpha", "n": 2},
            {"label": "dc", "model": "dc_generator", "n": 1,
             "params": {"amplitude": 150.0, "start": 10.0, "stop": 60.0}},
            {"label": "ac", "model": "ac_generator", "n": 1,
             "params": {"amplitude": 300.0, "frequency": 23.0, "phase": 40.0, "offset": 20.0,
                        "origin": 2.0, "start": 5.0, "stop": 80.0}},
            {"label": "step", "model": "step_current_generator", "n": 1,
             "params": {"amplitude_times": [5.0, 20.3, 47.1], "amplitude_values": [100.0, -50.0, 220.0],
                        "start": 3.0, "stop": 70.0}},
            {"label": "p", "model": "parrot_neuron", "n": 2},
            {"label": "spg", "model": "sinusoidal_poisson_generator", "n": 1,
             "params": {"rate": 50.0, "amplitude": 80.0, "frequency": 15.0, "phase": 30.0,
                        "start": 10.0, "stop": 90.0}},
            {"label": "spg2", "model": "sinusoidal_poisson_generator", "n": 1,
             "params": {"rate": 10.0, "amplitude": 5.0, "frequency": 100.0, "individual_spike_trains": False}},
            {"label": "mm_I", "model": "multimeter", "n": 1, "params": {"interval": 0.1, "record_from": ["I"]}},
            {"label": "mm_r", "model": "multimeter", "n": 1,
             "params": {"interval": 0.3, "offset": 0.2, "record_from": ["rate"]}},
            {"label": "sr", "model": "spike_recorder", "n": 1},
        ],
        "connections": [
            {"pre": "dc", "post": "n", "syn_spec": {"delay": 1.0}},
            {"pre": "ac", "post": "n", "syn_spec": {"delay": 1.5, "weight": 0.5}},
            {"pre": "step", "post": {"label": "n", "slice": [1, 2]}, "syn_spec": {"delay": 2.0}},
            {"pre": "spg", "post": {"label": "p", "slice": [0, 1]}},
            {"pre": "spg2", "post": {"label": "p", "slice": [1, 2]}},
            {"pre": "mm_I", "post": "dc"}, {"pre": "mm_I", "post": "ac"}, {"pre": "mm_I", "post": "step"},
            {"pre": "mm_r", "post": "spg"}, {"pre": "mm_r", "post": "spg2"},
            {"pre": "n", "post": "sr"},
        ],
        "simulate": [37.0, 63.0],
        "compare": {"times": "exact", "values_atol": 1e-9, "values_rtol": 1e-9,
                    "order": "sort by (times, senders)"},
    }


NOISE_PARAMS = [
    {"mean": 50.0, "std": 100.0, "dt": 0.5, "start": 10.0, "stop": 90.0},
    {"mean": -20.0, "std": 60.0, "std_mod": 40.0, "frequency": 20.0, "phase": 45.0, "dt": 1.0, "origin": 5.0},
]
#: targets of each noise generator (its I is the mean over them)
NOISE_TARGETS = [1, 4]
NOISE_T = 200.0
NOISE_SEEDS = list(range(1, 21))


def noise_run(seed: int) -> list[dict[str, Any]]:
    """One NEST run of the noise generators; per generator its sample times (ms) and measures."""
    import nest

    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    nest.resolution = 0.1
    nest.rng_seed = seed
    out = []
    for params, n_tgt in zip(NOISE_PARAMS, NOISE_TARGETS, strict=True):
        ng = nest.Create("noise_generator", params=params)
        nrn = nest.Create("iaf_psc_alpha", n_tgt)
        nest.Connect(ng, nrn)
        mm = nest.Create("multimeter", params={"interval": 0.1, "record_from": ["I"]})
        nest.Connect(mm, ng)
        out.append(mm)
    nest.Simulate(NOISE_T)
    res = []
    for mm, params in zip(out, NOISE_PARAMS, strict=True):
        ev = mm.get("events")
        t, v = np.asarray(ev["times"]), np.asarray(ev["I"])
        lo = params.get("origin", 0.0) + params.get("start", 0.0)
        hi = params.get("origin", 0.0) + params.get("stop", np.inf)
        # sent in step s (stamp s + 1) when lo < (s + 2) h <= hi
        on = (t + 0.1 > lo + 1e-9) & (t + 0.1 <= hi + 1e-9)
        res.append({"times": t.tolist(), "on_mean": float(v[on].mean()), "on_std": float(v[on].std(ddof=1)),
                    "off_all_zero": bool(np.all(v[~on] == 0.0)), "n_on": int(on.sum()),
                    "changes": int(np.count_nonzero(np.diff(v[on]) != 0.0))})
    return res


def noise_reference() -> dict[str, Any]:
    """Sample times (the same for every seed) and the per-seed measures of the noise runs."""
    runs = [noise_run(s) for s in NOISE_SEEDS]
    gens = []
    for g in range(len(NOISE_PARAMS)):
        times = runs[0][g]["times"]
        assert all(r[g]["times"] == times for r in runs)
        gens.append({"params": NOISE_PARAMS[g], "targets": NOISE_TARGETS[g], "times": times,
                     **{k: [r[g][k] for r in runs] for k in ("on_mean", "on_std", "off_all_zero", "n_on",
                                                               "changes")}})
    return {"description": ("What a multimeter (interval 0.1 ms) records of noise_generators (resolution "
                            "0.1 ms, one Simulate of 200 ms): each generator in its own network with "
                            "targets iaf_psc_alpha neurons; per seed the mean and std (ddof 1) of I while "
                            "the generator sends, whether I is 0 elsewhere, the number of active samples "
                            "and of changes between consecutive active samples."),
            "simulate": NOISE_T, "resolution": 0.1, "seeds": NOISE_SEEDS, "generators": gens}


def main(out: Path) -> None:
    """Write both reference files into ``out``."""
    import nest

    sys.modules["nest"] = _Nest(nest)  # type: ignore[assignment]  # individual_spike_trains on Create
    case = recordables_case()
    exp = expected_deterministic(case)
    if expected_deterministic(case) != exp:
        raise RuntimeError("generator_recordables: NEST gave different results on a second run")
    full = {"name": "generator_recordables", **case, "expected": exp, "nest_version": nest.__version__}
    (out / "cases" / "generator_recordables.json").write_text(json.dumps(full, separators=(",", ":")) + "\n")
    noise = {**noise_reference(), "nest_version": nest.__version__}
    (out / "noise_generator_recordable.json").write_text(json.dumps(noise, separators=(",", ":")) + "\n")
    print("written")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
