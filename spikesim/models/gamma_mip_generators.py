"""Correlated and non-Poisson spike sources: gamma_sup_generator and mip_generator.

Both send, like ``poisson_generator``, counts of spikes to each target over the
``poisson`` route (a spike drawn in step ``s`` carries the stamp ``(s + 1) h``); the
kernel draws them from counter-based streams (see :mod:`spikesim.kernel.gamma_mip`),
so results depend on the seed only, never on threads or MPI processes.

* ``gamma_sup_generator``: each connection gets its own superposition of ``n_proc``
  gamma processes of integer order ``gamma_shape`` and rate ``rate`` (spikes/s each).
  As in NEST, the state of a connection is the number of component processes in each
  of the ``gamma_shape`` phases of the gamma process; in every active step each phase
  passes a binomial number of its processes (probability ``rate * gamma_shape * h``)
  on to the next, and those leaving the last phase are spikes.  The occupation numbers
  are carried from run to run and in checkpoints.
* ``mip_generator``: one mother Poisson train of ``rate`` (spikes/s) per generator; each
  target gets each mother spike with probability ``p_copy``, so the trains of different
  targets share spikes (a multiple interaction process).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spikesim.errors import bad_property
from spikesim.models.generators import Generator


def _integer(owner: str, key: str, v: Any, lowest: int, allowed: str) -> int:
    """``v`` as an int if it is a whole number >= ``lowest``; else a BadProperty naming it."""
    if isinstance(v, (bool, np.bool_)) or not float(v).is_integer() or v < lowest:
        raise bad_property(owner, key, v, allowed)
    return int(v)


class GammaSupGenerator(Generator):
    """NEST's ``gamma_sup_generator``: per target, the superposition of ``n_proc``
    independent gamma processes of order ``gamma_shape``, each of rate ``rate`` (spikes/s).

    Active in the steps ``s`` with ``start < s h <= stop`` (ms, relative to ``origin``),
    as ``poisson_generator``; spikes carry the stamp ``(s + 1) h``.  Outside the window
    (and at ``rate`` 0) the phases of the component processes stand still.  A
    connection made after a run starts, as in NEST, from ``n_proc // gamma_shape``
    processes per phase with the remainder in the last phase; a connection whose
    generator's ``gamma_shape`` or ``n_proc`` changed between runs starts afresh so too
    (NEST keeps its old phases).  NEST draws a Poisson number instead of a binomial one
    for large occupations with small probabilities; spikesim draws the exact binomial.
    """

    name = "gamma_sup_generator"
    output = "poisson"
    sends = "poisson"
    params = {**Generator.params, "rate": 0.0, "gamma_shape": 1, "n_proc": 1}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's parameters: ``rate`` (spikes/s), ``gamma_shape``, ``n_proc``.

        Besides NEST's checks, the transition probability per step
        ``rate * gamma_shape * h / 1000`` must not exceed 1 (NEST leaves it unchecked).

        Raises
        ------
        BadProperty
            When ``gamma_shape`` or ``n_proc`` is not an integer >= 1, ``rate`` is
            negative, the transition probability exceeds 1, or the window is off the grid.
        """
        super().check_node(p, h)
        shape = _integer(cls.name, "gamma_shape", p["gamma_shape"], 1,
                         "the shape must be an integer larger or equal 1")
        if not (p["rate"] >= 0):
            raise bad_property(cls.name, "rate", p["rate"], "the rate must be >= 0 (spikes/s)")
        _integer(cls.name, "n_proc", p["n_proc"], 1,
                 "the number of component processes must be an integer >= 1")
        if p["rate"] * shape * h / 1000.0 > 1.0:
            raise bad_property(cls.name, "rate", p["rate"],
                               f"rate * gamma_shape * resolution must be <= 1 (a transition probability per "
                               f"step; here gamma_shape = {shape}, resolution = {h} ms), i.e. rate <= "
                               f"{1000.0 / (shape * h):g} spikes/s")

    @staticmethod
    def transition_prob(p: dict[str, Any], h: float) -> float:
        """Probability that a component process moves on one phase in a step of ``h`` ms."""
        return float(p["rate"]) * int(p["gamma_shape"]) * h / 1000.0

    @staticmethod
    def initial_occupation(p: dict[str, Any]) -> np.ndarray:
        """NEST's starting occupation of the ``gamma_shape`` phases (processes per phase)."""
        shape, n = int(p["gamma_shape"]), int(p["n_proc"])
        occ = np.full(shape, n // shape, dtype=np.int64)
        occ[-1] += n - (n // shape) * shape
        return occ


class MipGenerator(Generator):
    """NEST's ``mip_generator``: a mother Poisson train of ``rate`` (spikes/s), each of
    whose spikes every target receives with probability ``p_copy``.

    The mother train is drawn in each step ``s`` of a min_delay slice whose first step
    ``s0`` lies in the window ``start < s0 h <= stop`` (ms, relative to ``origin``): NEST
    checks the window once per slice, at its start, and so does spikesim.  Spikes carry
    the stamp ``(s + 1) h``.
    """

    name = "mip_generator"
    output = "poisson"
    sends = "poisson"
    params = {**Generator.params, "rate": 0.0, "p_copy": 1.0}

    @classmethod
    def check_node(cls, p: dict[str, Any], h: float) -> None:
        """Check one node's parameters: ``rate`` (spikes/s) and ``p_copy`` (a probability).

        Raises
        ------
        BadProperty
            When ``rate`` is negative, ``p_copy`` is outside [0, 1] or the window is off
            the grid.
        """
        super().check_node(p, h)
        if not (p["rate"] >= 0):
            raise bad_property(cls.name, "rate", p["rate"], "the rate must be non-negative (spikes/s)")
        if not (0.0 <= p["p_copy"] <= 1.0):
            raise bad_property(cls.name, "p_copy", p["p_copy"], "the copy probability must be in [0, 1]")
        if math.isinf(p["rate"]):
            raise bad_property(cls.name, "rate", p["rate"], "the rate must be finite (spikes/s)")
