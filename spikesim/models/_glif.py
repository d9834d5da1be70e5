"""What NEST's Allen Institute GLIF neurons (``glif_psc``, ``glif_cond``, ...) share.

Teeter et al. (2018) define five levels, selected in NEST 3.10 by three booleans:
GLIF1 (none), GLIF2 ``spike_dependent_threshold`` (R: reset rules and a spike
component of the threshold), GLIF3 ``after_spike_currents`` (ASC), GLIF4 (R and ASC)
and GLIF5 (R, ASC and ``adapting_threshold``: a voltage component of the threshold).
Any other combination is refused as NEST refuses it.

Parameters (NEST's names and units): ``V_th``, ``E_L``, ``V_reset`` (mV, absolute),
``g`` (``glif_psc``) or ``g_m`` (``glif_cond``) (nS), ``C_m`` (pF), ``t_ref`` (ms),
``th_spike_add`` (mV), ``th_spike_decay`` (1/ms), ``voltage_reset_fraction``,
``voltage_reset_add`` (mV), ``th_voltage_index``, ``th_voltage_decay`` (1/ms), the
after-spike current lists ``asc_init`` (pA), ``asc_decay`` (1/ms), ``asc_amps`` (pA),
``asc_r`` (one entry per current) and the
receptor list ``tau_syn`` (ms).  As in NEST 3.10, ``asc_init`` is kept and checked
but never sets the currents: NEST builds its prototype's state from the built-in
default (zeros) and no later ``set`` copies ``asc_init`` into it.

State rows (all potentials relative to ``E_L``): :data:`V`, :data:`THR` (the total
threshold, read-only), :data:`THS` (``threshold_spike``), :data:`THV`
(``threshold_voltage``), :data:`I0` (``I``, the external current of the last step,
pA), :data:`ISYN`, :data:`ASUM` (pA), :data:`R` (refractory steps), then the
model's rows (its synapses), then ``ASCurrents_1 ..`` (pA), the last rows.  Derived rows:
:data:`N_D` common rows, then per after-spike current its decay factor, stable
coefficient, refractory decay factor and jump, then the model's per-receptor rows.
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

import numpy as np
from numba import njit

from spikesim.errors import bad_property
from spikesim.models._multisynapse import ReceptorPortsModel, n_receptors
from spikesim.models.base import refractory_steps
from spikesim.models.iaf_psc_exp import libm_exp

# common state rows
V, THR, THS, THV, I0, ISYN, ASUM, R = range(8)
N_FIXED = 8
# common derived rows
(HAS_TS, HAS_ASC, HAS_TV, NASC, TSDR, TSRDR, PDR, TVDRI, PHI, ABPARA, GL, THINF, VRESET, FRAC, VADD,
 THADD, NREF) = range(17)
N_D = 17
# derived rows of one after-spike current
ADR, ACOEF, ARDR, AAMP = range(4)

#: NEST 3.10's defaults common to the GLIF neurons (booleans: GLIF1); each model adds its
#: membrane conductance (``g`` or ``g_m``, nS) and its receptor lists
PARAMS: dict[str, Any] = {
    "V_th": -51.68, "E_L": -78.85, "C_m": 58.72, "t_ref": 3.75, "V_reset": -78.85,
    "th_spike_add": 0.37, "th_spike_decay": 0.009, "voltage_reset_fraction": 0.2, "voltage_reset_add": 18.51,
    "th_voltage_index": 0.005, "th_voltage_decay": 0.09, "asc_init": (0.0, 0.0), "asc_decay": (0.003, 0.1),
    "asc_amps": (-9.18, -198.94), "asc_r": (1.0, 1.0),
    "spike_dependent_threshold": False, "after_spike_currents": False, "adapting_threshold": False,
}
#: the common state (``threshold``: NEST's default ``V_th``, relative to ``E_L``)
STATE: dict[str, tuple[float, str | None]] = {
    "V_m": (-78.85, "E_L"), "threshold": (-51.68, "E_L"), "threshold_spike": (0.0, None),
    "threshold_voltage": (0.0, None), "I": (0.0, None), "I_syn": (0.0, None), "ASCurrents_sum": (0.0, None),
    "refractory_count": (0.0, None), "ASCurrents_1": (0.0, None), "ASCurrents_2": (0.0, None),
}
RECORDABLES = ("ASCurrents_sum", "I", "I_syn", "V_m", "threshold", "threshold_spike", "threshold_voltage")
UNITS = {"ASCurrents_sum": "pA", "I": "pA", "I_syn": "pA", "V_m": "mV", "threshold": "mV",
         "threshold_spike": "mV", "threshold_voltage": "mV"}
_ASC_ROW = re.compile("ASCurrents_[1-9][0-9]*")
ASC_LISTS = ("asc_decay", "asc_init", "asc_amps", "asc_r")
_LEVELS = {(False, False, False), (True, False, False), (False, True, False), (True, True, False),
           (True, True, True)}


@njit(cache=True, inline="always")
def decay_components(S, D, j):
    """Start of a step that is not refractory: the spike component of the threshold and
    the after-spike currents decay; return the currents' mean over the step (pA)."""
    if D[HAS_TS, j] != 0.0:
        S[THS, j] = S[THS, j] * D[TSDR, j]
    total = 0.0
    if D[HAS_ASC, j] != 0.0:
        na = int(D[NASC, j])
        a0 = S.shape[0] - na
        for a in range(na):
            b = N_D + 4 * a
            total += D[b + ACOEF, j] * S[a0 + a, j]
            S[a0 + a, j] = S[a0 + a, j] * D[b + ADR, j]
    S[ASUM, j] = total
    return total


@njit(cache=True, inline="always")
def threshold_after(S, D, j, v_old, drive):
    """The voltage component (GLIF5, from the old ``V`` and ``drive = I + ASC``, pA) and
    the total threshold after the membrane update (mV, relative to ``E_L``)."""
    if D[HAS_TV, j] != 0.0:
        beta = drive / D[GL, j]
        phi = D[PHI, j]
        ab = D[ABPARA, j]
        S[THV, j] = (phi * (v_old - beta) * D[PDR, j]
                     + D[TVDRI, j] * (S[THV, j] - phi * (v_old - beta) - ab * beta) + ab * beta)
    S[THR, j] = S[THS, j] + S[THV, j] + D[THINF, j]


@njit(cache=True, inline="always")
def fire(S, D, j, v_old):
    """A spike: refractory, after-spike currents jump, reset; return the new ``V`` (mV)."""
    S[R, j] = D[NREF, j]
    if D[HAS_ASC, j] != 0.0:
        na = int(D[NASC, j])
        a0 = S.shape[0] - na
        for a in range(na):
            b = N_D + 4 * a
            S[a0 + a, j] = D[b + AAMP, j] + S[a0 + a, j] * D[b + ARDR, j]
    if D[HAS_TS, j] == 0.0:
        return D[VRESET, j]
    S[THS, j] = S[THS, j] * D[TSRDR, j] + D[THADD, j]
    S[THR, j] = S[THS, j] + S[THV, j] + D[THINF, j]
    return D[FRAC, j] * v_old + D[VADD, j]


def _lists(P: dict[str, np.ndarray], key: str) -> np.ndarray:
    return np.asarray(P[key], dtype=float).reshape(len(P["E_L"]), -1)


def _flag(P: dict[str, np.ndarray], key: str) -> np.ndarray:
    return np.asarray(P[key], dtype=bool).reshape(len(P["E_L"]))


class GlifModel(ReceptorPortsModel):
    """The GLIF neurons' parameters, state, checks and common derived constants.

    Parameters and state: see the module's description (NEST's names; mV, nS, pF, ms,
    1/ms, pA).  Spikes connect with ``receptor_type`` 1 .. ``len(tau_syn)``, current
    generators with receptor 0.  Subclasses set the synapses and the kernel.
    """

    params: ClassVar[dict[str, Any]] = {**PARAMS, "g": 9.43, "tau_syn": (2.0,)}
    #: the name of the membrane conductance (nS)
    g_key: ClassVar[str] = "g"
    recordables: ClassVar[tuple[str, ...]] = RECORDABLES
    units: ClassVar[dict[str, str]] = UNITS
    read_only_state = ("threshold",)
    positive: ClassVar[tuple[str, ...]] = ("C_m", "g", "t_ref")
    below = (("V_reset", "V_th"),)

    @classmethod
    def model_state_for(cls, P: dict[str, np.ndarray]) -> dict[str, tuple[float, str | None]]:
        """The state rows of the synapses, receptors ``1 .. n`` (each model defines them)."""
        raise NotImplementedError("each GLIF model defines its synaptic state")

    @classmethod
    def state_for(cls, P: dict[str, np.ndarray]) -> dict[str, tuple[float, str | None]]:
        """The common rows, the synapses', then one ``ASCurrents_<a>`` (pA) per after-spike current."""
        out = {k: v for k, v in STATE.items() if not _ASC_ROW.fullmatch(k)}
        out.update(cls.model_state_for(P))
        out.update({f"ASCurrents_{a}": (0.0, None) for a in range(1, _lists(P, "asc_decay").shape[1] + 1)})
        return out

    @classmethod
    def recordables_for(cls, P: dict[str, np.ndarray]) -> tuple[str, ...]:
        """NEST's recordables, the same whatever the receptors (mV and pA)."""
        return cls.recordables

    @classmethod
    def settle_state(cls, P: dict[str, np.ndarray], S: np.ndarray, names: tuple[str, ...],
                     values: dict[str, Any], local: np.ndarray) -> None:
        """Refuse, as NEST 3.10, a threshold component or after-spike current set on a
        neuron without that mechanism; recompute the total ``threshold`` (mV).

        Raises
        ------
        BadProperty
            When ``threshold_spike``, ``threshold_voltage`` or an ``ASCurrents_<a>`` is
            set where ``spike_dependent_threshold``, ``adapting_threshold`` or
            ``after_spike_currents`` is False.
        """
        for key, flag in (("threshold_spike", "spike_dependent_threshold"),
                          ("threshold_voltage", "adapting_threshold")):
            if key in values and not _flag(P, flag)[local].all():
                raise bad_property(cls.name, key, values[key], f"it can only be set when {flag} is True")
        for key in values:
            if _ASC_ROW.fullmatch(key) and not _flag(P, "after_spike_currents")[local].all():
                raise bad_property(cls.name, key, values[key], "it can only be set when after_spike_currents is True")
        th_inf = np.asarray(P["V_th"], dtype=float)[local] - np.asarray(P["E_L"], dtype=float)[local]
        row = names.index
        S[row("threshold"), local] = S[row("threshold_spike"), local] + S[row("threshold_voltage"), local] + th_inf

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """NEST 3.10's checks of the GLIF parameters (arrays, one value or list per neuron).

        Raises
        ------
        BadProperty
            When the three booleans are not one of the five GLIF levels; with
            ``after_spike_currents``, when the ``asc_*`` lists differ in length, an
            ``asc_decay`` is not > 0 (1/ms) or an ``asc_r`` is outside [0, 1]; when
            ``V_reset`` is not below ``V_th``, ``C_m``, ``g`` (``g_m``) or ``t_ref`` is not > 0;
            with ``adapting_threshold``, ``th_voltage_decay`` not > 0 (1/ms); with
            ``spike_dependent_threshold``, ``th_spike_decay`` not > 0 (1/ms) or
            ``voltage_reset_fraction`` outside [0, 1]; a ``tau_syn`` entry not > 0 (ms).
        """
        flags = [_flag(P, k) for k in ("spike_dependent_threshold", "after_spike_currents", "adapting_threshold")]
        for j, combo in enumerate(zip(*flags, strict=True)):
            if tuple(bool(c) for c in combo) not in _LEVELS:
                raise bad_property(cls.name, "adapting_threshold", bool(combo[2]),
                                   "the mechanisms (spike_dependent_threshold, after_spike_currents, "
                                   "adapting_threshold) must be one of GLIF1-5: (F, F, F), (T, F, F), (F, T, F), "
                                   f"(T, T, F) or (T, T, T); neuron {j} has {tuple(bool(c) for c in combo)}")
        if flags[1].any():
            _check_asc(cls.name, P, flags[1])
        super().check(P, h)
        _check_unit(cls.name, P, "voltage_reset_fraction", flags[0])
        for key, on in (("th_voltage_decay", flags[2]), ("th_spike_decay", flags[0])):
            bad = on & ~(np.asarray(P[key], dtype=float) > 0)
            if bad.any():
                raise bad_property(cls.name, key, float(np.asarray(P[key], dtype=float)[bad][0]), "it must be > 0")
        cls.check_lists(P)

    @classmethod
    def derive_common(cls, P: dict[str, np.ndarray], h: float, n_syn_rows: int) -> np.ndarray:
        """The common derived rows and those of the after-spike currents (``h`` in ms),
        with ``n_syn_rows`` more rows left for the synapses."""
        n = len(P["E_L"])
        f = {k: np.asarray(P[k], dtype=float) for k in
             ("C_m", "t_ref", "th_spike_decay", "th_voltage_decay", "th_voltage_index", "E_L")}
        f["g"] = np.asarray(P[cls.g_key], dtype=float)
        decay = _lists(P, "asc_decay")
        na = decay.shape[1]
        D = np.zeros((N_D + 4 * na + n_syn_rows, n))
        D[HAS_TS] = _flag(P, "spike_dependent_threshold")
        D[HAS_ASC] = _flag(P, "after_spike_currents")
        D[HAS_TV] = _flag(P, "adapting_threshold")
        D[NASC] = na
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            D[TSDR] = libm_exp(-f["th_spike_decay"] * h)
            D[TSRDR] = libm_exp(-f["th_spike_decay"] * f["t_ref"])
            D[PDR] = libm_exp(-f["g"] * h / f["C_m"])
            D[TVDRI] = 1 / libm_exp(f["th_voltage_decay"] * h)
            D[PHI] = f["th_voltage_index"] / (f["th_voltage_decay"] - f["g"] / f["C_m"])
            D[ABPARA] = f["th_voltage_index"] / f["th_voltage_decay"]
            r = _lists(P, "asc_r")
            amps = _lists(P, "asc_amps")
            for a in range(na):
                b = N_D + 4 * a
                D[b + ADR] = libm_exp(-decay[:, a] * h)
                D[b + ACOEF] = ((1.0 / decay[:, a]) / h) * (1.0 - D[b + ADR])
                D[b + ARDR] = (r[:, a] if r.shape[1] > a else math.nan) * libm_exp(-decay[:, a] * f["t_ref"])
                D[b + AAMP] = amps[:, a] if amps.shape[1] > a else math.nan
        D[GL] = f["g"]
        D[THINF] = np.asarray(P["V_th"], dtype=float) - f["E_L"]
        D[VRESET] = np.asarray(P["V_reset"], dtype=float) - f["E_L"]
        D[FRAC] = P["voltage_reset_fraction"]
        D[VADD] = P["voltage_reset_add"]
        D[THADD] = P["th_spike_add"]
        D[NREF] = refractory_steps(P["t_ref"], h)
        return D


def _check_asc(name: str, P: dict[str, np.ndarray], on: np.ndarray) -> None:
    lengths = {k: _lists(P, k).shape[1] for k in ASC_LISTS}
    if len(set(lengths.values())) > 1:
        odd = min(lengths, key=lambda k: list(lengths.values()).count(lengths[k]))
        raise bad_property(name, odd, _lists(P, odd)[0].tolist(),
                           f"the after-spike current lists {', '.join(ASC_LISTS)} must have one length "
                           f"(now {lengths})")
    bad = on[:, None] & ~(_lists(P, "asc_decay") > 0)
    if bad.any():
        raise bad_property(name, "asc_decay", _lists(P, "asc_decay")[bad.any(axis=1)][0].tolist(),
                           "every after-spike current rate must be > 0 (1/ms)")
    r = _lists(P, "asc_r")
    bad = on[:, None] & ~((r >= 0.0) & (r <= 1.0))
    if bad.any():
        raise bad_property(name, "asc_r", r[bad.any(axis=1)][0].tolist(), "every entry must be within [0, 1]")


def _check_unit(name: str, P: dict[str, np.ndarray], key: str, on: np.ndarray) -> None:
    x = np.asarray(P[key], dtype=float)
    bad = on & ~((x >= 0.0) & (x <= 1.0))
    if bad.any():
        raise bad_property(name, key, float(x[bad][0]), "it must be within [0, 1]")


def n_syn(P: dict[str, np.ndarray]) -> int:
    """Number of receptors (the length of ``tau_syn``)."""
    return n_receptors(P, "tau_syn")
