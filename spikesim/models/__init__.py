"""Neuron, device and synapse models, registered by their NEST names."""

from __future__ import annotations

import sys
import types

from spikesim.models.aeif_cond_alpha import AeifCondAlpha
from spikesim.models.aeif_cond_alpha_multisynapse import AeifCondAlphaMultisynapse
from spikesim.models.aeif_cond_beta_multisynapse import AeifCondBetaMultisynapse
from spikesim.models.aeif_cond_exp import AeifCondExp
from spikesim.models.aeif_psc_alpha import AeifPscAlpha
from spikesim.models.aeif_psc_delta import AeifPscDelta
from spikesim.models.aeif_psc_exp import AeifPscExp
from spikesim.models.amat2_psc_exp import Amat2PscExp
from spikesim.models.array_input import ArrayInput
from spikesim.models.base import Model, NeuronModel
from spikesim.models.dopamine_synapse import StdpDopamineSynapse
from spikesim.models.gamma_mip_generators import GammaSupGenerator, MipGenerator
from spikesim.models.generators import (
    AcGenerator,
    DcGenerator,
    PoissonGenerator,
    SpikeGenerator,
    StepCurrentGenerator,
)
from spikesim.models.gif_cond_exp import GifCondExp
from spikesim.models.gif_cond_exp_multisynapse import GifCondExpMultisynapse
from spikesim.models.gif_psc_exp import GifPscExp
from spikesim.models.gif_psc_exp_multisynapse import GifPscExpMultisynapse
from spikesim.models.glif_cond import GlifCond
from spikesim.models.glif_psc import GlifPsc
from spikesim.models.glif_psc_double_alpha import GlifPscDoubleAlpha
from spikesim.models.hh_cond_exp_traub import HhCondExpTraub
from spikesim.models.hh_psc_alpha import HhPscAlpha
from spikesim.models.iaf_chxk_2008 import IafChxk2008
from spikesim.models.iaf_cond_alpha import IafCondAlpha
from spikesim.models.iaf_cond_beta import IafCondBeta
from spikesim.models.iaf_cond_exp import IafCondExp
from spikesim.models.iaf_cond_exp_sfa_rr import IafCondExpSfaRr
from spikesim.models.iaf_psc_alpha import IafPscAlpha
from spikesim.models.iaf_psc_alpha_multisynapse import IafPscAlphaMultisynapse
from spikesim.models.iaf_psc_delta import IafPscDelta
from spikesim.models.iaf_psc_exp import IafPscExp
from spikesim.models.iaf_psc_exp_htum import IafPscExpHtum
from spikesim.models.iaf_psc_exp_multisynapse import IafPscExpMultisynapse
from spikesim.models.iaf_tum_2000 import IafTum2000
from spikesim.models.ignore_and_fire import IgnoreAndFire
from spikesim.models.izhikevich import Izhikevich
from spikesim.models.izhikevich2007 import Izhikevich2007
from spikesim.models.mat2_psc_exp import Mat2PscExp
from spikesim.models.noise_generator import NoiseGenerator
from spikesim.models.parrot_neuron import ParrotNeuron
from spikesim.models.poisson_generators import InhomogeneousPoissonGenerator, SinusoidalPoissonGenerator
from spikesim.models.pp_psc_delta import PpPscDelta
from spikesim.models.ppd_sup_generator import PpdSupGenerator
from spikesim.models.pulsepacket_generator import PulsepacketGenerator
from spikesim.models.qif import Qif
from spikesim.models.recorders import (
    CorrelationDetectorModel,
    CorrelomatrixDetectorModel,
    DetectorModel,
    MultimeterModel,
    RecorderModel,
    SpikeRecorderModel,
    SpinDetectorModel,
    VoltmeterModel,
    WeightRecorderModel,
)
from spikesim.models.sinusoidal_gamma_generator import SinusoidalGammaGenerator
from spikesim.models.synapses import SYNAPSE_MODELS, StaticSynapse, SynapseModel, with_variants
from spikesim.models.synapses_more import MORE_SYNAPSE_MODELS
from spikesim.models.volume_transmitter import VolumeTransmitter

SYNAPSE_MODELS.update(MORE_SYNAPSE_MODELS)

NODE_MODELS: dict[str, type[Model]] = {}


def register(cls: type[Model]) -> type[Model]:
    """Make a node model available by its name."""
    NODE_MODELS[cls.name] = cls
    return cls


for _cls in (IafPscDelta, IafPscExp, IafPscAlpha, IafCondExp, IafCondAlpha, Izhikevich, Izhikevich2007, Qif,
             ParrotNeuron, SpikeGenerator, PoissonGenerator, DcGenerator, StepCurrentGenerator, ArrayInput,
             SpikeRecorderModel, MultimeterModel, VoltmeterModel, WeightRecorderModel):
    register(_cls)
register(Mat2PscExp)
register(CorrelationDetectorModel)
register(CorrelomatrixDetectorModel)
register(SpinDetectorModel)
register(IafTum2000)
register(PpPscDelta)
register(GifPscExp)
register(GifCondExp)
register(GifCondExpMultisynapse)
register(GifPscExpMultisynapse)
register(AeifCondAlpha)
register(AeifCondExp)
register(AeifPscAlpha)
register(AeifPscExp)
register(AeifPscDelta)
register(IafCondBeta)
register(HhCondExpTraub)
register(IafPscExpHtum)
register(IafCondExpSfaRr)
register(HhPscAlpha)
register(AcGenerator)
register(NoiseGenerator)
register(SinusoidalPoissonGenerator)
register(InhomogeneousPoissonGenerator)
register(PulsepacketGenerator)
register(IafPscExpMultisynapse)
register(IafPscAlphaMultisynapse)
register(GammaSupGenerator)
register(MipGenerator)
register(AeifCondAlphaMultisynapse)
register(AeifCondBetaMultisynapse)
register(VolumeTransmitter)
register(SinusoidalGammaGenerator)
register(PpdSupGenerator)
register(IgnoreAndFire)
register(Amat2PscExp)
register(GlifPsc)
register(GlifCond)
register(GlifPscDoubleAlpha)
register(IafChxk2008)
SYNAPSE_MODELS.update(with_variants([StdpDopamineSynapse]))


def models() -> list[str]:
    """Names of all node and synapse models."""
    return sorted(NODE_MODELS) + sorted(SYNAPSE_MODELS)


class _CallablePackage(types.ModuleType):
    """This package, callable: ``spikesim.models()`` lists the models (the README's
    call) while ``spikesim.models.iaf_psc_alpha`` stays the module it is."""

    def __call__(self) -> list[str]:
        return models()


sys.modules[__name__].__class__ = _CallablePackage


__all__ = ["NODE_MODELS", "SYNAPSE_MODELS", "Model", "NeuronModel", "SynapseModel", "StaticSynapse",
           "models", "register", "RecorderModel", "SpikeRecorderModel", "MultimeterModel",
           "VoltmeterModel", "WeightRecorderModel", "DetectorModel", "CorrelationDetectorModel",
           "CorrelomatrixDetectorModel", "SpinDetectorModel"]
