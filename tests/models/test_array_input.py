"""array_input's vectorised per-slice currents equal its per-node definition."""

from __future__ import annotations

import numpy as np

from spikesim.models.array_input import AmplitudeTable, ArrayInput


def test_amplitudes_many_equals_amplitudes_per_node():
    rng = np.random.default_rng(0)
    nodes = [{"origin": 0.0, "start": float(rng.integers(0, 5)) * 0.1, "stop": float(rng.choice([np.inf, 1.5])),
              "amplitudes": AmplitudeTable(rng.random(int(rng.integers(1, 30))))} for _ in range(7)]
    prepared = ArrayInput.prepare_many(nodes, 0.1)
    for s0 in range(0, 40, 3):
        many = ArrayInput.amplitudes_many(prepared, 0.1, s0, 3)
        each = np.stack([ArrayInput.amplitudes(p, 0.1, s0, 3) for p in nodes], axis=1)
        np.testing.assert_array_equal(many, each)
    assert np.count_nonzero(ArrayInput.amplitudes_many(prepared, 0.1, 0, 40)) > 20
