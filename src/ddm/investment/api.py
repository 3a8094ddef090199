"""Investment API: the quantum of a zone, projects. Reads are public, like the pages.

GET /zones/{code}/quantum?calendar=april|july&view=annual|stated -> the JSON shape documented in
ddm.investment.reports (the same as `ddm report quantum --json`).
GET /projects/{id} -> a project with its organisation, locations and budget lines.
GET /zones/{code}/projects?limit=&offset= -> the zone's counted projects, paginated.
GET /zones/{code}/projects.geojson -> the zone's projects located at a point, as GeoJSON (ddm.investment.geojson).
"""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.renderers import JSONRenderer

from ddm import caching
from ddm.investment import geojson
from ddm.investment.calendar import span_label
from ddm.investment.intake.api import router as intake_router
from ddm.investment.models import Location, Project
from ddm.investment.quantum import shared_zone_quantum
from ddm.investment.reports import quantum_json
from ddm.places.models import Place
from ddm.web import geojson_response

router = Router(tags=["Investment"])
router.add_router("", intake_router)


class Error(Schema):
    detail: str


class LocationOut(Schema):
    precision: str
    name: str
    latitude: float | None
    longitude: float | None
    municipality: str | None
    zone: str | None
    province: str | None
    share: Decimal | None


class BudgetLineOut(Schema):
    kind: str
    amount: str
    financial_years: str | None
    fy_first: int | None
    fy_last: int | None
    calendar_start_month: int
    stated_as: str


class ProjectOut(Schema):
    id: int
    organisation: str
    organisation_name: str
    sphere: str
    reference: str
    title: str
    sector: str | None
    status: str
    start_date: date | None
    end_date: date | None
    is_aggregate: bool
    demo: bool
    duplicate_of: int | None
    url: str


class ProjectDetail(ProjectOut):
    description: str
    locations: list[LocationOut]
    budget_lines: list[BudgetLineOut]


def _project(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk, "organisation": p.organisation.code, "organisation_name": p.organisation.name,
        "sphere": p.organisation.sphere, "reference": p.reference, "title": p.title,
        "sector": None if p.is_aggregate else p.sector, "status": p.status, "start_date": p.start_date,
        "end_date": p.end_date, "is_aggregate": p.is_aggregate, "demo": p.is_demo,
        "duplicate_of": p.duplicate_of_id,
        "url": p.get_absolute_url(),
    }


def _code(place: Place | None) -> str | None:
    return place.code if place is not None else None


QUANTUM_PAGE_MAX = 5000


@router.get("/zones/{code}/quantum", response={200: dict, 404: Error},
            summary="The quantum of a zone (stable JSON shape; rows paginated, totals whole)")
def zone_quantum(request: HttpRequest, code: str, calendar: Literal["april", "july"] = "april",
                 view: Literal["annual", "stated"] = "annual", limit: int = Query(1000, ge=1, le=QUANTUM_PAGE_MAX),
                 offset: int = Query(0, ge=0)) -> HttpResponse | tuple[int, dict[str, str]]:
    """Parameters out of range or unknown are refused (422) before this runs."""
    zone_code = code.upper()
    if not zone_code.isalnum() or len(zone_code) > 12:
        return 404, {"detail": f"No zone with code {code}"}
    try:
        # The page's JSON, rendered once per data version and shared by every process: a warm call
        # is one cache read (the body is what ninja would render from the same dict).
        body = caching.remember("investment:quantum-json", lambda: JSONRenderer().render(
            request, quantum_json(shared_zone_quantum(zone_code, calendar, view), offset=offset, limit=limit),
            response_status=200), calendar, view, offset, limit, zone=zone_code)
    except Place.DoesNotExist:
        return 404, {"detail": f"No zone with code {code}"}
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get("/projects/{project_id}", response={200: ProjectDetail, 404: Error}, summary="One project")
def project_detail(request: HttpRequest, project_id: int) -> tuple[int, dict[str, Any]]:
    p = get_object_or_404(Project.objects.select_related("organisation"), pk=project_id)
    locations = [{
        "precision": l.precision, "name": l.name, "latitude": l.latitude, "longitude": l.longitude,
        "municipality": _code(l.municipality), "zone": _code(l.zone), "province": _code(l.province), "share": l.share,
    } for l in p.locations.select_related("municipality", "zone", "province")]
    lines = [{
        "kind": b.kind, "amount": str(b.amount), "financial_years": span_label(b.fy_first, b.fy_last, b.fy_start_month),
        "fy_first": b.fy_first, "fy_last": b.fy_last, "calendar_start_month": b.fy_start_month, "stated_as": b.stated_as,
    } for b in p.budget_lines.all()]
    return 200, {**_project(p), "description": p.description, "locations": locations, "budget_lines": lines}


PROJECT_PAGE_MAX = 1000


class ProjectPage(Schema):
    items: list[ProjectOut]
    count: int  # the zone's counted projects, all pages


@router.get("/zones/{code}/projects", response={200: ProjectPage, 404: Error},
            summary="Counted projects located in a zone, a page at a time (by id)")
def zone_projects(request: HttpRequest, code: str, limit: int = Query(100, ge=1, le=PROJECT_PAGE_MAX),
                  offset: int = Query(0, ge=0)) -> tuple[int, dict[str, Any]]:
    """The zone's counted projects (confirmed duplicates and demo projects left out) in order of id, ``limit``
    from ``offset`` on, and how many there are. Read from the zone's locations through their index, so a page
    costs what the zone holds, never a scan of the national register."""
    zone = get_object_or_404(Place.objects.zones().without_geometry(), code=code.upper())
    ids = counted_project_ids(zone)
    page = list(ids[offset:offset + limit])
    projects = Project.objects.select_related("organisation").order_by().in_bulk(page)
    return 200, {"items": [_project(projects[pk]) for pk in page], "count": ids.count()}


def counted_project_ids(zone: Place) -> QuerySet[Location, int]:
    """The ids of the zone's counted projects, in order, each once: the zone's locations in their (zone,
    project) index, less the few duplicates and demo projects found through their own indexes."""
    return (Location.objects.filter(zone=zone)
            .exclude(project__in=Project.objects.filter(duplicate_of__isnull=False))
            .exclude(project__in=Project.objects.demo())
            .order_by("project_id").values_list("project_id", flat=True).distinct())


class PointOut(Schema):
    type: Literal["Point"]
    coordinates: list[float]  # [longitude, latitude], WGS84


class ProjectPointProperties(Schema):
    id: int
    reference: str
    title: str
    organisation: str  # with sphere and province: "Health (Eastern Cape)"
    sphere: str
    sector: str
    status: str
    budget: str | None  # Decimal Rand as a string: the budget lines added as stated (all years)
    budget_display: str  # "R12.5 m" (ddm.numbers)
    budget_exact: str  # "R12 500 000.00"
    budget_years: str | None  # "2019/20-2021/22"
    place: str  # the place as the submitter stated it
    municipality: str | None
    url: str


class ProjectFeature(Schema):
    type: Literal["Feature"]
    geometry: PointOut
    properties: ProjectPointProperties


class ProjectCollection(Schema):
    type: Literal["FeatureCollection"]
    zone: str
    note: str
    source: str
    features: list[ProjectFeature]


@router.get("/zones/{code}/projects.geojson", response={200: ProjectCollection, 404: Error},
            summary="A zone's projects located at a point, as GeoJSON (public fields only)")
def zone_projects_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """Counted projects with a point location in the zone, one feature per point (WGS84); the budget is the
    project's budget lines added as stated. Projects located only to a ward, municipality or the zone are not
    points (they are in /zones/{code}/projects)."""
    zone = get_object_or_404(Place.objects.zones().without_geometry(), code=code.upper())
    return geojson_response(ProjectCollection, geojson.zone_projects(zone))
