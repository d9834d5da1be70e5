"""Compiled delivery through ``stdp_facetshw_synapse_hom``, NEST's model of the FACETS
hardware STDP (Pfeil et al. 2012).

Each connection accumulates spike pairs on two "capacitors": at each presynaptic spike
at ``t`` (delay ``d``, all of it dendritic), of the postsynaptic spikes in
``(t_last - d, t - d]`` the first adds ``exp((t_last - (t_first + d)) / tau_plus)`` to
``a_causal`` and the last adds ``exp((t_last_post + d - t) / tau_minus_stdp)`` to
``a_acausal``.  The weight changes only at readouts: a connection's first spike gives it
the next ``synapse_id`` of the model (``no_synapses`` counts them), its first readout at
``floor(synapse_id / synapses_per_driver) driver_readout_time`` (ms) and makes the
readout cycle ``floor((no_synapses - 1) / synapses_per_driver + 1) driver_readout_time``.
A spike after the connection's readout time first reads out: the weight, rounded to an
entry of ``weight_per_lut_entry``, goes through look-up table 0, 1 or 2 as the two
configurable threshold comparisons of the capacitors say (each resetting the capacitors
``reset_pattern`` names), the readout time advances by whole cycles past ``t``, and the
weight becomes the new entry times ``weight_per_lut_entry``.  Then the pairs are
accumulated and the spike is transmitted with the weight.  Times in ms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numba import njit

from spikesim.kernel.delivery import add_spike, spike_events
from spikesim.kernel.stdp_rules import STDP_EPS, first_after
from spikesim.kernel.stp import record_weight

#: rows of the shared parameter table
F_TAU_PLUS, F_TAU_MINUS, F_WPLE, F_PER_DRIVER, F_READOUT = range(5)
#: the model's counters (updated in place): synapses seen, readout cycle (ms)
F_NO_SYNAPSES, F_CYCLE = range(2)


@njit(cache=True, inline="always")
def _evaluate(a_c: float, a_a: float, th: float, tl: float, cb: np.ndarray) -> bool:
    """NEST's threshold comparison of the two capacitors with configuration bits ``cb``."""
    left: float = (tl + cb[2] * a_c + cb[1] * a_a) / (1.0 + cb[2] + cb[1])
    right: float = (th + cb[0] * a_c + cb[3] * a_a) / (1.0 + cb[0] + cb[3])
    return left > right


@njit(cache=True, inline="always")
def _first_readout(c: int, prm: np.ndarray, cnt: np.ndarray, sid: np.ndarray, nrt: np.ndarray) -> None:
    """A connection's first spike: its id, its first readout time, the model's cycle."""
    sid[c] = cnt[F_NO_SYNAPSES]
    cnt[F_NO_SYNAPSES] += 1.0
    per = prm[F_PER_DRIVER, 0]
    cnt[F_CYCLE] = math.trunc((cnt[F_NO_SYNAPSES] - 1.0) / per + 1.0) * prm[F_READOUT, 0]
    nrt[c] = (int(sid[c]) // int(per)) * prm[F_READOUT, 0]


@njit(cache=True, inline="always")
def _read_out(wc: float, c: int, t_spike: float, prm: np.ndarray, cnt: np.ndarray, luts: np.ndarray,
              cfg: np.ndarray, reset: np.ndarray, ac: np.ndarray, aa: np.ndarray, th: np.ndarray, tl: np.ndarray,
              nrt: np.ndarray) -> float:
    """The weight after a readout of connection ``c`` (capacitors reset, readout time advanced)."""
    x = wc / prm[F_WPLE, 0]
    entry = int(math.floor(x + 0.5)) if x >= 0.0 else int(math.ceil(x - 0.5))  # C's round
    e0 = _evaluate(ac[c], aa[c], th[c], tl[c], cfg[0])
    e1 = _evaluate(ac[c], aa[c], th[c], tl[c], cfg[1])
    table = 0 if e0 and not e1 else 1 if e1 and not e0 else 2 if e0 and e1 else -1
    if table >= 0:
        # NEST indexes its table unchecked; an entry outside it is taken as the nearest end
        entry = luts[table, min(max(entry, 0), luts.shape[1] - 1)]
        if reset[2 * table]:
            ac[c] = 0.0
        if reset[2 * table + 1]:
            aa[c] = 0.0
    if cnt[F_CYCLE] > 0.0:  # NEST would loop forever on a cycle of 0
        while t_spike > nrt[c]:
            nrt[c] += cnt[F_CYCLE]
    out: float = entry * prm[F_WPLE, 0]
    return out


@njit(cache=True, nogil=True)
def deliver_facetshw(ids: np.ndarray, steps: np.ndarray, mult: np.ndarray, n: int, is_neuron: np.ndarray,
                     ptr: np.ndarray, tgt: np.ndarray, w: np.ndarray, d: np.ndarray, rcpt: np.ndarray,
                     cols: tuple[np.ndarray, ...],
                     prm: np.ndarray, cnt: np.ndarray, luts: np.ndarray, cfg: np.ndarray, reset: np.ndarray,
                     mode: np.ndarray, ring: np.ndarray, L: int, last_idx: np.ndarray, log_t: np.ndarray,
                     prev: np.ndarray, nxt: np.ndarray, tps: int, wr_out: np.ndarray, wr_n: int) -> int:
    """Deliver the slice's spikes through one ``stdp_facetshw_synapse_hom`` projection (see
    the module); returns the weight-recorder rows written.

    Parameters
    ----------
    ids, steps, mult, n, is_neuron, ptr, tgt, w, d, rcpt, mode, ring, L, tps, wr_out, wr_n
        As for :func:`spikesim.kernel.plasticity.deliver_stdp` (``w`` updated in place).
    cols
        Per-connection columns, updated in place: ``a_causal``, ``a_acausal``,
        ``a_thresh_th``, ``a_thresh_tl``, ``init_flag`` (0/1), the hardware synapse id,
        ``next_readout_time`` (ms), last spike time (ms).
    prm, cnt
        Shared parameters (rows ``F_*``, one column) and the model's counters.
    luts, cfg, reset
        Look-up tables ``(3, 16)``, configuration bits ``(2, 4)``, reset pattern ``(6,)``.
    last_idx, log_t, prev, nxt
        The postsynaptic archive (:class:`~spikesim.kernel.archive.PostArchive`).
    """
    ac, aa, th, tl, init, sid, nrt, tlast = cols
    d_hom, r_hom = d.shape[0] == 1, rcpt.shape[0] == 1
    for a in range(n):
        src, st = ids[a], steps[a]
        t_spike = ((st + 1) * tps) * 0.001
        reps, psp = spike_events(src, mult[a], is_neuron)
        for c in range(ptr[src], ptr[src + 1]):
            dc = d[0] if d_hom else d[c]
            rc = rcpt[0] if r_hom else rcpt[c]
            dd = (dc * tps) * 0.001
            j = tgt[c]
            for _ in range(reps):
                if init[c] == 0.0:
                    _first_readout(c, prm, cnt, sid, nrt)
                    init[c] = 1.0
                if t_spike > nrt[c]:
                    w[c] = _read_out(w[c], c, t_spike, prm, cnt, luts, cfg, reset, ac, aa, th, tl, nrt)
                hi = t_spike - dd + STDP_EPS
                e = first_after(tlast[c] - dd + STDP_EPS, j, last_idx, log_t, prev)
                if e >= 0 and log_t[e] < hi:
                    ac[c] += math.exp((tlast[c] - (log_t[e] + dd)) / prm[F_TAU_PLUS, 0])
                    while nxt[e] >= 0 and log_t[nxt[e]] < hi:
                        e = nxt[e]
                    aa[c] += math.exp(((log_t[e] + dd) - t_spike) / prm[F_TAU_MINUS, 0])
                add_spike(ring, mode, (st + dc) % L, j, w[c], psp, rc)
                wr_n = record_weight(wr_out, wr_n, src, j, st, w[c], rc, c)
                tlast[c] = t_spike
    return wr_n


def facetshw_tables(defaults: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The compiled kernel's tables from a model's defaults.

    Parameters
    ----------
    defaults : mapping
        The ``stdp_facetshw_synapse_hom`` model's parameters (times in ms).

    Returns
    -------
    tuple
        ``prm`` (rows ``F_*``, one column), ``cnt`` (``no_synapses``,
        ``readout_cycle_duration`` in ms), look-up tables ``(3, 16)``, configuration bits
        ``(2, 4)`` and the reset pattern ``(6,)``.
    """
    prm = np.array([[float(defaults[k])] for k in ("tau_plus", "tau_minus_stdp", "weight_per_lut_entry",
                                                    "synapses_per_driver", "driver_readout_time")])
    cnt = np.array([float(defaults["no_synapses"]), float(defaults["readout_cycle_duration"])])
    luts = np.array([np.asarray(defaults[f"lookuptable_{i}"], dtype=np.int64) for i in range(3)])
    cfg = np.array([np.asarray(defaults[f"configbit_{i}"], dtype=np.float64) for i in range(2)])
    reset = np.asarray(defaults["reset_pattern"], dtype=np.int64)
    return prm, cnt, luts, cfg, reset
