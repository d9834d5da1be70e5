"""PyNEST's ``Create`` with positions and the checks of a ``Connect`` between layers
(the parts of :mod:`spikesim.nest.construction` that spatial networks add)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spikesim.nest._collections import NodeCollection
from spikesim.nest._create_params import check_params_shape, first_n
from spikesim.nest._shapes import stop_in
from spikesim.nest._spatial_info import layer_or_none
from spikesim.nest._status import checked_face_set
from spikesim.nest.simulation import get_simulator
from spikesim.network import spatial_parameters as _sp
from spikesim.network import spatial_rules
from spikesim.network.nodes import NodeCollection as _CoreNodes
from spikesim.network.parameters import Parameter
from spikesim.network.space import Free, Grid


def create_layer(model: str, n: Any, params: Any, positions: Any) -> NodeCollection:
    """PyNEST's ``Create`` with ``positions``: a grid or free layer of ``model``.

    Raises
    ------
    TypeError
        If ``positions`` is no ``nest.spatial.grid``/``free``.
    ValueError
        If ``n`` > 1 is given with a grid.
    BadProperty
        If the positions or a parameter are not allowed.
    """
    if not isinstance(positions, (Grid, Free)):
        raise TypeError("`positions` must be either a nest.spatial.free or a nest.spatial.grid object")
    if isinstance(positions, Grid) and n != 1:
        raise ValueError("Cannot specify number of nodes with grid positions")
    if not (isinstance(positions, Free) and isinstance(positions.pos, Parameter)) and not (
            isinstance(positions, Free) and isinstance(positions.pos, (list, tuple))
            and all(isinstance(p, Parameter) for p in positions.pos)):
        n = 1  # a grid or a list of positions sets the number (PyNEST ignores n)
    sim = get_simulator()
    check_params_shape(params, n)
    if isinstance(params, dict):
        params = first_n(checked_face_set(params), int(n), sim.get_defaults(model))
    nc = sim.create(model, n, stop_in(params), positions=positions)
    return NodeCollection(sim, nc.ids)


def check_layers(pre: Any, post: Any, conn_spec: Any, specs: list[Any]) -> None:
    """PyNEST's checks of a ``Connect`` that needs positions (a mask, ``use_on_source``,
    spatial parameters): both sides are layers and the keys are those of spatial rules.

    Raises
    ------
    TypeError
        If a side has no positions.
    ValueError
        If a key is not allowed when connecting with a mask or spatial parameters.
    """
    if not spatial_rules.needed(conn_spec, specs):
        return
    for side in (pre, post):
        if not isinstance(side, _CoreNodes) or layer_or_none(side) is None:
            raise TypeError("Presynaptic NodeCollection must have spatial information")
    allowed = ("mask", "allow_multapses", "allow_autapses", "rule", "indegree", "outdegree", "p",
               "use_on_source", "allow_oversized_mask", "pairwise_avg_num_conns")
    for key in conn_spec:
        if key not in allowed:
            raise ValueError(f"'{key}' is not allowed in conn_spec when connecting with mask or kernel")
    for s in specs:
        for key in (s if isinstance(s, dict) else {}):
            if key not in ("weight", "delay", "synapse_model", "synapse_label", "receptor_type"):
                raise ValueError(f"'{key}' is not allowed in syn_spec when connecting with mask or kernel")


def _position(dimension: int = 0, synaptic_endpoint: int = 0) -> Parameter:
    return _sp.Position(int(dimension), int(synaptic_endpoint))


def _distance(dimension: int = 0) -> Parameter:
    return _sp.Distance(int(dimension))


#: NEST's spatial parameter types for ``CreateParameter``: ``position`` (``dimension`` 0..2,
#: ``synaptic_endpoint`` 0 node, 1 source, 2 target), ``distance`` (``dimension`` 0 or 1..3),
#: ``exp_distribution`` (``x``, ``beta``), ``gaussian`` (``x``, ``mean``, ``std``),
#: ``gaussian2d`` (``x``, ``y``, ``mean_x``, ``mean_y``, ``std_x``, ``std_y``, ``rho``), ``gamma``
#: (``x``, ``kappa``, ``theta``)
SPATIAL_TYPES: dict[str, Callable[..., Parameter]] = {
    "position": _position, "distance": _distance, "exp_distribution": _sp.ExpDistribution,
    "gaussian": _sp.Gaussian, "gaussian2d": _sp.Gaussian2D, "gamma": _sp.Gamma,
}
