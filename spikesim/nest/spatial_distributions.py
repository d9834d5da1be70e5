"""``nest.spatial_distributions``: profiles of a (spatial) parameter, NEST's
``exponential``, ``gaussian``, ``gaussian2D``, ``gamma`` and ``gabor``.

Each takes a parameter ``x`` (usually ``nest.spatial.distance``, in layer units) and
gives a value per connection: a probability, or a weight or delay once scaled.
"""

from __future__ import annotations

from typing import Any

from spikesim.network import spatial_parameters as _sp
from spikesim.network.parameters import Parameter, as_parameter

__all__ = ["exponential", "gabor", "gamma", "gaussian", "gaussian2D"]


def exponential(x: Any, beta: float = 1.0) -> Parameter:
    """``exp(-x / beta)``.

    Raises
    ------
    BadProperty
        If ``beta`` is not > 0.
    """
    return _sp.ExpDistribution(as_parameter(x), beta)


def gaussian(x: Any, mean: float = 0.0, std: float = 1.0) -> Parameter:
    """``exp(-(x - mean)^2 / (2 std^2))``.

    Raises
    ------
    BadProperty
        If ``std`` is not > 0.
    """
    return _sp.Gaussian(as_parameter(x), mean, std)


def gaussian2D(x: Any, y: Any, mean_x: float = 0.0, mean_y: float = 0.0, std_x: float = 1.0,  # noqa: N802
               std_y: float = 1.0, rho: float = 0.0) -> Parameter:
    """The bivariate Gaussian profile of ``(x, y)`` (peak 1), correlation ``rho``.

    Raises
    ------
    BadProperty
        If a standard deviation is not > 0 or ``rho`` is outside (-1, 1).
    """
    return _sp.Gaussian2D(as_parameter(x), as_parameter(y), mean_x, mean_y, std_x, std_y, rho)


def gamma(x: Any, kappa: float = 1.0, theta: float = 1.0) -> Parameter:
    """The gamma density ``x^(kappa-1) exp(-x/theta) / (theta^kappa Gamma(kappa))``.

    Raises
    ------
    BadProperty
        If ``kappa`` or ``theta`` is not > 0.
    """
    return _sp.Gamma(as_parameter(x), kappa, theta)


def gabor(x: Any, y: Any, theta: float = 0.0, gamma: float = 1.0, std: float = 1.0, lam: float = 1.0,
          psi: float = 0.0) -> Parameter:
    """NEST's Gabor profile of ``(x, y)`` (angles ``theta`` and phase ``psi`` in degrees).

    Raises
    ------
    BadProperty
        If ``std`` or ``gamma`` is not > 0.
    """
    return _sp.Gabor(as_parameter(x), as_parameter(y), theta, gamma, std, lam, psi)
