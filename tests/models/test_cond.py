"""Unit tests of iaf_cond_exp and iaf_cond_alpha (adaptive RKF45 as in NEST/GSL)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty
from spikesim.models import _rkf45

H = 0.1
COND = ("iaf_cond_exp", "iaf_cond_alpha")


def _run(model, params, t_sim, record=("V_m", "g_ex", "g_in"), inputs=(), n=1, dc=None):
    """Create ``n`` neurons, optional spike inputs ``(times, weight, delay)``, record.

    ``t_sim`` may be a list: one ``simulate`` call per entry.
    """
    sim = spikesim.Simulator(resolution=H, seed=1)
    nrn = sim.create(model, n, params)
    for times, w, d in inputs:
        sg = sim.create("spike_generator", params={"spike_times": list(times)})
        sim.connect(sg, nrn, syn_spec={"weight": w, "delay": d})
    if dc is not None:
        gen = sim.create("dc_generator", params=dc)
        sim.connect(gen, nrn)
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


# -- model description -------------------------------------------------------------------

DEFAULTS = {"V_th": -55.0, "V_reset": -60.0, "t_ref": 2.0, "g_L": 16.6667, "C_m": 250.0, "E_ex": 0.0,
            "E_in": -85.0, "E_L": -70.0, "tau_syn_ex": 0.2, "tau_syn_in": 2.0, "I_e": 0.0,
            "tau_minus": 20.0, "tau_minus_triplet": 110.0, "V_m": -70.0, "g_ex": 0.0, "g_in": 0.0}


@pytest.mark.parametrize("model", COND)
def test_defaults(model):
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create(model)
    d = n.get()
    expected = dict(DEFAULTS)
    if model == "iaf_cond_alpha":
        expected.update(dg_ex=0.0, dg_in=0.0)
    for k, v in expected.items():
        assert float(np.asarray(d[k]).ravel()[0]) == v, k


def test_recordables():
    sim = spikesim.Simulator(resolution=H, seed=1)
    a = sim.create("iaf_cond_exp")
    b = sim.create("iaf_cond_alpha")
    assert list(a.get("recordables")[0]) == ["V_m", "g_ex", "g_in"]
    assert list(b.get("recordables")[0]) == ["V_m", "g_ex", "g_in", "t_ref_remaining"]


@pytest.mark.parametrize("model", COND)
@pytest.mark.parametrize("key, value", [("C_m", 0.0), ("C_m", -1.0), ("t_ref", -0.1), ("tau_syn_ex", 0.0),
                                        ("tau_syn_in", -2.0), ("tau_minus", 0.0),
                                        ("tau_minus_triplet", -1.0)])
def test_bad_parameter_names_it(model, key, value):
    sim = spikesim.Simulator(resolution=H, seed=1)
    with pytest.raises(BadProperty, match=key):
        sim.create(model, 1, {key: value})
    n = sim.create(model)
    with pytest.raises(BadProperty, match=key):
        n.set({key: value})
    assert n.get(key) == DEFAULTS[key]  # nothing changed


@pytest.mark.parametrize("model", COND)
def test_reset_must_be_below_threshold(model):
    sim = spikesim.Simulator(resolution=H, seed=1)
    with pytest.raises(BadProperty, match="V_reset"):
        sim.create(model, 1, {"V_reset": -55.0})
    with pytest.raises(BadProperty, match="V_reset"):
        sim.create(model, 1, {"V_th": -61.0})


@pytest.mark.parametrize("model", COND)
def test_v_m_is_absolute(model):
    """NEST keeps V_m where it is when E_L changes (no relative storage)."""
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create(model, 1, {"E_L": -65.0})
    assert n.get("V_m") == -70.0
    n.set({"V_m": -62.0})
    n.set({"E_L": -75.0})
    assert n.get("V_m") == -62.0


# -- dynamics -------------------------------------------------------------------------------

@pytest.mark.parametrize("model", COND)
def test_rest_is_a_fixed_point(model):
    _, nrn, ev, spikes = _run(model, {}, 20.0)
    assert np.all(ev["V_m"] == -70.0)
    assert np.all(ev["g_ex"] == 0.0) and np.all(ev["g_in"] == 0.0)
    assert spikes["times"].size == 0


@pytest.mark.parametrize("model", COND)
def test_relaxation_to_E_L(model):
    p = {"V_m": -58.0, "E_L": -72.0, "g_L": 20.0, "C_m": 300.0}
    _, nrn, ev, _ = _run(model, p, 200.0)
    t = ev["times"]
    tau = p["C_m"] / p["g_L"]
    expected = p["E_L"] + (p["V_m"] - p["E_L"]) * np.exp(-t / tau)
    np.testing.assert_allclose(ev["V_m"], expected, rtol=0, atol=1e-5)
    assert abs(nrn.get("V_m") - p["E_L"]) < 1e-3


@pytest.mark.parametrize("model", COND)
def test_constant_current_steady_state(model):
    p = {"I_e": 200.0, "g_L": 16.6667, "E_L": -70.0}
    _, nrn, ev, spikes = _run(model, p, 500.0)
    v_inf = p["E_L"] + p["I_e"] / p["g_L"]          # g_L (E_L - V) + I_e = 0
    assert v_inf < -55.0
    assert spikes["times"].size == 0
    assert abs(nrn.get("V_m") - v_inf) < 1e-3
    # and the approach is the closed form
    t = ev["times"]
    expected = v_inf + (p["E_L"] - v_inf) * np.exp(-t * p["g_L"] / 250.0)
    np.testing.assert_allclose(ev["V_m"], expected, rtol=0, atol=1e-4)


@pytest.mark.parametrize("model", COND)
def test_dc_generator_current_acts_one_step_after_arrival(model):
    """The current read in step s acts from step s + 1: a dc that starts at 10 ms over a
    1 ms delay is read in the step ending at 11.0 and moves V_m from 11.1 on."""
    _, _, ev, _ = _run(model, {}, 15.0, dc={"amplitude": 100.0, "start": 10.0})
    steps = np.rint(ev["times"] / H).astype(int)
    v = ev["V_m"]
    assert np.all(v[steps <= 110] == -70.0)
    assert np.all(v[steps >= 111] > -70.0)


def test_exp_single_excitatory_spike_decays_with_tau_syn_ex():
    w, tau = 5.0, 2.0
    p = {"tau_syn_ex": tau}
    _, _, ev, _ = _run("iaf_cond_exp", p, 30.0, inputs=[([10.0], w, 1.0)])
    t, g = ev["times"], ev["g_ex"]
    steps = np.rint(t / H).astype(int)
    # spike at 10 ms + 1 ms delay: added at the end of the step ending at 11.0 ms
    assert np.all(g[steps < 110] == 0.0)
    assert g[steps == 110][0] == w
    after = steps >= 110
    expected = w * np.exp(-(t[after] - 11.0) / tau)
    np.testing.assert_allclose(g[after], expected, rtol=0, atol=2e-4)
    # the conductance depolarises (E_ex = 0 mV above V_m)
    v = ev["V_m"]
    assert np.all(v[steps <= 110] == -70.0)
    assert v[steps == 115][0] > -70.0
    assert np.all(ev["g_in"] == 0.0)


def test_exp_inhibitory_spike_adds_minus_weight_to_g_in():
    w, tau = -7.0, 2.0
    _, _, ev, _ = _run("iaf_cond_exp", {"tau_syn_in": tau, "V_m": -60.0}, 20.0,
                       inputs=[([5.0, 5.0], w, 1.0)])
    t, g = ev["times"], ev["g_in"]
    steps = np.rint(t / H).astype(int)
    assert g[steps == 60][0] == -2 * w
    after = steps >= 60
    np.testing.assert_allclose(g[after], -2 * w * np.exp(-(t[after] - 6.0) / tau), rtol=0, atol=2e-4)
    assert np.all(ev["g_ex"] == 0.0)


@pytest.mark.parametrize("tau", [0.2, 0.5, 2.0])
def test_alpha_single_spike_peaks_at_tau_with_weight(tau):
    w = 6.0
    _, _, ev, _ = _run("iaf_cond_alpha", {"tau_syn_ex": tau}, 30.0, inputs=[([10.0], w, 1.0)])
    t, g = ev["times"], ev["g_ex"]
    steps = np.rint(t / H).astype(int)
    # dg jumps at the end of the step ending at 11.0 ms; g starts rising in the next step
    assert np.all(g[steps <= 110] == 0.0)
    s = t - 11.0
    expected = np.where(s > 0, w * s / tau * np.exp(1.0 - s / tau), 0.0)
    np.testing.assert_allclose(g, expected, rtol=0, atol=2e-3)
    k = int(np.argmax(g))
    assert abs(t[k] - (11.0 + tau)) < H / 2 + 1e-9
    assert abs(g[k] - w) < 2e-3
    assert np.all(ev["g_in"] == 0.0)


def test_alpha_inhibitory_spike_and_dg_state():
    w, tau = -4.0, 2.0
    sim, nrn, ev, _ = _run("iaf_cond_alpha", {"tau_syn_in": tau}, 13.0, inputs=[([10.0], w, 1.0)])
    t, g = ev["times"], ev["g_in"]
    s = t - 11.0
    expected = np.where(s > 0, -w * s / tau * np.exp(1.0 - s / tau), 0.0)
    np.testing.assert_allclose(g, expected, rtol=0, atol=2e-3)
    # dg_in = d g_in / dt + g_in / tau = -w e / tau exp(-s / tau)
    s_end = 13.0 - 11.0
    assert abs(nrn.get("dg_in") - (-w * math.e / tau * math.exp(-s_end / tau))) < 2e-3
    assert nrn.get("dg_ex") == 0.0


@pytest.mark.parametrize("model", COND)
def test_spiking_refractoriness_and_reset(model):
    p = {"I_e": 1000.0, "t_ref": 3.0, "V_reset": -65.0}
    record = ("V_m", "t_ref_remaining") if model == "iaf_cond_alpha" else ("V_m",)
    _, _, ev, spikes = _run(model, p, 100.0, record=record)
    st = np.rint(spikes["times"] / H).astype(int)
    assert st.size > 3
    assert np.all(np.diff(st) > 30)            # t_ref = 30 steps, plus time to climb again
    steps = np.rint(ev["times"] / H).astype(int)
    v = ev["V_m"]
    for s in st:
        # V_m reset in the spike step and clamped during the 30 refractory steps
        clamp = (steps >= s) & (steps <= s + 30)
        assert np.all(v[clamp] == -65.0)
        assert v[steps == s + 31][0] > -65.0
    assert np.all(v < -55.0)                   # recorded V_m never at or above threshold
    if model == "iaf_cond_alpha":
        r = ev["t_ref_remaining"]
        s = st[0]
        np.testing.assert_allclose(r[steps == s][0], 3.0, rtol=0, atol=1e-12)
        np.testing.assert_allclose(r[steps == s + 10][0], 2.0, rtol=0, atol=1e-12)
        assert r[steps == s + 30][0] == 0.0


@pytest.mark.parametrize("model", COND)
def test_membrane_uses_min_of_v_m_and_threshold(model):
    """A neuron set above threshold spikes at the end of the first step."""
    _, _, ev, spikes = _run(model, {"V_m": -40.0}, 5.0)
    assert np.rint(spikes["times"] / H).astype(int).tolist() == [1]
    assert ev["V_m"][0] == -60.0


# -- integrator ------------------------------------------------------------------------------

@pytest.mark.parametrize("model", COND)
def test_split_simulate_calls_continue_exactly(model):
    """The integrator's step size is state: several Simulate calls give the same run."""
    p = [{"I_e": 300.0}, {"I_e": 100.0, "tau_syn_ex": 1.0, "t_ref": 4.0}]
    inputs = [([2.0, 2.0, 9.3, 21.0, 33.3], 60.0, 1.0), ([4.0, 17.1, 30.0], -20.0, 1.5)]
    _, n1, ev1, sp1 = _run(model, p, 40.0, inputs=inputs, n=2)
    _, n2, ev2, sp2 = _run(model, p, [3.3, 0.1, 0.1, 6.5, 10.0, 20.0], inputs=inputs, n=2)
    np.testing.assert_array_equal(sp1["times"], sp2["times"])
    np.testing.assert_array_equal(sp1["senders"], sp2["senders"])
    for k in ("V_m", "g_ex", "g_in"):
        np.testing.assert_array_equal(ev1[k], ev2[k])
    np.testing.assert_array_equal(np.asarray(n1.get("integration_step")), np.asarray(n2.get("integration_step")))


@pytest.mark.parametrize("model", COND)
def test_neurons_are_independent(model):
    """A population gives each neuron the result it has alone."""
    p = [{"I_e": 300.0}, {"I_e": 50.0, "C_m": 100.0}, {"tau_syn_ex": 1.5}]
    inputs = [([1.0, 8.0, 8.0, 20.0], 40.0, 1.0)]
    _, _, ev, _ = _run(model, p, 30.0, inputs=inputs, n=3)
    for i, pi in enumerate(p):
        _, nrn, evi, _ = _run(model, pi, 30.0, inputs=inputs)
        sel = ev["senders"] == ev["senders"].min() + i
        np.testing.assert_array_equal(ev["V_m"][sel], evi["V_m"])
        np.testing.assert_array_equal(ev["g_ex"][sel], evi["g_ex"])


def test_integration_step_adapts_and_persists():
    """Quiet dynamics: the step suggestion grows to 5 h (used clipped to h, as in GSL,
    where the control enlarges the clipped final step); a strong input shrinks it and
    it recovers gradually over the following steps."""
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create("iaf_cond_exp")
    sg = sim.create("spike_generator", params={"spike_times": [5.0]})
    sim.connect(sg, n, syn_spec={"weight": 500.0, "delay": 1.0})
    sim.simulate(2.0)
    assert n.get("integration_step") == pytest.approx(5 * H)
    sim.simulate(4.1)   # g_ex jumped at the end of the step ending at 6.0 ms
    h1 = n.get("integration_step")
    assert 0.0 < h1 < H / 2
    sim.simulate(0.5)
    h2 = n.get("integration_step")
    assert h1 < h2 < H


def _ref_rkf45_exp(y, p, t1, h):
    """Plain-Python transcription of GSL's evolve loop (rkf45, y-control 1e-3) for one step."""
    def f(y):
        ref, v_reset, v_th, g_l, e_l, e_ex, e_in, c_m, tex, tin, i_stim, i_e = p
        V = v_reset if ref else min(y[0], v_th)
        dv = 0.0 if ref else (-g_l * (V - e_l) + i_stim + i_e - y[1] * (V - e_ex) - y[2] * (V - e_in)) / c_m
        return [dv, -y[1] / tex, -y[2] / tin]

    A = [[], [1 / 4], [3 / 32, 9 / 32], [1932 / 2197, -7200 / 2197, 7296 / 2197],
         [8341 / 4104, -32832 / 4104, 29440 / 4104, -845 / 4104],
         [-6080 / 20520, 41040 / 20520, -28352 / 20520, 9295 / 20520, -5643 / 20520]]
    c = [902880 / 7618050, 0.0, 3953664 / 7618050, 3855735 / 7618050, -1371249 / 7618050, 277020 / 7618050]
    e = [1 / 360, 0.0, -128 / 4275, -2197 / 75240, 1 / 50, 2 / 55]
    t = 0.0
    while t < t1:
        t0, dt, k1 = t, t1 - t, f(y)
        while True:
            final = h > dt
            if final:
                h = dt
            ks = [k1]
            for s in range(1, 6):
                ks.append(f([y[i] + h * sum(A[s][q] * ks[q][i] for q in range(s)) for i in range(3)]))
            yn = [y[i] + h * sum(c[q] * ks[q][i] for q in range(6)) for i in range(3)]
            rmax = max(abs(h * sum(e[q] * ks[q][i] for q in range(6))) / 1e-3 for i in range(3))
            t = t1 if final else t0 + h
            if rmax > 1.1:
                hn = max(0.9 / rmax ** 0.2, 0.2) * h
                if hn < h and t + hn != t:
                    h = hn
                    continue
            elif rmax < 0.5:
                h = min(max(0.9 / rmax ** (1 / 6), 1.0), 5.0) * h
            break
        y = yn
    return y, h


def test_compiled_integrator_matches_plain_transcription():
    """The compiled loop follows the GSL algorithm (up to summation rounding)."""
    from numba import njit

    from spikesim.models.iaf_cond_exp import _rhs

    @njit
    def run(p, y, t1, h):
        return _rkf45.integrate(_rkf45.rkf45_step3, _rhs, p, y, t1, h)

    p = (False, -60.0, -55.0, 16.6667, -70.0, 0.0, -85.0, 250.0, 0.2, 2.0, 150.0, 0.0)
    for y0, h0 in [((-70.0, 80.0, 0.0), 0.1), ((-65.0, 0.0, 30.0), 0.1), ((-56.0, 160.0, 25.0), 0.013)]:
        (ya, ha) = run(p, y0, 0.1, h0)
        yb, hb = _ref_rkf45_exp(list(y0), p, 0.1, h0)
        np.testing.assert_allclose(ya, yb, rtol=0, atol=1e-9)
        assert ha == pytest.approx(hb, rel=1e-9)
