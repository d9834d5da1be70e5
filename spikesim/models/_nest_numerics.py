"""NEST's own ``numerics::expm1``, as the NEST 3.10.0 build on PyPI computes it.

NEST's models call ``numerics::expm1`` where they need ``exp(x) - 1`` (the membrane
propagators of ``iaf_psc_alpha`` and the gif models, the escape probabilities of
``pp_psc_delta`` and the gif models, ``stdp_dopamine_synapse``).  In the published
NEST 3.10.0 wheel this is not the C library's ``expm1`` but NEST's fallback, compiled
inline (read off the machine code of ``iaf_psc_alpha::pre_run_hook``): ``exp(x) - 1``
for ``|x| > ln 2``, else the Taylor series ``x + x^2/2 + x^3/6 + ...`` summed until a
term falls below ``|sum| * DBL_EPSILON``.  It differs from the correctly rounded
``expm1`` in the last bit for some arguments (``x = -0.01``: NEST ``-0x1.460c0b518c09ep-7``,
the C library ``-0x1.460c0b518c09fp-7``), so that a ``V_m`` driven by ``I_e`` differs by
one unit in the last place at some steps; this function makes such runs bit-identical.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: ln 2 as NEST's fallback compares it (the double nearest ln 2)
_LN2 = 0.6931471805599453
#: DBL_EPSILON, 2**-52
_EPS = 2.220446049250313e-16


@njit(cache=True)
def nest_expm1(x: float) -> float:
    """``exp(x) - 1`` computed as NEST 3.10.0's ``numerics::expm1`` computes it (see the module)."""
    if x == 0.0:
        return 0.0
    if abs(x) > _LN2:
        return math.exp(x) - 1.0
    total = x
    term = x * x * 0.5
    n = 2
    if term > abs(x) * _EPS:
        while True:
            total += term
            n += 1
            term *= x / n
            if not abs(term) > abs(total) * _EPS:
                break
    return total


def nest_expm1_array(x: np.ndarray | float) -> np.ndarray:
    """:func:`nest_expm1` of every element (once per distinct value), as a float64 array of ``x``'s shape."""
    a = np.asarray(x, dtype=float)
    u, inv = np.unique(a, return_inverse=True)
    out = np.array([nest_expm1(float(v)) for v in u])
    return out[inv.reshape(-1)].reshape(a.shape)
