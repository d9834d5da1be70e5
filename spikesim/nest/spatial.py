"""``nest.spatial``: importable, but spikesim has no spatial networks.

Every name (``free``, ``grid``, ``distance`` ...) raises
:class:`~spikesim.errors.NotImplementedFeature` with a message saying so.
"""

from __future__ import annotations

from typing import Any

from spikesim.errors import NotImplementedFeature

__all__: list[str] = []


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise NotImplementedFeature(f"nest.spatial.{name}: spatial networks (positions, masks, distance-dependent "
                                "parameters) are not supported by spikesim")
