"""Loads the packaged Stats SA tables into the indicator store (`ddm setup`; idempotent and fast).

Stats SA's published figure is stored for every level it publishes (municipality, district,
province, country); a sum of municipalities is computed (ddm.profiles.aggregate) only for a place
without one (a metro's zone) and says so. Census 2022 (ddm.profiles.census2022) and Municipal Money
(ddm.profiles.finance) are stored as labelled vintages beside the CS 2016 / Census 2011 values.
A hash of the data files is kept so that running `ddm setup` again skips unchanged data.
"""

import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from ddm.places.models import Place
from ddm.profiles import aggregate, catalogue, census2022, finance
from ddm.profiles.models import DataState, IndicatorDefinition, IndicatorValue, Kind, Unit

# (geo level, geo code, category labels, value) of a source table; without the level for municipality rows
TableRow = tuple[str, str, tuple[str, ...], Decimal]
MunicipalityRow = tuple[str, tuple[str, ...], Decimal]
PlaceIds = dict[tuple[str, str], int]  # (level, code): place id

DATA_DIR = Path(__file__).resolve().parent / "data"
LOADER_VERSION = "2"  # bump when the catalogue changes so that `ddm setup` reloads


class SourceError(ValueError):
    """A packaged file does not have the shape the catalogue expects."""


def read_table(table: catalogue.Table) -> Iterator[TableRow]:
    """Rows of a source table: (geo_level, geo_code, category labels, Decimal value)."""
    path = DATA_DIR / table.file
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        value_column = "total" if "total" in (reader.fieldnames or ()) else "population"
        for number, row in enumerate(reader, start=2):
            try:
                value = Decimal(row[value_column])
            except (InvalidOperation, TypeError):
                raise SourceError(f"{table.file}, row {number}, column {value_column}: "
                                  f"not a number: {row[value_column]!r}") from None
            yield row["geo_level"], row["geo_code"], tuple(row[c] for c in table.columns), value


def municipality_rows(table: catalogue.Table) -> list[MunicipalityRow]:
    return [(code, labels, value) for level, code, labels, value in read_table(table) if level == "municipality"]


def fingerprint() -> str:
    digest = hashlib.sha256(LOADER_VERSION.encode())
    for table in catalogue.TABLES:
        digest.update((DATA_DIR / table.file).read_bytes())
    for folder in ("census2022", "municipal_finance"):
        for path in sorted((DATA_DIR / folder).glob("*.csv")):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def base_definitions(rows_by_table: dict[str, list[MunicipalityRow]]) -> list[IndicatorDefinition]:
    """One definition per (table, category), in source order."""
    definitions = []
    for table in catalogue.TABLES:
        seen = []
        for _code, labels, _value in rows_by_table[table.key]:
            if labels not in seen:
                seen.append(labels)
        for order, labels in enumerate(seen):
            name = " / ".join(labels) if labels else table.title
            definitions.append(IndicatorDefinition(
                code=table.code(*labels) if labels else table.key, name=name, unit=table.unit,
                universe=table.universe, category=table.category, kind=Kind.BASE, source=table.source,
                year=table.year, table=table.file, source_category=" / ".join(labels), group=table.key,
                order=order, is_reference=True,
                description=f"{table.title}: category “{name}”." if labels else table.title,
            ))
    definitions.append(IndicatorDefinition(
        code=catalogue.AREA_CODE, name="Area", unit=Unit.KM2, universe="land area", category="spatial",
        kind=Kind.BASE, source=catalogue.MDB2020, year=2020, table="places (MDB 2020 boundaries)", decimals=0,
        is_reference=True, description="Area of the place's MDB 2020 boundary.",
    ))
    return definitions


def resolve(entries: Iterable[str], base_codes: Iterable[str], minus: Iterable[str] = ()) -> list[str]:
    """Expand 'prefix.*' entries into the matching base codes, less any in `minus`."""
    codes = []
    for entry in entries:
        if entry.endswith(".*"):
            prefix = entry[:-1]
            matched = [code for code in base_codes if code.startswith(prefix)]
            if not matched:
                raise SourceError(f"no base indicator matches {entry}")
            codes.extend(matched)
        else:
            codes.append(entry)
    return [code for code in codes if code not in set(minus)]


def derived_definitions(base_codes: Iterable[str]) -> list[IndicatorDefinition]:
    definitions, known = [], list(base_codes)
    for order, spec in enumerate(catalogue.DERIVED):
        numerator = resolve(spec.numerator, base_codes, spec.extra.get("minus", ()))
        denominator = resolve(spec.denominator, base_codes)
        missing = [code for code in numerator + denominator if code not in known]
        if missing:
            raise SourceError(f"{spec.code}: unknown component(s) {', '.join(missing)}")
        definitions.append(IndicatorDefinition(
            code=spec.code, name=spec.name, unit=spec.unit, universe=spec.universe, category=spec.category,
            kind=spec.kind, source=spec.source, year=spec.year, numerator=numerator, denominator=denominator,
            scale=spec.scale, direction=spec.direction, decimals=spec.decimals, description=spec.description,
            is_reference=True, order=order, formula=aggregate.describe_formula(spec, numerator, denominator),
        ))
        known.append(spec.code)
    return definitions


def upsert_definitions(definitions: list[IndicatorDefinition]) -> dict[str, IndicatorDefinition]:
    """Create or update definitions by code; returns {code: saved definition}."""
    existing = {d.code: d for d in IndicatorDefinition.objects.filter(code__in=[d.code for d in definitions])}
    fields = [f.name for f in IndicatorDefinition._meta.concrete_fields if f.name not in ("id", "code")]
    new, changed = [], []
    for definition in definitions:
        current = existing.get(definition.code)
        if current is None:
            new.append(definition)
        else:
            definition.pk = current.pk
            changed.append(definition)
    IndicatorDefinition.objects.bulk_create(new, batch_size=500)
    IndicatorDefinition.objects.bulk_update(changed, fields, batch_size=500)
    return {d.code: d for d in IndicatorDefinition.objects.filter(code__in=[d.code for d in definitions])}


def base_values(rows_by_table: dict[str, list[MunicipalityRow]], definitions: dict[str, IndicatorDefinition],
                places: dict[str, int]) -> list[IndicatorValue]:
    values = []
    for table in catalogue.TABLES:
        for code, labels, value in rows_by_table[table.key]:
            if code not in places:
                raise SourceError(f"{table.file}: municipality {code} is not in the place registry")
            definition = definitions[table.code(*labels) if labels else table.key]
            values.append(IndicatorValue(indicator=definition, place_id=places[code], year=table.year, value=value,
                                         source_note=table.file))
    return values


def area_values(definition: IndicatorDefinition) -> list[IndicatorValue]:
    values = []
    for place in Place.objects.current().exclude(level="ward").exclude(area_km2=None).only("id", "area_km2"):
        values.append(IndicatorValue(indicator=definition, place_id=place.pk, year=definition.year,
                                     value=place.area_km2, source_note="MDB 2020 boundary area"))
    return values


def packaged_vintages() -> Q:
    """Q of the values `ddm setup` owns (and replaces): imported vintages are never touched."""
    labels = ["", *census2022.VINTAGES.values(), finance.VINTAGE]
    return Q(vintage__in=labels) | Q(vintage__startswith=finance.PREDECESSOR)


@transaction.atomic
def load(echo: Callable[[str], None] = lambda message: None, force: bool = False) -> int:
    """Load or refresh the packaged indicators; returns the number of values stored."""
    state, _ = DataState.objects.get_or_create(key="reference")
    stamp = fingerprint()
    if state.fingerprint == stamp and not force:
        echo("profiles: reference indicators unchanged")
        return 0
    rows_by_table = {table.key: municipality_rows(table) for table in catalogue.TABLES}
    base = base_definitions(rows_by_table)
    derived = derived_definitions([d.code for d in base])
    known = {d.code for d in base + derived}
    extra = census2022.definitions(known) + finance.definitions()
    definitions = upsert_definitions(base + derived + extra)
    places = dict(Place.objects.municipalities().values_list("code", "id"))
    place_ids = {(level, code): pk for pk, level, code in Place.objects.current().values_list("id", "level", "code")}
    aggregate.delete_values(IndicatorValue.objects.filter(packaged_vintages(), indicator__code__in=list(definitions)))
    values = (base_values(rows_by_table, definitions, places) + area_values(definitions[catalogue.AREA_CODE])
              + published_values(definitions, place_ids))
    vintages = census_values(definitions, place_ids) + finance_values(definitions, place_ids)
    IndicatorValue.objects.bulk_create(values + vintages, batch_size=2000)
    computed = aggregate.recompute()
    state.fingerprint = stamp
    state.save()
    echo(f"profiles: {len(definitions)} indicators, {len(values)} CS 2016/Census 2011 values (each level's "
         f"published figure), {len(vintages)} Census 2022 and Municipal Money values, {computed} computed values")
    return len(values) + len(vintages) + computed


UPPER_LEVELS = {"district": "zone", "province": "province", "country": "country"}


def published_values(definitions: dict[str, IndicatorDefinition], place_ids: PlaceIds) -> list[IndicatorValue]:
    """Stats SA's own district, province and country rows: shown as published, never replaced by sums."""
    values = []
    for table in catalogue.TABLES:
        for level, code, labels, value in read_table(table):
            if level not in UPPER_LEVELS:
                continue
            place = place_ids.get((UPPER_LEVELS[level], code))
            if place is None:
                raise SourceError(f"{table.file}: {level} {code} is not in the place registry")
            definition = definitions[table.code(*labels) if labels else table.key]
            values.append(IndicatorValue(indicator=definition, place_id=place, year=table.year, value=value,
                                         source_note=f"Stats SA's published figure for this {level} ({table.file})"))
    return values


def census_values(definitions: dict[str, IndicatorDefinition], place_ids: PlaceIds) -> list[IndicatorValue]:
    """Census 2022 and its Census 2011 columns for every place, each level from its own published row."""
    merged, _national = census2022.tables()
    country, country_notes = census2022.country_row(merged)
    rows: list[tuple[str, str, dict, dict]] = [(level, code, row, {}) for (level, code), row in merged.items()]
    rows.append(("country", "ZA", country, country_notes))
    values = []
    for level, code, row, notes in rows:
        place = place_ids.get((level, code))  # a metro: zone from the district file, municipality from the muni file
        if place is None:
            raise SourceError(f"census2022: {level} {code} is not in the place registry")
        for spec in census2022.SPECS:
            for year in spec.years:
                found = census2022.place_values(spec, level, row, year)
                if found is None:
                    continue
                value, text, note = found
                if notes:
                    note = notes.get(f"{spec.count}_{year}", "computed from the national counts above "
                                     "(Stats SA's national figures where packaged, else sums of the provinces)")
                values.append(IndicatorValue(
                    indicator=definitions[spec.code], place_id=place, year=year, value=value, text=text,
                    vintage=census2022.VINTAGES[year], source=census2022.SOURCES[year],
                    released=census2022.RELEASED, source_note=note[:300]))
    return values


def finance_values(definitions: dict[str, IndicatorDefinition], place_ids: PlaceIds) -> list[IndicatorValue]:
    """Audit outcomes and Municipal Money indicators of municipalities, district municipalities and metros."""
    places: dict[str, list[int]] = {}
    for (level, code), pk in place_ids.items():
        if level in ("municipality", "zone"):
            places.setdefault(code, []).append(pk)
    links = finance.successors()
    values = {}
    for code, year, outcome, url in finance.audit_rows():
        for place, vintage, note in finance.targets(code, places, links):
            values[(finance.AUDIT_CODE, place, year, vintage)] = IndicatorValue(
                indicator=definitions[finance.AUDIT_CODE], place_id=place, year=year, text=outcome[:200],
                vintage=vintage, released=finance.RELEASED, source_note=(note or url)[:300])
    for code, measure, year, value, rating, overunder in finance.measure_rows():
        for place, vintage, note in finance.targets(code, places, links):
            values[(measure.code, place, year, vintage)] = IndicatorValue(
                indicator=definitions[measure.code], place_id=place, year=year, value=value, vintage=vintage,
                released=finance.RELEASED,
                source_note="; ".join(p for p in (note, finance.rating_note(rating, overunder)) if p)[:300])
    return list(values.values())
