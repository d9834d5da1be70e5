"""The result of one ``simulate`` call: what the recorders got during that run.

``res = sim.simulate(100.0)`` returns a :class:`RunResult`.  Its figures cover the
run alone (from its start ``t0`` to ``t0 + duration``), in NEST's time convention:
the step ``k`` of the run ends at ``times[k] = t0 + (k + 1) h``, and a spike
stamped ``times[k]`` sits in row ``k`` of ``spikes(sr)``.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from spikesim.errors import BadProperty
from spikesim.timegrid import TimeGrid


class NodeLookup(Protocol):
    """What a RunResult needs to find a recording device by its node id."""

    def population_of(self, node_id: int) -> Any:
        """The population holding ``node_id`` (with ``model``, ``first``, ``nodes``)."""


class RunResult:
    """Recorded data of one run, read lazily from the recording devices."""

    def __init__(self, nodes: NodeLookup, grid: TimeGrid, start_step: int, n_steps: int,
                 offsets: dict[int, int]) -> None:
        self._nodes = nodes
        self._grid = grid
        self._resolution = grid.resolution
        self.start_step = start_step
        self.n_steps = n_steps
        self._offsets = offsets

    @property
    def duration(self) -> float:
        """Length of the run in ms."""
        return self.n_steps * self._resolution

    @property
    def times(self) -> np.ndarray:
        """End time (ms) of every step of the run."""
        return self._grid.steps_to_ms(np.arange(self.start_step + 1, self.start_step + self.n_steps + 1))

    def _device(self, dev: Any) -> Any:
        ids = np.asarray(getattr(dev, "ids", dev)).ravel()
        if ids.size != 1:
            raise BadProperty(f"RunResult: give one recording device, got {ids.size} nodes")
        node = int(ids[0])
        pop = self._nodes.population_of(node)
        if pop.model.kind != "recorder":
            raise BadProperty(f"RunResult: node {node} ({pop.model_name}) is not a recording device")
        return pop.nodes[node - pop.first]

    def events(self, dev: Any) -> dict[str, np.ndarray]:
        """The device's events recorded during this run."""
        d = self._device(dev)
        ev = d.events
        a = self._offsets.get(d.node_id, 0)
        return {k: v[a:] for k, v in ev.items()}

    def n_events(self, dev: Any) -> int:
        """Number of events the device recorded during this run."""
        return int(self.events(dev)["senders"].size)

    def _steps(self, d: Any, ev: dict[str, np.ndarray]) -> np.ndarray:
        if d.p["time_in_steps"]:
            return ev["times"].astype(np.int64)
        return np.rint(ev["times"] / self._resolution).astype(np.int64)

    def senders(self, dev: Any) -> np.ndarray:
        """Ids of the nodes the device records from (sorted)."""
        return np.unique(self._device(dev).connected)

    def rate(self, dev: Any) -> float:
        """Mean firing rate (spikes/s) over the recorded neurons and the run."""
        n = max(self.senders(dev).size, 1)
        return self.n_events(dev) / n / (self.duration / 1000.0) if self.n_steps else 0.0

    def spikes(self, dev: Any) -> np.ndarray:
        """Per-step spike counts, shape (steps of the run, recorded neurons in id order)."""
        d = self._device(dev)
        ev = self.events(d.node_id)
        ids = self.senders(d.node_id)
        out = np.zeros((self.n_steps, ids.size), dtype=np.uint8)
        rows = self._steps(d, ev) - self.start_step - 1
        cols = np.searchsorted(ids, ev["senders"])
        np.add.at(out, (rows, cols), 1)
        return out

    def trace(self, dev: Any, var: str) -> np.ndarray:
        """Samples of ``var`` in its unit: shape (samples,) for one neuron, (samples, neurons) for more.

        Parameters
        ----------
        dev : NodeCollection or int
            The recording device (a multimeter) or its node id.
        var : str
            A variable it records, e.g. ``"V_m"`` (mV).

        Raises
        ------
        BadProperty
            The device does not record ``var``.
        """
        d = self._device(dev)
        ev = self.events(d.node_id)
        if var not in ev:
            raise BadProperty(f"RunResult.trace: the device records {list(d.p.get('record_from', ()))}, "
                              f"not '{var}'")
        ids = np.unique(ev["senders"])
        if ids.size <= 1:
            return ev[var]
        steps = self._steps(d, ev)
        uniq = np.unique(steps)
        out = np.full((uniq.size, ids.size), np.nan)
        out[np.searchsorted(uniq, steps), np.searchsorted(ids, ev["senders"])] = ev[var]
        return out

    def sample_times(self, dev: Any) -> np.ndarray:
        """Times (ms) of the device's samples in this run."""
        d = self._device(dev)
        ev = self.events(d.node_id)
        return self._grid.steps_to_ms(np.unique(self._steps(d, ev)))
