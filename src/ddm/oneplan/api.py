"""One Plan API (mounted at /api/). Reads are public; writes need a session (CSRF) or an API token and
pass the same role-and-scope checks as the pages (the services raise PermissionDenied).

GET  /zones/{code}/oneplan[?version=N]      the plan (shape: ddm/oneplan/serialise.py)
GET  /oneplan/reminders                      commitments without a progress report this quarter
GET  /oneplan/results                        national M&E results (ddm/oneplan/results.py)
POST /zones/{code}/oneplan/signoffs          sign off or return the draft for one sphere
POST /zones/{code}/oneplan/advance           complete the current phase (its gate must be met)
"""

from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.security import django_auth

from ddm import caching
from ddm.accounts.api_auth import TokenAuth
from ddm.oneplan import monitoring, results, serialise, signoff, workflow
from ddm.oneplan.models import OnePlan, PlanVersion
from ddm.places.models import Place

router = Router(tags=["One Plan"])
WRITE_AUTH = [TokenAuth(), django_auth]


class ErrorOut(Schema):
    detail: str


class PlanOut(Schema):
    zone: dict[str, Any]
    plan: dict[str, Any]
    version: dict[str, Any]
    phases: list[dict[str, Any]]
    focal_areas: list[dict[str, Any]]
    funding: dict[str, Any]
    alignment: dict[str, Any]
    signoffs: list[dict[str, Any]]
    indicators: list[dict[str, Any]]


class ReminderOut(Schema):
    zone: str
    organisation: str
    organisation_name: str
    action: str
    commitment_id: int


class RemindersOut(Schema):
    quarter: str
    count: int
    commitments: list[ReminderOut]


class SignIn(Schema):
    party: str  # e.g. "national", "provincial:EC", "district:DC15", "local:EC157"
    decision: Literal["sign", "return"] = "sign"
    comment: str = ""


class StatusOut(Schema):
    version: int
    status: str
    current_phase: str
    frozen: bool
    signed: int
    required: int


def _plan(code: str) -> OnePlan:
    zone = get_object_or_404(Place.objects.zones(), code=code.upper())
    return get_object_or_404(OnePlan, zone=zone)


def _current(code: str) -> PlanVersion:
    version = _plan(code).current
    if version is None:
        raise Http404("This One Plan has no version.")
    return version


def _status(version: PlanVersion) -> dict[str, Any]:
    version.refresh_from_db()
    return {"version": version.number, "status": version.status, "current_phase": version.current_phase,
            "frozen": version.frozen, "signed": len(signoff.active_signoffs(version)),
            "required": len(signoff.required_parties(version))}


@router.get("/zones/{code}/oneplan", response={200: PlanOut, 404: ErrorOut}, summary="A zone's One Plan")
def zone_oneplan(request: HttpRequest, code: str, version: int | None = None) -> tuple[int, dict[str, Any]]:
    chosen = _current(code) if version is None else get_object_or_404(_plan(code).versions, number=version)
    return 200, serialise.plan_data(chosen)


@router.get("/oneplan/reminders", response={200: RemindersOut}, summary="Commitments due a quarterly report")
def oneplan_reminders(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    quarter, missing = monitoring.reminders()
    rows = [{"zone": c.action.strategy.focal_area.version.plan.zone.code, "organisation": c.organisation.code,
             "organisation_name": c.organisation.name, "action": c.action.title, "commitment_id": c.pk} for c in missing]
    return 200, {"quarter": quarter, "count": len(rows), "commitments": rows}


def _write(action: Callable[[], dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    try:
        return 200, action()
    except PermissionDenied as exc:
        return 403, {"detail": str(exc) or "Not allowed."}
    except workflow.WorkflowError as exc:
        return 409, {"detail": str(exc)}


@router.post("/zones/{code}/oneplan/signoffs", auth=WRITE_AUTH,
             response={200: StatusOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Sign off (or return) the draft for one sphere")
def sign_oneplan(request: HttpRequest, code: str, payload: SignIn) -> tuple[int, dict[str, Any]]:
    version = _current(code)

    def act() -> dict[str, Any]:
        if payload.decision == "sign":
            signoff.sign(version, request.user, payload.party, payload.comment)
        else:
            signoff.return_for_revision(version, request.user, payload.party, payload.comment)
        return _status(version)

    return _write(act)


@router.post("/zones/{code}/oneplan/advance", auth=WRITE_AUTH,
             response={200: StatusOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Complete the current phase (its gate must be met)")
def advance_oneplan(request: HttpRequest, code: str) -> tuple[int, dict[str, Any]]:
    version = _current(code)

    def act() -> dict[str, Any]:
        workflow.advance(version, request.user)
        return _status(version)

    return _write(act)




@router.get("/oneplan/results", response={200: dict}, summary="National M&E results across the zones")
def national_results(request: HttpRequest) -> dict[str, Any]:
    """`{indicators: [{kind, name, unit, zone, zone_name, version, baseline, baseline_year, target, target_year,
    latest, latest_period, trend, status, source, demo}], spending: [{zone, sector, projects, budget, spent,
    spent_share, progress, stuck, demo}], stuck: [...], rules: {trend, status, stuck, spending}}`; amounts
    and percentages are decimal strings; demo rows are invented data, in no real row."""
    return results.results_json(caching.remember("oneplan:results", results.results))
