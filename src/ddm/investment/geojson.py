"""A zone's located projects as GeoJSON points, for the interactive map and the download.

Only projects placed at an exact point in the zone (a location with coordinates) are points; projects
located to a ward, municipality or the whole zone have no point and stay in the zone's tables. Confirmed
duplicates are left out, as in every total. Each feature carries only what the project page shows the
public (the register holds approved figures only, so every project in it is public): title, reference,
organisation, sector, status, the budget as stated (all years, the whole project) and its years.

Cost: the zone's point locations and their projects' budget lines (two queries), never the register.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Max, Min, QuerySet, Sum

from ddm import numbers
from ddm.investment.calendar import span_label
from ddm.investment.models import BudgetKind, BudgetLine, Location
from ddm.places.models import Place

CENT = Decimal("0.01")
BUDGET_NOTE = ("Budget: the project's budget lines added as stated (all years, the whole project, not its share "
               "of this zone); projects located only to a ward, municipality or the whole zone have no point.")


def _point_locations(zone: Place) -> QuerySet[Location]:
    return (Location.objects.filter(zone=zone, latitude__isnull=False, longitude__isnull=False,
                                    project__duplicate_of__isnull=True)
            .select_related("project__organisation__province", "municipality")
            .defer("municipality__geometry", "municipality__svg_path", "project__organisation__province__geometry",
                   "project__organisation__province__svg_path")
            .order_by("project_id", "pk"))


# A project's budget: (total, first year, last year, first month of its financial year).
Budget = tuple[Decimal | None, int | None, int | None, int]


def _budgets(project_ids: Iterable[int]) -> dict[int, Budget]:
    """{project id: (total budget, first year, last year, calendar month)} of the projects' budget lines."""
    rows = (BudgetLine.objects.filter(project_id__in=project_ids, kind=BudgetKind.BUDGET).values("project_id")
            .annotate(total=Sum("amount"), first=Min("fy_first"), last=Max("fy_last"), last_first=Max("fy_first"),
                      month=Min("fy_start_month")))
    return {row["project_id"]: (row["total"], row["first"], max(filter(None, (row["last"], row["last_first"])),
                                                                 default=None), row["month"]) for row in rows}


def _properties(location: Location, budget: Budget | None) -> dict[str, Any]:
    project = location.project
    total, first, last, month = budget if budget else (None, None, None, 4)
    return {
        "id": project.pk, "reference": project.reference, "title": project.title,
        "organisation": project.organisation.label, "sphere": project.organisation.get_sphere_display(),
        "sector": "aggregate line" if project.is_aggregate else project.get_sector_display(),
        "status": project.get_stage_display() or project.status,
        "budget": str(total.quantize(CENT)) if total is not None else None,
        "budget_display": numbers.rand_short(total) if total is not None else "no budget line",
        "budget_exact": numbers.rand_exact(total) if total is not None else "",
        "budget_years": span_label(first, last, month) if first is not None else None,
        "place": location.name, "municipality": location.municipality.code if location.municipality is not None else None,
        "url": project.get_absolute_url(),
    }


def zone_projects(zone: Place) -> dict[str, Any]:
    """GeoJSON FeatureCollection of the zone's projects located at a point (one feature per point)."""
    locations = list(_point_locations(zone))
    budgets = _budgets({location.project_id for location in locations})
    features = [{"type": "Feature",
                 "geometry": {"type": "Point", "coordinates": [location.longitude, location.latitude]},
                 "properties": _properties(location, budgets.get(location.project_id))}
                for location in locations]
    return {"type": "FeatureCollection", "zone": zone.code, "note": BUDGET_NOTE,
            "source": "DDM Hub investment register (approved submissions)", "features": features}

