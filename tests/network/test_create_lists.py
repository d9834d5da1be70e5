"""List-valued parameters in Create: one value per node, also for a single node (values from NEST 3.10).

NEST's CampbellSiegert example creates ``poisson_generator`` with ``{"rate": [10000.0]}``
for one node; spikesim crashed there with a TypeError before.
"""

from __future__ import annotations

import numpy as np

import spikesim.nest as nest


def test_one_value_per_node_lists_for_one_and_several_nodes() -> None:
    nest.ResetKernel()
    pg = nest.Create("poisson_generator", 1, {"rate": [10000.0]})
    assert pg.get("rate") == 10000.0  # NEST 3.10: 10000.0
    dc = nest.Create("dc_generator", 2, {"amplitude": [1.0, 2.0]})
    assert tuple(dc.get("amplitude")) == (1.0, 2.0)  # NEST 3.10: (1.0, 2.0)
    n = nest.Create("iaf_psc_alpha", 1, {"I_e": [5.0]})
    assert n.get("I_e") == 5.0


def test_list_valued_parameters_stay_lists() -> None:
    nest.ResetKernel()
    sg = nest.Create("spike_generator", 1, {"spike_times": [1.0]})
    np.testing.assert_array_equal(sg.get("spike_times"), [1.0])  # NEST 3.10: [1.]
    sg2 = nest.Create("spike_generator", 2, {"spike_times": [1.0, 2.0]})
    for times in sg2.get("spike_times"):  # NEST 3.10: both [1., 2.]
        np.testing.assert_array_equal(times, [1.0, 2.0])
