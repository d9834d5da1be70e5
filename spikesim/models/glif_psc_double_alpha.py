"""glif_psc_double_alpha: GLIF 1-5 with a fast and a slow alpha current per receptor.

As NEST 3.10's ``glif_psc_double_alpha``: ``glif_psc`` (:mod:`spikesim.models.glif_psc`)
where each receptor ``q`` has two alpha-shaped currents, a fast one (``tau_syn_fast``,
ms) and a slow one (``tau_syn_slow``, ms) whose jump per spike is ``amp_slow`` times
that of an alpha current of unit peak.  The membrane takes every fast current, then
every slow one (NEST's order of the sums); ``I_syn`` is the fast sum plus the slow sum.
"""

from __future__ import annotations

from typing import Any, ClassVar

from spikesim.models._glif import PARAMS, STATE
from spikesim.models.glif_psc import GlifPsc


class GlifPscDoubleAlpha(GlifPsc):
    """NEST's ``glif_psc_double_alpha``: GLIF 1-5, a fast and a slow alpha current per receptor.

    Parameters as :class:`~spikesim.models.glif_psc.GlifPsc` without ``tau_syn``, with the
    lists ``tau_syn_fast``, ``tau_syn_slow`` (ms) and ``amp_slow`` (the slow
    component's amplitude relative to the fast one), one entry per receptor.  State per
    receptor ``q``: ``I_syn_fast_<q>``, ``I_syn_slow_<q>`` (pA) and their derivatives
    ``dI_syn_fast_<q>``, ``dI_syn_slow_<q>`` (pA/ms).  Recordables as glif_psc's.
    Spikes connect with ``receptor_type`` 1 .. n (weights in pA).
    """

    name = "glif_psc_double_alpha"
    params: ClassVar[dict[str, Any]] = {**PARAMS, "g": 9.43, "tau_syn_fast": (2.0,), "tau_syn_slow": (6.0,),
                                        "amp_slow": (0.3,)}
    receptor_lists = ("tau_syn_fast", "tau_syn_slow", "amp_slow")
    positive_lists = ("tau_syn_fast", "tau_syn_slow", "amp_slow")
    per_receptor = ("I_syn_fast_{k}", "dI_syn_fast_{k}", "I_syn_slow_{k}", "dI_syn_slow_{k}")
    components = (("tau_syn_fast", None, "I_syn_fast_{q}", "dI_syn_fast_{q}"),
                  ("tau_syn_slow", "amp_slow", "I_syn_slow_{q}", "dI_syn_slow_{q}"))
    state: ClassVar[dict[str, tuple[float, str | None]]] = {
        **STATE, "I_syn_fast_1": (0.0, None), "dI_syn_fast_1": (0.0, None), "I_syn_slow_1": (0.0, None),
        "dI_syn_slow_1": (0.0, None)}
