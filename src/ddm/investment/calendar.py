"""Financial years, calendars and exact apportionment of Rand amounts.

A financial year is identified by the calendar year it starts in: 2019 is "2019/20". A calendar is
the month the year starts in: national and provincial government April (4), municipalities July (7),
other organisations their own `Organisation.fy_start_month` (default April).

Conversion between calendars is by month overlap: a 2019/20 April-March line shown in the
July-June calendar is 9/12 in 2019/20 (July 2019-March 2020) and 3/12 in 2018/19 (April-June
2019). A multi-year line is spread evenly over its months, which is the same as "evenly across its
years" when the calendars agree. Every split is exact: shares are cut to the cent and the
rounding difference goes to the last share, so the parts always add up to the whole.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import overload

CENT = Decimal("0.01")
APRIL, JULY = 4, 7

CALENDARS = {
    "april": APRIL,
    "july": JULY,
}
CALENDAR_DESCRIPTIONS = {
    "april": "April-March financial years (national and provincial government)",
    "july": "July-June financial years (municipalities)",
}
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]


def calendar_month(calendar: str) -> int:
    """The start month of a named calendar ("april" or "july"); ValueError otherwise."""
    try:
        return CALENDARS[calendar]
    except KeyError:
        raise ValueError(f"unknown calendar {calendar!r}: use one of {', '.join(CALENDARS)}") from None


def calendar_name(start_month: int) -> str:
    """"april", "july", or a description such as "october" for other start months."""
    return MONTH_NAMES[start_month - 1].lower()


@overload
def fy_label(year: int, start_month: int = APRIL) -> str: ...
@overload
def fy_label(year: None, start_month: int = APRIL) -> None: ...
def fy_label(year: int | None, start_month: int = APRIL) -> str | None:
    """2019 -> "2019/20" (calendar years, start month 1, are labelled "2019")."""
    if year is None:
        return None
    if start_month == 1:
        return str(year)
    return f"{year}/{(year + 1) % 100:02d}"


@overload
def span_label(first: int, last: int | None, start_month: int = APRIL) -> str: ...
@overload
def span_label(first: None, last: int | None, start_month: int = APRIL) -> None: ...
def span_label(first: int | None, last: int | None, start_month: int = APRIL) -> str | None:
    """The years of a line as stated: "2019/20", "2019/20-2023/24" or None when not stated."""
    if first is None:
        return None
    if last is None or last == first:
        return fy_label(first, start_month)
    return f"{fy_label(first, start_month)}-{fy_label(last, start_month)}"


def parse_fy_label(label: object) -> int:
    """"2019/20" -> 2019 (the inverse of fy_label for the labels this module produces)."""
    text = str(label).strip()
    head = text.split("/")[0]
    if not head.isdigit() or len(head) != 4:
        raise ValueError(f"not a financial year label: {label!r} (expected e.g. 2019/20)")
    return int(head)


def months_of(first: int, last: int | None, start_month: int) -> tuple[int, int]:
    """The half-open range of absolute month numbers (year*12 + month-1) a span covers."""
    last = first if last is None else last
    start = first * 12 + start_month - 1
    return start, (last + 1) * 12 + start_month - 1


def split_exact(amount: Decimal | int | str, weights: Iterable[Decimal | int]) -> list[Decimal]:
    """Split a Decimal amount in proportion to weights, to the cent, summing exactly to amount.

    Every share but the last is its exact proportion cut down to the cent; the last share takes the
    rounding cents left over (and any fraction of a cent in the amount). So shares of a positive
    amount are never negative and the parts always add up to the whole.
    """
    weights = list(weights)
    total = sum(weights)
    if not weights or total <= 0:
        raise ValueError("split_exact needs at least one positive weight")
    amount = Decimal(amount)
    shares = [(amount * Decimal(w) / Decimal(total)).quantize(CENT, rounding=ROUND_DOWN) for w in weights[:-1]]
    shares.append(amount - sum(shares, Decimal(0)))
    return shares


@dataclass(frozen=True)
class YearShare:
    year: int | None  # financial year in the target calendar, by its start year (None: the line has no years)
    amount: Decimal
    apportioned: bool


def to_calendar(amount: Decimal | int | str, first: int | None, last: int | None, stated_month: int,
                target_month: int) -> list[YearShare]:
    """Spread a line over the target calendar's financial years by month overlap, exactly.

    Returns [YearShare]; a line that lands whole in one target year is not apportioned.
    A line without years (first is None) cannot be placed and is returned as year None.
    """
    if first is None:
        return [YearShare(None, Decimal(amount), False)]
    start, end = months_of(first, last, stated_month)
    first_target = (start - (target_month - 1)) // 12
    last_target = (end - 1 - (target_month - 1)) // 12
    years: list[int] = []
    weights: list[int] = []
    for year in range(first_target, last_target + 1):
        y_start, y_end = months_of(year, year, target_month)
        overlap = min(end, y_end) - max(start, y_start)
        if overlap > 0:
            years.append(year)
            weights.append(overlap)
    if len(years) == 1:
        return [YearShare(years[0], Decimal(amount), False)]
    return [YearShare(y, share, True) for y, share in zip(years, split_exact(amount, weights), strict=True)]


def split_locations(amount: Decimal | int | str, shares: Iterable[Decimal | None]) -> list[Decimal]:
    """A project's amount per location, exactly: shares are Decimals or None (None: equal split
    of what the explicit shares leave). The parts always sum to the amount."""
    shares = list(shares)
    if all(s is None for s in shares):  # the usual case: equal shares (same result as the general split)
        part = (Decimal(amount) / len(shares)).quantize(CENT, rounding=ROUND_DOWN)
        return [part] * (len(shares) - 1) + [Decimal(amount) - part * (len(shares) - 1)]
    explicit = sum((s for s in shares if s is not None), Decimal(0))
    blanks = sum(1 for s in shares if s is None)
    rest = max(Decimal(1) - explicit, Decimal(0))
    weights: list[Decimal] = []
    for share in shares:
        if share is not None:
            weights.append(Decimal(share))
        else:
            weights.append(rest / blanks if rest > 0 else Decimal(0))
    if sum(weights) <= 0:
        # Every explicit share is zero: nothing better than equal shares.
        weights = [Decimal(1)] * len(shares)
    return split_exact(amount, weights)
