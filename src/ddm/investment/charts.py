"""Server-rendered SVG for the zone investment page: bars by sphere and year, and the project map.

Plain SVG strings built here (escaped), no JavaScript: the page works as a document.
"""

import math
from decimal import Decimal
from html import escape

from django.db.models import Q, Sum
from django.utils.safestring import mark_safe

from ddm.investment.models import BudgetKind, Location
from ddm.investment.quantum import SPHERE_ORDER
from ddm.numbers import rand_short
from ddm.places import svgmap

COLOURS = {"national": "#1d4e89", "provincial": "#59a14f", "local": "#f28e2b", "parastatal": "#b07aa1",
           "private": "#9c755f"}
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 300, 70, 50, 20


def _nice_max(value):
    if value <= 0:
        return Decimal(1)
    exponent = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= exponent * Decimal(str(step)):
            return exponent * Decimal(str(step))
    return value


def sphere_year_chart(quantum, kind=BudgetKind.BUDGET):
    """Grouped bars: one bar per sphere per financial year (private beside, never stacked on, government)."""
    cells = quantum.by("financial_year", "sphere", kinds=kind)
    if not cells:
        return ""
    years = [y for y in quantum.years if any(k[0] == y for k in cells)]
    spheres = [s for s in SPHERE_ORDER if any(k[1] == s for k in cells)]
    top = _nice_max(max(cells.values()))
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - TOP - BOTTOM
    group_w = plot_w / len(years)
    bar_w = group_w * 0.8 / len(spheres)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(str(BudgetKind(kind).label))} by sphere and financial year">']
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d7dde5"/>'
                     f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
                     f'{escape(rand_short(value))}</text>')
    for gi, year in enumerate(years):
        x0 = LEFT + gi * group_w + group_w * 0.1
        for si, sphere in enumerate(spheres):
            amount = cells.get((year, sphere))
            if not amount:
                continue
            h = float(amount / top) * plot_h
            x, y = x0 + si * bar_w, TOP + plot_h - h
            label = f"{sphere} {year or 'years not stated'}: {rand_short(amount)}"
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{COLOURS.get(sphere, "#888")}"><title>{escape(label)}</title></rect>')
        parts.append(f'<text x="{x0 + group_w * 0.4:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                     f'font-size="11">{escape(year or "not stated")}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part passed through escape()


def map_points(zone, limit=400):
    """Point locations in the zone with each project's budget (largest first, at most `limit`)."""
    query = (Location.objects.filter(zone=zone, latitude__isnull=False, longitude__isnull=False,
                                     project__duplicate_of__isnull=True)
             .values("project_id", "project__title", "latitude", "longitude")
             .annotate(budget=Sum("project__budget_lines__amount",
                                  filter=Q(project__budget_lines__kind=BudgetKind.BUDGET)))
             .order_by("-budget", "project_id"))
    return list(query[:limit])


def project_map(zone, municipalities, points):
    """SVG: the zone's municipalities and a circle per located point, area proportional to budget."""
    if not zone.geometry:
        return ""
    box = svgmap.view_box(zone.shape.bounds)
    width = float(box.split()[2])
    largest = max((p["budget"] or 0 for p in points), default=0)
    parts = [f'<svg class="map" viewBox="{box}" role="img" aria-label="Located projects in {escape(zone.name)}">']
    for m in municipalities:
        parts.append(f'<path class="prov-{escape(zone.province.code)}" fill-opacity=".35" d="{escape(m.svg_path)}">'
                     f'<title>{escape(m.code)} {escape(m.name)}</title></path>')
    for p in points:
        x, y = svgmap.project(p["longitude"], p["latitude"])
        radius = width / 120 + (width / 25) * math.sqrt(float(p["budget"] or 0) / float(largest)) if largest else width / 120
        label = f"{p['project__title']}: {rand_short(p['budget']) if p['budget'] else 'no budget line'}"
        parts.append(f'<a href="/investment/projects/{p["project_id"]}/"><circle cx="{x:.2f}" cy="{y:.2f}" r="{radius:.2f}">'
                     f"<title>{escape(label)}</title></circle></a>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part passed through escape()
