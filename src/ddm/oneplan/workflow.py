"""The One Plan process: starting a plan, phases and their gates, content edits, adoption, review.

Every function that changes something takes the acting user, checks role and scope through
ddm.oneplan.access and writes a PlanEvent (simple_history keeps the field-level history).

Gates (what the current phase needs before the plan moves to the next):
- Deep Dive Diagnostic: the zone profile is linked (its address and the date it was read).
- Vision Setting: the vision statement is recorded.
- Strategy Formulation: at least one strategy.
- Implementation Planning: at least one action committed by an organisation.
- Drafting: a draft document is attached to the Drafting phase, OR every focal area is marked
  reviewed (the plan is data, so reviewing each focal area's text is itself a complete draft).
- Adoption: every required sphere has signed off (see signoff.py); the last sign-off adopts.
- Implementation & Review: the last phase; a review opens a new version.
A review copies the adopted version's content into a new draft version that opens at Drafting
(earlier phases are carried over as completed); the adopted version stays in force and frozen.
"""

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.files import File
from django.db import models, transaction
from django.utils import timezone

from ddm.accounts.access import Visitor
from ddm.documents import DocumentRefused, check_document
from ddm.oneplan import access
from ddm.oneplan.models import (
    DEFAULT_FOCAL_AREAS,
    PHASE_ORDER,
    Action,
    Commitment,
    FocalArea,
    IndicatorActual,
    OnePlan,
    Phase,
    PhaseDocument,
    PhaseKind,
    PhaseStatus,
    PlanEvent,
    PlanIndicator,
    PlanVersion,
    ProjectStage,
    Strategy,
    VersionStatus,
)
from ddm.places.models import Place

if TYPE_CHECKING:  # signoff imports this module at run time (for WorkflowError)
    from ddm.oneplan.signoff import Party

ContentT = TypeVar("ContentT", bound=models.Model)  # a focal area, strategy, action or indicator


class WorkflowError(Exception):
    """A refused step of the process (gate not met, wrong phase, frozen): says why."""


GATE_RULES: dict[str, str] = {
    PhaseKind.DIAGNOSTIC: "The zone profile is linked (address and date read).",
    PhaseKind.VISION: "The vision statement is recorded.",
    PhaseKind.STRATEGY: "At least one strategy is recorded.",
    PhaseKind.IMPLEMENTATION_PLANNING: "At least one action is committed by an organisation.",
    PhaseKind.DRAFTING: "A draft document is attached to Drafting, or every focal area is marked reviewed.",
    PhaseKind.ADOPTION: "Every required sphere has signed off.",
    PhaseKind.IMPLEMENTATION: "Last phase: a review opens a new version.",
}


def today() -> datetime.date:
    return timezone.localdate()


def log(version: PlanVersion, user: Visitor, kind: str, message: str) -> None:
    PlanEvent.objects.create(plan=version.plan, version=version, user=user if _real(user) else None,
                             kind=kind, message=message)


def _real(user: Visitor) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def profile_url(zone: Place) -> str:
    """The zone profile page (the profiles app's documented address; stored, so it is not reversed)."""
    return f"/profiles/zones/{zone.code}/"


# --- starting a plan -------------------------------------------------------------------------


@transaction.atomic
def start_plan(zone: Place, user: Visitor, is_demo: bool = False, check: bool = True) -> OnePlan:
    """The zone's One Plan with its first version (created if missing)."""
    if check:
        access.require_editor(user, zone)
    plan, created = OnePlan.objects.get_or_create(zone=zone, defaults={"is_demo": is_demo})
    if created:
        version = _new_version(plan, 1, user)
        log(version, user, "start", f"One Plan of {zone.code} started (version 1).")
    return plan


def _new_version(plan: OnePlan, number: int, user: Visitor, based_on: PlanVersion | None = None) -> PlanVersion:
    version = PlanVersion.objects.create(
        plan=plan, number=number, created_by=user if _real(user) else None, based_on=based_on,
    )
    Phase.objects.bulk_create([Phase(version=version, kind=kind, order=i) for i, kind in enumerate(PHASE_ORDER)])
    if based_on is None:
        FocalArea.objects.bulk_create([
            FocalArea(version=version, code=code, name=name, order=i) for i, (code, name) in enumerate(DEFAULT_FOCAL_AREAS)
        ])
        first = version.phase(PhaseKind.DIAGNOSTIC)
        first.status, first.actual_start = PhaseStatus.IN_PROGRESS, today()
        first.save()
    return version


# --- gates and transitions -------------------------------------------------------------------


def gate_problems(version: PlanVersion, kind: str | None = None) -> list[str]:
    """Why the gate of a phase (default: the current one) is not met; empty when it is."""
    kind = kind or version.current_phase
    checks: dict[str, Callable[[], bool]] = {
        PhaseKind.DIAGNOSTIC: lambda: bool(version.profile_url and version.profile_snapshot_date),
        PhaseKind.VISION: lambda: bool(version.vision.strip()),
        PhaseKind.STRATEGY: lambda: Strategy.objects.filter(focal_area__version=version).exists(),
        PhaseKind.IMPLEMENTATION_PLANNING: lambda: Commitment.objects.filter(
            action__strategy__focal_area__version=version).exists(),
        PhaseKind.DRAFTING: lambda: _draft_ready(version),
        PhaseKind.ADOPTION: lambda: not _missing_signoffs(version),
        PhaseKind.IMPLEMENTATION: lambda: False,
    }
    return [] if checks[kind]() else [GATE_RULES[kind]]


def _draft_ready(version: PlanVersion) -> bool:
    if PhaseDocument.objects.filter(phase__version=version, phase__kind=PhaseKind.DRAFTING).exists():
        return True
    areas = list(version.focal_areas.values_list("reviewed", flat=True))
    return bool(areas) and all(areas)


def _missing_signoffs(version: PlanVersion) -> list["Party"]:
    # Imported here: signoff imports this module (for WorkflowError), a real cycle.
    from ddm.oneplan.signoff import missing_parties

    return missing_parties(version)


def _require_open(version: PlanVersion) -> None:
    if version.frozen:
        raise WorkflowError(f"Version {version.number} is adopted and frozen; open a review to change it.")
    if version.status != VersionStatus.DRAFT:
        raise WorkflowError(f"Version {version.number} is {version.get_status_display().lower()}.")


@transaction.atomic
def advance(version: PlanVersion, user: Visitor) -> PlanVersion:
    """Move the plan to the next phase if the current phase's gate is met."""
    access.require_editor(user, version.plan.zone)
    _require_open(version)
    problems = gate_problems(version)
    if problems:
        phase = PhaseKind(version.current_phase).label
        raise WorkflowError(f"{phase} cannot be completed yet: {' '.join(problems)}")
    if version.current_phase == PhaseKind.ADOPTION:
        return adopt(version, user)
    return _move(version, user, PHASE_ORDER[PHASE_ORDER.index(version.current_phase) + 1])


def _move(version: PlanVersion, user: Visitor, kind: str) -> PlanVersion:
    current = version.phase(version.current_phase)
    current.status, current.actual_end = PhaseStatus.COMPLETED, current.actual_end or today()
    current.save()
    nxt = version.phase(kind)
    nxt.status, nxt.actual_start, nxt.actual_end = PhaseStatus.IN_PROGRESS, nxt.actual_start or today(), None
    nxt.save()
    version.current_phase = kind
    version.save(update_fields=["current_phase"])
    log(version, user, "advance", f"{current.get_kind_display()} completed; {nxt.get_kind_display()} started.")
    return version


def adopt(version: PlanVersion, user: Visitor) -> PlanVersion:
    """All spheres signed: the version is adopted, frozen and in force; earlier ones superseded."""
    for earlier in version.plan.versions.filter(status=VersionStatus.ADOPTED).exclude(pk=version.pk):
        earlier.status = VersionStatus.SUPERSEDED  # saved one by one: each supersession is in the history
        # simple_history reads these two attributes when it writes the history row.
        earlier._history_user = user  # type: ignore[attr-defined]
        earlier._change_reason = f"superseded by version {version.number}"  # type: ignore[attr-defined]
        earlier.save(update_fields=["status"])
    _move(version, user, PhaseKind.IMPLEMENTATION)
    version.status, version.frozen, version.adopted_on = VersionStatus.ADOPTED, True, today()
    version.save(update_fields=["status", "frozen", "adopted_on"])
    log(version, user, "adopt", f"Version {version.number} adopted by all spheres and frozen.")
    return version


@transaction.atomic
def reopen_drafting(version: PlanVersion, user: Visitor, reason: str) -> None:
    """A sphere returned the draft: back to Drafting (called by signoff.return_for_revision)."""
    adoption = version.phase(PhaseKind.ADOPTION)
    adoption.status, adoption.actual_end = PhaseStatus.NOT_STARTED, None
    adoption.save()
    drafting = version.phase(PhaseKind.DRAFTING)
    drafting.status, drafting.actual_end = PhaseStatus.IN_PROGRESS, None
    drafting.save()
    version.current_phase = PhaseKind.DRAFTING
    version.save(update_fields=["current_phase"])
    log(version, user, "reopen", f"Drafting reopened: {reason}")


# --- content ---------------------------------------------------------------------------------


def _editable(version: PlanVersion, user: Visitor) -> None:
    access.require_editor(user, version.plan.zone)
    _require_open(version)


@transaction.atomic
def link_profile(version: PlanVersion, user: Visitor, read_on: datetime.date | None = None) -> None:
    _editable(version, user)
    version.profile_url = profile_url(version.plan.zone)
    version.profile_snapshot_date = read_on or today()
    version.save(update_fields=["profile_url", "profile_snapshot_date"])
    log(version, user, "profile", f"Zone profile linked ({version.profile_url}, read {version.profile_snapshot_date}).")


@transaction.atomic
def set_vision(version: PlanVersion, user: Visitor, text: str | None) -> None:
    _editable(version, user)
    text = (text or "").strip()
    if not text:
        raise WorkflowError("The vision statement is empty.")
    version.vision = text
    version.save(update_fields=["vision"])
    log(version, user, "vision", "Vision statement recorded.")


PHASE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end", "owner", "notes")


@transaction.atomic
def update_phase(phase: Phase, user: Visitor, **fields: Any) -> Phase:
    """Dates, owner and notes of a phase (status moves only through advance/sign-off)."""
    version = phase.version
    access.require_editor(user, version.plan.zone)
    if version.frozen and phase.kind != PhaseKind.IMPLEMENTATION:
        raise WorkflowError("The formulation phases of an adopted version are frozen.")
    unknown = set(fields) - set(PHASE_FIELDS)
    if unknown:
        raise WorkflowError(f"Unknown phase field(s): {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(phase, name, value)
    _check_dates(phase)
    phase.save()
    log(version, user, "phase", f"{phase.get_kind_display()} timetable/notes updated.")
    return phase


def _check_dates(item: Phase | ProjectStage) -> None:
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        a, b = getattr(item, start), getattr(item, end)
        if a and b and b < a:
            raise WorkflowError(f"{end.replace('_', ' ')} ({b}) is before {start.replace('_', ' ')} ({a}).")


@transaction.atomic
def add_document(phase: Phase, user: Visitor, title: str, upload: File) -> PhaseDocument:
    version = phase.version
    access.require_editor(user, version.plan.zone)
    if version.frozen and phase.kind != PhaseKind.IMPLEMENTATION:
        raise WorkflowError("The formulation phases of an adopted version are frozen.")
    try:
        check_document(upload)
    except DocumentRefused as exc:
        raise WorkflowError(str(exc)) from exc
    document = PhaseDocument.objects.create(phase=phase, title=title, file=upload, uploaded_by=user)
    log(version, user, "document", f"Document '{title}' attached to {phase.get_kind_display()}.")
    return document


def save_content(obj: ContentT, version: PlanVersion, user: Visitor, what: str) -> ContentT:
    """Create or update a focal area, strategy, action or indicator of an open version."""
    _editable(version, user)
    with transaction.atomic():
        created = obj.pk is None
        obj.save()
        log(version, user, "content", f"{what} '{obj}' {'added' if created else 'updated'}.")
    return obj


def delete_content(obj: models.Model, version: PlanVersion, user: Visitor, what: str) -> None:
    _editable(version, user)
    with transaction.atomic():
        log(version, user, "content", f"{what} '{obj}' deleted.")
        obj.delete()


# --- review: a new version -------------------------------------------------------------------


@transaction.atomic
def start_review(plan: OnePlan, user: Visitor, reason: str) -> PlanVersion:
    """Copy the adopted (latest) version into a new draft version that opens at Drafting."""
    access.require_editor(user, plan.zone)
    latest = plan.current
    if latest is None or latest.status != VersionStatus.ADOPTED:
        raise WorkflowError("A review starts from an adopted version; the latest version is not adopted.")
    if not (reason or "").strip():
        raise WorkflowError("Say why the plan is reviewed.")
    version = _new_version(plan, latest.number + 1, user, based_on=latest)
    version.vision, version.review_reason = latest.vision, reason.strip()
    version.profile_url, version.profile_snapshot_date = latest.profile_url, latest.profile_snapshot_date
    version.current_phase = PhaseKind.DRAFTING
    version.save()
    _copy_phases(latest, version)
    _copy_content(latest, version)
    log(version, user, "review", f"Review opened version {version.number} from version {latest.number}: {reason.strip()}")
    return version


def _copy_phases(old: PlanVersion, new: PlanVersion) -> None:
    previous = {p.kind: p for p in old.phases.all()}
    for phase in new.phases.all():
        source = previous[phase.kind]
        phase.owner, phase.planned_start, phase.planned_end = source.owner, source.planned_start, source.planned_end
        if phase.order < PHASE_ORDER.index(PhaseKind.DRAFTING):
            phase.actual_start, phase.actual_end, phase.status = source.actual_start, source.actual_end, PhaseStatus.COMPLETED
        elif phase.kind == PhaseKind.DRAFTING:
            phase.planned_start = phase.planned_end = None
            phase.actual_start, phase.status = today(), PhaseStatus.IN_PROGRESS
        else:
            phase.planned_start = phase.planned_end = None
        phase.save()


def _copy_content(old: PlanVersion, new: PlanVersion) -> None:
    areas: dict[int | None, FocalArea] = {}  # old focal area id: its copy
    for area in old.focal_areas.all():
        areas[area.pk] = FocalArea.objects.create(version=new, code=area.code, name=area.name, order=area.order,
                                                  description=area.description)
    for strategy in Strategy.objects.filter(focal_area__version=old).prefetch_related(
            "actions__commitments__projects", "actions__commitments__budget_lines"):
        copy = Strategy.objects.create(focal_area=areas[strategy.focal_area_id], title=strategy.title,
                                       description=strategy.description, horizon=strategy.horizon, order=strategy.order)
        for action in strategy.actions.all():
            _copy_action(action, copy)
    indicators = {indicator.pk: _copy_indicator(indicator, new, areas)
                  for indicator in old.indicators.prefetch_related("actuals")}
    # An action's indicator is the same indicator in the new version.
    for copied in Action.objects.filter(strategy__focal_area__version=new, copied_from__indicator__isnull=False
                                        ).select_related("copied_from"):
        found = copied.copied_from.indicator_id if copied.copied_from else None
        copied.indicator = indicators.get(found) if found is not None else None
        copied.save(update_fields=["indicator"])


def _copy_action(action: Action, strategy: Strategy) -> None:
    copy = Action.objects.create(strategy=strategy, title=action.title, description=action.description,
                                 horizon=action.horizon, order=action.order, copied_from=action)
    for commitment in action.commitments.all():
        new = Commitment.objects.create(action=copy, organisation=commitment.organisation,
                                        description=commitment.description, created_by=commitment.created_by)
        new.projects.set(commitment.projects.all())
        new.budget_lines.set(commitment.budget_lines.all())


def _copy_indicator(indicator: PlanIndicator, version: PlanVersion, areas: dict[int | None, FocalArea]) -> PlanIndicator:
    copy = PlanIndicator.objects.create(
        version=version, focal_area=areas.get(indicator.focal_area_id), code=indicator.code,
        profile_code=indicator.profile_code, name=indicator.name, unit=indicator.unit, source=indicator.source,
        baseline_value=indicator.baseline_value, baseline_year=indicator.baseline_year,
        target_value=indicator.target_value, target_year=indicator.target_year, copied_from=indicator,
    )
    # Reported actuals are history of the same indicator: they carry over so progress continues.
    IndicatorActual.objects.bulk_create([
        IndicatorActual(indicator=copy, period=a.period, period_end=a.period_end, value=a.value, reporter=a.reporter,
                        reporter_name=a.reporter_name, evidence=a.evidence)
        for a in indicator.actuals.all()
    ])
    return copy


def phase_timetable(version: PlanVersion, on: datetime.date | None = None) -> list[tuple[Phase, bool]]:
    """Phases with a late flag: planned end passed and not completed, or finished after it."""
    on = on or today()
    return [(phase, phase.is_late(on)) for phase in version.phases.prefetch_related("documents")]


def parse_date(value: object, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise WorkflowError(f"{field}: '{value}' is not a date (YYYY-MM-DD).") from exc
