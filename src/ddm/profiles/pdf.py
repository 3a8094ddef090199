"""The printable profile: typst (from PyPI, no system packages) compiles profile.typ with the
profile's data as JSON and its charts and map as SVG files in a temporary directory."""

import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import typst
from django.utils import timezone

from ddm.numbers import number
from ddm.places.models import Place
from ddm.profiles.facilities_section import DECIMALS
from ddm.profiles.models import ZoneNarrative

TEMPLATE = Path(__file__).resolve().parent / "profile.typ"
KEY_FIGURES = ("population", "households", "pct_households_piped_water_scheme", "pct_households_flush_toilet",
               "pct_persons_no_electricity", "unemployment_rate", "density", "audit_outcome")


def _short(source: str) -> str:
    for marker, short in (("Census 2022", "Census 2022"), ("Census 2011 on the 2020", "Census 2011"),
                          ("Community Survey 2016", "CS 2016"), ("Census 2011", "Census 2011"),
                          ("Municipal Money", "Municipal Money"), ("Demarcation", "MDB 2020")):
        if marker in source:
            return short
    return source[:40]


def _rows(section: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": r["name"], "unit": r["unit_label"], "footnote": r["footnote"], "year": str(r["year"]),
             "values": [c["display"] for c in r["values"]], "rank": r["rank"]["text"] if r["rank"] else "—",
             "trend": " · ".join(f"{h['year']}: {h['display']}" for h in r["history"]) if len(r["history"]) > 1 else "",
             "change": f"{r['change']['display']} ({r['change']['from_year']}–{r['change']['to_year']})"
             if r["change"] else ""}
            for r in section["rows"]]


def _governance(section: dict[str, Any]) -> dict[str, Any] | None:
    table = section.get("municipalities") or {"years": [], "rows": []}
    return {"years": [f"{y - 1}/{str(y)[2:]}" for y in table["years"]], "rule": table.get("rule", ""),
            "rows": [{"name": f"{m['code']} {m['name']}", "audit": [a["outcome"] or "no data" for a in m["audit"]],
                      "capital": "no data" if m["capital_budget_variance"] is None
                      else f"{Decimal(m['capital_budget_variance']):.1f}% ({m['capital_year']})",
                      "support": "yes" if m["needs_financial_support"] else "—"} for m in table["rows"]]}


def _narrative(zone: Place | None) -> list[dict[str, str]]:
    narrative = ZoneNarrative.objects.filter(zone=zone).first()
    if narrative is None:
        return []
    parts = [("Summary", narrative.summary), ("Key challenges", narrative.challenges),
             ("Potentials", narrative.potentials), ("Catalytic projects", narrative.catalytic_projects)]
    return [{"title": title, "text": text} for title, text in parts if text.strip()]


def _projects(section: dict[str, Any]) -> dict[str, Any]:
    blocks = [{"title": f"{b['kind'].capitalize()} by sphere and year (Rand)", "years": b["years"],
               "rows": [{"sphere": r["sphere"], "amounts": [a["display"] for a in r["amounts"]]} for r in b["rows"]],
               "government": b["government"]["display"], "private": b["private"]["display"]}
              for b in section["by_kind"] if b["rows"]]
    top = [{"title": p["title"], "organisation": p["organisation"], "budget": p["budget_display"]}
           for p in section["top_projects"]]
    includes = f"{section['includes']['government']} {section['includes']['kinds']} Financial years: {section['calendar']}."
    return {"empty": section["empty"], "blocks": blocks, "top": top, "includes": includes}


FACILITY_COLUMNS = ("schools", "learners", "educators", "learners_per_educator", "hospitals", "community_health_centres",
                    "community_day_centres", "clinics_per_10000", "ems_stations", "long_term_care")


def _facilities(section: dict[str, Any] | None) -> dict[str, Any] | None:
    """The facilities table as text: per municipality (and the zone's sum), each figure formatted once."""
    if section is None:
        return None

    def cells(row: dict[str, Any], label: str) -> dict[str, Any]:
        return {"name": label, "values": [number(row[k], DECIMALS.get(k, 0))
                                          or "–" for k in FACILITY_COLUMNS]}

    rows = [cells(r, f"{r['code']} {r['name']}") for r in section["rows"]]
    if section["total"]:
        rows.append(cells(section["total"], f"{section['total']['code']} (sum of its municipalities)"))
    population = section["rows"][0]["population_source"] if section["rows"] else ""
    return {"rows": rows, "notes": [*section["notes"], f"Population for clinics per 10,000 people: {population}."],
            "sources": "; ".join(f"{s['citation']} ({s['vintage']}; {s['licence']})" for s in section["sources"])}


def document_data(place: Place, profile: dict[str, Any], project_section: dict[str, Any],
                  facilities: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON the template reads (plain strings; all formatting done here)."""
    rows = {r["code"]: r for s in profile["sections"] for r in s["rows"]}
    key_figures = [{"name": rows[c]["name"], "value": rows[c]["values"][0]["display"],
                    "source_short": f"{_short(rows[c]['source'])}, {rows[c]['year']}"} for c in KEY_FIGURES if c in rows]
    spatial = next(s for s in profile["sections"] if s["key"] == "spatial")
    sections = []
    for section in profile["sections"]:
        if section["key"] in ("situation", "projects"):
            continue
        charts = [{"file": f"chart-{i}-{section['key']}.svg", "caption": f"{c['title']}. {c['source']} ({c['year']})",
                   "width": 100} for i, c in enumerate(section.get("charts", []))]
        if section.get("chart"):
            charts.append({"file": "chart-services.svg", "caption": "Services: the place, its province and South Africa "
                           "(CS 2016, % of persons or households)", "width": 80})
        sections.append({"number": section["number"], "title": section["title"], "rows": _rows(section),
                         "notes": section["notes"], "charts": charts, "after_projects": section["number"] > 6,
                         "governance": _governance(section) if section["key"] == "governance" else None})
    kind = "metropolitan municipality" if place.is_metro else (
        "district (IGR Impact Zone)" if place.level == "zone" else "local municipality")
    zone = place if place.level == "zone" else place.parent
    return {
        "place": {"name": place.display_name, "code": place.code, "kind": kind,
                  "province": place.province.name if place.province else ""},
        "generated": timezone.localdate().isoformat(),
        "columns": [c["name"] for c in profile["columns"]],
        "key_figures": key_figures,
        "sums_note": "Each figure is the newest available (Census 2022 where it has the figure), with its year; zone, "
                     "province and national figures are Stats SA's own published figures for that level, a sum of "
                     "municipalities only where none is published. Every row's source is numbered in Sources.",
        "map_caption": f"{spatial['map']['title']} ({spatial['map']['wards']} wards). Boundaries: MDB 2020.",
        "narrative": _narrative(zone),
        "sections": sections,
        "projects": _projects(project_section),
        "facilities": _facilities(facilities),
        "municipalities": [f"{m['code']} {m['name']}" for m in profile["place"]["municipalities"]],
        "sources": [f"[{s['number']}] {s['source']} ({', '.join(str(y) for y in s['years'])})" for s in profile["sources"]],
    }


def render(place: Place, profile: dict[str, Any], project_section: dict[str, Any],
           facilities: dict[str, Any] | None = None) -> bytes:
    """PDF bytes of the profile (facilities: the profile's facilities section, ddm.profiles.facilities_section)."""
    with tempfile.TemporaryDirectory(prefix="ddm-profile-") as folder:
        root = Path(folder)
        (root / "profile.typ").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
        data = document_data(place, profile, project_section, facilities)
        (root / "profile.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        for section in profile["sections"]:
            for index, chart in enumerate(section.get("charts", [])):
                (root / f"chart-{index}-{section['key']}.svg").write_text(chart["svg"] or _EMPTY, encoding="utf-8")
            if section.get("chart"):
                (root / "chart-services.svg").write_text(section["chart"], encoding="utf-8")
            if section.get("map"):
                (root / "map.svg").write_text(section["map"]["svg"], encoding="utf-8")
        return typst.compile(str(root / "profile.typ"), root=str(root), ignore_system_fonts=True)


_EMPTY = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10"></svg>'
