"""Intake API (mounted at /api/): submit a file, read a submission, list organisations.

`POST /api/submissions` (multipart: file, organisation, dry_run, accept_valid, sheet; token or
session auth) runs the same pipeline as the CLI and the upload page, inline, and answers
201 with the submission (shape: ddm.investment.intake.results.submission_json) whatever its
status: "rejected" means rows had blocking errors and nothing was written (listed in "errors").
400: the file could not be read at all (not a spreadsheet, no header row, missing required
column); the submission is still recorded and its id is in the answer. 403: the user may not
submit for that organisation. 404: unknown organisation. 413: the file is over the size limit.
"""

from typing import Any, NotRequired, TypedDict

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.security import django_auth

from ddm.accounts.access import Visitor, can_approve_for, can_submit_for
from ddm.accounts.api_auth import TokenAuth
from ddm.accounts.models import Organisation, Sphere
from ddm.accounts.services import find_organisation
from ddm.investment import completeness, review
from ddm.investment.intake import tasks
from ddm.investment.intake.access import can_view_submission
from ddm.investment.intake.pipeline import run_import, start_submission
from ddm.investment.intake.results import SubmissionJson, submission_json
from ddm.investment.models import ProgressReport, Project, Submission, SubmissionStatus
from ddm.investment.progress import (
    ParseError,
    current_quarter_end,
    import_progress,
    parse_quarter,
    quarter_label,
)
from ddm.investment.review import submit_file, submit_progress
from ddm.places.models import Place
from ddm.web import InvalidRequest

router = Router(tags=["Investment intake"])
WRITE_AUTH = [TokenAuth(), django_auth]


class Message(Schema):
    detail: str
    submission: dict | None = None


class MessageJson(TypedDict):
    """A Message as an operation answers it."""

    detail: str
    submission: NotRequired[SubmissionJson]


# What an operation answers: (status, body); ninja checks the body against the schema of the status.
Answer = tuple[int, SubmissionJson | MessageJson]


class Issue(Schema):
    level: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: Any = None


class Counts(Schema):
    rows_read: int
    rows_rejected: int
    projects_created: int
    projects_updated: int
    projects_unchanged: int


class SubmissionOut(Schema):
    id: int
    organisation: str
    organisation_name: str
    filename: str
    sheet: str
    channel: str
    content: str = "projects"
    status: str
    dry_run: bool
    accept_valid: bool
    created: str | None
    finished: str | None
    user: str | None
    counts: Counts
    errors: list[Issue]
    warnings: list[Issue]
    note: str
    preview: int | None = None
    resubmission_of: int | None = None
    changes: dict = {}
    decisions: list[dict] = []


class Decision(Schema):
    comment: str = ""
    row_comments: list[dict] = []


class OrganisationOut(Schema):
    code: str
    name: str
    sphere: str
    kind: str
    province: str | None
    fy_start_month: int


@router.post("/submissions", auth=WRITE_AUTH, url_name="submissions_create",
             response={201: SubmissionOut, 202: SubmissionOut, 400: Message, 403: Message, 404: Message,
                       413: Message},
             summary="Submit a projects/budgets file (same importer as the CLI and upload page)")
def create_submission(request: HttpRequest, file: File[UploadedFile], organisation: str = Form(..., min_length=1),
                      dry_run: Form[bool] = False, accept_valid: Form[bool] = False, sheet: Form[str] = "",
                      publish: Form[bool] = False) -> Answer:
    """Without dry_run the file is submitted for review (status "submitted"; nothing published until
    approved) or, with publish (approvers, coordinators, administrators), written at once. A file
    beyond a small preview's size is read by the job worker: the answer is 202 with the pending
    submission, whose GET /submissions/{id} says when it is done."""
    try:
        org = find_organisation(organisation)
    except LookupError as exc:
        return 404, {"detail": str(exc).strip('"')}
    if not can_submit_for(request.user, org):
        return 403, {"detail": f"You may not submit for {org.name} ({org.code})."}
    limit = settings.DDM_MAX_UPLOAD_BYTES
    size = file.size or 0
    if size > limit:
        return 413, {"detail": f"{file.name}: {size / 1048576:.1f} MB is over the limit of "
                               f"{limit / 1048576:.0f} MB; split the file."}
    if publish and not can_approve_for(request.user, org):
        return 403, {"detail": f"You may not publish {org.name}'s submissions without review."}
    if not tasks.runs_inline(size):
        return 202, _read_later(file, org, request.user, sheet, dry_run, accept_valid, publish, "projects")
    if dry_run:
        submission = run_import(file, org, request.user, "api", dry_run=True, accept_valid=accept_valid,
                                sheet=sheet or None, filename=file.name)
    else:
        submission = submit_file(file, org, request.user, "api", accept_valid=accept_valid, sheet=sheet or None,
                                 filename=file.name, publish=publish)
    data = submission_json(submission)
    if submission.status == "rejected" and submission.rows_read == 0 and submission.errors:
        return 400, {"detail": submission.errors[0]["message"], "submission": data}
    return 201, data


def _read_later(file: UploadedFile, org: Organisation, user: Visitor, sheet: str, dry_run: bool, accept_valid: bool,
                publish: bool, content: str) -> SubmissionJson:
    """A file too large to read during the request: kept with a pending submission that the job worker
    checks (dry_run) or submits for review (or, with publish, writes); the answer is that submission."""
    pending = start_submission(file, org, user, "api", file.name, sheet or None,
                               dry_run=dry_run or not publish, accept_valid=accept_valid, content=content)
    if dry_run:
        tasks.run_submission.enqueue(pending.pk)
    else:
        tasks.submit_submission.enqueue(pending.pk, publish)
    return submission_json(pending)


@router.get("/submissions/{submission_id}", auth=WRITE_AUTH, url_name="submission_detail",
            response={200: SubmissionOut, 403: Message, 404: Message}, summary="One submission")
def get_submission(request: HttpRequest, submission_id: int) -> Answer:
    submission = get_object_or_404(Submission.objects.select_related("organisation", "user"), pk=submission_id)
    if not can_view_submission(request.user, submission):
        return 403, {"detail": "You may not see this submission."}
    return 200, submission_json(submission)


@router.get("/organisations", response=list[OrganisationOut], url_name="organisations",
            summary="Organisations that submit projects (codes for `organisation`)")
def organisations(request: HttpRequest, sphere: Sphere | None = None) -> list[dict[str, Any]]:
    queryset = Organisation.objects.select_related("province").order_by("sphere", "code")
    if sphere:
        queryset = queryset.filter(sphere=sphere)
    return [{"code": o.code, "name": o.name, "sphere": o.sphere, "kind": o.kind,
             "province": o.province.code if o.province else None, "fy_start_month": o.fy_start_month}
            for o in queryset]


def _decide(request: HttpRequest, submission_id: int, step: str, payload: Decision) -> Answer:
    submission = get_object_or_404(Submission.objects.select_related("organisation", "user"), pk=submission_id)
    if not can_approve_for(request.user, submission.organisation):
        return 403, {"detail": f"You may not review {submission.organisation.name}'s submissions."}
    try:
        if step == "approve":
            submission = review.approve(submission, request.user, comment=payload.comment)
        else:
            rows = [{"sheet": str(r.get("sheet", "")), "row": r.get("row"), "reference": str(r.get("reference", "")),
                     "comment": str(r.get("comment", ""))} for r in payload.row_comments]
            submission = review.return_submission(submission, request.user, payload.comment, rows)
    except review.ReviewError as exc:
        return 409, {"detail": " ".join(exc.messages)}
    return 200, submission_json(submission)


@router.post("/submissions/{submission_id}/approve", auth=WRITE_AUTH, url_name="submission_approve",
             response={200: SubmissionOut, 403: Message, 404: Message, 409: Message},
             summary="Approve a submission awaiting review: answers the submission that wrote it")
def approve_submission(request: HttpRequest, submission_id: int, payload: Decision) -> Answer:
    return _decide(request, submission_id, "approve", payload)


@router.post("/submissions/{submission_id}/return", auth=WRITE_AUTH, url_name="submission_return",
             response={200: SubmissionOut, 403: Message, 404: Message, 409: Message},
             summary="Return a submission awaiting review, with a comment and comments per row")
def return_submission(request: HttpRequest, submission_id: int, payload: Decision) -> Answer:
    return _decide(request, submission_id, "return", payload)


class ProgressIn(Schema):
    quarter: str
    stage: str = ""
    progress: str | None = None
    expenditure_to_date: str | None = None
    actual_start: str | None = None
    actual_completion: str | None = None
    note: str = ""
    publish: bool = False


class ProgressOut(Schema):
    quarter_end: str
    quarter: str
    stage: str
    progress: str | None
    expenditure_to_date: str | None
    actual_start: str | None
    actual_completion: str | None
    note: str


def progress_json(report: ProgressReport) -> ProgressOut:
    def text(value: object) -> str | None:
        return None if value is None else str(value)

    return ProgressOut(
        quarter_end=report.quarter_end.isoformat(),
        quarter=quarter_label(report.quarter_end, report.project.organisation.fy_start_month),
        stage=report.stage, progress=text(report.progress), expenditure_to_date=text(report.expenditure_to_date),
        actual_start=report.actual_start.isoformat() if report.actual_start else None,
        actual_completion=report.actual_completion.isoformat() if report.actual_completion else None,
        note=report.note)


@router.get("/projects/{project_id}/progress", response={200: list[ProgressOut], 404: Message},
            url_name="project_progress", summary="A project's quarterly progress reports, oldest first")
def project_progress(request: HttpRequest, project_id: int) -> tuple[int, list[ProgressOut] | MessageJson]:
    project = get_object_or_404(Project.objects.select_related("organisation"), pk=project_id)
    return 200, [progress_json(r) for r in project.progress.select_related("project__organisation")]


@router.post("/projects/{project_id}/progress", auth=WRITE_AUTH, url_name="project_progress_report",
             response={201: ProgressOut, 202: SubmissionOut, 403: Message, 404: Message, 422: InvalidRequest},
             summary="Report a quarter's progress for one project, reviewed like a progress file")
def report_progress(request: HttpRequest, project_id: int, payload: ProgressIn
                    ) -> tuple[int, ProgressOut | SubmissionJson | MessageJson]:
    """Submitted for review like a file (202: the submission, nothing published until approved), or
    published at once (201: the quarter's report as written) when the organisation publishes on submit
    or with publish (its approvers, its coordinator, administrators). A published report replaces that
    quarter's earlier one."""
    project = get_object_or_404(Project.objects.select_related("organisation"), pk=project_id)
    if not can_submit_for(request.user, project.organisation):
        return 403, {"detail": f"You may not report for {project.organisation.name}."}
    if payload.publish and not can_approve_for(request.user, project.organisation):
        return 403, {"detail": f"You may not publish {project.organisation.name}'s reports without review."}
    data = payload.dict()
    try:
        submission = submit_progress(project, data, request.user, "api", publish=data.pop("publish"))
    except ParseError as exc:
        return 422, {"detail": str(exc)}
    if submission.status == SubmissionStatus.SUBMITTED:
        return 202, submission_json(submission)
    quarter = parse_quarter(payload.quarter, project.organisation.fy_start_month)
    return 201, progress_json(project.progress.select_related("project__organisation").get(quarter_end=quarter))


@router.post("/progress", auth=WRITE_AUTH, url_name="progress_create",
             response={201: SubmissionOut, 202: SubmissionOut, 403: Message, 404: Message, 413: Message},
             summary="Submit a quarterly progress file (reference, quarter, stage, progress, expenditure to date)")
def create_progress(request: HttpRequest, file: File[UploadedFile], organisation: str = Form(..., min_length=1),
                    dry_run: Form[bool] = False, accept_valid: Form[bool] = False, sheet: Form[str] = "",
                    publish: Form[bool] = False) -> Answer:
    """Reviewed like a projects file: without dry_run it is submitted for review (nothing published
    until approved) or, with publish (approvers, coordinators, administrators), written at once. A
    file beyond a small preview's size is read by the job worker: 202 with the pending submission."""
    try:
        org = find_organisation(organisation)
    except LookupError as exc:
        return 404, {"detail": str(exc).strip('"')}
    if not can_submit_for(request.user, org):
        return 403, {"detail": f"You may not report for {org.name} ({org.code})."}
    if file.size is not None and file.size > settings.DDM_MAX_UPLOAD_BYTES:  # an upload states its size
        return 413, {"detail": f"{file.name}: over the size limit; split the file."}
    if publish and not can_approve_for(request.user, org):
        return 403, {"detail": f"You may not publish {org.name}'s submissions without review."}
    if not tasks.runs_inline(file.size or 0):
        return 202, _read_later(file, org, request.user, sheet, dry_run, accept_valid, publish, "progress")
    if dry_run:
        submission = import_progress(file, org, request.user, "api", filename=file.name, dry_run=True,
                                     accept_valid=accept_valid, sheet=sheet or None)
    else:
        submission = submit_file(file, org, request.user, "api", accept_valid=accept_valid, sheet=sheet or None,
                                 filename=file.name, publish=publish, content="progress")
    return 201, submission_json(submission)


# The quarters the completeness API names: its last day (2024-09-30) or a calendar quarter (2024Q3).
QUARTER = r"^[1-9][0-9]{3}-(03-31|06-30|09-30|12-31)$|^[1-9][0-9]{3}Q[1-4]$"


@router.get("/completeness", response={200: dict, 404: Message, 422: InvalidRequest}, url_name="completeness",
            summary="Quarterly progress reporting: expected, reported, on time, per zone (and nationally)")
def completeness_api(request: HttpRequest, quarter: str | None = Query(None, pattern=QUARTER), zone: str | None = None
                     ) -> tuple[int, dict[str, Any]]:
    """`quarter`: the quarter's last day or a calendar quarter (default the current one); another is
    refused (422). 404: no such zone."""
    try:
        end = parse_quarter(quarter, 1) if quarter else current_quarter_end()
    except ParseError as exc:
        return 422, {"detail": str(exc)}
    if zone:
        place = Place.objects.zones().without_geometry().filter(code=zone.upper()).first()
        if place is None:
            return 404, {"detail": f"no zone {zone}"}
        data = completeness.zone_completeness(place, end)
        return 200, {"zone": place.code, "quarter_end": end.isoformat(), "deadline_days": data["deadline_days"],
                     "rates": _rates(data["rates"]),
                     "organisations": [{"organisation": r["organisation"].code, "name": r["organisation"].name,
                                        "projects": r["projects"], "reported_projects": r["reported_projects"],
                                        "reported": r["reported"], "on_time": r["on_time"]} for r in data["rows"]]}
    data = completeness.national_completeness(end)
    return 200, {"quarter_end": end.isoformat(), "deadline_days": data["deadline_days"], "rates": _rates(data["rates"]),
                 "zones": [{"zone": r["zone"].code, **_rates({k: v for k, v in r.items() if k != "zone"})}
                           for r in data["zones"]]}


def _rates(rates: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if v is not None and not isinstance(v, int) else v) for k, v in rates.items()}
