"""Places API (mounted at /api/): locate a point, resolve a name, list zones, one zone/municipality, and
the boundaries as GeoJSON (the zones; a zone's municipalities or wards: ddm/places/geojson.py).

Reads are public. Shapes match the CLI's --json output (ddm/places/lookups.py).
"""

import json
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from ddm.places import geojson, lookups
from ddm.places.models import Place
from ddm.places.services import province_of

router = Router(tags=["Places"])


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: Any  # a message, or ninja's list of field errors


class CodeName(Schema):
    code: str
    name: str


class MunicipalityRef(CodeName):
    full_name: str


class ZoneRef(CodeName):
    category: str


class LocateOut(Schema):
    query: dict
    municipality: MunicipalityRef
    zone: ZoneRef
    province: CodeName
    ward: CodeName | None
    precision: str
    demarcation_year: int


class CandidateOut(Schema):
    kind: str
    code: str
    name: str
    match: str
    score: float
    precision: str
    matched_name: str
    municipality: str | None
    municipality_name: str | None
    zone: str | None
    zone_name: str | None
    province: str | None
    province_name: str | None
    lat: float | None
    lon: float | None
    weight: int | None = None  # gazetteer places: evidence (schools, clinics, GeoNames); null = curated
    confidence: float | None = None  # gazetteer places: share of that evidence in the municipality


class ResolveOut(Schema):
    query: str
    province: str | None
    ambiguous: bool
    best: CandidateOut | None
    candidates: list[CandidateOut]
    # share of the name's evidence where `best` is (below 0.92 a village or suburb does not answer);
    # zone: when an ambiguous answer's candidates all lie in one zone, its code (the zone is known)
    share: float | None = None
    zone: str | None = None
    demarcation_year: int


class ZoneOut(Schema):
    code: str
    name: str
    category: str
    type: str
    province: CodeName
    local_municipality_count: int
    demarcation_year: int


class MunicipalityOut(Schema):
    code: str
    name: str
    full_name: str
    category: str
    zone: CodeName
    province: CodeName
    ward_count: int
    area_km2: str | None  # Decimal as a string: MDB area attribute
    demarcation_year: int
    geometry: dict | None


class ZoneDetailOut(ZoneOut):
    area_km2: str | None
    municipalities: list[MunicipalityOut]
    geometry: dict | None


@router.get("/places/locate", response={200: LocateOut, 404: ErrorOut, 422: ValidationErrorOut},
            summary="Municipality, zone and province of a point")
def locate(request: HttpRequest, lat: float = Query(..., ge=-90, le=90),
           lon: float = Query(..., ge=-180, le=180)) -> tuple[int, dict[str, Any]]:
    """404 if the point is not in South Africa (Lesotho and Eswatini are not); 422 if out of range."""
    try:
        return 200, lookups.locate_point(lat, lon)
    except ValueError as exc:
        return 422, {"detail": str(exc)}
    except lookups.NotInSouthAfrica:
        return 404, {"detail": lookups.NOT_IN_SOUTH_AFRICA}


# The nine provinces as ddm.places.lookups.resolve takes them: MDB code or name (places/data/provinces.csv).
Province = Literal["EC", "FS", "GT", "KZN", "LIM", "MP", "NC", "NW", "WC", "Eastern Cape", "Free State", "Gauteng",
                   "KwaZulu-Natal", "Limpopo", "Mpumalanga", "Northern Cape", "North West", "Western Cape"]


@router.get("/places/resolve", response={200: ResolveOut, 404: ResolveOut, 422: ValidationErrorOut},
            summary="Resolve a place name or MDB code")
def resolve(request: HttpRequest, name: str = Query(..., pattern=r"[A-Za-z0-9]"),
            province: Province | None = None) -> tuple[int, dict[str, Any]]:
    """200 with `best` (or `ambiguous: true` and the candidates); 404 if nothing matches; 422 if the name has
    no letter or digit (the resolver compares letters and digits only) or the province is not one of the
    nine (code or name)."""
    try:
        answer = lookups.resolve(name, province)
    except ValueError as exc:
        return 422, {"detail": str(exc)}
    return (200 if answer["candidates"] else 404), answer


@router.get("/zones", response={200: list[ZoneOut]}, summary="The 52 IGR Impact Zones")
def zones(request: HttpRequest) -> list[lookups.ZoneItem]:
    return lookups.zone_list()


def _geometry(place: Place, wanted: bool) -> dict[str, Any] | None:
    return json.loads(place.geometry) if wanted and place.geometry else None


def _area(place: Place) -> str | None:
    return str(place.area_km2) if place.area_km2 is not None else None


def _municipality(place: Place, geometry: bool) -> dict[str, Any]:
    assert place.parent is not None  # a municipality's parent is its zone
    return {
        "code": place.code, "name": lookups.short_municipality_name(place), "full_name": place.name,
        "category": place.category, "zone": {"code": place.parent.code, "name": place.parent.name},
        "province": {"code": province_of(place).code, "name": province_of(place).name},
        "ward_count": place.children.count(), "area_km2": _area(place),
        "demarcation_year": place.demarcation_year, "geometry": _geometry(place, geometry),
    }


@router.get("/zones/{code}", response={200: ZoneDetailOut, 404: ErrorOut}, summary="One zone with its municipalities")
def zone(request: HttpRequest, code: str, geometry: bool = True) -> dict[str, Any]:
    """GeoJSON geometry (WGS84) of the zone, unless ?geometry=false; municipalities without geometry."""
    place = get_object_or_404(Place.objects.zones().select_related("province"), code=code.upper())
    summary = next(z for z in lookups.zone_list() if z["code"] == place.code)
    municipalities = place.children.select_related("parent", "province").order_by("code")
    return {
        **summary, "area_km2": _area(place), "geometry": _geometry(place, geometry),
        "municipalities": [_municipality(m, False) for m in municipalities],
    }


@router.get("/municipalities/{code}", response={200: MunicipalityOut, 404: ErrorOut}, summary="One municipality")
def municipality(request: HttpRequest, code: str, geometry: bool = True) -> dict[str, Any]:
    place = get_object_or_404(Place.objects.municipalities().select_related("parent", "province"), code=code.upper())
    return _municipality(place, geometry)


class BoundaryOut(Schema):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[list[list[float]]] | list[list[list[list[float]]]]  # [longitude, latitude], WGS84


class PlaceProperties(Schema):
    code: str
    name: str
    level: str  # zone, municipality or ward
    parent: str | None  # a zone's province, a municipality's zone, a ward's municipality
    province: str | None


class PlaceFeature(Schema):
    type: Literal["Feature"]
    properties: PlaceProperties
    geometry: BoundaryOut | None


class PlaceCollection(Schema):
    type: Literal["FeatureCollection"]
    name: str
    source: str
    detail: Literal["full", "overview"]
    note: str
    features: list[PlaceFeature]


# The answers are written from the stored GeoJSON text (ddm.places.geojson, never re-parsed): the schemas
# document them and the tests check them against the schemas.
@router.get("/zones.geojson", response={200: PlaceCollection, 422: ValidationErrorOut},
            summary="The 52 zones' boundaries as GeoJSON")
def zones_geojson(request: HttpRequest, detail: Literal["full", "overview"] = "full") -> HttpResponse:
    """`detail=full` (default): boundaries as published; `detail=overview`: simplified for a national map
    (about a third of the size, valid polygons, topology of each zone kept)."""
    return geojson.response(geojson.zones_collection(detail))


def _zone_layer(code: str, layer: str) -> HttpResponse:
    zone = get_object_or_404(Place.objects.zones().without_geometry(), code=code.upper())
    return geojson.response(geojson.zone_collection(zone, layer))


@router.get("/zones/{code}/municipalities.geojson", response={200: PlaceCollection, 404: ErrorOut},
            summary="A zone's municipalities' boundaries as GeoJSON")
def zone_municipalities_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """The local municipalities of a district (a metro: itself); 404 if no such zone."""
    return _zone_layer(code, "municipalities")


@router.get("/zones/{code}/wards.geojson", response={200: PlaceCollection, 404: ErrorOut},
            summary="A zone's wards' boundaries as GeoJSON")
def zone_wards_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """Every ward of the zone's municipalities (parent: the ward's municipality); 404 if no such zone."""
    return _zone_layer(code, "wards")
