"""The parts a simulator is made of, built and wired together in one place.

Each part receives only the parts it needs (see ``docs/architecture.md``):

* ``grid`` (:class:`~spikesim.timegrid.TimeGrid`): resolution, tics, the clock;
* ``models`` (:class:`~spikesim.models.registry.ModelRegistry`): models, copies, defaults;
* ``nodes`` (:class:`~spikesim.network.node_table.NodeTable`): populations, ids, get/set;
* ``connector`` (:class:`~spikesim.network.connect.Connector`): the connection store;
* ``recording`` (:class:`~spikesim.recording.manager.RecordingManager`): backends;
* ``engine`` (:class:`~spikesim.kernel.engine.Engine`): slices, delivery, plasticity;
* ``comm`` (:class:`~spikesim.parallel.Communicator`): the ranks of a distributed run
  (one process unless launched by ``mpiexec``; see :mod:`spikesim.parallel`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spikesim.core.nodes import DefaultsCheck
from spikesim.kernel.engine import Engine
from spikesim.models import NODE_MODELS, SYNAPSE_MODELS
from spikesim.models.registry import ModelRegistry
from spikesim.network.connect import Connector
from spikesim.network.node_table import NodeTable
from spikesim.parallel import Communicator, world
from spikesim.recording.manager import RecordingManager
from spikesim.timegrid import TimeGrid


@dataclass
class Parts:
    """The parts of one simulator and its seed (which every random stream is keyed by)."""

    seed: int
    grid: TimeGrid
    models: ModelRegistry = field(init=False)
    nodes: NodeTable = field(init=False)
    recording: RecordingManager = field(init=False)
    connector: Connector = field(init=False)
    engine: Engine = field(init=False)
    comm: Communicator = field(init=False)

    def __post_init__(self) -> None:
        seed = self.seed_value
        self.comm = world()
        self.models = ModelRegistry(NODE_MODELS, SYNAPSE_MODELS)
        self.nodes = NodeTable(self.grid, seed, self.comm)
        self.recording = RecordingManager(self.grid, seed)
        self.recording.rank = self.comm.rank
        self.connector = Connector(self.grid, self.nodes, self.models, seed)
        self.engine = Engine(self.grid, self.nodes, self.connector, self.models, self.recording, seed)
        self.nodes.threads = lambda: self.engine.threads  # for the thread and vp status keys
        self.models.check_node = DefaultsCheck(self.grid, self.recording)
        self.models.check_synapse = self.connector.check_synapse_defaults

    def seed_value(self) -> int:
        """The current seed (parts hold this method, so a new seed reaches all of them)."""
        return self.seed

    def settings(self) -> dict[str, Any]:
        """Kernel settings and the clock, as a checkpoint stores them."""
        return {"resolution": self.grid.resolution, "seed": self.seed, "threads": self.engine.threads,
                "step": self.grid.step, "print_time": self.engine.print_time,
                "num_nodes": self.nodes.num_nodes}
