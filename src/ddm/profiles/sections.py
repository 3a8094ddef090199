"""The profile of a zone or municipality: sections 1–7 as one dict (cached), shared by the page,
the PDF, the XLSX and the JSON API.

Figures come from the indicator store only. The dict is cached per place and data version (the
version is bumped whenever values change), so a page costs one query for the version on a hit.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from ddm import caching
from ddm.numbers import number
from ddm.numbers import share as share_text
from ddm.places import svgmap
from ddm.places.models import Level, Place
from ddm.profiles import charts
from ddm.profiles.aggregate import data_version
from ddm.profiles.models import Category, IndicatorDefinition, IndicatorValue, Unit
from ddm.profiles.services import LEVEL_NOUNS, rank_values


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
AGE_BY_SEX = ("Age by sex is not in the packaged Community Survey tables, so the age structure is shown for "
              "all persons (no pyramid by sex).")
UNITS_NOTE = ("Community Survey 2016 service tables count persons, not households: “persons with piped water” "
              "is the share of people living in households with that service.")
SUMS_NOTE = ("Zone, province and national figures are sums of municipal figures (ratios recomputed from the "
             "sums). Stats SA's own totals differ by rounding: South Africa's published CS 2016 population "
             "is 55,653,654 and households 16,923,309.")

SECTIONS = [
    Section(1, "situation", "Development situation"),
    Section(2, "demography", "Demographic and population profile", (
        "population", "households", "pct_female", "female_headed_households", "pct_female_headed_households",
        "child_headed_households", "pct_child_headed_households", "census2011.population",
    ), Category.DEMOGRAPHY, (AGE_BY_SEX, SUMS_NOTE)),
    Section(3, "socio_economic", "Socio-economic development", (
        "adults_20plus", "pct_adults_no_schooling", "pct_adults_grade12_plus", "employed", "unemployed",
        "unemployment_rate", "unemployment_rate_expanded",
    ), Category.SOCIO_ECONOMIC, (NO_INCOME, NO_POVERTY)),
    Section(4, "spatial", "Spatial development and environment", ("area_km2", "density"), Category.SPATIAL,
            ("Area: MDB 2020 boundaries; population: 2016 demarcation. Densities are approximate.",)),
    Section(5, "services", "Infrastructure and service delivery", (
        "pct_persons_piped_water", "pct_persons_flush_toilet", "pct_persons_no_toilet", "pct_persons_refuse_weekly",
        "pct_persons_no_electricity", "pct_households_informal_dwelling", "pct_households_internet_dwelling",
        "pct_households_internet_cellphone", "persons_no_piped_water", "persons_no_sanitation",
        "persons_no_refuse_removal", "persons_no_electricity", "households_informal_dwelling",
    ), Category.SERVICES, (UNITS_NOTE,)),
    Section(6, "projects", "Projects and spending situation"),
    Section(7, "governance", "Institutional and local governance situation", (), Category.GOVERNANCE,
            ("Audit outcomes and other governance indicators: no data yet (add them with "
             "`ddm import indicators`, category governance).",)),
]
SERVICE_BARS = ("pct_persons_piped_water", "pct_persons_flush_toilet", "pct_persons_refuse_weekly",
                "pct_persons_no_electricity", "pct_households_informal_dwelling", "pct_households_internet_dwelling")
BREAKDOWNS = (("cs2016.age", "Age structure (5-year groups), CS 2016"),
              ("cs2016.population_group", "Population group, CS 2016"))


def format_value(value, definition):
    """Display text of a value: thousands grouped (ddm.numbers), the definition's decimals, % for percent."""
    if value is None:
        return "no data"
    decimals = definition.decimals if definition.unit != Unit.KM2 else 0
    text = number(value, decimals)
    return f"{text}%" if definition.unit == Unit.PERCENT else text


def unit_label(definition):
    return {Unit.PERCENT: "%", Unit.DENSITY: "per km²", Unit.KM2: "km²"}.get(definition.unit, definition.unit)


def columns_for(place):
    """The places shown side by side: the place, its parts or parent, its province, South Africa."""
    country = Place.objects.current().get(level=Level.COUNTRY)
    if place.level == Level.ZONE:
        parts = [] if place.is_metro else list(place.children.order_by("code").defer("geometry"))
        return [place, *parts, place.province, country]
    zone = place.parent
    middle = [] if place.is_metro else [zone]
    return [place, *middle, place.province, country]


def _section_codes():
    imported = list(IndicatorDefinition.objects.filter(is_reference=False).values_list("code", "category"))
    codes = {s.key: list(s.indicators) for s in SECTIONS}
    by_category = {s.category: s.key for s in SECTIONS if s.category}
    for code, category in imported:
        codes[by_category.get(category, "governance")].append(code)
    return codes


def rank_table(level, codes, version):
    """{code: {place code: Rank}} over every place of the level; cached per data version."""
    digest = hashlib.sha256("\n".join(sorted(codes)).encode()).hexdigest()[:16]  # the same in every process
    return caching.remember("profiles:ranks", lambda: _rank_table(level, codes), level, version, digest)


def _rank_table(level, codes):
    definitions = {d.code: d for d in IndicatorDefinition.objects.filter(code__in=codes)}
    latest = {}
    rows = IndicatorValue.objects.filter(indicator__code__in=codes, place__level=level,
                                         place__demarcation_year=2020).values_list("indicator__code", "place__code",
                                                                                   "year", "value")
    for code, place, year, value in rows:
        if code not in latest or year > latest[code][0]:
            latest[code] = (year, {})
        if year == latest[code][0]:
            latest[code][1][place] = value
    return {code: rank_values(values, definitions[code].direction) for code, (_y, values) in latest.items()}


def _values(columns, codes):
    """{(code, place id): (year, value, note)} keeping the latest year of each."""
    found = {}
    rows = IndicatorValue.objects.filter(place__in=columns, indicator__code__in=codes).values_list(
        "indicator__code", "place_id", "year", "value", "source_note")
    for code, place, year, value, note in rows:
        if (code, place) not in found or year > found[(code, place)][0]:
            found[(code, place)] = (year, value, note)
    return found


def _indicator_row(definition, columns, values, ranks, noun):
    main = columns[0]
    cells = []
    for place in columns:
        year, value, note = values.get((definition.code, place.pk), (None, None, ""))
        cells.append({"place": place.code, "level": place.level, "value": None if value is None else str(value),
                      "display": format_value(value, definition), "year": year, "note": note})
    rank = ranks.get(definition.code, {}).get(main.code)
    return {
        "code": definition.code, "name": definition.name, "unit": definition.unit, "unit_label": unit_label(definition),
        "universe": definition.universe, "direction": definition.direction, "source": definition.source,
        "year": cells[0]["year"] or definition.year, "formula": definition.formula, "description": definition.description,
        "values": cells, "rank": rank.as_dict(noun) if rank else None,
    }


def _breakdown(group, title, place, version):
    definitions = list(IndicatorDefinition.objects.filter(group=group).order_by("order"))
    values = dict(IndicatorValue.objects.filter(indicator__group=group, place=place).values_list("indicator__code", "value"))
    total = sum(values.values(), Decimal(0))
    rows = []
    for definition in definitions:
        value = values.get(definition.code)
        if value is None:
            continue
        share = value / total if total else Decimal(0)
        rows.append({"label": definition.source_category, "value": str(value), "share": str(share.quantize(Decimal("0.0001"))),
                     "display": f"{number(value)} ({share_text(share)})"})
    source = definitions[0].source if definitions else ""
    year = definitions[0].year if definitions else None
    largest = max((Decimal(r["share"]) for r in rows), default=Decimal(1)) or Decimal(1)
    bars = [(r["label"], Decimal(r["share"]) / largest, r["display"]) for r in rows]
    if group == "cs2016.age":
        bars.reverse()  # oldest on top, as in a population pyramid
    svg = charts.bar_chart(bars, f"{title}: {place.display_name}") if rows else ""
    return {"group": group, "id": group.replace(".", "-"), "title": title, "source": source, "year": year, "rows": rows, "svg": svg}


def _service_chart(rows, columns):
    picked = [r for r in rows if r["code"] in SERVICE_BARS]
    keep = [0, len(columns) - 2, len(columns) - 1]  # the place, its province, South Africa
    series = [columns[i].display_name for i in keep]
    bars = [(r["name"], [None if r["values"][i]["value"] is None else Decimal(r["values"][i]["value"]) for i in keep])
            for r in picked]
    return charts.grouped_bars(bars, series, "Services: " + ", ".join(series))


def _map(place):
    if place.level == Level.ZONE:
        areas = list(place.children.order_by("code").only("code", "name", "short_name", "svg_path", "parent"))
        wards = Place.objects.wards().filter(parent__parent=place).values_list("svg_path", flat=True)
    else:
        areas = [place]
        wards = Place.objects.wards().filter(parent=place).values_list("svg_path", flat=True)
    view_box = svgmap.view_box(place.shape.bounds)
    title = f"Local municipalities and wards of {place.display_name}"
    ward_paths = list(wards)
    svg = charts.place_map(view_box, [(a.code, a.display_name, a.svg_path, None) for a in areas], ward_paths,
                           title=title)
    return {"svg": svg, "view_box": view_box, "wards": len(ward_paths), "title": title,
            "legend": [{"code": a.code, "name": a.display_name, "colour": charts.PALETTE[i % len(charts.PALETTE)]}
                       for i, a in enumerate(areas)]}


def build_profile(place, version=None):
    """The profile dict (JSON-ready except the SVG strings, which sit under 'svg' keys)."""
    version = data_version() if version is None else version
    columns = columns_for(place)
    section_codes = _section_codes()
    all_codes = [c for codes in section_codes.values() for c in codes]
    definitions = {d.code: d for d in IndicatorDefinition.objects.filter(code__in=all_codes)}
    values = _values(columns, all_codes)
    noun = LEVEL_NOUNS[place.level][1]
    ranks = rank_table(place.level, sorted(definitions), version)
    sections = []
    for section in SECTIONS:
        rows = [_indicator_row(definitions[c], columns, values, ranks, noun)
                for c in section_codes[section.key] if c in definitions]
        sections.append({"number": section.number, "key": section.key, "title": section.title, "rows": rows,
                         "notes": list(section.notes)})
    by_key = {s["key"]: s for s in sections}
    by_key["demography"]["charts"] = [_breakdown(g, t, place, version) for g, t in BREAKDOWNS]
    by_key["services"]["chart"] = _service_chart(by_key["services"]["rows"], columns)
    by_key["spatial"]["map"] = _map(place)
    sources = _sources(definitions.values())
    numbers = {entry["source"]: entry["number"] for entry in sources}
    for section in sections:
        for row in section["rows"]:
            row["footnote"] = numbers[row["source"]]
    return {
        "place": _place_dict(place), "data_version": version,
        "columns": [{"code": p.code, "name": p.display_name, "level": p.level} for p in columns],
        "sections": sections, "sources": sources,
    }


def _place_dict(place):
    zone = place if place.level == Level.ZONE else place.parent
    return {
        "code": place.code, "name": place.name, "display_name": place.display_name, "level": place.level,
        "is_metro": place.is_metro, "zone": {"code": zone.code, "name": zone.name},
        "province": {"code": place.province.code, "name": place.province.name},
        "area_km2": None if place.area_km2 is None else str(place.area_km2),
        "municipalities": [{"code": m.code, "name": m.display_name, "category": m.category}
                           for m in zone.children.order_by("code").only("code", "name", "short_name", "category", "parent")],
    }


def _sources(definitions):
    seen = {}
    for definition in definitions:
        seen.setdefault(definition.source, set()).add(definition.year)
    return [{"number": number, "source": source, "years": sorted(years)}
            for number, (source, years) in enumerate(sorted(seen.items()), start=1)]


def get_profile(place):
    """The cached profile of a place (rebuilt when indicator values change)."""
    version = data_version()
    return caching.remember("profiles:profile", lambda: build_profile(place, version), place.level, place.code,
                            version)


def strip_svg(profile):
    """The profile without SVG strings: the JSON/API shape."""
    import copy

    data = copy.deepcopy(profile)
    for section in data["sections"]:
        section.pop("chart", None)
        if "map" in section:
            section["map"] = {k: v for k, v in section["map"].items() if k != "svg"}
        for chart in section.get("charts", []):
            chart.pop("svg", None)
    return data
