"""Masks: regions of space relative to a node, which bound a spatial connection rule's
candidates (NEST's ``CreateMask`` and conn_spec ``mask`` dicts).

A mask answers :meth:`Mask.inside` for displacements from the node it is centred on
(layer units).  Kinds, with NEST's parameter names (angles in degrees):

=============  ===  ==========================================================
kind           dim  parameters
=============  ===  ==========================================================
rectangular    2    lower_left, upper_right, azimuth_angle
box            3    lower_left, upper_right, azimuth_angle, polar_angle
circular       2    radius, anchor
spherical      3    radius, anchor
doughnut       2    inner_radius, outer_radius, anchor
elliptical     2    major_axis, minor_axis, azimuth_angle, anchor
ellipsoidal    3    major_axis, minor_axis, polar_axis, azimuth_angle, polar_angle, anchor
grid           2    shape (grid layers only; anchor in grid steps)
=============  ===  ==========================================================

Boundaries belong to the mask.  Masks combine by ``&`` (both), ``|`` (either) and
``-`` (the first without the second); a top-level ``anchor`` shifts a mask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from spikesim.errors import BadProperty, UnaccessedDictionaryEntry, bad_property

_RAD = np.pi / 180.0


class Mask:
    """A region of displacements (layer units) of ``dim`` dimensions."""

    dim: int = 2

    def inside(self, p: np.ndarray) -> np.ndarray:
        """Whether each row of ``p`` (``(m, dim)`` displacements) lies in the mask."""
        raise NotImplementedError

    def bbox(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower-left and upper-right corners of a box holding the mask."""
        raise NotImplementedError

    def inside_box(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Whether each box (rows of lower and upper corners) lies wholly in the mask: NEST's
        test, all of its corners inside."""
        dim = lo.shape[1]
        ok = np.ones(lo.shape[0], dtype=bool)
        for corner in range(1 << dim):
            pick = np.array([(corner >> i) & 1 for i in range(dim)], dtype=bool)
            ok &= self.inside(np.where(pick, hi, lo))
        return ok

    def outside_box(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Whether each box lies wholly outside the mask's bounding box (NEST's test)."""
        blo, bhi = self.bbox()
        out: np.ndarray = np.any((hi < blo) | (lo > bhi), axis=1)
        return out

    def Inside(self, point: Any) -> bool:  # noqa: N802 - NEST's name
        """Whether one point (a displacement) lies in the mask."""
        return bool(self.inside(np.asarray(point, dtype=float).reshape(1, -1))[0])

    def _combine(self, other: Any, op: str) -> Mask:
        if not isinstance(other, Mask):
            return NotImplemented  # type: ignore[no-any-return]  # Python's protocol for operators
        if other.dim != self.dim:
            raise BadProperty(f"mask: cannot combine a {self.dim}D and a {other.dim}D mask")
        return Combined(op, self, other)

    def __and__(self, other: Any) -> Mask:
        return self._combine(other, "&")

    def __or__(self, other: Any) -> Mask:
        return self._combine(other, "|")

    def __sub__(self, other: Any) -> Mask:
        return self._combine(other, "-")


@dataclass(eq=False)
class Combined(Mask):
    """Intersection (``&``), union (``|``) or difference (``-``) of two masks."""

    op: str
    a: Mask
    b: Mask

    def __post_init__(self) -> None:
        self.dim = self.a.dim

    def inside(self, p: np.ndarray) -> np.ndarray:
        """Whether each row of ``p`` lies in the combination."""
        x, y = self.a.inside(p), self.b.inside(p)
        out: np.ndarray = x & y if self.op == "&" else (x | y if self.op == "|" else x & ~y)
        return out

    def inside_box(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """NEST's combination of the parts' box tests."""
        if self.op == "-":
            out: np.ndarray = self.a.inside_box(lo, hi) & self.b.outside_box(lo, hi)
            return out
        x, y = self.a.inside_box(lo, hi), self.b.inside_box(lo, hi)
        both: np.ndarray = x & y if self.op == "&" else x | y
        return both

    def outside_box(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """NEST's combination of the parts' box tests."""
        if self.op == "-":
            out: np.ndarray = self.a.outside_box(lo, hi) | self.b.inside_box(lo, hi)
            return out
        x, y = self.a.outside_box(lo, hi), self.b.outside_box(lo, hi)
        either: np.ndarray = x | y if self.op == "&" else x & y
        return either

    def bbox(self) -> tuple[np.ndarray, np.ndarray]:
        """NEST's box: the overlap, the hull, or the first mask's box."""
        (la, ua), (lb, ub) = self.a.bbox(), self.b.bbox()
        if self.op == "&":
            return np.maximum(la, lb), np.minimum(ua, ub)
        if self.op == "|":
            return np.minimum(la, lb), np.maximum(ua, ub)
        return la, ua


@dataclass(eq=False)
class Anchored(Mask):
    """A mask shifted by ``anchor``."""

    m: Mask
    anchor: np.ndarray

    def __post_init__(self) -> None:
        self.dim = self.m.dim

    def inside(self, p: np.ndarray) -> np.ndarray:
        """Whether each row of ``p - anchor`` lies in the mask."""
        return self.m.inside(p - self.anchor)

    def inside_box(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """The shifted boxes' test."""
        return self.m.inside_box(lo - self.anchor, hi - self.anchor)

    def outside_box(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """The shifted boxes' test."""
        return self.m.outside_box(lo - self.anchor, hi - self.anchor)

    def bbox(self) -> tuple[np.ndarray, np.ndarray]:
        """The mask's box, shifted."""
        lo, hi = self.m.bbox()
        return lo + self.anchor, hi + self.anchor


class Box(Mask):
    """A box ``lower_left <= p <= upper_right``, turned by ``azimuth_angle`` (about z) and
    ``polar_angle`` (about y, 3D) around its centre (degrees).

    Raises
    ------
    BadProperty
        If a corner is malformed or upper_right is not strictly above lower_left.
    """

    def __init__(self, lower_left: Any, upper_right: Any, azimuth_angle: float = 0.0, polar_angle: float = 0.0,
                 name: str = "rectangular") -> None:
        self.ll = _vec(name, "lower_left", lower_left)
        self.ur = _vec(name, "upper_right", upper_right, self.ll.size)
        self.dim = self.ll.size
        if not np.all(self.ll < self.ur):
            raise bad_property(name, "upper_right", upper_right, "Upper right must be strictly to the right and "
                               f"above lower left ({self.ll.tolist()})")
        if self.dim == 2 and polar_angle != 0.0:
            raise bad_property(name, "polar_angle", polar_angle, "polar_angle not defined in 2D")
        self.az, self.pol = _number(name, "azimuth_angle", azimuth_angle), _number(name, "polar_angle", polar_angle)
        self.c = (self.ur + self.ll) * 0.5

    def _rotated(self, p: np.ndarray) -> np.ndarray:
        """The points turned back into the unturned box (NEST's expression order)."""
        ac, as_ = np.cos(self.az * _RAD), np.sin(self.az * _RAD)
        c = self.c
        if self.dim == 2:
            x = p[:, 0] * ac - c[0] * ac + p[:, 1] * as_ - c[1] * as_ + c[0]
            y = -p[:, 0] * as_ + c[0] * as_ + p[:, 1] * ac - c[1] * ac + c[1]
            return np.stack([x, y], axis=1)
        pc, ps = np.cos(self.pol * _RAD), np.sin(self.pol * _RAD)
        x = p[:, 0] * (ac * pc) - c[0] * ac * pc + p[:, 1] * (as_ * pc) - c[1] * as_ * pc - p[:, 2] * ps \
            + c[2] * ps + c[0]
        y = -p[:, 0] * as_ + c[0] * as_ + p[:, 1] * ac - c[1] * ac + c[1]
        z = p[:, 0] * (ac * ps) - c[0] * ac * ps + p[:, 1] * (as_ * ps) - c[1] * as_ * ps + p[:, 2] * pc \
            - c[2] * pc + c[2]
        return np.stack([x, y, z], axis=1)

    def inside(self, p: np.ndarray) -> np.ndarray:
        """Whether each row of ``p`` lies in the box (turned boxes allow 1e-12 of rounding, as NEST)."""
        if self.az == 0.0 and self.pol == 0.0:
            out: np.ndarray = np.all((self.ll <= p) & (p <= self.ur), axis=1)
            return out
        q = self._rotated(p)
        turned: np.ndarray = np.all((self.ll - 1e-12 <= q) & (q <= self.ur + 1e-12), axis=1)
        return turned

    def inside_box(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """NEST's test for a box mask: both extreme corners inside."""
        out: np.ndarray = self.inside(lo) & self.inside(hi)
        return out

    def bbox(self) -> tuple[np.ndarray, np.ndarray]:
        """The box of the turned corners (unturned: the box itself, exactly)."""
        if self.az == 0.0 and self.pol == 0.0:
            return self.ll.copy(), self.ur.copy()
        corners = np.array(np.meshgrid(*[[lo, hi] for lo, hi in zip(self.ll, self.ur, strict=True)])).reshape(
            self.dim, -1).T - self.c
        ac, as_ = np.cos(self.az * _RAD), np.sin(self.az * _RAD)
        rot = np.eye(self.dim)
        rot[:2, :2] = [[ac, -as_], [as_, ac]]
        turned = corners @ rot.T + self.c
        return turned.min(axis=0), turned.max(axis=0)


class Ball(Mask):
    """A disc (2D) or ball (3D) of ``radius`` around ``center``.

    Raises
    ------
    BadProperty
        If ``radius`` is not > 0.
    """

    def __init__(self, radius: float, center: Any = None, dim: int = 2, name: str = "circular",
                 hole: bool = False) -> None:
        self.r = _number(name, "radius", radius)
        if not (self.r > 0 or (hole and self.r >= 0)):
            raise bad_property(name, "radius", radius, "radius > 0 required")
        self.center = np.zeros(dim) if center is None else _vec(name, "anchor", center, dim)
        self.dim = self.center.size

    def inside(self, p: np.ndarray) -> np.ndarray:
        """Whether each row of ``p`` lies within the radius."""
        d = np.abs(p - self.center)
        sq = d[:, 0] * d[:, 0]
        for i in range(1, self.dim):
            sq = sq + d[:, i] * d[:, i]
        near = d.sum(axis=1) <= self.r
        out: np.ndarray = np.all(d <= self.r, axis=1) & (near | (np.sqrt(sq) <= self.r))
        return out

    def bbox(self) -> tuple[np.ndarray, np.ndarray]:
        """``center -/+ radius``."""
        return self.center - self.r, self.center + self.r


class Ellipse(Mask):
    """An ellipse (2D) or ellipsoid (3D): axes' lengths (full, not half), turned by
    ``azimuth_angle`` and ``polar_angle`` (degrees), centred at ``center``.

    Raises
    ------
    BadProperty
        If an axis is not > 0 or the major axis is shorter than the minor one.
    """

    def __init__(self, major_axis: float, minor_axis: float, polar_axis: float | None = None,
                 azimuth_angle: float = 0.0, polar_angle: float = 0.0, center: Any = None,
                 name: str = "elliptical") -> None:
        self.dim = 2 if polar_axis is None else 3
        self.a, self.b = _number(name, "major_axis", major_axis), _number(name, "minor_axis", minor_axis)
        self.c3 = 0.0 if polar_axis is None else _number(name, "polar_axis", polar_axis)
        if not (self.a > 0 and self.b > 0 and (polar_axis is None or self.c3 > 0)):
            raise bad_property(name, "major_axis", major_axis, "All axis > 0 required")
        if self.a < self.b:
            raise bad_property(name, "major_axis", major_axis, "major_axis greater than minor_axis required")
        if self.dim == 2 and polar_angle != 0.0:
            raise bad_property(name, "polar_angle", polar_angle, "polar_angle not defined in 2D")
        self.az, self.pol = _number(name, "azimuth_angle", azimuth_angle), _number(name, "polar_angle", polar_angle)
        self.center = np.zeros(self.dim) if center is None else _vec(name, "anchor", center, self.dim)

    def inside(self, p: np.ndarray) -> np.ndarray:
        """Whether each row of ``p`` lies in the ellipse (NEST's expression)."""
        ac, as_ = np.cos(self.az * _RAD), np.sin(self.az * _RAD)
        dx, dy = p[:, 0] - self.center[0], p[:, 1] - self.center[1]
        xs, ys = 4.0 / (self.a * self.a), 4.0 / (self.b * self.b)
        if self.dim == 2:
            nx, ny = dx * ac + dy * as_, dx * as_ - dy * ac
            flat: np.ndarray = nx ** 2 * xs + ny ** 2 * ys <= 1
            return flat
        pc, ps = np.cos(self.pol * _RAD), np.sin(self.pol * _RAD)
        dz = p[:, 2] - self.center[2]
        nx = (dx * ac + dy * as_) * pc - dz * ps
        ny = dx * as_ - dy * ac
        nz = (dx * ac + dy * as_) * ps + dz * pc
        solid: np.ndarray = nx ** 2 * xs + ny ** 2 * ys + nz ** 2 * (4.0 / (self.c3 * self.c3)) <= 1
        return solid

    def bbox(self) -> tuple[np.ndarray, np.ndarray]:
        """NEST's box: the half axes, or (turned) the largest of major and polar half axes."""
        if self.az == 0.0 and self.pol == 0.0:
            r = np.array([self.a, self.b, self.c3][:self.dim]) / 2.0
        else:
            r = np.full(self.dim, max(self.a, self.c3) / 2.0)
        return self.center - r, self.center + r


class GridMask(Mask):
    """``shape`` grid cells from ``anchor`` (grid steps; default the node's own cell,
    the mask reaching right and down), for grid layers only.

    Raises
    ------
    BadProperty
        If the shape or anchor is not whole numbers of the right length.
    """

    def __init__(self, shape: Any, anchor: Any = None) -> None:
        self.shape = _ints("grid", "shape", shape)
        self.dim = self.shape.size
        self.anchor = np.zeros(self.dim, dtype=np.int64) if anchor is None else _ints("grid", "anchor", anchor)
        if self.anchor.size != self.dim:
            raise bad_property("grid", "anchor", anchor, f"give {self.dim} whole numbers")

    def box(self, extent: np.ndarray, dims: tuple[int, ...]) -> Box:
        """The mask as a box in space, on a grid layer of ``extent`` and ``dims`` (NEST's conversion)."""
        step = extent / np.asarray(dims, dtype=float)
        ll = step * (-self.anchor) - step * 0.5
        ur = step * (self.shape - self.anchor) - step * 0.5
        ll[1], ur[1] = -ur[1], -ll[1]  # grid rows run downwards
        return Box(ll, ur, name="grid")

    def inside(self, p: np.ndarray) -> np.ndarray:
        """Grid masks only test points once placed on a layer (see :meth:`box`).

        Raises
        ------
        BadProperty
            Always.
        """
        raise BadProperty("grid mask: it can only be used with grid layers (in connect)")

    def bbox(self) -> tuple[np.ndarray, np.ndarray]:
        """In grid steps: from ``-anchor`` to ``shape - anchor``."""
        return (-self.anchor).astype(float), (self.shape - self.anchor).astype(float)


def _number(owner: str, key: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not np.isfinite(v):
        raise bad_property(owner, key, v, "it must be a finite number")
    return float(v)


def _vec(owner: str, key: str, v: Any, size: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        arr = np.zeros(0)
    sizes = (size,) if size is not None else (2, 3)
    if arr.ndim != 1 or arr.size not in sizes or not np.all(np.isfinite(arr)):
        raise bad_property(owner, key, v, f"give {' or '.join(map(str, sizes))} finite numbers")
    return arr


def _ints(owner: str, key: str, v: Any) -> np.ndarray:
    arr = np.asarray(v)
    if arr.ndim != 1 or arr.size not in (2, 3) or arr.dtype.kind not in "iu":
        raise bad_property(owner, key, v, "give 2 or 3 whole numbers")
    return arr.astype(np.int64)


_KEYS = {
    "rectangular": ({"lower_left", "upper_right"}, {"azimuth_angle"}),
    "box": ({"lower_left", "upper_right"}, {"azimuth_angle", "polar_angle"}),
    "circular": ({"radius"}, {"anchor"}),
    "spherical": ({"radius"}, {"anchor"}),
    "doughnut": ({"inner_radius", "outer_radius"}, {"anchor"}),
    "elliptical": ({"major_axis", "minor_axis"}, {"azimuth_angle", "anchor"}),
    "ellipsoidal": ({"major_axis", "minor_axis", "polar_axis"}, {"azimuth_angle", "polar_angle", "anchor"}),
    "grid": ({"shape"}, set()),
}
KINDS = tuple(_KEYS)


def create_mask(kind: str, specs: dict[str, Any], anchor: Any = None) -> Mask:
    """A mask of ``kind`` with NEST's parameters ``specs`` (see the module table), shifted
    by ``anchor`` (grid masks: in grid steps).

    Raises
    ------
    BadProperty
        If the kind is unknown, a key is missing, or a value is not allowed.
    UnaccessedDictionaryEntry
        If a key is unknown (NEST's class).
    """
    if kind not in _KEYS:
        raise bad_property("CreateMask", "masktype", kind, f"choose one of {list(KINDS)}")
    if not isinstance(specs, dict):
        raise bad_property(kind, "specs", specs, "give a dict of the mask's parameters")
    need, opt = _KEYS[kind]
    for k in specs:
        if k not in need | opt:  # NEST's class for a key nothing read
            raise UnaccessedDictionaryEntry(str(bad_property(kind, k, specs[k], f"a {kind} mask takes "
                                                             f"{sorted(need | opt)}")))
    for k in need:
        if k not in specs:
            raise bad_property(kind, k, None, f"a {kind} mask needs {sorted(need)}")
    s = specs
    mask: Mask
    if kind in ("rectangular", "box"):
        mask = Box(s["lower_left"], s["upper_right"], s.get("azimuth_angle", 0.0), s.get("polar_angle", 0.0), kind)
        if mask.dim != (2 if kind == "rectangular" else 3):
            raise bad_property(kind, "lower_left", s["lower_left"], f"give {2 if kind == 'rectangular' else 3} numbers")
    elif kind in ("circular", "spherical"):
        mask = Ball(s["radius"], s.get("anchor"), 2 if kind == "circular" else 3, kind)
    elif kind == "doughnut":
        inner, outer = _number(kind, "inner_radius", s["inner_radius"]), _number(kind, "outer_radius",
                                                                                s["outer_radius"])
        if inner >= outer:
            raise bad_property(kind, "inner_radius", inner, "inner_radius < outer_radius required")
        # as NEST's: the hole of inner radius 0 still takes out the centre
        mask = Combined("-", Ball(outer, s.get("anchor"), 2, kind), Ball(inner, s.get("anchor"), 2, kind, hole=True))
    elif kind in ("elliptical", "ellipsoidal"):
        mask = Ellipse(s["major_axis"], s["minor_axis"], s.get("polar_axis") if kind == "ellipsoidal" else None,
                       s.get("azimuth_angle", 0.0), s.get("polar_angle", 0.0), s.get("anchor"), kind)
    else:
        return GridMask(s["shape"], anchor)
    if anchor is not None:
        mask = Anchored(mask, _vec(kind, "anchor", anchor, mask.dim))
    return mask


def as_mask(v: Any) -> Mask:
    """A conn_spec ``mask``: a :class:`Mask`, or a dict ``{kind: specs}`` with an optional
    ``"anchor"`` (NEST's mask dict).

    Raises
    ------
    BadProperty
        If ``v`` is neither, or the mask is not allowed.
    """
    if isinstance(v, Mask):
        return v
    if not isinstance(v, dict):
        raise bad_property("connect", "mask", v, "give a mask (CreateMask) or a dict {kind: parameters}")
    kinds = [k for k in v if k != "anchor"]
    if len(kinds) != 1:
        raise bad_property("connect", "mask", v, f"give one mask kind of {list(KINDS)} (and an optional anchor)")
    return create_mask(kinds[0], v[kinds[0]], v.get("anchor"))
