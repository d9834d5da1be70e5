"""mat2_psc_exp, iaf_tum_2000, pp_psc_delta, gif_psc_exp: defaults, checks, threads,
seeds, checkpoints and closed forms.  The comparison with NEST is in
tests/reference/test_nest_models2.py (and the generic reference tests)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty

H = 0.1
MODELS2 = ("mat2_psc_exp", "iaf_tum_2000", "pp_psc_delta", "gif_psc_exp")

# NEST 3.10's defaults (read from its models/*.cpp; lambda_0 as NEST's get shows it, 1/s)
NEST_DEFAULTS = {
    "mat2_psc_exp": {"E_L": -70.0, "C_m": 100.0, "tau_m": 5.0, "t_ref": 2.0, "I_e": 0.0, "tau_syn_ex": 1.0,
                     "tau_syn_in": 3.0, "tau_1": 10.0, "tau_2": 200.0, "alpha_1": 37.0, "alpha_2": 2.0,
                     "omega": -51.0, "V_m": -70.0, "V_th": -51.0, "V_th_alpha_1": 0.0, "V_th_alpha_2": 0.0},
    "iaf_tum_2000": {"E_L": -70.0, "C_m": 250.0, "tau_m": 10.0, "t_ref": 2.0, "V_th": -55.0, "V_reset": -70.0,
                     "tau_fac": 1000.0, "tau_psc": 2.0, "tau_rec": 400.0, "U": 0.5, "x": 0.0, "y": 0.0,
                     "u": 0.0, "V_m": -70.0},
    "pp_psc_delta": {"tau_m": 10.0, "C_m": 250.0, "dead_time": 1.0, "dead_time_shape": 1, "c_1": 0.0,
                     "c_2": 1.238, "c_3": 0.25, "I_e": 0.0, "t_ref_remaining": 0.0, "V_m": 0.0, "E_sfa": 0.0},
    "gif_psc_exp": {"g_L": 4.0, "E_L": -70.0, "V_reset": -55.0, "Delta_V": 0.5, "V_T_star": -35.0,
                    "lambda_0": 1.0, "t_ref": 4.0, "C_m": 80.0, "tau_syn_ex": 2.0, "tau_syn_in": 2.0,
                    "I_e": 0.0, "V_m": -70.0},
}
RECORDABLES = {"mat2_psc_exp": ["V_m", "V_th"], "iaf_tum_2000": ["V_m", "I_syn_ex", "I_syn_in"],
               "pp_psc_delta": ["V_m", "E_sfa"], "gif_psc_exp": ["V_m", "E_sfa", "I_stc", "I_syn_ex", "I_syn_in"]}


@pytest.mark.parametrize("model", MODELS2)
def test_defaults_and_recordables_as_nest(model):
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create(model)
    assert list(n.get("recordables")[0]) == RECORDABLES[model]
    d = n.get()
    for k, v in NEST_DEFAULTS[model].items():
        assert float(np.asarray(d[k]).ravel()[0]) == v, k


# every one raises in NEST 3.10 too (checked by setting it there and simulating 1 ms)
BAD = [
    ("mat2_psc_exp", "C_m", 0.0), ("mat2_psc_exp", "tau_1", -1.0), ("mat2_psc_exp", "t_ref", 0.0),
    ("mat2_psc_exp", "tau_syn_ex", 5.0), ("mat2_psc_exp", "t_ref", 0.0004),
    ("iaf_tum_2000", "U", 1.5), ("iaf_tum_2000", "tau_fac", -1.0),
    ("iaf_tum_2000", "V_reset", -50.0), ("iaf_tum_2000", "tau_rec", 0.0),
    ("pp_psc_delta", "dead_time", -1.0), ("pp_psc_delta", "dead_time_shape", 0), ("pp_psc_delta", "c_3", -0.1),
    ("pp_psc_delta", "tau_sfa", 0.0), ("pp_psc_delta", "t_ref_remaining", -2.0),
    ("gif_psc_exp", "g_L", 0.0), ("gif_psc_exp", "Delta_V", 0.0), ("gif_psc_exp", "lambda_0", -1.0),
    ("gif_psc_exp", "t_ref", -1.0),
]  # gif_psc_exp's list parameters (tau_stc ...): tests/models/test_gif.py


@pytest.mark.parametrize(("model", "key", "value"), BAD)
def test_nest_checks_name_parameter_and_leave_nodes_unchanged(model, key, value):
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create(model, 2)
    before = n.get()
    with pytest.raises(BadProperty, match=f"'{key}'") as err:
        n.set({key: value})
    assert repr(value) in str(err.value) or repr(float(value)) in str(err.value)
    after = n.get()
    for k, v in before.items():
        np.testing.assert_array_equal(np.asarray(after[k], dtype=object), np.asarray(v, dtype=object), err_msg=k)
    with pytest.raises(BadProperty, match=f"'{key}'"):
        sim.create(model, 1, {key: value})


# NEST accepts these, spikesim refuses them: tau_psc == tau_rec makes NEST's synapse
# propagator 0/0 (NaN x and y after the first spike); delta > 0 is the stochastic threshold
SPIKESIM_ONLY = [("iaf_tum_2000", "tau_psc", 400.0), ("iaf_tum_2000", "delta", 0.5)]


@pytest.mark.parametrize(("model", "key", "value"), SPIKESIM_ONLY)
def test_what_spikesim_cannot_compute_is_refused_clearly(model, key, value):
    test_nest_checks_name_parameter_and_leave_nodes_unchanged(model, key, value)


def _network(threads: int, seed: int = 7, t: float = 300.0) -> dict[str, np.ndarray]:
    """All four models under Poisson drive and a dc current; spikes and samples."""
    sim = spikesim.Simulator(resolution=H, seed=seed, threads=threads)
    pg = sim.create("poisson_generator", params={"rate": 8000.0})
    dc = sim.create("dc_generator", params={"amplitude": 100.0})
    sr = sim.create("spike_recorder")
    out = {}
    params = {"mat2_psc_exp": {"I_e": 150.0}, "iaf_tum_2000": {"I_e": 250.0},
              "pp_psc_delta": {"dead_time": 0.0, "c_1": 1.0, "q_sfa": 2.0},
              "gif_psc_exp": {"V_T_star": -60.0, "q_sfa": [3.0], "tau_sfa": [10.0], "q_stc": [5.0],
                              "tau_stc": [10.0], "lambda_0": 20.0}}
    mms = []
    for model in MODELS2:
        n = sim.create(model, 40, params[model])
        w = 0.4 if model == "pp_psc_delta" else 40.0
        sim.connect(pg, n, syn_spec={"weight": w})
        sim.connect(dc, n)
        sim.connect(n, sr)
        mm = sim.create("multimeter", params={"record_from": RECORDABLES[model], "interval": 1.0})
        sim.connect(mm, n)
        mms.append((model, mm))
    sim.simulate(t)
    ev = sr.get("events")[0]
    out["senders"], out["times"] = ev["senders"], ev["times"]
    for model, mm in mms:
        e = mm.get("events")[0]
        for k in RECORDABLES[model]:
            out[f"{model}_{k}"] = e[k]
    return out


def test_one_and_two_threads_give_identical_results():
    a, b = _network(1), _network(2)
    assert a["senders"].size > 500
    for model in MODELS2:  # every model spikes
        first = {"mat2_psc_exp": 5, "iaf_tum_2000": 45, "pp_psc_delta": 85, "gif_psc_exp": 125}[model]
        assert np.count_nonzero((a["senders"] >= first) & (a["senders"] < first + 40)) > 20, model
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def test_stochastic_models_depend_on_the_seed():
    a, b = _network(1, seed=7, t=100.0), _network(1, seed=8, t=100.0)
    for lo in (85, 125):  # pp_psc_delta, gif_psc_exp
        sa = a["times"][(a["senders"] >= lo) & (a["senders"] < lo + 40)]
        sb = b["times"][(b["senders"] >= lo) & (b["senders"] < lo + 40)]
        assert sa.size > 10 and not np.array_equal(sa, sb)


def test_checkpoint_carries_every_state_variable(tmp_path):
    def build():
        sim = spikesim.Simulator(resolution=H, seed=3)
        pg = sim.create("poisson_generator", params={"rate": 8000.0})
        sr = sim.create("spike_recorder", label="sr")
        for model, p in (("mat2_psc_exp", {"I_e": 150.0}), ("iaf_tum_2000", {"I_e": 250.0}),
                         ("pp_psc_delta", {"dead_time_random": True, "dead_time_shape": 2, "q_sfa": 2.0}),
                         ("gif_psc_exp", {"V_T_star": -60.0, "q_sfa": [3.0], "tau_sfa": [10.0], "q_stc": [5.0],
                                          "tau_stc": [10.0], "lambda_0": 20.0})):
            n = sim.create(model, 10, p, label=model)
            sim.connect(pg, n, syn_spec={"weight": 0.4 if model == "pp_psc_delta" else 40.0})
            sim.connect(n, sr)
        return sim

    whole = build()
    whole.simulate(120.0)
    part = build()
    part.simulate(47.3)
    part.checkpoint(tmp_path / "ck.h5")
    restored = spikesim.Simulator.restore(tmp_path / "ck.h5")
    restored.simulate(72.7)
    for model in MODELS2:
        a, b = whole.nodes(model).get(), restored.nodes(model).get()
        for k in spikesim.models.NODE_MODELS[model].state:
            np.testing.assert_array_equal(np.asarray(a[k]), np.asarray(b[k]), err_msg=f"{model}.{k}")
    ea, eb = whole.nodes("sr").get("events")[0], restored.nodes("sr").get("events")[0]
    assert ea["times"].size > 100
    np.testing.assert_array_equal(ea["times"], eb["times"])
    np.testing.assert_array_equal(ea["senders"], eb["senders"])


def _spikes(model: str, params: dict, t: float, n: int = 1, seed: int = 1) -> np.ndarray:
    sim = spikesim.Simulator(resolution=H, seed=seed)
    nrn = sim.create(model, n, params)
    sr = sim.create("spike_recorder")
    sim.connect(nrn, sr)
    sim.simulate(t)
    return sr.get("events")[0]


def test_mat2_first_spike_of_constant_current_matches_closed_form():
    # V(t) = I tau/C (1 - exp(-t/tau)) above E_L crosses omega - E_L at t* = -tau ln(1 - theta C/(I tau));
    # the spike is stamped at the end of the first step whose V reaches it
    p = {"I_e": 500.0, "tau_m": 5.0, "C_m": 100.0, "omega": -51.0, "E_L": -70.0}
    t_star = -p["tau_m"] * math.log(1.0 - 19.0 * p["C_m"] / (p["I_e"] * p["tau_m"]))
    ev = _spikes("mat2_psc_exp", p, 20.0)
    assert ev["times"][0] == pytest.approx(math.ceil(t_star / H - 1e-9) * H)
    # then the threshold jumps by alpha_1 + alpha_2 = 39 mV: V (at most 25 mV above E_L) stays below
    # it until the short component has decayed by exp(-t/10) to 25 - 19 - 2 = 4 mV, i.e. > 20 ms
    assert ev["times"].size == 1


def test_tum_synapse_state_after_first_spike_matches_tsodyks_formula():
    # before the first spike x = y = u = 0; at a spike after dt ms:
    # x = 1 - exp(-dt/tau_rec) (recovery from z = 1), u = U, then dy = U x moves from x to y
    p = {"I_e": 500.0, "tau_rec": 50.0, "U": 0.4}
    sim = spikesim.Simulator(resolution=H, seed=1)
    n = sim.create("iaf_tum_2000", 1, p)
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    sim.simulate(20.0)  # one spike, near 13.9 ms (V_inf 20 mV above E_L, threshold 15 mV)
    assert sr.get("n_events")[0] == 1
    dt = sr.get("events")[0]["times"][0]
    x0 = -math.expm1(-dt / p["tau_rec"])
    assert float(n.get("u")[0]) == pytest.approx(0.4, abs=1e-15)
    assert float(n.get("y")[0]) == pytest.approx(0.4 * x0, rel=1e-13)
    assert float(n.get("x")[0]) == pytest.approx(0.6 * x0, rel=1e-13)


def test_pp_constant_rate_with_dead_time_matches_renewal_theory():
    # c_1 = c_3 = 0: hazard c_2 outside the dead time d -> mean ISI = d + 1/c_2 (geometric waiting in
    # steps: h / (1 - exp(-c_2 h)) instead of 1/c_2); 200 neurons for 5 s
    c2, d, T, n = 50.0, 5.0, 5000.0, 200
    ev = _spikes("pp_psc_delta", {"c_1": 0.0, "c_2": c2, "c_3": 0.0, "dead_time": d}, T, n=n)
    wait = H / -math.expm1(-c2 * H * 1e-3)
    rate = 1000.0 / (d + wait)
    got = ev["times"].size / n / (T / 1000.0)
    sd = math.sqrt(rate * (1 - rate * d / 1000.0) ** 2 / (n * T / 1000.0))  # renewal count variance
    assert abs(got - rate) < 4 * sd, (got, rate, sd)


def test_pp_without_dead_time_sends_poisson_multiplicities():
    # dead_time = 0: Poisson(c_2 h) spikes per step, sent as one event with that multiplicity
    c2, T, n = 2000.0, 2000.0, 50
    sim = spikesim.Simulator(resolution=H, seed=5)
    nrn = sim.create("pp_psc_delta", n, {"c_1": 0.0, "c_2": c2, "c_3": 0.0, "dead_time": 0.0})
    par = sim.create("parrot_neuron", n)
    sim.connect(nrn, par, "one_to_one")
    sr = sim.create("spike_recorder")
    sim.connect(par, sr)
    sim.simulate(T)
    count = sr.get("events")[0]["times"].size
    mean = c2 * n * T / 1000.0
    assert abs(count - mean) < 4 * math.sqrt(mean), (count, mean)


def test_gif_escape_rate_without_adaptation_matches_closed_form():
    # V held at E_L + I_e/g_L; hazard lambda_0 exp((V - V_T_star)/Delta_V) outside t_ref:
    # mean ISI = t_ref + h / (1 - exp(-lambda h)) (plus the refractory steps spent at V_reset,
    # after which V relaxes back: keep V_reset = V_inf so that V stays put)
    p = {"I_e": 40.0, "g_L": 4.0, "E_L": -70.0, "V_reset": -60.0, "V_T_star": -58.0, "Delta_V": 2.0,
         "lambda_0": 100.0, "t_ref": 3.0}
    sim = spikesim.Simulator(resolution=H, seed=2)
    n = sim.create("gif_psc_exp", 200, dict(p, V_m=-60.0))
    sr = sim.create("spike_recorder")
    sim.connect(n, sr)
    T = 5000.0
    sim.simulate(T)
    lam = p["lambda_0"] * 1e-3 * math.exp((-60.0 - p["V_T_star"]) / p["Delta_V"])
    rate = 1000.0 / (p["t_ref"] + H / -math.expm1(-lam * H))
    got = sr.get("events")[0]["times"].size / 200 / (T / 1000.0)
    sd = math.sqrt(rate / (200 * T / 1000.0))
    assert abs(got - rate) < 4 * sd, (got, rate, sd)
