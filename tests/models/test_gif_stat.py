"""The escape noise of gif_psc_exp, gif_cond_exp and their multisynapse versions against NEST
3.10, held to the standard error.

Cases ``gif_psc_exp_two_stat``, ``gif_cond_exp_stat``, ``gif_*_multisynapse_stat`` (made by
``tools/make_reference_gif.py``): 50 neurons with two stc and two sfa components
(``q_stc`` [56.7, -6.9] pA, ``tau_stc`` [57.8, 218.2] ms, ``q_sfa`` [11.7, 1.8] mV,
``tau_sfa`` [53.8, 640] ms), ``Delta_V`` 1.4 mV, ``lambda_0`` 10/s, ``I_e`` 120 pA and
Poisson drive of 2000 spikes/s, 2 s, over the same 20 seeds as NEST.  NEST's means
(std over seeds): gif_psc_exp rate 16.948 (0.034) spikes/s, Fano factor 0.0064 (0.0013),
CV 0.1859 (0.0013); gif_cond_exp rate 19.814 (0.037) spikes/s, Fano 0.0071 (0.0011), CV
0.2432 (0.0016); gif_cond_exp_multisynapse (receptors tau_syn [2, 5] ms, E_rev [0, -85] mV,
drive 1.5 and 0.5 nS from two generators) rate 10.771 (0.057) spikes/s, Fano
0.0297 (0.0063), CV 0.3633 (0.0078); gif_psc_exp_multisynapse (tau_syn [2, 5] ms, drive 20
and -10 pA) rate 6.163 (0.044) spikes/s, Fano 0.0576 (0.0124), CV 0.304 (0.0117).
spikesim's mean must lie within 3 standard errors of a difference,
``3 sqrt(s_nest^2 / n + s_spikesim^2 / n)``, of NEST's (the draws differ, the
distributions must not).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.reference import stats

pytestmark = [pytest.mark.reference, pytest.mark.slow]


@pytest.mark.parametrize("name", ["gif_psc_exp_two_stat", "gif_cond_exp_stat", "gif_cond_exp_multisynapse_stat",
                                  "gif_psc_exp_multisynapse_stat"])
def test_mean_within_three_standard_errors_of_nest(name):
    case, values = stats.run_seeds(name)
    n = len(case["expected"]["seeds"])
    assert n == 20
    for measure, vals in values.items():
        ref = case["expected"]["statistics"][measure]
        se = math.sqrt(ref["std"] ** 2 / n + float(np.var(vals, ddof=1)) / n)
        got = float(np.mean(vals))
        print(f"{name} {measure}: spikesim {got:.5g} (std {np.std(vals, ddof=1):.3g}), NEST {ref['mean']:.5g} "
              f"(std {ref['std']:.3g}), 3 SE {3 * se:.3g}")
        assert abs(got - ref["mean"]) <= 3 * se, f"{measure}: spikesim {got:.5g}, NEST {ref['mean']:.5g} ± 3 × {se:.3g}"
