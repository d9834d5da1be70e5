"""Integer thresholds of the Poisson drive give the float inverse-CDF counts, draw for draw.

The uniform Poisson drive counts a draw ``u = z * 2**-53`` on its 53-bit integer ``z``
against ``T = poisson_thresholds(cdf)`` (the number of ``T[k] <= z``).  The reference
is the float inverse-CDF draw the general kernel makes (``rng.poisson_guided``: the
smallest ``k`` with ``u < cdf[k]``) and numpy's ``searchsorted`` on the same doubles.
"""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from spikesim import rng
from spikesim.kernel.delivery import poisson_thresholds

TWO_P53 = 2**53


@njit(cache=False)
def _guided_counts(cdf: np.ndarray, guide: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``rng.poisson_guided`` for every entry of ``u``."""
    out = np.empty(u.shape[0], dtype=np.int64)
    for j in range(u.shape[0]):
        out[j] = rng.poisson_guided(cdf, guide, u[j])
    return out


def _draws(cdf: np.ndarray, g: np.random.Generator) -> np.ndarray:
    """53-bit draws: random ones, the extremes, and every integer next to an entry of
    the CDF (``floor`` - 1, ``floor``, ``ceil``, ``ceil`` + 1 of ``cdf[k] * 2**53``); for
    entries of at least 1/2, which are multiples of 2**-53, that is ``u == cdf[k]``."""
    scaled = cdf[cdf < 1.0] * float(TWO_P53)
    near = np.concatenate([np.floor(scaled) + d for d in (-1, 0)] + [np.ceil(scaled) + d for d in (0, 1)])
    near = near[(near >= 0) & (near < TWO_P53)].astype(np.int64)
    rand = g.integers(0, TWO_P53, 100_000, dtype=np.int64)
    return np.concatenate([rand, near, np.array([0, 1, TWO_P53 - 1], dtype=np.int64)])


@pytest.mark.parametrize("lam", [1e-3, 0.37, 2.0, 100.0])
def test_integer_threshold_count_is_the_inverse_cdf_count(lam: float) -> None:
    g = np.random.default_rng(17)
    cdf = rng.poisson_table(lam)
    T = poisson_thresholds(cdf)
    assert T.shape == (cdf.size + 8,) and np.all(T[cdf.size:] > TWO_P53 - 1)  # padding above every draw
    z = _draws(cdf, g)
    u = z.astype(np.float64) * 2.0**-53
    assert np.array_equal(u * float(TWO_P53), z.astype(np.float64))  # u is z * 2**-53 exactly
    exact = cdf[(cdf >= 0.5) & (cdf < 1.0)]
    assert np.isin(exact, u).all()  # draws exactly at an entry are among them
    by_int = (T[None, :] <= z[:, None]).sum(axis=1)  # the kernel's count: thresholds <= z
    assert np.array_equal(by_int, _guided_counts(cdf, rng.guide_table(cdf), u))
    assert np.array_equal(by_int, np.searchsorted(cdf, u, side="right"))


def test_thresholds_are_ceilings_of_the_scaled_cdf() -> None:
    cdf = np.array([0.0, 2.0**-60, 0.1, 0.5, 0.75, 1.0 - 2.0**-53, 2.0])
    T = poisson_thresholds(cdf)
    # derivation: 0.1 is 0x1999999999999A * 2**-56, so 0.1 * 2**53 = 900719925474099.25, so its ceiling is ...100
    expected = [0, 1, 900719925474100, 2**52, 3 * 2**51, 2**53 - 1, *[2**54] * 9]
    assert T.tolist() == expected
