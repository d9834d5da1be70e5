"""volume_transmitter: collects the dopamine spikes of ``stdp_dopamine_synapse`` (NEST 3.10).

The spikes of the neurons connected to a volume transmitter (static synapses; the
weight is not used, a spike counts its multiplicity) are its dopamine spikes, timed
at their arrival (spike time plus the connection's delay, ms).  It gathers them and,
at the end of every ``deliver_interval`` min_delay slices (counted from t = 0), hands
them to every ``stdp_dopamine_synapse`` whose ``volume_transmitter`` it is, which
bring their weights up to that time (:mod:`spikesim.kernel.dopamine`).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from spikesim.errors import bad_property
from spikesim.models.generators import Generator


class VolumeTransmitter(Generator):
    """NEST's ``volume_transmitter``: ``deliver_interval`` (a whole number >= 1 of
    min_delay slices) between two hand-overs of its dopamine spikes."""

    name = "volume_transmitter"
    receives = "dopamine"
    #: NEST's element type of the node
    element_type: ClassVar[str] = "other"
    params: ClassVar[dict[str, Any]] = {"deliver_interval": 1}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's ``deliver_interval`` (slices of min_delay).

        Raises
        ------
        BadProperty
            If it is not a whole number >= 1 (NEST takes 0 and negative numbers and then
            fails when simulating; spikesim refuses them when they are set).
        """
        v = p["deliver_interval"]
        ok = isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) and v >= 1
        if not ok:
            raise bad_property(cls.name, "deliver_interval", v,
                               "it must be a whole number >= 1 (min_delay slices between hand-overs)")
