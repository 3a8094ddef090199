"""The profile of a zone or municipality: sections 1–7 as one dict (cached), shared by the page,
the PDF, the XLSX and the JSON API.

Figures come from the indicator store only. The dict is cached per place and data version (the
version is bumped whenever values change), so a page costs one query for the version on a hit.
"""

import copy
import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ddm import caching, charts
from ddm.numbers import number
from ddm.numbers import share as share_text
from ddm.places import CURRENT_DEMARCATION, svgmap
from ddm.places.models import Level, Place
from ddm.profiles.aggregate import data_version
from ddm.profiles.models import Category, IndicatorDefinition, IndicatorValue, Unit
from ddm.profiles.services import LEVEL_NOUNS, SUPPORT_RULE, Rank, financial_health, rank_values


@dataclass(frozen=True)
class Section:
    number: int
    key: str
    title: str
    indicators: tuple = ()
    category: str = ""
    notes: tuple = field(default_factory=tuple)


NO_INCOME = ("Income: no data. Census 2011 income of employed persons is published only for the 2011 municipal "
             "boundaries (234 municipalities), which do not map one-to-one onto today's municipalities; "
             "household income tables were not available.")
NO_POVERTY = "Poverty (poverty headcount, SAMPI): no data in the packaged sources."
AGE_BY_SEX = ("Age by sex is not in the packaged tables, so the age structure is shown for all persons (no pyramid "
              "by sex).")
HEADLINE = ("Each row shows its newest figure (Census 2022 where Census 2022 has it) with its own source and year; "
            "the trend column shows the earlier vintages (Census 2011, Community Survey 2016) for this place.")
OFFICIAL = ("Zone, province and national figures are Stats SA's own published figures for that level (not sums of "
            "municipalities); a figure is a sum only where Stats SA publishes none (a metro's zone), and its note "
            "says so. South Africa: Census 2022 population 62 027 503, households 17 828 778; CS 2016 population "
            "55 653 654.")
NO_2022_SOCIO = ("Education and employment: the packaged Census 2022 tables (Provinces at a glance) have no "
                 "municipal education or employment figures, so Community Survey 2016 (education of adults) and "
                 "Census 2011 (employment) are shown; school attendance is Census 2022.")
NO_2022_SERVICES = ("Census 2022 gives households by water scheme, toilet type, dwelling type and cooking energy "
                    "(rows marked 2022). Refuse removal, electricity access, internet and the person-based "
                    "backlog counts are not in the packaged Census 2022 tables: Community Survey 2016 is shown "
                    "for them (it counts persons, not households).")
GOVERNANCE = ("Audit outcomes (Auditor-General) and Municipal Money indicators are National Treasury's figures for "
              "municipal financial years (2019 = July 2018 to June 2019), the newest available in the packaged "
              "data (July 2020). A zone's figures are those of its district municipality (or metro) itself; its "
              "local municipalities are listed below. Values of municipalities disestablished in 2016 are shown "
              "as history of their successor.")

SECTIONS = [
    Section(1, "situation", "Development situation"),
    Section(2, "demography", "Demographic and population profile", (
        "population", "households", "avg_household_size", "growth_rate", "pct_female", "sex_ratio",
        "pct_children_0_14", "pct_youth_15_34", "pct_older_60plus", "female_headed_households",
        "pct_female_headed_households", "child_headed_households", "pct_child_headed_households",
    ), Category.DEMOGRAPHY, (HEADLINE, OFFICIAL, AGE_BY_SEX)),
    Section(3, "socio_economic", "Socio-economic development", (
        "persons_5_24_attending_school", "adults_20plus", "pct_adults_no_schooling", "pct_adults_grade12_plus",
        "employed", "unemployed", "unemployment_rate", "unemployment_rate_expanded",
    ), Category.SOCIO_ECONOMIC, (NO_2022_SOCIO, NO_INCOME, NO_POVERTY)),
    Section(4, "spatial", "Spatial development and environment", ("area_km2", "density"), Category.SPATIAL,
            ("Area: Stats SA's published area (Census 2022, 2020 boundaries); earlier densities use the MDB 2020 "
             "boundary area with the CS 2016 population.",)),
    Section(5, "services", "Infrastructure and service delivery", (
        "pct_households_piped_water_scheme", "pct_households_flush_toilet", "pct_households_no_toilet",
        "pct_households_informal_dwelling", "pct_households_traditional_dwelling",
        "pct_households_electricity_cooking", "pct_households_other_cooking_fuel", "households_no_toilet",
        "households_other_water_source", "households_informal_dwelling",
        "pct_persons_piped_water", "pct_persons_flush_toilet", "pct_persons_no_toilet", "pct_persons_refuse_weekly",
        "pct_persons_no_electricity", "pct_households_internet_dwelling",
        "pct_households_internet_cellphone", "persons_no_piped_water", "persons_no_sanitation",
        "persons_no_refuse_removal", "persons_no_electricity",
    ), Category.SERVICES, (NO_2022_SERVICES,)),
    Section(6, "projects", "Projects and spending situation"),
    Section(7, "governance", "Institutional and local governance situation", (
        "audit_outcome", "capital_budget_variance", "operating_budget_variance", "cash_coverage",
        "irregular_wasteful_expenditure", "current_ratio", "liquidity_ratio", "debtors_collection_rate",
        "repairs_maintenance_pct_ppe", "miif_category", "pct_income_government_transfers",
    ), Category.GOVERNANCE, (GOVERNANCE,)),
]
# Other apps add sections (e.g. facilities) by appending a Section and a builder: see EXTRA_BUILDERS.
EXTRA_BUILDERS: dict = {}
SERVICE_BARS = ("pct_households_piped_water_scheme", "pct_households_flush_toilet", "pct_households_informal_dwelling",
                "pct_households_electricity_cooking", "pct_persons_refuse_weekly", "pct_persons_no_electricity")
BREAKDOWNS = (("census2022.age", "Broad age groups"),
              ("cs2016.age", "Age structure (5-year groups), CS 2016"),
              ("cs2016.population_group", "Population group, CS 2016"))
PREDECESSOR = "predecessor "


def format_value(value: Decimal | None, definition: IndicatorDefinition) -> str:
    """Display text of a value: thousands grouped (ddm.numbers), the definition's decimals, % for percent."""
    if value is None:
        return "no data"
    if isinstance(value, str) and definition.unit == Unit.CATEGORY:
        return value
    decimals = definition.decimals if definition.unit != Unit.KM2 else 0
    text = number(value, decimals)
    return f"{text}%" if definition.unit == Unit.PERCENT else text


UNIT_LABELS: dict[str, str] = {Unit.PERCENT: "%", Unit.DENSITY: "per km²", Unit.KM2: "km²"}


def unit_label(definition: IndicatorDefinition) -> str:
    return UNIT_LABELS.get(definition.unit, definition.unit)


def columns_for(place: Place) -> list[Place]:
    """The places shown side by side: the place, its parts or parent, its province, South Africa."""
    country = Place.objects.current().get(level=Level.COUNTRY)
    assert place.province is not None  # zones and municipalities lie in a province
    if place.level == Level.ZONE:
        parts = [] if place.is_metro else list(place.children.order_by("code").defer("geometry"))
        return [place, *parts, place.province, country]
    zone = place.parent
    assert zone is not None  # a municipality's parent is its zone
    middle = [] if place.is_metro else [zone]
    return [place, *middle, place.province, country]


# ({(code, place id): newest value row}, {code: the main place's rows, oldest first}, {code: predecessors' rows})
Values = tuple[dict[tuple[str, int], Any], dict[str, list[Any]], dict[str, Any]]

def _section_codes() -> dict[str, list[str]]:
    imported = list(IndicatorDefinition.objects.filter(is_reference=False).values_list("code", "category"))
    codes = {s.key: list(s.indicators) for s in SECTIONS}
    by_category = {s.category: s.key for s in SECTIONS if s.category}
    for code, category in imported:
        codes[by_category.get(category, "governance")].append(code)
    return codes


def _newer(found: tuple[int, date | None] | None, candidate: tuple[int, date | None]) -> bool:
    """True when candidate (year, released) is newer than found's."""
    return found is None or (candidate[0], candidate[1] or date.min) > (found[0], found[1] or date.min)


def rank_table(level: str, codes: Sequence[str], version: str) -> dict[str, dict[str, Rank]]:
    """{code: {place code: Rank}} over every place of the level (each place's newest value); cached per data version."""
    digest = hashlib.sha256("\n".join(sorted(codes)).encode()).hexdigest()[:16]  # the same in every process
    return caching.remember("profiles:ranks", lambda: _rank_table(level, codes), level, version, digest)


def _rank_table(level: str, codes: Sequence[str]) -> dict[str, dict[str, Rank]]:
    definitions = {d.code: d for d in IndicatorDefinition.objects.filter(code__in=codes).exclude(unit=Unit.CATEGORY)}
    newest: dict[tuple[str, str], tuple] = {}  # (indicator code, place code)
    rows = (IndicatorValue.objects.filter(indicator__code__in=list(definitions), place__level=level,
                                          place__demarcation_year=CURRENT_DEMARCATION, value__isnull=False)
            .exclude(vintage__startswith=PREDECESSOR)
            .values_list("indicator__code", "place__code", "year", "released", "value"))
    for code, place, year, released, value in rows:
        if _newer(newest.get((code, place)), (year, released)):
            newest[(code, place)] = (year, released, value)
    latest: dict[str, dict[str, tuple]] = {}
    for (code, place), (year, _released, value) in newest.items():
        latest.setdefault(code, {})[place] = (year, value)
    table = {}
    for code, values in latest.items():
        top = max(year for year, _v in values.values())
        # Rank only places with the same (newest) year: a 2016 figure is not ranked against 2022 ones.
        table[code] = rank_values({p: v for p, (y, v) in values.items() if y == top}, definitions[code].direction)
    return table


def _values(columns: list[Place], codes: Collection[str]) -> Values:
    """({(code, place id): newest value row}, {code: [value rows of the main place, oldest first]}, predecessors)."""
    found: dict[tuple[str, int], Any] = {}
    history: dict[str, list[Any]] = {}
    predecessors: dict[str, Any] = {}
    main = columns[0].pk
    rows = IndicatorValue.objects.filter(place__in=columns, indicator__code__in=codes).values(
        "indicator__code", "place_id", "year", "value", "text", "vintage", "source", "released", "source_note",
        "is_aggregated")
    for row in rows:
        key = (row["indicator__code"], row["place_id"])
        if row["vintage"].startswith(PREDECESSOR):
            if row["place_id"] == main:
                predecessors.setdefault(row["indicator__code"], []).append(row)
            continue
        if _newer(found.get(key) and (found[key]["year"], found[key]["released"]), (row["year"], row["released"])):
            found[key] = row
        if row["place_id"] == main:
            history.setdefault(row["indicator__code"], []).append(row)
    for rows_of in (*history.values(), *predecessors.values()):
        rows_of.sort(key=lambda r: (r["year"], r["released"] or date.min))
    return found, history, predecessors


def _basis(row: dict[str, Any]) -> str:
    """Published (Stats SA's or Treasury's own figure for the place), a sum, or computed."""
    note = row["source_note"]
    if note.startswith("sum of") or "sums of" in note:
        return "sum"
    if note.startswith("computed") or "computed" in note:
        return "computed"
    return "published"


def _shown(row: dict[str, Any]) -> Any:
    return row["text"] if row["text"] else row["value"]


def _indicator_row(definition: IndicatorDefinition, columns: list[Place], values: Values,
                   ranks: dict[str, dict[str, Rank]], noun: str) -> dict[str, Any]:
    found, history, predecessors = values
    main = columns[0]
    cells = []
    for place in columns:
        row = found.get((definition.code, place.pk))
        if row is None:
            cells.append({"place": place.code, "level": place.level, "value": None, "text": "", "display": "no data",
                          "year": None, "note": "", "basis": None, "source": ""})
            continue
        cells.append({"place": place.code, "level": place.level,
                      "value": None if row["value"] is None else str(row["value"]), "text": row["text"],
                      "display": format_value(_shown(row), definition), "year": row["year"], "note": row["source_note"],
                      "basis": _basis(row), "source": row["source"] or definition.source})
    rank = ranks.get(definition.code, {}).get(main.code)
    trend = _trend(definition, history.get(definition.code, []))
    head = cells[0]
    return {
        "code": definition.code, "name": definition.name, "unit": definition.unit, "unit_label": unit_label(definition),
        "universe": definition.universe, "direction": definition.direction,
        "source": head["source"] or definition.source, "year": head["year"] or definition.year,
        "formula": definition.formula, "description": definition.description,
        "values": cells, "rank": rank.as_dict(noun) if rank else None, **trend,
        "predecessors": [{"code": r["vintage"][len(PREDECESSOR):], "year": r["year"],
                          "display": format_value(_shown(r), definition), "note": r["source_note"]}
                         for r in predecessors.get(definition.code, [])],
    }


def _trend(definition: IndicatorDefinition, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """History of the main place (one figure per year, the newest vintage of each), change and sparkline."""
    by_year = {}
    for row in rows:
        by_year[row["year"]] = row  # sorted oldest first: the newest release of a year wins
    points = [by_year[year] for year in sorted(by_year)]
    history = [{"year": r["year"], "value": None if r["value"] is None else str(r["value"]), "text": r["text"],
                "display": format_value(_shown(r), definition), "vintage": r["vintage"],
                "source": r["source"] or definition.source} for r in points]
    change = None
    numeric = [r for r in points if r["value"] is not None]
    if len(numeric) >= 2 and definition.unit not in (Unit.CATEGORY, Unit.KM2):
        before, after = numeric[-2], numeric[-1]
        change = {"from_year": before["year"], "to_year": after["year"], "display": _change(before["value"],
                                                                                           after["value"], definition)}
    spark = charts.sparkline([(r["year"], r["value"]) for r in numeric], f"{definition.name}: "
                             + ", ".join(f"{h['year']} {h['display']}" for h in history)) if len(numeric) >= 2 else ""
    return {"history": history, "change": change, "sparkline": spark}


def _signed(value: Decimal, places: int = 0) -> str:
    return ("+" if value >= 0 else "−") + number(abs(value), places)


def _change(before: Decimal, after: Decimal, definition: IndicatorDefinition) -> str:
    if definition.unit in (Unit.PERCENT, Unit.RATIO, Unit.MONTHS, Unit.DENSITY):
        unit = " pp" if definition.unit == Unit.PERCENT else ""
        return f"{_signed(after - before, max(definition.decimals, 1))}{unit}"
    if not before:
        return _signed(after - before)
    return f"{_signed(after - before)} ({_signed((after - before) / before * 100, 1)}%)"


def _breakdowns(place: Place) -> list[dict[str, Any]]:
    """The demography charts, every group's definitions and values in two queries."""
    groups = [group for group, _title in BREAKDOWNS]
    definitions: dict[str, list[IndicatorDefinition]] = {}
    found: dict[Any, Any] = {}
    for definition in IndicatorDefinition.objects.filter(group__in=groups).order_by("order"):
        definitions.setdefault(definition.group, []).append(definition)
    for group, code, year, value, source in (IndicatorValue.objects.filter(indicator__group__in=groups, place=place)
                                             .exclude(vintage__startswith=PREDECESSOR)
                                             .values_list("indicator__group", "indicator__code", "year", "value",
                                                          "source")):
        found.setdefault(group, {}).setdefault(year, {})[code] = (value, source)
    charts_ = (_breakdown(group, title, place, definitions.get(group, []), found.get(group, {}))
               for group, title in BREAKDOWNS)
    return [chart for chart in charts_ if chart]


def _breakdown(group: str, title: str, place: Place, definitions: list[IndicatorDefinition],
               rows_by_year: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
    if not rows_by_year:
        return None
    year = max(rows_by_year)
    values = {code: value for code, (value, _s) in rows_by_year[year].items()}
    source = next((s for _v, s in rows_by_year[year].values() if s), "") or (definitions[0].source if definitions else "")
    total = sum(values.values(), Decimal(0))
    rows = []
    for definition in definitions:
        value = values.get(definition.code)
        if value is None:
            continue
        share = value / total if total else Decimal(0)
        label = definition.source_category or definition.name
        rows.append({"label": label, "value": str(value), "share": str(share.quantize(Decimal("0.0001"))),
                     "display": f"{number(value)} ({share_text(share)})"})
    bars = [(r["label"], Decimal(r["share"]), r["display"]) for r in rows]
    if group.endswith(".age"):
        bars.reverse()  # oldest on top, as in a population pyramid
    title = title if str(year) in title else f"{title}, Census {year}"
    svg = charts.bars(bars, f"{title}: {place.display_name}") if rows else ""
    return {"group": group, "id": group.replace(".", "-"), "title": title, "source": source, "year": year, "rows": rows,
            "svg": svg}


def _service_chart(rows: list[dict[str, Any]], columns: list[Place]) -> str:
    picked = [r for r in rows if r["code"] in SERVICE_BARS]
    keep = [0, len(columns) - 2, len(columns) - 1]  # the place, its province, South Africa
    series = [columns[i].display_name for i in keep]
    bars = [(r["name"], [None if r["values"][i]["value"] is None else Decimal(r["values"][i]["value"]) for i in keep])
            for r in picked]
    return charts.grouped_bars(bars, series, "Services: " + ", ".join(series), maximum=100)


def _map(place: Place) -> dict[str, Any]:
    if place.level == Level.ZONE:
        areas = list(place.children.order_by("code").only("code", "name", "short_name", "svg_path", "parent"))
        wards = Place.objects.wards().filter(parent__parent=place).values_list("svg_path", flat=True)
    else:
        areas = [place]
        wards = Place.objects.wards().filter(parent=place).values_list("svg_path", flat=True)
    assert place.shape is not None  # zones and municipalities have their boundary
    view_box = svgmap.view_box(place.shape.bounds)
    title = f"Local municipalities and wards of {place.display_name}"
    ward_paths = list(wards)
    svg = charts.place_map(view_box, [(a.code, a.display_name, a.svg_path, None) for a in areas], ward_paths,
                           title=title)
    return {"svg": svg, "view_box": view_box, "wards": len(ward_paths), "title": title,
            "legend": [{"code": a.code, "name": a.display_name, "colour": charts.area_colour(i)}
                       for i, a in enumerate(areas)]}


def build_profile(place: Place, version: str | None = None) -> dict[str, Any]:
    """The profile dict (JSON-ready except the SVG strings, which sit under 'svg' keys)."""
    version = data_version() if version is None else version
    columns = columns_for(place)
    section_codes = _section_codes()
    all_codes = [c for codes in section_codes.values() for c in codes]
    definitions = {d.code: d for d in IndicatorDefinition.objects.filter(code__in=all_codes)}
    values = _values(columns, all_codes)
    noun = LEVEL_NOUNS[place.level][1]
    ranks = rank_table(place.level, sorted(definitions), version)
    sections: list[dict[str, Any]] = []
    for section in SECTIONS:
        rows = [_indicator_row(definitions[c], columns, values, ranks, noun)
                for c in section_codes[section.key] if c in definitions]
        sections.append({"number": section.number, "key": section.key, "title": section.title, "rows": rows,
                         "notes": list(section.notes)})
    by_key = {s["key"]: s for s in sections}
    by_key["demography"]["charts"] = _breakdowns(place)
    by_key["services"]["chart"] = _service_chart(by_key["services"]["rows"], columns)
    by_key["spatial"]["map"] = _map(place)
    by_key["governance"]["municipalities"] = municipal_governance(place)
    for key, builder in EXTRA_BUILDERS.items():
        if key in by_key:
            by_key[key].update(builder(place, version))
    sources = _sources(sections)
    numbers = {entry["source"]: entry["number"] for entry in sources}
    for built in sections:
        for row in built["rows"]:
            row["footnote"] = numbers[row["source"]]
    return {
        "place": _place_dict(place), "data_version": version,
        "columns": [{"code": p.code, "name": p.display_name, "level": p.level} for p in columns],
        "sections": sections, "sources": sources,
    }


def municipal_governance(place: Place) -> dict[str, Any]:
    """Audit outcomes by year and the newest capital-budget variance of each municipality of a zone (or the
    municipality itself), with a flag where both point to financial-management support first (one query)."""
    members = [place] if place.level == Level.MUNICIPALITY or place.is_metro else list(
        place.children.order_by("code").only("id", "code", "name", "short_name", "parent"))
    audits: dict[Any, Any] = {}
    health = financial_health(members, audits)
    years = sorted({year for by_year in audits.values() for year in by_year})
    rows = []
    for member in members:
        found = health[member.pk]
        rows.append({
            "code": member.code, "name": member.display_name,
            "audit": [{"year": y, "outcome": audits.get(member.pk, {}).get(y, "")} for y in years],
            "capital_budget_variance": None if found.capital_variance is None else str(found.capital_variance),
            "capital_year": found.capital_year, "needs_financial_support": found.needs_support,
        })
    return {"years": years, "rows": rows, "rule": SUPPORT_RULE}


def _place_dict(place: Place) -> dict[str, Any]:
    zone = place if place.level == Level.ZONE else place.parent
    assert zone is not None and place.province is not None  # current zones and municipalities have both
    return {
        "code": place.code, "name": place.name, "display_name": place.display_name, "level": place.level,
        "is_metro": place.is_metro, "zone": {"code": zone.code, "name": zone.name},
        "province": {"code": place.province.code, "name": place.province.name},
        "area_km2": None if place.area_km2 is None else str(place.area_km2),
        "municipalities": [{"code": m.code, "name": m.display_name, "category": m.category}
                           for m in zone.children.order_by("code").only("code", "name", "short_name", "category", "parent")],
    }


def _sources(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Numbered sources of every figure shown (headline and history), each with its years."""
    seen: dict[str, set[int]] = {}
    for section in sections:
        for row in section["rows"]:
            seen.setdefault(row["source"], set()).add(row["year"])
            for entry in row["values"] + row["history"]:
                if entry.get("source") and entry.get("year"):
                    seen.setdefault(entry["source"], set()).add(entry["year"])
    return [{"number": number, "source": source, "years": sorted(years)}
            for number, (source, years) in enumerate(sorted(seen.items()), start=1)]


def get_profile(place: Place) -> dict[str, Any]:
    """The cached profile of a place (rebuilt when indicator values change)."""
    version = data_version()
    return caching.remember("profiles:profile", lambda: build_profile(place, version), place.level, place.code,
                            version)


def strip_svg(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile without SVG strings: the JSON/API shape."""
    data = copy.deepcopy(profile)
    for section in data["sections"]:
        section.pop("chart", None)
        if "map" in section:
            section["map"] = {k: v for k, v in section["map"].items() if k != "svg"}
        for chart in section.get("charts", []):
            chart.pop("svg", None)
        for row in section["rows"]:
            row.pop("sparkline", None)
    return data
