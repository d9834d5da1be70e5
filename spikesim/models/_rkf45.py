"""Adaptive Runge-Kutta-Fehlberg 4(5) as NEST drives it through GSL (``gsl_odeiv``).

NEST's conductance-based neurons integrate each simulation step ``[0, h]`` with

    t = 0
    while t < h:
        gsl_odeiv_evolve_apply(evolve, control, rkf45, sys, &t, h, &IntegrationStep, y)

using the ``rkf45`` stepper and the standard ("y") control with ``eps_abs = 1e-3``,
``eps_rel = 0``.  ``IntegrationStep`` starts at ``h`` and is carried over from one
step (and one Simulate call) to the next.  This module reproduces that loop with the
same floating-point operations, in the order GSL 2.x (``ode-initval/rkf45.c``,
``cstd.c``, ``evolve.c``) performs them:

* ``evolve_apply``: ``k1 = f(y)`` once per call; a trial step longer than the
  remaining interval ``dt`` is clipped to ``dt`` and then ends exactly at ``t1``;
  a step whose error is too large is redone from the same ``y`` with the smaller
  step the control suggests, as long as that is a real decrease and still moves
  ``t``; the step size left for the next call is the one suggested after the last
  accepted trial (also when that trial was clipped).
* control (``hadjust``, order 5): ``rmax = max_i |yerr_i| / eps_abs``;
  ``rmax > 1.1``: ``h *= max(0.9 / rmax^(1/5), 0.2)`` (decrease);
  ``rmax < 0.5``: ``h *= min(max(0.9 / rmax^(1/6), 1), 5)`` (increase).
* the stepper propagates the fifth-order solution; the error is the difference
  between the fifth- and fourth-order solutions.

The state is a tuple of scalars and the right-hand side ``rhs(p, y) -> dy/dt`` a
compiled function of the tuple ``p`` of frozen inputs (refractoriness, stimulus
current, parameters), so the loop runs on registers without allocating.  The
right-hand sides used here do not depend on ``t``; the stage times are not passed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numba import njit

from spikesim.errors import NumericalInstability

# Runge-Kutta-Fehlberg coefficients, computed as the same quotients as in GSL.
B3_0, B3_1 = 3.0 / 32.0, 9.0 / 32.0
B4_0, B4_1, B4_2 = 1932.0 / 2197.0, -7200.0 / 2197.0, 7296.0 / 2197.0
B5_0, B5_1, B5_2, B5_3 = 8341.0 / 4104.0, -32832.0 / 4104.0, 29440.0 / 4104.0, -845.0 / 4104.0
B6_0, B6_1, B6_2, B6_3, B6_4 = (-6080.0 / 20520.0, 41040.0 / 20520.0, -28352.0 / 20520.0,
                                9295.0 / 20520.0, -5643.0 / 20520.0)
A_0 = 1.0 / 4.0
C1 = 902880.0 / 7618050.0
C3 = 3953664.0 / 7618050.0
C4 = 3855735.0 / 7618050.0
C5 = -1371249.0 / 7618050.0
C6 = 277020.0 / 7618050.0
# differences of the fifth- and fourth-order weights (error estimate)
EC1 = 1.0 / 360.0
EC3 = -128.0 / 4275.0
EC4 = -2197.0 / 75240.0
EC5 = 1.0 / 50.0
EC6 = 2.0 / 55.0

#: NEST's error control: gsl_odeiv_control_y_new(1e-3, 0.0)
EPS_ABS = 1e-3
#: order of the rkf45 stepper as reported to the control
ORDER = 5
DEC_EXP = 1.0 / ORDER            # C: 1.0/ord with ord an unsigned int
INC_EXP = 1.0 / (ORDER + 1.0)
SAFETY = 0.9
DBL_MIN = 2.2250738585072014e-308
#: integrator steps within one simulation step beyond which a neuron counts as unstable
#: (a few dozen at most in normal runs).  NEST has no such bound: where the steps
#: shrink to nothing (a huge conductance or rate) its loop, like GSL's, does not end.
MAX_SUBSTEPS = 100_000


def unstable_reason(state: str) -> str:
    """The text of a NumericalInstability of an RKF45 model: the integrator gave up after
    :data:`MAX_SUBSTEPS` steps within one simulation step; ``state`` names the
    parameters and state variables to check."""
    return (f"the integrator needed over {MAX_SUBSTEPS:,} steps in one simulation step (its steps shrink without "
            f"end, where NEST's loop does not return); check the parameters and the state ({state})")


# -- one component of each stage --------------------------------------------------------------
@njit(cache=True, inline="always")
def _s2(y, h, k1):
    return y + A_0 * h * k1


@njit(cache=True, inline="always")
def _s3(y, h, k1, k2):
    return y + h * (B3_0 * k1 + B3_1 * k2)


@njit(cache=True, inline="always")
def _s4(y, h, k1, k2, k3):
    return y + h * (B4_0 * k1 + B4_1 * k2 + B4_2 * k3)


@njit(cache=True, inline="always")
def _s5(y, h, k1, k2, k3, k4):
    return y + h * (B5_0 * k1 + B5_1 * k2 + B5_2 * k3 + B5_3 * k4)


@njit(cache=True, inline="always")
def _s6(y, h, k1, k2, k3, k4, k5):
    return y + h * (B6_0 * k1 + B6_1 * k2 + B6_2 * k3 + B6_3 * k4 + B6_4 * k5)


@njit(cache=True, inline="always")
def _out(y, h, k1, k3, k4, k5, k6):
    d = C1 * k1 + C3 * k3 + C4 * k4 + C5 * k5 + C6 * k6
    return y + h * d


@njit(cache=True, inline="always")
def _ratio(h, k1, k3, k4, k5, k6, rmax):
    """Fold ``|yerr| / eps_abs`` of one component into the running maximum (GSL_MAX_DBL)."""
    yerr = h * (EC1 * k1 + EC3 * k3 + EC4 * k4 + EC5 * k5 + EC6 * k6)
    r = abs(yerr) / EPS_ABS
    return r if r > rmax else rmax


# -- one trial step -----------------------------------------------------------------------------
@njit(cache=True, inline="always")
def rkf45_step3(rhs, p, y, k1, h):
    """Trial step of a 3-component system: (fifth-order y(t+h), max error ratio)."""
    y0, y1, y2 = y
    a0, a1, a2 = k1
    b0, b1, b2 = rhs(p, (_s2(y0, h, a0), _s2(y1, h, a1), _s2(y2, h, a2)))
    c0, c1, c2 = rhs(p, (_s3(y0, h, a0, b0), _s3(y1, h, a1, b1), _s3(y2, h, a2, b2)))
    d0, d1, d2 = rhs(p, (_s4(y0, h, a0, b0, c0), _s4(y1, h, a1, b1, c1), _s4(y2, h, a2, b2, c2)))
    e0, e1, e2 = rhs(p, (_s5(y0, h, a0, b0, c0, d0), _s5(y1, h, a1, b1, c1, d1),
                         _s5(y2, h, a2, b2, c2, d2)))
    f0, f1, f2 = rhs(p, (_s6(y0, h, a0, b0, c0, d0, e0), _s6(y1, h, a1, b1, c1, d1, e1),
                         _s6(y2, h, a2, b2, c2, d2, e2)))
    rmax = DBL_MIN
    rmax = _ratio(h, a0, c0, d0, e0, f0, rmax)
    rmax = _ratio(h, a1, c1, d1, e1, f1, rmax)
    rmax = _ratio(h, a2, c2, d2, e2, f2, rmax)
    out = (_out(y0, h, a0, c0, d0, e0, f0), _out(y1, h, a1, c1, d1, e1, f1),
           _out(y2, h, a2, c2, d2, e2, f2))
    return out, rmax


@njit(cache=True, inline="always")
def rkf45_step5(rhs, p, y, k1, h):
    """Trial step of a 5-component system: (fifth-order y(t+h), max error ratio)."""
    y0, y1, y2, y3, y4 = y
    a0, a1, a2, a3, a4 = k1
    b0, b1, b2, b3, b4 = rhs(p, (_s2(y0, h, a0), _s2(y1, h, a1), _s2(y2, h, a2), _s2(y3, h, a3),
                                 _s2(y4, h, a4)))
    c0, c1, c2, c3, c4 = rhs(p, (_s3(y0, h, a0, b0), _s3(y1, h, a1, b1), _s3(y2, h, a2, b2),
                                 _s3(y3, h, a3, b3), _s3(y4, h, a4, b4)))
    d0, d1, d2, d3, d4 = rhs(p, (_s4(y0, h, a0, b0, c0), _s4(y1, h, a1, b1, c1),
                                 _s4(y2, h, a2, b2, c2), _s4(y3, h, a3, b3, c3),
                                 _s4(y4, h, a4, b4, c4)))
    e0, e1, e2, e3, e4 = rhs(p, (_s5(y0, h, a0, b0, c0, d0), _s5(y1, h, a1, b1, c1, d1),
                                 _s5(y2, h, a2, b2, c2, d2), _s5(y3, h, a3, b3, c3, d3),
                                 _s5(y4, h, a4, b4, c4, d4)))
    f0, f1, f2, f3, f4 = rhs(p, (_s6(y0, h, a0, b0, c0, d0, e0), _s6(y1, h, a1, b1, c1, d1, e1),
                                 _s6(y2, h, a2, b2, c2, d2, e2), _s6(y3, h, a3, b3, c3, d3, e3),
                                 _s6(y4, h, a4, b4, c4, d4, e4)))
    rmax = DBL_MIN
    rmax = _ratio(h, a0, c0, d0, e0, f0, rmax)
    rmax = _ratio(h, a1, c1, d1, e1, f1, rmax)
    rmax = _ratio(h, a2, c2, d2, e2, f2, rmax)
    rmax = _ratio(h, a3, c3, d3, e3, f3, rmax)
    rmax = _ratio(h, a4, c4, d4, e4, f4, rmax)
    out = (_out(y0, h, a0, c0, d0, e0, f0), _out(y1, h, a1, c1, d1, e1, f1),
           _out(y2, h, a2, c2, d2, e2, f2), _out(y3, h, a3, c3, d3, e3, f3),
           _out(y4, h, a4, c4, d4, e4, f4))
    return out, rmax


# -- gsl_odeiv_evolve_apply with the standard control ---------------------------------------------
@njit(cache=True, inline="always")
def evolve_apply(step, rhs, p, y, t, t1, h):
    """One accepted step from ``t`` towards ``t1``: returns ``(y, t, h)``.

    ``step`` is :func:`rkf45_step3` or :func:`rkf45_step5`, ``h`` the suggested step
    size, updated for the next call.
    """
    t0 = t
    h0 = h
    dt = t1 - t0
    k1 = rhs(p, y)
    while True:
        final = False
        if h0 > dt:
            h0 = dt
            final = True
        y_new, rmax = step(rhs, p, y, k1, h0)
        t_new = t1 if final else t0 + h0
        h_old = h0
        if rmax > 1.1:
            r = SAFETY / math.pow(rmax, DEC_EXP)
            if r < 0.2:
                r = 0.2
            h0 = r * h_old
            if abs(h0) < abs(h_old) and t_new + h0 != t_new:
                continue  # undo and retry from y with the smaller step
            h0 = h_old
        elif rmax < 0.5:
            r = SAFETY / math.pow(rmax, INC_EXP)
            if r > 5.0:
                r = 5.0
            if r < 1.0:
                r = 1.0
            h0 = r * h_old
        return y_new, t_new, h0


@njit(cache=True, inline="always")
def integrate(step, rhs, p, y, t1, h):
    """Integrate over ``[0, t1]`` as NEST's update loop does: returns ``(y, h)``.

    Wrap it per model in a plain (not IR-inlined) compiled function without
    function arguments, and call that from the ``prange`` loop: numba's parfor
    analysis does not cope with this code inlined into a parallel loop, and a
    function passed as an argument to a non-inlined call defeats caching.
    After :data:`MAX_SUBSTEPS` integrator steps the step is abandoned and ``h`` is
    returned as -1 (the caller stops the neuron; see :func:`stop_unstable`).
    """
    t = 0.0
    n = 0
    while t < t1:
        n += 1
        if n > MAX_SUBSTEPS:
            return y, -1.0
        y, t, h = evolve_apply(step, rhs, p, y, t, t1, h)
    return y, h


# -- any dimension, with GSL's full standard control ----------------------------------------------
# The AdEx and Hodgkin-Huxley models have more components and NEST gives some of them
# ``gsl_odeiv_control_yp_new(tol, tol)``: the allowed error of component i is
# ``D_i = eps_rel * (a_y |y_i| + a_dydt |h_old y'_i|) + eps_abs`` with ``y`` and ``y'`` at
# the end of the trial step.  These versions work in place on small arrays (one scratch
# block per neuron) so that one implementation serves every dimension.
# Rows of the scratch block ``w`` (shape (N_WORK, dim)):
W_Y0, W_K1, W_K2, W_K3, W_K4, W_K5, W_K6, W_TMP, W_ERR, W_DYDT = range(10)
N_WORK = 10


@njit(cache=True, inline="always")
def rkf45_step_arr(rhs, p, y, h, w):
    """Trial step from ``w[W_Y0]`` with ``k1 = w[W_K1]``: writes the fifth-order solution
    into ``y``, the error estimate into ``w[W_ERR]`` and ``y'(t + h)`` into ``w[W_DYDT]``."""
    n = y.shape[0]
    y0, k1, k2, k3, k4, k5, k6, tmp = w[W_Y0], w[W_K1], w[W_K2], w[W_K3], w[W_K4], w[W_K5], w[W_K6], w[W_TMP]
    for i in range(n):
        tmp[i] = _s2(y0[i], h, k1[i])
    rhs(p, tmp, k2)
    for i in range(n):
        tmp[i] = _s3(y0[i], h, k1[i], k2[i])
    rhs(p, tmp, k3)
    for i in range(n):
        tmp[i] = _s4(y0[i], h, k1[i], k2[i], k3[i])
    rhs(p, tmp, k4)
    for i in range(n):
        tmp[i] = _s5(y0[i], h, k1[i], k2[i], k3[i], k4[i])
    rhs(p, tmp, k5)
    for i in range(n):
        tmp[i] = _s6(y0[i], h, k1[i], k2[i], k3[i], k4[i], k5[i])
    rhs(p, tmp, k6)
    for i in range(n):
        y[i] = _out(y0[i], h, k1[i], k3[i], k4[i], k5[i], k6[i])
    rhs(p, y, w[W_DYDT])
    err = w[W_ERR]
    for i in range(n):
        err[i] = h * (EC1 * k1[i] + EC3 * k3[i] + EC4 * k4[i] + EC5 * k5[i] + EC6 * k6[i])


@njit(cache=True, inline="always")
def _rmax_std(y, w, h_old, ctl):
    """``max_i |yerr_i| / |D_i|`` of GSL's standard control, ``ctl = (eps_abs, eps_rel, a_y, a_dydt)``."""
    eps_abs, eps_rel, a_y, a_dydt = ctl
    err = w[W_ERR]
    yp = w[W_DYDT]
    rmax = DBL_MIN
    for i in range(y.shape[0]):
        d0 = eps_rel * (a_y * abs(y[i]) + a_dydt * abs(h_old * yp[i])) + eps_abs
        r = abs(err[i]) / abs(d0)
        rmax = r if r > rmax else rmax
    return rmax


@njit(cache=True, inline="always")
def evolve_apply_arr(rhs, p, y, t, t1, h, w, ctl):
    """:func:`evolve_apply` on an array ``y`` (updated in place) with the standard control
    ``ctl = (eps_abs, eps_rel, a_y, a_dydt)``: returns ``(t, h)``."""
    n = y.shape[0]
    y0 = w[W_Y0]
    for i in range(n):
        y0[i] = y[i]
    t0 = t
    h0 = h
    dt = t1 - t0
    rhs(p, y0, w[W_K1])
    while True:
        final = False
        if h0 > dt:
            h0 = dt
            final = True
        rkf45_step_arr(rhs, p, y, h0, w)
        t_new = t1 if final else t0 + h0
        h_old = h0
        rmax = _rmax_std(y, w, h_old, ctl)
        if rmax > 1.1:
            r = SAFETY / math.pow(rmax, DEC_EXP)
            if r < 0.2:
                r = 0.2
            h0 = r * h_old
            if abs(h0) < abs(h_old) and t_new + h0 != t_new:
                continue  # undo (the trial started from w[W_Y0]) and retry with the smaller step
            h0 = h_old
        elif rmax < 0.5:
            r = SAFETY / math.pow(rmax, INC_EXP)
            if r > 5.0:
                r = 5.0
            if r < 1.0:
                r = 1.0
            h0 = r * h_old
        return t_new, h0


@njit(cache=True, inline="always")
def integrate_arr(rhs, p, y, t1, h, w, ctl):
    """Integrate the array ``y`` in place over ``[0, t1]`` (ms) as NEST's update loop
    does, with :func:`evolve_apply_arr` and the control ``ctl``; returns the step size
    (ms) for the next call, or -1 after :data:`MAX_SUBSTEPS` integrator steps (the
    caller stops the neuron; see :func:`stop_unstable`)."""
    t = 0.0
    n = 0
    while t < t1:
        n += 1
        if n > MAX_SUBSTEPS:
            return -1.0
        t, h = evolve_apply_arr(rhs, p, y, t, t1, h, w, ctl)
    return h


def stop_unstable(update: Callable[..., None], name: str, step_row: int, why: str) -> Callable[..., None]:
    """``update`` (a compiled RKF45 neuron kernel) followed by a check for neurons it
    stopped: such a neuron marks -1 in state row ``step_row`` (its integration step,
    ms, otherwise > 0) and the slice ends with an error instead of a run whose
    integrator steps shrink without end.

    Parameters
    ----------
    update : callable
        The compiled kernel (the signature of :class:`~spikesim.models.base.NeuronModel`).
    name : str
        The model's name, for the message.
    step_row : int
        The state row of the integration step.
    why : str
        What stops a neuron and which parameters to check, for the message.

    Returns
    -------
    callable
        The kernel with the check.

    Raises
    ------
    NumericalInstability
        From the returned function, naming the model and the first stopped neuron's
        column in its population.
    """
    def run(S: np.ndarray, *args: Any) -> None:
        update(S, *args)
        bad = np.flatnonzero(S[step_row] < 0.0)
        if bad.size:
            raise NumericalInstability(
                f"{name}: numerical instability in neuron {int(bad[0])} of its population (of {bad.size}): {why}")
    run.__name__ = f"{name}_update"
    return run
