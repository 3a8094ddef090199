"""Server-rendered SVG maps: boundaries pre-projected into SVG path data, no tiles, no network.

A plate carrée scaled by cos(29°S) keeps South Africa's shapes right to within a few percent;
coordinates are kept in units of 1/100 degree so path strings stay short.
"""

import math
from collections.abc import Iterable

import shapely
from shapely.geometry.base import BaseGeometry

SCALE = 100.0
X_FACTOR = math.cos(math.radians(29.0)) * SCALE

# Simplification tolerance in degrees per level: coarse for national maps, finer for wards.
TOLERANCE = {"country": 0.02, "province": 0.01, "zone": 0.004, "municipality": 0.002, "ward": 0.0005}


def project(lon: float, lat: float) -> tuple[float, float]:
    return lon * X_FACTOR, -lat * SCALE


def _ring_path(coords: Iterable[tuple[float, float]]) -> str:
    points = [project(x, y) for x, y in coords]
    head = "M{:.1f} {:.1f}".format(*points[0])
    body = "".join("L{:.1f} {:.1f}".format(*p) for p in points[1:-1])
    return head + body + "Z"


def svg_path(geom: BaseGeometry, level: str) -> str:
    """SVG path data ("M.. L.. Z", even-odd rings) for a shapely (multi)polygon."""
    simple = shapely.simplify(geom, TOLERANCE.get(level, 0.002), preserve_topology=True)
    parts = []
    for polygon in getattr(simple, "geoms", [simple]):
        if polygon.is_empty:
            continue
        parts.append(_ring_path(polygon.exterior.coords))
        parts.extend(_ring_path(ring.coords) for ring in polygon.interiors)
    return "".join(parts)


def view_box(bounds: tuple[float, float, float, float], margin: float = 0.03) -> str:

    """SVG viewBox string for a (minx, miny, maxx, maxy) lon/lat bounding box."""
    minx, miny, maxx, maxy = bounds
    x0, y0 = project(minx, maxy)
    x1, y1 = project(maxx, miny)
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return f"{x0 - dx:.1f} {y0 - dy:.1f} {x1 - x0 + 2 * dx:.1f} {y1 - y0 + 2 * dy:.1f}"
