"""The data of the zone investment page's chart (budget by sphere and year) and project map, drawn by ddm.charts."""

from decimal import Decimal
from typing import TypedDict, cast

from django.db.models import Q, Sum

from ddm import charts
from ddm.investment.models import BudgetKind, Location
from ddm.investment.quantum import SPHERE_ORDER, Quantum
from ddm.numbers import rand_short
from ddm.places import svgmap
from ddm.places.models import Place


class PointRow(TypedDict):
    """A located point of a project, with the project's budget (all years; None without a budget line)."""

    project_id: int
    project__title: str
    latitude: float
    longitude: float
    budget: Decimal | None


SPHERE_NAMES = {"national": "National", "provincial": "Provincial", "local": "Local", "parastatal": "Parastatal",
                "private": "Private (beside, not added)"}


def sphere_year_chart(quantum: Quantum, kind: str = BudgetKind.BUDGET) -> str:
    """Grouped columns: one per sphere per financial year (private beside, never stacked on, government)."""
    cells = quantum.by("financial_year", "sphere", kinds=kind)
    if not cells:
        return ""
    years = [y for y in quantum.years if any(k[0] == y for k in cells)]
    spheres = [s for s in SPHERE_ORDER if any(k[1] == s for k in cells)]
    return charts.columns(
        [year or "years not stated" for year in years], [SPHERE_NAMES.get(s, s) for s in spheres],
        {(year or "years not stated", SPHERE_NAMES.get(sphere, sphere)): amount for (year, sphere), amount in cells.items()},
        f"{BudgetKind(kind).label} by sphere and financial year", fmt=rand_short, tick_fmt=charts.money_tick,
        colours=[charts.area_colour(SPHERE_ORDER.index(s)) for s in spheres])


def map_points(zone: Place, limit: int = 400) -> list[PointRow]:
    """Point locations in the zone with each project's budget (largest first, at most `limit`)."""
    query = (Location.objects.filter(zone=zone, latitude__isnull=False, longitude__isnull=False,
                                     project__duplicate_of__isnull=True, project__is_demo=False)
             .values("project_id", "project__title", "latitude", "longitude")
             .annotate(budget=Sum("project__budget_lines__amount",
                                  filter=Q(project__budget_lines__kind=BudgetKind.BUDGET)))
             .order_by("-budget", "project_id"))
    return cast(list[PointRow], list(query[:limit]))  # latitude and longitude: not null (filtered)


def project_map(zone: Place, municipalities: list[Place], points: list[PointRow]) -> str:
    """SVG: the zone's municipalities and a circle per located point, area proportional to budget."""
    if not zone.geometry:
        return ""
    assert zone.province is not None  # a zone lies in a province
    areas = [charts.Area(m.code, m.name, m.svg_path, css_class=f"prov-{zone.province.code}", fill_opacity=0.35)
             for m in municipalities]
    dots = [charts.MapPoint(*svgmap.project(p["longitude"], p["latitude"]),
                            title=f"{p['project__title']}: {rand_short(p['budget']) if p['budget'] else 'no budget line'}",
                            weight=float(p["budget"] or 0), href=f"/investment/projects/{p['project_id']}/")
            for p in points]
    assert zone.shape is not None  # the zone has a geometry (above)
    return charts.place_map(svgmap.view_box(zone.shape.bounds), areas, points=dots,
                            title=f"Located projects in {zone.name}")
