"""GeoJSON of places (zones, a zone's municipalities, a zone's wards) for the API, the downloads and the maps.

The stored WGS84 geometry text is written as is (never re-parsed), so a collection costs what its features
cost: 52 zones nationally, a zone's own municipalities or wards otherwise. Properties: code, name, level,
parent and province codes. The collection names its source (MDB 2020 boundaries) and its detail.

Detail "overview" (zones only, for the national map): each zone simplified with shapely
`simplify(OVERVIEW_TOLERANCE, preserve_topology=True)` and snapped to OVERVIEW_GRID, about a third of
the full size; computed once per data version (ddm.caching). Downloads keep the full geometry.
"""

import json
from collections.abc import Iterable, Mapping

import shapely
from django.http import HttpResponse

from ddm import caching
from ddm.places.models import Place, PlaceQuerySet

SOURCE = "Municipal Demarcation Board (MDB), 2020 demarcation boundaries"
FULL, OVERVIEW = "full", "overview"
# Degrees: 0.01 (about 1 km) is under a pixel of the national map as first drawn; the grid (about 110 m)
# only shortens the coordinates, ten times finer than the simplification.
OVERVIEW_TOLERANCE = 0.01
OVERVIEW_GRID = 0.001
DETAIL_NOTES = {
    FULL: "Boundaries as published (WGS84).",
    OVERVIEW: f"Boundaries simplified for an overview map (tolerance {OVERVIEW_TOLERANCE} degree, topology "
              f"preserved, coordinates on a {OVERVIEW_GRID} degree grid); use detail=full for analysis.",
}


def _feature(place: Place, geometry: str) -> str:
    properties = {"code": place.code, "name": place.name, "level": place.level,
                  "parent": place.parent.code if place.parent is not None else None,
                  "province": place.province.code if place.province is not None else None}
    return f'{{"type":"Feature","properties":{json.dumps(properties, ensure_ascii=False)},"geometry":{geometry}}}'


def feature_collection(places: Iterable[Place], name: str, detail: str = FULL,
                       geometries: Mapping[str, str] | None = None) -> str:
    """The collection as text; geometries ({code: GeoJSON text}) replaces the stored geometry when given."""
    features = ",".join(_feature(p, (geometries or {}).get(p.code) or p.geometry or "null") for p in places)
    head = {"type": "FeatureCollection", "name": name, "source": SOURCE, "detail": detail,
            "note": DETAIL_NOTES[detail]}
    return f'{json.dumps(head, ensure_ascii=False)[:-1]},"features":[{features}]}}'


def response(text: str, filename: str | None = None) -> HttpResponse:
    """An application/geo+json answer; with a filename, a download (Content-Disposition: attachment)."""
    http = HttpResponse(text, content_type="application/geo+json")
    if filename:
        http["Content-Disposition"] = f'attachment; filename="{filename}"'
    return http


def _features(places: PlaceQuerySet, geometry: bool = True) -> PlaceQuerySet:
    """Only the columns a feature writes: never the parents' boundaries (a ward's municipality's is large)."""
    columns = ["code", "name", "level", "parent__code", "province__code"] + (["geometry"] if geometry else [])
    return places.select_related("parent", "province").only(*columns).order_by("code")


def zones(geometry: bool = True) -> PlaceQuerySet:
    return _features(Place.objects.zones(), geometry)


def municipalities(zone: Place) -> PlaceQuerySet:
    return _features(Place.objects.municipalities().filter(parent=zone))


def wards(zone: Place) -> PlaceQuerySet:
    return _features(Place.objects.wards().filter(parent__parent=zone))


def simplified(geometry_text: str) -> str:
    """One geometry's overview: simplified, topology kept (valid polygons), snapped to the grid."""
    geometry = shapely.from_geojson(geometry_text)
    return shapely.to_geojson(shapely.set_precision(geometry.simplify(OVERVIEW_TOLERANCE, preserve_topology=True),
                                                    OVERVIEW_GRID))


def _overview_geometries() -> dict[str, str]:
    return {code: simplified(text) for code, text in Place.objects.zones().exclude(geometry="")
            .values_list("code", "geometry")}


def zones_collection(detail: str = FULL) -> str:
    """The 52 zones; detail=overview: simplified boundaries (computed once per data version)."""
    if detail == OVERVIEW:
        geometries = caching.remember("places:zone-overview-geometries", _overview_geometries)
        return feature_collection(zones(geometry=False), "zones", OVERVIEW, geometries)
    return feature_collection(zones(), "zones")


def zone_collection(zone: Place, layer: str) -> str:

    """A zone's municipalities or wards (layer "municipalities" or "wards"), full boundaries."""
    places = municipalities(zone) if layer == "municipalities" else wards(zone)
    return feature_collection(places, f"{zone.code}-{layer}")
