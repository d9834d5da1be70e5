"""The kernel settings of a Simulator: resolution, seed, threads, clock, files, status.

:class:`KernelSettings` is the part of :class:`~spikesim.core.simulator.Simulator`
that reads and sets NEST's kernel attributes through the parts (time grid, engine,
connection store, recording manager, communicator); the Simulator inherits it, so
these are ordinary attributes of a simulator (``sim.resolution``, ``sim.data_path``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spikesim.core.parts import Parts
from spikesim.core.timers import Timers
from spikesim.errors import KernelException, bad_property
from spikesim.kernel.engine import Engine
from spikesim.models.registry import ModelRegistry
from spikesim.network.connect import Connector
from spikesim.network.node_table import NodeTable
from spikesim.network.populations import Population
from spikesim.recording.manager import RecordingManager
from spikesim.timegrid import TICS_PER_MS, TimeGrid


def check_seed(seed: Any) -> int:
    """``seed`` as an int.

    Raises
    ------
    BadProperty
        Unless it is an integer in ``[0, 2**63)``.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise bad_property("Simulator", "seed", seed, "it must be an integer in [0, 2**63)")
    return int(seed)


def check_threads(threads: Any) -> int:
    """``threads`` as an int.

    Raises
    ------
    BadProperty
        Unless it is a positive integer.
    """
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
        raise bad_property("Simulator", "threads", threads, "it must be a positive integer")
    return int(threads)


class KernelSettings:
    """Kernel attributes of a simulator, read and set through its parts (a base of Simulator)."""

    parts: Parts
    grid: TimeGrid
    models_registry: ModelRegistry
    node_table: NodeTable
    connector: Connector
    recording: RecordingManager
    engine: Engine
    timers: Timers

    @property
    def resolution(self) -> float:
        """The time step h in ms."""
        return self.grid.resolution

    @property
    def seed(self) -> int:
        """The seed of every random stream."""
        return self.parts.seed

    @property
    def threads(self) -> int:
        """Worker threads of the compiled loops (results do not depend on them)."""
        return self.engine.threads

    @property
    def step(self) -> int:
        """Steps simulated so far (the clock)."""
        return self.grid.step

    @property
    def time(self) -> float:
        """Simulated time in ms."""
        return self.grid.time

    @property
    def min_delay(self) -> float:
        """The shortest delay of connections that carry signals, in ms (the slice length)."""
        return self.connector.min_delay_steps() * self.resolution

    @property
    def max_delay(self) -> float:
        """The longest delay of connections that carry signals, in ms."""
        return self.connector.max_delay_steps() * self.resolution

    @property
    def num_nodes(self) -> int:
        """Nodes created so far (devices included)."""
        return self.node_table.num_nodes

    @property
    def populations(self) -> list[Population]:
        """The populations, one per ``create`` call, in id order."""
        return list(self.node_table.populations)

    @property
    def segment(self) -> int:
        """The recording segment (chunk) new records go to; ``reset`` starts the next."""
        return self.recording.segment

    @property
    def print_time(self) -> bool:
        """Whether long runs show a progress bar (NEST's ``print_time``)."""
        return self.engine.print_time

    @print_time.setter
    def print_time(self, on: bool) -> None:
        self.engine.print_time = bool(on)

    @property
    def overwrite_files(self) -> bool:
        """Whether recording backends may replace existing files."""
        return self.recording.overwrite_files

    @overwrite_files.setter
    def overwrite_files(self, on: bool) -> None:
        self.recording.overwrite_files = bool(on)

    @property
    def data_path(self) -> str:
        """Directory of recording files ("" = the working directory)."""
        return self.recording.data_path

    @data_path.setter
    def data_path(self, path: str) -> None:
        self.recording.data_path = str(path)

    @property
    def data_prefix(self) -> str:
        """Prefix of every recording file name."""
        return self.recording.data_prefix

    @data_prefix.setter
    def data_prefix(self, prefix: str) -> None:
        self.recording.data_prefix = str(prefix)

    def set_resolution(self, h: float) -> None:
        """Change the time step (ms) before any node is created and before the first run.

        Raises
        ------
        BadProperty
            If ``h`` is not a positive multiple of 0.001 ms.
        KernelException
            If nodes exist or time has passed.
        """
        TimeGrid(h)  # checks h
        if self.num_nodes or self.step:
            raise KernelException("resolution: it can only be changed before nodes are created "
                                  "and before the first simulate")
        self.grid.set_resolution(h)

    def set_seed(self, seed: int) -> None:
        """Change the seed of every random stream (an integer in ``[0, 2**63)``)."""
        self.parts.seed = check_seed(seed)

    def set_threads(self, threads: int) -> None:
        """Threads of the compiled loops (results do not depend on them).

        More threads than the machine's cores are accepted and capped when running.
        """
        self.engine.threads = check_threads(threads)

    def kernel_status(self) -> dict[str, Any]:
        """NEST's kernel status: resolution (ms), seed, threads, time (ms), sizes, delays
        (ms), settings, the spikes this process's neurons emitted in the last
        ``simulate`` (multiplicities counted) and the seconds spent creating, connecting
        and simulating (:mod:`spikesim.core.timers`), by NEST's names."""
        return {
            "resolution": self.resolution, "rng_seed": self.seed, "local_num_threads": self.threads,
            "total_num_virtual_procs": self.threads * self.parts.comm.size,
            "num_processes": self.parts.comm.size, "mpi_rank": self.parts.comm.rank,
            "biological_time": self.time, "time": self.time, "network_size": self.num_nodes,
            "num_connections": self.connector.num_connections(None),
            "min_delay": self.min_delay, "max_delay": self.max_delay, "print_time": self.print_time,
            "overwrite_files": self.overwrite_files, "data_path": self.data_path,
            "data_prefix": self.data_prefix, "tics_per_ms": TICS_PER_MS,
            "tics_per_step": self.grid.tics_per_step, "ms_per_tic": 1.0 / TICS_PER_MS,
            "node_models": self.models_registry.names("nodes"),
            "synapse_models": self.models_registry.names("synapses"),
            "recording_backends": list(self.recording.names()),
            "local_spike_counter": self.engine.local_spikes,
            **self.timers.status(),
        }
