"""The NEST face reports delays as NEST 3.10 does (values from NEST 3.10 runs of the
same calls under ~/.venvs/nest, 2026-12-01): a synapse model's default delay on the
grid, and min_delay/max_delay that never narrow when delays are set or connections
removed."""

from __future__ import annotations

from spikesim import nest


def test_extremes_keep_when_a_delay_is_set_back_or_a_connection_removed():
    nest.ResetKernel()
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n[0], n[1], syn_spec={"delay": 2.0})
    nest.Connect(n[1], n[0], syn_spec={"delay": 5.0})
    nest.GetConnections(n[0], n[1]).set({"delay": 0.5})
    assert (nest.min_delay, nest.max_delay) == (0.5, 5.0)
    nest.Disconnect(n[1], n[0])
    assert (nest.min_delay, nest.max_delay) == (0.5, 5.0)


def test_default_delay_comes_on_the_grid():
    nest.ResetKernel()
    nest.SetDefaults("static_synapse", {"delay": 1.15})
    assert nest.GetDefaults("static_synapse")["delay"] == 1.2000000000000002
    assert nest.GetDefaults("stdp_synapse")["delay"] == 1.0
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1, "min_delay": 2.1, "max_delay": 12.3})
    nest.resolution = 1.0
    nest.SetDefaults("static_synapse", {"delay": 3.5})
    assert nest.GetDefaults("static_synapse")["delay"] == 4.0
    assert (nest.min_delay, nest.max_delay) == (2.0, 13.0)
