"""Commitments and their funding, and plan-to-budget alignment.

Funding status of a commitment (from the budget lines linked to it):
- funded: at least one linked budget line of kind budget, adjusted budget or actual expenditure
  with an amount above zero (money appropriated or spent);
- planned only: no such line, but a planned/estimate line above zero (intended, not yet budgeted);
- unfunded: nothing of the above (shown flagged on every page).
An action is funded when at least one of its commitments is funded.

Plan-to-budget alignment of a version: the zone's registered investment of one budget kind
(default: budget) over all stated years (or one financial year, multi-year lines spread evenly),
each project counted by its share located in the zone (equal shares among its locations unless
stated), confirmed duplicates excluded, government spheres only (private investment is never added
to government figures, as in the investment quantum); and the part of it whose projects are linked to a
commitment of the version.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from ddm.accounts.access import Visitor
from ddm.accounts.models import GOVERNMENT_SPHERES
from ddm.investment.models import BudgetKind, BudgetLine, Location, Project
from ddm.oneplan import access, workflow
from ddm.oneplan.models import Action, Commitment, PlanVersion
from ddm.places.models import Place

FUNDED_KINDS = (BudgetKind.BUDGET, BudgetKind.ADJUSTED, BudgetKind.ACTUAL)
FUNDED = "funded"
PLANNED = "planned"
UNFUNDED = "unfunded"
STATUS_LABELS = {FUNDED: "Funded", PLANNED: "Planned only (not budgeted)", UNFUNDED: "Unfunded"}
ZERO = Decimal("0")


def commitment_status(commitment: Commitment) -> str:
    """funded / planned / unfunded from the linked budget lines (uses a prefetch when present)."""
    lines = list(commitment.budget_lines.all())
    if any(line.kind in FUNDED_KINDS and line.amount > 0 for line in lines):
        return FUNDED
    if any(line.kind == BudgetKind.PLANNED and line.amount > 0 for line in lines):
        return PLANNED
    return UNFUNDED


def linked_amounts(commitment: Commitment) -> dict[str, Decimal]:
    """{kind: Decimal total} of the linked budget lines, as stated (all years)."""
    totals: dict[str, Decimal] = {}
    for line in commitment.budget_lines.all():
        totals[line.kind] = totals.get(line.kind, ZERO) + line.amount
    return totals


def action_funded(action: Action) -> bool:
    return any(commitment_status(c) == FUNDED for c in action.commitments.all())


def version_actions(version: PlanVersion) -> QuerySet[Action]:
    return Action.objects.filter(strategy__focal_area__version=version).prefetch_related(
        "commitments__budget_lines", "commitments__organisation", "commitments__projects")


def action_funding_share(version: PlanVersion) -> tuple[int, int, Decimal | None]:
    """(funded actions, all actions, share as Decimal 0-1 or None when there are no actions)."""
    actions = list(version_actions(version))
    funded = sum(1 for a in actions if action_funded(a))
    return funded, len(actions), (Decimal(funded) / len(actions) if actions else None)


def funded_action_counts(version_ids: Collection[int]) -> dict[int, tuple[int, int]]:
    """{version id: (funded actions, all actions)} in one query, by the same rule as action_funded()."""
    funded_line = BudgetLine.objects.filter(oneplan_commitments__action=OuterRef("pk"), kind__in=FUNDED_KINDS,
                                            amount__gt=0)
    counts = {vid: [0, 0] for vid in version_ids}  # [funded, all]
    rows = Action.objects.filter(strategy__focal_area__version_id__in=version_ids).annotate(
        funded=Exists(funded_line)).values_list("strategy__focal_area__version_id", "funded")
    for version_id, funded in rows:
        counts[version_id][0] += int(funded)
        counts[version_id][1] += 1
    return {vid: (funded, total) for vid, (funded, total) in counts.items()}


# --- linking register projects ---------------------------------------------------------------


@transaction.atomic
def save_commitment(commitment: Commitment, user: Visitor, projects: Sequence[Project] = (),
                    budget_lines: Sequence[BudgetLine] = ()) -> Commitment:
    """Create or update a commitment and its links; projects must be the organisation's own."""
    version = commitment.action.strategy.focal_area.version
    zone = version.plan.zone
    if commitment.pk is None:
        access.require_commitment_adder(user, zone, commitment.organisation)
    else:
        access.require_commitment_manager(user, zone, commitment.organisation)
        stored = type(commitment).objects.get(pk=commitment.pk)
        if stored.organisation_id != commitment.organisation_id:
            access.require_commitment_adder(user, zone, commitment.organisation)
    if version.frozen:
        raise workflow.WorkflowError(f"Version {version.number} is adopted and frozen; open a review to change it.")
    _validate_links(commitment, projects, budget_lines)
    created = commitment.pk is None
    if created:
        commitment.created_by = user
    commitment.save()
    commitment.projects.set(projects)
    commitment.budget_lines.set(budget_lines)
    workflow.log(version, user, "commitment",
                 f"Commitment of {commitment.organisation} to '{commitment.action}' {'added' if created else 'updated'} "
                 f"({len(projects)} project(s), {len(budget_lines)} budget line(s)).")
    return commitment


def _validate_links(commitment: Commitment, projects: Sequence[Project], budget_lines: Sequence[BudgetLine]) -> None:
    foreign = [p.reference for p in projects if p.organisation_id != commitment.organisation_id]
    if foreign:
        raise ValidationError(f"Project(s) {', '.join(foreign)} belong to another organisation than "
                              f"{commitment.organisation}.")
    project_ids = {p.pk for p in projects}
    stray = [str(line.pk) for line in budget_lines if line.project_id not in project_ids]
    if stray:
        raise ValidationError(f"Budget line(s) {', '.join(stray)} are not lines of the linked projects.")


@transaction.atomic
def delete_commitment(commitment: Commitment, user: Visitor) -> None:
    version = commitment.plan_version()
    access.require_commitment_manager(user, version.plan.zone, commitment.organisation)
    if version.frozen:
        raise workflow.WorkflowError(f"Version {version.number} is adopted and frozen.")
    workflow.log(version, user, "commitment", f"Commitment '{commitment}' deleted.")
    commitment.delete()


# --- alignment -------------------------------------------------------------------------------


@dataclass
class Alignment:
    kind: str
    financial_year: int | None
    total: Decimal = ZERO
    serving: Decimal = ZERO
    projects_total: int = 0
    projects_serving: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def share(self) -> Decimal | None:
        return self.serving / self.total if self.total else None

    @property
    def basis(self) -> str:
        kind = BudgetKind(self.kind).label
        years = f"financial year {self.financial_year}/{(self.financial_year + 1) % 100:02d}" if self.financial_year \
            else "all stated financial years"
        return (f"{kind} lines of the investment register, {years} (as stated by each organisation); government "
                f"spheres only (national, provincial, local, parastatal; private investment not included); each project "
                f"by its share located in the zone (equal shares among its locations unless stated); confirmed "
                f"duplicates excluded.")


def _line_amount(line: BudgetLine, financial_year: int | None) -> Decimal | None:
    if financial_year is None:
        return line.amount
    if line.fy_first is None:
        return None
    last = line.fy_last or line.fy_first
    if not line.fy_first <= financial_year <= last:
        return None
    return line.amount / (last - line.fy_first + 1)  # the line's year_count


def _zone_shares(zone: Place) -> dict[int, Decimal]:
    """{project id: share of the project located in the zone} from the register's locations."""
    counts: dict[int, int] = {}
    in_zone: dict[int, list[Decimal | None]] = {}
    project_ids = Location.objects.filter(zone=zone).values_list("project_id", flat=True)
    for loc in Location.objects.filter(project_id__in=project_ids).only("project_id", "zone_id", "share"):
        counts[loc.project_id] = counts.get(loc.project_id, 0) + 1
        if loc.zone_id == zone.pk:
            in_zone.setdefault(loc.project_id, []).append(loc.share)
    shares: dict[int, Decimal] = {}
    for pid, located in in_zone.items():
        shares[pid] = sum(((s if s is not None else Decimal(1) / counts[pid]) for s in located), ZERO)
    return shares


def alignment(version: PlanVersion, kind: str = BudgetKind.BUDGET, financial_year: int | None = None) -> Alignment:
    zone = version.plan.zone
    shares = _zone_shares(zone)
    counted = set(Project.objects.counted().filter(pk__in=shares, organisation__sphere__in=GOVERNMENT_SPHERES)
                  .values_list("pk", flat=True))
    linked = set(Commitment.objects.filter(action__strategy__focal_area__version=version)
                 .values_list("projects__pk", flat=True)) - {None}
    result = Alignment(kind=kind, financial_year=financial_year)
    seen: set[int] = set()
    seen_serving: set[int] = set()
    for line in BudgetLine.objects.filter(project_id__in=counted, kind=kind).only(
            "project_id", "amount", "fy_first", "fy_last"):
        amount = _line_amount(line, financial_year)
        if amount is None:
            continue
        located = amount * shares[line.project_id]
        result.total += located
        seen.add(line.project_id)
        if line.project_id in linked:
            result.serving += located
            seen_serving.add(line.project_id)
    result.projects_total, result.projects_serving = len(seen), len(seen_serving)
    result.total, result.serving = result.total.quantize(Decimal("0.01")), result.serving.quantize(Decimal("0.01"))
    return result
