"""Model descriptions: parameters, state, recordables and the compiled update.

A model is a class with class attributes only; the kernel keeps the numbers in
arrays, one structure of arrays per population:

* ``P``: parameters, ``name -> float64[n]`` (canonical, what ``get`` returns);
* ``S``: state, ``float64[n_state, n]`` (canonical, what the kernel integrates);
* ``D``: derived constants (propagators...), ``float64[n_derived, n]``,
  recomputed from ``P`` whenever parameters change.

Neuron kernels share one signature, see :class:`NeuronModel`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from spikesim.errors import bad_property
from spikesim.timegrid import TICS_PER_MS, ms_to_steps

__all__ = ["Model", "NeuronModel", "refractory_steps", "ms_to_steps"]

#: How a target adds incoming spikes to its ring buffer (see kernel.delivery).
INPUT_SPLIT = 0   # weight >= 0 -> channel 0 (excitatory), weight < 0 -> channel 1
INPUT_SINGLE = 1  # all weights -> channel 0
INPUT_PARROT = 2  # multiplicity (not weight) -> channel 0; receptor 1 is dropped
INPUT_NONE = 3    # devices: nothing is delivered
INPUT_RECEPTOR = 4  # receptor r >= 1 -> channel CH_CUR + r (multisynapse neurons)

CH_EX, CH_IN, CH_CUR = 0, 1, 2
N_CHANNELS = 3
#: the channel where a neuron whose spikes carry a value (``NeuronModel.sends_offsets``)
#: leaves that value, at its own column and the slot of the emission step
CH_OFFSET = CH_CUR + 1


class Model:
    """Common description of every model (neurons, generators, recorders).

    Class attributes, set by each model: ``name`` (NEST's model name); ``kind``;
    ``params`` (parameter defaults, NEST's names and units: mV, ms, pA, nS, pF,
    spikes/s); ``state`` (state variables: default and the parameter a value is stored
    relative to, e.g. ``V_m`` relative to ``E_L``); ``recordables`` (what a multimeter
    may record) with their ``units``; ``receptor_types``; ``input_mode``; the checks
    ``positive``, ``nonnegative`` and ``below``; ``sends`` and ``receives``.
    """

    name: ClassVar[str] = ""
    kind: ClassVar[str] = ""  # "neuron", "generator" or "recorder"
    #: parameter defaults; bools and ints are kept as such in ``get``.
    params: ClassVar[dict[str, Any]] = {}
    #: state variables: name -> (default, parameter it is stored relative to or None)
    state: ClassVar[dict[str, tuple[float, str | None]]] = {}
    recordables: ClassVar[tuple[str, ...]] = ()
    receptor_types: ClassVar[dict[str, int]] = {}
    input_mode: ClassVar[int] = INPUT_NONE
    #: parameters that must be positive / non-negative (checked on every set)
    positive: ClassVar[tuple[str, ...]] = ()
    nonnegative: ClassVar[tuple[str, ...]] = ()
    #: pairs (a, b) of parameters where a must be lower than b (e.g. V_reset < V_th)
    below: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: the signal a node of this model sends over its connections, which
    #: :mod:`spikesim.network.connect` routes by: ``"spikes"`` (neurons, spike
    #: generators), ``"poisson"``, ``"current"``, ``"samples"`` (multimeters: the
    #: connection makes the target sampled) or ``""`` (nothing)
    sends: ClassVar[str] = ""
    #: for ``sends == "poisson"``: whether a spike_recorder connected to a node of this
    #: model can get the train the node would send it (False: the connection is refused)
    recordable_trains: ClassVar[bool] = True
    #: what a node of this model takes in: ``"spikes"`` (weighted input),
    #: ``"multiplicity"`` (parrots repeat each spike), ``"record"`` (spike recorders),
    #: ``"sampling"`` (multimeters, which are connected the other way) or ``""``
    receives: ClassVar[str] = ""
    #: units of the recordables (NEST's units; a recordable not listed is dimensionless)
    units: ClassVar[dict[str, str]] = {}
    #: list parameters (tuple defaults) whose lists may differ in length between the
    #: nodes of one population; the population keeps them as rows padded with NaN
    ragged_lists: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Default parameters and state values of the model, by name (NEST's units)."""
        d = dict(cls.params)
        for k, (v, _) in cls.state.items():
            d[k] = v
        return d

    @classmethod
    def check(cls, P: dict[str, np.ndarray], h: float) -> None:
        """Raise BadProperty when parameters are inconsistent (arrays, one per neuron).

        Raises
        ------
        BadProperty
            Naming the first parameter out of range (``positive``, ``nonnegative``,
            ``below``), or infinite where state variables are stored relative to it.
        """
        for k in cls.positive:
            bad = ~(np.asarray(P[k], dtype=float) > 0)
            if bad.any():
                v = np.asarray(P[k])[bad][0]
                raise bad_property(cls.name, k, float(v), "it must be > 0")
        for k in cls.nonnegative:
            bad = ~(np.asarray(P[k], dtype=float) >= 0)
            if bad.any():
                v = np.asarray(P[k])[bad][0]
                raise bad_property(cls.name, k, float(v), "it must be >= 0")
        for a, b in cls.below:
            bad = np.asarray(P[a], dtype=float) >= np.asarray(P[b], dtype=float)
            if bad.any():
                other = float(np.broadcast_to(np.asarray(P[b], dtype=float), bad.shape)[bad][0])
                raise bad_property(cls.name, a, float(np.asarray(P[a])[bad][0]),
                                   f"it must be lower than {b} ({other!r})")
        # a state variable kept relative to a parameter (V_m - E_L) turns NaN when that
        # parameter is infinite: the absolute value could never be recovered
        for rel in sorted({r for _, r in cls.state.values() if r}):
            bad = ~np.isfinite(np.asarray(P[rel], dtype=float))
            if bad.any():
                raise bad_property(cls.name, rel, float(np.asarray(P[rel])[bad][0]), "it must be finite")

    @classmethod
    def state_for(cls, P: dict[str, np.ndarray]) -> dict[str, tuple[float, str | None]]:
        """The state variables of neurons with parameters ``P`` (default: ``state``;
        multisynapse neurons have one current per receptor, so theirs depend on ``P``)."""
        return cls.state

    @classmethod
    def recordables_for(cls, P: dict[str, np.ndarray]) -> tuple[str, ...]:
        """What neurons with parameters ``P`` can record (default: ``recordables``)."""
        return cls.recordables

    @classmethod
    def receptors_for(cls, P: dict[str, np.ndarray], currents: bool = False) -> set[int]:
        """Receptor types a connection onto neurons with parameters ``P`` may name
        (default: 0 and the values of ``receptor_types``; ``currents``: the connection
        carries no spikes: currents, sampling)."""
        return set(cls.receptor_types.values()) | {0}

    @classmethod
    def input_channels(cls, P: dict[str, np.ndarray]) -> int:
        """Ring-buffer channels neurons with parameters ``P`` read (default
        ``N_CHANNELS``; a multisynapse neuron reads ``CH_CUR + 1 + n_receptors``)."""
        return N_CHANNELS


class NeuronModel(Model):
    """A point neuron updated by one compiled kernel per time slice.

    The kernel ``update(S, D, ring, base, L, s0, m, spk, rec_mask, rec_col, rec_rows,
    rec_out)`` advances every neuron of a population over the steps ``s0 .. s0+m-1``:

    * reads and clears ``ring[ch, s % L, base + j]`` for its input channels;
    * sets ``spk[i, j] = 1`` when neuron ``j`` spikes while updating step
      ``s0 + i -> s0 + i + 1`` (NEST's stamp ``(s0 + i + 1) * h``);
    * after step ``i``, if ``rec_mask[i]`` and ``rec_col[j] >= 0``, copies
      ``S[rec_rows[a], j]`` into ``rec_out[i, a, rec_col[j]]`` (multimeters).
    """

    kind = "neuron"
    sends = "spikes"
    receives = "spikes"

    @staticmethod
    def derive(P: dict[str, np.ndarray], h: float) -> np.ndarray:  # pragma: no cover - every model defines it
        """Derived constants (propagators ...) per neuron, rows x neurons; each model defines it."""
        raise NotImplementedError("each neuron model defines derive()")

    kernel: ClassVar[Any] = None
    #: whether the kernel writes a value for each of its spikes into the ring's
    #: ``CH_OFFSET`` channel (NEST's spike offset; iaf_tum_2000's synapse state)
    sends_offsets: ClassVar[bool] = False
    #: the receptor whose spike weights are scaled by that value (-1: none); a
    #: sender that does not send values contributes 0 there, as in NEST
    offset_receptor: ClassVar[int] = -1
    #: state the model computes and only reports (NEST refuses to set it)
    read_only_state: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def settle_state(cls, P: dict[str, np.ndarray], S: np.ndarray, names: tuple[str, ...],
                     values: dict[str, Any], local: np.ndarray) -> None:
        """Adjust, in place, the state rows ``S`` (rows named ``names``) of the neurons
        at ``local`` after ``values`` were set on them (``P``: the new parameters), and
        check the state.  Called before the parameters are checked; nothing is kept
        when it raises.  By default nothing is adjusted.

        Raises
        ------
        BadProperty
            When the new state is not allowed (the models that check it say which).
        """

    @classmethod
    def bind_seed(cls, D: np.ndarray, seed: int) -> None:
        """Give the kernel the simulator's ``seed`` through the derived constants ``D``
        (stochastic neurons key their streams by it); deterministic models need nothing."""

    @classmethod
    def bind_inputs(cls, D: np.ndarray, currents: bool) -> None:
        """Tell the kernel, through the derived constants ``D``, whether generator
        currents (the ring's current channel) can reach these neurons in the coming
        run; a kernel may then skip that channel.  Models that gain nothing ignore it."""

    @classmethod
    def recordable_source(cls, name: str, state_names: tuple[str, ...],
                          h: float) -> tuple[int, float, str | None]:
        """Where a recordable comes from: (state row, scale, parameter added).

        By default a recordable is a state variable, reported relative to the
        parameter it is stored against (``V_m`` = row + ``E_L`` where stored so).
        """
        return state_names.index(name), 1.0, cls.state[name][1]


def refractory_steps(t_ref: np.ndarray, h: float) -> np.ndarray:
    """Refractory period in steps, as NEST's ``Time(ms(t_ref)).get_steps()``.

    The time is rounded to tics (0.001 ms) and then *up* to whole steps.
    """
    tics = np.floor(np.asarray(t_ref, dtype=float) * TICS_PER_MS + 0.5)
    tps = round(h * TICS_PER_MS)
    return np.ceil(tics / tps)
