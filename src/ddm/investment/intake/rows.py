"""One spreadsheet row -> a parsed project row (fields, budget lines, places), with its issues.

Column synonyms, the wide-form year columns and every per-row rule live here; the pipeline
(pipeline.py) groups rows into projects, locates them and writes them.
"""

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ddm.investment.intake import limits, parsing
from ddm.investment.intake.parsing import ParseError
from ddm.investment.models import BudgetKind, BudgetLine, Project
from ddm.tabular import ERRORS_COLUMN

# canonical field -> header synonyms (matched ignoring case, punctuation, spaces and units).
SYNONYMS = {
    "reference": ["Project ID", "Project No", "Project number", "Project Ref", "Project reference", "Reference",
                  "Ref", "Ref No", "Reference number", "Project code", "Code", "ID", "Project slug"],
    "title": ["Project name", "Project", "Name of project", "Project title", "Title", "Name", "Project/Programme",
              "Programme/Project"],
    "description": ["Description", "Project description", "Details", "Scope", "Scope of work"],
    "sector": ["Sector", "Sector classification", "Sector category"],
    "status": ["Status", "Stage", "Project stage", "Project status", "Current project stage", "Status/Stage"],
    "start_date": ["Start date", "Start", "Commencement date", "Date started", "Planned start"],
    "end_date": ["End date", "End", "Completion date", "Expected completion", "Planned completion", "Finish"],
    "catalytic": ["Catalytic", "Catalytic project", "Catalytic yes/no", "Is catalytic"],
    "implementing_agent": ["Implementing agent", "Implementing agency", "Implementer", "Implementing entity"],
    "department": ["Department", "Sector department", "Government institution", "Institution", "Sponsor"],
    "latitude": ["Lat", "Latitude", "Y", "GPS latitude", "Y coordinate", "Lat Y", "Latitude Y"],
    "longitude": ["Long", "Lon", "Lng", "Longitude", "X", "GPS longitude", "X coordinate", "Long X",
                  "Longitude X"],
    "coordinates": ["GPS", "Coordinates", "GPS coordinates", "GPS code", "Lat/Long", "Lat Long", "Location GPS"],
    "ward": ["Ward", "Ward code", "Ward no", "Ward number", "Ward(s)"],
    "municipality": ["Local municipality", "LM", "Municipality", "Local municipality code", "LM code",
                     "Municipal code", "Local municipality name", "Municipalities"],
    "district": ["District municipality", "District", "DM", "District code", "Zone", "District/Metro",
                 "District or metro", "Metro"],
    "town": ["Town", "Village", "Place", "Location", "Town/Village", "Settlement", "Area", "Place name"],
    "province": ["Province"],
    "financial_year": ["Financial year", "FY", "Year", "Budget year", "Fin year"],
    "amount": ["Budget", "Allocation", "Amount", "Value", "Budget amount", "Amount rands", "Amount (R)",
               "Budget allocation", "Rand value"],
    "kind": ["Kind", "Budget kind", "Amount type", "Type of amount", "Kind of amount"],
    "budget_phase": ["Budget phase", "Phase", "Budget stage"],
    "precision": ["Precision", "Location precision"],
    "organisation": ["Organisation", "Organisation code", "Submitting organisation"],
    "errors": [ERRORS_COLUMN],  # the column our rejected-rows file adds: ignored on re-import
}
PROJECT_FIELDS = ("title", "description", "sector", "status", "start_date", "end_date", "catalytic",
                  "implementing_agent")
PLACE_FIELDS = ("ward", "municipality", "district", "town", "province")
TOTAL_ROW = re.compile(r"^\s*(grand\s+|sub\s*-?\s*)?totals?\b", re.IGNORECASE)
PHASES = {"audited outcome": BudgetKind.ACTUAL, "adjusted appropriation": BudgetKind.ADJUSTED,
          "mtef": BudgetKind.BUDGET, "main appropriation": BudgetKind.BUDGET}


def year_column(normalised_header):
    """Pattern for detect_header: a wide-form year column ("2019/20", "Budget 2020/21", "FY2020")."""
    return parsing.fy_header(normalised_header) is not None


PATTERNS = [("year_amount", year_column)]
REQUIRED = ["title", ("amount", "year_amount")]


@dataclass
class ParsedRow:
    number: int
    values: list
    reference: str = ""
    fields: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)  # (kind, fy_first, fy_last) -> (amount, stated_as, phase)
    places: list = field(default_factory=list)  # [(kind, text)]
    point: tuple | None = None
    point_column: str = ""
    precision: tuple | None = None  # (column label, value as given, normalised) from a Precision column
    spots: list = field(default_factory=list)  # resolved Spots (filled by the pipeline)
    errors: list = field(default_factory=list)  # [(column label, value, message)]
    warnings: list = field(default_factory=list)
    skipped: str = ""  # why the row is not a project (a total, a note)

    def error(self, column, value, message):
        self.errors.append((_label(column), value, message))

    def warn(self, column, value, message):
        self.warnings.append((_label(column), value, message))


def _label(column):
    if column is None or isinstance(column, str):
        return column or ""
    return column.label


class RowParser:
    """Parses the data rows of one sheet given its detected header."""

    def __init__(self, header):
        self.header = header
        self.fields = header.fields
        self.year_columns = []
        self.year_errors = []
        for column in header.all("year_amount"):
            spec = parsing.fy_header(normalised(column.text))
            if isinstance(spec[0], ParseError):
                self.year_errors.append((column, spec[0]))
            else:
                self.year_columns.append((column, spec))
        self.extra_columns = header.extra + header.all("department") + header.all("organisation")
        self.derived_references = "reference" not in self.fields

    def cell(self, values, name):
        column = self.fields.get(name)
        if column is None or column.index >= len(values):
            return column, None
        return column, values[column.index]

    def parse(self, number, values):
        row = ParsedRow(number, values)
        _col, title = self.cell(values, "title")
        _col, reference = self.cell(values, "reference")
        if all(v is None for v in values):
            row.skipped = "blank"
            return row
        first = next((v for v in values if v is not None), None)
        if any(isinstance(v, str) and TOTAL_ROW.match(v) for v in (title, reference)) or (
            title is None and isinstance(first, str) and TOTAL_ROW.match(first)
        ):
            row.skipped = "total"
            row.warn(self.fields.get("title"), title or reference or first, "a total row: skipped, not a project")
            return row
        self._project_fields(row, title, reference)
        self._lines(row)
        self._places(row)
        if title is None and not row.errors:
            filled = [v for v in values if v is not None]
            if not row.lines and not row.places and row.point is None:
                row.skipped = "note"
                row.warn(None, filled[0] if filled else "", "a row without a project name: skipped "
                         "(a note or a heading?)")
                return row
            row.error(self.fields.get("title"), None, "no project name")
        return row

    # -- project fields ------------------------------------------------------------------------

    def _project_fields(self, row, title, reference):
        if title is not None:
            row.fields["title"] = limits.check_text(row, self.fields.get("title"), _text(title), Project, "title")
        parsers = {"start_date": parsing.parse_date, "end_date": parsing.parse_date,
                   "catalytic": parsing.parse_bool}
        for name in ("description", "status", "implementing_agent", "start_date", "end_date", "catalytic"):
            column, value = self.cell(row.values, name)
            if column is None:
                continue
            try:
                parsed = parsers[name](value) if name in parsers else (
                    None if value is None else limits.check_text(row, column, _text(value), Project, name))
            except ParseError as exc:
                row.error(column, value, str(exc))
                continue
            if name == "catalytic" and parsed is None:
                continue  # blank: not stated (an explicit "no" is False)
            row.fields[name] = "" if parsed is None and name not in parsers else parsed
        column, value = self.cell(row.values, "sector")
        if column is not None:
            sector, known = parsing.parse_sector(value)
            row.fields["sector"] = sector or "governance"
            if value is not None and not known:
                row.warn(column, value, "unknown sector: counted as governance/other, the text kept")
            if value is not None and (not known or _text(value).lower() != sector.label.lower()):
                row.extra["sector_as_given"] = _text(value)
        if row.fields.get("status") is not None:
            row.fields["status"] = str(row.fields["status"])
        for column in self.extra_columns:
            if column.index < len(row.values) and row.values[column.index] is not None:
                row.extra[column.text or column.letter] = _json(row.values[column.index])
                limits.check_extra(row, column, row.extra[column.text or column.letter])
        if row.extra:
            row.fields["extra"] = row.extra
        if reference is not None:
            reference = limits.check_text(row, self.fields.get("reference"), _text(reference), Project, "reference")
        row.reference = reference or ""

    # -- amounts -------------------------------------------------------------------------------

    def _row_kind(self, row):
        column, value = self.cell(row.values, "kind")
        if value is not None:
            try:
                return parsing.parse_kind(value), ""
            except ParseError as exc:
                row.error(column, value, str(exc))
        column, phase = self.cell(row.values, "budget_phase")
        if phase is not None:
            phase_text = _text(phase)
            kind = PHASES.get(phase_text.lower()) or parsing.header_kind(phase_text) or BudgetKind.BUDGET
            return kind, limits.check_text(row, column, phase_text, BudgetLine, "phase", "budget phase") or ""
        return None, ""

    def _lines(self, row):
        kind, phase = self._row_kind(row)
        for column, error in self.year_errors:
            if column.index < len(row.values) and row.values[column.index] is not None:
                row.error(column, row.values[column.index], f"the column's year: {error}")
        for column, (first, last, header_kind) in self.year_columns:
            value = row.values[column.index] if column.index < len(row.values) else None
            line_kind = header_kind or kind or BudgetKind.BUDGET
            self._add_line(row, column, value, line_kind, first, last, column.text, phase)
        amount_column, value = self.cell(row.values, "amount")
        if amount_column is None:
            return
        fy_column, fy_value = self.cell(row.values, "financial_year")
        first = last = None
        stated = ""
        if fy_value is not None:
            try:
                first, last = parsing.parse_fy(fy_value)
                stated = _text(fy_value)
            except ParseError as exc:
                row.error(fy_column, fy_value, str(exc))
                return
        elif value is not None:
            row.warn(fy_column or amount_column, None, "no financial year: the amount is kept as 'years not stated'")
        self._add_line(row, amount_column, value, kind or BudgetKind.BUDGET, first, last, stated, phase)

    def _add_line(self, row, column, value, kind, first, last, stated, phase):
        try:
            amount = parsing.parse_amount(value, column.unit)
        except ParseError as exc:
            row.error(column, value, str(exc))
            return
        if amount is None:
            if value is not None:
                row.warn(column, value, "no amount (not counted as zero)")
            return
        if amount < 0:
            row.error(column, value, "a negative amount: budgets and spending cannot be negative")
            return
        limits.check_amount(row, column, value, amount)
        if not limits.check_years(row, column, value, kind, first, last):
            return
        key = (str(kind), first, last)
        if key in row.lines and row.lines[key][0] != amount:
            row.error(column, value, f"a second {kind} amount for the same year(s) in this row")
            return
        stated = limits.check_text(row, column, str(stated), BudgetLine, "stated_as", "the year as stated")
        if stated is None:
            return
        row.lines[key] = (amount, stated, phase)

    # -- places --------------------------------------------------------------------------------

    def _places(self, row):
        lat_column, lat = self.cell(row.values, "latitude")
        lon_column, lon = self.cell(row.values, "longitude")
        gps_column, gps = self.cell(row.values, "coordinates")
        try:
            if lat is not None or lon is not None:
                if lat is None or lon is None:
                    row.error(lat_column if lat is None else lon_column, None, "a latitude needs a longitude")
                else:
                    try:
                        row.point = (parsing.parse_coordinate(lat, "lat"), None)
                    except ParseError as exc:
                        row.error(lat_column, lat, str(exc))
                        return
                    row.point = (row.point[0], parsing.parse_coordinate(lon, "lon"))
                    row.point_column = f"{lat_column.label} / {lon_column.label}"
            elif gps is not None and not _unspecified(gps):
                row.point = parsing.parse_point(gps)
                row.point_column = gps_column.label
        except ParseError as exc:
            column = gps_column if lat is None else lon_column
            row.error(column, gps if lat is None else lon, str(exc))
            row.point = None
        column, value = self.cell(row.values, "precision")
        if value is not None:
            stated = _text(value).lower().replace("exact point", "point").replace("local municipality", "municipality")
            row.precision = (column.label, value, {"exact": "point", "district": "zone", "metro": "zone",
                                                   "unspecified": "national"}.get(stated, stated))
        for name in PLACE_FIELDS:
            column, value = self.cell(row.values, name)
            if value is not None and not _unspecified(value):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                row.places.append((name, _text(value), column))


def _unspecified(value):
    return isinstance(value, str) and value.strip().lower() in {"various", "not specified", "unspecified", "n/a",
                                                                  "na", "-", "tbc", "national", "all", "none"}


def _text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _json(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return _text(value)


def normalised(text):
    from ddm.tabular import normalise_header

    return normalise_header(text)


def derived_reference(title, places):
    """A stable reference for a row without one: auto-<12 hex of sha1(normalised title | places)>.
    The same title at the same place always gives the same reference, so re-imports match."""
    key = " ".join(str(title or "").lower().split()) + "|" + "|".join(
        " ".join(str(text).lower().split()) for _kind, text, _col in places)
    return "auto-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def project_defaults():
    return {f.name: f.get_default() for f in Project._meta.get_fields()
            if f.name in PROJECT_FIELDS and hasattr(f, "get_default")}


ZERO = Decimal("0")
