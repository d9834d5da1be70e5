"""What the multisynapse neurons share: receptor ports set by list parameters.

NEST's multisynapse neurons take lists with one entry per receptor (``tau_syn`` of
``iaf_psc_exp_multisynapse`` and ``iaf_psc_alpha_multisynapse``; ``E_rev`` and
``tau_syn`` or ``tau_rise`` and ``tau_decay`` of the AdEx ones); a spike connection names
its receptor with ``receptor_type`` ``1 .. n`` and a current generator connects to
receptor 0.  spikesim keeps each list as one list per neuron (all neurons of one
population have lists of one length) and gives receptor ``r`` the ring-buffer channel
``CH_CUR + r`` (input mode ``INPUT_RECEPTOR``).

State rows: the model's fixed rows first, in the order of its ``state``, then per
receptor template of ``per_receptor`` the rows of receptors ``1 .. n`` (for
``iaf_psc_alpha_multisynapse``: ``I_syn_1 .. I_syn_n``, then ``dI_syn_1 .. dI_syn_n``).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import numpy as np

from spikesim.errors import bad_property
from spikesim.models.base import CH_CUR, INPUT_RECEPTOR, NeuronModel

# fixed state rows of the leaky integrate-and-fire ones
V, I0, R, ISUM = 0, 1, 2, 3
N_FIXED = 4
#: receptors a neuron may have: connections keep receptor types in int8
MAX_RECEPTORS = 125


def _per_receptor_pattern(template: str) -> re.Pattern[str]:
    """The names ``template`` gives receptors 1, 2 ... (``{k}`` standing for the number)."""
    return re.compile(re.escape(template).replace(re.escape("{k}"), "[1-9][0-9]*"))


class ReceptorUnits(dict[str, str]):
    """Units of the recordables, with the per-receptor recordable ``template`` (``{k}``
    the receptor number) in ``unit`` for every receptor included (default
    ``I_syn_<k>`` in pA)."""

    def __init__(self, units: dict[str, str], template: str = "I_syn_{k}", unit: str = "pA") -> None:
        super().__init__(units)
        self._pattern = _per_receptor_pattern(template)
        self._unit = unit

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key) or (isinstance(key, str) and bool(self._pattern.fullmatch(key)))

    def __missing__(self, key: str) -> str:
        if self._pattern.fullmatch(key):
            return self._unit
        raise KeyError(key)


def n_receptors(P: dict[str, np.ndarray], key: str = "tau_syn") -> int:
    """Number of receptors of neurons with parameters ``P`` (the length of list ``key``)."""
    return int(np.asarray(P[key]).reshape(len(P["E_L"]), -1).shape[1])


class ReceptorPortsModel(NeuronModel):
    """A neuron whose spike receptors ``1 .. n`` are set by list parameters.

    Subclasses set ``receptor_lists`` (the list parameters, one entry per receptor;
    the first gives the number), ``positive_lists`` (those whose entries must be > 0),
    ``per_receptor`` (the state rows of one receptor, ``{k}`` standing for its number,
    the recorded one first) and ``state`` (the fixed rows and those of receptor 1).
    """

    input_mode = INPUT_RECEPTOR
    receptor_lists: ClassVar[tuple[str, ...]] = ("tau_syn",)
    positive_lists: ClassVar[tuple[str, ...]] = ("tau_syn",)
    per_receptor: ClassVar[tuple[str, ...]] = ("I_syn_{k}",)

    @classmethod
    def receptors(cls, P: dict[str, np.ndarray]) -> int:
        """Number of receptors of neurons with parameters ``P``."""
        return n_receptors(P, cls.receptor_lists[0])

    @classmethod
    def check_lists(cls, P: dict[str, np.ndarray]) -> None:
        """NEST's checks of the receptor lists (arrays, one list per neuron).

        Raises
        ------
        BadProperty
            When the lists differ in length (NEST: set them together to change the
            number of receptors), have more than ``MAX_RECEPTORS`` entries, or an entry
            of a list in ``positive_lists`` is not > 0 (ms).
        """
        lengths = {key: n_receptors(P, key) for key in cls.receptor_lists}
        if len(set(lengths.values())) > 1:
            # the odd one out is most likely the list just given (a tie: the first)
            counts = [list(lengths.values()).count(n) for n in lengths.values()]
            odd = list(lengths)[counts.index(min(counts))]
            given = "; ".join(f"{k} = {np.asarray(P[k]).reshape(len(P['E_L']), -1)[0].tolist()!r}" for k in lengths)
            raise bad_property(cls.name, odd, np.asarray(P[odd]).reshape(len(P["E_L"]), -1)[0].tolist(),
                               f"the lists {', '.join(cls.receptor_lists)} need one entry per receptor each "
                               f"(now: {given}); give them together to change the number of receptors")
        if lengths[cls.receptor_lists[0]] > MAX_RECEPTORS:
            raise bad_property(cls.name, cls.receptor_lists[0], f"a list of {lengths[cls.receptor_lists[0]]} values",
                               f"spikesim allows at most {MAX_RECEPTORS} receptors (receptor types are 8-bit)")
        for key in cls.positive_lists:
            tau = np.asarray(P[key], dtype=float).reshape(len(P["E_L"]), -1)
            bad = ~(tau > 0)
            if bad.any():
                raise bad_property(cls.name, key, tau[bad.any(axis=1)][0].tolist(),
                                   "every synaptic time constant must be > 0 (ms)")

    @classmethod
    def state_for(cls, P: dict[str, np.ndarray]) -> dict[str, tuple[float, str | None]]:
        """The fixed state variables, then the rows of each receptor, template by template."""
        patterns = [_per_receptor_pattern(t) for t in cls.per_receptor]
        out = {k: v for k, v in cls.state.items() if not any(p.fullmatch(k) for p in patterns)}
        for row in cls.per_receptor:
            out.update({row.format(k=k): (0.0, None) for k in range(1, cls.receptors(P) + 1)})
        return out

    @classmethod
    def recordables_for(cls, P: dict[str, np.ndarray]) -> tuple[str, ...]:
        """The fixed recordables, then the first per-receptor row of receptors ``1 .. n``."""
        pattern = _per_receptor_pattern(cls.per_receptor[0])
        fixed = tuple(r for r in cls.recordables if not pattern.fullmatch(r))
        return (*fixed, *(cls.per_receptor[0].format(k=k) for k in range(1, cls.receptors(P) + 1)))

    @classmethod
    def receptors_for(cls, P: dict[str, np.ndarray], currents: bool = False) -> set[int]:
        """Receptors ``1 .. n`` for spikes; 0 only for currents (and multimeters)."""
        return {0} if currents else set(range(1, cls.receptors(P) + 1))

    @classmethod
    def input_channels(cls, P: dict[str, np.ndarray]) -> int:
        """``CH_CUR + 1 + n`` channels: receptor ``r`` reads channel ``CH_CUR + r``."""
        return CH_CUR + 1 + cls.receptors(P)

    @classmethod
    def recordable_source(cls, name: str, state_names: tuple[str, ...],
                          h: float) -> tuple[int, float, str | None]:
        """The state row of a recordable, and the parameter it is stored relative to
        (receptor rows: none)."""
        spec = cls.state.get(name)
        return state_names.index(name), 1.0, spec[1] if spec else None


class MultisynapseModel(ReceptorPortsModel):
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
    positive = ("C_m", "tau_m", "tau_minus", "tau_minus_triplet")
    nonnegative = ("t_ref",)
    below = (("V_reset", "V_th"),)

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
        cls.check_lists(P)

    @classmethod
    def recordables_for(cls, P: dict[str, np.ndarray]) -> tuple[str, ...]:
        """``V_m`` (mV), ``I_syn`` (the summed synaptic current, pA) and ``I_syn_1 ..
        I_syn_n`` (pA), one per receptor."""
        return ("I_syn", *(f"I_syn_{k}" for k in range(1, cls.receptors(P) + 1)), "V_m")
