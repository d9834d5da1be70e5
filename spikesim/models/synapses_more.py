"""More of NEST's spike synapse models: those with a weight shared by the model, the
Hill-Tononi depression and Jonke et al.'s STDP.

``static_synapse_hom_w`` is ``static_synapse`` with one weight for all connections of
the model (set with ``set_defaults``/``copy_model``; a new default reaches existing
connections).  ``tsodyks_synapse_hom`` is ``tsodyks_synapse`` with ``U``, ``tau_psc``,
``tau_fac``, ``tau_rec`` and the weight shared by the model (``x``, ``y``, ``u`` per
connection).  ``jonke_synapse`` is pair-based STDP with an exponential weight
dependence (Jonke et al. 2017), parameters shared by the model.  ``ht_synapse`` is
the synaptic depression of Hill & Tononi (2005): each spike transmits ``weight P``,
then ``P`` drops by the fraction ``delta_P`` and recovers towards 1 with ``tau_P``
(ms).  Their update equations are in :mod:`spikesim.kernel.stp` and
:mod:`spikesim.kernel.stdp_rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spikesim.models.synapses import SynapseModel, TsodyksSynapse, with_variants

_UNIT = "it must be in [0, 1]"


class StaticSynapseHomW(SynapseModel):
    """NEST's ``static_synapse_hom_w``: fixed delay (ms) per connection, one weight (pA,
    mV or nS, as the target takes it) for all connections of the model."""

    name = "static_synapse_hom_w"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0}
    common = ("weight",)


class TsodyksSynapseHom(SynapseModel):
    """NEST's ``tsodyks_synapse_hom``: ``tsodyks_synapse`` whose ``U``, ``tau_psc``,
    ``tau_fac``, ``tau_rec`` (ms) and weight are shared by the model; ``x``, ``y`` and
    ``u`` are per connection."""

    name = "tsodyks_synapse_hom"
    params = dict(TsodyksSynapse.params)
    plastic = True
    per_connection = ("x", "y", "u")
    common = ("weight", "U", "tau_psc", "tau_fac", "tau_rec", "weight_recorder")
    kind = "tsodyks_hom"
    state = {"t_lastspike": 0.0}
    limits = dict(TsodyksSynapse.limits)

    @classmethod
    def check_joint(cls, owner: str, values: Mapping[str, Any]) -> None:
        """``x + y`` must not exceed 1 (where both are given), as for ``tsodyks_synapse``.

        Raises
        ------
        BadProperty
            If ``x + y > 1`` for some connection.
        """
        TsodyksSynapse.check_joint(owner, values)


#: jonke_synapse's parameters, in the rows of the compiled STDP table (STDP_PARAMS, then beta)
JONKE_PARAMS = ("tau_plus", "lambda", "alpha", "mu_plus", "mu_minus", "Wmax", "beta")


class JonkeSynapse(SynapseModel):
    """NEST's ``jonke_synapse``: pair-based STDP with exponential weight dependence
    (Jonke et al. 2017).  Each postsynaptic spike facilitates
    ``w <- min(Wmax, w + lambda (exp(mu_plus w) K+ - beta))``, each presynaptic spike
    depresses ``w <- max(0, w + lambda (-alpha exp(mu_minus w) K- - beta))`` (nothing
    changes when ``lambda`` is 0); ``K+`` decays with ``tau_plus`` (ms), ``K-`` with the
    target's ``tau_minus`` (ms).  Parameters are shared by the model, ``Kplus`` is per
    connection; the whole delay is dendritic."""

    name = "jonke_synapse"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, "tau_plus": 20.0, "lambda": 0.01, "alpha": 1.0,
              "mu_plus": 0.0, "mu_minus": 0.0, "Wmax": 100.0, "beta": 0.0, "Kplus": 0.0, "weight_recorder": None}
    plastic = True
    per_connection = ("Kplus",)
    common = (*JONKE_PARAMS, "weight_recorder")
    kind = "jonke"
    state = {"t_lastspike": 0.0}
    limits = {"Kplus": (0.0, None, True, True, "it must be >= 0")}


class HtSynapse(SynapseModel):
    """NEST's ``ht_synapse``: Hill & Tononi (2005) depression.  A spike at ``t``, ``h`` ms
    after the connection's last (or after t = 0), first lets ``P`` recover,
    ``P <- 1 - (1 - P) exp(-h / tau_P)``, transmits ``weight P``, then depresses
    ``P <- P (1 - delta_P)``.  ``tau_P`` (ms), ``delta_P`` and ``P`` are per connection."""

    name = "ht_synapse"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, "tau_P": 500.0, "delta_P": 0.125, "P": 1.0,
              "weight_recorder": None}
    plastic = True
    per_connection = ("tau_P", "delta_P", "P")
    common = ("weight_recorder",)
    kind = "ht"
    state = {"t_lastspike": 0.0}
    limits = {"tau_P": (0.0, None, False, True, "tau_P > 0 required (ms)"),
              "delta_P": (0.0, 1.0, True, True, "0 <= delta_P <= 1 required"),
              "P": (0.0, 1.0, True, True, "0 <= P <= 1 required")}


#: the models of this module with their ``_hpc`` and ``_lbl`` variants, by name
MORE_SYNAPSE_MODELS: dict[str, type[SynapseModel]] = with_variants(
    (StaticSynapseHomW, TsodyksSynapseHom, JonkeSynapse, HtSynapse))
