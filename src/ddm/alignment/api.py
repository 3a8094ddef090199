"""API of the alignment app (mounted under /api/): duplicate candidates and review decisions.

GET  /zones/{code}/duplicates?min_score=70      public: the same JSON as `ddm duplicates --json`
GET  /alignment/needs?service=water&kind=budget&year=2020/21   the JSON of `ddm report alignment --json`
GET  /alignment/localisation?kind=budget        the JSON of `ddm report localisation --json`
GET  /zones/{code}/settlement-flags             settlement-level flags with their evidence
POST /zones/{code}/duplicates/decisions         record a decision (hub member, coordinator, admin)
POST /zones/{code}/duplicates/decisions/undo    undo a decision on a pair
"""

from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.security import django_auth
from pydantic import StringConstraints

from ddm.accounts.access import get_zone_for_user
from ddm.accounts.api_auth import TokenAuth
from ddm.alignment import localisation, needs, review, settlement
from ddm.alignment.duplicates import DEFAULT_THRESHOLD
from ddm.alignment.models import DuplicateReview
from ddm.investment.models import BudgetKind
from ddm.places.models import Place

router = Router(tags=["Duplication and alignment"])
WRITE_AUTH = [TokenAuth(), django_auth]
Answer = tuple[int, dict[str, Any]]  # (HTTP status, body)


class Message(Schema):
    detail: str


class DecisionIn(Schema):
    project_a: int
    project_b: int
    decision: str  # duplicate, related or distinct
    standing: int | None = None  # for a duplicate: the project id that stands
    note: str = ""


class PairIn(Schema):
    project_a: int
    project_b: int


class DecisionOut(Schema):
    project_a: int
    project_b: int
    decision: str
    standing: int | None
    note: str
    score: int | None
    decided: str


def _decision_out(found: DuplicateReview) -> dict[str, Any]:
    return {"project_a": found.project_a_id, "project_b": found.project_b_id, "decision": found.decision,
            "standing": found.standing_id, "note": found.note, "score": found.score,
            "decided": found.decided.isoformat()}


@router.get("/zones/{code}/duplicates", response={200: dict, 404: Message},
            summary="Duplicate candidate pairs and clusters of a zone")
def zone_duplicates(request: HttpRequest, code: str, min_score: int = Query(DEFAULT_THRESHOLD, ge=0, le=100)
                    ) -> Answer:
    """Pairs of projects located in the zone that are probably the same undertaking, each naming both
    projects by organisation code and reference, with score (0-100) and reasons."""
    try:
        zone = get_zone_for_user(request, code)
    except Http404:
        return 404, {"detail": f"no zone {code}"}
    return 200, review.candidates_json(review.zone_candidates(zone, min_score))


def _writable_zone(request: HttpRequest, code: str) -> Place | Answer:
    """The zone the user may write in, or the refusal to answer with (404 or 403)."""
    try:
        return get_zone_for_user(request, code, write=True)
    except Http404:
        return 404, {"detail": f"no zone {code}"}
    except PermissionDenied as exc:
        return 403, {"detail": str(exc)}


@router.post("/zones/{code}/duplicates/decisions", auth=WRITE_AUTH,
             response={200: DecisionOut, 400: Message, 403: Message, 404: Message},
             summary="Record a review decision on a candidate pair")
def decide(request: HttpRequest, code: str, payload: DecisionIn) -> Answer:
    zone = _writable_zone(request, code)
    if not isinstance(zone, Place):
        return zone
    try:
        found = review.record_decision(zone, payload.project_a, payload.project_b, payload.decision, request.user,
                                       payload.note, payload.standing)
    except review.DecisionError as exc:
        return 400, {"detail": str(exc)}
    return 200, _decision_out(found)


@router.post("/zones/{code}/duplicates/decisions/undo", auth=WRITE_AUTH,
             response={200: Message, 403: Message, 404: Message}, summary="Undo the decision on a pair")
def undo(request: HttpRequest, code: str, payload: PairIn) -> Answer:
    zone = _writable_zone(request, code)
    if not isinstance(zone, Place):
        return zone
    try:
        found = review.find_review(zone, payload.project_a, payload.project_b)
    except review.DecisionError as exc:
        return 404, {"detail": str(exc)}
    review.undo_decision(found, request.user)
    return 200, {"detail": "decision undone"}


# The services of ddm.alignment.needs.SERVICES (tests/alignment keeps the two equal).
Service = Literal["water", "sanitation", "electricity", "refuse", "housing", "education"]
# A financial year as the reports label it ("2019/20"), or its first calendar year ("2019").
FINANCIAL_YEAR = r"^[0-9]{4}(/[0-9]{2})?$"


@router.get("/alignment/needs", response={200: dict}, summary="Needs versus investment per zone")
def needs_json(request: HttpRequest, service: Service | None = None, kind: BudgetKind = BudgetKind.BUDGET,
               year: list[Annotated[str, StringConstraints(pattern=FINANCIAL_YEAR)]] = Query(None)) -> Answer:
    """Service backlogs (Stats SA CS 2016) against the register's sector spending per zone, ranked.
    An unknown service or kind, or a year not written 2019/20, is refused (422)."""
    report = needs.alignment(services=[service] if service else None, kind=kind.value, years=needs.parse_years(year))
    return 200, needs.as_json(report)


@router.get("/alignment/localisation", response={200: dict}, summary="Department localisation")
def localisation_json(request: HttpRequest, kind: BudgetKind = BudgetKind.BUDGET) -> Answer:
    """Share of each national and provincial department's Rand located in zones; zones where it has nothing.
    An unknown kind is refused (422)."""
    return 200, localisation.as_json(localisation.localisation(kind.value))


@router.get("/zones/{code}/settlement-flags", response={200: dict, 404: Message},
            summary="Settlement-level needs versus investment flags of a zone")
def settlement_flags(request: HttpRequest, code: str) -> Answer:
    """School projects near small schools, clinic projects beside existing health facilities, and
    settlements with overcrowded schools and no education project nearby; each flag with its evidence
    (facility names, distances in km, learners and educators 2024) and the rules applied."""
    try:
        zone = get_zone_for_user(request, code)
    except Http404:
        return 404, {"detail": f"no zone {code}"}
    return 200, settlement.zone_flags(zone.code).as_dict()
