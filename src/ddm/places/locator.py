"""Point -> local municipality, zone and province, for one point or millions at once.

The 213 municipality polygons of the current demarcation are read once per process from the
Place rows (geometry column) and indexed by a regular grid of CELL-degree cells:

- a cell that touches no municipality answers "outside South Africa" by array lookup;
- a cell lying wholly inside one municipality (contains_properly) answers by array lookup;
- only the remaining border cells (about an eighth of South Africa's bounding box) are tested
  exactly with shapely's vectorised contains_xy against that cell's few candidate polygons.

So the answer is always the exact test's answer ("the first municipality, in code order, whose
polygon contains the point"; a point on a boundary line is contained by neither side), only faster.
Lesotho and Eswatini are holes/outside in the boundaries, so points there are None.
Wards are looked up only inside the municipality found, from that municipality's wards, lazily.
"""

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from ddm.once import once
from ddm.places.models import Level, Place
from ddm.places.registry import read_boundaries

# 0.05 degree (about 5 km) cells: about 85,000 cells, built in a fraction of a second.
CELL = 0.05
# Cells are widened by this much so that a point whose floor() lands in a cell is inside its box
# whatever the floating-point rounding of the cell edges.
EPSILON = 1e-9
OUTSIDE = -1
BORDER = -2

# A municipality's wards: (ward code, GeoJSON geometry text) rows.
WardSource = Callable[[str], Iterable[tuple[str, str]]]
# Latitudes or longitudes: one number or any sequence or array of them.
Degrees = float | Sequence[float] | npt.NDArray[np.floating[Any]]


@dataclass(frozen=True)
class Located:
    """Where one point lies: MDB codes of its municipality, zone and province (and ward)."""

    municipality: str
    zone: str
    province: str
    ward: str | None = None


class Locator:
    """Built from parallel lists of municipality codes, zone codes, province codes and polygons."""

    def __init__(self, codes: Iterable[str], zones: Iterable[str], provinces: Iterable[str],
                 geometries: Sequence[BaseGeometry], cell: float = CELL, ward_source: WardSource | None = None) -> None:
        self.codes = list(codes)
        self.geometries = np.asarray(geometries, dtype=object)
        self._places = {c: (z, p) for c, z, p in zip(self.codes, zones, provinces, strict=True)}
        self._code_array = np.array(self.codes + [None], dtype=object)  # index -1 -> None
        self._ward_source = ward_source
        self._wards: dict[str, tuple[list[str], Any]] = {}  # municipality -> (ward codes, shapely STRtree or None)
        self._ward_lock = threading.Lock()
        shapely.prepare(self.geometries)
        self._build_grid(cell)

    # -- index ---------------------------------------------------------------------------------

    def _build_grid(self, cell: float) -> None:
        minx, miny, maxx, maxy = shapely.total_bounds(self.geometries)
        self.cell, self.x0, self.y0 = cell, minx, miny
        self.nx = int(np.floor((maxx - minx) / cell)) + 1
        self.ny = int(np.floor((maxy - miny) / cell)) + 1
        grid_x, grid_y = np.meshgrid(np.arange(self.nx), np.arange(self.ny), indexing="xy")
        ix, iy = grid_x.ravel(), grid_y.ravel()
        boxes = shapely.box(minx + ix * cell - EPSILON, miny + iy * cell - EPSILON,
                            minx + (ix + 1) * cell + EPSILON, miny + (iy + 1) * cell + EPSILON)
        cells, polys = shapely.STRtree(self.geometries).query(boxes, predicate="intersects")
        order = np.lexsort((polys, cells))  # by cell, then polygon index (= code order)
        cells, polys = cells[order], polys[order]
        counts = np.bincount(cells, minlength=len(boxes))

        answer = np.full(len(boxes), BORDER, dtype=np.int16)
        answer[counts == 0] = OUTSIDE
        single = counts[cells] == 1
        inside = shapely.contains_properly(self.geometries[polys[single]], boxes[cells[single]])
        answer[cells[single][inside]] = polys[single][inside]
        self.answer = answer
        # Candidates of every cell in CSR form (only border cells' entries are ever read).
        self.cand_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.cand_poly = polys.astype(np.int32)

    def grid_stats(self) -> dict[str, float | int]:
        return {
            "cell_degrees": self.cell, "cells": int(self.answer.size),
            "outside": int((self.answer == OUTSIDE).sum()), "border": int((self.answer == BORDER).sum()),
            "inside": int((self.answer >= 0).sum()),
        }

    # -- lookups -------------------------------------------------------------------------------

    def locate_indices(self, lats: Degrees, lons: Degrees) -> npt.NDArray[np.int32]:
        """Index into self.codes of each point's municipality, -1 outside (vectorised)."""
        lats = np.asarray(lats, dtype=float).ravel()
        lons = np.asarray(lons, dtype=float).ravel()
        if lats.shape != lons.shape:
            raise ValueError("lats and lons must have the same length")
        fx = np.floor((lons - self.x0) / self.cell)
        fy = np.floor((lats - self.y0) / self.cell)
        valid = (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)  # False for NaN too
        cell = np.zeros(lats.size, dtype=np.int64)
        cell[valid] = fy[valid].astype(np.int64) * self.nx + fx[valid].astype(np.int64)
        result = np.where(valid, self.answer[cell], OUTSIDE).astype(np.int32)
        border = np.flatnonzero(result == BORDER)
        if border.size:
            result[border] = self._exact(lons[border], lats[border], cell[border])
        return result

    def _exact(self, xs: npt.NDArray[np.floating[Any]], ys: npt.NDArray[np.floating[Any]],
               cells: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Exact point-in-polygon for border points against their cell's candidate polygons."""
        start = self.cand_start[cells]
        count = self.cand_start[cells + 1] - start
        point = np.repeat(np.arange(xs.size), count)
        offset = np.arange(point.size) - np.repeat(np.cumsum(count) - count, count)
        poly = self.cand_poly[np.repeat(start, count) + offset]
        hit = np.zeros(point.size, dtype=bool)
        order = np.argsort(poly, kind="stable")
        bounds = np.flatnonzero(np.diff(poly[order])) + 1
        for group in np.split(order, bounds):
            if group.size:
                pts = point[group]
                hit[group] = shapely.contains_xy(self.geometries[poly[group[0]]], xs[pts], ys[pts])
        found = np.full(xs.size, np.iinfo(np.int32).max, dtype=np.int64)
        np.minimum.at(found, point[hit], poly[hit])
        return np.where(found == np.iinfo(np.int32).max, OUTSIDE, found)

    def locate_many(self, lats: Degrees, lons: Degrees) -> npt.NDArray[np.object_]:
        """Municipality code of each point (numpy object array, None outside South Africa)."""
        return self._code_array[self.locate_indices(lats, lons)]

    def locate(self, lat: float, lon: float) -> Located | None:
        """Located for one point, or None if it is not in South Africa (Lesotho included)."""
        index = int(self.locate_indices([lat], [lon])[0])
        if index < 0:
            return None
        code = self.codes[index]
        zone, province = self._places[code]
        return Located(code, zone, province, self._ward(code, lat, lon))

    def place_codes(self, municipality_code: str) -> tuple[str, str]:
        """(zone code, province code) of a municipality; KeyError if unknown."""
        return self._places[municipality_code]

    # -- wards ---------------------------------------------------------------------------------

    def _ward(self, municipality_code: str, lat: float, lon: float) -> str | None:
        if self._ward_source is None:
            return None
        with self._ward_lock:
            if municipality_code not in self._wards:
                self._wards[municipality_code] = self._load_wards(municipality_code)
        codes, tree = self._wards[municipality_code]
        if tree is None:
            return None
        point = shapely.points(lon, lat)
        for index in sorted(tree.query(point, predicate="intersects")):
            if shapely.contains_xy(tree.geometries[index], lon, lat):
                return codes[index]
        return None

    def _load_wards(self, municipality_code: str) -> tuple[list[str], Any]:
        assert self._ward_source is not None  # _ward asks only when there is a source
        rows = list(self._ward_source(municipality_code))
        if not rows:
            return [], None
        codes = [code for code, _ in rows]
        return codes, shapely.STRtree([shapely.from_geojson(text) for _, text in rows])


def _db_wards(municipality_code: str) -> Iterable[tuple[str, str]]:
    return (Place.objects.wards().filter(parent__code=municipality_code).exclude(geometry="")
            .order_by("code").values_list("code", "geometry"))


def build_from_db() -> Locator:
    """A Locator over the current demarcation's municipalities in the database."""
    rows = (Place.objects.municipalities().exclude(geometry="").order_by("code")
            .values_list("code", "parent__code", "province__code", "geometry"))
    codes: list[str] = []
    zones: list[str] = []
    provinces: list[str] = []
    geometries: list[BaseGeometry] = []
    for code, zone, province, geometry in rows:
        codes.append(code)
        zones.append(zone)
        provinces.append(province)
        geometries.append(shapely.geometry.shape(json.loads(geometry)))
    if not codes:
        raise RuntimeError("no municipality boundaries in the database: run `ddm setup` first")
    return Locator(codes, zones, provinces, geometries, ward_source=_db_wards)


@once
def get_locator() -> Locator:
    """The process-wide Locator, built on first use from the database (`get_locator.reset()` forgets it)."""
    return build_from_db()


def build_from_package() -> Locator:

    """A Locator over the packaged MDB 2020 municipality boundaries, without a database.

    For dev-time builds of packaged data (the gazetteer) and for benchmarks; the same polygons
    `ddm setup` loads, so it gives the same answers as get_locator().
    """
    rows = sorted(read_boundaries(Level.MUNICIPALITY).items())
    return Locator([code for code, _ in rows], [props["district_code"] for _, (props, _g) in rows],
                   [props["province_code"] for _, (props, _g) in rows], [geom for _, (_p, geom) in rows])
