"""National M&E results across the zones: each One Plan indicator kind per zone (baseline, target,
latest actual, trend), and spending against physical progress per zone and sector.

Indicators: each zone's plan in force (the adopted version, else the newest draft); an indicator's
kind is its zone-profile code when it has one (so zones compare), else its plan code. Trend: the
latest actual against the one before it (the baseline when there is only one): "improving" when it
moved toward the target, "worsening" when away, "no change"; "no actual yet" without an actual.
Status: ddm.oneplan.monitoring's rule.

Spending against progress: projects with a quarterly progress report (their latest, up to the
chosen quarter end) giving both physical progress and expenditure to date. A project's approved
budget is the sum of its budget-kind lines, all years as stated (the register holds approved lines
only); a project located in several zones counts whole in each. Per zone and sector: budget,
spent to date, spent share (spent ÷ budget) and progress (the projects' progress weighted by their
budget). Money spent and nothing moving: spent share above SPENT_ABOVE % and progress below
PROGRESS_BELOW %. Confirmed duplicates are left out; demo projects are kept apart (demo rows).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Sum

from ddm.investment import quantum
from ddm.investment.models import BudgetKind, BudgetLine, Location, ProgressReport, Sector
from ddm.oneplan import monitoring
from ddm.oneplan.models import IndicatorActual, OnePlan, PlanIndicator, PlanVersion, VersionStatus

SPENT_ABOVE = Decimal("50")
PROGRESS_BELOW = Decimal("20")
HUNDRED = Decimal("100")
TENTH = Decimal("0.1")
STUCK_RULE = (f"Money spent and nothing moving: more than {SPENT_ABOVE} % of the approved budget spent and less "
              f"than {PROGRESS_BELOW} % physical progress (budget-weighted).")
SPENDING_BASIS = ("Projects with a quarterly report giving physical progress and expenditure to date (their latest); "
                  "approved budget = the project's budget lines, all years as stated; a project in several zones "
                  "counts whole in each. Demo projects are shown apart and counted in no real row.")
TREND_RULE = ("Trend: the latest actual against the one before it (the baseline when there is only one): improving "
              "toward the target, worsening away from it, or no change. Each zone's plan in force: the adopted "
              "version, else the newest draft.")
IMPROVING, WORSENING, NO_CHANGE, NO_ACTUAL = "improving", "worsening", "no change", "no actual yet"
SECTOR_LABELS = dict(Sector.choices)


class IndicatorRow(TypedDict):
    """One plan indicator of a zone's plan in force, as the results page, its table and the API show it."""

    kind: str  # the profile code, else the plan's own code
    name: str
    unit: str
    zone: str
    zone_name: str
    version: int
    baseline: Decimal | None
    baseline_year: int | None
    target: Decimal | None
    target_year: int | None
    latest: Decimal | None
    latest_period: str
    trend: str
    status: str
    source: str
    demo: bool


def _in_force(plan: OnePlan) -> PlanVersion | None:
    versions = list(plan.versions.all())
    adopted = [v for v in versions if v.status == VersionStatus.ADOPTED]
    return max(adopted or versions, key=lambda v: v.number) if versions else None


def trend(indicator: PlanIndicator, actuals: list[IndicatorActual]) -> str:
    """Trend of the latest actual against the previous one (or the baseline), toward the target or away."""
    if not actuals:
        return NO_ACTUAL
    ordered = sorted(actuals, key=lambda a: (a.period_end, a.pk))
    before = ordered[-2].value if len(ordered) > 1 else indicator.baseline_value
    change = ordered[-1].value - before
    if change == 0:
        return NO_CHANGE
    toward = indicator.target_value >= indicator.baseline_value
    return IMPROVING if (change > 0) == toward else WORSENING


def indicator_rows() -> list[IndicatorRow]:
    """One row per indicator of each zone's plan in force, by kind then zone."""
    rows: list[IndicatorRow] = []
    plans = OnePlan.objects.select_related("zone").prefetch_related("versions__indicators__actuals")
    for plan in plans:
        version = _in_force(plan)
        if version is None:
            continue
        for indicator in version.indicators.all():
            actuals = list(indicator.actuals.all())
            progress = monitoring.progress(indicator)
            latest = progress.actual
            rows.append({
                "kind": indicator.profile_code or indicator.code, "name": indicator.name, "unit": indicator.unit,
                "zone": plan.zone.code, "zone_name": plan.zone.name, "version": version.number,
                "baseline": indicator.baseline_value, "baseline_year": indicator.baseline_year,
                "target": indicator.target_value, "target_year": indicator.target_year,
                "latest": latest.value if latest else None, "latest_period": latest.period if latest else "",
                "trend": trend(indicator, actuals), "status": progress.label, "source": indicator.source,
                "demo": plan.is_demo,
            })
    rows.sort(key=lambda r: (r["kind"], r["zone"]))
    return rows


@dataclass
class SpendRow:
    zone: str
    sector: str | None  # None: aggregate lines, which have no sector
    projects: int
    budget: Decimal
    spent: Decimal
    weighted: Decimal  # sum of progress × budget
    demo: bool
    latest_quarter: datetime.date | None = None  # the newest quarter (its last day) the figures come from

    @property
    def spent_share(self) -> Decimal | None:
        return (self.spent * HUNDRED / self.budget).quantize(TENTH) if self.budget else None

    @property
    def progress(self) -> Decimal | None:
        return (self.weighted / self.budget).quantize(TENTH) if self.budget else None

    @property
    def stuck(self) -> bool:
        share, progress = self.spent_share, self.progress
        return share is not None and progress is not None and share > SPENT_ABOVE and progress < PROGRESS_BELOW

    @property
    def sector_label(self) -> str:
        return SECTOR_LABELS.get(self.sector, self.sector) if self.sector else "aggregate line"

    def as_dict(self) -> dict[str, Any]:
        return {"zone": self.zone, "sector": self.sector, "projects": self.projects, "budget": str(self.budget),
                "spent": str(self.spent), "spent_share": _text(self.spent_share), "progress": _text(self.progress),
                "stuck": self.stuck, "demo": self.demo,
                "latest_quarter_end": self.latest_quarter.isoformat() if self.latest_quarter else None}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _latest_reports(quarter_end: datetime.date | None) -> dict[int, ProgressReport]:
    reports = ProgressReport.objects.filter(progress__isnull=False, expenditure_to_date__isnull=False,
                                            project__duplicate_of__isnull=True)
    if quarter_end is not None:
        reports = reports.filter(quarter_end__lte=quarter_end)
    latest: dict[int, ProgressReport] = {}
    for report in reports.order_by("project_id", "quarter_end").select_related("project"):
        latest[report.project_id] = report
    return latest


def spending_rows(quarter_end: datetime.date | None = None) -> list[SpendRow]:
    """[SpendRow] per zone, sector and demo flag, in zone and sector order (three queries)."""
    latest = _latest_reports(quarter_end)
    ids = list(latest)
    budgets = dict(_budgets(ids))
    zones: defaultdict[int, set[str]] = defaultdict(set)
    for project_id, code in Location.objects.filter(project_id__in=ids, zone__isnull=False).values_list(
            "project_id", "zone__code"):
        zones[project_id].add(code)
    cells: dict[tuple[str, str | None, bool], SpendRow] = {}
    for project_id, report in latest.items():
        budget = budgets.get(project_id)
        if not budget:
            continue
        project, spent, progress = report.project, report.expenditure_to_date, report.progress
        assert spent is not None and progress is not None  # _latest_reports keeps only reports with both
        for code in zones[project_id]:
            key = (code, None if project.is_aggregate else project.sector, project.is_demo)
            row = cells.get(key) or SpendRow(code, key[1], 0, Decimal("0.00"), Decimal("0.00"), Decimal("0"), key[2])
            row.projects += 1
            row.budget += budget
            row.spent += spent
            row.weighted += progress * budget
            row.latest_quarter = max(row.latest_quarter or report.quarter_end, report.quarter_end)
            cells[key] = row
    return sorted(cells.values(), key=lambda r: (r.demo, r.zone, r.sector or ""))


def _budgets(project_ids: list[int]) -> Iterator[tuple[int, Decimal]]:
    rows = (BudgetLine.objects.filter(project_id__in=project_ids, kind=BudgetKind.BUDGET)
            .values("project_id").annotate(total=Sum("amount")).order_by())
    for row in rows:
        yield row["project_id"], quantum.cents(row["total"])


class Results(TypedDict):
    indicators: list[IndicatorRow]
    spending: list[SpendRow]
    stuck: list[SpendRow]  # money spent, nothing moving
    rules: dict[str, str]


def results(quarter_end: datetime.date | None = None) -> Results:
    spending = spending_rows(quarter_end)
    return {"indicators": indicator_rows(), "spending": spending, "stuck": [r for r in spending if r.stuck],
            "rules": {"trend": TREND_RULE, "status": monitoring.RULE,
                      "stuck": STUCK_RULE, "spending": SPENDING_BASIS}}


INDICATOR_HEADER = ["Indicator kind", "Indicator", "Unit", "Zone", "Zone name", "Plan version", "Baseline",
                    "Baseline year", "Target", "Target year", "Latest actual", "Latest period", "Trend", "Status",
                    "Source", "Demo"]
SPENDING_HEADER = ["Zone", "Sector", "Projects", "Approved budget (Rand)", "Spent to date (Rand)", "Spent (%)",
                   "Physical progress (%, budget-weighted)", "Money spent, nothing moving", "Latest quarter ending",
                   "Demo"]


def indicator_table(rows: list[IndicatorRow]) -> list[list[Any]]:
    return [[r["kind"], r["name"], r["unit"], r["zone"], r["zone_name"], r["version"], r["baseline"],
             r["baseline_year"], r["target"], r["target_year"], r["latest"], r["latest_period"], r["trend"],
             r["status"], r["source"], "demo (illustrative)" if r["demo"] else ""] for r in rows]


def spending_table(rows: list[SpendRow]) -> list[list[Any]]:
    return [[r.zone, r.sector_label, r.projects, r.budget, r.spent, r.spent_share, r.progress,
             "yes" if r.stuck else "", r.latest_quarter.isoformat() if r.latest_quarter else "",
             "demo (not counted)" if r.demo else ""] for r in rows]


def results_json(data: Results) -> dict[str, Any]:
    def indicator(row: IndicatorRow) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}

    return {"indicators": [indicator(r) for r in data["indicators"]],
            "spending": [r.as_dict() for r in data["spending"]],
            "stuck": [r.as_dict() for r in data["stuck"]], "rules": data["rules"]}
