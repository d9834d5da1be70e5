"""``nest.spatial``: positions of nodes (``grid``, ``free``) and position-dependent
parameters (``pos``, ``source_pos``, ``target_pos``, ``distance``).

Positions and distances are in the units of the layer's extent.  ``pos`` is for node
parameters (``Create(..., params={"V_m": -70 + 5 * nest.spatial.pos.x})``);
``source_pos``, ``target_pos`` and ``distance`` for connections between layers.
"""

from __future__ import annotations

from typing import Any

from spikesim.network import space as _space
from spikesim.network import spatial_parameters as _sp
from spikesim.network.parameters import Parameter

__all__ = ["distance", "free", "grid", "pos", "source_pos", "target_pos"]


class grid(_space.Grid):  # noqa: N801 - NEST's name
    """Nodes on a regular grid: ``shape`` (2 or 3 numbers of nodes), ``center``, ``extent``
    (default 1.0 per dimension), ``edge_wrap`` (periodic boundaries)."""

    def __init__(self, shape: Any, center: Any = None, extent: Any = None, edge_wrap: bool = False) -> None:
        super().__init__(shape, center, extent, edge_wrap)


class free(_space.Free):  # noqa: N801 - NEST's name
    """Nodes at given positions (one list of 2 or 3 numbers per node) or drawn from a
    Parameter (for every coordinate; ``num_dimensions`` or ``extent`` says how many) or
    one Parameter per dimension; ``extent``, ``edge_wrap`` as for :class:`grid`.

    Raises
    ------
    TypeError
        If both ``extent`` and ``num_dimensions`` are given, ``num_dimensions`` comes
        with a list of positions, the dimensions of a Parameter cannot be known, or
        ``pos`` is neither positions nor a Parameter (as PyNEST).
    ValueError
        If a list of Parameters does not have 2 or 3 entries.
    """

    def __init__(self, pos: Any, extent: Any = None, edge_wrap: bool = False,
                 num_dimensions: int | None = None) -> None:
        if extent is not None and num_dimensions:
            raise TypeError("extent and number of dimensions cannot be specified at the same time")
        if isinstance(pos, Parameter):
            if not num_dimensions and not extent:
                raise TypeError("could not infer number of dimensions. Set num_dimensions or extent when using "
                                "Parameter as pos")
        elif hasattr(pos, "__len__"):
            if num_dimensions:
                raise TypeError("number of dimensions cannot be specified when using an array of positions")
            if len(pos) and all(isinstance(p, Parameter) for p in pos) and len(pos) not in (2, 3):
                raise ValueError("Number of dimensions must be 2 or 3")
        else:
            raise TypeError("pos must be either an array of positions, or a Parameter")
        super().__init__(pos, extent, edge_wrap, num_dimensions)


class _Axes:
    """``x``, ``y``, ``z`` and ``n(dimension)`` of a position parameter of one endpoint."""

    def __init__(self, endpoint: int) -> None:
        self._endpoint = endpoint

    def n(self, dimension: int) -> Parameter:
        """The coordinate ``dimension`` (0: x, 1: y, 2: z)."""
        return _sp.Position(int(dimension), self._endpoint)

    @property
    def x(self) -> Parameter:
        """The x coordinate."""
        return self.n(0)

    @property
    def y(self) -> Parameter:
        """The y coordinate."""
        return self.n(1)

    @property
    def z(self) -> Parameter:
        """The z coordinate."""
        return self.n(2)


class _Distance(_sp.Distance):
    """The distance between a connection's source and target; ``.x``, ``.y``, ``.z`` its
    absolute components (periodic layers: the nearest image)."""

    def __init__(self) -> None:
        super().__init__(0)

    @property
    def x(self) -> Parameter:
        """Distance along x."""
        return _sp.Distance(1)

    @property
    def y(self) -> Parameter:
        """Distance along y."""
        return _sp.Distance(2)

    @property
    def z(self) -> Parameter:
        """Distance along z."""
        return _sp.Distance(3)

    @staticmethod
    def n(dimension: int) -> Parameter:
        """Distance along ``dimension`` (1: x, 2: y, 3: z; 0: the Euclidean distance)."""
        return _sp.Distance(int(dimension))


#: a node's own position (node parameters)
pos = _Axes(_sp.NODE)
#: the position of a connection's source
source_pos = _Axes(_sp.SOURCE)
#: the position of a connection's target
target_pos = _Axes(_sp.TARGET)
#: the distance between a connection's source and target
distance = _Distance()
