"""Neuron, device and synapse models, registered by their NEST names."""

from __future__ import annotations

from ..recording.devices import MultimeterModel, SpikeRecorderModel, VoltmeterModel
from ..recording.weight_recorder import WeightRecorderModel
from .array_input import ArrayInput
from .base import Model, NeuronModel
from .generators import DcGenerator, PoissonGenerator, SpikeGenerator, StepCurrentGenerator
from .iaf_cond_alpha import IafCondAlpha
from .iaf_cond_exp import IafCondExp
from .iaf_psc_alpha import IafPscAlpha
from .iaf_psc_delta import IafPscDelta
from .iaf_psc_exp import IafPscExp
from .izhikevich import Izhikevich
from .izhikevich2007 import Izhikevich2007
from .parrot_neuron import ParrotNeuron
from .qif import Qif
from .synapses import SYNAPSE_MODELS, StaticSynapse, SynapseModel

NODE_MODELS: dict[str, type[Model]] = {}


def register(cls: type[Model]) -> type[Model]:
    """Make a node model available by its name."""
    NODE_MODELS[cls.name] = cls
    return cls


for _cls in (IafPscDelta, IafPscExp, IafPscAlpha, IafCondExp, IafCondAlpha, Izhikevich, Izhikevich2007, Qif,
             ParrotNeuron, SpikeGenerator, PoissonGenerator, DcGenerator, StepCurrentGenerator, ArrayInput,
             SpikeRecorderModel, MultimeterModel, VoltmeterModel, WeightRecorderModel):
    register(_cls)


def models() -> list[str]:
    """Names of all node and synapse models."""
    return sorted(NODE_MODELS) + sorted(SYNAPSE_MODELS)


__all__ = ["NODE_MODELS", "SYNAPSE_MODELS", "Model", "NeuronModel", "SynapseModel", "StaticSynapse",
           "models", "register"]
