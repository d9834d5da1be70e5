"""What the multisynapse neurons share: one synaptic current per receptor.

NEST's ``iaf_psc_exp_multisynapse`` and ``iaf_psc_alpha_multisynapse`` take the list
``tau_syn`` (ms), one time constant per receptor; a spike connection names its receptor
with ``receptor_type`` ``1 .. len(tau_syn)`` and a current generator connects to
receptor 0.  spikesim keeps ``tau_syn`` as one list per neuron (all neurons of one
population have lists of one length) and gives receptor ``r`` the ring-buffer channel
``CH_CUR + r`` (input mode ``INPUT_RECEPTOR``).

State rows: the fixed rows first (``V_m``, ``I``, ``refractory_count``, ``I_syn``), then
per receptor the model's rows (``I_syn_1 .. I_syn_n``, and for alpha currents their
derivatives ``dI_syn_1 ..``).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import numpy as np

from spikesim.errors import bad_property
from spikesim.models.base import CH_CUR, INPUT_RECEPTOR, NeuronModel

# fixed state rows
V, I0, R, ISUM = 0, 1, 2, 3
N_FIXED = 4
#: receptors a neuron may have: connections keep receptor types in int8
MAX_RECEPTORS = 125

_RECEPTOR_CURRENT = re.compile(r"I_syn_[1-9][0-9]*")


class ReceptorUnits(dict[str, str]):
    """Units of the recordables, ``I_syn_<k>`` (pA) for every receptor ``k`` included."""

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key) or (isinstance(key, str) and bool(_RECEPTOR_CURRENT.fullmatch(key)))

    def __missing__(self, key: str) -> str:
        if _RECEPTOR_CURRENT.fullmatch(key):
            return "pA"
        raise KeyError(key)


def n_receptors(P: dict[str, np.ndarray]) -> int:
    """Number of receptors of neurons with parameters ``P`` (the length of ``tau_syn``)."""
    return int(np.asarray(P["tau_syn"]).reshape(len(P["E_L"]), -1).shape[1])


class MultisynapseModel(NeuronModel):
    """A leaky integrate-and-fire neuron with one synaptic current per receptor.

    Parameters in NEST's units: potentials in mV, ``C_m`` in pF, ``tau_m``, ``t_ref``
    and the list ``tau_syn`` in ms, ``I_e`` in pA.  Spike weights are in pA.
    Subclasses set ``per_receptor`` (the state rows of one receptor, the recorded
    current first) and the kernel.
    """

    params: ClassVar[dict[str, Any]] = {
        "E_L": -70.0, "C_m": 250.0, "tau_m": 10.0, "t_ref": 2.0, "V_th": -55.0,
        "V_reset": -70.0, "I_e": 0.0, "tau_syn": (2.0,), "tau_minus": 20.0, "tau_minus_triplet": 110.0,
    }
    state: ClassVar[dict[str, tuple[float, str | None]]] = {
        "V_m": (-70.0, "E_L"), "I": (0.0, None), "refractory_count": (0.0, None), "I_syn": (0.0, None),
        "I_syn_1": (0.0, None)}
    recordables = ("I_syn", "I_syn_1", "V_m")
    units: ClassVar[dict[str, str]] = ReceptorUnits({"I_syn": "pA", "V_m": "mV"})
    input_mode = INPUT_RECEPTOR
    positive = ("C_m", "tau_m", "tau_minus", "tau_minus_triplet")
    nonnegative = ("t_ref",)
    below = (("V_reset", "V_th"),)
    #: state rows per receptor, ``{k}`` standing for the receptor number (1, 2 ...)
    per_receptor: ClassVar[tuple[str, ...]] = ("I_syn_{k}",)

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Check the parameters (arrays, one value or list per neuron) for a step of ``h`` ms.

        Raises
        ------
        BadProperty
            When a parameter is out of range or inconsistent with another (as NEST's
            ``set_status``: ``C_m``, ``tau_m`` and every ``tau_syn`` > 0, ``t_ref`` >= 0,
            ``V_reset`` < ``V_th``), or when ``tau_syn`` has more than ``MAX_RECEPTORS``
            entries.
        """
        super().check(P, h)
        tau = np.asarray(P["tau_syn"], dtype=float)
        if tau.shape[1] > MAX_RECEPTORS:
            raise bad_property(cls.name, "tau_syn", f"a list of {tau.shape[1]} time constants",
                               f"spikesim allows at most {MAX_RECEPTORS} receptors (receptor types are 8-bit)")
        bad = ~(tau > 0)
        if bad.any():
            raise bad_property(cls.name, "tau_syn", tau[bad.any(axis=1)][0].tolist(),
                               "every synaptic time constant must be > 0 (ms)")

    @classmethod
    def state_for(cls, P: dict[str, np.ndarray]) -> dict[str, tuple[float, str | None]]:
        """The fixed state variables and the rows of each of the ``len(tau_syn)`` receptors."""
        out = {k: cls.state[k] for k in ("V_m", "I", "refractory_count", "I_syn")}
        for row in cls.per_receptor:
            out.update({row.format(k=k): (0.0, None) for k in range(1, n_receptors(P) + 1)})
        return out

    @classmethod
    def recordables_for(cls, P: dict[str, np.ndarray]) -> tuple[str, ...]:
        """``V_m`` (mV), ``I_syn`` (the summed synaptic current, pA) and ``I_syn_1 ..
        I_syn_n`` (pA), one per receptor."""
        return ("I_syn", *(f"I_syn_{k}" for k in range(1, n_receptors(P) + 1)), "V_m")

    @classmethod
    def receptors_for(cls, P: dict[str, np.ndarray], currents: bool = False) -> set[int]:
        """Receptors ``1 .. len(tau_syn)`` for spikes; 0 only for currents (and multimeters)."""
        return {0} if currents else set(range(1, n_receptors(P) + 1))

    @classmethod
    def input_channels(cls, P: dict[str, np.ndarray]) -> int:
        """``CH_CUR + 1 + n`` channels: receptor ``r`` reads channel ``CH_CUR + r``."""
        return CH_CUR + 1 + n_receptors(P)

    @classmethod
    def recordable_source(cls, name: str, state_names: tuple[str, ...],
                          h: float) -> tuple[int, float, str | None]:
        """The state row of a recordable; ``V_m`` is stored relative to ``E_L``."""
        return state_names.index(name), 1.0, "E_L" if name == "V_m" else None
