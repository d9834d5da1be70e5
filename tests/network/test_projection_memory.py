"""What the engine asks of large connection tables, answered a block at a time."""

from __future__ import annotations

import numpy as np
import pytest

from spikesim.network.projection import Projection


def _projection(tgt: list[int]) -> Projection:
    p = Projection("static_synapse", "spike", 10)
    src = np.zeros(len(tgt), dtype=np.int64)
    p.add(src, np.array(tgt, dtype=np.int64), np.ones(1), np.ones(1, dtype=np.int64), np.zeros(1, dtype=np.int64), 10)
    return p


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 22])
def test_shared_target_value_is_the_value_all_targets_have(block):
    per_node = np.array([0, 1, 1, 1, 2, 2, 0, 1, 1, 1], dtype=np.int8)
    assert _projection([1, 2, 3, 7, 8, 9, 2]).shared_target_value(per_node, block) == 1
    assert _projection([4, 5]).shared_target_value(per_node, block) == 2
    # one target among many differs, in the last block however they are cut
    assert _projection([1, 2, 3, 7, 8, 9, 2, 0]).shared_target_value(per_node, block) == -1
    assert _projection([]).shared_target_value(per_node, block) == -1
