"""Random parameters for node and connection properties (``nest.random`` style).

A parameter is drawn when it is used: once per node for ``create``/``set`` and once
per connection for ``connect``, from a stream that depends on the simulator's seed
only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from spikesim.errors import bad_property


def _number(owner: str, key: str, v: object) -> None:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or np.isnan(v):
        raise bad_property(owner, key, v, "it must be a number")


class Parameter(ABC):
    """A distribution to draw node or connection values from."""

    @abstractmethod
    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` values drawn from ``rng``."""


@dataclass(frozen=True)
class Normal(Parameter):
    """Normal distribution (``mean``, ``std``)."""

    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self) -> None:
        _number("normal", "mean", self.mean)
        _number("normal", "std", self.std)
        if not self.std >= 0:
            raise bad_property("normal", "std", self.std, "it must be >= 0")

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` values drawn from ``rng``."""
        return rng.normal(self.mean, self.std, n)


@dataclass(frozen=True)
class Uniform(Parameter):
    """Uniform distribution on ``[min, max)``."""

    min: float = 0.0
    max: float = 1.0

    def __post_init__(self) -> None:
        _number("uniform", "min", self.min)
        _number("uniform", "max", self.max)
        if not self.max > self.min:
            raise bad_property("uniform", "max", self.max, f"it must be > min ({self.min})")

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` values drawn from ``rng``."""
        return rng.uniform(self.min, self.max, n)


@dataclass(frozen=True)
class Lognormal(Parameter):
    """Log-normal distribution; ``mean`` and ``std`` of the underlying normal (NEST's)."""

    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self) -> None:
        _number("lognormal", "mean", self.mean)
        _number("lognormal", "std", self.std)
        if not self.std >= 0:
            raise bad_property("lognormal", "std", self.std, "it must be >= 0")

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` values drawn from ``rng``."""
        return rng.lognormal(self.mean, self.std, n)


@dataclass(frozen=True)
class Exponential(Parameter):
    """Exponential distribution with scale ``beta``."""

    beta: float = 1.0

    def __post_init__(self) -> None:
        _number("exponential", "beta", self.beta)
        if not self.beta > 0:
            raise bad_property("exponential", "beta", self.beta, "it must be > 0")

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` values drawn from ``rng``."""
        return rng.exponential(self.beta, n)


def normal(mean: float = 0.0, std: float = 1.0) -> Normal:
    """A normal distribution with ``mean`` and standard deviation ``std`` (units of the parameter).

    Raises
    ------
    BadProperty
        If a value is not a number or out of range.
    """
    return Normal(mean, std)


def uniform(min: float = 0.0, max: float = 1.0) -> Uniform:  # noqa: A002 - NEST's names
    """A uniform distribution on ``[min, max)``.

    Raises
    ------
    BadProperty
        If a value is not a number or out of range.
    """
    return Uniform(min, max)


def lognormal(mean: float = 0.0, std: float = 1.0) -> Lognormal:
    """A log-normal distribution: ``exp`` of a normal with ``mean`` and ``std`` (NEST's parametrisation).

    Raises
    ------
    BadProperty
        If a value is not a number or out of range.
    """
    return Lognormal(mean, std)


def exponential(beta: float = 1.0) -> Exponential:
    """An exponential distribution with scale ``beta`` (the mean).

    Raises
    ------
    BadProperty
        If a value is not a number or out of range.
    """
    return Exponential(beta)
