"""`ddm import indicators FILE`: new indicator values (e.g. Census 2022) without code changes.

Values file (CSV or spreadsheet; header found by ddm.tabular): place code, indicator, year, value,
optional source and level (zone/municipality/province/country: only needed when a code is ambiguous;
a metro code such as ETH means its municipality, which is then summed into the zone).
Definitions file (--definitions): code, name, unit, universe, category, source, year, and optional
direction, decimals, description. An indicator that is neither defined already nor in that file is
a row error. All-or-nothing: any error and nothing is written. Then the affected indicators (and
those derived from them) are re-aggregated.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from ddm.places.models import Level, Place
from ddm.profiles import aggregate
from ddm.profiles.models import Category, Direction, IndicatorDefinition, IndicatorValue, Kind, Unit
from ddm.tabular import IssueLog, TableError, detect_header, open_table

VALUE_FIELDS = {
    "place": ["place", "place code", "code", "geo code", "geo_code", "municipality code", "zone code", "mdb code"],
    "indicator": ["indicator", "indicator code", "indicator_code"],
    "year": ["year", "reference year"],
    "value": ["value", "amount", "total"],
    "source": ["source", "source note"],
    "level": ["level", "geo level", "geo_level"],
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

    def as_dict(self):
        errors, warnings = self.issues.as_dicts()
        return {"rows": self.rows, "written": self.written, "recomputed": self.recomputed, "defined": self.defined,
                "indicators": self.indicators, "dry_run": self.dry_run, "ok": not self.issues.blocking,
                "errors": errors, "warnings": warnings}


def _cell(values, column):
    if column is None or column.index >= len(values):
        return None
    value = values[column.index]
    return value.strip() if isinstance(value, str) else value


def _read(path, fields, required, log):
    """[(row number, {field: (value, column)})] of every non-empty row."""
    filename = str(path).rsplit("/", 1)[-1]
    log.file = filename
    try:
        table = open_table(path, filename)[0]
        header, rows = detect_header(table, fields, required=required, filename=filename)
    except TableError as error:
        log.error(str(error))
        return []
    columns = header.fields
    result = []
    for number, values in rows:
        record = {name: (_cell(values, columns.get(name)), columns.get(name)) for name in fields}
        if any(value not in (None, "") for value, _column in record.values()):
            result.append((number, record))
    return result


def _choice(value, choices, aliases=None):
    text = str(value or "").strip().lower()
    text = (aliases or {}).get(text, text)
    return text if text in choices else None


def read_definitions(path, log):
    """New IndicatorDefinitions (unsaved) from a definitions file, with row errors in `log`."""
    definitions = {}
    required = ("code", "name", "unit", "category", "source", "year")
    for number, record in _read(path, DEFINITION_FIELDS, required, log):
        where = lambda name: {"row": number, "column": record[name][1].label if record[name][1] else name,  # noqa: E731
                              "value": record[name][0]}
        code = str(record["code"][0] or "").strip()
        problems = []
        for name in required:
            if record[name][0] in (None, ""):
                problems.append((name, f"{name} is required"))
        unit = _choice(record["unit"][0], set(Unit.values))
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
        if not problems:
            definitions[code] = IndicatorDefinition(
                code=code, name=str(record["name"][0]), unit=unit, universe=str(record["universe"][0] or unit),
                category=category, kind=Kind.IMPORTED, source=str(record["source"][0]), year=year,
                direction=direction, decimals=int(record["decimals"][0] or (1 if unit == Unit.PERCENT else 0)),
                description=str(record["description"][0] or ""), table=log.file,
            )
    return definitions


def _year(value):
    try:
        year = int(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return year if 1900 <= year <= 2100 and Decimal(str(value).strip()) == year else None


def _number(value):
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


def _places():
    lookup = {}
    for place in Place.objects.current().exclude(level=Level.WARD).only("id", "code", "level"):
        lookup.setdefault(place.code.upper(), {})[place.level] = place
    return lookup


def _check_value_row(number, record, known, places, log, seen):
    """A new IndicatorValue, or None after logging every problem of the row."""
    def error(name, message):
        column = record[name][1]
        log.error(message, row=number, column=column.label if column else name, value=record[name][0])

    ok = True
    code = str(record["indicator"][0] or "").strip()
    definition = known.get(code)
    if definition is None:
        error("indicator", "unknown indicator: define it in a --definitions file first"); ok = False  # noqa: E702
    elif definition.is_reference:
        error("indicator", "this indicator comes from the packaged Stats SA tables; import a new indicator code")
        ok = False
    options = places.get(str(record["place"][0] or "").strip().upper(), {})
    level = _choice(record["level"][0], set(Level.values), LEVEL_ALIASES) if record["level"][0] else None
    if record["level"][0] and level is None:
        error("level", "unknown level; use zone, municipality, province or country"); ok = False  # noqa: E702
    place = options.get(level) if level else next((options[lv] for lv in LEVEL_PRIORITY if lv in options), None)
    if place is None:
        error("place", "unknown place code (MDB 2020 codes: municipality, zone, province or ZA)"); ok = False  # noqa: E702
    year = _year(record["year"][0])
    if year is None:
        error("year", "not a year (1900–2100)"); ok = False  # noqa: E702
    value = _number(record["value"][0])
    if value is None:
        error("value", "not a number"); ok = False  # noqa: E702
    elif definition is not None and abs(value) >= Decimal(10) ** 16:
        error("value", "too large"); ok = False  # noqa: E702
    if not ok:
        return None
    key = (code, place.pk, year)
    if key in seen:
        error("place", f"duplicate of row {seen[key]} (same indicator, place and year)")
        return None
    seen[key] = number
    return IndicatorValue(indicator=definition, place=place, year=year, value=value.quantize(Decimal("0.0001")),
                          source_note=str(record["source"][0] or "")[:300] or f"imported from {log.file}")


def import_indicators(path, definitions_path=None, dry_run=False):
    """Validate the whole file; write nothing if any row has an error. Returns an ImportResult."""
    result = ImportResult(dry_run=dry_run)
    new_definitions = {}
    if definitions_path:
        definitions_log = IssueLog()
        new_definitions = read_definitions(definitions_path, definitions_log)
        result.issues.errors += definitions_log.errors
        result.issues.error_count += definitions_log.error_count
    records = _read(path, VALUE_FIELDS, ("place", "indicator", "year", "value"), result.issues)
    known = {d.code: d for d in IndicatorDefinition.objects.all()}
    known.update(new_definitions)
    places, seen, values = _places(), {}, []
    for number, record in records:
        result.rows += 1
        value = _check_value_row(number, record, known, places, result.issues, seen)
        if value is not None:
            values.append(value)
    if not records and not result.issues.blocking:
        result.issues.error("the file has no data rows")
    result.indicators = sorted({v.indicator.code for v in values})
    result.defined = sorted(new_definitions)
    if result.issues.blocking or dry_run:
        return result
    _write(result, new_definitions, values)
    return result


@transaction.atomic
def _write(result, new_definitions, values):
    for definition in new_definitions.values():
        definition.save()
    for value in values:
        value.indicator_id = value.indicator.pk
    keys = {(v.indicator_id, v.place_id, v.year) for v in values}
    indicators = {k[0] for k in keys}
    existing = IndicatorValue.objects.filter(indicator_id__in=indicators).values_list("id", "indicator_id", "place_id", "year")
    IndicatorValue.objects.filter(pk__in=[pk for pk, *key in existing if tuple(key) in keys]).delete()
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    result.written = len(values)
    result.recomputed = aggregate.recompute(result.indicators)
