"""Loads the packaged Stats SA tables into the indicator store (`ddm setup`; idempotent and fast).

Only municipality rows are stored as base values: zone, province and country values are sums of
municipalities (ddm.profiles.aggregate), checked in the tests against the source's own rows.
A hash of the data files is kept so that running `ddm setup` again skips unchanged data.
"""

import csv
import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from ddm.places.models import Place
from ddm.profiles import aggregate, catalogue
from ddm.profiles.models import DataState, IndicatorDefinition, IndicatorValue, Kind, Unit

DATA_DIR = Path(__file__).resolve().parent / "data"
LOADER_VERSION = "1"  # bump when the catalogue changes so that `ddm setup` reloads


class SourceError(ValueError):
    """A packaged file does not have the shape the catalogue expects."""


def read_table(table):
    """Rows of a source table: (geo_level, geo_code, category labels, Decimal value)."""
    path = DATA_DIR / table.file
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        value_column = "total" if "total" in reader.fieldnames else "population"
        for number, row in enumerate(reader, start=2):
            try:
                value = Decimal(row[value_column])
            except (InvalidOperation, TypeError):
                raise SourceError(f"{table.file}, row {number}, column {value_column}: "
                                  f"not a number: {row[value_column]!r}") from None
            yield row["geo_level"], row["geo_code"], tuple(row[c] for c in table.columns), value


def municipality_rows(table):
    return [(code, labels, value) for level, code, labels, value in read_table(table) if level == "municipality"]


def fingerprint():
    digest = hashlib.sha256(LOADER_VERSION.encode())
    for table in catalogue.TABLES:
        digest.update((DATA_DIR / table.file).read_bytes())
    return digest.hexdigest()


def base_definitions(rows_by_table):
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


def resolve(entries, base_codes, minus=()):
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


def derived_definitions(base_codes):
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


def upsert_definitions(definitions):
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


def base_values(rows_by_table, definitions, places):
    values = []
    for table in catalogue.TABLES:
        for code, labels, value in rows_by_table[table.key]:
            if code not in places:
                raise SourceError(f"{table.file}: municipality {code} is not in the place registry")
            definition = definitions[table.code(*labels) if labels else table.key]
            values.append(IndicatorValue(indicator=definition, place_id=places[code], year=table.year, value=value,
                                         source_note=table.file))
    return values


def area_values(definition):
    values = []
    for place in Place.objects.current().exclude(level="ward").exclude(area_km2=None).only("id", "area_km2"):
        values.append(IndicatorValue(indicator=definition, place_id=place.pk, year=definition.year,
                                     value=place.area_km2, source_note="MDB 2020 boundary area"))
    return values


@transaction.atomic
def load(echo=lambda message: None, force=False):
    """Load or refresh the packaged indicators; returns the number of values stored."""
    state, _ = DataState.objects.get_or_create(key="reference")
    stamp = fingerprint()
    if state.fingerprint == stamp and not force:
        echo("profiles: reference indicators unchanged")
        return 0
    rows_by_table = {table.key: municipality_rows(table) for table in catalogue.TABLES}
    base = base_definitions(rows_by_table)
    derived = derived_definitions([d.code for d in base])
    definitions = upsert_definitions(base + derived)
    places = dict(Place.objects.municipalities().values_list("code", "id"))
    base_codes = [d.code for d in base]
    IndicatorValue.objects.filter(indicator__code__in=base_codes + [d.code for d in derived]).delete()
    values = base_values(rows_by_table, definitions, places) + area_values(definitions[catalogue.AREA_CODE])
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    levels = {"district": "zone", "province": "province", "country": "country"}
    place_ids = {(level, code): pk for pk, level, code in Place.objects.current().values_list("id", "level", "code")}
    published = {(definitions[code].pk, place_ids[(levels[level], place)], year): value
                 for (code, level, place, year), value in published_rows().items()}
    computed = aggregate.recompute(published=published)
    differing = IndicatorValue.objects.filter(source_note__contains="the source's own figure").count()
    state.fingerprint = stamp
    state.save()
    echo(f"profiles: {len(definitions)} indicators, {len(values)} source values, {computed} computed values; "
         f"{differing} sums differ from Stats SA's own district/province/country rows (rounding; each noted)")
    return len(values) + computed


def published_rows():
    """{(indicator code, geo_level, place code, year): value} of the source's own district/province/country rows."""
    published = {}
    for table in catalogue.TABLES:
        for level, code, labels, value in read_table(table):
            if level != "municipality":
                published[(table.code(*labels) if labels else table.key, level, code, table.year)] = value
    return published

