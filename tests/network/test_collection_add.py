"""Adding node collections: ascending ids however the operands come."""

from __future__ import annotations

import numpy as np
import pytest

import spikesim
from spikesim.errors import BadParameter


def test_sum_of_collections_is_ascending_either_way_and_refuses_overlap():
    sim = spikesim.Simulator()
    a = sim.create("iaf_psc_delta", 3)
    b = sim.create("iaf_psc_delta", 2)
    np.testing.assert_array_equal((a + b).ids, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal((b + a).ids, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal((a[::2] + a[1:2]).ids, [1, 2, 3])
    np.testing.assert_array_equal((a + a[:0]).ids, [1, 2, 3])
    np.testing.assert_array_equal((a[:0] + b).ids, [4, 5])
    with pytest.raises(BadParameter, match="overlap"):
        a + a[1:]
