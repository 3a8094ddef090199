"""Census 2022 (with its Census 2011 comparison columns) as vintages in the indicator store.

The packaged tables (data/census2022/, see data/SOURCES.md) are Stats SA's own figures for every
level: 213 municipalities, 52 districts and metros, 9 provinces. Each level's published figure is
stored as is (never replaced by a sum of municipalities). South Africa's population and households
come from Stats SA's national release (data/census2022/national.csv); other national counts are
the sum of the 9 provinces' published figures and say so. Ratios (shares, densities) are computed
for each place from that place's own counts.

Values go into existing indicators where the definition is the same (population, households,
informal dwellings, ...) so the profile's headline moves to 2022 and CS 2016 / Census 2011 become
its history; indicators Census 2022 measures differently (households by water scheme, households
by toilet type) get codes of their own.
"""

import csv
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ddm.profiles.models import Category, Direction, IndicatorDefinition, Kind, Unit

DATA = Path(__file__).resolve().parent / "data" / "census2022"
SOURCE_2022 = ("Statistics South Africa (2023) Census 2022: Provinces at a glance, released 10 October 2023 "
               "(tables extracted by A. Frith, afrith/census-2022-muni-stats); processing is DDM Hub's own")
SOURCE_2011 = ("Statistics South Africa (2023) Census 2011 on the 2020 municipal boundaries, as published beside "
               "Census 2022 in Census 2022: Provinces at a glance; processing is DDM Hub's own")
VINTAGES = {2022: "Census 2022", 2011: "Census 2011 (in the Census 2022 release)"}
SOURCES = {2022: SOURCE_2022, 2011: SOURCE_2011}
RELEASED = date(2023, 10, 10)
FILES = {"person": "person-indicators", "age": "age-distribution", "housing": "housing-info"}
LEVEL_FILES = {"municipality": ("muni", "muni_code"), "zone": ("district", "dc_code"), "province": ("province", "prov_code")}
AGE_GROUPS = (("0_to_4", "0–4"), ("5_to_14", "5–14"), ("15_to_34", "15–34"), ("35_to_59", "35–59"),
              ("60_plus", "60 and older"))
DWELLINGS = ("formal_dwelling", "traditional_dwelling", "informal_dwelling", "other_dwelling")
WATER = ("water_scheme", "other_water")
TOILETS = ("flush_toilet", "other_toilet", "no_toilet")
COOKING = ("electricity_cooking", "gas_cooking", "other_cooking")
HUNDRED = Decimal(100)
# Stats SA's province abbreviations where they differ from the MDB codes of the place registry.
PROVINCE_CODES = {"GP": "GT", "LP": "LIM"}


class Census2022Error(ValueError):
    """A packaged Census 2022 file does not have the expected shape."""


@dataclass(frozen=True)
class Spec:
    """One indicator filled from the Census 2022 tables.

    count: a column stem (`<stem>_<year>`); share: (numerator stems, denominator stems) × 100;
    ratio: (numerator stem, denominator stem); column: a column without a year suffix.
    """

    code: str
    name: str
    unit: str
    universe: str
    category: str
    count: str = ""
    share: tuple = ()
    ratio: tuple = ()
    column: str = ""
    years: tuple = (2011, 2022)
    direction: str = Direction.NEUTRAL
    decimals: int = 0
    description: str = ""
    group: str = ""
    order: int = 0


P, H, PCT = Unit.PERSONS, Unit.HOUSEHOLDS, Unit.PERCENT
DEMO, SOCIO, SERV, SPAT, GOV = (Category.DEMOGRAPHY, Category.SOCIO_ECONOMIC, Category.SERVICES, Category.SPATIAL,
                                Category.GOVERNANCE)
WORSE, BETTER = Direction.HIGHER_WORSE, Direction.HIGHER_BETTER

# Codes that already exist (defined by ddm.profiles.catalogue) get Census values as new vintages;
# their definitions are not touched. The others are defined here.
SPECS = [
    Spec("population", "Population", P, "persons", DEMO, count="total_pop"),
    Spec("female_population", "Female population", P, "persons", DEMO, count="female_pop"),
    Spec("male_population", "Male population", P, "persons", DEMO, count="male_pop"),
    Spec("pct_female", "Women and girls", PCT, "persons", DEMO, share=(("female_pop",), ("total_pop",)), decimals=1),
    Spec("sex_ratio", "Sex ratio (males per 100 females)", Unit.RATIO, "persons", DEMO, column="sex_ratio",
         decimals=1, description="Stats SA's published sex ratio."),
    Spec("growth_rate", "Average annual population growth 2011–2022", PCT, "persons", DEMO,
         column="growth_rate_2011_to_2022", years=(2022,), decimals=1,
         description="Stats SA's published average annual growth rate between the 2011 and 2022 censuses."),
    *[Spec(f"census2022.age.{stem}", f"Persons aged {label}", P, "persons", DEMO, count=f"age_{stem}",
           group="census2022.age", order=index) for index, (stem, label) in enumerate(AGE_GROUPS)],
    Spec("pct_children_0_14", "Children aged 0–14", PCT, "persons", DEMO,
         share=(("age_0_to_4", "age_5_to_14"), tuple(f"age_{s}" for s, _l in AGE_GROUPS)), decimals=1),
    Spec("pct_youth_15_34", "Youth aged 15–34", PCT, "persons", DEMO,
         share=(("age_15_to_34",), tuple(f"age_{s}" for s, _l in AGE_GROUPS)), decimals=1),
    Spec("pct_older_60plus", "Older persons aged 60+", PCT, "persons", DEMO,
         share=(("age_60_plus",), tuple(f"age_{s}" for s, _l in AGE_GROUPS)), decimals=1),
    Spec("households", "Households", H, "households", DEMO, count="households"),
    Spec("avg_household_size", "Average household size", Unit.RATIO, "persons per household", DEMO,
         column="avg_household_size", decimals=1, description="Stats SA's published average household size."),
    Spec("persons_5_24_attending_school", "Persons aged 5–24 attending an educational institution", P,
         "persons aged 5–24", SOCIO, count="school_attendance_ages_5_to_24", direction=BETTER),
    Spec("households_informal_dwelling", "Households in an informal dwelling (shack)", H, "households", SERV,
         count="informal_dwelling", direction=WORSE),
    Spec("pct_households_informal_dwelling", "Households in an informal dwelling (shack)", PCT, "households", SERV,
         share=(("informal_dwelling",), DWELLINGS), direction=WORSE, decimals=1),
    Spec("pct_households_formal_dwelling", "Households in a formal dwelling", PCT, "households", SERV,
         share=(("formal_dwelling",), DWELLINGS), direction=BETTER, decimals=1),
    Spec("pct_households_traditional_dwelling", "Households in a traditional dwelling", PCT, "households", SERV,
         share=(("traditional_dwelling",), DWELLINGS), decimals=1),
    Spec("pct_households_piped_water_scheme", "Households whose water comes from a regional/local water scheme",
         PCT, "households", SERV, share=(("water_scheme",), WATER), direction=BETTER, decimals=1,
         description="Main source of water: a regional or local water scheme (operated by the municipality or "
                     "another water services provider), as tabulated by Stats SA; all other sources count as other."),
    Spec("households_other_water_source", "Households whose water does not come from a water scheme", H,
         "households", SERV, count="other_water", direction=WORSE),
    Spec("pct_households_flush_toilet", "Households with a flush toilet", PCT, "households", SERV,
         share=(("flush_toilet",), TOILETS), direction=BETTER, decimals=1),
    Spec("pct_households_no_toilet", "Households with no toilet", PCT, "households", SERV,
         share=(("no_toilet",), TOILETS), direction=WORSE, decimals=1),
    Spec("households_no_toilet", "Households with no toilet", H, "households", SERV, count="no_toilet",
         direction=WORSE),
    Spec("pct_households_electricity_cooking", "Households cooking with electricity", PCT, "households", SERV,
         share=(("electricity_cooking",), COOKING), direction=BETTER, decimals=1),
    Spec("pct_households_other_cooking_fuel", "Households cooking with neither electricity nor gas", PCT,
         "households", SERV, share=(("other_cooking",), COOKING), direction=WORSE, decimals=1,
         description="Wood, paraffin, coal, dung, solar and other fuels (Stats SA's 'other')."),
    Spec("area_km2", "Area", Unit.KM2, "land area", SPAT, column="area_km2", years=(2022,)),
    Spec("density", "Population density", Unit.DENSITY, "persons per km²", SPAT, ratio=("total_pop", "area_km2"),
         decimals=1, description="Census population divided by Stats SA's published area (2020 boundaries)."),
    Spec("miif_category", "Municipal category (MIIF)", Unit.CATEGORY, "municipality", GOV, column="miif_category",
         years=(2022,), description="Municipal Infrastructure Investment Framework class (A/METRO, B1–B4 local, "
                                    "C1–C2 district), as printed in Census 2022: Provinces at a glance."),
    Spec("pct_income_government_transfers", "Income from government transfers and subsidies", PCT,
         "municipal income", GOV, column="government_transfers_subsidies_percent", years=(2022,), decimals=1,
         description="Share of the municipality's income from government transfers and subsidies, as printed in "
                     "Census 2022: Provinces at a glance (a measure of dependence on grants)."),
]
SPEC_BY_CODE = {spec.code: spec for spec in SPECS}


def _read(kind: str, level: str) -> tuple[dict[str, dict[str, str]], str]:
    suffix, key = LEVEL_FILES[level]
    path = DATA / f"{FILES[kind]}-{suffix}.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or key not in rows[0]:
        raise Census2022Error(f"{path.name}: no {key} column")
    return {row[key]: row for row in rows}, path.name


def _number(row: dict[str, str], column: str, filename: str) -> Decimal | None:
    text = (row.get(column) or "").strip()
    if text == "":
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise Census2022Error(f"{filename}, place {row.get('muni_code') or row.get('dc_code') or row.get('prov_code')}, "
                              f"column {column}: not a number: {text!r}") from None


def tables() -> tuple[dict[tuple[str, str], dict[str, str]], dict[tuple[str, int], Decimal]]:
    """{(level, place code): {column: raw text}} merged over the three tables, and the national figures."""
    merged: dict[tuple[str, str], dict[str, str]] = {}
    for level in LEVEL_FILES:
        for kind in FILES:
            rows, _name = _read(kind, level)
            for code, row in rows.items():
                code = PROVINCE_CODES.get(code, code) if level == "province" else code
                merged.setdefault((level, code), {}).update(row)
    return merged, national()


def national() -> dict[tuple[str, int], Decimal]:
    """{(column stem, year): Decimal} of Stats SA's national release (data/census2022/national.csv)."""
    with open(DATA / "national.csv", newline="", encoding="utf-8") as handle:
        return {(row["indicator"], int(row["year"])): Decimal(row["value"]) for row in csv.DictReader(handle)}


def definitions(existing_codes: Collection[str]) -> list[IndicatorDefinition]:
    """IndicatorDefinitions of the specs whose code is not defined elsewhere (unsaved)."""
    result = []
    for order, spec in enumerate(SPECS):
        if spec.code in existing_codes:
            continue
        latest = max(spec.years)
        result.append(IndicatorDefinition(
            code=spec.code, name=spec.name, unit=spec.unit, universe=spec.universe, category=spec.category,
            kind=Kind.BASE, source=SOURCES[latest], year=latest, table="census2022/", direction=spec.direction,
            decimals=spec.decimals, description=spec.description or spec.name, is_reference=True,
            group=spec.group, order=spec.order or 500 + order, formula=_formula(spec),
            scale=HUNDRED if spec.share else Decimal(1),
        ))
    return result


def _formula(spec: Spec) -> str:
    if spec.share:
        return f"({' + '.join(spec.share[0])}) / ({' + '.join(spec.share[1])}) × 100, for each place from its own counts"
    if spec.ratio:
        return f"{spec.ratio[0]} / {spec.ratio[1]}, for each place from its own figures"
    return ""


def _stem_value(row: dict[str, str], stem: str, year: int, filename: str) -> Decimal | None:
    column = stem if stem in ("area_km2",) else f"{stem}_{year}"
    return _number(row, column, filename)


def place_values(spec: Spec, level: str, row: dict[str, str], year: int) -> tuple[Decimal | None, str, str] | None:
    """(value or None, text, note) of one spec for one place row and year."""
    name = f"{level} row"
    if spec.column:
        raw = (row.get(spec.column) or "").strip()
        if spec.unit == Unit.CATEGORY:
            return (None, raw, "Stats SA's published category") if raw else None
        value = _number(row, spec.column if spec.column in row else f"{spec.column}_{year}", name)
        return None if value is None else (value, "", "Stats SA's published figure for this place")
    if spec.count:
        value = _stem_value(row, spec.count, year, name)
        return None if value is None else (value, "", "Stats SA's published figure for this place")
    top_stems, bottom_stems = spec.share or ((spec.ratio[0],), (spec.ratio[1],))
    top = [_stem_value(row, stem, year, name) for stem in top_stems]
    bottom = [_stem_value(row, stem, year, name) for stem in bottom_stems]
    tops, bottoms = [v for v in top if v is not None], [v for v in bottom if v is not None]
    if len(tops) < len(top) or len(bottoms) < len(bottom) or not sum(bottoms):
        return None
    scale = HUNDRED if spec.share else Decimal(1)
    value = (sum(tops, Decimal(0)) / sum(bottoms, Decimal(0)) * scale).quantize(Decimal("0.0001"))
    return value, "", "computed from Stats SA's published counts for this place"


def country_row(merged: dict[tuple[str, str], dict[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """The national row: Stats SA's national figures where packaged, else sums of the 9 provinces' counts."""
    provinces = [row for (level, _code), row in merged.items() if level == "province"]
    row, notes = {}, {}
    stems = {s.count for s in SPECS if s.count} | {x for s in SPECS for part in s.share for x in part}
    for stem in stems:
        for year in (2011, 2022):
            column = f"{stem}_{year}"
            values = [v for v in (_number(p, column, "province row") for p in provinces) if v is not None]
            if len(provinces) == 9 and len(values) == 9:
                row[column] = str(sum(values, Decimal(0)))
                notes[column] = "sum of the 9 provinces' published figures (no national figure in the packaged tables)"
    for (stem, year), value in national().items():
        row[f"{stem}_{year}"] = str(value)
        notes[f"{stem}_{year}"] = "Stats SA's published national figure"
    return row, notes
