"""The result of one ``simulate`` call: what the recorders got during that run.

``res = sim.simulate(100.0)`` returns a :class:`RunResult`.  Its figures cover the
run alone (from its start ``t0`` to ``t0 + duration``), in NEST's time convention:
the step ``k`` of the run ends at ``times[k] = t0 + (k + 1) h``, and a spike
stamped ``times[k]`` sits in row ``k`` of ``spikes(sr)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from spikesim.data.export import RecorderInfo, recorder_block
from spikesim.errors import BadProperty
from spikesim.timegrid import TimeGrid


class NodeLookup(Protocol):
    """What a RunResult needs to find a recording device by its node id."""

    def population_of(self, node_id: int) -> Any:
        """The population holding ``node_id`` (with ``model``, ``first``, ``nodes``)."""


class RecordSource(Protocol):
    """What a RunResult reads of a recording device (spikesim.recording's devices)."""

    node_id: int
    p: dict[str, Any]

    def cursor(self) -> int:
        """How many records the device's backend holds (the position of the next)."""

    def records(self) -> dict[str, np.ndarray]:
        """Every record held, in the order written, with a ``segment`` column (not copies)."""

    def watch(self, view: Any) -> None:
        """Call ``view.materialise(device)`` before the records are forgotten."""

    def window_ms(self, first: int, last: int) -> tuple[float, float]:
        """The recording window (ms) clipped to the stamps ``first + 1 .. last``."""

    def neo_info(self) -> RecorderInfo:
        """Recorded nodes, kind, resolution, interval, units and provenance."""


class RunResult:
    """Recorded data of one run: a snapshot, whatever happens later.

    It holds, per device, the positions ``[start, end)`` of the run's records in the
    device's backend and reads them as read-only views; a device about to forget
    its records (``n_events = 0``, another backend, a restore) first has the result
    copy its slice (:meth:`materialise`), so later runs, resets and clearing never
    change what a result reports.

    Parameters
    ----------
    nodes : NodeLookup
        Finds a device by node id (the simulator's node table).
    grid : TimeGrid
        The simulator's time grid.
    start_step, n_steps : int
        First step and length (steps) of the run.
    ranges : dict of int to (int, int)
        Device node id -> positions ``[start, end)`` of the run's records.
    segment : int, default 0
        The recording segment (chunk) of the run.
    """

    def __init__(self, nodes: NodeLookup, grid: TimeGrid, start_step: int, n_steps: int,
                 ranges: dict[int, tuple[int, int]], segment: int = 0) -> None:
        self._nodes = nodes
        self._grid = grid
        self._resolution = grid.resolution
        self.start_step = start_step
        self.n_steps = n_steps
        #: the recording segment (chunk) of the run
        self.segment = segment
        self._ranges = ranges
        self._frozen: dict[int, dict[str, np.ndarray]] = {}

    @classmethod
    def record(cls, nodes: NodeLookup, grid: TimeGrid, devices: Sequence[RecordSource], segment: int,
               run: Callable[[], None]) -> RunResult:
        """Call ``run`` (advancing ``grid``) and return the result of what ``devices`` recorded."""
        start, before = grid.step, [d.cursor() for d in devices]
        run()
        res = cls(nodes, grid, start, grid.step - start,
                  {d.node_id: (a, d.cursor()) for d, a in zip(devices, before, strict=True)}, segment)
        for d in devices:
            d.watch(res)
        return res

    def materialise(self, device: RecordSource) -> None:
        """Copy this run's records of ``device`` out of it (its records are about to go)."""
        if device.node_id in self._ranges and device.node_id not in self._frozen:
            self._frozen[device.node_id] = {k: np.array(v) for k, v in self._slice(device).items()}

    def _slice(self, d: RecordSource) -> dict[str, np.ndarray]:
        a, b = self._ranges.get(d.node_id, (0, 0))
        ev = d.records()
        out = {}
        for k in sorted(ev):
            if k != "segment":
                v = ev[k][a:b].view()
                v.flags.writeable = False
                out[k] = v
        return out

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
        """The device's events recorded during this run (read-only arrays, keys sorted).

        Raises
        ------
        BadProperty
            ``dev`` is not one recording device.
        """
        d = self._device(dev)
        frozen = self._frozen.get(d.node_id)
        return dict(frozen) if frozen is not None else self._slice(d)

    def to_neo(self, dev: Any) -> Any:
        """A ``neo.Block`` of the device's records of this run: one ``Segment`` (the
        run's segment) whose ``t_start``/``t_stop`` (ms) are the run's span clipped to
        the device's window; every recorded node (silent ones too), units, sampling
        period and provenance as :func:`spikesim.data.export.recorder_block` gives.

        Raises
        ------
        BadProperty
            ``dev`` is not one recording device.
        ImportError
            Neo is not installed.
        """
        d = self._device(dev)
        window = d.window_ms(self.start_step, self.start_step + self.n_steps)
        return recorder_block(d.neo_info(), {self.segment: self.events(d.node_id)}, {self.segment: window},
                              self._nodes)

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
