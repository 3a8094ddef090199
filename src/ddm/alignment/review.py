"""Duplicate candidates of a zone from the register, and reviewers' decisions on them.

- `zone_candidates(zone)`: the zone's projects as matcher Records, scored pairs above the
  threshold, clusters; pairs already decided are left out while both projects are unchanged
  (same fingerprint), and come back, with the earlier decision shown, once either changes.
- `record_decision(...)`: duplicate / related / distinct with a note; for a duplicate the reviewer
  names the record that stands and the other gets `duplicate_of`, so the quantum counts it once.
- `undo_decision(review)`: deletes the decision (kept in its history) and clears `duplicate_of`.

Permission checks are the caller's (views and API use accounts.access.get_zone_for_user with
write=True); these functions check only that the decision is consistent.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from ddm.accounts.access import Visitor
from ddm.alignment.duplicates import DEFAULT_THRESHOLD, Record, Scored, clusters_of, find_duplicates, score_pair
from ddm.alignment.duplicates.score import money_label, years_label
from ddm.alignment.models import Decision, DuplicateReview
from ddm.investment.models import BudgetKind, BudgetLine, Location, Project
from ddm.places.models import Level, Place

METHOD = (
    "Pairs of projects located in the zone are compared on normalised titles (abbreviations, word order, "
    "phase notation and former place names unified), names of places and schools, phase/section/extension "
    "numbers, distance between points (or same ward/municipality), financial years, sector, amounts and "
    "descriptions. Different phases, sections or place names keep a pair below the threshold. "
    f"Default threshold {DEFAULT_THRESHOLD} of 100. Amount compared: the project's budget lines of kind "
    "the same kind (budget, else adjusted, actual, planned) over the financial years both projects state; "
    "when they share none, each project's budget lines (else its most reported kind), all years. "
    "Decided pairs are not listed again "
    "unless either project's title, description, locations or budget lines change."
)


class DecisionError(ValueError):
    """A decision that cannot be recorded (project not in the zone, a cycle, ...): a user error."""


# ---------------------------------------------------------------------------------------------
# Projects -> Records


def zone_projects(zone: Place) -> list[Project]:
    """Counted-or-not, non-aggregate projects with a location in the zone, with what matching needs."""
    locations = Location.objects.select_related("municipality", "place").order_by("pk")
    return list(
        Project.objects.filter(locations__zone=zone, is_aggregate=False).distinct()
        .select_related("organisation")
        .prefetch_related(Prefetch("locations", queryset=locations), "budget_lines")
        .order_by("pk")
    )


def fingerprint(project: Project) -> str:
    """SHA-256 over what a reviewer judged: title, description, locations, budget lines."""
    locations = sorted(
        (loc.precision, _round(loc.latitude), _round(loc.longitude), loc.place.code if loc.place else "",
         loc.name, str(loc.share or "")) for loc in project.locations.all()
    )
    lines = sorted(
        (line.kind, str(line.amount), line.fy_first or 0, line.fy_last or 0, line.fy_start_month)
        for line in project.budget_lines.all()
    )
    payload = json.dumps([project.title, project.description, locations, lines], default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 5)


def matched_lines(project: Project) -> list[BudgetLine]:
    """The lines compared between records: kind budget, else the kind the project reports most."""
    lines = list(project.budget_lines.all())
    if not lines:
        return []
    kinds = [line.kind for line in lines]
    kind = BudgetKind.BUDGET if BudgetKind.BUDGET in kinds else max(sorted(set(kinds)), key=kinds.count)
    return [line for line in lines if line.kind == kind]


def matched_amount(project: Project) -> Decimal | None:
    lines = matched_lines(project)
    return sum((line.amount for line in lines), Decimal("0")) if lines else None


def amount_by_year(project: Project) -> dict[str, dict[int, Decimal]]:
    """{kind: {start year: Decimal}}, multi-year lines spread evenly (only to compare two projects)."""
    result: dict[str, dict[int, Decimal]] = {}
    for line in project.budget_lines.all():
        if line.fy_first is None:
            continue
        years = range(line.fy_first, (line.fy_last or line.fy_first) + 1)
        per_kind = result.setdefault(line.kind, {})
        for year in years:
            per_kind[year] = per_kind.get(year, Decimal(0)) + line.amount / len(years)
    return result


def to_record(project: Project, zone_code: str = "") -> Record:
    locations = list(project.locations.all())
    years: set[int] = set()
    for line in project.budget_lines.all():
        if line.fy_first is not None:
            years.update(range(line.fy_first, (line.fy_last or line.fy_first) + 1))
    return Record(
        id=project.pk, organisation=project.organisation.code, reference=project.reference, title=project.title,
        description=project.description, sector=project.sector,
        points=tuple((loc.latitude, loc.longitude) for loc in locations
                     if loc.latitude is not None and loc.longitude is not None),
        municipalities=frozenset(loc.municipality.code for loc in locations if loc.municipality is not None),
        wards=frozenset(loc.place.code for loc in locations if loc.place is not None and loc.place.level == Level.WARD),
        years=frozenset(years), amount=matched_amount(project), zone=zone_code, amount_by_year=amount_by_year(project),
        extra={"project": project, "fingerprint": fingerprint(project)},
    )


# ---------------------------------------------------------------------------------------------
# Candidates


@dataclass
class Candidates:
    zone: Place
    threshold: int
    pairs: list[Scored]  # best first; .previous (a stale DuplicateReview) or None
    clusters: list[list[int]]  # [[project ids]]
    project_count: int
    reviewed_hidden: int
    cluster_of: dict[int, int] = field(default_factory=dict)  # project id -> cluster number (1-based)


def zone_candidates(zone: Place, min_score: int = DEFAULT_THRESHOLD) -> Candidates:
    records = [to_record(p, zone.code) for p in zone_projects(zone)]
    reviews = {(r.project_a_id, r.project_b_id): r for r in reviews_in_zone(zone)}
    hidden = set()

    def unchanged_review(a: Record, b: Record) -> bool:
        review = reviews.get((a.id, b.id))
        if review and review.fingerprint_a == a.extra["fingerprint"] and review.fingerprint_b == b.extra["fingerprint"]:
            hidden.add((a.id, b.id))
            return True
        return False

    pairs = find_duplicates(records, min_score=min_score, skip=unchanged_review)
    for pair in pairs:
        pair.previous = reviews.get((pair.a.id, pair.b.id))
        if pair.previous is not None:
            pair.reasons.append(
                f"changed since marked {pair.previous.decision} on {pair.previous.decided:%Y-%m-%d}")
    clusters = clusters_of(pairs)
    cluster_of = {pid: number for number, members in enumerate(clusters, start=1) for pid in members}
    for pair in pairs:
        pair.cluster = cluster_of.get(pair.a.id)
    return Candidates(zone, min_score, pairs, clusters, len(records), len(hidden), cluster_of)


def reviews_in_zone(zone: Place) -> QuerySet[DuplicateReview]:
    """Decisions on pairs whose first project is located in the zone (pairs are stored a < b)."""
    return (DuplicateReview.objects.filter(project_a__locations__zone=zone).distinct()
            .select_related("project_a__organisation", "project_b__organisation", "standing", "reviewer"))


def project_summary(record_or_project: Record | Project) -> dict[str, Any]:
    project = record_or_project.extra["project"] if isinstance(record_or_project, Record) else record_or_project
    return {"id": project.pk, "organisation": project.organisation.code, "reference": project.reference,
            "title": project.title}


def candidates_json(candidates: Candidates) -> dict[str, Any]:
    """The documented JSON shape of `ddm duplicates --json` and GET /api/zones/{code}/duplicates."""
    zone = candidates.zone
    return {
        "zone": {"code": zone.code, "name": zone.name, "province": zone.province.code if zone.province is not None else None},
        "threshold": candidates.threshold,
        "default_threshold": DEFAULT_THRESHOLD,
        "projects_compared": candidates.project_count,
        "reviewed_pairs_hidden": candidates.reviewed_hidden,
        "method": METHOD,
        "pairs": [
            {"score": p.score, "reasons": p.reasons, "a": project_summary(p.a), "b": project_summary(p.b),
             "cluster": candidates.cluster_of.get(p.a.id),
             "previous_decision": _previous(p.previous)}
            for p in candidates.pairs
        ],
        "clusters": [{"cluster": n, "size": len(ids), "projects": ids}
                     for n, ids in enumerate(candidates.clusters, start=1)],
    }


def _previous(review: DuplicateReview | None) -> dict[str, Any] | None:
    if review is None:
        return None
    return {"decision": review.decision, "decided": review.decided.isoformat(), "note": review.note}


CSV_HEADER = ["score", "cluster", "a_organisation", "a_reference", "a_title", "b_organisation", "b_reference",
              "b_title", "reasons", "a_id", "b_id"]


def candidates_rows(candidates: Candidates) -> Iterator[list[Any]]:
    for p in candidates.pairs:
        a, b = project_summary(p.a), project_summary(p.b)
        yield [p.score, candidates.cluster_of.get(p.a.id), a["organisation"], a["reference"], a["title"],
               b["organisation"], b["reference"], b["title"], "; ".join(p.reasons), a["id"], b["id"]]


# ---------------------------------------------------------------------------------------------
# Decisions


def pair_in_zone(zone: Place, first_id: int | str, second_id: int | str) -> tuple[Project, Project, Scored]:
    """(project_a, project_b, Scored) for two project ids located in the zone, ordered a.id < b.id."""
    if first_id == second_id:
        raise DecisionError("a project cannot duplicate itself")
    ids = sorted((int(first_id), int(second_id)))
    projects = {p.pk: p for p in zone_projects_by_id(zone, ids)}
    missing = [pid for pid in ids if pid not in projects]
    if missing:
        raise DecisionError(f"project {missing[0]} is not located in {zone.code}")
    a, b = projects[ids[0]], projects[ids[1]]
    return a, b, score_pair(to_record(a, zone.code), to_record(b, zone.code))


def zone_projects_by_id(zone: Place, ids: list[int]) -> QuerySet[Project]:
    locations = Location.objects.select_related("municipality", "place").order_by("pk")
    return (Project.objects.filter(pk__in=ids, locations__zone=zone).distinct().select_related("organisation")
            .prefetch_related(Prefetch("locations", queryset=locations), "budget_lines"))


def snapshot(project: Project) -> dict[str, Any]:
    record = to_record(project)
    return {
        "id": project.pk, "organisation": project.organisation.code, "reference": project.reference,
        "title": project.title, "description": project.description, "sector": project.sector,
        "years": years_label(record.years) if record.years else None,
        "amount": str(record.amount) if record.amount is not None else None,
        "amount_label": money_label(record.amount) if record.amount else None,
        "locations": [str(loc) for loc in project.locations.all()],
        "duplicate_of": project.duplicate_of_id,
    }


@transaction.atomic
def record_decision(zone: Place, first_id: int | str, second_id: int | str, decision: str, user: Visitor = None,
                    note: str = "", standing_id: int | str | None = None) -> DuplicateReview:
    """Record (or replace) the decision on a pair; returns the DuplicateReview."""
    if decision not in Decision.values:
        raise DecisionError(f"unknown decision {decision!r}: use duplicate, related or distinct")
    a, b, scored = pair_in_zone(zone, first_id, second_id)
    review = DuplicateReview.objects.select_for_update().filter(project_a=a, project_b=b).first()
    if review is not None:
        _release(review)
        a.refresh_from_db(fields=["duplicate_of"])
        b.refresh_from_db(fields=["duplicate_of"])
    standing = None
    if decision == Decision.DUPLICATE:
        standing, other = _standing_and_other(a, b, standing_id)
        _mark_duplicate(other, standing)
    review = review or DuplicateReview(project_a=a, project_b=b)
    review.zone, review.decision, review.standing, review.note = zone, decision, standing, note or ""
    review.reviewer = user if getattr(user, "is_authenticated", False) else None
    review.score, review.reasons = scored.score, scored.reasons
    review.fingerprint_a, review.fingerprint_b = scored.a.extra["fingerprint"], scored.b.extra["fingerprint"]
    review.snapshot = {"a": snapshot(a), "b": snapshot(b)}
    review._history_user = review.reviewer  # type: ignore[attr-defined]  # simple-history reads it on save
    review.save()
    return review


def _standing_and_other(a: Project, b: Project, standing_id: int | str | None) -> tuple[Project, Project]:
    if standing_id is None or int(standing_id) not in (a.pk, b.pk):
        raise DecisionError("a duplicate decision must say which of the two records stands")
    return (a, b) if int(standing_id) == a.pk else (b, a)


def _mark_duplicate(other: Project, standing: Project) -> None:
    if other.duplicate_of_id is not None and other.duplicate_of_id != standing.pk:
        raise DecisionError(
            f"project {other.pk} ({other.reference}) is already marked as a duplicate of project "
            f"{other.duplicate_of_id}; undo that decision first")
    seen, current = set(), standing
    while current.duplicate_of_id is not None and current.pk not in seen:
        seen.add(current.pk)
        if current.duplicate_of_id == other.pk:
            raise DecisionError(f"project {standing.pk} already counts as a duplicate of {other.pk}: choose it to stand")
        current = Project.objects.only("pk", "duplicate_of").get(pk=current.duplicate_of_id)
    other.duplicate_of = standing
    other.save(update_fields=["duplicate_of"])


def _release(review: DuplicateReview) -> None:
    """Undo a decision's effect on the register: the non-standing record counts again."""
    if review.decision == Decision.DUPLICATE and review.standing_id is not None:
        other_id = review.project_b_id if review.standing_id == review.project_a_id else review.project_a_id
        other = Project.objects.get(pk=other_id)
        if other.duplicate_of_id == review.standing_id:
            other.duplicate_of = None
            other.save(update_fields=["duplicate_of"])


@transaction.atomic
def undo_decision(review: DuplicateReview, user: Visitor = None) -> None:
    """Delete the decision (its history keeps it) and restore the register."""
    _release(review)
    review._history_user = user if getattr(user, "is_authenticated", False) else None  # type: ignore[attr-defined]
    review.delete()


def find_review(zone: Place, first_id: int | str, second_id: int | str) -> DuplicateReview:
    ids = sorted((int(first_id), int(second_id)))
    review = (DuplicateReview.objects.filter(project_a_id=ids[0], project_b_id=ids[1], project_a__locations__zone=zone)
              .distinct().first())
    if review is None:
        raise DecisionError(f"no decision recorded on projects {ids[0]} and {ids[1]} in {zone.code}")
    return review
