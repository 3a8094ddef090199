"""Municipal finance and governance (National Treasury's Municipal Money) in the indicator store.

data/municipal_finance/ (see data/SOURCES.md): AGSA audit outcomes 2016–2019 and Municipal Money
key indicators 2015–2019 for every municipality and district municipality (a zone's figure is the
district municipality's own, or the metro's). Years are municipal financial years by their end
(2019 = July 2018–June 2019). Quarterly ratios keep the fourth quarter (year end) of each year.

Codes of municipalities disestablished in 2016 are stored as history of their successor(s) with the
vintage "predecessor <code>", per Municipal Money's own demarcation links
(demarcation_changes_2016.csv); a code split over several successors is shown under each, marked
as a part. Nothing is dropped: a code neither current nor in the links is an error.
"""

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NoReturn

from ddm.profiles.models import Category, Direction, IndicatorDefinition, Kind, Unit

DATA = Path(__file__).resolve().parent / "data" / "municipal_finance"
SOURCE = ("National Treasury, Municipal Money (MFMA section 71 returns, AGSA audit outcomes), materialised profiles "
          "of July 2020 via Code for South Africa's OpenUpSA/municipal-data (MIT)")
VINTAGE = "Municipal Money 2020-07"
PREDECESSOR = "predecessor "
RELEASED = date(2020, 7, 11)
AUDIT_CODE = "audit_outcome"
ADVERSE_OUTCOMES = ("Adverse opinion", "Disclaimer of opinion", "Qualified", "Outstanding")


class FinanceError(ValueError):
    """A packaged Municipal Money file does not have the expected shape."""


@dataclass(frozen=True)
class Measure:
    code: str
    source_key: str
    name: str
    unit: str
    direction: str
    decimals: int
    description: str


MEASURES = [
    Measure("cash_coverage", "cash_coverage", "Cash coverage", Unit.MONTHS, Direction.HIGHER_BETTER, 1,
            "Months of operating expenditure the municipality's cash and investments would cover."),
    Measure("capital_budget_variance", "cap_budget_diff", "Capital budget over(+)/under(−) spending", Unit.PERCENT,
            Direction.NEUTRAL, 1, "Actual capital spending against the adjusted capital budget; negative: under-spent."),
    Measure("operating_budget_variance", "op_budget_diff", "Operating budget over(+)/under(−) spending",
            Unit.PERCENT, Direction.NEUTRAL, 1, "Actual operating spending against the adjusted operating budget."),
    Measure("irregular_wasteful_expenditure", "wasteful_exp",
            "Irregular, unauthorised, fruitless and wasteful expenditure", Unit.PERCENT, Direction.HIGHER_WORSE, 1,
            "As a share of operating expenditure."),
    Measure("current_ratio", "current_ratio", "Current ratio (current assets / current liabilities)", Unit.RATIO,
            Direction.HIGHER_BETTER, 2, "Year end (4th quarter)."),
    Measure("liquidity_ratio", "liquidity_ratio", "Liquidity ratio (cash and investments / current liabilities)",
            Unit.RATIO, Direction.HIGHER_BETTER, 2, "Year end (4th quarter)."),
    Measure("debtors_collection_rate", "current_debtors_collection_rate", "Current debtors collection rate",
            Unit.PERCENT, Direction.HIGHER_BETTER, 1, "Receipts as a share of billing, 4th quarter."),
    Measure("repairs_maintenance_pct_ppe", "rep_maint_perc_ppe", "Repairs and maintenance (% of property, plant "
            "and equipment)", Unit.PERCENT, Direction.HIGHER_BETTER, 1, "Spending on repairs and maintenance."),
]
BY_SOURCE_KEY = {m.source_key: m for m in MEASURES}


def definitions() -> list[IndicatorDefinition]:
    result = [IndicatorDefinition(
        code=AUDIT_CODE, name="Audit outcome (Auditor-General)", unit=Unit.CATEGORY, universe="municipality",
        category=Category.GOVERNANCE, kind=Kind.BASE, source=SOURCE, year=2019, is_reference=True, order=10,
        table="municipal_finance/munimoney_audit_opinions_2016-2019.csv", direction=Direction.NEUTRAL,
        description="The Auditor-General's opinion on the municipality's financial statements, by financial year.",
    )]
    for order, measure in enumerate(MEASURES, start=11):
        result.append(IndicatorDefinition(
            code=measure.code, name=measure.name, unit=measure.unit, universe="municipality",
            category=Category.GOVERNANCE, kind=Kind.BASE, source=SOURCE, year=2019, is_reference=True, order=order,
            table="municipal_finance/munimoney_key_indicators_2015-2019.csv", direction=measure.direction,
            decimals=measure.decimals, description=measure.description,
        ))
    return result


def successors() -> dict[str, list[str]]:
    """{disestablished code: [successor codes]} from Municipal Money's demarcation links."""
    with open(DATA / "demarcation_changes_2016.csv", newline="", encoding="utf-8") as handle:
        return {row["old_code"]: row["successor_codes"].split(";") for row in csv.DictReader(handle)}


def _year(text: str | None, filename: str, number: int) -> int | None:
    text = (text or "").strip()
    year = text[:4]
    if not year.isdigit() or (len(text) > 4 and not text.endswith("q4")):
        return None if len(text) > 4 else _fail(filename, number, "date", text)
    return int(year)


def _fail(filename: str, number: int, column: str, value: object) -> NoReturn:
    raise FinanceError(f"{filename}, row {number}, column {column}: unexpected value {value!r}")


def audit_rows() -> list[tuple[str, int, str, str]]:
    """[(code, year, outcome text, report url)] (year-end outcomes only, as measure_rows)."""
    name = "munimoney_audit_opinions_2016-2019.csv"
    rows = []
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            year = _year(row["date"], name, number)
            if year is not None and row["result"].strip():
                rows.append((row["demarcation_code"], year, row["result"].strip(), row["report_url"]))
    return rows


def measure_rows() -> list[tuple[str, Measure, int, Decimal, str, str]]:
    """[(code, measure, year, Decimal value, rating, over/under)] (year-end values only)."""
    name = "munimoney_key_indicators_2015-2019.csv"
    rows = []
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            measure = BY_SOURCE_KEY.get(row["indicator"])
            year = _year(row["date"], name, number)
            if measure is None or year is None or not row["result"].strip():
                continue
            try:
                value = Decimal(row["result"])
            except InvalidOperation:
                _fail(name, number, "result", row["result"])
            rows.append((row["demarcation_code"], measure, year, value, row["rating"], row["overunder"]))
    return rows


def targets(code: str, places: dict[str, list[int]], links: dict[str, list[str]]) -> list[tuple[int, str, str]]:
    """[(place id, vintage, note)] a source code's values belong to; raises FinanceError for an unknown code."""
    found = [(pk, VINTAGE, "") for pk in places.get(code, ())]
    if found:
        return found
    if code in links:
        heirs = links[code]
        part = " (part of its area)" if len(heirs) > 1 else ""
        note = f"values of {code}, disestablished 2016-08-03, merged into {', '.join(heirs)}{part}"
        return [(pk, f"{PREDECESSOR}{code}", note) for heir in heirs for pk in places.get(heir, ())]
    raise FinanceError(f"municipal finance data: code {code} is neither a current municipality/district nor a "
                       "disestablished one in demarcation_changes_2016.csv")


def rating_note(rating: str, overunder: str) -> str:
    parts = [f"Municipal Money rating: {rating}" if rating else "", f"{overunder}-spent" if overunder else ""]
    return "; ".join(p for p in parts if p)
