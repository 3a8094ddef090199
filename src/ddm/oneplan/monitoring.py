"""Monitoring and evaluation: indicator progress, quarterly reporting reminders, implementation stages.

Progress rule (shown on every page that shows a status):
the expected value at the end of the latest reported period lies on the straight line from the
baseline (31 December of the baseline year) to the target (31 December of the target year).
progress = (latest actual - baseline) / (expected - baseline), so a fall towards a lower target
counts the same way as a rise towards a higher one.
  progress >= 90 % -> on track; >= 60 % -> at risk; below 60 % -> off track.
Once the target value is reached or passed the indicator is on track. With no actual reported, or a
period ending before the baseline date (nothing expected yet), there is no status.

Quarterly reminders: every commitment of a plan's adopted version in force must file a progress
report for the current calendar quarter (e.g. 2026Q3 = July-September); those without one are listed.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction

from ddm import charts
from ddm.accounts.access import Visitor
from ddm.investment.models import Project
from ddm.oneplan import access, workflow
from ddm.oneplan.models import (
    STAGE_ORDER,
    Commitment,
    CommitmentReport,
    IndicatorActual,
    PlanIndicator,
    PlanVersion,
    ProjectStage,
    VersionStatus,
)
from ddm.places.models import Place

ON_TRACK, AT_RISK, OFF_TRACK, NO_STATUS = "on_track", "at_risk", "off_track", "no_status"
STATUS_LABELS = {ON_TRACK: "On track", AT_RISK: "At risk", OFF_TRACK: "Off track", NO_STATUS: "No status yet"}
STATUS_BADGE = {ON_TRACK: "ok", AT_RISK: "warn", OFF_TRACK: "bad", NO_STATUS: ""}
ON_TRACK_FROM, AT_RISK_FROM = Decimal("0.9"), Decimal("0.6")
RULE = ("Expected value: straight line from the baseline (31 December of the baseline year) to the target "
        "(31 December of the target year), at the end of the latest reported period. Progress = (actual − baseline) "
        "÷ (expected − baseline): at least 90 % on track, at least 60 % at risk, below 60 % off track; "
        "a reached target is on track.")


class ProfileBaseline(NamedTuple):
    """What a plan indicator takes from the zone profile (IndicatorForm.FROM_PROFILE, in that order)."""

    name: str
    unit: str
    source: str
    baseline_value: Decimal | None
    baseline_year: int


@dataclass
class Progress:
    status: str
    actual: IndicatorActual | None = None
    expected: Decimal | None = None
    ratio: Decimal | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def badge(self) -> str:
        return STATUS_BADGE[self.status]


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def expected_value(indicator: PlanIndicator, on: datetime.date) -> Decimal:
    """The value on the straight baseline-to-target path at date `on` (held at the target after it)."""
    start, end = _year_end(indicator.baseline_year), _year_end(indicator.target_year)
    fraction = Decimal((min(max(on, start), end) - start).days) / Decimal((end - start).days)
    return indicator.baseline_value + (indicator.target_value - indicator.baseline_value) * fraction


def classify(indicator: PlanIndicator, value: Decimal, on: datetime.date) -> Progress:
    """Progress of one reported value at date `on` by the rule above."""
    base, target = indicator.baseline_value, indicator.target_value
    rising = target >= base
    if (value >= target) if rising else (value <= target):
        return Progress(ON_TRACK, expected=expected_value(indicator, on), ratio=None)
    expected = expected_value(indicator, on)
    if expected == base:
        return Progress(NO_STATUS, expected=expected)
    ratio = (value - base) / (expected - base)
    status = ON_TRACK if ratio >= ON_TRACK_FROM else AT_RISK if ratio >= AT_RISK_FROM else OFF_TRACK
    return Progress(status, expected=expected, ratio=ratio)


def progress(indicator: PlanIndicator) -> Progress:
    actuals = list(indicator.actuals.all())
    if not actuals:
        return Progress(NO_STATUS)
    latest = max(actuals, key=lambda a: (a.period_end, a.pk))
    result = classify(indicator, latest.value, latest.period_end)
    result.actual = latest
    return result


def status_counts(version: PlanVersion) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for indicator in version.indicators.prefetch_related("actuals"):
        counts[progress(indicator).status] += 1
    return counts


def profile_baseline(zone: Place, code: str) -> ProfileBaseline | None:
    """(name, unit, source, value, year) of a zone-profile indicator, or None if the profile lacks it.

    Imported softly: the profiles app computes the values; without it plans define their own indicators.
    """
    try:
        from ddm.profiles.models import IndicatorDefinition
        from ddm.profiles.services import place_value
    except ImportError:
        return None
    definition = IndicatorDefinition.objects.filter(code=code).first()
    found = place_value(zone, code) if definition else None
    if definition is None or found is None:
        return None
    unit = "%" if definition.unit == "percent" else definition.get_unit_display()
    return ProfileBaseline(definition.name, unit, f"{found.source} (zone profile {code})", found.value, found.year)


# --- reporting -------------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@transaction.atomic
def report_actual(indicator: PlanIndicator, user: Visitor, period: str, period_end: datetime.date, value: Decimal,
                  evidence: str) -> IndicatorActual:
    version = indicator.version
    access.require_indicator_reporter(user, version.plan.zone, version)
    if not (evidence or "").strip():
        raise workflow.WorkflowError("An evidence note is required (where the value comes from).")
    actual = IndicatorActual.objects.create(
        indicator=indicator, period=period, period_end=period_end, value=value, reporter=user,
        reporter_name=user.get_full_name() or user.get_username(), evidence=evidence.strip(),
    )
    workflow.log(version, user, "indicator", f"{indicator.code} reported {value} for {period}.")
    return actual


@transaction.atomic
def report_progress(commitment: Commitment, user: Visitor, progress_text: str,
                    quarter: str | None = None) -> CommitmentReport:
    version = commitment.plan_version()
    if not access.can_report_on(user, version.plan.zone, commitment):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(f"You may not report for {commitment.organisation}.")
    if not (progress_text or "").strip():
        raise workflow.WorkflowError("The progress report is empty.")
    quarter = quarter or quarter_of(workflow.today())
    report = CommitmentReport.objects.create(commitment=commitment, quarter=quarter, progress=progress_text.strip(),
                                             reporter=user)
    workflow.log(version, user, "report", f"{commitment.organisation} reported on '{commitment.action}' for {quarter}.")
    return report


def reminders(on: datetime.date | None = None, zone: Place | None = None) -> tuple[str, list[Commitment]]:
    """Commitments of adopted versions in force with no progress report for the current quarter."""
    quarter = quarter_of(on or workflow.today())
    commitments = Commitment.objects.filter(action__strategy__focal_area__version__status=VersionStatus.ADOPTED)
    if zone is not None:
        commitments = commitments.filter(action__strategy__focal_area__version__plan__zone=zone)
    missing = commitments.exclude(reports__quarter=quarter).select_related(
        "organisation", "action__strategy__focal_area__version__plan__zone",
    ).order_by("action__strategy__focal_area__version__plan__zone__code", "organisation__name", "pk")
    return quarter, list(missing)


@transaction.atomic
def save_stage(stage: ProjectStage, user: Visitor) -> ProjectStage:
    """Implementation stage of a committed project (implementation record, open after adoption)."""
    commitment = stage.commitment
    version = commitment.plan_version()
    if not access.can_report_on(user, version.plan.zone, commitment):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(f"You may not update stages of {commitment.organisation}'s projects.")
    if not commitment.projects.filter(pk=stage.project_id).exists():
        raise workflow.WorkflowError(f"Project {stage.project} is not linked to this commitment.")
    workflow._check_dates(stage)
    stage.save()
    workflow.log(version, user, "stage", f"{stage.project.reference}: {stage.get_stage_display()} "
                                         f"{stage.get_status_display().lower()}.")
    return stage


def stages_of(commitment: Commitment) -> dict[Project, dict[str, ProjectStage]]:
    """{project: {stage kind: ProjectStage}} for the linked projects (uses prefetched stages and projects)."""
    stages: dict[int, dict[str, ProjectStage]] = {}
    for stage in sorted(commitment.stages.all(), key=lambda st: STAGE_ORDER.index(st.stage)):
        stages.setdefault(stage.project_id, {})[stage.stage] = stage
    return {project: stages.get(project.pk, {}) for project in commitment.projects.all()}


# --- chart -----------------------------------------------------------------------------------


def chart_svg(indicator: PlanIndicator) -> str:
    """The indicator's chart (drawn by ddm.charts): baseline-to-target path and the reported actuals."""
    actuals = sorted(indicator.actuals.all(), key=lambda a: a.period_end)
    return charts.target_line(
        charts.Dated(_year_end(indicator.baseline_year), indicator.baseline_value, f"Baseline {indicator.baseline_year}"),
        charts.Dated(_year_end(indicator.target_year), indicator.target_value, f"Target {indicator.target_year}"),
        [charts.Dated(a.period_end, a.value, a.period) for a in actuals],
        f"{indicator.name}: baseline, target and reported values")
