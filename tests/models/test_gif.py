"""gif_psc_exp, gif_cond_exp and their multisynapse versions beyond their NEST reference cases.

The dynamics are replayed against NEST 3.10 by ``tests/data/nest/cases/gif_*_drive.json``
(deterministic neurons with two-component stc/sfa lists; made by ``tools/make_reference_gif.py``,
replayed by ``tests/reference/test_nest_deterministic.py``) and the firing statistics in
``tests/models/test_gif_stat.py``.  Here: NEST's defaults (``tests/data/nest/gif_defaults.json``,
same script), NEST's parameter checks and list parameters (every expected value below was
obtained by running the same calls in NEST 3.10), threads, checkpoints and the padding of
lists of different lengths.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty

MODELS = ("gif_psc_exp", "gif_cond_exp", "gif_cond_exp_multisynapse", "gif_psc_exp_multisynapse")
MULTI = "gif_cond_exp_multisynapse"
PSC_MULTI = "gif_psc_exp_multisynapse"
DATA = Path(__file__).resolve().parents[1] / "data" / "nest"
TWO = {"q_stc": [56.7, -6.9], "tau_stc": [57.8, 218.2], "q_sfa": [11.7, 1.8], "tau_sfa": [53.8, 640.0]}
LISTS = ("tau_sfa", "q_sfa", "tau_stc", "q_stc")


@pytest.mark.parametrize("model", MODELS)
def test_defaults_and_recordables_are_nests(model):
    ref = json.loads((DATA / "gif_defaults.json").read_text())[model]
    got = spikesim.Simulator(resolution=0.1, seed=1).create(model).get()
    assert sorted(spikesim.models.NODE_MODELS[model].recordables) == ref.pop("recordables")
    for key, value in ref.items():
        if key == "n_receptors":
            assert len(got["tau_syn"][0]) == value
        elif key in (*LISTS, "tau_syn", "E_rev"):
            assert list(got[key][0]) == value, key
        else:
            assert float(got[key][0]) == value, key


# each refused by NEST 3.10 with BadProperty (its messages: "... must be strictly positive",
# "need to have the same dimensions" ...); NEST accepts t_ref = 0 and lambda_0 = 0
REFUSED = [("g_L", 0.0), ("Delta_V", 0.0), ("C_m", 0.0), ("t_ref", -1.0), ("lambda_0", -1.0),
           ("tau_syn_ex", 0.0), ("tau_syn_in", -1.0)]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(("key", "bad"), REFUSED)
def test_nest_checks_refuse_and_leave_the_neurons_unchanged(model, key, bad):
    if "multisynapse" in model and key.startswith("tau_syn_"):
        pytest.skip("the multisynapse model has the list tau_syn instead")
    n = spikesim.Simulator(resolution=0.1, seed=1).create(model, 2, TWO)
    before = n.get()
    with pytest.raises(BadProperty, match=f"'{key}' = {bad!r}"):
        n.set({key: bad})
    after = n.get()
    for k, v in before.items():
        assert np.array_equal(np.asarray(after[k], dtype=object), np.asarray(v, dtype=object)), k


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(("params", "key"), [
    ({"q_sfa": [10.0, 2.0, 1.0]}, "q_sfa"),                         # tau_sfa has 0 (or 2) entries, q_sfa 3
    ({"q_stc": [10.0, 2.0], "tau_stc": [1.0]}, "q_stc"),
    ({"q_stc": [10.0], "tau_stc": [0.0]}, "tau_stc"),                # "All time constants must be strictly positive."
    ({"q_sfa": [10.0], "tau_sfa": [-1.0]}, "tau_sfa"),
    ({"q_sfa": 10.0, "tau_sfa": 100.0}, "(q|tau)_sfa"),              # NEST: TypeMismatch, a number for a list
])
def test_list_parameters_are_checked_as_nest_does(model, params, key):
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    with pytest.raises(BadProperty, match=f"'{key}'"):
        sim.create(model, 2, params)
    n = sim.create(model, 2, TWO)
    with pytest.raises(BadProperty, match=f"'{key}'"):
        n.set(params)
    for k in LISTS:
        assert [list(x) for x in n.get(k)] == [TWO[k]] * 2


@pytest.mark.parametrize("model", MODELS)
def test_lists_of_several_lengths_per_neuron_as_nest(model):
    # NEST 3.10, same calls: ([10, 2], [1], []); n[0].set -> ([1], [1], []);
    # SetStatus list of dicts -> q_stc ([1, 2, 3], [5], []); n[2].set(q_stc=[1]) refused, unchanged
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    n = sim.create(model, 3, [{"q_sfa": [10.0, 2.0], "tau_sfa": [100.0, 3.0]},
                              {"q_sfa": [1.0], "tau_sfa": [4.0]}, {}])
    assert [list(x) for x in n.get("q_sfa")] == [[10.0, 2.0], [1.0], []]
    assert [list(x) for x in n.get("tau_sfa")] == [[100.0, 3.0], [4.0], []]
    n[0].set({"q_sfa": [1.0], "tau_sfa": [2.0]})
    assert [list(x) for x in n.get("q_sfa")] == [[1.0], [1.0], []]
    n.set([{"q_stc": [1.0, 2.0, 3.0], "tau_stc": [1.0, 2.0, 3.0]}, {"q_stc": [5.0], "tau_stc": [6.0]}, {}])
    assert [list(x) for x in n.get("q_stc")] == [[1.0, 2.0, 3.0], [5.0], []]
    with pytest.raises(BadProperty, match="'q_stc'.*same length"):
        n[2].set({"q_stc": [1.0]})
    assert [list(x) for x in n.get("tau_stc")] == [[1.0, 2.0, 3.0], [6.0], []]
    n.set({"q_stc": [], "tau_stc": []})   # one list for all: the padding goes
    assert [list(x) for x in n.get("q_stc")] == [[], [], []]


def _syn(model: str, sign: int) -> dict:
    """Excitatory (``sign`` 1) or inhibitory (-1) input onto ``model`` (receptors 1 and 2 of
    the multisynapse model, reversal potentials 0 and -85 mV)."""
    if model == MULTI:
        return {"weight": 1.5 if sign > 0 else 1.0, "receptor_type": 1 if sign > 0 else 2}
    if model == PSC_MULTI:
        return {"weight": 25.0 if sign > 0 else -10.0, "receptor_type": 1 if sign > 0 else 2}  # tau_syn 2, 5 ms
    return {"weight": sign * (25.0 if model == "gif_psc_exp" else 1.5)}


def _run(model: str, params, threads: int = 1, t: float = 400.0, n: int = 20, seed: int = 5):
    """A population of ``model`` under Poisson drive and a dc current: spikes and traces."""
    if "multisynapse" in model:
        extra = {"tau_syn": [2.0, 5.0], **({"E_rev": [0.0, -85.0]} if model == MULTI else {})}
        params = [dict(p, **extra) for p in (params if isinstance(params, list) else [params] * n)]
    sim = spikesim.Simulator(resolution=0.1, seed=seed, threads=threads)
    nrn = sim.create(model, n, params)
    pg = sim.create("poisson_generator", params={"rate": 3000.0})
    pg2 = sim.create("poisson_generator", params={"rate": 3000.0})
    dc = sim.create("dc_generator", params={"amplitude": 60.0})
    sr = sim.create("spike_recorder")
    mm = sim.create("multimeter", params={"interval": 0.1, "record_from": ["V_m", "E_sfa", "I_stc"]})
    sim.connect(pg, nrn, syn_spec=_syn(model, 1))
    sim.connect(pg2, nrn, syn_spec=_syn(model, -1))
    sim.connect(dc, nrn)
    sim.connect(nrn, sr)
    sim.connect(mm, nrn)
    sim.simulate(t)
    ev, mv = sr.get("events")[0], mm.get("events")[0]
    return {"senders": ev["senders"], "times": ev["times"], **{f"mm_{k}": np.asarray(mv[k]) for k in mv}}


STOCHASTIC = {**TWO, "Delta_V": 1.4, "V_T_star": -55.0, "lambda_0": 10.0, "I_e": 80.0}


@pytest.mark.parametrize("model", MODELS)
def test_one_and_two_threads_give_identical_results(model):
    a, b = _run(model, STOCHASTIC, 1), _run(model, STOCHASTIC, 2)
    assert np.unique(a["senders"]).size == 20 and a["times"].size > 50   # every neuron fires, at random
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    c = _run(model, STOCHASTIC, 1, seed=6)
    assert not np.array_equal(a["times"], c["times"])   # the spikes do depend on the seed


@pytest.mark.parametrize("model", MODELS)
def test_padded_components_change_nothing(model):
    # a neuron with one sfa component in a population whose other neuron has three:
    # its two padded components stay 0 and add exactly 0, so it runs as alone
    long = {**STOCHASTIC, "q_sfa": [5.0, 2.0, 1.0], "tau_sfa": [5.0, 30.0, 300.0]}
    short = {**STOCHASTIC, "q_sfa": [4.0], "tau_sfa": [20.0]}
    mixed = _run(model, [long, short] * 5, n=10)
    alone = _run(model, short, n=10)
    even = (mixed["senders"] % 2) == 0     # node ids 2, 4 ... have the short list
    assert even.sum() > 20
    np.testing.assert_array_equal(mixed["times"][even], alone["times"][(alone["senders"] % 2) == 0])
    keep_m, keep_a = (mixed["mm_senders"] % 2) == 0, (alone["mm_senders"] % 2) == 0
    for k in ("mm_times", "mm_V_m", "mm_E_sfa", "mm_I_stc"):
        np.testing.assert_array_equal(mixed[k][keep_m], alone[k][keep_a], err_msg=k)


@pytest.mark.parametrize("model", MODELS)
def test_checkpoint_and_restore_mid_run_continue_identically(model, tmp_path):
    def build():
        sim = spikesim.Simulator(resolution=0.1, seed=3)
        n = sim.create(model, 10, STOCHASTIC, label="n")
        pg = sim.create("poisson_generator", params={"rate": 3000.0})
        sim.connect(pg, n, syn_spec=_syn(model, 1))
        sim.connect(n, sim.create("spike_recorder", label="sr"))
        return sim

    whole = build()
    whole.simulate(300.0)
    part = build()
    part.simulate(123.4)
    part.checkpoint(tmp_path / "ck.h5")
    restored = spikesim.Simulator.restore(tmp_path / "ck.h5")
    restored.simulate(176.6)
    a, b = whole.nodes("n").get(), restored.nodes("n").get()
    assert a.keys() == b.keys() and "stc_elem_2" in a and "sfa_elem_2" in a
    for k in a:
        assert np.array_equal(np.asarray(a[k], dtype=object), np.asarray(b[k], dtype=object)), k
    ea, eb = whole.nodes("sr").get("events")[0], restored.nodes("sr").get("events")[0]
    assert ea["times"].size > 50
    np.testing.assert_array_equal(ea["times"], eb["times"])
    np.testing.assert_array_equal(ea["senders"], eb["senders"])


def test_psc_multisynapse_receptor_list_is_checked_as_nest_does():
    # NEST 3.10: "All synaptic time constants must be > 0." and, with a connection onto
    # receptor 2, "the number of ports cannot be reduced"
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    with pytest.raises(BadProperty, match="'tau_syn'"):
        sim.create(PSC_MULTI, 1, {"tau_syn": [1.0, 0.0]})
    n = sim.create(PSC_MULTI, 2, {"tau_syn": [1.0, 2.0]})
    sim.connect(sim.create("spike_generator"), n, syn_spec={"receptor_type": 2})
    with pytest.raises(BadProperty, match="'tau_syn'.*connections"):
        n.set({"tau_syn": [1.0]})


def test_multisynapse_receptor_lists_are_checked_as_nest_does():
    # NEST 3.10 refuses each (BadProperty; the last two IncompatibleReceptorType and, at
    # Simulate, BadProperty "Synaptic weights ... must be non-negative")
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    for params, key in (({"tau_syn": [1.0, 2.0], "E_rev": [0.0]}, "tau_syn"), ({"tau_syn": [1.0, 2.0]}, "tau_syn"),
                        ({"tau_syn": [0.0], "E_rev": [0.0]}, "tau_syn")):
        with pytest.raises(BadProperty, match=f"'{key}'"):
            sim.create(MULTI, 1, params)
    n = sim.create(MULTI, 2, {"tau_syn": [1.0, 2.0], "E_rev": [0.0, -80.0]})
    assert [list(x) for x in n.get("E_rev")] == [[0.0, -80.0]] * 2
    sg = sim.create("spike_generator", params={"spike_times": [1.0]})
    sim.connect(sg, n, syn_spec={"receptor_type": 2})
    with pytest.raises(BadProperty, match="'tau_syn'.*connections"):
        n.set({"tau_syn": [1.0], "E_rev": [0.0]})
    with pytest.raises(Exception, match="receptor_type 0"):
        sim.connect(sg, n, syn_spec={"receptor_type": 0})
    sim.connect(sg, n, syn_spec={"receptor_type": 1, "weight": -1.0})
    with pytest.raises(BadProperty, match="negative weight"):
        sim.simulate(5.0)
