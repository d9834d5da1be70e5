"""Status entries the NEST face adds to, or keeps out of, a node's full status.

NEST reports ``node_uses_wfr`` and ``thread_local_id`` for every node (``frozen`` is
spikesim's own status entry too); spikesim's recorders have entries NEST's lack (``schedule``, ``period``, ``duty``,
``average``, ``reduce``, ``bin``).  The face answers NEST's three and leaves the
spikesim-only ones out of ``get()`` without names (they stay readable by name), so
that a NEST script sees the dictionary NEST gives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.errors import NotImplementedFeature, bad_property
from spikesim.network.node_table import NodeTable
from spikesim.network.populations import DevicePopulation

#: entries the face computes: every node has them in NEST
FACE_KEYS = ("node_uses_wfr", "thread_local_id")

#: spikesim's recording extensions: readable by name, not listed in a full status
HIDDEN_KEYS = frozenset({"schedule", "period", "duty", "average", "reduce", "bin"})


def face_values(table: NodeTable, ids: np.ndarray, key: str, ran: bool) -> np.ndarray:
    """Values of one of :data:`FACE_KEYS` for the nodes ``ids``.

    ``node_uses_wfr`` is False (spikesim has no waveform relaxation).  ``thread_local_id``
    is NEST's index of a node among the nodes of its virtual process, counting devices,
    which NEST keeps on every thread; as in NEST it is -1 until the network was prepared
    (``ran``: simulated).

    Parameters
    ----------
    table : NodeTable
        The nodes' table.
    ids : numpy.ndarray
        Node ids, ascending.
    key : str
        One of :data:`FACE_KEYS`.
    ran : bool
        Whether the simulator has simulated (NEST numbers nodes at Prepare).

    Returns
    -------
    numpy.ndarray
        One value per node (bool or int64).
    """
    if key != "thread_local_id":
        return np.zeros(ids.size, dtype=bool)
    if not ran:
        return np.full(ids.size, -1, dtype=np.int64)
    if all(pop.placement is None for pop in table.populations):  # one process, one thread
        return ids - 1
    top = int(ids.max()) if ids.size else 0
    vp = np.zeros(top + 1, dtype=np.int64)
    device = np.zeros(top + 1, dtype=bool)
    for pop in table.populations:
        n = min(pop.n, top + 1 - pop.first)
        if n <= 0:
            break
        local = np.arange(n)
        vp[pop.first:pop.first + n] = pop.base_status(local)["vp"]
        device[pop.first:pop.first + n] = isinstance(pop, DevicePopulation)
    device[0] = False
    out = np.empty(ids.size, dtype=np.int64)
    for v in np.unique(vp[ids]):
        on = np.cumsum(((vp == v) | device) & (np.arange(top + 1) > 0))
        sel = vp[ids] == v
        out[sel] = on[ids[sel] - 1]
    return out


#: the range of NEST's integers (C++ long): Python ints outside overflow, as in PyNEST
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1


def _check_long(key: str, v: Any) -> None:
    items = v if isinstance(v, (list, tuple)) else [v]
    for x in items:
        if isinstance(x, int) and not isinstance(x, bool) and not LONG_MIN <= x <= LONG_MAX:
            raise OverflowError(f"set: parameter '{key}' = {x} does not fit NEST's integers "
                                f"({LONG_MIN} to {LONG_MAX})")


def checked_face_set(values: dict[str, Any], node_set: bool = False) -> dict[str, Any]:
    """``values`` checked as NEST converts them.  ``frozen`` goes on to the nodes in a
    ``set`` of existing nodes (``node_set``: neurons freeze, devices refuse); elsewhere
    (``Create``, ``SetDefaults``) False is dropped and True refused.

    Raises
    ------
    OverflowError
        If a Python int lies outside NEST's integers (-2**63 to 2**63 - 1).
    NotImplementedFeature
        If ``frozen`` is True outside a ``set`` of existing nodes.
    BadProperty
        If ``frozen`` is not a bool.
    """
    for k, v in values.items():
        _check_long(k, v)
    if "frozen" not in values:
        return values
    v = values["frozen"]
    if not isinstance(v, (bool, np.bool_)):
        raise bad_property("set", "frozen", v, "give True or False")
    if node_set:
        return values
    if v:
        raise NotImplementedFeature("frozen = True: spikesim freezes existing neurons only (nodes.set(frozen=True) "
                                    "after Create), not in Create or SetDefaults")
    return {k: x for k, x in values.items() if k != "frozen"}
