"""aeif_psc_delta's input held back while refractory (``refractory_input=True``).

The dynamics otherwise are checked against NEST 3.10 by the reference cases
``aeif_psc_delta_drive`` and ``aeif_psc_delta_refractory`` (input dropped while
refractory).  NEST 3.10 cannot serve as the reference here: it negates its unsigned
refractory counter in the decay factor ``exp(-r h / tau_m)``, so held-back input turns
``V_m`` into NaN.  The expected value is derived instead: two neurons that differ only
in ``refractory_input`` have the same state until the step that ends the refractory
period; in that step the held-back input ``sum_k w exp(-r_k h / tau_m)`` is added to
``V_m`` after the first integrator step (the whole step near ``V_reset``), so the two
``V_m`` differ by exactly that sum at the end of the step (``r_k``: the refractory steps
left, counting the one NEST adds, in the step input ``k`` arrives).
"""

from __future__ import annotations

import math

import numpy as np

import spikesim

H, W, T_REF, DELAY = 0.1, 0.4, 2.0, 1.0
NEURON = {"I_e": 700.0, "t_ref": T_REF, "a": 0.0, "b": 0.0}


def _first_spike() -> float:
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create("aeif_psc_delta", params=NEURON)
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    sim.simulate(100.0)
    return float(sr.get("events")[0]["times"][0])


def _v_m(t_s: float, arrivals: list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create("aeif_psc_delta", 2, [{**NEURON}, {**NEURON, "refractory_input": True}])
    sg = sim.create("spike_generator", params={"spike_times": [round(a - DELAY, 1) for a in arrivals]})
    mm = sim.create("multimeter", params={"interval": H, "record_from": ["V_m"]})
    sim.connect(sg, n, syn_spec={"weight": W, "delay": DELAY})
    sim.connect(mm, n)
    sim.simulate(t_s + 10.0)
    ev = mm.get("events")[0]
    t, s, v = (np.asarray(ev[k]) for k in ("times", "senders", "V_m"))
    return t[s == 1], v[s == 1], v[s == 2]


def test_held_back_input_is_added_decayed_when_refractoriness_ends():
    t_s = _first_spike()
    n_ref = round(T_REF / H)
    arrivals = [round(t_s + j * H, 1) for j in (3, 4, 11, 17, n_ref)]   # steps ending at these times
    t, v_drop, v_keep = _v_m(t_s, arrivals)
    tau_m = 281.0 / 30.0   # C_m / g_L
    held = sum(W * math.exp(-(n_ref + 1 - round((a - t_s) / H)) * H / tau_m) for a in arrivals)
    end = np.flatnonzero(np.isclose(t, t_s + (n_ref + 1) * H))[0]
    before = t < t_s + (n_ref + 1) * H - H / 2
    np.testing.assert_array_equal(v_keep[before], v_drop[before])   # clamped to V_reset alike
    np.testing.assert_allclose(v_keep[end] - v_drop[end], held, rtol=1e-9, atol=1e-12)
    assert v_keep[end + 1] > v_drop[end + 1]   # and it stays in V_m, decaying


def test_without_refractory_input_the_input_is_dropped():
    t_s = _first_spike()
    t, v_drop, _ = _v_m(t_s, [round(t_s + 0.5, 1)])
    _, v_none, _ = _v_m(t_s, [])
    np.testing.assert_array_equal(v_drop, v_none)
