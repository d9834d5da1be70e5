"""Random parameters for node and connection properties (``nest.random`` style).

A parameter is drawn when it is used: once per node for ``create``/``set`` and once
per connection for ``connect``, from a stream that depends on the simulator's seed
only.
"""

from __future__ import annotations

import operator
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from spikesim.errors import bad_property


def _number(owner: str, key: str, v: object) -> None:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or np.isnan(v):
        raise bad_property(owner, key, v, "it must be a number")


#: the stream of :meth:`Parameter.GetValue` (inspection only: nodes and connections draw from the
#: simulator's streams)
_INSPECT = np.random.default_rng(20240611)

_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne, ">=": operator.ge, ">": operator.gt,
}


@dataclass(frozen=True, eq=False)
class Context:
    """Where values are drawn for: positions (layer units) of the nodes or of connection pairs.

    Parameters
    ----------
    positions : np.ndarray, optional
        ``(n, d)``: each node's own position (node parameters, NEST's ``spatial.pos``).
    source, target : np.ndarray, optional
        ``(n, d)``: each pair's source and target position (connection parameters).
    displacement : np.ndarray, optional
        ``(n, d)``: from source to target, per dimension the nearest periodic image in
        the layer the rule measures in (NEST's ``distance``).
    """

    positions: np.ndarray | None = None
    source: np.ndarray | None = None
    target: np.ndarray | None = None
    displacement: np.ndarray | None = None

    def subset(self, sel: np.ndarray) -> Context:
        """The context of the values selected by ``sel`` (a mask or indices)."""
        def cut(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[sel]
        return Context(cut(self.positions), cut(self.source), cut(self.target), cut(self.displacement))


class Parameter(ABC):
    """A distribution to draw node or connection values from.

    Parameters combine with numbers and each other by ``+ - * /``, ``** number``, unary
    ``-``/``+``, ``abs`` and comparisons (values 1.0 or 0.0), as NEST's do; the result draws
    its operands and combines them value by value.  ``%`` and a Parameter as exponent
    raise ``TypeError``, as in NEST.
    """

    @abstractmethod
    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values drawn from ``rng``; spatial parameters read their positions from ``ctx``."""

    def is_spatial(self) -> bool:
        """Whether values depend on positions (NEST's name): such a parameter needs a :class:`Context`."""
        return any(isinstance(v, Parameter) and v.is_spatial() for v in vars(self).values())

    def GetValue(self) -> float:  # noqa: N802 - NEST's name
        """One value drawn from an inspection stream (not the simulator's), as a float."""
        return float(self.draw(_INSPECT, 1)[0])

    def apply(self, spatial_nc: Any, positions: Any = None) -> Any:
        """Values at the positions of the nodes of ``spatial_nc`` (a tuple), or for connections
        from its one node to ``positions`` (a list of positions; one gives a float), drawn from
        the inspection stream (NEST's ``Parameter.apply``).

        Raises
        ------
        ValueError
            If ``positions`` are given with several source nodes, or differ in length.
        TypeError
            If ``positions`` is not a list of positions.
        BadProperty
            If the nodes have no positions, or ``positions`` do not match their dimensions.
        """
        pos = np.asarray(spatial_nc.positions, dtype=float)
        if positions is None:
            return tuple(self.draw(_INSPECT, len(pos), Context(positions=pos)).tolist())
        if len(pos) != 1:
            raise ValueError("apply: the NodeCollection must contain a single node ID only when positions are given")
        if not isinstance(positions, (list, tuple, np.ndarray)) or \
                not all(isinstance(p, (list, tuple, np.ndarray)) for p in positions):
            raise TypeError("apply: positions must be a list of positions (lists of coordinates)")
        if len({len(p) for p in positions}) != 1:
            raise ValueError("apply: all positions must have the same number of dimensions")
        tgt = np.asarray(positions, dtype=float)
        if tgt.shape[1] != pos.shape[1]:
            raise bad_property("apply", "positions", positions, f"give positions of {pos.shape[1]} dimensions")
        table = spatial_nc.table
        layer = table.layers[table.population_of(int(spatial_nc.ids[0])).first]
        src = np.broadcast_to(pos[0], tgt.shape)
        ctx = Context(source=src, target=tgt, displacement=layer.pair_displacement(src, tgt))
        out = self.draw(_INSPECT, len(tgt), ctx).tolist()
        return out[0] if len(out) == 1 else tuple(out)

    def _bin(self, op: str, other: Any, swap: bool = False) -> Parameter:
        o = as_parameter(other)
        return Combined(op, o, self) if swap else Combined(op, self, o)

    def __add__(self, other: Any) -> Parameter:
        return self._bin("+", other)

    def __radd__(self, other: Any) -> Parameter:
        return self._bin("+", other, swap=True)

    def __sub__(self, other: Any) -> Parameter:
        return self._bin("-", other)

    def __rsub__(self, other: Any) -> Parameter:
        return self._bin("-", other, swap=True)

    def __mul__(self, other: Any) -> Parameter:
        return self._bin("*", other)

    def __rmul__(self, other: Any) -> Parameter:
        return self._bin("*", other, swap=True)

    def __truediv__(self, other: Any) -> Parameter:
        return self._bin("/", other)

    def __rtruediv__(self, other: Any) -> Parameter:
        return self._bin("/", other, swap=True)

    def __pow__(self, exponent: Any) -> Parameter:
        if isinstance(exponent, (Parameter, bool)) or not isinstance(exponent, (int, float)):
            return NotImplemented
        return Mapped(np.power, self, "pow", float(exponent))

    def __neg__(self) -> Parameter:
        return self._bin("*", -1.0)

    def __pos__(self) -> Parameter:
        return self

    def __abs__(self) -> Parameter:
        return Mapped(np.abs, self, "abs")

    def __lt__(self, other: Any) -> Parameter:
        return self._bin("<", other)

    def __le__(self, other: Any) -> Parameter:
        return self._bin("<=", other)

    def __eq__(self, other: Any) -> Parameter:  # type: ignore[override]
        return self._bin("==", other)

    def __ne__(self, other: Any) -> Parameter:  # type: ignore[override]
        return self._bin("!=", other)

    def __ge__(self, other: Any) -> Parameter:
        return self._bin(">=", other)

    def __gt__(self, other: Any) -> Parameter:
        return self._bin(">", other)

    __hash__ = object.__hash__


def as_parameter(v: Any) -> Parameter:
    """``v`` as a Parameter: a Parameter as it is, a number as a :class:`Constant`.

    Raises
    ------
    TypeError
        If ``v`` is neither (as Python raises for an unsupported operand).
    """
    if isinstance(v, Parameter):
        return v
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"a Parameter combines with numbers and Parameters, not {type(v).__name__}")
    return Constant(float(v))


@dataclass(frozen=True, eq=False)
class Constant(Parameter):
    """The same ``value`` every time (units of the parameter it is given for)."""

    value: float = 0.0

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` copies of the value."""
        return np.full(n, float(self.value))


@dataclass(frozen=True, eq=False)
class Combined(Parameter):
    """``a op b`` value by value; comparisons give 1.0 or 0.0."""

    op: str
    a: Parameter
    b: Parameter

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values: ``a``'s then ``b``'s draws, combined."""
        return np.asarray(_ARITH[self.op](self.a.draw(rng, n, ctx), self.b.draw(rng, n, ctx)), dtype=float)


@dataclass(frozen=True, eq=False)
class Mapped(Parameter):
    """A function applied to the values of ``a`` (``exp``, ``abs`` ...), or with a second
    argument ``arg`` (``power`` with the exponent, ``minimum`` with the cap ...)."""

    fn: Callable[..., Any]
    a: Parameter
    name: str = ""
    arg: float | None = None

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values of ``a`` mapped by the function."""
        values = self.a.draw(rng, n, ctx)
        return np.asarray(self.fn(values) if self.arg is None else self.fn(values, self.arg), dtype=float)


@dataclass(frozen=True, eq=False)
class Conditional(Parameter):
    """Where ``condition`` is non-zero, ``if_true``'s value, else ``if_false``'s."""

    condition: Parameter
    if_true: Parameter
    if_false: Parameter

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values chosen value by value."""
        c = self.condition.draw(rng, n, ctx) != 0
        return np.where(c, self.if_true.draw(rng, n, ctx), self.if_false.draw(rng, n, ctx))


@dataclass(frozen=True, eq=False)
class Redraw(Parameter):
    """Values of ``a`` in ``[min, max]``: values outside are drawn again (NEST's ``redraw``).

    Raises
    ------
    BadProperty
        If ``max < min``, or after 1000 draws a value is still outside.
    """

    a: Parameter
    min: float
    max: float

    def __post_init__(self) -> None:
        _number("redraw", "min", self.min)
        _number("redraw", "max", self.max)
        if not self.max >= self.min:
            raise bad_property("redraw", "max", self.max, f"it must be >= min ({self.min})")

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values, each redrawn until inside the bounds."""
        out = self.a.draw(rng, n, ctx)
        for _ in range(1000):
            bad = (out < self.min) | (out > self.max)
            if not bad.any():
                return out
            out[bad] = self.a.draw(rng, int(bad.sum()), None if ctx is None else ctx.subset(bad))
        raise bad_property("redraw", "min/max", (self.min, self.max),
                           "1000 redraws gave no value inside; widen the bounds")


@dataclass(frozen=True, eq=False)
class UniformInt(Parameter):
    """Integers uniform on ``[0, max)`` (as floats)."""

    max: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.max, bool) or not isinstance(self.max, (int, np.integer)) or self.max < 1:
            raise bad_property("uniform_int", "max", self.max, "it must be an integer >= 1")

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` integers drawn from ``rng``."""
        return rng.integers(0, int(self.max), n).astype(float)


@dataclass(frozen=True, eq=False)
class Normal(Parameter):
    """Normal distribution (``mean``, ``std``)."""

    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self) -> None:
        _number("normal", "mean", self.mean)
        _number("normal", "std", self.std)
        if not self.std > 0:  # NEST's check
            raise bad_property("normal", "std", self.std, "it must be > 0")

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values drawn from ``rng``."""
        return rng.normal(self.mean, self.std, n)


@dataclass(frozen=True, eq=False)
class Uniform(Parameter):
    """Uniform distribution on ``[min, max)``."""

    min: float = 0.0
    max: float = 1.0

    def __post_init__(self) -> None:
        _number("uniform", "min", self.min)
        _number("uniform", "max", self.max)
        if not self.max > self.min:
            raise bad_property("uniform", "max", self.max, f"it must be > min ({self.min})")

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values drawn from ``rng``."""
        return rng.uniform(self.min, self.max, n)


@dataclass(frozen=True, eq=False)
class Lognormal(Parameter):
    """Log-normal distribution; ``mean`` and ``std`` of the underlying normal (NEST's)."""

    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self) -> None:
        _number("lognormal", "mean", self.mean)
        _number("lognormal", "std", self.std)
        if not self.std > 0:  # NEST's check
            raise bad_property("lognormal", "std", self.std, "it must be > 0")

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values drawn from ``rng``."""
        return rng.lognormal(self.mean, self.std, n)


@dataclass(frozen=True, eq=False)
class Exponential(Parameter):
    """Exponential distribution with scale ``beta``."""

    beta: float = 1.0

    def __post_init__(self) -> None:
        _number("exponential", "beta", self.beta)
        if not self.beta > 0:
            raise bad_property("exponential", "beta", self.beta, "it must be > 0")

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values drawn from ``rng``."""
        return rng.exponential(self.beta, n)


@dataclass(frozen=True, eq=False)
class Bound(Parameter):
    """A parameter drawn in a fixed :class:`Context` (the pairs of one connect call)."""

    a: Parameter
    ctx: Context

    def draw(self, rng: np.random.Generator, n: int, ctx: Context | None = None) -> np.ndarray:
        """``n`` values of ``a`` in the bound context."""
        return self.a.draw(rng, n, self.ctx)


def normal(mean: float = 0.0, std: float = 1.0) -> Normal:
    """A normal distribution with ``mean`` and standard deviation ``std`` (units of the parameter).

    Raises
    ------
    BadProperty
        If a value is not a number or out of range.
    """
    return Normal(mean, std)


def uniform(min: float = 0.0, max: float = 1.0) -> Uniform:  # noqa: A002 - NEST's names
    """A uniform distribution on ``[min, max)``.

    Raises
    ------
    BadProperty
        If a value is not a number or out of range.
    """
    return Uniform(min, max)


def lognormal(mean: float = 0.0, std: float = 1.0) -> Lognormal:
    """A log-normal distribution: ``exp`` of a normal with ``mean`` and ``std`` (NEST's parametrisation).

    Raises
    ------
    BadProperty
        If a value is not a number or out of range.
    """
    return Lognormal(mean, std)


def exponential(beta: float = 1.0) -> Exponential:
    """An exponential distribution with scale ``beta`` (the mean).

    Raises
    ------
    BadProperty
        If a value is not a number or out of range.
    """
    return Exponential(beta)


def uniform_int(max: int) -> UniformInt:  # noqa: A002 - NEST's name
    """Integers uniform on ``[0, max)``.

    Raises
    ------
    BadProperty
        If ``max`` is not an integer >= 1.
    """
    return UniformInt(max)
