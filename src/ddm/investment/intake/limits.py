"""What an imported value may be, checked as input so SQLite and PostgreSQL behave the same.

The database would otherwise be the judge: PostgreSQL refuses a 100,000-character title or a
R1e18 amount for the whole file ("numeric field overflow", no row or column) while SQLite stores
them and later pages fail. So every value is checked here, per row and column, before writing:

- **Money**: an amount is between R0 and ``MAX_AMOUNT`` (R1 trillion, about half of the whole
  consolidated national budget of a year; the column holds 16 digits before the point, and totals
  of many lines must still fit). Above ``LARGE_AMOUNT`` (R20 billion in one line) is a warning:
  usually a unit mistake (R'000 stated in Rand, or the reverse).
- **Text**: each field within its column's length (the model's max_length; free text and extra
  columns ``MAX_FREE_TEXT``). Nothing is cut: a too-long value is an error, so two references that
  differ after character 120 are never merged into one project.
- **Financial years** (by start year, April-March or July-June): before ``FIRST_FY`` (1994/95) or
  more than ``FAR_YEARS`` (30) years after the current one is an error; a span of more than
  ``LONG_SPAN`` (10) years is an error too (state each year or a medium-term span). Budgets,
  adjusted budgets and actual expenditure more than ``MTEF_YEARS`` (3) years ahead are a warning
  (the medium-term framework covers three years; planned amounts may reach further); actual
  expenditure in a year that has not started is an error.
"""

import datetime
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.utils import timezone

from ddm.tabular import Column

if TYPE_CHECKING:  # rows imports this module
    from ddm.investment.intake.rows import ParsedRow

MAX_AMOUNT = Decimal("1000000000000")  # R1 trillion
LARGE_AMOUNT = Decimal("20000000000")  # R20 billion
MAX_FREE_TEXT = 10_000
FIRST_FY = 1994
FAR_YEARS = 30
LONG_SPAN = 10
MTEF_YEARS = 3


def amount_problem(amount: Decimal) -> str | None:
    """Why a (scaled, not yet rounded) amount is out of range, or None. Called before rounding to cents:
    1e300 would otherwise raise decimal.InvalidOperation."""
    if not amount.is_finite():
        return "not a number"
    if abs(amount) > MAX_AMOUNT:
        return (f"R{abs(amount):,.0f} is more than the largest amount accepted (R{MAX_AMOUNT:,.0f}, one trillion "
                "rand); check the unit (R'000, R million) and the value")
    return None


def check_amount(row: "ParsedRow", column: "Column | str | None", value: object, amount: Decimal) -> None:
    """A warning for an implausibly large (but accepted) amount."""
    if amount > LARGE_AMOUNT:
        row.warn(column, value, f"R{amount:,.2f} in one line is unusually large (above R{LARGE_AMOUNT:,.0f}); "
                 "check the unit (R'000, R million)")


def max_length(model: type[models.Model], name: str) -> int:
    field = cast("models.Field[Any, Any]", model._meta.get_field(name))  # a column, not a reverse relation
    return field.max_length or MAX_FREE_TEXT


def check_text(row: "ParsedRow", column: "Column | str | None", value: object, model: type[models.Model], name: str,
               label: str | None = None) -> str | None:
    """The text as given, or None (with an error on the row) when it is longer than its column holds."""
    text = str(value)
    limit = max_length(model, name)
    if len(text) > limit:
        row.error(column, text[:60] + "…", f"{label or name.replace('_', ' ')} is {len(text):,} characters long; "
                  f"at most {limit:,} are kept by the register (nothing is cut: shorten it)")
        return None
    return text


def check_extra(row: "ParsedRow", column: "Column | str | None", value: object) -> None:
    if isinstance(value, str) and len(value) > MAX_FREE_TEXT:
        row.error(column, value[:60] + "…", f"{len(value):,} characters; at most {MAX_FREE_TEXT:,} are kept "
                  "(nothing is cut: shorten it)")


_today: dict[str, Any] = {"checked": -1.0, "date": None}


def _localdate() -> datetime.date:
    """Today's date, looked up at most once a second: an import checks the years of every line
    (timezone.localdate() was a tenth of a 100k-row import's time)."""
    now = time.monotonic()
    if now - _today["checked"] > 1:
        _today["checked"], _today["date"] = now, timezone.localdate()
    return _today["date"]


def current_fy(today: datetime.date | None = None) -> int:
    today = today or _localdate()
    return today.year if today.month >= 4 else today.year - 1


def check_years(row: "ParsedRow", column: "Column | str | None", value: object, kind: str, first: int | None, last: int | None,
                today: datetime.date | None = None) -> bool:
    """Errors and warnings for a line's financial years; returns False when the line is refused."""
    if first is None or last is None:  # years not stated (both or neither are)
        return True
    now = current_fy(today)
    label = _label(first, last)
    if last - first + 1 > LONG_SPAN:
        row.error(column, value, f"{label} spans {last - first + 1} years; at most {LONG_SPAN} are accepted in one "
                  "amount (state each year, or the medium-term years, separately)")
        return False
    if first < FIRST_FY:
        row.error(column, value, f"{label} is before {FIRST_FY}/{(FIRST_FY + 1) % 100:02d}, the first year accepted")
        return False
    if last > now + FAR_YEARS:
        row.error(column, value, f"{label} is more than {FAR_YEARS} years ahead (after "
                  f"{_label(now + FAR_YEARS, now + FAR_YEARS)}); check the year")
        return False
    if str(kind) == "actual" and last > now:
        row.error(column, value, f"actual expenditure for {label}, a year that has not started")
        return False
    if str(kind) in ("budget", "adjusted", "actual") and last > now + MTEF_YEARS:
        row.warn(column, value, f"a {kind} for {label}, more than {MTEF_YEARS} years ahead (beyond the "
                 "medium-term framework); was a planned amount meant?")
    return True


def _label(first: int, last: int) -> str:
    one = f"{first}/{(first + 1) % 100:02d}"
    return one if first == last else f"{one}-{last}/{(last + 1) % 100:02d}"
