"""aeif_cond_beta_multisynapse: AdEx neuron with one beta-shaped conductance per receptor.

As NEST 3.10's ``aeif_cond_beta_multisynapse``: :mod:`spikesim.models.aeif_cond_alpha_multisynapse`
with a rise and a decay time constant per receptor,

    ddg_k/dt = -dg_k / tau_rise_k,   dg_k/dt = dg_k - g_k / tau_decay_k,

``tau_rise_k <= tau_decay_k``.  A spike of weight ``w`` (nS, >= 0) adds ``w`` times NEST's
beta normalisation (:func:`~spikesim.models.iaf_cond_beta.beta_normalisation`) to ``dg_k``,
so that ``g_k`` peaks at ``w``; where the two time constants are equal that is
``e / tau_decay`` and the conductance an alpha function.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from spikesim.errors import bad_property
from spikesim.models._aeif import checked_multi, update_multi
from spikesim.models.aeif_cond_alpha_multisynapse import AeifCondAlphaMultisynapse
from spikesim.models.iaf_cond_beta import beta_normalisation


class AeifCondBetaMultisynapse(AeifCondAlphaMultisynapse):
    """NEST's ``aeif_cond_beta_multisynapse``: AdEx neuron, one beta conductance per receptor.

    Parameters: as ``aeif_cond_alpha_multisynapse`` with the lists ``tau_rise`` and
    ``tau_decay`` (ms, one entry per receptor, ``tau_rise <= tau_decay``) instead of
    ``tau_syn``.  State: ``V_m`` (mV), ``w`` (pA), ``g_1 .. g_n`` (nS), ``dg_1 .. dg_n``
    (nS/ms).  Recordables: ``V_m``, ``w``, ``g_1 .. g_n``.  Spikes connect with
    ``receptor_type`` 1 .. n (weights in nS, >= 0), current generators with receptor 0.
    """

    name = "aeif_cond_beta_multisynapse"
    params: ClassVar[dict[str, Any]] = {
        **{k: v for k, v in AeifCondAlphaMultisynapse.params.items() if k != "tau_syn"},
        "tau_rise": (2.0,), "tau_decay": (20.0,)}
    receptor_lists: ClassVar[tuple[str, ...]] = ("E_rev", "tau_rise", "tau_decay")
    positive_lists: ClassVar[tuple[str, ...]] = ("tau_rise", "tau_decay")
    kernel = staticmethod(checked_multi(update_multi, "aeif_cond_beta_multisynapse"))
    tau_lists: ClassVar[tuple[str, str]] = ("tau_rise", "tau_decay")

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value or list per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            As ``aeif_cond_alpha_multisynapse``, and where a rise time exceeds its
            decay time.
        """
        super().check(P, h)
        rise, decay = (np.asarray(P[k], dtype=float).reshape(len(P["E_L"]), -1) for k in cls.tau_lists)
        bad = (decay < rise).any(axis=1)
        if bad.any():
            raise bad_property(cls.name, "tau_rise", rise[bad][0].tolist(),
                               f"every rise time must be <= its decay time (tau_decay = {decay[bad][0].tolist()})")

    @classmethod
    def normalisation(cls, tau_dg: np.ndarray, tau_g: np.ndarray) -> np.ndarray:
        """NEST's beta normalisation (1/ms per nS), receptors x neurons."""
        return np.vectorize(beta_normalisation, otypes=[float])(tau_dg, tau_g)
