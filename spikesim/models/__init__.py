"""Neuron, device and synapse models, registered by their NEST names."""

from __future__ import annotations

from ..recording.devices import MultimeterModel, SpikeRecorderModel, VoltmeterModel
from .base import Model, NeuronModel
from .generators import DcGenerator, PoissonGenerator, SpikeGenerator, StepCurrentGenerator
from .iaf_psc_delta import IafPscDelta
from .parrot_neuron import ParrotNeuron
from .synapses import SYNAPSE_MODELS, StaticSynapse, SynapseModel

NODE_MODELS: dict[str, type[Model]] = {}


def register(cls: type[Model]) -> type[Model]:
    """Make a node model available by its name."""
    NODE_MODELS[cls.name] = cls
    return cls


for _cls in (IafPscDelta, ParrotNeuron, SpikeGenerator, PoissonGenerator, DcGenerator,
             StepCurrentGenerator, SpikeRecorderModel, MultimeterModel, VoltmeterModel):
    register(_cls)


def _optional() -> None:
    # models written in their own modules register themselves here once present
    import importlib
    for mod in ("iaf_psc_exp", "iaf_psc_alpha", "iaf_cond_exp", "iaf_cond_alpha", "izhikevich",
                "izhikevich2007", "qif"):
        try:
            m = importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{mod}":
                raise
            continue
        for obj in vars(m).values():
            if isinstance(obj, type) and issubclass(obj, Model) and obj.name and obj.__module__ == m.__name__:
                register(obj)


_optional()


def models() -> list[str]:
    """Names of all node and synapse models."""
    return sorted(NODE_MODELS) + sorted(SYNAPSE_MODELS)


__all__ = ["NODE_MODELS", "SYNAPSE_MODELS", "Model", "NeuronModel", "SynapseModel", "StaticSynapse",
           "models", "register"]
