"""What NEST's generalised integrate-and-fire neurons (``gif_*``) share.

NEST 3.10's ``gif_psc_exp``, ``gif_cond_exp`` and their ``_multisynapse`` versions
(Mensi et al. 2012) differ in their synapses and membrane integration only.  All have:

* any number of spike-triggered current components (lists ``tau_stc`` in ms and
  ``q_stc`` in pA, of one length) and of threshold components (``tau_sfa`` in ms and
  ``q_sfa`` in mV, of one length); empty lists, the defaults, mean none;
* at the start of each step, ``I_stc`` is the sum of the current components and
  ``E_sfa = V_T_star +`` the sum of the threshold components, after which each
  component decays by ``exp(-h/tau)``;
* escape noise: a neuron that is not refractory fires with probability
  ``1 - exp(-lambda h)``, ``lambda = lambda_0 exp((V_m - E_sfa) / Delta_V)`` (one
  uniform draw, only where ``lambda > 0``); a spike adds each ``q`` to its component
  and starts ``t_ref``; while refractory the counter goes down by one and ``V_m`` is
  held at ``V_reset``.

``lambda_0`` is given in spikes/s (``get`` shows it so) and used in 1/ms.  The draw
of step ``s`` of node ``id`` is draw 0 of that step on the node's counter-based stream
(:mod:`spikesim.models._neuron_streams`), so spikes depend on the seed alone, never
on threads or on how neurons are split into blocks.  With a tiny ``Delta_V`` firing
is certain (probability exactly 1) above threshold and impossible (``lambda``
underflows to 0, no draw) below it, which makes the model deterministic.

Like NEST, neurons of one population may have lists of different lengths: spikesim
keeps each list parameter as one ``(n, k)`` array, shorter lists padded with NaN
(:attr:`~spikesim.models.base.Model.ragged_lists`).  A padded component has decay
factor and jump 0: it stays 0 and adds exactly 0 to the sums, so the kernel runs the
longest list for every neuron.  (The receptor lists of the multisynapse versions have
one length per population, see :class:`GifReceptorModel`.)

Layout: state rows ``V_m, E_sfa, I_stc, refractory_count, I`` first, then the
model's rows, then the threshold components ``sfa_elem_1 ..`` (mV) and the current
components ``stc_elem_1 ..`` (pA).  Derived rows: :data:`N_COMMON` common rows, the
model's rows, then per threshold component its decay factor and jump, then per current
component its decay factor and jump.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numba import njit

from spikesim.errors import bad_property
from spikesim.models._multisynapse import n_receptors
from spikesim.models._nest_numerics import nest_expm1
from spikesim.models._neuron_streams import bind_seed, draw
from spikesim.models.base import INPUT_RECEPTOR, INPUT_SPLIT, N_CHANNELS, NeuronModel, refractory_steps
from spikesim.models.iaf_psc_exp import libm_exp

# common state rows
V, ESFA, ISTC, R, I0 = range(5)
# common derived rows
VTS, LAM0, DV, HMS, NREF, VRESET, SEEDHI, SEEDLO, NSFA, NSTC, IE, EL, GL, CM = range(14)
N_COMMON = 14

#: NEST 3.10's parameters of gif_psc_exp and gif_cond_exp (lambda_0 in spikes/s, as ``get`` shows it)
GIF_PARAMS: dict[str, Any] = {
    "g_L": 4.0, "E_L": -70.0, "V_reset": -55.0, "Delta_V": 0.5, "V_T_star": -35.0, "lambda_0": 1.0,
    "t_ref": 4.0, "C_m": 80.0, "tau_sfa": (), "q_sfa": (), "tau_stc": (), "q_stc": (),
    "tau_syn_ex": 2.0, "tau_syn_in": 2.0, "I_e": 0.0,
}

#: the common state: name -> (default, None); V_m is absolute in NEST
GIF_STATE: dict[str, tuple[float, str | None]] = {
    "V_m": (-70.0, None), "E_sfa": (0.0, None), "I_stc": (0.0, None), "refractory_count": (0.0, None),
    "I": (0.0, None)}


@njit(cache=True, inline="always")
def adapt(S, D, j, s_first, d_first):
    """Start of a step: ``I_stc`` and ``E_sfa`` from the components, which then decay.

    ``s_first`` and ``d_first`` are the first state and derived rows of the components.
    """
    ksfa = int(D[NSFA, j])
    kstc = int(D[NSTC, j])
    stc = 0.0
    for q in range(kstc):
        row = s_first + ksfa + q
        stc += S[row, j]
        S[row, j] = D[d_first + 2 * ksfa + 2 * q, j] * S[row, j]
    sfa = D[VTS, j]
    for q in range(ksfa):
        row = s_first + q
        sfa += S[row, j]
        S[row, j] = D[d_first + 2 * q, j] * S[row, j]
    S[ISTC, j] = stc
    S[ESFA, j] = sfa


@njit(cache=True, inline="always")
def escape(S, D, j, key, step, s_first, d_first):
    """The escape-noise test of a neuron that is not refractory, at ``V_m = S[V, j]``.

    On a spike the jumps are added to the components and the refractory count starts;
    returns whether the neuron fired.
    """
    lam = D[LAM0, j] * math.exp((S[V, j] - S[ESFA, j]) / D[DV, j])
    if lam > 0.0 and draw(key, step, 0) < -nest_expm1(-lam * D[HMS, j]):
        ksfa = int(D[NSFA, j])
        kstc = int(D[NSTC, j])
        for q in range(kstc):
            S[s_first + ksfa + q, j] += D[d_first + 2 * ksfa + 2 * q + 1, j]
        for q in range(ksfa):
            S[s_first + q, j] += D[d_first + 2 * q + 1, j]
        S[R, j] = D[NREF, j]
        return True
    return False


def _lists(P: dict[str, np.ndarray], key: str) -> np.ndarray:
    return np.asarray(P[key], dtype=float).reshape(len(P["E_L"]), -1)


def _lengths(P: dict[str, np.ndarray], key: str) -> np.ndarray:
    """The length of each neuron's list ``key`` (NaN pads shorter lists)."""
    return np.count_nonzero(~np.isnan(_lists(P, key)), axis=1)


class GifModel(NeuronModel):
    """A ``gif_*`` neuron: NEST's parameters and checks, adaptation components and
    escape noise (see the module's description).

    Parameters in NEST's units: ``E_L``, ``V_reset``, ``V_T_star``, ``Delta_V`` and the
    list ``q_sfa`` in mV; ``g_L`` in nS; ``C_m`` in pF; ``t_ref``, ``tau_syn_ex``,
    ``tau_syn_in`` and the lists ``tau_sfa``, ``tau_stc`` in ms; ``I_e`` and the list
    ``q_stc`` in pA (NEST's documentation says nA for ``q_stc``, but adds it to currents
    in pA); ``lambda_0`` in spikes/s.  Subclasses set ``model_state`` (their state rows
    after the common ones) and ``n_model_derived`` (their derived rows after
    :data:`N_COMMON`).
    """

    params: ClassVar[dict[str, Any]] = dict(GIF_PARAMS)
    ragged_lists = ("tau_sfa", "q_sfa", "tau_stc", "q_stc")
    model_state: ClassVar[dict[str, tuple[float, str | None]]] = {}
    n_model_derived: ClassVar[int] = 0
    input_mode = INPUT_SPLIT

    @classmethod
    def model_state_for(cls, P: dict[str, np.ndarray]) -> dict[str, tuple[float, str | None]]:
        """The model's state rows after the common ones (default ``model_state``)."""
        return cls.model_state

    @classmethod
    def state_for(cls, P: dict[str, np.ndarray]) -> dict[str, tuple[float, str | None]]:
        """The common and the model's state rows, then one row per adaptation component."""
        out = {**GIF_STATE, **cls.model_state_for(P)}
        out.update({f"sfa_elem_{k}": (0.0, None) for k in range(1, _lists(P, "tau_sfa").shape[1] + 1)})
        out.update({f"stc_elem_{k}": (0.0, None) for k in range(1, _lists(P, "tau_stc").shape[1] + 1)})
        return out

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """NEST's checks, in NEST's order, for parameters ``P`` (one value or list per neuron).

        Raises
        ------
        BadProperty
            When ``tau_sfa`` and ``q_sfa`` (or ``tau_stc`` and ``q_stc``) differ in length,
            when ``g_L``, ``Delta_V``, ``C_m``, a ``tau_sfa``, a ``tau_stc``, ``tau_syn_ex``
            or ``tau_syn_in`` is not > 0, or ``t_ref`` or ``lambda_0`` is negative.
        """
        for tau, q in (("tau_sfa", "q_sfa"), ("tau_stc", "q_stc")):
            a, b = _lengths(P, tau), _lengths(P, q)
            if (a != b).any():
                i = int(np.flatnonzero(a != b)[0])
                taus, qs = _lists(P, tau)[i][: a[i]].tolist(), _lists(P, q)[i][: b[i]].tolist()
                raise bad_property(cls.name, tau, taus, f"'{tau}' and '{q}' need the same length ({tau} has "
                                   f"{a[i]} entries, {q} = {qs} has {b[i]})")
        checks = (("g_L", ">"), ("Delta_V", ">"), ("C_m", ">"), ("t_ref", ">="), ("lambda_0", ">="),
                  ("tau_sfa", ">"), ("tau_stc", ">"), ("tau_syn_ex", ">"), ("tau_syn_in", ">"),
                  *cls.extra_checks())
        for key, op in checks:
            if key not in P:  # the multisynapse model has lists of synaptic time constants instead
                continue
            x = np.asarray(P[key], dtype=float)
            bad = (~(x > 0.0) if op == ">" else ~(x >= 0.0)) & ~(np.isnan(x) & (x.ndim == 2))
            if bad.any():
                allowed = "every time constant must be > 0 (ms)" if x.ndim == 2 else f"it must be {op} 0"
                raise bad_property(cls.name, key, float(x[bad][0]), allowed)

    @classmethod
    def extra_checks(cls) -> tuple[tuple[str, str], ...]:
        """Further (parameter, ``">"`` or ``">="`` 0) checks of a subclass, after the common ones."""
        return ()

    @classmethod
    def bind_seed(cls, D: np.ndarray, seed: int) -> None:
        """Give the kernel the simulator's ``seed`` (written into ``D``; see
        :func:`spikesim.models._neuron_streams.bind_seed`)."""
        bind_seed(D, SEEDHI, SEEDLO, seed)

    @classmethod
    def derive_common(cls, P: dict[str, np.ndarray], h: float, n_model: int | None = None) -> np.ndarray:
        """Derived constants, rows x neurons, for a step of ``h`` ms: the common rows and the
        components' rows filled, the model's ``n_model`` rows (``N_COMMON ..``; default
        ``n_model_derived``) left at 0 for the model."""
        n = len(P["E_L"])
        tau_sfa, q_sfa = _lists(P, "tau_sfa"), _lists(P, "q_sfa")
        tau_stc, q_stc = _lists(P, "tau_stc"), _lists(P, "q_stc")
        d_first = N_COMMON + (cls.n_model_derived if n_model is None else n_model)
        D = np.zeros((d_first + 2 * (tau_sfa.shape[1] + tau_stc.shape[1]), n))
        D[VTS], D[VRESET], D[IE], D[EL] = P["V_T_star"], P["V_reset"], P["I_e"], P["E_L"]
        D[GL], D[CM], D[DV] = P["g_L"], P["C_m"], P["Delta_V"]
        D[LAM0] = np.asarray(P["lambda_0"], float) / 1000.0
        D[HMS] = h
        D[NREF] = refractory_steps(P["t_ref"], h)
        D[NSFA], D[NSTC] = tau_sfa.shape[1], tau_stc.shape[1]
        first_stc = d_first + 2 * tau_sfa.shape[1]
        for first, tau, jump in ((d_first, tau_sfa, q_sfa), (first_stc, tau_stc, q_stc)):
            pad = np.isnan(tau)
            for q in range(tau.shape[1]):
                D[first + 2 * q] = np.where(pad[:, q], 0.0, libm_exp(-h / np.where(pad[:, q], 1.0, tau[:, q])))
                D[first + 2 * q + 1] = np.where(pad[:, q], 0.0, jump[:, q])
        return D


class GifReceptorModel(GifModel):
    """A ``gif_*_multisynapse`` neuron: one synapse per receptor ``1 .. len(tau_syn)``.

    The list ``tau_syn`` (ms, one per receptor) replaces ``tau_syn_ex`` and ``tau_syn_in``;
    its length is one in a population (it sets the ring-buffer channels, as in
    :mod:`spikesim.models._multisynapse`): receptor ``q`` reads channel ``CH_CUR + q``,
    current generators connect to receptor 0.  Subclasses set ``fixed_state`` (their
    state rows after the common ones) and ``receptor_row`` (the name of receptor
    ``q``'s state row, e.g. ``"g_{q}"``).
    """

    params: ClassVar[dict[str, Any]] = {
        **{k: v for k, v in GIF_PARAMS.items() if k not in ("tau_syn_ex", "tau_syn_in")}, "tau_syn": (2.0,)}
    fixed_state: ClassVar[dict[str, tuple[float, str | None]]] = {}
    receptor_row: ClassVar[str] = ""
    input_mode = INPUT_RECEPTOR

    @classmethod
    def check_receptors(cls, P: dict[str, np.ndarray]) -> None:
        """Every ``tau_syn`` must be > 0.

        Raises
        ------
        BadProperty
            Naming ``tau_syn`` and the list where a time constant is not > 0.
        """
        tau = np.asarray(P["tau_syn"], dtype=float)
        bad = ~(tau > 0)
        if bad.any():
            raise bad_property(cls.name, "tau_syn", tau[bad.any(axis=1)][0].tolist(),
                               "every synaptic time constant must be > 0 (ms)")

    @classmethod
    def model_state_for(cls, P: dict[str, np.ndarray]) -> dict[str, tuple[float, str | None]]:
        """The model's fixed rows, then one row per receptor."""
        rows = {cls.receptor_row.format(q=q): (0.0, None) for q in range(1, n_receptors(P) + 1)}
        return {**cls.fixed_state, **rows}

    @classmethod
    def receptors_for(cls, P: dict[str, np.ndarray], currents: bool = False) -> set[int]:
        """Receptors ``1 .. len(tau_syn)`` for spikes; 0 only for currents (and multimeters)."""
        return {0} if currents else set(range(1, n_receptors(P) + 1))

    @classmethod
    def input_channels(cls, P: dict[str, np.ndarray]) -> int:
        """``CH_CUR + 1 + n`` channels: receptor ``q`` reads channel ``CH_CUR + q``."""
        return N_CHANNELS + n_receptors(P)
