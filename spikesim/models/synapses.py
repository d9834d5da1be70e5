"""Synapse models.

``static_synapse`` has a fixed weight and delay.  Plastic models (issue: STDP) add
their parameters here and a compiled update in the kernel.
"""

from __future__ import annotations

from typing import Any, ClassVar


class SynapseModel:
    name: ClassVar[str] = ""
    params: ClassVar[dict[str, Any]] = {}
    plastic: ClassVar[bool] = False


class StaticSynapse(SynapseModel):
    name = "static_synapse"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0}


SYNAPSE_MODELS: dict[str, type[SynapseModel]] = {StaticSynapse.name: StaticSynapse}
