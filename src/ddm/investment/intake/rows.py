"""One spreadsheet row -> a parsed project row (fields, budget lines, places), with its issues.

Column synonyms, the wide-form year columns and every per-row rule live here; the pipeline
(pipeline.py) groups rows into projects, locates them and writes them.
"""

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ddm.investment.intake import limits, parsing, sectors
from ddm.investment.intake.locating import Spot
from ddm.investment.intake.parsing import ParseError
from ddm.investment.models import BudgetKind, BudgetLine, Project
from ddm.tabular import ERRORS_COLUMN, Column, Header, Required, header_unit, normalise_header

# Where a row's issue is: the column, or its label, or nowhere in particular.
Where = Column | str | None
# A budget line of a row: (kind, first financial year, last financial year), by start year (None: not stated).
LineKey = tuple[str, int | None, int | None]
# A year column's years and what it holds: (first, last, kind or None, budget phase).
YearSpec = tuple[int, int, BudgetKind | None, str]

# canonical field -> header synonyms (matched ignoring case, punctuation, spaces and units).
SYNONYMS = {
    "reference": ["Project ID", "Project No", "Project number", "Project Ref", "Project reference", "Reference",
                  "Ref", "Ref No", "Reference number", "Project code", "Code", "ID", "Project slug"],
    "title": ["Project name", "Project", "Name of project", "Project title", "Title", "Name", "Project/Programme",
              "Programme/Project"],
    # "Project Decription" is how the National Treasury SA36 template spells it.
    "description": ["Description", "Project description", "Project Decription", "Details", "Scope", "Scope of work"],
    "sector": ["Sector", "Sector classification", "Sector category"],
    "status": ["Status", "Stage", "Project stage", "Project status", "Current project stage", "Status/Stage"],
    "start_date": ["Start date", "Start", "Commencement date", "Date started", "Planned start"],
    "end_date": ["End date", "End", "Completion date", "Expected completion", "Planned completion", "Finish"],
    "catalytic": ["Catalytic", "Catalytic project", "Catalytic yes/no", "Is catalytic"],
    "implementing_agent": ["Implementing agent", "Implementing agency", "Implementer", "Implementing entity"],
    "department": ["Department", "Sector department", "Government institution", "Institution", "Sponsor"],
    "latitude": ["Lat", "Latitude", "Y", "GPS latitude", "Y coordinate", "Lat Y", "Latitude Y", "GPS Lattitude",
                 "Lattitude", "GIS latitude"],
    "longitude": ["Long", "Lon", "Lng", "Longitude", "X", "GPS longitude", "X coordinate", "Long X",
                  "Longitude X", "GIS longitude"],
    "coordinates": ["GPS", "Coordinates", "GPS coordinates", "GPS code", "Lat/Long", "Lat Long", "Location GPS"],
    "ward": ["Ward", "Ward code", "Ward no", "Ward number", "Ward(s)", "Wards", "Ward Location", "Ward location(s)"],
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
# Columns officials' formats carry that are kept as the project's extra attributes without a
# "not recognised" warning (MBRR SA36, Budget Review, mining Social and Labour Plans).
ATTRIBUTES = {
    "function": ["Function", "Municipal function"],
    "project_type": ["Type", "Project type", "Type of project"],
    "mtsf_outcome": ["MTSF Service Outcome", "MTSF outcome"],
    "iudf": ["IUDF", "IUDF lever"],
    "strategic_objective": ["Own Strategic Objectives", "Strategic objective", "IDP objective"],
    "asset_class": ["Asset Class", "Asset category"],
    "asset_sub_class": ["Asset Sub-Class", "Asset sub class", "Asset subclass"],
    "programme": ["Programme", "Sub-programme", "Budget programme"],
    "mine": ["Mine", "Mine name"],
    "slp_period": ["SLP period", "SLP", "Social and Labour Plan period", "SLP cycle"],
    "commitment": ["Commitment", "SLP commitment", "LED commitment"],
}
SYNONYMS.update(ATTRIBUTES)
PROJECT_FIELDS = ("title", "description", "sector", "status", "start_date", "end_date", "catalytic",
                  "implementing_agent")
PLACE_FIELDS = ("ward", "municipality", "district", "town", "province")
TOTAL_ROW = re.compile(r"^\s*(grand\s+|sub\s*-?\s*)?totals?\b|\b(grand\s+|sub\s*-?\s*)?totals?\s*:?\s*$", re.IGNORECASE)
SUBTOTAL_REACH = 1000  # how many project rows above a row without a reference may add up to it
PHASES = {"audited outcome": BudgetKind.ACTUAL, "adjusted appropriation": BudgetKind.ADJUSTED,
          "mtef": BudgetKind.BUDGET, "main appropriation": BudgetKind.BUDGET}


_MTREF = re.compile(r"(?:((?:19|20)\d{2}\s*/\s*\d{2,4})\s*)?(?:medium term (?:revenue and )?expenditure framework|"
                    r"mtref|mtef)(?:\s*((?:19|20)\d{2}\s*/\s*\d{2,4}))?")
# MBRR SA36 columns named relative to the budget year: (offset from the budget year, kind, phase).
_SA36_COLUMNS = [
    (re.compile(r"^budget year(?: ([12]))?$"), None, BudgetKind.BUDGET, ""),
    (re.compile(r"^audited outcome$"), -2, BudgetKind.ACTUAL, "Audited Outcome"),
    (re.compile(r"^(?:current year )?full year forecast$"), -1, BudgetKind.ADJUSTED, "Full Year Forecast"),
    (re.compile(r"^(?:current year )?adjust(?:ed|ments) budget$"), -1, BudgetKind.ADJUSTED, "Adjusted Budget"),
    (re.compile(r"^(?:current year )?original budget$"), -1, BudgetKind.BUDGET, "Original Budget"),
]


def split_mtref(normalised_text: str) -> tuple[int | None, str]:
    """("2019/20 medium term revenue and expenditure framework budget year 1") -> (2019, "budget year 1"):
    the MTREF year a text names (or None) and the rest of the text."""
    match = _MTREF.search(normalised_text)
    if not match:
        return None, normalised_text
    stated = match.group(1) or match.group(2)
    base = None
    if stated:
        try:
            base = parsing.parse_fy(stated)[0]
        except ParseError:
            base = None
    rest = " ".join((normalised_text[:match.start()] + " " + normalised_text[match.end():]).split())
    return base, rest


def sa36_column(rest: str) -> tuple[int, BudgetKind, str] | None:
    """(offset, kind, phase) of an SA36 column named relative to the budget year, else None."""
    for pattern, offset, kind, phase in _SA36_COLUMNS:
        match = pattern.match(rest)
        if match:
            return (int(match.group(1) or 0) if offset is None else offset), kind, phase
    return None


def year_column(normalised_header: str) -> bool:
    """Pattern for detect_header: a wide-form year column ("2019/20", "Budget 2020/21", "FY2020",
    SA36 "Budget Year +1" or "Audited Outcome")."""
    if parsing.fy_header(normalised_header) is not None:
        return True
    _base, rest = split_mtref(normalised_header)
    return sa36_column(rest) is not None and rest != "budget year"


PATTERNS = [("year_amount", year_column)]
REQUIRED = [
    Required(("title", "description"), "a project name column (e.g. 'Project name', or SA36's 'Project Decription')"),
    Required(("amount", "year_amount"), "an amount column: 'Amount' beside a 'Financial year' column, or one column "
             "per financial year with the year in its header (e.g. 'Budget 2019/20', 'Main Budget Appropriation "
             "2019/20')"),
]
UNIT_NAMES = {Decimal(1): "Rand", Decimal(1000): "R thousand", Decimal(10) ** 6: "R million",
              Decimal(10) ** 9: "R billion"}


def unit_name(multiplier: Decimal | int | None) -> str:
    return UNIT_NAMES.get(Decimal(multiplier), f"× {multiplier:,}") if multiplier else "Rand"


def parse_unit_option(text: object) -> Decimal:
    """--unit: "rand", "thousand"/"R'000", "million"/"Rm", "billion" -> multiplier; ValueError if unclear."""
    lowered = str(text or "").strip().lower()
    if lowered in ("r", "rand", "rands", "1", "zar"):
        return Decimal(1)
    unit = header_unit(lowered) or header_unit(f"r {lowered}")
    if unit is None and lowered.isdigit() and Decimal(lowered) in UNIT_NAMES:
        unit = Decimal(lowered)
    if unit is None:
        raise ValueError(f"unknown unit {text!r} (use rand, thousand, million or billion)")
    return unit


@dataclass
class Options:
    """What the submitter said about a file (``--years``, ``--unit``) and what the pipeline knows
    of the submitter (the plausibility limit of one project's amount)."""

    years: str | None = None  # "start" or "end": the convention of bare years
    unit: Decimal | None = None  # overrides every unit the file states
    max_amount: Decimal | None = None
    max_amount_reason: str = ""
    organisation_name: str = ""  # the last clue for a sector (a department's own name)
    # Sheets whose title-block unit was found not to fit their amounts: sheet -> why (read in Rand instead).
    title_unit_doubts: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedRow:
    number: int
    values: list[Any]
    reference: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    lines: dict[LineKey, tuple[Decimal, str, str]] = field(default_factory=dict)  # -> (amount, stated_as, phase)
    places: list[tuple[str, str, Column | None]] = field(default_factory=list)  # [(kind, text, column)]
    point: tuple[float, float] | None = None
    point_column: str = ""
    precision: tuple[str, object, str] | None = None  # (column label, value as given, normalised) from a Precision column
    spots: list[Spot] = field(default_factory=list)  # resolved Spots (filled by the pipeline)
    whole_area: tuple[Column | None, str] | None = None  # (column, text) of "Whole of the Metro", "Various", "All wards"
    errors: list[tuple[str, object, str]] = field(default_factory=list)  # [(column label, value, message)]
    warnings: list[tuple[str, object, str]] = field(default_factory=list)
    skipped: str = ""  # why the row is not a project (a total, a note)

    def error(self, column: Where, value: object, message: str) -> None:
        self.errors.append((_label(column), value, message))

    def warn(self, column: Where, value: object, message: str) -> None:
        self.warnings.append((_label(column), value, message))


def _label(column: Where) -> str:
    if column is None or isinstance(column, str):
        return column or ""
    return column.label


_IN_YEAR = re.compile(r"^(?:m(?:0?[1-9]|1[0-2])|q[1-4]|ytd|year to date)\b.*\bactual")


class TitleUnitCheck:
    """Whether a unit stated only in the title block ("R thousands") fits the amounts below it. The Local
    Government Database's SA36 exports keep the template's "R thousands" over amounts in Rand: read in
    thousands, a roads line of 27 500 000 would be R27.5 billion. The title's unit is doubted when it makes
    several amounts (or one year's total) implausible for the submitter while every amount is plausible in
    Rand; one slip in a file in R thousand stays a warning."""

    def __init__(self, table_unit: Decimal | None, options: Options) -> None:
        self.unit = table_unit if table_unit is not None and table_unit > 1 else None
        self.limit = options.max_amount
        self.implausible = 0
        self.implausible_in_rand = 0
        self.totals: dict[LineKey, Decimal] = {}

    def add(self, amount: Decimal, key: LineKey, implausible: bool) -> None:
        if self.unit is None or self.limit is None:
            return
        self.implausible += implausible
        self.implausible_in_rand += amount / self.unit > self.limit
        self.totals[key] = self.totals.get(key, ZERO) + amount

    def doubt(self) -> str | None:
        """Why the title's unit does not fit, or None."""
        if self.unit is None or self.limit is None or not self.implausible or self.implausible_in_rand:
            return None
        _key, total = max(self.totals.items(), key=lambda item: item[1])
        if self.implausible < 2 and total <= 10 * self.limit:
            return None
        return (f"read in {unit_name(self.unit)}, {self.implausible} amount(s) would be above "
                f"R{self.limit:,.0f} for one project and one year's total R{total:,.0f}, while in Rand every "
                "amount is plausible")


class RowParser:
    """Parses the data rows of one sheet given its detected header."""

    def __init__(self, header: Header, options: Options | None = None, sheet: str = "") -> None:
        self.header = header
        self.sheet = sheet or ""
        self.options = options or Options()
        self.fields = dict(header.fields)
        self.year_columns: list[tuple[Column, YearSpec]] = []
        self.year_errors: list[tuple[Column, ParseError]] = []
        self._units(header)
        self._year_columns(header)
        attributes = [c for name in ATTRIBUTES for c in header.all(name)]
        self.extra_columns = (header.extra + header.all("department") + header.all("organisation") + attributes
                              + self.in_year_columns)
        self.derived_references = "reference" not in self.fields
        self._recent: list[dict[LineKey, Decimal]] = []  # the amounts of the project rows read so far, to recognise subtotals

    def _units(self, header: Header) -> None:
        """The unit of each amount column: --unit, else the column's own, else the table's."""
        self.table_unit, self.unit_where = header.table_unit()
        self._title_unit_check = TitleUnitCheck(self.table_unit, self.options)
        doubt = self.options.title_unit_doubts.get(self.sheet)
        if self.options.unit is None and self.table_unit is not None and doubt:
            self.unit_statement = (f"amounts read in Rand, not in {unit_name(self.table_unit)} as stated in the "
                                   f"{self.unit_where}: {doubt}; if the amounts really are in "
                                   f"{unit_name(self.table_unit)}, say so (--unit, or the unit on the upload page)")
            self.table_unit = None
        elif self.options.unit is not None:
            self.unit_statement = f"amounts read in {unit_name(self.options.unit)} (as the submitter said: --unit)"
        elif self.table_unit is not None:
            self.unit_statement = f"amounts read in {unit_name(self.table_unit)} (stated in the {self.unit_where})"
        else:
            self.unit_statement = "amounts read in Rand (no unit stated in the title block)"
        own = [f"{c.label} in {unit_name(c.unit)}" for c in header.columns
               if c.unit and c.field in ("amount", "year_amount") and self.options.unit is None]
        if own:
            self.unit_statement += "; columns stating their own unit: " + ", ".join(own)

    def title_unit_doubt(self) -> str | None:
        """Why the title block's unit does not fit this sheet's amounts, or None (see TitleUnitCheck)."""
        return self._title_unit_check.doubt()

    def unit_of(self, column: Column) -> Decimal | None:
        if self.options.unit is not None:
            return self.options.unit
        return column.unit or self.table_unit

    def _year_columns(self, header: Header) -> None:
        # The in-year report (MBRR SC36 "Detailed capital budget and actuals"): monthly, quarterly and
        # year-to-date actuals are parts of one year's spending, kept with the project, not added up as
        # the year's actual (the audited outcome is that).
        self.in_year_columns = [c for c in header.all("year_amount") if _IN_YEAR.match(normalised(c.text))]
        columns = [c for c in header.all("year_amount") if c not in self.in_year_columns]
        fy_column = self.fields.get("financial_year")
        if fy_column is not None and normalised(fy_column.text) == "budget year" and columns:
            columns = [fy_column, *columns]  # SA36: "Budget Year" beside "Budget Year +1" holds amounts
            del self.fields["financial_year"]
        base = self._budget_year(header, columns)
        kind: BudgetKind | None
        for column in sorted(columns, key=lambda c: c.index):
            text = normalised(column.text)
            stated_base, rest = split_mtref(text)
            relative = sa36_column(rest)
            if relative is not None and not parsing._FY.search(rest):
                offset, kind, phase = relative
                year = stated_base if stated_base is not None else base
                if year is None:
                    self.year_errors.append((column, ParseError(
                        "a column named relative to the budget year, but the file does not say which year "
                        "the budget year is (a title such as \"2019/20 Medium Term Revenue & Expenditure "
                        "Framework\", or write the year in the column header)")))
                    continue
                self.year_columns.append((column, (year + offset, year + offset, kind, phase)))
                continue
            spec = parsing.fy_header(rest or text, self.options.years)
            if spec is None and stated_base is not None:
                spec = (stated_base, stated_base, None)
            if spec is None or isinstance(spec[0], ParseError):
                self.year_errors.append((column, spec[0] if spec else ParseError("not a financial year")))
                continue
            first, last, kind = spec
            phase = "Full Year Forecast" if "forecast" in text else ("Audited Outcome" if "audited" in text else "")
            self.year_columns.append((column, (first, last, kind, phase)))

    def _budget_year(self, header: Header, columns: list[Column]) -> int | None:
        """The SA36 budget year: from an MTREF title in the title block or the headers, else from a
        "Budget Year 2019/20" column."""
        for text in [header.title_text, *(c.text for c in header.columns)]:
            base, _rest = split_mtref(normalised(text))
            if base is not None:
                return base
        for column in columns:
            text = normalised(column.text)
            if text.startswith("budget year") and not re.match(r"budget year [12]\b", text):
                spec = parsing.fy_header(text)
                if spec and not isinstance(spec[0], ParseError):
                    return spec[0]
        return None

    def cell(self, values: list[Any], name: str) -> tuple[Column | None, Any]:
        column = self.fields.get(name)
        if column is None or column.index >= len(values):
            return column, None
        return column, values[column.index]

    def parse(self, number: int, values: list[Any]) -> ParsedRow:
        row = ParsedRow(number, values)
        _col, title = self.cell(values, "title")
        if "title" not in self.fields:  # SA36 names a project only by its "Project Description"
            _col, title = self.cell(values, "description")
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
        if title is None and reference is not None and self._has_amounts(values):
            title = self._name_from_reference(row, reference)
        self._project_fields(row, title, reference)
        self._lines(row)
        self._places(row)
        if reference is None and self._is_subtotal(row, title, first):
            return row
        if row.lines:
            self._recent.append({key: line[0] for key, line in row.lines.items()})
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

    def _is_subtotal(self, row: ParsedRow, title: object, first: object) -> bool:
        """A row without a reference whose every amount is the sum of the two or more project rows just above
        it (a programme's or function's subtotal, written without the word "total"): skipped, so nothing is
        counted twice. Amounts may differ by a Rand per row summed (rounding in the source). A named row needs
        two amounts or more to be taken for one (in a list of one amount a row, sums are often coincidences)."""
        wanted = {key: line[0] for key, line in row.lines.items() if line[0]}
        if not wanted or row.errors or (title is not None and len(wanted) < 2):
            return False
        sums: dict[LineKey, Decimal] = {}
        for count, amounts in enumerate(reversed(self._recent[-SUBTOTAL_REACH:]), start=1):
            for key, amount in amounts.items():
                if amount:
                    sums[key] = sums.get(key, ZERO) + amount
            if any(key not in wanted or sums[key] > wanted[key] + count for key in sums):
                return False  # amounts are never negative: the sum only grows from here
            if count >= 2 and set(wanted) == set(sums) and all(
                    abs(sums[key] - amount) <= count for key, amount in wanted.items()):
                row.skipped = "total"
                row.errors.clear()
                row.warnings.clear()
                row.warn(self.fields.get("title"), title or first, f"a subtotal row (its amounts are the sum of the {count} "
                         "rows above): skipped, not a project")
                del self._recent[-count:]
                return True
        return False

    def _has_amounts(self, values: list[Any]) -> bool:
        columns = [c for c, _spec in self.year_columns] + [c for c in [self.fields.get("amount")] if c]
        return any(c.index < len(values) and values[c.index] is not None for c in columns)

    def _name_from_reference(self, row: ParsedRow, reference: object) -> str:
        """A row with a reference but no name (the SA36 tables list some projects by number alone) is named
        by what the row says it is (its asset class or function) and its reference, with a warning."""
        what = next((_text(v) for name in ("asset_sub_class", "asset_class", "function")
                     for v in [self.cell(row.values, name)[1]] if v is not None and _text(v)), "Project")
        title = f"{what} {_text(reference)}"
        row.warn(self.fields.get("title") or self.fields.get("description"), None,
                 f"no project name: named '{title}' from its reference; add the name to the file to show it")
        return title

    def _project_fields(self, row: ParsedRow, title: object, reference: object) -> None:
        if title is not None:
            row.fields["title"] = limits.check_text(row, self.fields.get("title"), _text(title), Project, "title")
        parsers = {"start_date": parsing.parse_date, "end_date": parsing.parse_date,
                   "catalytic": parsing.parse_bool}
        for name in ("description", "status", "implementing_agent", "start_date", "end_date", "catalytic"):
            column, value = self.cell(row.values, name)
            if column is None or (name == "description" and "title" not in self.fields):
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
        if column is not None and value is not None and not sectors.is_broad(value):
            sector, known = parsing.parse_sector(value)
            row.fields["sector"] = sector or "governance"
            if not known:
                row.warn(column, value, "unknown sector: counted as governance/other, the text kept")
            assert sector is not None  # parse_sector names a sector for any value but None
            if not known or _text(value).lower() != sector.label.lower():
                row.extra["sector_as_given"] = _text(value)
        else:
            self._infer_sector(row, title, column, value)
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

    def _infer_sector(self, row: ParsedRow, title: object, column: Column | None, stated: object) -> None:
        """No sector (or only a budget grouping such as "Economic Services"): inferred from the
        title, function, description and department, marked as inferred (editable afterwards)."""
        sources = [("title", title)]
        for name, what in (("function", "function"), ("description", "description"),
                           ("department", "department"), ("organisation", "organisation")):
            sources.append((what, self.cell(row.values, name)[1]))
        sources.append(("submitting organisation", self.options.organisation_name))
        sector, evidence = sectors.infer_sector(sources)
        if stated is not None:
            row.extra["sector_as_given"] = _text(stated)
        if sector is None:
            if stated is not None:  # the grouping is all there is ("Economic" -> economic development)
                known_sector, known = parsing.parse_sector(stated)
                row.fields["sector"] = known_sector if known else "governance"
                if not known:
                    row.warn(column, stated, "a budget grouping, not a sector, and no words of the project name "
                             "a sector: counted as governance/other, the text kept")
            return
        row.fields["sector"] = sector
        row.extra["sector_inferred"] = evidence

    # -- amounts -------------------------------------------------------------------------------

    def _row_kind(self, row: ParsedRow) -> tuple[BudgetKind | None, str]:
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

    def _lines(self, row: ParsedRow) -> None:
        kind, phase = self._row_kind(row)
        for column, error in self.year_errors:
            if column.index < len(row.values) and row.values[column.index] is not None:
                row.error(column, row.values[column.index], f"the column's year: {error}")
        for column, (first, last, header_kind, column_phase) in self.year_columns:
            value = row.values[column.index] if column.index < len(row.values) else None
            line_kind = header_kind or kind or BudgetKind.BUDGET
            self._add_line(row, column, value, line_kind, first, last, column.text, column_phase or phase)
        amount_column, value = self.cell(row.values, "amount")
        if amount_column is None:
            return
        fy_column, fy_value = self.cell(row.values, "financial_year")
        first_year: int | None = None
        last_year: int | None = None
        stated = ""
        if fy_value is not None:
            try:
                first_year, last_year = parsing.parse_fy(fy_value, self.options.years)
                stated = _text(fy_value)
            except ParseError as exc:
                row.error(fy_column, fy_value, str(exc))
                return
        elif value is not None:
            row.warn(fy_column or amount_column, None, "no financial year: the amount is kept as 'years not stated'")
        self._add_line(row, amount_column, value, kind or BudgetKind.BUDGET, first_year, last_year, stated, phase)

    def _add_line(self, row: ParsedRow, column: Column, value: object, kind: BudgetKind, first: int | None,
                  last: int | None, stated: str, phase: str) -> None:
        try:
            amount = parsing.parse_amount(value, self.unit_of(column))
        except ParseError as exc:
            row.error(column, value, str(exc))
            return
        limit = self.options.max_amount
        implausible = amount is not None and limit is not None and amount > limit
        if amount is not None and self.options.unit is None and column.unit is None:
            self._title_unit_check.add(amount, (kind, first, last), implausible)
        if implausible:
            row.warn(column, value, f"R{amount:,.0f} for one project is implausible {self.options.max_amount_reason} "
                     f"(over R{limit:,.0f}): the amount was read in {unit_name(self.unit_of(column))}; if the file "
                     "uses another unit, say so (--unit, or the unit on the upload page)")
        if amount is None:
            if value is not None:
                row.warn(column, value, "no amount (not counted as zero)")
            return
        if amount < 0:
            row.error(column, value, "a negative amount: budgets and spending cannot be negative")
            return
        if not implausible:  # one warning about the size of an amount, the one naming the unit assumed
            limits.check_amount(row, column, value, amount)
        if not limits.check_years(row, column, value, kind, first, last):
            return
        key = (str(kind), first, last)
        if key in row.lines and row.lines[key][0] != amount:
            row.error(column, value, f"a second {kind} amount for the same year(s) in this row")
            return
        stated_as = limits.check_text(row, column, str(stated), BudgetLine, "stated_as", "the year as stated")
        if stated_as is None:
            return
        row.lines[key] = (amount, stated_as, phase)

    # -- places --------------------------------------------------------------------------------

    def _places(self, row: ParsedRow) -> None:
        lat_column, lat = self.cell(row.values, "latitude")
        lon_column, lon = self.cell(row.values, "longitude")
        gps_column, gps = self.cell(row.values, "coordinates")
        if _no_coordinate(lat) or _no_coordinate(lon) or _no_coordinate(gps):
            given = [f"{v}" for v in (lat, lon, gps) if v is not None]
            row.warn(gps_column if gps is not None else (lat_column or lon_column), ", ".join(given),
                     "0 or a placeholder is not a coordinate: read as no coordinates")
            lat = lon = gps = None
        try:
            if lat is not None or lon is not None:
                if lat is None or lon is None:
                    row.error(lat_column if lat is None else lon_column, None, "a latitude needs a longitude")
                else:
                    try:
                        latitude = parsing.parse_coordinate(lat, "lat")
                    except ParseError as exc:
                        row.error(lat_column, lat, str(exc))
                        return
                    row.point = (latitude, parsing.parse_coordinate(lon, "lon"))
                    row.point_column = f"{_label(lat_column)} / {_label(lon_column)}"
            elif gps is not None and not _unspecified(gps):
                row.point = parsing.parse_point(gps)
                row.point_column = _label(gps_column)
        except ParseError as exc:
            column = gps_column if lat is None else lon_column
            row.error(column, gps if lat is None else lon, str(exc))
            row.point = None
        column, value = self.cell(row.values, "precision")
        if value is not None:
            stated = _text(value).lower().replace("exact point", "point").replace("local municipality", "municipality")
            row.precision = (_label(column), value, {"exact": "point", "district": "zone", "metro": "zone",
                                                   "unspecified": "national"}.get(stated, stated))
        for name in PLACE_FIELDS:
            column, value = self.cell(row.values, name)
            if isinstance(value, str) and WHOLE_AREA.match(value.strip()):
                row.whole_area = (column, value)
                continue
            if value is not None and not _unspecified(value):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                row.places.append((name, _text(value), column))


# Location cells that name the submitter's whole area rather than a place ("Whole of the Metro").
WHOLE_AREA = re.compile(
    r"^(?:whole of (?:the )?(?:metro|municipality|city|district|area|municipal area)|various(?: wards)?|"
    r"multi[\s-]*wards?|all(?: the)? wards|all|(?:metro|municipal|city|district|municipality)[\s-]*wide|"
    r"entire (?:metro|municipality|city|district)|(?:whole|all) (?:municipality|metro|city))\.?$", re.IGNORECASE)
_NO_COORDINATE = {"0", "0.0", "0,0", "0.00", "0.000000", "-", "--", "n/a", "na", "none", "nil", "tbc", "tbd",
                  "unknown", "not available", "0, 0", "0.0, 0.0", "0;0", "0 0", "0.0;0.0"}


def _no_coordinate(value: object) -> bool:
    """0, "0.0" and placeholders in a coordinate cell mean "no coordinates", never a point at 0,0."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return value == 0
    return str(value).strip().lower() in _NO_COORDINATE


def _unspecified(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() in {"various", "not specified", "unspecified", "n/a",
                                                                  "na", "-", "tbc", "national", "all", "none"}


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _json(value: object) -> str | int | float | bool | None:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return _text(value)


def normalised(text: object) -> str:
    return normalise_header(text)


def derived_reference(title: object, places: list[tuple[str, str, Column | None]]) -> str:
    """A stable reference for a row without one: auto-<12 hex of sha1(normalised title | places)>.
    The same title at the same place always gives the same reference, so re-imports match."""
    key = " ".join(str(title or "").lower().split()) + "|" + "|".join(
        " ".join(str(text).lower().split()) for _kind, text, _col in places)
    return "auto-" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


ZERO = Decimal("0")
