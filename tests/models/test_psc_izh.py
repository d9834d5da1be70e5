"""Unit tests of iaf_psc_exp, iaf_psc_alpha and izhikevich against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty

H = 0.1


def _run(model, params, t_sim, record=("V_m",), inputs=(), n=1):
    """Create ``n`` neurons, optional spike inputs ``(times, weight, delay)``, record."""
    sim = spikesim.Simulator(resolution=H, seed=1)
    nrn = sim.create(model, n, params)
    for times, w, d in inputs:
        sg = sim.create("spike_generator", params={"spike_times": list(times)})
        sim.connect(sg, nrn, syn_spec={"weight": w, "delay": d})
    mm = sim.create("multimeter", params={"record_from": list(record), "interval": H})
    sim.connect(mm, nrn)
    sr = sim.create("spike_recorder")
    sim.connect(nrn, sr)
    for t in np.atleast_1d(t_sim):
        sim.simulate(float(t))
    ev = mm.get("events")[0]
    order = np.lexsort((ev["senders"], ev["times"]))
    ev = {k: np.asarray(v)[order] for k, v in ev.items()}
    return sim, nrn, ev, sr.get("events")[0]


# -- iaf_psc_exp ------------------------------------------------------------------------

def test_psc_exp_recordables_and_defaults():
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create("iaf_psc_exp")
    assert list(n.get("recordables")[0]) == ["I_syn_ex", "I_syn_in", "V_m"]
    d = n.get()
    for k, v in {"E_L": -70.0, "C_m": 250.0, "tau_m": 10.0, "t_ref": 2.0, "V_th": -55.0,
                 "V_reset": -70.0, "I_e": 0.0, "tau_syn_ex": 2.0, "tau_syn_in": 2.0,
                 "rho": 0.01, "delta": 0.0, "V_m": -70.0}.items():
        assert float(np.asarray(d[k]).ravel()[0]) == v, k


def test_psc_exp_subthreshold_constant_current_matches_closed_form():
    p = {"I_e": 200.0, "tau_m": 10.0, "C_m": 250.0, "E_L": -70.0}
    _, _, ev, spikes = _run("iaf_psc_exp", p, 50.0)
    t = ev["times"]
    assert np.allclose(t, H * np.arange(1, t.size + 1))
    expected = p["E_L"] + p["I_e"] * p["tau_m"] / p["C_m"] * (1.0 - np.exp(-t / p["tau_m"]))
    np.testing.assert_allclose(ev["V_m"], expected, rtol=0, atol=1e-10)
    assert spikes["times"].size == 0


@pytest.mark.parametrize("tau_s", [2.0, 10.0])  # 10.0 == tau_m: singular propagator
def test_psc_exp_single_epsc_matches_closed_form(tau_s):
    w, t_spike, delay, tau_m, C = 100.0, 5.0, 1.0, 10.0, 250.0
    _, _, ev, _ = _run("iaf_psc_exp", {"tau_syn_ex": tau_s}, 40.0,
                       record=("V_m", "I_syn_ex", "I_syn_in"), inputs=[([t_spike], w, delay)])
    t = ev["times"]
    s = t - (t_spike + delay)               # the current jumps at the end of the arrival step
    after = s >= -1e-9
    np.testing.assert_array_equal(ev["I_syn_ex"][~after], 0.0)
    np.testing.assert_allclose(ev["I_syn_ex"][after], w * np.exp(-s[after] / tau_s), rtol=1e-12)
    np.testing.assert_array_equal(ev["I_syn_in"], 0.0)
    if tau_s == tau_m:
        v = w / C * s * np.exp(-s / tau_m)
    else:
        v = w * tau_s * tau_m / (C * (tau_m - tau_s)) * (np.exp(-s / tau_m) - np.exp(-s / tau_s))
    np.testing.assert_allclose(ev["V_m"], -70.0 + np.where(after, v, 0.0), rtol=0, atol=1e-10)


def test_psc_exp_negative_weight_goes_to_inhibitory_current():
    _, _, ev, _ = _run("iaf_psc_exp", {}, 20.0, record=("V_m", "I_syn_ex", "I_syn_in"),
                       inputs=[([5.0], -300.0, 1.0)])
    k = int(round(6.0 / H)) - 1             # sample at t = 6.0
    assert ev["I_syn_in"][k] == -300.0
    np.testing.assert_array_equal(ev["I_syn_ex"], 0.0)
    assert ev["V_m"][k] == -70.0 and ev["V_m"][k + 1] < -70.0


def test_psc_exp_refractory_clamp_and_spike_times():
    # strong drive: after each spike V_m stays at V_reset for exactly t_ref
    p = {"I_e": 1000.0, "t_ref": 2.0, "V_reset": -70.0}
    _, _, ev, spikes = _run("iaf_psc_exp", p, 30.0)
    ts = spikes["times"]
    assert ts.size >= 3
    for t_s in ts[:-1]:
        k = int(round(t_s / H)) - 1         # sample at the spike time: reset value
        np.testing.assert_array_equal(ev["V_m"][k:k + 21], -70.0)   # 1 + 20 steps
        assert ev["V_m"][k + 21] > -70.0


# -- iaf_psc_alpha ----------------------------------------------------------------------

def test_psc_alpha_recordables():
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create("iaf_psc_alpha")
    assert list(n.get("recordables")[0]) == ["I_syn_ex", "I_syn_in", "V_m"]
    assert n.get("V_min")[0] == -np.inf


@pytest.mark.parametrize("tau_s", [0.5, 2.0, 3.0])
def test_psc_alpha_peak_at_tau_syn_with_weight_amplitude(tau_s):
    w, t_arr = 150.0, 11.0                  # spike at 10 ms, delay 1 ms
    _, _, ev, _ = _run("iaf_psc_alpha", {"tau_syn_ex": tau_s, "tau_syn_in": tau_s}, 40.0,
                       record=("V_m", "I_syn_ex", "I_syn_in"),
                       inputs=[([10.0], w, 1.0), ([10.0], -w, 1.0)])
    t = ev["times"]
    k = int(np.argmax(ev["I_syn_ex"]))
    assert t[k] == pytest.approx(t_arr + tau_s)
    assert ev["I_syn_ex"][k] == pytest.approx(w, rel=1e-12)
    s = np.clip(t - t_arr, 0.0, None)
    np.testing.assert_allclose(ev["I_syn_ex"], w * math.e / tau_s * s * np.exp(-s / tau_s),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ev["I_syn_in"], -ev["I_syn_ex"], rtol=1e-15, atol=0)
    # equal and opposite currents with equal time constants cancel on V_m
    np.testing.assert_allclose(ev["V_m"], -70.0, atol=1e-10)


def test_psc_alpha_singular_case_matches_closed_form():
    # tau_syn == tau_m: V(s) = w e / (tau C) * s^2 / 2 * exp(-s / tau)
    w, tau, C = 200.0, 10.0, 250.0
    _, _, ev, _ = _run("iaf_psc_alpha", {"tau_syn_ex": tau, "tau_m": tau, "C_m": C}, 50.0,
                       inputs=[([10.0], w, 1.0)])
    s = np.clip(ev["times"] - 11.0, 0.0, None)
    v = w * math.e / (tau * C) * s * s / 2.0 * np.exp(-s / tau)
    np.testing.assert_allclose(ev["V_m"], -70.0 + v, rtol=0, atol=1e-10)


@pytest.mark.parametrize("model", ["iaf_psc_exp", "iaf_psc_alpha", "izhikevich"])
def test_split_simulate_continues_exactly(model):
    p = {"I_e": 380.0} if model != "izhikevich" else {"I_e": 10.0}
    inputs = [([3.0, 7.5, 7.5, 21.0], 400.0, 1.3), ([12.0, 25.0], -250.0, 2.0)]
    if model == "izhikevich":
        inputs = [([3.0, 7.5, 7.5, 21.0], 5.0, 1.3), ([12.0, 25.0], -4.0, 2.0)]
    rec = ("V_m", "U_m") if model == "izhikevich" else ("V_m", "I_syn_ex", "I_syn_in")
    _, n1, ev1, sp1 = _run(model, p, 50.0, record=rec, inputs=inputs)
    _, n2, ev2, sp2 = _run(model, p, [17.3, 0.4, 32.3], record=rec, inputs=inputs)
    assert sp1["times"].size > 0
    np.testing.assert_array_equal(sp1["times"], sp2["times"])
    for k in rec:
        np.testing.assert_array_equal(ev1[k], ev2[k])
    assert n1.get("V_m")[0] == n2.get("V_m")[0]


# -- izhikevich -------------------------------------------------------------------------

def test_izhikevich_defaults():
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create("izhikevich", params={"b": 0.25, "c": -60.0})
    assert list(n.get("recordables")[0]) == ["U_m", "V_m"]
    assert n.get("V_m")[0] == -65.0 and n.get("U_m")[0] == -13.0  # fixed, whatever b, c
    assert n.get("V_th")[0] == 30.0
    assert n.get("V_min")[0] == -np.finfo(float).max
    assert bool(n.get("consistent_integration")[0]) is True


def test_izhikevich_spikes_repeatedly_and_matches_forward_euler():
    a, b, c, d, I_e = 0.02, 0.2, -65.0, 8.0, 10.0
    _, _, ev, spikes = _run("izhikevich", {"I_e": I_e}, 200.0, record=("V_m", "U_m"))
    ts = spikes["times"]
    assert ts.size >= 5
    isi = np.diff(ts)
    assert np.all(isi > 5.0)
    # reference: NEST's forward Euler, written out
    v, u = -65.0, -13.0
    vs, us, st = [], [], []
    for k in range(ev["times"].size):
        v_old, u_old = v, u
        v += H * (0.04 * v_old * v_old + 5.0 * v_old + 140.0 - u_old + 0.0 + I_e)
        u += H * a * (b * v_old - u_old)
        if v >= 30.0:
            v, u = c, u + d
            st.append((k + 1) * H)
        vs.append(v)
        us.append(u)
    np.testing.assert_array_equal(ev["V_m"], vs)
    np.testing.assert_array_equal(ev["U_m"], us)
    np.testing.assert_allclose(ts, st, atol=1e-9)
    assert np.all(ev["V_m"] < 30.0)


def test_izhikevich_spike_input_is_a_voltage_jump():
    _, _, ev, _ = _run("izhikevich", {}, 10.0, record=("V_m",), inputs=[([3.0], 4.0, 1.0)])
    k = int(round(4.0 / H)) - 1
    _, _, ev0, _ = _run("izhikevich", {}, 10.0, record=("V_m",))
    np.testing.assert_array_equal(ev["V_m"][:k], ev0["V_m"][:k])
    assert ev["V_m"][k] - ev0["V_m"][k] == pytest.approx(4.0, abs=1e-12)


# -- validation -------------------------------------------------------------------------

@pytest.mark.parametrize("model", ["iaf_psc_exp", "iaf_psc_alpha"])
@pytest.mark.parametrize("bad", [{"C_m": 0.0}, {"tau_m": -1.0}, {"tau_syn_ex": 0.0},
                                 {"tau_syn_in": 0.0}, {"t_ref": -0.1}, {"V_reset": -50.0}])
def test_invalid_parameters_raise_and_leave_node_unchanged(model, bad):
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create(model, 2, {"I_e": 100.0})
    before = n.get()
    key = next(iter(bad))
    with pytest.raises(BadProperty, match=key):
        n.set({**bad, "I_e": 5.0})
    after = n.get()
    for k, v in before.items():
        if isinstance(v, np.ndarray) and v.dtype != object:
            np.testing.assert_array_equal(after[k], v, err_msg=k)
    with pytest.raises(BadProperty, match=key):
        sim.create(model, 1, bad)


def test_psc_exp_c_m_zero_message():
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create("iaf_psc_exp")
    with pytest.raises(BadProperty) as exc:
        n.set({"C_m": 0.0})
    assert "C_m" in str(exc.value)
    assert n.get("C_m")[0] == 250.0


def test_psc_exp_stochastic_threshold_rejected():
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create("iaf_psc_exp")
    with pytest.raises(BadProperty, match="delta"):
        n.set({"delta": 1.0})
    with pytest.raises(BadProperty, match="rho"):
        n.set({"rho": -1.0})


def test_psc_delta_simd_step_equals_the_branching_step():
    """A block holding a neuron with refractory_input takes the branching path for all
    its neurons; the others must follow the same trajectories as the same neurons on
    the SIMD path (V_min clamp, refractoriness, spikes, currents, spike input)."""
    sim = spikesim.Simulator(resolution=0.1)
    n = 60
    params = {"I_e": list(np.linspace(0.0, 500.0, n)), "V_min": -72.0, "t_ref": 1.3}
    simd = sim.create("iaf_psc_delta", n, params)
    both = sim.create("iaf_psc_delta", n + 1, {"I_e": params["I_e"] + [0.0], "V_min": -72.0, "t_ref": 1.3,
                                               "refractory_input": [False] * n + [True]})
    branching = both[:n]
    sg = sim.create("spike_generator", params={"spike_times": list(np.arange(1.0, 10.0, 0.7))
                                                           + list(np.arange(45.0, 80.0, 0.7))})
    dc = sim.create("step_current_generator", params={"amplitude_times": [10.0, 40.0],
                                                      "amplitude_values": [-300.0, 150.0]})
    for pop in (simd, branching):
        sim.connect(sg, pop, syn_spec={"weight": 4.0})
        sim.connect(dc, pop)
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    sr = sim.create("spike_recorder")
    sim.connect(mm, simd + branching)
    sim.connect(simd + branching, sr)
    sim.simulate(100.0)
    ev = mm.get("events")[0]
    v = ev["V_m"].reshape(-1, 2 * n)
    assert np.array_equal(v[:, :n], v[:, n:])
    sp = sr.get("events")[0]
    a = sp["times"][np.isin(sp["senders"], simd.tolist())]
    b = sp["times"][np.isin(sp["senders"], branching.tolist())]
    assert a.size > 20 and np.array_equal(a, b)
    assert v.min() == pytest.approx(-72.0)
