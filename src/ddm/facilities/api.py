"""Facilities API (mounted at /api/): a zone's schools and health facilities.

GET /zones/{code}/facilities.geojson?kind=school&kind=hospital   GeoJSON points (WGS84), public
GET /zones/{code}/facilities                                      per-municipality counts and ratios
"""

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from ddm.facilities import services
from ddm.facilities.models import Kind
from ddm.places.models import Place
from ddm.web import geojson_response

router = Router(tags=["Facilities"])


class ErrorOut(Schema):
    detail: str


class PointOut(Schema):
    type: Literal["Point"]
    coordinates: list[float]  # [longitude, latitude], WGS84


class FacilityProperties(Schema):
    id: int
    kind: str
    kind_label: str
    category: str  # as published, e.g. PRIMARY SCHOOL
    name: str
    sector: str
    municipality: str
    place_name: str
    learners: int | None
    educators: int | None
    source: str
    vintage: int


class FacilityFeature(Schema):
    type: Literal["Feature"]
    geometry: PointOut
    properties: FacilityProperties


class FacilityCollection(Schema):
    type: Literal["FeatureCollection"]
    zone: str
    features: list[FacilityFeature]


class CountsOut(Schema):
    code: str
    name: str
    schools: int
    schools_with_figures: int
    learners: int
    educators: int
    learners_per_educator: str | None  # Decimal as a string, 1 decimal
    clinics: int
    hospitals: int
    ems_stations: int


class SourceOut(Schema):
    citation: str
    vintage: int
    licence: str


class ZoneFacilitiesOut(Schema):
    zone: str
    totals: CountsOut
    municipalities: list[CountsOut]
    sources: list[SourceOut]
    notes: list[str]


NOTES = [
    "Counts are of facilities placed in the municipality by their coordinates (MDB 2020 boundaries).",
    "Learners per educator: total learners / total educators of the schools reporting both (DBE 2024).",
    "Clinics are community health centres and community day centres; the ~3,500 primary health care "
    "clinics are not in the source data.",
]


def _zone(code: str) -> Place:
    return get_object_or_404(Place.objects.zones(), code=code.upper())


@router.get("/zones/{code}/facilities.geojson", response={200: FacilityCollection, 404: ErrorOut},
            summary="A zone's schools and health facilities as GeoJSON points")
def zone_geojson(request: HttpRequest, code: str, kind: list[Kind] = Query(default=[])) -> HttpResponse:
    """Located facilities of the zone; `kind` (repeatable): school, hospital, community_health_centre,
    community_day_centre, ems_station, long_term_care (another is refused, 422). Each feature carries its
    source and vintage."""
    zone = _zone(code)
    return geojson_response(FacilityCollection, services.zone_features(zone.code, [k.value for k in kind]))


def _counts_out(counts: services.Counts, name: str) -> dict[str, Any]:
    return {"code": counts.code, "name": name, "schools": counts.schools,
            "schools_with_figures": counts.schools_with_figures, "learners": counts.learners,
            "educators": counts.educators,
            "learners_per_educator": None if counts.learners_per_educator is None
            else str(counts.learners_per_educator),
            "clinics": counts.clinics, "hospitals": counts.hospitals, "ems_stations": counts.ems_stations}


@router.get("/zones/{code}/facilities", response={200: ZoneFacilitiesOut, 404: ErrorOut},
            summary="A zone's facility counts per municipality")
def zone_counts(request: HttpRequest, code: str) -> dict[str, Any]:
    zone = _zone(code)
    municipalities = list(zone.children.order_by("code").values_list("code", "name"))
    counts = services.counts_by_municipality([c for c, _ in municipalities])
    totals = services.Counts(zone.code)
    for value in counts.values():
        totals.add(value)
    return {"zone": zone.code, "totals": _counts_out(totals, zone.name),
            "municipalities": [_counts_out(counts[c], n) for c, n in municipalities],
            "sources": [{"citation": c, "vintage": v, "licence": lic} for c, v, lic in services.sources()],
            "notes": NOTES}
