"""Synapse models.

``static_synapse`` has a fixed weight and delay.  ``stdp_synapse`` and
``stdp_synapse_hom`` are NEST's pair-based STDP synapses (Guetig et al. 2003 weight
dependence): the weight changes when a presynaptic spike is delivered, using the
presynaptic trace ``Kplus`` (time constant ``tau_plus``, per synapse) and the
postsynaptic trace ``K-`` (time constant ``tau_minus``, a parameter of the
postsynaptic neuron).  The whole delay counts as dendritic delay.
``stdp_pl_synapse_hom`` is the same algorithm with the power-law weight dependence
of Morrison et al. (2007).  ``tsodyks_synapse`` and ``tsodyks2_synapse`` are NEST's
short-term plasticity synapses (``quantal_stp_synapse`` with stochastic release),
``bernoulli_synapse`` transmits each spike with a probability; their update equations are in :mod:`spikesim.kernel.stp`.
``stdp_triplet_synapse`` is NEST's triplet STDP rule (Pfister & Gerstner 2006);
``stdp_nn_symm_synapse``, ``stdp_nn_pre_centered_synapse`` and ``stdp_nn_restr_synapse``
its nearest-neighbour pairings of ``stdp_synapse`` (Morrison et al. 2008);
``vogels_sprekeler_synapse`` the inhibitory STDP of Vogels et al. (2011).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import numpy as np

from spikesim.errors import bad_property


def _check_weight_sign(owner: str, values: Mapping[str, Any], signbits: bool = False) -> None:
    """Raise BadProperty naming the first ``weight`` whose sign differs from ``Wmax``'s
    (0 counts as positive; with ``signbits``, NEST's test of vogels_sprekeler_synapse,
    a weight of 0 passes and the sign bits are compared), where both are given as
    numbers (random weights, drawn later, and arrays of other shapes are not checked here)."""
    if values.get("weight") is None or values.get("Wmax") is None:
        return
    try:
        w, wmax = np.broadcast_arrays(np.asarray(values["weight"], dtype=float).ravel(),
                                      np.asarray(values["Wmax"], dtype=float).ravel())
    except (TypeError, ValueError):
        return
    bad = (w != 0) & (np.signbit(w) != np.signbit(wmax)) if signbits else (w >= 0) != (wmax >= 0)
    if bad.any():
        m = float(wmax[bad][0])
        raise bad_property(owner, "weight", float(w[bad][0]), f"a nonzero weight must have the sign of Wmax ({m})"
                           if signbits else f"weight and Wmax ({m}) must have the same sign")


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
    #: which compiled delivery the connections take (plastic models)
    kind: ClassVar[str] = "static"
    #: per-connection state columns not set by the user, with their initial values
    state: ClassVar[dict[str, float]] = {}
    #: NEST's ``set_status`` checks: parameter -> (lowest, highest, lowest included,
    #: highest included, what is allowed); None for an open end
    limits: ClassVar[dict[str, tuple[float | None, float | None, bool, bool, str]]] = {}

    @classmethod
    def check(cls, owner: str, values: Mapping[str, Any]) -> None:
        """Check parameter values (scalars or one per connection) against NEST's limits.

        Parameters
        ----------
        owner : str
            Who asks (named in the message), e.g. the model name.
        values : mapping
            Parameter name -> value(s), in the model's units (ms for time constants).

        Raises
        ------
        BadProperty
            Naming the first parameter out of its range, the value and the range.
        """
        for k, (lo, hi, lo_in, hi_in, allowed) in cls.limits.items():
            if k not in values or values[k] is None:
                continue
            v = np.asarray(values[k], dtype=float).ravel()
            bad = np.zeros(v.shape, dtype=bool)
            if lo is not None:
                bad |= (v < lo) if lo_in else (v <= lo)
            if hi is not None:
                bad |= (v > hi) if hi_in else (v >= hi)
            if bad.any():
                raise bad_property(owner, k, float(v[bad][0]), allowed)
        cls.check_joint(owner, values)

    @classmethod
    def check_joint(cls, owner: str, values: Mapping[str, Any]) -> None:
        """Checks that involve several parameters (none by default).

        Raises
        ------
        BadProperty
            In subclasses, when the combination is not allowed.
        """

    @classmethod
    def check_connect(cls, owner: str, spec: Mapping[str, Any]) -> None:
        """Checks of a connect call's synapse specification merged with the model's
        defaults (none by default).

        Raises
        ------
        BadProperty
            In subclasses, when the model cannot make connections with these values.
        """


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
    kind = "stdp"
    state = {"t_lastspike": 0.0}
    limits = {"Kplus": (0.0, None, True, True, "it must be >= 0")}

    @classmethod
    def check_joint(cls, owner: str, values: Mapping[str, Any]) -> None:
        """``weight`` and ``Wmax`` must have the same sign (0 counts as positive), as
        NEST's ``stdp_synapse`` requires; checked where both are given.

        Raises
        ------
        BadProperty
            Naming the first weight whose sign differs from ``Wmax``'s.
        """
        _check_weight_sign(owner, values)


class StdpSynapseHom(SynapseModel):
    """NEST's ``stdp_synapse_hom``: pair-based STDP, plasticity parameters shared by
    the model (``tau_plus`` in ms)."""

    name = "stdp_synapse_hom"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, **_STDP, "Kplus": 0.0, "weight_recorder": None}
    plastic = True
    per_connection = ("Kplus",)
    common = (*STDP_PARAMS, "weight_recorder")
    kind = "stdp"
    state = {"t_lastspike": 0.0}
    limits = {"Kplus": (0.0, None, True, True, "it must be >= 0")}


class StdpPlSynapseHom(SynapseModel):
    """NEST's ``stdp_pl_synapse_hom``: pair-based STDP with power-law potentiation
    ``w <- w + lambda w^mu K+`` and multiplicative depression
    ``w <- max(0, w - alpha lambda w K-)``; parameters shared by the model
    (``tau_plus`` in ms)."""

    name = "stdp_pl_synapse_hom"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, "tau_plus": 20.0, "lambda": 0.1, "alpha": 1.0,
              "mu": 0.4, "Kplus": 0.0, "weight_recorder": None}
    plastic = True
    per_connection = ("Kplus",)
    common = ("tau_plus", "lambda", "alpha", "mu", "weight_recorder")
    kind = "stdp_pl"
    state = {"t_lastspike": 0.0}
    limits = {"tau_plus": (0.0, None, False, True, "it must be > 0 (ms)"),
              "Kplus": (0.0, None, True, True, "it must be >= 0")}


class _StdpNearest(SynapseModel):
    """What NEST's three nearest-neighbour STDP synapses share: the parameters of
    ``stdp_synapse`` per connection (``tau_plus`` in ms), its weight dependence, and
    depression by the trace of the target's last spike alone (``exp(-dt / tau_minus)``)."""

    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, **_STDP, "weight_recorder": None}
    plastic = True
    per_connection = STDP_PARAMS
    common = ("weight_recorder",)
    state = {"t_lastspike": 0.0}

    @classmethod
    def check_joint(cls, owner: str, values: Mapping[str, Any]) -> None:
        """``weight`` and ``Wmax`` must have the same sign (0 counts as positive), where both are given.

        Raises
        ------
        BadProperty
            Naming the first weight whose sign differs from ``Wmax``'s.
        """
        _check_weight_sign(owner, values)


class StdpNnSymmSynapse(_StdpNearest):
    """NEST's ``stdp_nn_symm_synapse``: symmetric nearest-neighbour STDP (Morrison et al.
    2008): each presynaptic spike is paired with the target's last spike before it
    (depression), and each postsynaptic spike with the last presynaptic spike before it
    (facilitation, with a presynaptic trace of 1 at that spike)."""

    name = "stdp_nn_symm_synapse"
    kind = "stdp_nn_symm"


class StdpNnPreCenteredSynapse(_StdpNearest):
    """NEST's ``stdp_nn_pre_centered_synapse``: presynaptic-centred nearest-neighbour STDP:
    depression as ``stdp_nn_symm_synapse``; facilitation only by the first postsynaptic
    spike after the last presynaptic one, with the presynaptic trace ``Kplus``, which it
    resets to 0 (``Kplus`` then grows by 1 per presynaptic spike and decays with ``tau_plus``)."""

    name = "stdp_nn_pre_centered_synapse"
    params = {**_StdpNearest.params, "Kplus": 0.0}
    per_connection = (*STDP_PARAMS, "Kplus")
    kind = "stdp_nn_pre_centered"
    limits = {"Kplus": (0.0, None, True, True, "it must be >= 0")}


class StdpNnRestrSynapse(_StdpNearest):
    """NEST's ``stdp_nn_restr_synapse``: restricted symmetric nearest-neighbour STDP: a
    pair counts only for the first postsynaptic spike between two presynaptic ones, which
    facilitates (trace 1 at the last presynaptic spike) and lets the next presynaptic
    spike depress; without one, neither happens."""

    name = "stdp_nn_restr_synapse"
    kind = "stdp_nn_restr"


class VogelsSprekelerSynapse(SynapseModel):
    """NEST's ``vogels_sprekeler_synapse``: symmetric inhibitory STDP (Vogels et al.
    2011).  Each postsynaptic spike adds ``eta Kplus`` to ``|w|`` and each presynaptic
    spike ``eta K-`` (the target's trace, ``tau_minus``), then takes ``alpha eta`` away;
    ``|w|`` stays in ``[0, |Wmax|]`` with ``Wmax``'s sign.  ``Kplus`` decays with ``tau``
    (ms).  Parameters and ``Kplus`` are per connection."""

    name = "vogels_sprekeler_synapse"
    params = {"weight": 0.5, "delay": 1.0, "receptor_type": 0, "tau": 20.0, "alpha": 0.12, "eta": 0.001,
              "Wmax": 1.0, "Kplus": 0.0, "weight_recorder": None}
    plastic = True
    per_connection = ("tau", "alpha", "eta", "Wmax", "Kplus")
    common = ("weight_recorder",)
    kind = "vogels_sprekeler"
    state = {"t_lastspike": 0.0}
    limits = {"Kplus": (0.0, None, True, True, "it must be >= 0")}

    @classmethod
    def check_joint(cls, owner: str, values: Mapping[str, Any]) -> None:
        """A nonzero ``weight`` must have the sign of ``Wmax`` (NEST compares sign bits), where both are given.

        Raises
        ------
        BadProperty
            Naming the first weight whose sign differs from ``Wmax``'s.
        """
        _check_weight_sign(owner, values, signbits=True)


#: vogels_sprekeler_synapse's parameters in the rows of STDP_PARAMS (None: a row it does not use)
VOGELS_PARAMS = ("tau", "eta", "alpha", None, None, "Wmax")


#: order of stdp_pl_synapse_hom's parameters in the compiled kernel (the slots of
#: STDP_PARAMS: tau_plus, lambda, alpha, mu; the last two slots are unused)
STDP_PL_PARAMS = ("tau_plus", "lambda", "alpha", "mu")

#: stdp_triplet_synapse's parameters, in the order of the compiled kernel's table
_TRIPLET = {"tau_plus": 16.8, "tau_plus_triplet": 101.0, "Aplus": 5e-10, "Aminus": 7e-3, "Aplus_triplet": 6.2e-3,
            "Aminus_triplet": 2.3e-4, "Wmax": 100.0}
TRIPLET_PARAMS = tuple(_TRIPLET)


class StdpTripletSynapse(SynapseModel):
    """NEST's ``stdp_triplet_synapse``: triplet STDP (Pfister & Gerstner 2006), all-to-all
    interactions.  Presynaptic traces ``Kplus`` (``tau_plus``, ms) and ``Kplus_triplet``
    (``tau_plus_triplet``, ms) per synapse; postsynaptic traces ``K-`` and ``K-_triplet``
    (the target's ``tau_minus`` and ``tau_minus_triplet``, ms).  At each delivered
    spike each postsynaptic spike since the last one facilitates
    ``|w| <- min(|w| + K+ (Aplus + Aplus_triplet K-_triplet), |Wmax|)`` (traces at that
    spike, the triplet trace just before it), then
    ``|w| <- max(|w| - K- (Aminus + Aminus_triplet K+_triplet), 0)`` with the sign of
    ``Wmax``.  Parameters and traces are per connection; the whole delay is dendritic."""
    name = "stdp_triplet_synapse"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, **_TRIPLET, "Kplus": 0.0, "Kplus_triplet": 0.0,
              "weight_recorder": None}
    plastic = True
    per_connection = (*TRIPLET_PARAMS, "Kplus", "Kplus_triplet")
    common = ("weight_recorder",)
    kind = "stdp_triplet"
    state = {"t_lastspike": 0.0}
    limits = {"Kplus": (0.0, None, True, True, "it must be >= 0"),
              "Kplus_triplet": (0.0, None, True, True, "it must be >= 0")}

    @classmethod
    def check_joint(cls, owner: str, values: Mapping[str, Any]) -> None:
        """``weight`` and ``Wmax`` must have the same sign (0 counts as positive), as NEST
        checks where both are given.

        Raises
        ------
        BadProperty
            If a connection's weight and Wmax differ in sign.
        """
        _check_weight_sign(owner, values)


_UNIT = "it must be in [0, 1]"


class Tsodyks2Synapse(SynapseModel):
    """NEST's ``tsodyks2_synapse``: short-term depression and facilitation (Tsodyks &
    Markram 1997, Fuhrmann et al. 2002).  Each spike transmits ``weight u x``; between
    spikes ``x`` recovers to 1 with ``tau_rec`` (ms) and ``u`` decays to ``U`` with
    ``tau_fac`` (ms, 0: no facilitation).  All parameters are per connection."""

    name = "tsodyks2_synapse"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, "U": 0.5, "u": 0.5, "x": 1.0, "tau_rec": 800.0,
              "tau_fac": 0.0, "weight_recorder": None}
    plastic = True
    per_connection = ("U", "u", "x", "tau_rec", "tau_fac")
    common = ("weight_recorder",)
    kind = "tsodyks2"
    state = {"t_lastspike": -1.0}
    limits = {"U": (0.0, 1.0, True, True, _UNIT), "u": (0.0, 1.0, True, True, _UNIT),
              "tau_rec": (0.0, None, False, True, "it must be > 0 (ms)"),
              "tau_fac": (0.0, None, True, True, "it must be >= 0 (ms)")}


class TsodyksSynapse(SynapseModel):
    """NEST's ``tsodyks_synapse``: the Tsodyks et al. (2000) model with recovered,
    active and inactive resources ``x``, ``y``, ``1 - x - y``; ``tau_psc`` (ms) is the
    decay of ``y`` (the postsynaptic current's), ``tau_rec`` (ms) the recovery,
    ``tau_fac`` (ms, 0: none) the facilitation of ``u``.  Each spike transmits
    ``weight u x`` (just before the spike's release).  All parameters are per connection."""

    name = "tsodyks_synapse"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, "U": 0.5, "tau_psc": 3.0, "tau_fac": 0.0,
              "tau_rec": 800.0, "x": 1.0, "y": 0.0, "u": 0.0, "weight_recorder": None}
    plastic = True
    per_connection = ("U", "tau_psc", "tau_fac", "tau_rec", "x", "y", "u")
    common = ("weight_recorder",)
    kind = "tsodyks"
    state = {"t_lastspike": 0.0}
    limits = {"U": (0.0, 1.0, True, True, _UNIT), "u": (0.0, 1.0, True, True, _UNIT),
              "tau_psc": (0.0, None, False, True, "it must be > 0 (ms)"),
              "tau_rec": (0.0, None, False, True, "it must be > 0 (ms)"),
              "tau_fac": (0.0, None, True, True, "it must be >= 0 (ms)")}

    @classmethod
    def check_joint(cls, owner: str, values: Mapping[str, Any]) -> None:
        """``x + y`` must not exceed 1 (where both are given).

        Raises
        ------
        BadProperty
            If ``x + y > 1`` for some connection.
        """
        if values.get("x") is None or values.get("y") is None:
            return
        x, y = np.broadcast_arrays(np.asarray(values["x"], dtype=float).ravel(),
                                   np.asarray(values["y"], dtype=float).ravel())
        bad = x + y > 1.0
        if bad.any():
            i = int(np.argmax(bad))
            raise bad_property(owner, "x + y", float(x[i] + y[i]),
                               f"x + y must be <= 1 (x = {float(x[i])!r}, y = {float(y[i])!r})")


class QuantalStpSynapse(SynapseModel):
    """NEST's ``quantal_stp_synapse``: stochastic release from ``n`` sites (Fuhrmann et
    al. 2002), ``a`` of them available.  At each spike (after the first) every empty
    site refills with probability ``1 - exp(-h / tau_rec)`` (ms), ``u`` facilitates as
    in ``tsodyks2_synapse`` (``tau_fac`` in ms, 0: none), then each available site
    releases with probability ``u``; ``k`` releases transmit ``k weight``.  All
    parameters are per connection; ``n`` and ``a`` are counts."""

    name = "quantal_stp_synapse"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, "U": 0.5, "u": 0.5, "tau_rec": 800.0,
              "tau_fac": 0.0, "n": 1, "a": 1, "weight_recorder": None}
    plastic = True
    per_connection = ("U", "u", "tau_rec", "tau_fac", "n", "a")
    common = ("weight_recorder",)
    kind = "quantal_stp"
    state = {"t_lastspike": -1.0}
    limits = {"U": (0.0, 1.0, True, True, _UNIT), "u": (0.0, 1.0, True, True, _UNIT),
              "tau_rec": (0.0, None, False, True, "it must be > 0 (ms)"),
              "tau_fac": (0.0, None, True, True, "it must be >= 0 (ms)")}

    @classmethod
    def check_joint(cls, owner: str, values: Mapping[str, Any]) -> None:
        """``n`` and ``a`` must be whole numbers (NEST stores them as integers).

        Raises
        ------
        BadProperty
            If ``n`` or ``a`` is not a whole number, or too large for a C int.
        """
        for k in ("n", "a"):
            if values.get(k) is None:
                continue
            v = np.asarray(values[k], dtype=float).ravel()
            # NEST keeps them in a C int: a larger value cannot be stored
            bad = (v != np.round(v)) | ~(np.abs(v) < 2.0**31)
            if bad.any():
                raise bad_property(owner, k, float(v[bad][0]), "it must be a whole number below 2**31")


class BernoulliSynapse(SynapseModel):
    """NEST's ``bernoulli_synapse``: each spike is transmitted (with the fixed weight)
    with probability ``p_transmit``, drawn independently per connection and spike."""

    name = "bernoulli_synapse"
    params = {"weight": 1.0, "delay": 1.0, "receptor_type": 0, "p_transmit": 1.0, "weight_recorder": None}
    plastic = True
    per_connection = ("p_transmit",)
    common = ("weight_recorder",)
    kind = "bernoulli"
    limits = {"p_transmit": (0.0, 1.0, True, True, _UNIT)}


SYNAPSE_MODELS: dict[str, type[SynapseModel]] = {
    c.name: c for c in (StaticSynapse, StdpSynapse, StdpSynapseHom, StdpPlSynapseHom, TsodyksSynapse,
                        Tsodyks2Synapse, QuantalStpSynapse, BernoulliSynapse, StdpTripletSynapse,
                        StdpNnSymmSynapse, StdpNnPreCenteredSynapse, StdpNnRestrSynapse, VogelsSprekelerSynapse)}


def _hpc(cls: type[SynapseModel]) -> type[SynapseModel]:
    """NEST's ``<model>_hpc``: the same synapse, stored by NEST with compressed target
    ids for large networks; spikesim's tables are compact for every model, so it is
    the model itself under the other name."""
    doc = f"NEST's ``{cls.name}_hpc``: ``{cls.name}`` under NEST's name of its variant for large networks."
    return type(f"{cls.__name__}Hpc", (cls,), {"name": f"{cls.name}_hpc", "__doc__": doc})


class LabelledSynapse(SynapseModel):
    """What NEST's ``<model>_lbl`` adds to a synapse model: ``synapse_label``, an
    integer per connection (-1: unlabelled, the default; set ones >= 0) that
    ``GetConnections`` can select by."""

    @classmethod
    def check_joint(cls, owner: str, values: Mapping[str, Any]) -> None:
        """The model's own joint checks, and a label must be a whole number.

        Raises
        ------
        BadProperty
            If ``synapse_label`` is not a whole number, or the model's checks fail.
        """
        super().check_joint(owner, values)
        if values.get("synapse_label") is None:
            return
        v = np.asarray(values["synapse_label"], dtype=float).ravel()
        bad = v != np.round(v)
        if bad.any():
            raise bad_property(owner, "synapse_label", float(v[bad][0]), "a connection label is a whole number")


def _lbl(cls: type[SynapseModel]) -> type[SynapseModel]:
    """NEST's ``<model>_lbl``: the model with a ``synapse_label`` per connection."""
    doc = f"NEST's ``{cls.name}_lbl``: ``{cls.name}`` with an integer ``synapse_label`` per connection."
    # -1 (unlabelled, the default) is taken back too, where NEST refuses it once a label is set
    limits = {**cls.limits, "synapse_label": (-1.0, None, True, True,
                                              "a connection label must not be negative (-1: unlabelled)")}
    return type(f"{cls.__name__}Lbl", (LabelledSynapse, cls),
                {"name": f"{cls.name}_lbl", "__doc__": doc, "params": {**cls.params, "synapse_label": -1},
                 "per_connection": (*cls.per_connection, "synapse_label"), "limits": limits})


def with_variants(classes: Iterable[type[SynapseModel]]) -> dict[str, type[SynapseModel]]:
    """The models by name with their ``<model>_hpc`` and ``<model>_lbl`` variants (NEST lists both)."""
    base = list(classes)
    return {**{c.name: c for c in base}, **{f"{c.name}_hpc": _hpc(c) for c in base},
            **{f"{c.name}_lbl": _lbl(c) for c in base}}


SYNAPSE_MODELS.update(with_variants(list(SYNAPSE_MODELS.values())))
