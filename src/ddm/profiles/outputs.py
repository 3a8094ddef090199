"""Profile downloads: XLSX (every number with its source, year and note) and the PDF (ddm.profiles.pdf)."""

from decimal import Decimal

from ddm.profiles import pdf, projects, sections


def profile_sheets(place):
    """Sheets for ddm.exports.xlsx_bytes: one row per indicator and place, with source, year and formula."""
    profile = sections.get_profile(place)
    header = ["section", "indicator code", "indicator", "unit", "place code", "place", "place level", "value",
              "year", "source", "note", "formula", f"rank of {place.display_name}"]
    names = {c["code"] + c["level"]: c["name"] for c in profile["columns"]}
    rows = []
    for section in profile["sections"]:
        for row in section["rows"]:
            rank = row["rank"]["text"] if row["rank"] else ""
            for cell in row["values"]:
                value = Decimal(cell["value"]) if cell["value"] is not None else "no data"
                rows.append([f"{section['number']}. {section['title']}", row["code"], row["name"], row["unit_label"],
                             cell["place"], names.get(cell["place"] + cell["level"], ""), cell["level"], value,
                             cell["year"] or row["year"], row["source"], cell["note"], row["formula"],
                             rank if cell["place"] == place.code and cell["level"] == place.level else ""])
    notes = [note for section in profile["sections"] for note in section["notes"]]
    sheets = [("Profile", header, rows, notes)]
    sheets.append(_breakdown_sheet(profile))
    sheets.append(_projects_sheet(place))
    return sheets


def _breakdown_sheet(profile):
    demography = next(s for s in profile["sections"] if s["key"] == "demography")
    rows = [[chart["title"], r["label"], Decimal(r["value"]), Decimal(r["share"]), chart["source"], chart["year"]]
            for chart in demography.get("charts", []) for r in chart["rows"]]
    return ("Breakdowns", ["table", "category", "persons", "share of the table's total", "source", "year"], rows)


def _projects_sheet(place):
    section = projects.project_section(place)
    rows = []
    for block in section["by_kind"]:
        for row in block["rows"]:
            for year, amount in zip(block["years"], row["amounts"]):
                rows.append([block["kind"], row["sphere"], year, Decimal(amount["value"])])
    notes = [f"Source: DDM Hub investment register. {section['includes']['government']} {section['includes']['kinds']}",
             f"Financial years: {section['calendar']}."]
    if section["empty"]:
        notes.insert(0, "No projects registered.")
    return ("Projects", ["kind", "sphere", "financial year", "amount (Rand)"], rows, notes)


def profile_pdf(place):
    return pdf.render(place, sections.get_profile(place), projects.project_section(place))


def profile_json(place):
    """The profile as data (the API's and `ddm profile --json`'s shape; see ddm/profiles/api.py)."""
    from ddm.profiles.models import ZoneNarrative

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
    return data
