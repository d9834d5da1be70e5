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

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from spikesim.errors import bad_property
from spikesim.models.synapses import SynapseModel, TsodyksSynapse, with_variants

if TYPE_CHECKING:
    from spikesim.models.registry import ModelRegistry

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


_LUT0 = [2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 14, 15]
_LUT1 = [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 11, 12, 13]
#: stdp_facetshw_synapse_hom's list-valued shared parameters and their lengths
FACETSHW_LISTS = {"lookuptable_0": 16, "lookuptable_1": 16, "lookuptable_2": 16, "configbit_0": 4,
                  "configbit_1": 4, "reset_pattern": 6}
#: its per-connection columns in the compiled kernel's order (``t_lastspike`` last)
FACETSHW_COLUMNS = ("a_causal", "a_acausal", "a_thresh_th", "a_thresh_tl", "init_flag", "hw_synapse_id",
                    "next_readout_time")


class StdpFacetshwSynapseHom(SynapseModel):
    """NEST's ``stdp_facetshw_synapse_hom``: the FACETS hardware's STDP (Pfeil et al.
    2012), see :mod:`spikesim.kernel.stdp_facetshw`.  Shared by the model: ``tau_plus``
    and ``tau_minus_stdp`` (ms), ``Wmax``, ``weight_per_lut_entry`` (``Wmax / 15`` when
    ``Wmax`` is set), ``no_synapses`` (counted as connections first spike),
    ``synapses_per_driver``, ``driver_readout_time`` (ms), ``readout_cycle_duration``
    (ms, derived), the look-up tables (16 entries in [0, 15]), configuration bits (4)
    and ``reset_pattern`` (6).  Per connection: ``a_causal``, ``a_acausal``,
    ``a_thresh_th``, ``a_thresh_tl``, ``init_flag``, ``next_readout_time`` (ms) and the
    hardware synapse id (NEST's connection key ``synapse_id``; spikesim keeps that name
    for the model's id, so the column is ``hw_synapse_id``)."""

    name = "stdp_facetshw_synapse_hom"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, "a_causal": 0.0, "a_acausal": 0.0,
              "a_thresh_th": 21.835, "a_thresh_tl": 21.835, "init_flag": 0.0, "hw_synapse_id": 0.0,
              "next_readout_time": 0.0, "tau_plus": 20.0, "tau_minus_stdp": 20.0, "Wmax": 100.0,
              "weight_per_lut_entry": 100.0 / 15.0, "no_synapses": 0, "synapses_per_driver": 50,
              "driver_readout_time": 15.0, "readout_cycle_duration": 0.0, "lookuptable_0": _LUT0,
              "lookuptable_1": _LUT1, "lookuptable_2": list(range(16)), "configbit_0": [0, 0, 1, 0],
              "configbit_1": [0, 1, 0, 0], "reset_pattern": [1] * 6, "weight_recorder": None}
    plastic = True
    per_connection = FACETSHW_COLUMNS
    common = ("tau_plus", "tau_minus_stdp", "Wmax", "weight_per_lut_entry", "no_synapses", "synapses_per_driver",
              "driver_readout_time", "readout_cycle_duration", *FACETSHW_LISTS, "weight_recorder")
    #: parameters whose default is a list (checked by check_joint, not as numbers)
    vectors = tuple(FACETSHW_LISTS)
    kind = "facetshw"
    state = {"t_lastspike": 0.0}
    # the readout cycle divides by synapses_per_driver (NEST leaves these unchecked)
    limits = {"synapses_per_driver": (1.0, 2.0**62, True, True, "it must be a whole number >= 1"),
              "no_synapses": (0.0, 2.0**62, True, True, "it must be a whole number >= 0"),
              "driver_readout_time": (0.0, None, True, True, "it must be >= 0 (ms)"),
              "weight_per_lut_entry": (0.0, None, False, True, "it must be > 0"),
              "Wmax": (0.0, None, False, True, "it must be > 0 (the look-up step is Wmax / 15)")}

    @classmethod
    def check_joint(cls, owner: str, values: Mapping[str, Any]) -> None:
        """The lists' lengths and entries, as NEST checks them.

        Raises
        ------
        BadProperty
            If a look-up table has not 16 entries or one outside [0, 15], or a
            configuration (4) or reset (6) list has another length.
        """
        for k, size in FACETSHW_LISTS.items():
            if values.get(k) is None:
                continue
            try:
                v = np.asarray(values[k], dtype=float).ravel()
            except (TypeError, ValueError):
                raise bad_property(owner, k, values[k], f"give a list of {size} integers") from None
            if v.size != size or not np.isfinite(v).all() or (v != np.round(v)).any():
                what = "a look-up table has 2^4 entries" if size == 16 else f"{k} has {size} entries"
                raise bad_property(owner, k, values[k], f"give a list of {size} integers ({what})")
            if size == 16 and ((v < 0) | (v > 15)).any():
                raise bad_property(owner, k, values[k], "look-up table entries must be integers in [0, 15]")
        wmax = values.get("Wmax")
        if wmax is not None and values.get("weight_per_lut_entry") is None and not float(wmax) / 15.0 > 0.0:
            raise bad_property(owner, "Wmax", wmax, "it must be > 0 with Wmax / 15 > 0 (the look-up step)")
        for k in ("no_synapses", "synapses_per_driver"):  # NEST keeps them in C longs
            if values.get(k) is not None and float(values[k]) != round(float(values[k])):
                raise bad_property(owner, k, values[k], "it must be a whole number")

    @classmethod
    def derived(cls, values: dict[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` with what NEST derives from them: ``weight_per_lut_entry`` from a new
        ``Wmax`` (unless given too), ``readout_cycle_duration`` (ms) from ``no_synapses``,
        ``synapses_per_driver`` or ``driver_readout_time``."""
        out = dict(values)
        if "Wmax" in out and "weight_per_lut_entry" not in out:
            out["weight_per_lut_entry"] = float(out["Wmax"]) / 15.0
        if any(k in out for k in ("no_synapses", "synapses_per_driver", "driver_readout_time")):
            m = {**defaults, **out}
            out["readout_cycle_duration"] = math.trunc((m["no_synapses"] - 1.0) / m["synapses_per_driver"] + 1.0) \
                * float(m["driver_readout_time"])
        return out


class ContDelaySynapse(SynapseModel):
    """NEST's ``cont_delay_synapse``: a static synapse whose delay (ms) need not be a
    multiple of the resolution.  A delay set by ``set_defaults`` or on existing
    connections is split as NEST does: ``d / h`` with a fraction gives ``floor(d / h) + 1``
    whole steps and ``delay_offset = h (1 - fraction)`` (ms), which only neurons with
    precise spike times would use; spikesim's grid-based neurons take the spike after the
    whole steps, as NEST's do, and ``delay`` reads back ``steps h - delay_offset``.  A
    delay given to ``connect`` itself is rounded to steps, as NEST does."""

    name = "cont_delay_synapse"
    # delay_offset is no default (NEST's defaults are static_synapse's): connect always gets it
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0}
    per_connection = ("delay_offset",)
    kind = "cont_delay"


def split_delay(d_ms: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """NEST's split of ``cont_delay_synapse`` delays into whole steps and an offset.

    Parameters
    ----------
    d_ms : ndarray
        Delays (ms), each >= ``h``.
    h : float
        The resolution (ms).

    Returns
    -------
    steps : ndarray of int64
        ``d / h`` where it is whole, else its integer part + 1.
    offset : ndarray
        0 where ``d / h`` is whole, else ``h (1 - fraction)`` (ms).
    """
    q = np.asarray(d_ms, dtype=float) / h
    whole = np.trunc(q)
    frac = q - whole  # exact, as C's modf
    steps = np.where(frac == 0.0, whole, whole + 1.0).astype(np.int64)
    return steps, np.where(frac == 0.0, 0.0, h * (1.0 - frac))


def with_continuous_delays(syn_spec: Any, models: ModelRegistry, h: float) -> Any:
    """``syn_spec`` as ``connect`` should take it: a ``cont_delay_synapse`` specification
    without a delay of its own gets the model's default delay (ms) split by
    :func:`split_delay` (NEST sets it on each new connection), one with a delay an offset
    of 0; others are unchanged.

    Parameters
    ----------
    syn_spec : str, dict, list or None
        A ``connect`` synapse specification.
    models : ModelRegistry
        The synapse models and their defaults.
    h : float
        The resolution (ms).
    """
    if isinstance(syn_spec, list):
        return [with_continuous_delays(s, models, h) for s in syn_spec]
    spec = {"synapse_model": syn_spec} if isinstance(syn_spec, str) else syn_spec
    if not isinstance(spec, dict):
        return syn_spec
    name = spec.get("synapse_model", "static_synapse")
    if not models.is_synapse_model(name) or models.synapse_model(name)[0].kind != "cont_delay":
        return syn_spec
    if "delay" in spec:  # rounded to steps by connect, as NEST does
        return {"delay_offset": 0.0, **spec}
    steps, off = split_delay(np.array([float(models.synapse_model(name)[1]["delay"])]), h)
    return {**spec, "delay": float(steps[0]) * h, "delay_offset": float(off[0])}


#: the models of this module with their ``_hpc`` and ``_lbl`` variants, by name
MORE_SYNAPSE_MODELS: dict[str, type[SynapseModel]] = with_variants(
    (StaticSynapseHomW, TsodyksSynapseHom, JonkeSynapse, HtSynapse, StdpFacetshwSynapseHom,
     ContDelaySynapse))
