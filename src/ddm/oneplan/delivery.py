"""The commitment-to-delivery chain of a One Plan action: action → its commitments → the projects
that deliver them → their approved budget lines → latest quarterly progress → the plan indicator
the action should move (baseline, latest actual). Flags and escalation are worked out here and
reused for Imbizo commitments by ddm.engagement.delivery.

Flags, each with its reason and the day it began (`since`):
- late: a linked project is late (ddm.investment.delivery.LATE_RULE);
- unfunded: projects are linked but none has an approved budget line in the current or next
  financial year (since: the day after its last funded year ended, or the day it was made);
- missing: no project linked DDM_COMMITMENT_MISSING_DAYS after it was made (an action: the day its
  plan was adopted; draft plans are not flagged missing);
- overdue (Imbizo commitments): the due date passed and it is neither done nor dropped.
Escalation: a flagged chain sits with the hub, goes to the province DDM_ESCALATE_TO_PROVINCE_DAYS
after its earliest flag began and to DCoG DDM_ESCALATE_TO_NATIONAL_DAYS after it.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet

from ddm.accounts.models import Organisation
from ddm.investment import delivery as project_delivery
from ddm.investment.models import Project
from ddm.oneplan import monitoring
from ddm.oneplan.models import Action, PlanIndicator, PlanVersion, VersionStatus
from ddm.places.models import Place

HUB, PROVINCE, NATIONAL = "hub", "province", "national"
LEVEL_LABELS = {HUB: "the hub", PROVINCE: "the province", NATIONAL: "DCoG (national)"}
ModelT = TypeVar("ModelT", bound=Model)
BATCH = 100  # chains worked out per query batch when every open one is needed (escalation)


def rules() -> list[str]:
    """The rules in words, with the settings' numbers, for the pages."""
    return [project_delivery.LATE_RULE, project_delivery.FUNDED_RULE,
            f"Missing: no project linked {settings.DDM_COMMITMENT_MISSING_DAYS} days after the commitment was made "
            "(an action: after its plan was adopted).",
            f"Escalation: a flagged commitment sits with the hub, goes to the province "
            f"{settings.DDM_ESCALATE_TO_PROVINCE_DAYS} days after its earliest flag began and to DCoG "
            f"{settings.DDM_ESCALATE_TO_NATIONAL_DAYS} days after it."]


@dataclass
class Flag:
    kind: str  # late, unfunded, missing, overdue
    reason: str
    since: datetime.date


@dataclass
class Escalation:
    level: str
    days: int  # since the earliest flag began
    next_level_on: datetime.date | None

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]


def escalation(flags: list[Flag], today: datetime.date) -> Escalation | None:
    """Where a flagged chain sits today (None without flags)."""
    if not flags:
        return None
    since = min(flag.since for flag in flags)
    days = (today - since).days
    to_province = since + datetime.timedelta(days=settings.DDM_ESCALATE_TO_PROVINCE_DAYS)
    to_national = since + datetime.timedelta(days=settings.DDM_ESCALATE_TO_NATIONAL_DAYS)
    if today >= to_national:
        return Escalation(NATIONAL, days, None)
    if today >= to_province:
        return Escalation(PROVINCE, days, to_national)
    return Escalation(HUB, days, to_province)


def delivery_flags(deliveries: list[project_delivery.ProjectDelivery], made: datetime.date | None,
                   today: datetime.date) -> list[Flag]:
    """late / unfunded / missing flags of a commitment made on ``made`` (None: not flagged missing)."""
    flags: list[Flag] = []
    if not deliveries:
        if made is not None:
            due = made + datetime.timedelta(days=settings.DDM_COMMITMENT_MISSING_DAYS)
            if today >= due:
                flags.append(Flag("missing", f"no project linked {(today - made).days} days after it was made "
                                  f"({made:%d %b %Y})", due))
        return flags
    late = [d for d in deliveries if d.late]
    if late:
        reasons = "; ".join(f"{d.project.reference}: {d.late}" for d in late)
        flags.append(Flag("late", reasons, min(d.late_since for d in late if d.late_since)))  # a late one has it
    if not any(d.funded for d in deliveries):
        ended = [d.unfunded_since for d in deliveries if d.unfunded_since]
        since = max([made, *ended]) if made and ended else (max(ended) if ended else (made or today))
        flags.append(Flag("unfunded", "no linked project has an approved budget line in the current or next "
                          "financial year", since))
    return flags


@dataclass
class Chain:
    """One chain as every page shows it."""

    kind: str  # "commitment" (Imbizo / launch) or "action" (One Plan)
    title: str
    url: str
    zone: Place
    made: datetime.date | None
    action: Action | None = None
    organisations: list[Organisation] = field(default_factory=list)  # One Plan commitments' organisations
    deliveries: list[project_delivery.ProjectDelivery] = field(default_factory=list)
    indicator: PlanIndicator | None = None
    indicator_progress: monitoring.Progress | None = None
    flags: list[Flag] = field(default_factory=list)
    escalation: Escalation | None = None
    is_demo: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _made(action: Action) -> datetime.date | None:
    version = action.strategy.focal_area.version
    return version.adopted_on if version.status == VersionStatus.ADOPTED else None


def action_projects(action: Action) -> list[Project]:
    """The projects delivering an action: those of its commitments, each once, in a stable order."""
    seen: dict[int, Project] = {}
    for commitment in action.commitments.all():
        for project in commitment.projects.all():
            seen.setdefault(project.pk, project)
    return [seen[pk] for pk in sorted(seen)]


def _actions() -> QuerySet[Action]:
    return Action.objects.select_related(
        "strategy__focal_area__version__plan__zone", "indicator").prefetch_related(
        "commitments__organisation", "commitments__projects__organisation", "indicator__actuals")


def action_chain(action: Action, today: datetime.date) -> Chain:
    plan = action.strategy.focal_area.version.plan
    chain = Chain("action", action.title, f"/oneplan/zones/{plan.zone.code}/#chain-action-{action.pk}", plan.zone,
                  _made(action), action=action, is_demo=plan.is_demo,
                  organisations=[c.organisation for c in action.commitments.all()])
    chain.deliveries = project_delivery.deliveries(action_projects(action), today)
    chain.indicator = action.indicator
    if action.indicator is not None:
        chain.indicator_progress = monitoring.progress(action.indicator)
    chain.flags = delivery_flags(chain.deliveries, chain.made, today)
    chain.escalation = escalation(chain.flags, today)
    return chain


def plan_chains(version: PlanVersion, today: datetime.date) -> list[Chain]:
    """Every action of a plan version with its chain (one query per kind of record, then per action's projects)."""
    actions = _actions().filter(strategy__focal_area__version=version).order_by(
        "strategy__focal_area__order", "strategy__order", "order", "pk")
    return [action_chain(action, today) for action in actions]


def project_action_chains(project: Project, today: datetime.date) -> list[Chain]:
    """The chains of the One Plan actions a project delivers (through their commitments)."""
    actions = _actions().filter(commitments__projects=project).distinct()
    return [action_chain(action, today) for action in actions]


def batches(queryset: QuerySet[ModelT], size: int = BATCH) -> Iterator[list[ModelT]]:
    """The queryset's rows in pk order, ``size`` at a time (keyset pagination: each batch one query, its
    prefetches included, however many rows there are)."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def adopted_action_chains(zones: list[Place] | None, today: datetime.date, batch: int = BATCH) -> Iterator[Chain]:
    """Chains of every action of the adopted plans in these zones (None: every zone), for escalation."""
    actions = _actions().filter(strategy__focal_area__version__status=VersionStatus.ADOPTED)
    if zones is not None:
        actions = actions.filter(strategy__focal_area__version__plan__zone__in=zones)
    for chunk in batches(actions, batch):
        yield from (action_chain(action, today) for action in chunk)


def chain_json(chain: Chain) -> dict[str, Any]:
    """The chain as data (API)."""
    return {
        "kind": chain.kind, "title": chain.title, "url": chain.url, "zone": chain.zone.code,
        "made": chain.made, "demo": chain.is_demo,
        "action": chain.action.pk if chain.action else None,
        "organisations": [o.code for o in chain.organisations],
        "projects": [{
            "id": d.project.pk, "reference": d.project.reference, "title": d.project.title, "demo": d.project.is_demo,
            "planned_completion": d.project.end_date, "funded_years": d.funded_years,
            "budget_lines": [{"kind": line.kind, "amount": str(line.amount), "fy_first": line.fy_first,
                              "fy_last": line.fy_last} for line in d.lines],
            "latest_progress": None if d.latest is None else {
                "quarter_end": d.latest.quarter_end, "stage": d.latest.stage,
                "progress": None if d.latest.progress is None else str(d.latest.progress),
                "expenditure_to_date": None if d.latest.expenditure_to_date is None
                else str(d.latest.expenditure_to_date)},
            "planned_progress": None if d.planned is None else str(d.planned), "late": d.late,
        } for d in chain.deliveries],
        "indicator": None if chain.indicator is None else {
            "code": chain.indicator.code, "profile_code": chain.indicator.profile_code, "name": chain.indicator.name,
            "baseline": str(chain.indicator.baseline_value), "baseline_year": chain.indicator.baseline_year,
            "target": str(chain.indicator.target_value), "target_year": chain.indicator.target_year,
            "latest": None if chain.indicator_progress is None or chain.indicator_progress.actual is None
            else str(chain.indicator_progress.actual.value),
            "status": chain.indicator_progress.status if chain.indicator_progress else None},
        "flags": [{"kind": f.kind, "reason": f.reason, "since": f.since} for f in chain.flags],
        "escalation": None if chain.escalation is None else {
            "level": chain.escalation.level, "days": chain.escalation.days,
            "next_level_on": chain.escalation.next_level_on},
    }
