"""Synapse models.

``static_synapse`` has a fixed weight and delay.  ``stdp_synapse`` and
``stdp_synapse_hom`` are NEST's pair-based STDP synapses (Guetig et al. 2003 weight
dependence): the weight changes when a presynaptic spike is delivered, using the
presynaptic trace ``Kplus`` (time constant ``tau_plus``, per synapse) and the
postsynaptic trace ``K-`` (time constant ``tau_minus``, a parameter of the
postsynaptic neuron).  The whole delay counts as dendritic delay.
"""

from __future__ import annotations

from typing import Any, ClassVar


class SynapseModel:
    """Common description of synapse models: ``weight`` (model's unit: pA, mV or nS),
    ``delay`` (ms), ``receptor_type``."""

    name: ClassVar[str] = ""
    params: ClassVar[dict[str, Any]] = {}
    plastic: ClassVar[bool] = False
    #: parameters stored per connection (besides weight, delay, receptor_type)
    per_connection: ClassVar[tuple[str, ...]] = ()
    #: parameters shared by all connections of the model (set with set_defaults/copy_model)
    common: ClassVar[tuple[str, ...]] = ()


class StaticSynapse(SynapseModel):
    """NEST's ``static_synapse``: fixed weight and delay (ms)."""

    name = "static_synapse"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0}


_STDP = {"tau_plus": 20.0, "lambda": 0.01, "alpha": 1.0, "mu_plus": 1.0, "mu_minus": 1.0, "Wmax": 100.0}
#: order of the plasticity parameters in the compiled kernel
STDP_PARAMS = tuple(_STDP)


class StdpSynapse(SynapseModel):
    """NEST's ``stdp_synapse``: pair-based STDP, plasticity parameters per connection
    (``tau_plus`` in ms)."""

    name = "stdp_synapse"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, **_STDP, "Kplus": 0.0, "weight_recorder": None}
    plastic = True
    per_connection = (*STDP_PARAMS, "Kplus")
    common = ("weight_recorder",)


class StdpSynapseHom(SynapseModel):
    """NEST's ``stdp_synapse_hom``: pair-based STDP, plasticity parameters shared by
    the model (``tau_plus`` in ms)."""

    name = "stdp_synapse_hom"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, **_STDP, "Kplus": 0.0, "weight_recorder": None}
    plastic = True
    per_connection = ("Kplus",)
    common = (*STDP_PARAMS, "weight_recorder")


SYNAPSE_MODELS: dict[str, type[SynapseModel]] = {
    c.name: c for c in (StaticSynapse, StdpSynapse, StdpSynapseHom)}
