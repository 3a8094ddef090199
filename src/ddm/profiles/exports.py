"""Profile downloads: XLSX (every number with its source, year and note) and the PDF (ddm.profiles.pdf)."""

from decimal import Decimal
from typing import Any

from ddm.places.models import Place
from ddm.profiles import pdf, projects, sections
from ddm.profiles.facilities_section import facilities_section, figures
from ddm.profiles.models import ZoneNarrative


def profile_sheets(place: Place) -> list[tuple[Any, ...]]:
    """Sheets for ddm.exports.xlsx_bytes: one row per indicator and place, with source, year and formula."""
    profile = sections.get_profile(place)
    header = ["section", "indicator code", "indicator", "unit", "place code", "place", "place level", "value",
              "year", "source", "note", "formula", f"rank of {place.display_name}", "basis"]
    names = {c["code"] + c["level"]: c["name"] for c in profile["columns"]}
    rows = []
    for section in profile["sections"]:
        for row in section["rows"]:
            rank = row["rank"]["text"] if row["rank"] else ""
            for cell in row["values"]:
                rows.append([f"{section['number']}. {section['title']}", row["code"], row["name"], row["unit_label"],
                             cell["place"], names.get(cell["place"] + cell["level"], ""), cell["level"], _cell_value(cell),
                             cell["year"] or row["year"], cell.get("source") or row["source"], cell["note"],
                             row["formula"], rank if cell["place"] == place.code and cell["level"] == place.level else "",
                             cell.get("basis") or ""])
    notes = [note for section in profile["sections"] for note in section["notes"]]
    sheets = [("Profile", header, rows, notes)]
    sheets.append(history_sheet(place, profile))
    sheets.append(_finance_sheet(profile))
    sheets.append(_breakdown_sheet(profile))
    sheets.append(_projects_sheet(place))
    sheets.append(facilities_sheet(place, profile))
    return sheets


def _facilities(place: Place, profile: dict[str, Any]) -> dict[str, Any]:
    return facilities_section(place, [(m["code"], m["name"]) for m in profile["place"]["municipalities"]])


FACILITY_HEADER = ["place code", "place", "place level", "figure code", "figure", "unit", "value", "year", "source",
                   "note"]


def facilities_sheet(place: Place, profile: dict[str, Any] | None = None) -> tuple[Any, ...]:
    """The facilities section (schools, learners, educators, health facilities by kind, clinics per 10,000
    people), one row per place and figure, each with its own source and year."""
    section = _facilities(place, profile or sections.get_profile(place))
    rows = [[f["place"], f["place_name"], f["level"], f["code"], f["name"], f["unit"],
             "no data" if f["value"] is None else f["value"], f["year"] or "", f["source"], f["note"]]
            for f in figures(section, place.level)]
    notes = [*section["notes"], *(f"Source: {s['citation']} ({s['vintage']}; {s['licence']})." for s in section["sources"])]
    return ("Facilities", FACILITY_HEADER, rows, notes)


def _cell_value(cell: dict[str, Any]) -> Decimal | str:
    if cell.get("text"):
        return cell["text"]
    return Decimal(cell["value"]) if cell["value"] is not None else "no data"


def history_sheet(place: Place, profile: dict[str, Any] | None = None) -> tuple[Any, ...]:
    """Every vintage of every indicator for the place itself (the trend column), with its own source."""
    profile = profile or sections.get_profile(place)
    header = ["section", "indicator code", "indicator", "unit", "place code", "year", "value", "vintage", "source"]
    rows = []
    for section in profile["sections"]:
        for row in section["rows"]:
            for entry in row["history"]:
                rows.append([f"{section['number']}. {section['title']}", row["code"], row["name"], row["unit_label"],
                             place.code, entry["year"], _cell_value(entry), entry["vintage"] or "", entry["source"]])
            for entry in row.get("predecessors", []):
                rows.append([f"{section['number']}. {section['title']}", row["code"], row["name"], row["unit_label"],
                             place.code, entry["year"], entry["display"], f"predecessor {entry['code']}", entry["note"]])
    notes = ["Each place's figures by year: Census 2011, Community Survey 2016, Census 2022 and any later release; "
             "predecessor rows are values of municipalities disestablished in 2016 whose area is now part of this one."]
    return ("History", header, rows, notes)


def _finance_sheet(profile: dict[str, Any]) -> tuple[Any, ...]:
    governance = next(s for s in profile["sections"] if s["key"] == "governance")
    table = governance.get("municipalities") or {"years": [], "rows": []}
    header = ["municipality code", "municipality", *[f"audit outcome {y - 1}/{str(y)[2:]}" for y in table["years"]],
              "capital budget variance % (newest)", "capital budget year", "financial-management support first"]
    rows = [[m["code"], m["name"], *[a["outcome"] or "no data" for a in m["audit"]],
             Decimal(m["capital_budget_variance"]) if m["capital_budget_variance"] is not None else "no data",
             m["capital_year"] or "", "yes" if m["needs_financial_support"] else "no"] for m in table["rows"]]
    notes = [table.get("rule", ""), "Source: National Treasury, Municipal Money (AGSA audit outcomes), July 2020."]
    return ("Municipal finance", header, rows, notes)


def profile_csv(place: Place) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of the profile as one CSV table: every figure shown, and every earlier vintage."""
    sheets = profile_sheets(place)
    profile_header, profile_rows = sheets[0][1], sheets[0][2]
    _name, _history_header, history_rows, _notes = sheets[1]
    header = ["table", *profile_header, "vintage"]
    rows = [["profile", *row, ""] for row in profile_rows]
    for section, code, name, unit, place_code, year, value, vintage, source in history_rows:
        rows.append(["history", section, code, name, unit, place_code, "", place.level, value, year, source, "", "",
                     "", "", vintage])
    for code, place_name, level, figure, name, unit, value, year, source, note in sheets[-1][2]:
        rows.append(["facilities", "Facilities: schools and health", figure, name, unit, code, place_name, level, value,
                     year, source, note, "", "", "", year])
    return header, rows


def _breakdown_sheet(profile: dict[str, Any]) -> tuple[Any, ...]:
    demography = next(s for s in profile["sections"] if s["key"] == "demography")
    rows = [[chart["title"], r["label"], Decimal(r["value"]), Decimal(r["share"]), chart["source"], chart["year"]]
            for chart in demography.get("charts", []) for r in chart["rows"]]
    return ("Breakdowns", ["table", "category", "persons", "share of the table's total", "source", "year"], rows)


def _projects_sheet(place: Place) -> tuple[Any, ...]:
    section = projects.project_section(place)
    rows = []
    for block in section["by_kind"]:
        for row in block["rows"]:
            for year, amount in zip(block["years"], row["amounts"], strict=True):
                rows.append([block["kind"], row["sphere"], year, Decimal(amount["value"])])
    notes = [f"Source: DDM Hub investment register. {section['includes']['government']} {section['includes']['kinds']}",
             f"Financial years: {section['calendar']}."]
    if section["empty"]:
        notes.insert(0, "No projects registered.")
    return ("Projects", ["kind", "sphere", "financial year", "amount (Rand)"], rows, notes)


def profile_pdf(place: Place) -> bytes:
    profile = sections.get_profile(place)
    return pdf.render(place, profile, projects.project_section(place), _facilities(place, profile))


def profile_json(place: Place) -> dict[str, Any]:
    """The profile as data (the API's and `ddm profile --json`'s shape; see ddm/profiles/api.py)."""
    data = sections.strip_svg(sections.get_profile(place))
    zone = place if place.level == "zone" else place.parent
    narrative = ZoneNarrative.objects.filter(zone=zone).first()
    data["narrative"] = None if narrative is None else {
        "summary": narrative.summary, "challenges": narrative.challenges, "potentials": narrative.potentials,
        "catalytic_projects": narrative.catalytic_projects, "updated": narrative.updated.isoformat(),
    }
    section = projects.project_section(place)
    section["located_points"] = len(section.pop("points"))
    data["projects"] = section
    facilities = _facilities(place, data)
    data["facilities"] = {
        "figures": [{**f, "value": str(f["value"]) if isinstance(f["value"], Decimal) else f["value"]}
                    for f in figures(facilities, place.level)],
        "sources": facilities["sources"], "notes": list(facilities["notes"]),
    }
    return data
