"""Random parameters for node and connection properties (``nest.random`` style).

A parameter is drawn when it is used: once per node for ``create``/``set`` and once
per connection for ``connect``, from a stream that depends on the simulator's seed
only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import bad_property


class Parameter:
    """A distribution to draw node or connection values from."""

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Normal(Parameter):
    """Normal distribution (``mean``, ``std``)."""

    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self) -> None:
        if not self.std >= 0:
            raise bad_property("normal", "std", self.std, "it must be >= 0")

    def draw(self, rng, n):
        return rng.normal(self.mean, self.std, n)


@dataclass(frozen=True)
class Uniform(Parameter):
    """Uniform distribution on ``[min, max)``."""

    min: float = 0.0
    max: float = 1.0

    def __post_init__(self) -> None:
        if not self.max > self.min:
            raise bad_property("uniform", "max", self.max, f"it must be > min ({self.min})")

    def draw(self, rng, n):
        return rng.uniform(self.min, self.max, n)


@dataclass(frozen=True)
class Lognormal(Parameter):
    """Log-normal distribution; ``mean`` and ``std`` of the underlying normal (NEST's)."""

    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self) -> None:
        if not self.std >= 0:
            raise bad_property("lognormal", "std", self.std, "it must be >= 0")

    def draw(self, rng, n):
        return rng.lognormal(self.mean, self.std, n)


@dataclass(frozen=True)
class Exponential(Parameter):
    """Exponential distribution with scale ``beta``."""

    beta: float = 1.0

    def __post_init__(self) -> None:
        if not self.beta > 0:
            raise bad_property("exponential", "beta", self.beta, "it must be > 0")

    def draw(self, rng, n):
        return rng.exponential(self.beta, n)


def normal(mean: float = 0.0, std: float = 1.0) -> Normal:
    return Normal(mean, std)


def uniform(min: float = 0.0, max: float = 1.0) -> Uniform:  # noqa: A002 - NEST's names
    return Uniform(min, max)


def lognormal(mean: float = 0.0, std: float = 1.0) -> Lognormal:
    return Lognormal(mean, std)


def exponential(beta: float = 1.0) -> Exponential:
    return Exponential(beta)
