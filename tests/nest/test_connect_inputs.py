"""PyNEST's Connect with lists or arrays of node ids (NEST 3.10's rules, seen in NEST
runs of the same calls): unique ids and a rule other than one_to_one make
NodeCollections (unsorted ones are refused: BadProperty, "Indices must be sorted");
repeated ids, or one_to_one, connect the two arrays pair by pair, which needs equal
lengths and one_to_one (ValueError otherwise)."""

from __future__ import annotations

import numpy as np
import pytest

from spikesim import nest


def test_arrays_with_repeats_connect_pair_by_pair_in_order() -> None:
    nest.ResetKernel()
    nest.Create("iaf_psc_alpha", 5)
    nest.Connect((5, 3, 3), (1, 1, 2), "one_to_one")
    c = nest.GetConnections()
    assert sorted(zip(c.source, c.target, strict=True)) == [(3, 1), (3, 2), (5, 1)]


@pytest.mark.parametrize("pre", [[3, 1, 2], np.array([3, 1, 2])])
def test_unsorted_unique_ids_are_refused_for_all_to_all(pre: object) -> None:
    nest.ResetKernel()
    nest.Create("iaf_psc_alpha", 5)
    with pytest.raises(nest.NESTErrors.BadProperty):
        nest.Connect(pre, [4, 5], "all_to_all")
    assert nest.num_connections == 0


@pytest.mark.parametrize(("pre", "post", "rule"), [([1, 1, 2], [4, 5, 4], "all_to_all"),
                                                   ([1, 1, 2], [4, 5], "one_to_one")])
def test_bad_arrays_are_a_value_error(pre: list[int], post: list[int], rule: str) -> None:
    nest.ResetKernel()
    nest.Create("iaf_psc_alpha", 5)
    with pytest.raises(ValueError, match="Connect"):
        nest.Connect(pre, post, rule)
    assert nest.num_connections == 0
