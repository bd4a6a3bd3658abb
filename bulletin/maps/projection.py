"""Projection stage of the map: longitude/latitude outlines → simplified shapes fitted in a box.

Input: :class:`~bulletin.maps.outlines.Outlines` and a :class:`~bulletin.geometry.Box` (points,
top-left origin). Output: one :class:`Shape` per territory, its rings in page points.

The projection is the Lambert conformal conic of Lambert-93 (standard parallels 44° N and 49° N,
origin 46.5° N 3° E) on a sphere: conformal, the shape of France readers know; the sphere's error
is far below a printed line's width at bulletin scale. The overseas départements are drawn where
the outline file put them (the ANCT files bring them near the mainland as insets). Rings are then
simplified for print (Douglas–Peucker, 0.4 pt tolerance) and specks smaller than half a square
point dropped, so that the PDF stays small; coordinates are rounded to 0.1 pt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from bulletin.geometry import Box
from bulletin.maps.outlines import Outlines, Point

PARALLELS = (math.radians(44.0), math.radians(49.0))
ORIGIN = (math.radians(3.0), math.radians(46.5))
TOLERANCE = 0.4  # points: less than a hairline's width, invisible in print
MIN_AREA = 0.5  # square points: islands smaller than this are dropped

_N = math.log(math.cos(PARALLELS[0]) / math.cos(PARALLELS[1])) / math.log(
    math.tan(math.pi / 4 + PARALLELS[1] / 2) / math.tan(math.pi / 4 + PARALLELS[0] / 2))
_F = math.cos(PARALLELS[0]) * math.tan(math.pi / 4 + PARALLELS[0] / 2) ** _N / _N
_RHO0 = _F / math.tan(math.pi / 4 + ORIGIN[1] / 2) ** _N


@dataclass(frozen=True)
class Shape:
    """A territory as drawn: its code and rings in page points (filled even-odd, so holes stay holes)."""

    code: str
    rings: tuple[tuple[Point, ...], ...]


def lambert(lon: float, lat: float) -> Point:
    """Lambert conformal conic on the unit sphere: x east, y north."""
    rho = _F / math.tan(math.pi / 4 + math.radians(lat) / 2) ** _N
    theta = _N * (math.radians(lon) - ORIGIN[0])
    return rho * math.sin(theta), _RHO0 - rho * math.cos(theta)


@lru_cache(maxsize=8)
def projected(outlines: Outlines) -> tuple[tuple[str, tuple[tuple[Point, ...], ...]], ...]:
    """Every territory's rings in projected units, computed once per outlines read."""
    return tuple((o.code, tuple(tuple(lambert(lon, lat) for lon, lat in ring) for polygon in o.polygons
                                for ring in polygon)) for o in outlines.features)


def bounds(outlines: Outlines) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of the projected outlines."""
    xs = [x for _, rings in projected(outlines) for ring in rings for x, _ in ring]
    ys = [y for _, rings in projected(outlines) for ring in rings for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def aspect(outlines: Outlines) -> float:
    """Height over width of the projected map."""
    xmin, ymin, xmax, ymax = bounds(outlines)
    return (ymax - ymin) / (xmax - xmin)


def fit_shapes(outlines: Outlines, box: Box, tolerance: float = TOLERANCE) -> list[Shape]:
    """The territories scaled to fit ``box`` (centred, aspect kept) and simplified for print."""
    xmin, ymin, xmax, ymax = bounds(outlines)
    scale = min(box.width / (xmax - xmin), box.height / (ymax - ymin))
    left = box.x + (box.width - (xmax - xmin) * scale) / 2
    top = box.y + (box.height - (ymax - ymin) * scale) / 2
    shapes = []
    for code, rings in projected(outlines):
        placed = [[(left + (x - xmin) * scale, top + (ymax - y) * scale) for x, y in ring] for ring in rings]
        shapes.append(Shape(code, _keep(placed, tolerance)))
    return shapes


def _keep(rings: list[list[Point]], tolerance: float) -> tuple[tuple[Point, ...], ...]:
    """Simplified rings, specks dropped (but never a territory's largest ring)."""
    simplified = [_rounded(simplify(ring, tolerance)) for ring in rings]
    areas = [abs(area(ring)) for ring in simplified]
    largest = max(range(len(areas)), key=areas.__getitem__)
    return tuple(ring for i, ring in enumerate(simplified)
                 if len(ring) >= 4 and (areas[i] >= MIN_AREA or i == largest))


def _rounded(ring: list[Point]) -> tuple[Point, ...]:
    points: list[Point] = []
    for x, y in ring:
        point = (round(x, 1), round(y, 1))
        if not points or point != points[-1]:
            points.append(point)
    return tuple(points)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: the points that keep the line within ``tolerance`` of the original."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = first, 0.0
        for index in range(first + 1, last):
            d = _segment_distance(points[index], points[first], points[last])
            if d > distance:
                farthest, distance = index, d
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    if length == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def area(ring: tuple[Point, ...] | list[Point]) -> float:
    """Signed area of a ring (shoelace formula)."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])) / 2  # type: ignore[operator]
