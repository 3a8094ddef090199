"""Section 6, projects and spending: read from the investment register, never re-totalled here.

Totals come from ddm.investment.quantum (its counting rules: duplicates excluded, multi-location
projects split by share, kinds never added, private apart from government). Cached per data
version, like the rest of the profile: any change to the register bumps it.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from ddm import caching
from ddm.investment import quantum as q
from ddm.investment.models import Location, Project
from ddm.numbers import rand_exact, rand_short
from ddm.places import svgmap
from ddm.places.models import Level, Place

TOP = 10


def _sphere_year_table(quantum: q.Quantum, municipality: str | None) -> list[dict[str, Any]]:
    filters = {"municipality": municipality} if municipality else {}
    table = []
    for kind in quantum.kinds:
        years = [y for y in quantum.years if quantum.total(kinds=kind, years=[y], **filters)]
        rows = []
        for sphere in q.SPHERE_ORDER:
            amounts = [quantum.total(spheres=[sphere], kinds=kind, years=[y], **filters) for y in years]
            if any(amounts):
                rows.append({"sphere": sphere, "private": sphere in q.PRIVATE,
                             "amounts": [{"value": str(a), "display": rand_short(a)} for a in amounts]})
        government = quantum.total(spheres=q.GOVERNMENT, kinds=kind, **filters)
        private = quantum.total(spheres=q.PRIVATE, kinds=kind, **filters)
        table.append({"kind": kind, "years": [y or "years not stated" for y in years], "rows": rows,
                      "government": {"value": str(government), "display": rand_short(government),
                                     "exact": rand_exact(government)},
                      "private": {"value": str(private), "display": rand_short(private), "exact": rand_exact(private)}})
    return table


def _top_projects(place: Place) -> list[dict[str, Any]]:
    where = Q(zone=place) if place.level == Level.ZONE else Q(municipality=place)
    ids = Location.objects.filter(where).values("project_id")
    projects = (Project.objects.counted().filter(pk__in=ids).select_related("organisation")
                .annotate(budget=Sum("budget_lines__amount", filter=Q(budget_lines__kind="budget")))
                .filter(budget__isnull=False).order_by("-budget")[:TOP])
    return [{"id": p.pk, "title": p.title, "organisation": p.organisation.name, "sphere": p.organisation.sphere,
             "sector": p.get_sector_display(), "budget": str(p.budget), "budget_display": rand_short(p.budget),
             "url": p.get_absolute_url()} for p in projects]


def _points(place: Place) -> list[tuple[float, float, str]]:
    where = Q(zone=place) if place.level == Level.ZONE else Q(municipality=place)
    located = (Location.objects.filter(where, latitude__isnull=False, longitude__isnull=False,
                                       project__duplicate_of__isnull=True, project__is_demo=False)
               .values_list("longitude", "latitude", "project__title"))
    # the query leaves out missing coordinates; the test again tells the type checker
    return [(*svgmap.project(lon, lat), title) for lon, lat, title in located if lon is not None and lat is not None]


def project_section(place: Place) -> dict[str, Any]:
    """Totals by sphere and year (per kind; government and private apart), top projects, located points;
    computed once per data version (which any register change bumps) and shared (ddm.caching)."""
    return caching.remember("profiles:projects", lambda: _project_section(place), place.level, place.code)


def _project_section(place: Place) -> dict[str, Any]:
    zone = place if place.level == Level.ZONE else place.parent
    assert zone is not None  # a municipality's parent is its zone
    municipality = None if place.level == Level.ZONE or place.is_metro else place.code
    quantum = q.shared_zone_quantum(zone.code)
    table = _sphere_year_table(quantum, municipality)
    top = _top_projects(place)
    return {
        "empty": not quantum.rows or not any(t["rows"] for t in table),
        "calendar": quantum.calendar_description,
        "apportioned": quantum.apportioned,
        "includes": q.INCLUDES,
        "by_kind": table,
        "top_projects": top,
        "top_note": "Whole project budgets (all years and locations) of counted projects with a location here.",
        "points": _points(place),
        "scope": "municipality" if municipality else "zone",
        "zero": str(Decimal("0.00")),
    }
