"""What the register says about delivering projects: funding in the current or next financial year,
the latest quarterly progress, and whether a project is late (with the reason).

The commitment-to-delivery chain (ddm.oneplan.delivery, ddm.engagement.delivery) reads these facts;
investment knows nothing of commitments. Apps above register what links to a project
(`register_project_chains`) so that the project page can show its chains without importing them.

Rules (stated on the pages that show them):
- funded: the project has a budget or adjusted-budget line (the register holds approved lines only)
  covering the current or the next financial year, each line in its own calendar;
- late: its planned completion has passed without handover (stage neither handover nor close-out
  and no actual completion), or it is cancelled, or its latest physical progress is more than
  BEHIND_PLAN_POINTS below plan. Plan: a straight line from 0 % at the planned start to 100 % at
  the planned completion, read at the reported quarter's end.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from ddm.investment.calendar import fy_label
from ddm.investment.models import BudgetKind, BudgetLine, Location, ProgressReport, Project, Stage
from ddm.places.models import Place

FUNDING_KINDS = (BudgetKind.BUDGET, BudgetKind.ADJUSTED)
HANDED_OVER = (Stage.HANDOVER, Stage.CLOSE_OUT)
BEHIND_PLAN_POINTS = Decimal("20")
HUNDRED = Decimal("100")
LATE_RULE = ("Late: the planned completion has passed without handover, the project is cancelled, or its latest "
             f"physical progress is more than {BEHIND_PLAN_POINTS} points behind plan (a straight line from 0 % at "
             "the planned start to 100 % at the planned completion).")
FUNDED_RULE = ("Funded: a budget or adjusted-budget line (approved: the register holds approved lines only) "
               "covering the current or the next financial year.")


def financial_year(day: datetime.date, start_month: int) -> int:
    """The financial year (by its starting calendar year) that contains ``day``."""
    return day.year if day.month >= start_month else day.year - 1


def planned_progress(project: Project, day: datetime.date) -> Decimal | None:
    """Per cent of the project planned to be done on ``day`` (None without both planned dates)."""
    start, end = project.start_date, project.end_date
    if start is None or end is None or end <= start:
        return None
    if day <= start:
        return Decimal("0")
    if day >= end:
        return HUNDRED
    return (HUNDRED * (day - start).days / (end - start).days).quantize(Decimal("0.1"))


@dataclass
class ProjectDelivery:
    project: Project
    lines: list[BudgetLine] = field(default_factory=list)
    latest: ProgressReport | None = None
    funded_years: list[str] = field(default_factory=list)  # labels of the current and next years with funding
    unfunded_since: datetime.date | None = None  # the day after the last funded year ended (None: never funded)
    planned: Decimal | None = None  # planned progress at the latest report's quarter end
    late: str | None = None  # the reason, when late
    late_since: datetime.date | None = None

    @property
    def funded(self) -> bool:
        return bool(self.funded_years)


def _funding(delivery: ProjectDelivery, today: datetime.date) -> None:
    years_by_month: defaultdict[int, set[int]] = defaultdict(set)
    for line in delivery.lines:
        if line.kind in FUNDING_KINDS and line.fy_first is not None:
            years_by_month[line.fy_start_month].update(range(line.fy_first, (line.fy_last or line.fy_first) + 1))
    last_funded_end: datetime.date | None = None
    for month, years in years_by_month.items():
        current = financial_year(today, month)
        delivery.funded_years += [fy_label(y, month) for y in (current, current + 1) if y in years]
        past = [y for y in years if y < current]
        if past:
            ended = datetime.date(max(past) + 1 + (month - 1) // 12, (month - 1) % 12 + 1, 1)
            last_funded_end = max(last_funded_end or ended, ended)
    delivery.unfunded_since = None if delivery.funded_years else last_funded_end


def _lateness(delivery: ProjectDelivery, today: datetime.date) -> None:
    project, latest = delivery.project, delivery.latest
    stage = latest.stage if latest is not None and latest.stage else project.stage
    if stage == Stage.CANCELLED:
        delivery.late, delivery.late_since = "cancelled", latest.quarter_end if latest else today
        return
    done = stage in HANDED_OVER or project.actual_completion is not None
    if project.end_date is not None and project.end_date < today and not done:
        delivery.late = f"planned completion {project.end_date:%d %b %Y} passed without handover"
        delivery.late_since = project.end_date
        return
    if latest is None or latest.progress is None or done:
        return
    delivery.planned = planned_progress(project, latest.quarter_end)
    if delivery.planned is not None and delivery.planned - latest.progress > BEHIND_PLAN_POINTS:
        delivery.late = (f"{latest.progress.normalize():f} % done at {latest.quarter_end:%d %b %Y} against "
                         f"{delivery.planned.normalize():f} % planned")
        delivery.late_since = latest.quarter_end


def deliveries(projects: Iterable[Project], today: datetime.date) -> list[ProjectDelivery]:
    """[ProjectDelivery] of the projects (in their order), in two queries whatever their number."""
    project_list = list(projects)
    ids = [p.pk for p in project_list]
    lines: defaultdict[int, list[BudgetLine]] = defaultdict(list)
    for line in BudgetLine.objects.filter(project_id__in=ids).order_by("project_id", "kind", "fy_first", "pk"):
        lines[line.project_id].append(line)
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(project_id__in=ids, quarter_end__lte=today).order_by(
            "project_id", "quarter_end"):
        latest[report.project_id] = report
    result: list[ProjectDelivery] = []
    for project in project_list:
        delivery = ProjectDelivery(project, lines[project.pk], latest.get(project.pk))
        _funding(delivery, today)
        _lateness(delivery, today)
        result.append(delivery)
    return result


# ---------------------------------------------------------------------------------------------
# What links to a project, from the apps above (registered at start-up).

ChainSource = Callable[[Project, datetime.date], list[Any]]
_chain_sources: list[ChainSource] = []


def register_project_chains(source: ChainSource) -> None:
    """Called by an app above at start-up: source(project, today) returns its chains through the project."""
    if source not in _chain_sources:
        _chain_sources.append(source)


def project_chains(project: Project, today: datetime.date) -> list[Any]:
    chains: list[Any] = []
    for source in _chain_sources:
        chains.extend(source(project, today))
    return chains


# ---------------------------------------------------------------------------------------------
# A zone's delivery in one paragraph (the places zone page's "Delivery" section).

SUMMARY_BASIS = ("Projects located in the zone (whole-project figures: a project in several zones counts whole in "
                 "each), confirmed duplicates and demo projects left out. Spent to date against the approved budget "
                 "(budget lines, all years as stated) of the projects reporting expenditure in that quarter. "
                 "Late: of the projects reporting in that quarter.")


@dataclass
class ZoneDelivery:
    quarter_end: datetime.date | None  # the latest quarter any of the zone's projects reported (None: none yet)
    projects: int  # the zone's projects (not aggregate lines)
    reporting: int = 0  # of them, those with a report for that quarter
    stages: list[tuple[str, int]] = field(default_factory=list)  # [(stage label, count)] in the stages' order, "not stated" last
    spent: Decimal = Decimal("0.00")
    budget: Decimal = Decimal("0.00")
    spending: int = 0  # projects giving expenditure to date (whose budget is counted)
    late: int = 0

    @property
    def spent_share(self) -> Decimal | None:
        return (self.spent * HUNDRED / self.budget).quantize(Decimal("0.1")) if self.budget else None


def zone_delivery(zone: Place, today: datetime.date) -> ZoneDelivery:
    """The zone's latest reported quarter: how many of its projects reported, their stages, spending to date
    against budget, and how many of them are late. Reads the zone's projects only (about six queries)."""
    in_zone = Project.objects.counted().filter(pk__in=Location.objects.filter(zone=zone).values("project_id"))
    reports = ProgressReport.objects.filter(project__in=in_zone, quarter_end__lte=today)
    latest = reports.order_by("-quarter_end").values_list("quarter_end", flat=True).first()
    summary = ZoneDelivery(latest, in_zone.filter(is_aggregate=False).count())
    if latest is None:
        return summary
    quarter = list(reports.filter(quarter_end=latest).select_related("project").order_by("project_id"))
    summary.reporting = len(quarter)
    summary.stages = _stage_counts(quarter)
    _spending(summary, [r for r in quarter if r.expenditure_to_date is not None])
    summary.late = sum(1 for d in deliveries([r.project for r in quarter], today) if d.late)
    return summary


def _stage_counts(reports: Iterable[ProgressReport]) -> list[tuple[str, int]]:
    counts: defaultdict[str, int] = defaultdict(int)
    for report in reports:
        counts[report.stage or report.project.stage] += 1
    labels = dict(Stage.choices)
    ordered = [(str(labels[stage]), counts[stage]) for stage in Stage.values if counts.get(stage)]
    return ordered + ([("not stated", counts[""])] if counts.get("") else [])


def _spending(summary: ZoneDelivery, reports: list[ProgressReport]) -> None:
    """Spent to date (the quarter's figures) against the approved budget of the same projects."""
    summary.spending = len(reports)
    summary.spent = sum((r.expenditure_to_date for r in reports if r.expenditure_to_date is not None), Decimal("0.00"))
    budget = BudgetLine.objects.filter(project_id__in=[r.project_id for r in reports], kind=BudgetKind.BUDGET)
    summary.budget = (budget.aggregate(total=Sum("amount"))["total"] or Decimal("0")).quantize(Decimal("0.01"))
