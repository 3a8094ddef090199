"""Loads the packaged MDB reference data (provinces, 52 zones, 213 municipalities, wards)."""

import csv
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypedDict

import shapely
from django.db import transaction
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ddm.places import CURRENT_DEMARCATION, svgmap
from ddm.places.models import Level, Place

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRY_CODE = "ZA"

# (level, code) -> the place saved so far, so that a reload updates rows instead of adding them.
Existing = dict[tuple[str, str], Place]
# A row of a packaged CSV -> (parent, province, other fields of the place).
Placing = Callable[[dict[str, str]], tuple[Place | None, Place | None, dict[str, Any]]]


class GeometryFields(TypedDict):
    """The fields of a place that come from its boundary."""

    geometry: str
    svg_path: str
    centroid_lat: float
    centroid_lon: float
    area_km2: Decimal | None


BOUNDARY_FILES = {
    Level.PROVINCE: "za_provinces_2020.geojson",
    Level.ZONE: "za_districts_metros_2020.geojson",
    Level.MUNICIPALITY: "za_municipalities_2020.geojson",
    Level.WARD: "za_wards_2020.geojson",
}


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_boundaries(level: Level) -> dict[str, tuple[dict[str, Any], BaseGeometry]]:
    """{code: (properties, shapely geometry)} for one level of the packaged boundaries."""
    with open(DATA_DIR / BOUNDARY_FILES[level], encoding="utf-8") as handle:
        collection = json.load(handle)
    key = "ward_code" if level == Level.WARD else "code"
    return {f["properties"][key]: (f["properties"], shape(f["geometry"])) for f in collection["features"]}


def _geometry_fields(geom: BaseGeometry, level: Level, area_ha: str | float | None = None) -> GeometryFields:
    point = geom.representative_point()
    area = Decimal(area_ha) / 100 if area_ha else None
    return {
        "geometry": json.dumps(shapely.geometry.mapping(geom), separators=(",", ":")),
        "svg_path": svgmap.svg_path(geom, level),
        "centroid_lat": round(point.y, 6),
        "centroid_lon": round(point.x, 6),
        "area_km2": area.quantize(Decimal("0.01")) if area is not None else None,
    }


def is_loaded() -> bool:
    return Place.objects.current().filter(level=Level.COUNTRY).exclude(geometry="").exists() and (
        Place.objects.municipalities().count() == 213
    )


@transaction.atomic
def load_places(include_wards: bool = True) -> int:
    """Create or refresh every place of the current demarcation; safe to run again."""
    existing = {(p.level, p.code): p for p in Place.objects.current()}
    outline = shapely.union_all([geom for _props, geom in read_boundaries(Level.PROVINCE).values()])
    country = _save(
        existing, Level.COUNTRY, COUNTRY_CODE, "South Africa", parent=None, province=None,
        **_geometry_fields(outline, Level.COUNTRY),
    )
    provinces = _load_provinces(existing, country)
    zones = _load_zones(existing, provinces)
    municipalities = _load_municipalities(existing, zones, provinces)
    if include_wards:
        _load_wards(existing, municipalities, provinces)
    return Place.objects.current().count()


def _save(existing: Existing, level: Level, code: str, name: str, parent: Place | None, province: Place | None,
          **fields: Any) -> Place:
    place = existing.get((level, code)) or Place(level=level, code=code, demarcation_year=CURRENT_DEMARCATION)
    place.name, place.parent, place.province = name, parent, province
    for key, value in fields.items():
        setattr(place, key, value)
    place.save()
    existing[(level, code)] = place
    if level == Level.PROVINCE and place.province_id != place.pk:
        place.province = place
        place.save(update_fields=["province"])
    return place


def _load_level(existing: Existing, level: Level, csv_name: str, placed: Placing) -> dict[str, Place]:
    """Saves every row of the level's CSV with its boundary; placed(row) gives (parent, province, other fields)."""
    shapes = read_boundaries(level)
    result: dict[str, Place] = {}
    for row in read_csv(csv_name):
        props, geom = shapes[row["code"]]
        parent, province, extra = placed(row)
        result[row["code"]] = _save(existing, level, row["code"], row["name"], parent, province, **extra,
                                    **_geometry_fields(geom, level, props.get("source_area_ha")))
    return result


def _load_provinces(existing: Existing, country: Place) -> dict[str, Place]:
    return _load_level(existing, Level.PROVINCE, "provinces.csv", lambda row: (country, None, {}))


def _load_zones(existing: Existing, provinces: Mapping[str, Place]) -> dict[str, Place]:
    def placed(row: dict[str, str]) -> tuple[Place, Place, dict[str, Any]]:
        province = provinces[row["province_code"]]
        return province, province, {"category": row["category"]}

    return _load_level(existing, Level.ZONE, "districts_metros_2020.csv", placed)


def _load_municipalities(existing: Existing, zones: Mapping[str, Place],
                         provinces: Mapping[str, Place]) -> dict[str, Place]:
    return _load_level(existing, Level.MUNICIPALITY, "municipalities_2020.csv", lambda row: (
        zones[row["district_code"]], provinces[row["province_code"]],
        {"short_name": row["short_name_wazimap2016"], "category": row["category"]}))


def _load_wards(existing: Existing, municipalities: Mapping[str, Place], provinces: Mapping[str, Place]) -> None:
    shapes = read_boundaries(Level.WARD)
    new: list[Place] = []
    changed: list[Place] = []

    for row in read_csv("wards_2020.csv"):
        props, geom = shapes[row["ward_code"]]
        place = existing.get((Level.WARD, row["ward_code"]))
        fields = dict(
            name=f"Ward {row['ward_no']}", parent=municipalities[row["municipality_code"]],
            province=provinces[row["province_code"]], **_geometry_fields(geom, Level.WARD, props.get("source_area_ha")),
        )
        if place is None:
            new.append(Place(level=Level.WARD, code=row["ward_code"], demarcation_year=CURRENT_DEMARCATION, **fields))
        else:
            for key, value in fields.items():
                setattr(place, key, value)
            changed.append(place)
    Place.objects.bulk_create(new, batch_size=500)
    if changed:
        Place.objects.bulk_update(changed, list(fields), batch_size=500)
