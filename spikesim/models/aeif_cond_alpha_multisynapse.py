"""aeif_cond_alpha_multisynapse: AdEx neuron with one alpha-shaped conductance per receptor.

As NEST 3.10's ``aeif_cond_alpha_multisynapse``: the membrane and adaptation equations,
the integrator (GSL's adaptive rkf45, spike test after every integrator step) and the
update order of :mod:`spikesim.models._aeif`, with the synaptic current

    I_syn = sum_k g_k (E_rev_k - V)    (entering C_m dV/dt with a plus sign)
    ddg_k/dt = -dg_k / tau_syn_k,   dg_k/dt = dg_k - g_k / tau_syn_k

for the receptors ``k = 1 .. n`` (``n = len(E_rev) = len(tau_syn)``).  A spike of weight
``w`` (nS, >= 0: NEST refuses negative weights when they arrive) on receptor ``k`` adds
``w e / tau_syn_k`` to ``dg_k``, so that ``g_k`` peaks at ``w`` a time ``tau_syn_k``
later.  Known difference: spikesim sees the sum of the weights arriving on a receptor in
one step, so a negative weight is refused only when that sum is negative.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from spikesim.models._aeif import AEIF_PARAMS, AdExModel, checked_multi, derive_aeif_multi, update_multi
from spikesim.models._multisynapse import ReceptorPortsModel, ReceptorUnits


def alpha_normalisation(tau_dg: np.ndarray, tau_g: np.ndarray) -> np.ndarray:
    """What a weight of 1 nS adds to ``dg`` (1/ms): ``e / tau_syn`` (``tau_g = tau_dg = tau_syn``, ms)."""
    return 1.0 * math.e / np.asarray(tau_g, dtype=float)


class AeifCondAlphaMultisynapse(ReceptorPortsModel, AdExModel):
    """NEST's ``aeif_cond_alpha_multisynapse``: AdEx neuron, one alpha conductance per receptor.

    Parameters: potentials and the list ``E_rev`` in mV, ``g_L`` and ``a`` in nS, ``C_m``
    in pF, ``tau_w``, ``t_ref`` and the list ``tau_syn`` in ms (one entry per receptor),
    ``b`` and ``I_e`` in pA, ``gsl_error_tol`` (the integrator's absolute and relative
    error bound).  State: ``V_m`` (mV), ``w`` (pA), ``g_1 .. g_n`` (nS), ``dg_1 .. dg_n``
    (nS/ms).  Recordables: ``V_m``, ``w``, ``g_1 .. g_n``.  Spikes connect with
    ``receptor_type`` 1 .. n (weights in nS, >= 0), current generators with receptor 0.
    """

    name = "aeif_cond_alpha_multisynapse"
    params: ClassVar[dict[str, Any]] = {**{k: v for k, v in AEIF_PARAMS.items() if not k.startswith("tau_syn")},
                                        "E_rev": (0.0,), "tau_syn": (2.0,)}
    state: ClassVar[dict[str, tuple[float, str | None]]] = {
        "V_m": (-70.6, None), "w": (0.0, None), "refractory_count": (0.0, None), "I_stim": (0.0, None),
        "integration_step": (0.0, None), "g_1": (0.0, None), "dg_1": (0.0, None)}
    recordables = ("V_m", "w", "g_1")
    units: ClassVar[dict[str, str]] = ReceptorUnits({"V_m": "mV", "w": "pA"}, "g_{k}", "nS")
    receptor_lists: ClassVar[tuple[str, ...]] = ("E_rev", "tau_syn")
    positive_lists: ClassVar[tuple[str, ...]] = ("tau_syn",)
    per_receptor: ClassVar[tuple[str, ...]] = ("g_{k}", "dg_{k}")
    kernel = staticmethod(checked_multi(update_multi, "aeif_cond_alpha_multisynapse"))
    #: the lists giving the time constants of ``dg`` and of ``g`` (ms)
    tau_lists: ClassVar[tuple[str, str]] = ("tau_syn", "tau_syn")

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value or list per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            When a parameter is out of range or inconsistent with another: NEST's AdEx
            checks (:func:`~spikesim.models._aeif.check_aeif`) and those of the receptor
            lists (one entry per receptor in each, time constants > 0).
        """
        cls.check_lists(P)  # NEST checks the lists first
        super().check(P, h)

    @classmethod
    def normalisation(cls, tau_dg: np.ndarray, tau_g: np.ndarray) -> np.ndarray:
        """What a weight of 1 nS adds to ``dg`` (1/ms), receptors x neurons."""
        return alpha_normalisation(tau_dg, tau_g)

    @classmethod
    def derive(cls, P: dict[str, np.ndarray], h: float) -> np.ndarray:
        """Derived constants per neuron, rows x neurons, for a step of ``h`` ms."""
        return derive_aeif_multi(P, h, *cls.tau_lists, cls.normalisation)
