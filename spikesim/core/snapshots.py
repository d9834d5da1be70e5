"""Synapse state of chosen connections on a schedule (``Simulator.record_synapses``).

NEST records a weight only when a spike crosses the synapse (``weight_recorder``);
Brian2, ANNarchy, BrainPy, NEURON and Arbor can sample synapse state at fixed times.
:class:`SynapseSnapshots` does the latter through :meth:`Simulator.every`: at t =
``offset + k * interval`` ms it reads the chosen variables of a fixed set of
connections (what ``GetConnections(...).get(var)`` returns at that time: ``weight``,
``delay``, and a plastic synapse's state such as ``Kplus``), keeping either every
value (``(n_times, n_connections)`` per variable) or, with ``bins``, a histogram per
time (``(n_times, n_bins)``), whose memory does not grow with the number of connections.

Snapshots are held in memory by the object; the functions they are taken by are not
stored in checkpoints (register again after a restore: the times are absolute).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from spikesim.core.callbacks import Callbacks, Scheduled
from spikesim.errors import BadProperty, bad_property
from spikesim.network.synapse_collection import SynapseCollection


class Clocked(Protocol):
    """What snapshots need of a simulator: its time (ms) and its scheduled functions."""

    @property
    def time(self) -> float:
        """Simulated time (ms)."""
        ...

    @property
    def callbacks(self) -> Callbacks:
        """The functions called during runs."""
        ...


class SynapseSnapshots:
    """Values of synapse variables of fixed connections at fixed times.

    Parameters
    ----------
    connections : SynapseCollection
        The connections (``sim.get_connections(...)``); connections made later are not
        included, and making connections afterwards makes this collection stale (the
        next snapshot raises ``KernelException``, as ``get`` does).
    variables : sequence of str
        Keys of ``connections.get``.
    bins : int or sequence of float, optional
        Keep a histogram per time instead of every value: a number of equal bins over
        ``range``, or the bin edges (units of the variable).
    range : (float, float), optional
        The histogram's lower and upper edge with an integer ``bins`` (default: the
        values' range at the first snapshot).

    Attributes
    ----------
    sources, targets : ndarray
        Node ids of the connections (int64), in the collection's order.
    handle : Scheduled
        The registration with ``Simulator.every`` (``handle.cancel()`` stops it).
    """

    def __init__(self, connections: SynapseCollection, variables: Sequence[str],
                 bins: int | Sequence[float] | None = None, range: tuple[float, float] | None = None,  # noqa: A002
                 ) -> None:
        self.connections = connections
        self.variables = tuple(variables)
        self.sources = np.asarray(connections.get("source"), dtype=np.int64)
        self.targets = np.asarray(connections.get("target"), dtype=np.int64)
        self._bins, self._range = bins, range
        self.edges: dict[str, np.ndarray] = {}
        self._times: list[float] = []
        self._values: dict[str, list[np.ndarray]] = {v: [] for v in self.variables}
        self.handle: Scheduled | None = None

    def take(self, sim: Clocked) -> None:
        """Read the variables now and keep them (called by ``Simulator.every``)."""
        values = {v: np.asarray(self.connections.get(v), dtype=float) for v in self.variables}
        self._times.append(sim.time)
        for v, x in values.items():
            if self._bins is None:
                self._values[v].append(x.copy())
                continue
            if v not in self.edges:
                self.edges[v] = np.histogram_bin_edges(x, bins=self._bins, range=self._range)
            self._values[v].append(np.histogram(x, bins=self.edges[v])[0])

    @property
    def times(self) -> np.ndarray:
        """Times of the snapshots (ms)."""
        return np.asarray(self._times, dtype=float)

    def values(self, variable: str) -> np.ndarray:
        """A variable's snapshots: ``(n_times, n_connections)`` values, or with ``bins``
        ``(n_times, n_bins)`` counts (edges in ``edges[variable]``).

        Raises
        ------
        KeyError
            If ``variable`` is not recorded.
        """
        if variable not in self._values:
            raise KeyError(f"'{variable}' is not recorded; the variables are {list(self.variables)}")
        rows = self._values[variable]
        width = self.sources.size if self._bins is None else len(self.edges.get(variable, [0])) - 1
        return np.stack(rows) if rows else np.zeros((0, width))

    def to_dict(self) -> dict[str, np.ndarray]:
        """``times``, ``sources``, ``targets`` and one array per variable (see :meth:`values`)."""
        out = {"times": self.times, "sources": self.sources, "targets": self.targets}
        out.update({v: self.values(v) for v in self.variables})
        return out


def record_synapses(sim: Clocked, connections: Any, variables: Sequence[str] = ("weight",),
                    interval: float = 1.0, offset: float = 0.0, bins: int | Sequence[float] | None = None,
                    range: tuple[float, float] | None = None) -> SynapseSnapshots:  # noqa: A002
    """Sample synapse variables of ``connections`` every ``interval`` ms (see the module).

    Parameters
    ----------
    sim : Simulator
        The simulator whose runs take the snapshots.
    connections : SynapseCollection
        From ``sim.get_connections(...)``.
    variables : sequence of str
        Keys of ``connections.get`` (``weight``, ``delay``, ``Kplus`` ...).
    interval, offset : float
        Snapshots at t = ``offset + k * interval`` ms (multiples of the resolution).
    bins, range
        Keep histograms instead of every value (see :class:`SynapseSnapshots`).

    Returns
    -------
    SynapseSnapshots

    Raises
    ------
    BadProperty
        If ``connections`` is not a SynapseCollection, a variable is unknown, ``bins``
        or ``range`` is not valid for ``numpy.histogram``, or ``interval``/``offset`` are
        not as :meth:`Simulator.every` requires.
    """
    if not isinstance(connections, SynapseCollection):
        raise bad_property("record_synapses", "connections", type(connections).__name__,
                           "give a SynapseCollection (sim.get_connections(...))")
    if isinstance(variables, str) or not variables:
        raise bad_property("record_synapses", "variables", variables, "give a non-empty list of keys")
    snaps = SynapseSnapshots(connections, variables, bins, range)
    for v in snaps.variables:
        x = np.asarray(connections.get(v))  # an unknown key raises BadProperty naming it
        if bins is not None:
            try:
                np.histogram_bin_edges(x.astype(float), bins=bins, range=range)
            except (ValueError, TypeError) as err:
                raise BadProperty(f"record_synapses: bins={bins!r}, range={range!r} do not give "
                                  f"histogram edges ({err}); give a number of bins > 0 or increasing edges, "
                                  "and a range (low, high) with low < high") from None
    snaps.handle = sim.callbacks.add(interval, snaps.take, offset, ("record_synapses", "interval", "offset"))
    return snaps
