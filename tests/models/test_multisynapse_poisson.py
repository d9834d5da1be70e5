"""Poisson drive onto random receptors of iaf_psc_exp_multisynapse (issue #16).

The input of NEST's ``brunel_exp_multisynapse_nest.py``: Poisson trains whose receptor is
drawn per connection by ``uniform_int(max=99) + 1`` onto neurons with 100 receptors,
``tau_syn = 0.1 + 0.01 (r - 1)`` ms.  With the threshold out of reach the membrane is a
linear filter of the input counts, so the mean and variance of each neuron's free
``V_m`` follow from its own receptors (derivation in :func:`_moments`); the test checks
the simulated time averages against them within 4 standard errors estimated from the
spread over neurons.  A wrong receptor channel, a lost or doubled train, a wrong
Poisson count distribution or propagator would show here.
"""

from __future__ import annotations

import numpy as np

import spikesim
from spikesim.network.parameters import uniform_int

H = 0.1                       # ms
TAU_M, C_M = 20.0, 1.0        # ms, pF
TAU_SYN = 0.1 + 0.01 * np.arange(100)  # ms, receptor r has TAU_SYN[r - 1]
RATES = (20000.0, 8000.0, 2000.0)      # spikes/s of the three drives
WEIGHTS = (0.1, 0.1, -0.5)             # pA
N = 300
T_START, T_END = 200.0, 2200.0         # ms; 10 tau_m of warm-up


def _moments(rcpt: np.ndarray, rate: float, w: float) -> tuple[np.ndarray, np.ndarray]:
    """Stationary mean (mV) and variance (mV^2) of V_m from one Poisson train per entry of ``rcpt``.

    One step: ``V <- P22 V + P21 I`` (the current before this step's input), then
    ``I <- P11 I + w k`` with ``k`` ~ Poisson(``lam = rate h``), independent per step.
    A single count at step 0 thus gives ``V`` at step ``m >= 1`` the response
    ``g_m = P21 sum_{j<m} P22^(m-1-j) P11^j`` (``g_0 = 0``), so
    ``E[V] = w lam sum g_m = w lam P21 / ((1 - P11)(1 - P22))`` and
    ``Var[V] = w^2 lam sum g_m^2`` (shot noise).  ``P21`` is the exact solution of
    ``C dV/dt = -C V/tau_m + I`` for ``I`` decaying with ``tau_syn`` over one step:
    ``tau_s tau_m / (C (tau_m - tau_s)) (exp(-h/tau_m) - exp(-h/tau_s))``.
    """
    lam = rate * H * 1e-3
    ts = TAU_SYN[rcpt - 1]
    p11, p22 = np.exp(-H / ts), np.exp(-H / TAU_M)
    p21 = ts * TAU_M / (C_M * (TAU_M - ts)) * (np.exp(-H / TAU_M) - np.exp(-H / ts))
    m = np.arange(1, 3000)[:, None]    # 3000 steps: P22^3000 = exp(-15)
    g = p21 * (p22 ** m - p11 ** m) / (p22 - p11)  # the geometric sum in closed form
    return w * lam * g.sum(axis=0), w * w * lam * (g * g).sum(axis=0)


def test_free_membrane_moments_under_poisson_drive_on_random_receptors():
    sim = spikesim.Simulator(resolution=H, seed=16)
    n = sim.create("iaf_psc_exp_multisynapse", N, params={
        "C_m": C_M, "tau_m": TAU_M, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": 1e9,
        "tau_syn": TAU_SYN.tolist()})
    gens = sim.create("poisson_generator", 3, params=[{"rate": r} for r in RATES])
    for g, w in zip(gens, WEIGHTS, strict=True):
        sim.connect(g, n, syn_spec={"weight": w, "delay": 1.5, "receptor_type": uniform_int(99) + 1})
    mm = sim.create("multimeter", params={"record_from": ["V_m"], "interval": 1.0, "start": T_START,
                                          "stop": T_END})
    sim.connect(mm, n)
    sim.simulate(T_END)

    first = int(n.ids[0])
    mean, var = np.zeros(N), np.zeros(N)
    rcpt_all = []
    for g, rate, w in zip(gens, RATES, WEIGHTS, strict=True):
        conns = sim.get_connections(g, n)
        tgt = np.asarray(conns.get("target")) - first
        rcpt = np.asarray(conns.get("receptor"))
        assert np.array_equal(np.sort(tgt), np.arange(N))  # one train per neuron and drive
        m_c, v_c = _moments(rcpt, rate, w)
        np.add.at(mean, tgt, m_c)
        np.add.at(var, tgt, v_c)
        rcpt_all.append(rcpt)
    rcpt = np.concatenate(rcpt_all)
    # NEST's uniform_int(max) draws from [0, max): receptors 1 .. 99, never 100
    assert rcpt.min() == 1 and rcpt.max() == 99

    ev = mm.get("events")[0]
    who = np.asarray(ev["senders"]) - first
    v = np.asarray(ev["V_m"], dtype=float)
    count = np.bincount(who, minlength=N)
    assert np.all(count == count[0]) and count[0] >= 1900
    resid = np.bincount(who, weights=v, minlength=N) / count - mean      # mV
    ratio = np.bincount(who, weights=(v - mean[who]) ** 2, minlength=N) / count / var
    se_mean = resid.std(ddof=1) / np.sqrt(N)
    se_ratio = ratio.std(ddof=1) / np.sqrt(N)
    # the standard errors make the check sharp: an offset of one receptor (0.01 ms of
    # tau_syn, about 2% of the mean) is far outside them
    assert se_mean < 0.1 and se_ratio < 0.01
    assert abs(resid.mean()) < 4 * se_mean, (resid.mean(), se_mean, mean.mean())
    assert abs(ratio.mean() - 1.0) < 4 * se_ratio, (ratio.mean(), se_ratio)
