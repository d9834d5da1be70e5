"""Parameters whose values depend on positions (NEST's ``spatial.pos``, ``distance`` and
``spatial_distributions``).

They are drawn in a :class:`~spikesim.network.parameters.Context`: a node's own
position (node parameters at ``create``) or a connection pair's source and target
positions and displacement (``connect``).  Distances are in the units of the layers'
extent; the distributions are NEST's unnormalised profiles (values in [0, 1] for
exponential and gaussian), usable as probabilities, weights or delays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spikesim.errors import BadProperty, KernelException, bad_property
from spikesim.network.parameters import Context, Parameter
from spikesim.network.space import distance

#: NEST's synaptic endpoints of a position parameter
NODE, SOURCE, TARGET = 0, 1, 2


def _need(ctx: Context | None, what: str) -> Context:
    if ctx is None:  # NEST's class
        raise KernelException(f"{what}: a spatial parameter needs positions: use it in create or connect with "
                          "nodes created with positions")
    return ctx


class _Geometric(Parameter):
    """A parameter read off the positions of nodes (always spatial)."""

    def is_spatial(self) -> bool:
        """Always True."""
        return True


@dataclass(frozen=True, eq=False)
class Position(_Geometric):
    """Coordinate ``dimension`` (0: x, 1: y, 2: z) of the node (``endpoint`` 0), the source (1)
    or the target (2) of a connection."""

    dimension: int
    endpoint: int = NODE

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """The coordinate of each node or pair of ``ctx``.

        Raises
        ------
        KernelException
            Without a context (no positions).
        BadProperty
            Without the positions needed in ``ctx``, or if the layer has no such dimension.
        """
        c = _need(ctx, "position")
        pos = (c.positions, c.source, c.target)[self.endpoint]
        if pos is None:
            where = ("a node (create or set)", "a connection", "a connection")[self.endpoint]
            raise BadProperty(f"position: this parameter is defined for {where} only")
        if self.dimension >= pos.shape[1]:
            raise BadProperty(f"position: dimension {self.dimension} is not a dimension of the nodes' layer "
                              f"({pos.shape[1]} dimensions)")
        return np.array(pos[:, self.dimension], dtype=float)


@dataclass(frozen=True, eq=False)
class Distance(_Geometric):
    """Distance between a connection's source and target (``dimension`` 0), or its absolute
    component along x (1), y (2) or z (3); periodic layers take the nearest image."""

    dimension: int = 0

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """The distance of each pair of ``ctx``.

        Raises
        ------
        KernelException
            Without a context (no positions).
        BadProperty
            Without pairs in ``ctx``, or if the layer has no such dimension.
        """
        c = _need(ctx, "distance")
        if c.displacement is None:
            raise BadProperty("distance: this parameter is defined for connections only (it needs two nodes)")
        if self.dimension == 0:
            return distance(c.displacement)
        if self.dimension > c.displacement.shape[1]:
            raise BadProperty(f"distance: dimension {self.dimension} is not a dimension of the nodes' layer")
        out: np.ndarray = np.abs(c.displacement[:, self.dimension - 1])
        return out


def _positive(owner: str, key: str, v: float) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not v > 0:
        raise bad_property(owner, key, v, "it must be a number > 0")
    return float(v)


@dataclass(frozen=True, eq=False)
class ExpDistribution(Parameter):
    """``exp(-x / beta)`` of the values of ``x``.

    Raises
    ------
    BadProperty
        If ``beta`` is not > 0.
    """

    x: Parameter
    beta: float = 1.0

    def __post_init__(self) -> None:
        _positive("exponential", "beta", self.beta)

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values."""
        out: np.ndarray = np.exp(-self.x.draw(rng, n, ctx) * (1.0 / self.beta))
        return out


@dataclass(frozen=True, eq=False)
class Gaussian(Parameter):
    """``exp(-(x - mean)^2 / (2 std^2))`` of the values of ``x``.

    Raises
    ------
    BadProperty
        If ``std`` is not > 0.
    """

    x: Parameter
    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self) -> None:
        _positive("gaussian", "std", self.std)

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values."""
        dx = self.x.draw(rng, n, ctx) - self.mean
        out: np.ndarray = np.exp(-dx * dx * (1.0 / (2 * self.std * self.std)))
        return out


@dataclass(frozen=True, eq=False)
class Gaussian2D(Parameter):
    """The bivariate Gaussian profile of ``(x, y)`` with means, standard deviations and
    correlation ``rho`` (peak 1).

    Raises
    ------
    BadProperty
        If a standard deviation is not > 0 or ``rho`` is outside (-1, 1).
    """

    x: Parameter
    y: Parameter
    mean_x: float = 0.0
    mean_y: float = 0.0
    std_x: float = 1.0
    std_y: float = 1.0
    rho: float = 0.0

    def __post_init__(self) -> None:
        _positive("gaussian2D", "std_x", self.std_x)
        _positive("gaussian2D", "std_y", self.std_y)
        if not -1 < self.rho < 1:
            raise bad_property("gaussian2D", "rho", self.rho, "it must lie in (-1, 1)")

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values."""
        r2 = 1.0 - self.rho * self.rho
        cx = 1.0 / (2.0 * r2 * self.std_x * self.std_x)
        cy = 1.0 / (2.0 * r2 * self.std_y * self.std_y)
        cxy = self.rho / (r2 * self.std_x * self.std_y)
        dx = self.x.draw(rng, n, ctx) - self.mean_x
        dy = self.y.draw(rng, n, ctx) - self.mean_y
        out: np.ndarray = np.exp(-dx * dx * cx - dy * dy * cy + dx * dy * cxy)
        return out


@dataclass(frozen=True, eq=False)
class Gamma(Parameter):
    """The gamma density ``x^(kappa-1) exp(-x/theta) / (theta^kappa Gamma(kappa))`` of ``x``.

    Raises
    ------
    BadProperty
        If ``kappa`` or ``theta`` is not > 0.
    """

    x: Parameter
    kappa: float = 1.0
    theta: float = 1.0

    def __post_init__(self) -> None:
        _positive("gamma", "kappa", self.kappa)
        _positive("gamma", "theta", self.theta)

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values."""
        inv = 1.0 / self.theta
        delta = inv ** self.kappa / math.gamma(self.kappa)
        x = self.x.draw(rng, n, ctx)
        out: np.ndarray = np.power(x, self.kappa - 1.0) * np.exp(-1.0 * inv * x) * delta
        return out


@dataclass(frozen=True, eq=False)
class Gabor(Parameter):
    """NEST's Gabor profile of ``(x, y)``: a Gaussian envelope (``std``, aspect ``gamma``)
    times the positive part of a cosine of wavelength ``lam`` and phase ``psi`` (degrees),
    turned by ``theta`` (degrees).

    Raises
    ------
    BadProperty
        If ``std`` or ``gamma`` is not > 0.
    """

    x: Parameter
    y: Parameter
    theta: float = 0.0
    gamma: float = 1.0
    std: float = 1.0
    lam: float = 1.0
    psi: float = 0.0

    def __post_init__(self) -> None:
        _positive("gabor", "std", self.std)
        _positive("gabor", "gamma", self.gamma)

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values."""
        c, s = math.cos(self.theta * math.pi / 180.0), math.sin(self.theta * math.pi / 180.0)
        inv = 1.0 / (2 * self.std * self.std)
        dx, dy = self.x.draw(rng, n, ctx), self.y.draw(rng, n, ctx)
        xp, yp = dx * c + dy * s, -dx * s + dy * c
        env = np.exp(-self.gamma * self.gamma * xp * xp * inv - yp * yp * inv)
        out: np.ndarray = env * np.maximum(np.cos(2 * math.pi * yp / self.lam + self.psi * math.pi / 180.0), 0.0)
        return out
