"""Compiled passes of the detectors (see :mod:`spikesim.recording.detectors`): each
takes one slice's events in arrival order and updates the detector's state.

Times are integer steps (stamps); an event is one spike through one connection, with
its port (receptor type), stamp, weight ``multiplicity x connection weight`` and
multiplicity.  The queues of past spikes hold ``(stamp, weight[, port])`` sorted by
stamp between ``head`` and ``fill``; the caller guarantees room for the slice's events.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _insert(qt: np.ndarray, qw: np.ndarray, qc: np.ndarray, head: int, fill: int, t: int, w: float,
            c: int) -> None:  # pragma: no cover - compiled
    """Insert (t, w, c) after the last queued entry with stamp <= t (queue [head, fill))."""
    pos = fill
    while pos > head and qt[pos - 1] > t:
        pos -= 1
    for k in range(fill, pos, -1):
        qt[k] = qt[k - 1]
        qw[k] = qw[k - 1]
        qc[k] = qc[k - 1]
    qt[pos] = t
    qw[pos] = w
    qc[pos] = c


@njit(cache=True)
def correlate(port: np.ndarray, stamp: np.ndarray, w: np.ndarray, mult: np.ndarray, active: np.ndarray,
              qt: np.ndarray, qw: np.ndarray, qc: np.ndarray, ends: np.ndarray, tau_max: int, delta: int,
              t0: int, t1: int, hist: np.ndarray, corr: np.ndarray, count: np.ndarray,
              n_events: np.ndarray) -> None:  # pragma: no cover - compiled
    """correlation_detector: pair each event with the queued spikes of the other port.

    ``qt``/``qw``/``qc`` are (2, capacity) queues per port, ``ends[p] = (head, fill)``;
    ``active`` marks events in the device's window; pairs count only for events stamped
    in ``[t0, t1]``; lags bin as ``floor((tau_edge +- lag) / delta)`` with
    ``tau_edge = tau_max + delta / 2`` (steps), the weight products summed with Kahan
    compensation in ``corr``.
    """
    tau_edge = tau_max + 0.5 * delta
    nb = hist.size
    for e in range(port.size):
        if not active[e]:
            continue
        s = port[e]
        o = 1 - s
        ti = stamp[e]
        # drop the other port's spikes too old for the window: the left edge closed for
        # port 0's spikes, open for port 1's
        while ends[o, 0] < ends[o, 1] and (ti - qt[o, ends[o, 0]]) - 0.5 * o >= tau_edge:
            ends[o, 0] += 1
        if t0 <= ti <= t1:
            n_events[s] += 1
            sign = 2 * s - 1
            for j in range(ends[o, 0], ends[o, 1]):
                b = int(math.floor((tau_edge + sign * (ti - qt[o, j])) / delta))
                if b < 0 or b >= nb:
                    continue
                y = w[e] * qw[o, j] - corr[b]
                t = hist[b] + y
                corr[b] = (t - hist[b]) - y
                hist[b] = t
                count[b] += mult[e]
        _insert(qt[s], qw[s], qc[s], ends[s, 0], ends[s, 1], ti, w[e], s)
        ends[s, 1] += 1


@njit(cache=True)
def correlomatrix(port: np.ndarray, stamp: np.ndarray, w: np.ndarray, mult: np.ndarray, active: np.ndarray,
                  qt: np.ndarray, qw: np.ndarray, qc: np.ndarray, ends: np.ndarray, tau_max: int, delta: int,
                  min_delay: int, t0: int, t1: int, cov: np.ndarray, count: np.ndarray,
                  n_events: np.ndarray) -> None:  # pragma: no cover - compiled
    """correlomatrix_detector: queue each event, then pair it with every queued spike
    (itself included) within ``tau_max + delta / 2 + min_delay`` steps.

    ``cov``/``count`` are (N, N, 1 + tau_max / delta): entry ``[a, b, k]`` sums pairs of
    a spike on channel ``a`` at lag ``k`` bins before one on ``b`` (bin 0: |lag| <
    delta / 2, entered both ways unless the pair is a spike with itself).
    """
    tau_edge = tau_max + 0.5 * delta
    nb = cov.shape[2]
    for e in range(port.size):
        if not active[e]:
            continue
        s = port[e]
        ti = stamp[e]
        _insert(qt, qw, qc, ends[0], ends[1], ti, w[e], s)
        ends[1] += 1
        while ends[0] < ends[1] and ti - qt[ends[0]] >= tau_edge + min_delay:
            ends[0] += 1
        if not (t0 <= ti <= t1):
            continue
        n_events[s] += 1
        for j in range(ends[0], ends[1]):
            o = qc[j]
            lag = ti - qt[j]
            a, b = (o, s) if lag < 0 else (s, o)
            if a <= b:
                k = -int(math.floor((0.5 * delta - abs(lag)) / delta))
            else:
                k = int(math.floor((0.5 * delta + abs(lag)) / delta))
            if k < 0 or k >= nb:
                continue
            cov[a, b, k] += w[e] * qw[j]
            count[a, b, k] += mult[e]
            if k == 0 and (lag != 0 or o != s):
                cov[b, a, k] += w[e] * qw[j]
                count[b, a, k] += mult[e]


@njit(cache=True)
def decode_spins(sender: np.ndarray, stamp: np.ndarray, mult: np.ndarray, active: np.ndarray,
                 block: np.ndarray, out_sender: np.ndarray, out_stamp: np.ndarray, out_state: np.ndarray
                 ) -> int:  # pragma: no cover - compiled
    """spin_detector: decode one slice's events into (sender, stamp, state) rows.

    A spike of multiplicity 2 is an up transition (state 1); a single spike waits: a
    second single spike of the same sender and stamp right after it makes it an up
    transition, anything else writes it as down (state 0) and a single spike arriving
    while another waits is dropped (NEST 3.10's decoding).  What waits is written at
    the end of its delivery ``block`` (and of the call).  Returns the number of rows
    written.
    """
    n = 0
    last = 0
    last_t = 0
    last_state = 0
    last_block = -1
    for e in range(sender.size):
        if not active[e]:
            continue
        if block[e] != last_block and last != 0:
            out_sender[n], out_stamp[n], out_state[n] = last, last_t, last_state
            n += 1
            last = 0
        last_block = block[e]
        m = mult[e]
        if m == 1 and sender[e] == last and stamp[e] == last_t:
            last_state = 1
        if last != 0:
            out_sender[n], out_stamp[n], out_state[n] = last, last_t, last_state
            n += 1
        if m == 2:
            out_sender[n], out_stamp[n], out_state[n] = sender[e], stamp[e], 1
            n += 1
            last = 0
        elif last == 0:
            last, last_t, last_state = sender[e], stamp[e], 0
        else:
            last = 0
    if last != 0:
        out_sender[n], out_stamp[n], out_state[n] = last, last_t, last_state
        n += 1
    return n
