"""iaf_psc_exp_htum beyond its NEST reference case.

The dynamics are checked against NEST 3.10 by
``tests/data/nest/cases/iaf_psc_exp_htum_drive.json`` (made by
``tools/make_reference_models3.py``, replayed by
``tests/reference/test_nest_deterministic.py``; NEST records ``V_m - E_L`` for this
model, the case stores ``V_m``).  Here: NEST's defaults and recordables
(``tests/data/nest/iaf_psc_exp_htum_defaults.json``, same script), NEST's parameter
checks (as NEST 3.10 gave them when run), the two refractory periods, threads.
"""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadProperty
from tests.models.nest_defaults import assert_nest_defaults

MODEL = "iaf_psc_exp_htum"


def test_defaults_and_recordables_are_nests():
    assert_nest_defaults(MODEL)


@pytest.mark.parametrize("params, key", [({"t_ref_abs": 3.0}, "t_ref_abs"), ({"tau_m": 0.0}, "tau_m"),
                                         ({"V_reset": -50.0}, "V_reset"), ({"t_ref_tot": 0.0}, "t_ref_abs")])
def test_nest_parameter_checks(params, key):
    # NEST 3.10 refuses each of these with a BadProperty (t_ref_tot 0 is below t_ref_abs 2 first)
    sim = spikesim.Simulator(resolution=0.1, seed=1)
    with pytest.raises(BadProperty, match=f"'{key}'"):
        sim.create(MODEL, params=params)
    assert sim.kernel_status()["network_size"] == 0


def _v_m_and_spikes(params: dict[str, float], threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
    sim = spikesim.Simulator(resolution=0.1, seed=1, threads=threads)
    n = sim.create(MODEL, params=params)
    mm = sim.create("multimeter", params={"interval": 0.1, "record_from": ["V_m"]})
    sr = sim.create("spike_recorder")
    sim.connect(mm, n)
    sim.connect(n, sr)
    sim.simulate(60.0)
    return np.asarray(mm.get("events")[0]["V_m"]), np.asarray(sr.get("events")[0]["times"])


def test_membrane_integrates_after_the_absolute_period_but_spikes_only_after_the_total():
    v, spikes = _v_m_and_spikes({"I_e": 2000.0, "t_ref_abs": 1.0, "t_ref_tot": 4.0})
    assert spikes.size >= 3
    isi = np.diff(spikes)
    np.testing.assert_allclose(isi, isi[0])   # regular, and no shorter than the total period
    assert isi[0] >= 4.0
    k = round(spikes[0] / 0.1) - 1            # the sample of the step that spiked: V_m reset
    assert v[k] == -70.0
    assert np.all(v[k + 1:k + 10] == -70.0)   # held during the absolute period (10 steps)
    assert v[k + 11] > -70.0                  # integrating again, though it cannot spike yet
    assert v[k + 11:k + 40].max() > -55.0     # above threshold inside the total period, no spike


def test_two_threads_give_the_same_results():
    one, two = _v_m_and_spikes({"I_e": 800.0, "t_ref_abs": 0.5, "t_ref_tot": 3.0}, 1), \
        _v_m_and_spikes({"I_e": 800.0, "t_ref_abs": 0.5, "t_ref_tot": 3.0}, 2)
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a, b)
