"""`ddm import indicators FILE`: new indicator values (e.g. Census 2022) without code changes.

Values file (CSV or spreadsheet; header found by ddm.tabular): place code, indicator, year, value,
optional source, level (zone/municipality/province/country: only needed when a code is ambiguous;
a metro code such as ETH means its municipality, which is then summed into the zone), vintage (the
release, e.g. "Census 2022 errata 2024") and released (its date).
Definitions file (--definitions): code, name, unit, universe, category, source, year, and optional
direction, decimals, description. Unit "category" makes a categorical indicator whose values are
text (an audit outcome: "Unqualified with findings").

A new vintage of an existing indicator (a packaged one too, e.g. a later Census release or
Stats SA's errata) needs no definition: its values are stored beside the older vintages (labelled
by the vintage column, else "imported from <file>"), and the profile shows the newest (latest
year, then latest release date; an import without a released date counts as released today).
Importing the same vintage again replaces it. A labelled vintage is stored as given for every
level it has: it is not summed into zones (a source that publishes district figures gives them).

An indicator that is neither defined already nor in the definitions file is a row error, except
when its definition row failed: then one error says its values were not checked (not one per row).
All-or-nothing: any error and nothing is written. Then the affected indicators (and those derived
from them) are re-aggregated.
"""

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from ddm.places.models import Level, Place
from ddm.profiles import aggregate
from ddm.profiles.models import Category, Direction, IndicatorDefinition, IndicatorValue, Kind, Unit
from ddm.tabular import IssueLog, TableError, detect_header, open_table
from ddm.tabular.header import Column

# {field: (the cell's value, its column or None)} of one row
RowRecord = dict[str, tuple[Any, Column | None]]

VALUE_FIELDS = {
    "place": ["place", "place code", "code", "geo code", "geo_code", "municipality code", "zone code", "mdb code"],
    "indicator": ["indicator", "indicator code", "indicator_code"],
    "year": ["year", "reference year"],
    "value": ["value", "amount", "total"],
    "source": ["source", "source note"],
    "level": ["level", "geo level", "geo_level"],
    "vintage": ["vintage", "release", "edition"],
    "released": ["released", "release date", "published"],
}
DEFINITION_FIELDS = {
    "code": ["code", "indicator", "indicator code"], "name": ["name", "indicator name"], "unit": ["unit"],
    "universe": ["universe"], "category": ["category", "section"], "source": ["source", "citation"],
    "year": ["year"], "direction": ["direction"], "decimals": ["decimals"], "description": ["description"],
}
LEVEL_PRIORITY = (Level.MUNICIPALITY, Level.ZONE, Level.PROVINCE, Level.COUNTRY)
LEVEL_ALIASES = {"district": Level.ZONE, "metro": Level.MUNICIPALITY, "local": Level.MUNICIPALITY}


@dataclass
class ImportResult:
    rows: int = 0
    written: int = 0
    recomputed: int = 0
    defined: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    issues: IssueLog = field(default_factory=IssueLog)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        errors, warnings = self.issues.as_dicts()
        return {"rows": self.rows, "written": self.written, "recomputed": self.recomputed, "defined": self.defined,
                "indicators": self.indicators, "dry_run": self.dry_run, "ok": not self.issues.blocking,
                "errors": errors, "warnings": warnings}


def _cell(values: Sequence[Any], column: Column | None) -> Any:
    if column is None or column.index >= len(values):
        return None
    value = values[column.index]
    return value.strip() if isinstance(value, str) else value


def _read(path: str | os.PathLike[str], fields: dict[str, list[str]], required: Sequence[str],
          log: IssueLog) -> list[tuple[int, RowRecord]]:
    """[(row number, {field: (value, column)})] of every non-empty row."""
    filename = str(path).rsplit("/", 1)[-1]
    log.file = filename
    result = []
    try:  # a workbook is read lazily (ddm.tabular's sandbox): a limit can be breached while rows stream
        table = open_table(path, filename)[0]
        header, rows = detect_header(table, fields, required=required, filename=filename)
        columns = header.fields
        for number, values in rows:
            record = {name: (_cell(values, columns.get(name)), columns.get(name)) for name in fields}
            if any(value not in (None, "") for value, _column in record.values()):
                result.append((number, record))
    except TableError as error:
        log.error(str(error))
        return []
    return result


def _choice(value: object, choices: Collection[str], aliases: Mapping[str, str] | None = None) -> str | None:
    text = str(value or "").strip().lower()
    text = (aliases or {}).get(text, text)
    return text if text in choices else None


UNIT_ALIASES = {"categorical": Unit.CATEGORY, "text": Unit.CATEGORY, "outcome": Unit.CATEGORY}


def read_definitions(path: str | os.PathLike[str], log: IssueLog, failed: set[str] | None = None
                     ) -> dict[str, IndicatorDefinition]:
    """New IndicatorDefinitions (unsaved) from a definitions file, with row errors in `log`.

    failed: a set that receives the codes of definition rows with errors.
    """
    failed = set() if failed is None else failed
    definitions = {}
    required = ("code", "name", "unit", "category", "source", "year")
    for number, record in _read(path, DEFINITION_FIELDS, required, log):
        def where(name: str, number: int = number, record: RowRecord = record) -> dict[str, Any]:
            value, column = record[name]
            return {"row": number, "column": column.label if column else name, "value": value}

        code = str(record["code"][0] or "").strip()
        problems = []
        for name in required:
            if record[name][0] in (None, ""):
                problems.append((name, f"{name} is required"))
        unit = _choice(record["unit"][0], set(Unit.values), UNIT_ALIASES)
        if record["unit"][0] and unit is None:
            problems.append(("unit", f"unknown unit; use one of {', '.join(Unit.values)}"))
        category = _choice(record["category"][0], set(Category.values))
        if record["category"][0] and category is None:
            problems.append(("category", f"unknown category; use one of {', '.join(Category.values)}"))
        direction = _choice(record["direction"][0] or "neutral", set(Direction.values))
        if direction is None:
            problems.append(("direction", f"use one of {', '.join(Direction.values)}"))
        year = _year(record["year"][0])
        if record["year"][0] and year is None:
            problems.append(("year", "not a year (1900–2100)"))
        if code in definitions or (code and IndicatorDefinition.objects.filter(code=code, is_reference=True).exists()):
            problems.append(("code", "already defined (in this file or by the packaged reference data)"))
        for name, message in problems:
            log.error(message, **where(name))
        if problems and code:
            failed.add(code)
        # unit, category, year and direction are required above: "not problems" means each is set (and narrows them)
        if not problems and unit and category and year and direction:
            definitions[code] = IndicatorDefinition(
                code=code, name=str(record["name"][0]), unit=unit, universe=str(record["universe"][0] or unit),
                category=category, kind=Kind.IMPORTED, source=str(record["source"][0]), year=year,
                direction=direction, decimals=_decimals(record["decimals"][0], unit),
                description=str(record["description"][0] or ""), table=log.file,
            )
    return definitions


def _decimals(value: object, unit: str) -> int:
    number = _number(value)
    if number is None or not 0 <= number <= 4 or number != int(number):
        return 1 if unit == Unit.PERCENT else 0
    return int(number)


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _year(value: object) -> int | None:
    try:
        year = int(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return year if 1900 <= year <= 2100 and Decimal(str(value).strip()) == year else None


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    text = str(value or "").strip().replace(" ", "").replace("\u00a0", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _places() -> dict[str, dict[str, Place]]:
    """{place code: {level: Place}} of the current places above ward level."""
    lookup: dict[str, dict[str, Place]] = {}
    for place in Place.objects.current().exclude(level=Level.WARD).only("id", "code", "level"):
        lookup.setdefault(place.code.upper(), {})[place.level] = place
    return lookup


def _check_value_row(number: int, record: RowRecord, known: dict[str, IndicatorDefinition],
                     places: dict[str, dict[str, Place]], log: IssueLog, seen: dict[tuple[str, int, int, str], int],
                     failed: Collection[str] = frozenset()) -> IndicatorValue | None:
    """A new IndicatorValue, or None after logging every problem of the row.

    failed: codes whose definition row failed; their values are not reported as unknown indicators.
    """
    def error(name: str, message: str) -> None:
        column = record[name][1]
        log.error(message, row=number, column=column.label if column else name, value=record[name][0])

    ok = True
    code = str(record["indicator"][0] or "").strip()
    definition = known.get(code)
    if definition is None:
        if code not in failed:
            error("indicator", "unknown indicator: define it in a --definitions file first")
        ok = False
    options = places.get(str(record["place"][0] or "").strip().upper(), {})
    level = _choice(record["level"][0], set(Level.values), LEVEL_ALIASES) if record["level"][0] else None
    if record["level"][0] and level is None:
        error("level", "unknown level; use zone, municipality, province or country")
        ok = False
    place = options.get(level) if level else next((options[lv] for lv in LEVEL_PRIORITY if lv in options), None)
    if place is None:
        error("place", "unknown place code (MDB 2020 codes: municipality, zone, province or ZA)")
        ok = False
    year = _year(record["year"][0])
    if year is None:
        error("year", "not a year (1900–2100)"); ok = False  # noqa: E702
    categorical = definition is not None and definition.unit == Unit.CATEGORY
    value, text = None, ""
    if categorical:
        text = str(record["value"][0] or "").strip()
        if not text or len(text) > 200:
            error("value", "a category (text of 1–200 characters) is required"); ok = False  # noqa: E702
    else:
        value = _number(record["value"][0])
        if value is None:
            unit = f" (the unit of {code} is {definition.unit}; a categorical indicator needs unit 'category')" \
                if definition is not None else ""
            error("value", f"not a number{unit}"); ok = False  # noqa: E702
        elif abs(value) >= Decimal(10) ** 16:
            error("value", "too large"); ok = False  # noqa: E702
    vintage = str(record["vintage"][0] or "").strip()
    if len(vintage) > 120:
        error("vintage", "longer than 120 characters"); ok = False  # noqa: E702
    released = _date(record["released"][0]) if record["released"][0] not in (None, "") else None
    if record["released"][0] not in (None, "") and released is None:
        error("released", "not a date (YYYY-MM-DD)"); ok = False  # noqa: E702
    if not ok or place is None or definition is None or year is None:  # each logged above: this narrows the types
        return None
    if definition.is_reference and not vintage:
        vintage = f"imported from {log.file}"[:120]  # never mixed with the packaged values
    key = (code, place.pk, year, vintage)
    if key in seen:
        error("place", f"duplicate of row {seen[key]} (same indicator, place, year and vintage)")
        return None
    seen[key] = number
    source = str(record["source"][0] or "")
    return IndicatorValue(
        indicator=definition, place=place, year=year, value=None if value is None else value.quantize(Decimal("0.0001")),
        text=text, vintage=vintage, released=released or (timezone.localdate() if vintage else None),
        source=source if vintage else "", source_note=source[:300] or f"imported from {log.file}")


def import_indicators(path: str | os.PathLike[str], definitions_path: str | os.PathLike[str] | None = None,
                      dry_run: bool = False) -> ImportResult:
    """Validate the whole file; write nothing if any row has an error. Returns an ImportResult."""
    result = ImportResult(dry_run=dry_run)
    new_definitions: dict[str, IndicatorDefinition] = {}
    failed: set[str] = set()
    if definitions_path:
        definitions_log = IssueLog()
        new_definitions = read_definitions(definitions_path, definitions_log, failed)
        result.issues.errors += definitions_log.errors
        result.issues.error_count += definitions_log.error_count
        unreadable = definitions_log.blocking and not new_definitions and not failed
    else:
        unreadable = False
    records = _read(path, VALUE_FIELDS, ("place", "indicator", "year", "value"), result.issues)
    known = {d.code: d for d in IndicatorDefinition.objects.all()}
    known.update(new_definitions)
    if unreadable:  # the definitions file could not be read at all: its codes are unknown, not wrong
        failed |= {str(r["indicator"][0] or "").strip() for _n, r in records} - set(known)
    places, values = _places(), []
    seen: dict[tuple[str, int, int, str], int] = {}  # (indicator, place id, year, vintage): first row number
    for number, record in records:
        result.rows += 1
        value = _check_value_row(number, record, known, places, result.issues, seen, failed)
        if value is not None:
            values.append(value)
    skipped = sorted(code for code in failed if code not in known and any(
        str(r["indicator"][0] or "").strip() == code for _n, r in records))
    if skipped:
        result.issues.error(f"values of {', '.join(skipped)} not imported: "
                            "the definitions file has errors for them (see above)")
    if not records and not result.issues.blocking:
        result.issues.error("the file has no data rows")
    result.indicators = sorted({v.indicator.code for v in values})
    result.defined = sorted(new_definitions)
    if result.issues.blocking or dry_run:
        return result
    _write(result, new_definitions, values)
    return result


@transaction.atomic
def _write(result: ImportResult, new_definitions: dict[str, IndicatorDefinition], values: list[IndicatorValue]) -> None:
    for definition in new_definitions.values():
        definition.save()
    for value in values:
        value.indicator_id = value.indicator.pk
    keys = {(v.indicator_id, v.place_id, v.year, v.vintage) for v in values}
    indicators = {k[0] for k in keys}
    existing = IndicatorValue.objects.filter(indicator_id__in=indicators).values_list(
        "id", "indicator_id", "place_id", "year", "vintage")
    IndicatorValue.objects.filter(pk__in=[pk for pk, *key in existing if tuple(key) in keys]).delete()
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    result.written = len(values)
    result.recomputed = aggregate.recompute(result.indicators)
