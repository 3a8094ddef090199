"""Pure parsers for what officials type into spreadsheets: amounts, financial years, coordinates,
dates, yes/no flags and sectors. Each returns a value or raises ParseError with the reason; none
guesses silently. Rules chosen where the input is ambiguous (documented on each function):

- "1,234" is one thousand two hundred and thirty-four (a single comma followed by three digits is a
  thousands separator) unless spaces already separate thousands ("1 234,567" -> 1234.567);
  "1.234" is one point two three four (a single dot is always a decimal point).
- A unit in the cell ("R17.1 billion") wins over the unit of the column header ("R'000").
- "-", "nil", "n/a", "none" and blanks are *no amount* (None), never zero.
- A bare year ("2020", "FY2020") is not a financial year: it is refused, asking for "2019/20" or
  "2020/21", because departments and municipalities mean different years by it.
- "Water and sanitation" (both words) is the water sector; the text as given is kept by the caller.
"""

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ddm.investment.intake import limits
from ddm.investment.models import BudgetKind, Sector

CENT = Decimal("0.01")
NO_AMOUNT = {"-", "--", "—", "–", "nil", "n/a", "na", "none", "null", "tbc", "tbd", "not applicable", "0-"}
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f']+")
_CELL_UNITS = [
    (re.compile(r"(?:r\s*)?(?:billion|billions|bn|b)$"), Decimal(10) ** 9),
    (re.compile(r"(?:r\s*)?(?:million|millions|mil|mln|mn|m)$"), Decimal(10) ** 6),
    (re.compile(r"(?:r\s*)?(?:thousand|thousands|k)$|r\s*'\s*000$"), Decimal(1000)),
]
_AMOUNT_SHAPE = re.compile(r"^(?:zar|r)?\s*(?P<number>[0-9][0-9\s\u00a0\u2009\u202f',.]*)$")


class ParseError(ValueError):
    """The cell cannot be read; the message says why (and how to write it)."""


# -- amounts -------------------------------------------------------------------------------------

def parse_amount(value: object, unit: Decimal | None = None) -> Decimal | None:
    """Rand as Decimal (cents), or None for "no amount". ``unit`` is the header's multiplier."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParseError("a yes/no value, not an amount")
    if isinstance(value, (int, Decimal)):
        return _scale(Decimal(value), unit)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ParseError("not a number")
        # repr() is the shortest text giving the same float: 1234567.89 stays 1234567.89.
        return _scale(Decimal(repr(value)), unit)
    if not isinstance(value, str):
        raise ParseError(f"a {type(value).__name__}, not an amount")
    return _parse_amount_text(value, unit)


def _scale(amount: Decimal, unit: Decimal | None) -> Decimal:
    if unit:
        amount *= unit
    problem = limits.amount_problem(amount)
    if problem:
        raise ParseError(problem)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _parse_amount_text(text: str, unit: Decimal | None) -> Decimal | None:
    cleaned = text.strip().lower().replace("\u2212", "-")
    if cleaned in NO_AMOUNT or not cleaned:
        return None
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):  # accounting negative: (1 234)
        negative, cleaned = True, cleaned[1:-1].strip()
    if cleaned.startswith("-"):
        negative, cleaned = True, cleaned[1:].strip()
    for pattern, multiplier in _CELL_UNITS:
        match = pattern.search(cleaned)
        if match and match.start() > 0 and not cleaned[match.start() - 1].isalpha():
            unit, cleaned = multiplier, cleaned[: match.start()].strip()
            break
    cleaned = re.sub(r"^(?:zar|r)\s*", "", cleaned)
    if cleaned.startswith("-"):  # "R -1 234"
        negative, cleaned = True, cleaned[1:].strip()
    shape = _AMOUNT_SHAPE.match(cleaned)
    if not shape:
        raise ParseError("not an amount (write e.g. 1 234 567,89 or R12.5 million)")
    number = _number(shape.group("number").strip())
    amount = _scale(number, unit)
    return -amount if negative else amount


def _number(text: str) -> Decimal:
    """Digits with thousands separators and a decimal point or comma -> Decimal."""
    spaced = bool(_SPACES.search(text))
    compact = _SPACES.sub(" ", text)
    groups_text = compact.replace(" ", "")
    commas, dots = groups_text.count(","), groups_text.count(".")
    decimal_mark: str | None
    if commas and dots:
        decimal_mark = "," if groups_text.rfind(",") > groups_text.rfind(".") else "."
    elif commas == 1:
        tail = groups_text.split(",")[1]
        decimal_mark = "," if spaced or len(tail) != 3 else None
    elif dots == 1:
        decimal_mark = "."
    else:
        decimal_mark = None
    integer, fraction = groups_text, ""
    if decimal_mark:
        integer, _, fraction = groups_text.rpartition(decimal_mark)
    thousands = integer.replace(",", " ").replace(".", " ")
    if spaced:
        thousands = " ".join(part for part in re.split(r"[\s,.]+", compact.rpartition(decimal_mark)[0]
                                                      if decimal_mark else compact) if part)
    parts = thousands.split()
    if not parts or any(not p.isdigit() for p in parts) or any(len(p) != 3 for p in parts[1:]) or (
        len(parts) > 1 and len(parts[0]) > 3
    ):
        raise ParseError("unclear number: thousands must be groups of three digits (e.g. 1 234 567,89)")
    if fraction and not fraction.isdigit():
        raise ParseError("not an amount")
    try:
        return Decimal("".join(parts) + ("." + fraction if fraction else ""))
    except InvalidOperation as exc:
        raise ParseError("not an amount") from exc


# -- financial years -----------------------------------------------------------------------------

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_FY = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[/\-\\]\s*(\d{4}|\d{2})(?!\d)")
_BARE_YEAR = re.compile(r"(?<!\d)(?:fy\s*)?((?:19|20)\d{2})(?!\d)")
_KIND_WORDS = [
    # The Estimates of National Expenditure and the Budget Review head the budget years "Medium-term
    # expenditure estimate" / "Medium-term estimates": budgets, though the words say expenditure and estimate.
    (BudgetKind.BUDGET, (r"medium[\s-]*term", "mtef", "mtref")),
    # A full-year forecast (MBRR SA36 "Current Year Full Year Forecast") is the adjusted view of the
    # current year, never a budget.
    (BudgetKind.ADJUSTED, ("adjusted", "adjustment", "revised", "forecast")),
    (BudgetKind.ACTUAL, ("audited", "actual", "expenditure", "outcome", "spent", "spend")),
    (BudgetKind.PLANNED, ("estimate", "planned", "projected", "future", "proposed")),
    (BudgetKind.BUDGET, ("budget", "allocation", "appropriation", "mtef", "main")),
]


YEAR_CONVENTIONS = {"start": "a bare year is the year the financial year starts (2019 = 2019/20)",
                    "end": "a bare year is the year the financial year ends (2019 = 2018/19)"}


def bare_year(year: int, convention: str) -> int:
    """The start year of the financial year a bare ``year`` names under ``convention``."""
    return year if convention == "start" else year - 1


def parse_fy(value: object, bare: str | None = None) -> tuple[int, int]:
    """(first, last) financial years by start year: "2019/20" -> (2019, 2019); spans
    "2019/20-2023/24" -> (2019, 2023). Bare years are refused (see module docstring) unless the
    submitter stated the file's convention: ``bare`` "start" (2019 = 2019/20) or "end" (2019 = 2018/19)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ParseError("no financial year")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = _DASHES.sub("-", str(value)).strip()
    tokens = _FY.findall(text)
    if not tokens:
        found = _BARE_YEAR.search(text.lower())
        if found:
            year = int(found.group(1))
            if bare in YEAR_CONVENTIONS and _BARE_YEAR.fullmatch(re.sub(r"[^a-z0-9]", "", text.lower())):
                start = bare_year(year, bare)
                return start, start
            raise ParseError(f"{text!r} is ambiguous: write the financial year in full, "
                             f"{year - 1}/{year % 100:02d} or {year}/{(year + 1) % 100:02d}, or say once which "
                             "convention the file uses (--years start|end, or the question on the preview)")
        raise ParseError("not a financial year (write e.g. 2019/20, or 2019/20-2023/24 for several years)")
    if len(tokens) > 2:
        raise ParseError("more than two financial years (write a span as 2019/20-2023/24)")
    years = [_fy_start(text, first, second) for first, second in tokens]
    if years[-1] < years[0]:
        raise ParseError("the span ends before it starts")
    return years[0], years[-1]


def _fy_start(text: str, first: str, second: str) -> int:
    start = int(first)
    expected = (start + 1) % 100 if len(second) == 2 else start + 1
    if int(second) != expected:
        raise ParseError(f"{first}/{second} in {text!r} is not one financial year "
                         f"(did you mean {start}/{(start + 1) % 100:02d}?)")
    return start


# A year column's (first, last, kind), or (the ParseError to report, None, None).
FyHeader = tuple[int, int, BudgetKind | None] | tuple[ParseError, None, None]


def fy_header(text: object, bare: str | None = None) -> FyHeader | None:
    """For a wide-form column header: (first, last, kind) if it names a financial year, else None.
    A header with a bare year ("2020", "FY2020") also returns a tuple, whose first item is the
    ParseError to report (the column cannot be used until it says which year)."""
    text = str(text or "")
    lowered = _DASHES.sub("-", text.lower())
    if not _FY.search(lowered):
        if _BARE_YEAR.fullmatch(re.sub(r"[^a-z0-9]", "", lowered)) or re.fullmatch(
            r"(?:fy|budget|mtef|amount|allocation)?\s*(?:19|20)\d{2}(?:\s*\(.*\))?", lowered.strip()
        ):
            try:
                first, last = parse_fy(re.sub(r"\(.*\)|[a-z\s]", "", lowered), bare)
            except ParseError as exc:
                return exc, None, None
            return first, last, header_kind(lowered)
        return None
    try:
        first, last = parse_fy(lowered)
    except ParseError as exc:
        return exc, None, None
    return first, last, header_kind(lowered)


def header_kind(text: object) -> BudgetKind | None:
    """Budget kind named by a header or a budget-phase cell ("Audited Outcome" -> actual)."""
    lowered = str(text or "").lower()
    for kind, words in _KIND_WORDS:
        if any(re.search(rf"\b{word}", lowered) for word in words):
            return kind
    return None


def parse_kind(value: object) -> BudgetKind | None:
    """A budget kind cell: budget, adjusted, actual/expenditure, planned/estimate (or a phase)."""
    if value is None:
        return None
    text = str(value).strip().lower()
    for kind in BudgetKind:
        if text in (kind.value, kind.label.lower()):
            return kind
    found = header_kind(text)
    if found is None:
        raise ParseError("unknown budget kind (use budget, adjusted, actual or planned)")
    return found


# -- coordinates ---------------------------------------------------------------------------------

_HEMI = {"n": 1, "s": -1, "e": 1, "w": -1}
_NUM = re.compile(r"\d+(?:[.,]\d+)?")


def parse_coordinate(value: object, axis: str) -> float:
    """Decimal degrees or degrees-minutes(-seconds) with an optional N/S/E/W -> float.
    ``axis`` is "lat" or "lon" (range-checked; a hemisphere letter of the other axis is refused)."""
    if isinstance(value, bool):
        raise ParseError("not a coordinate")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        number = _coordinate_text(str(value), axis)
    limit = 90 if axis == "lat" else 180
    if not -limit <= number <= limit or math.isnan(number):
        raise ParseError(f"a {'latitude' if axis == 'lat' else 'longitude'} must be between -{limit} and {limit}")
    return number


def _coordinate_text(text: str, axis: str) -> float:
    lowered = text.strip().lower().replace("\u2212", "-")
    if not lowered:
        raise ParseError("no coordinate")
    letters = re.findall(r"[nsew]", re.sub(r"(deg|min|sec)", " ", lowered))
    sign = -1 if lowered.lstrip().startswith("-") else 1
    if len(letters) > 1:
        raise ParseError("more than one hemisphere letter")
    if letters:
        letter = letters[0]
        if (axis == "lat") != (letter in "ns"):
            other = "longitude" if axis == "lat" else "latitude"
            raise ParseError(f"this is a {other} ({letter.upper()}) in the {'latitude' if axis == 'lat' else 'longitude'} column")
        sign = _HEMI[letter] * (-1 if sign < 0 and letter in "ne" else 1)
    numbers = [float(n.replace(",", ".")) for n in _NUM.findall(lowered)]
    if not numbers or len(numbers) > 3:
        raise ParseError("not a coordinate (write e.g. -29.8587 or 29°51'31\"S)")
    degrees, minutes, seconds = (numbers + [0.0, 0.0])[:3]
    if len(numbers) > 1 and not degrees.is_integer():
        raise ParseError("degrees with a fraction followed by minutes")
    if minutes >= 60 or seconds >= 60:
        raise ParseError("minutes and seconds must be below 60")
    return sign * (degrees + minutes / 60 + seconds / 3600)


def parse_point(value: object) -> tuple[float, float]:
    """A combined "lat, lon" cell (decimal or DMS, any hemisphere letters) -> (lat, lon)."""
    if value is None:
        raise ParseError("no coordinates")
    text = str(value).strip()
    lowered = text.lower()
    parts = None
    lettered = re.match(r"^\s*(.*?[ns])\s*[,;/]?\s*(.*[ew])\s*$", lowered) or re.match(
        r"^\s*([ns].*?)\s*[,;/]?\s*([ew].*)\s*$", lowered)
    if lettered:
        parts = [lettered.group(1), lettered.group(2)]
    elif ";" in text:
        parts = text.split(";")
    elif text.count(",") == 1:
        parts = text.split(",")
    elif len(text.split()) == 2:
        parts = text.split()
    if not parts or len(parts) != 2:
        raise ParseError("coordinates should be \"latitude, longitude\" (e.g. -29.8587, 31.0218)")
    return parse_coordinate(parts[0], "lat"), parse_coordinate(parts[1], "lon")


# -- dates, flags, sectors -----------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y",
                 "%B %d %Y", "%b %d %Y", "%B %Y", "%b %Y")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object) -> dt.date | None:
    """A date from an Excel date or serial number, ISO, "1 April 2020", "2020/04/01" or 01/04/2020
    (day first, as South Africa writes it)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # 1954..2119 as Excel serial numbers
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ParseError("a number, not a date (write e.g. 2020-04-01)")
    text = " ".join(str(value).replace(",", " ").split())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no clock time
        except ValueError:
            continue
    raise ParseError("not a date (write e.g. 2020-04-01 or 1 April 2020)")


_TRUE = {"yes", "y", "x", "true", "1", "✓", "✔", "ja", "catalytic"}
_FALSE = {"no", "n", "false", "0", "", "-", "nee", "not catalytic"}


def parse_bool(value: object) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if value in (0, 1):
            return bool(value)
        raise ParseError("not yes/no")
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ParseError("not yes/no (write yes or no)")


# Checked in order: the first rule whose words appear wins (so "Justice, Crime Prevention and
# Security" is safety, and "water and sanitation" is water).
_SECTOR_RULES = [
    (Sector.WATER, ("water",)),
    (Sector.SANITATION, ("sanitation", "sewer", "sewage", "wastewater", "toilet")),
    (Sector.SAFETY, ("safety", "police", "justice", "crime", "security", "court", "correctional", "defence")),
    (Sector.ENERGY, ("energy", "electric", "power", "solar", "eskom")),
    (Sector.TRANSPORT, ("road", "transport", "rail", "bridge", "freight", "port", "airport", "taxi", "bus")),
    (Sector.HUMAN_SETTLEMENTS, ("human settlement", "housing", "houses", "settlement")),
    (Sector.EDUCATION, ("education", "school", "ecd", "tvet", "university", "college", "learning")),
    (Sector.HEALTH, ("health", "hospital", "clinic")),
    (Sector.AGRICULTURE, ("agricultur", "rural", "land reform", "farm", "irrigation", "fisher", "forestry")),
    (Sector.ENVIRONMENT, ("environment", "waste", "refuse", "climate", "conservation", "landfill")),
    (Sector.ICT, ("ict", "broadband", "telecom", "digital", "internet", "communication")),
    (Sector.ECONOMIC, ("economic", "industr", "sez", "tourism", "trade", "enterprise", "mining", "led")),
    (Sector.SOCIAL, ("social", "community", "sport", "library", "hall", "recreation", "arts", "culture")),
    (Sector.GOVERNANCE, ("governance", "administration", "admin", "other", "general")),
]


# Compiled once (a file's every row names its sector): a sector's name or label, and one pattern per rule.
def _sector_names() -> dict[str, Sector]:
    names: dict[str, Sector] = {}
    for sector in Sector:
        for name in (sector.value.replace("_", " "), sector.label.lower()):
            names.setdefault(name, sector)  # the first sector so named wins, as in Sector's order
    return names


_SECTOR_NAMES = _sector_names()
_SECTOR_PATTERNS = [(sector, re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + ")"))
                    for sector, words in _SECTOR_RULES]
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def parse_sector(value: object) -> tuple[Sector | None, bool]:
    """(sector, recognised): free text -> the fixed Sector list. Unrecognised text gives
    (GOVERNANCE, False): the caller warns and keeps the text as given."""
    if value is None:
        return None, True
    text = " ".join(_NOT_ALPHANUMERIC.sub(" ", str(value).lower()).split())
    if text in _SECTOR_NAMES:
        return _SECTOR_NAMES[text], True
    for sector, pattern in _SECTOR_PATTERNS:
        if pattern.search(text):
            return sector, True
    return Sector.GOVERNANCE, False
