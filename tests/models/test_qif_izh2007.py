"""izhikevich2007, qif and array_input against reference loops of the equations they port.

* izhikevich2007: ANNarchy's explicit Euler of CompNeuroPy's ``Izhikevich2007``;
* qif: rectipy's forward Euler of the ``qif`` template with spike reset, coupled
  through ``s_in = J s`` (a numpy transcription of ``SpikeResetNet.forward``);
* array_input: sends ``amplitudes[k]`` in step ``start / h + k``.
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty
from spikesim.models.array_input import AmplitudeTable, ArrayInput
from spikesim.observer import run

H = 0.1


# -- izhikevich2007 -----------------------------------------------------------------------

def _izh2007_reference(p: dict[str, float], steps: int, h: float, v: float = 0.0, u: float = 0.0,
                       extra: np.ndarray | None = None) -> tuple[np.ndarray, list[int]]:
    """v after each step and the steps with a spike; ``extra[n]`` is input during step n."""
    vs, spikes = [], []
    for n in range(steps):
        i_ext = 0.0 if extra is None else extra[n]
        dv = (p["k"] * (v - p["v_r"]) * (v - p["v_t"]) - u + p["I_app"] + i_ext) / p["C"]
        du = p["a"] * (p["b"] * (v - p["v_r"]) - u)
        v, u = v + h * dv, u + h * du
        if v >= p["v_peak"]:
            v, u = p["c"], u + p["d"]
            spikes.append(n)
        vs.append(v)
    return np.array(vs), spikes


def _izh_defaults() -> dict[str, float]:
    return {"C": 100.0, "k": 0.7, "v_r": -60.0, "v_t": -40.0, "a": 0.03, "b": -2.0, "c": -50.0, "d": 100.0,
            "v_peak": 35.0, "I_app": 0.0}


def test_izh2007_defaults_are_compneuropys():
    sim = spikesim.Simulator(resolution=H)
    n = sim.create("izhikevich2007")
    d = n.get()
    for k, v in _izh_defaults().items():
        assert float(d[k][0]) == v, k
    assert float(d["v"][0]) == 0.0 and float(d["u"][0]) == 0.0  # ANNarchy's default init
    assert list(n.get("recordables")[0]) == ["v", "u", "I"]


@pytest.mark.parametrize("I_app", [0.0, 52.0, 120.0])
def test_izh2007_matches_annarchy_euler(I_app):
    sim = spikesim.Simulator(resolution=H)
    n = sim.create("izhikevich2007", 1, {"I_app": I_app})
    mm = sim.create("multimeter", params={"record_from": ["v"], "interval": H})
    sim.connect(mm, n)
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    res = sim.simulate(1000.0)
    p = {**_izh_defaults(), "I_app": I_app}
    v_ref, spikes_ref = _izh2007_reference(p, 10000, H)
    np.testing.assert_allclose(res.trace(mm, "v"), v_ref, rtol=0, atol=1e-9)
    # a spike in step n carries NEST's stamp (n + 1) h
    np.testing.assert_allclose(res.events(sr)["times"], (np.array(spikes_ref) + 1) * H, atol=1e-9)
    assert len(spikes_ref) >= 1  # v starts at 0: the first spike comes within 2 ms


def test_izh2007_inputs_act_in_the_step_they_arrive():
    """Spike weights and generator currents (pA) act during the step they arrive for."""
    sim = spikesim.Simulator(resolution=H)
    n = sim.create("izhikevich2007", 1, {"v": -60.0})
    sg = sim.create("spike_generator", params={"spike_times": [5.0]})
    sim.connect(sg, n, syn_spec={"weight": 300.0, "delay": 1.0})      # arrives for step 59
    dc = sim.create("dc_generator", params={"amplitude": 20.0, "start": 2.0})
    sim.connect(dc, n, syn_spec={"weight": 1.0, "delay": H})            # sent from step 19
    mm = sim.create("multimeter", params={"record_from": ["v"], "interval": H})
    sim.connect(mm, n)
    res = sim.simulate(10.0)
    extra = np.zeros(100)
    extra[20:] += 20.0     # dc sends in step s with start < (s + 2) h: s >= 19, arrives s + 1
    extra[59] += 300.0     # stamp 5.0 ms is step 49; delay 10 steps
    v_ref, _ = _izh2007_reference(_izh_defaults(), 100, H, v=-60.0, extra=extra)
    np.testing.assert_allclose(res.trace(mm, "v"), v_ref, rtol=0, atol=1e-12)


def test_izh2007_rejects_reset_above_peak():
    sim = spikesim.Simulator(resolution=H)
    with pytest.raises(BadProperty, match=r"izhikevich2007: parameter 'c' = 40.0 is not allowed; the reset "
                                          r"value must be below v_peak \(35.0\)"):
        sim.create("izhikevich2007", 1, {"c": 40.0})
    with pytest.raises(BadProperty, match=r"izhikevich2007: parameter 'C' = 0.0 is not allowed; it must be > 0"):
        sim.create("izhikevich2007", 1, {"C": 0.0})


# -- qif ---------------------------------------------------------------------------------------

def _qif_reference(v: np.ndarray, s: np.ndarray, J: np.ndarray, inp: np.ndarray, dt: float, k: int = 1,
                   cutoff: int = 0, eta: float = -5.0, tau: float = 1.0, tau_s: float = 1.0):
    """rectipy's SpikeResetNet + Network.run: records the state at the start of each step."""
    v, s = v.copy(), s.copy()
    vs, outs, buf, n_spikes = [], [], [], 0
    for n in range(inp.shape[0]):
        spk = (v >= 100.0).astype(float)
        n_spikes += int(spk.sum())
        out, v_start = s.copy(), v.copy()
        v_new = v + dt * ((v * v + eta + inp[n]) / tau + J @ s)
        s = s * (1.0 - dt / tau_s) + spk
        v = np.where(spk > 0, -100.0, v_new)
        if n >= cutoff:
            buf.append(out)
            if n % k == 0:
                outs.append(np.mean(buf, axis=0))
                buf = []
                vs.append(v_start)
    return np.array(vs), np.array(outs), v, s, n_spikes


def _qif_net(N: int, dt: float, seed: int = 3):
    J = np.random.default_rng(seed).random((N, N)) * 20.0
    sim = spikesim.Simulator(resolution=dt, seed=seed)
    q = sim.create("qif", N, label="qif")
    sim.connect(q, q, "all_to_all", {"weight": J, "delay": dt})
    return sim, q, J


def test_qif_defaults_are_rectipys():
    sim = spikesim.Simulator(resolution=0.001)
    q = sim.create("qif")
    d = q.get()
    for k, v in {"tau": 1.0, "eta": -5.0, "k": 1.0, "tau_s": 1.0, "v_peak": 100.0, "v_reset": -100.0,
                 "v": -2.0, "s": 0.0, "s_in": 0.0, "I_ext": 0.0}.items():
        assert float(d[k][0]) == v, k


@pytest.mark.parametrize("k,cutoff", [(1, 0), (2, 0), (3, 5)])
def test_qif_run_matches_rectipy_loop(k, cutoff):
    """Coupled QIF neurons with a noisy input array: run() records what rectipy records."""
    N, dt, steps = 4, 1e-3, 2500
    sim, q, J = _qif_net(N, dt)
    inp = 15.0 + np.random.default_rng(1).normal(0.0, 3.0, (steps, N))
    run(sim, inputs=inp[:700], record_output=False)          # start the run mid-way, not at t = 0
    v0, s0 = q.get("v"), q.get("s")
    obs = run(sim, inputs=inp, record_vars=[("qif", "v", False)], sampling_steps=k, cutoff=cutoff)
    vs, outs, v_end, s_end, n_spikes = _qif_reference(v0, s0, J, inp, dt, k, cutoff)
    assert n_spikes >= 2 * N  # the resets and the coupling are exercised
    assert obs.to_numpy(("qif", "v")).shape == vs.shape
    np.testing.assert_allclose(obs.to_numpy(("qif", "v")), vs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(obs.to_numpy("out"), outs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(q.get("v"), v_end, rtol=0, atol=1e-9)
    np.testing.assert_allclose(q.get("s"), s_end, rtol=0, atol=1e-12)
    first = -(-cutoff // k) * k
    np.testing.assert_array_equal(obs.steps, np.arange(first, steps, k))
    np.testing.assert_allclose(obs.times, obs.steps * dt)


def test_qif_rejects_reset_above_peak():
    sim = spikesim.Simulator(resolution=0.001)
    with pytest.raises(BadProperty, match=r"qif: parameter 'v_reset' = 200.0 is not allowed; it must be below "
                                          r"v_peak \(100.0\)"):
        sim.create("qif", 1, {"v_reset": 200.0})


# -- array_input ------------------------------------------------------------------------------

def test_array_input_sends_one_value_per_step():
    p = {"origin": 0.0, "start": 0.3, "stop": np.inf, "amplitudes": (1.0, 2.0, 3.0)}
    ArrayInput.check_node(p, H)
    assert isinstance(p["amplitudes"], AmplitudeTable) and p["amplitudes"] == (1.0, 2.0, 3.0)
    np.testing.assert_array_equal(ArrayInput.amplitudes(p, H, 0, 8), [0, 0, 0, 1, 2, 3, 0, 0])
    np.testing.assert_array_equal(ArrayInput.amplitudes(p, H, 4, 2), [2, 3])
    p["stop"] = 0.5   # steps s with s h < stop
    np.testing.assert_array_equal(ArrayInput.amplitudes(p, H, 0, 8), [0, 0, 0, 1, 2, 0, 0, 0])
    p["amplitudes"] = (4.0,)   # as set() stores it: converted on first use
    np.testing.assert_array_equal(ArrayInput.amplitudes(p, H, 2, 3), [0, 4, 0])


def test_array_input_drives_a_neuron_through_the_kernel():
    """Through create/connect/simulate: amplitudes[k] arrives for step start/h + k + delay."""
    sim = spikesim.Simulator(resolution=H)
    n = sim.create("izhikevich2007", 1, {"v": -60.0})
    g = sim.create("array_input", 1, {"amplitudes": [50.0] * 10 + [-30.0] * 10, "start": 1.0})
    sim.connect(g, n, syn_spec={"weight": 2.0, "delay": 0.5})
    mm = sim.create("multimeter", params={"record_from": ["v"], "interval": H})
    sim.connect(mm, n)
    res = sim.simulate(5.0)
    extra = np.zeros(50)
    extra[15:25] = 100.0
    extra[25:35] = -60.0
    v_ref, _ = _izh2007_reference(_izh_defaults(), 50, H, v=-60.0, extra=extra)
    np.testing.assert_allclose(res.trace(mm, "v"), v_ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("value,match", [
    ([[1.0, 2.0]], r"array_input: parameter 'amplitudes' = \(\[1.0, 2.0\],\) is not allowed; it must be a 1-d list "
                   r"of finite numbers"),
    ([1.0, float("nan")], r"array_input: parameter 'amplitudes' = \(1.0, nan\) is not allowed; it must be a 1-d list "
                          r"of finite numbers"),
    (["a"], r"array_input: parameter 'amplitudes' = \('a',\) is not allowed; it must be a 1-d list of finite numbers"),
])
def test_array_input_rejects_bad_amplitudes(value, match):
    sim = spikesim.Simulator(resolution=H)
    with pytest.raises(BadProperty, match=match):
        sim.create("array_input", 1, {"amplitudes": value})


def test_run_inputs_are_exact_with_long_slices_and_runs_ending_mid_slice():
    """min delay 1 ms (10-step slices): runs of 37, 55 and 8 steps start inside slices whose
    generator input is already sent; the first rows then go through the state ``I``."""
    sim = spikesim.Simulator(resolution=H)
    z = sim.create("izhikevich2007", 3, {"v": -60.0, "I_app": 30.0}, label="z")
    sg = sim.create("spike_generator", params={"spike_times": [50.0]})
    sim.connect(sg, z, syn_spec={"weight": 0.0, "delay": 1.0})
    rng = np.random.default_rng(5)
    parts = [rng.normal(40.0, 30.0, (n, 3)) for n in (37, 55, 8)]
    sim.simulate(0.3)
    vs = [run(sim, inputs=x, output=("z", "v")).to_numpy("out") for x in parts]
    extra = np.concatenate([np.zeros((3, 3)), *parts])
    for j in range(3):
        v_ref, spikes = _izh2007_reference({**_izh_defaults(), "I_app": 30.0}, extra.shape[0], H, v=-60.0,
                                           extra=extra[:, j])
        start = np.concatenate([[-60.0], v_ref[:-1]])   # run() samples the state at the start of each step
        np.testing.assert_allclose(np.concatenate(vs)[:, j], start[3:], rtol=0, atol=1e-9)
    assert sim.engine.m == 10
