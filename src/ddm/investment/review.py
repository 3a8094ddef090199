"""Review before publication: a file is checked (a dry run), submitted, then approved or returned.

    preview --submit--> submitted --approve--> approved (its commit writes the file to the register)
                                  --return---> returned --(a corrected file)--> resubmitted

Nothing of a file reaches the register (and so any public total: quantum, zone pages, profiles,
API, exports) until it is approved: the preview is a dry run that records what the file would
change (Submission.diff, see intake/diff.py) and keeps the file; approving it runs the file for
real as a new submission (its `preview` is the reviewed one), like the upload page's commit.
So the register holds only published figures and its queries need no filter; pending figures
live on the submission, where the submitter and the reviewers see them, marked as pending.

Who decides (ddm.accounts.access.can_approve_for): the organisation's approvers; the provincial
coordinator for provincial and municipal organisations; administrators (DCoG) for everyone.
An organisation with `publish_on_submit` is published when submitted; an approver or
administrator may publish in the same step (`ddm import projects --publish`, the API's
`publish`). Every step is a ReviewDecision (who, when, comments, how), with history.

Quarterly progress follows the same rule on every road: a file (upload, API, ``ddm import progress``)
and one quarter typed in the project page's form or sent to ``POST /api/projects/{id}/progress``
(``submit_progress``: kept as a one-row file) are submitted for review alike.

Service functions for pages and commands: submit_file, submit_progress, submit, approve, return_submission,
tasks_for(user) (the "my tasks" page), pending_changes(user, project).
"""

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ddm.accounts.access import Visitor, can_approve_for, can_submit_for, organisations_for
from ddm.accounts.audit import is_cli_user
from ddm.accounts.models import Organisation
from ddm.investment import progress
from ddm.investment.intake import tasks
from ddm.investment.intake.options import StatedOptions, restated
from ddm.investment.intake.pipeline import ProgressReporter, Source, run_import, start_submission
from ddm.investment.models import Project, ReviewAction, ReviewDecision, Submission, SubmissionStatus
from ddm.investment.progress import import_progress

WRITTEN = (SubmissionStatus.COMMITTED, SubmissionStatus.PARTIAL)
PENDING_REVIEW = (SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED)
MAX_TASKS = 200


class ReviewError(ValidationError):
    """The step does not apply to the submission in its present state (message says why)."""


class RowComment(TypedDict):
    """A reviewer's comment on a row (by sheet and row number) or on a project (by reference)."""

    sheet: str
    row: int | None
    reference: str
    comment: str


# Runs a commit (a new Submission with the approved file): inline, or in the job worker.
Runner = Callable[[Submission], object]


def can_be_submitted(submission: Submission) -> bool:
    """A preview (dry run) with valid rows; with errors, only its valid rows would be written."""
    return submission.committable and submission.rows_read > submission.rows_rejected


def _decide(submission: Submission, action: str, user: Visitor, comment: str = "",
            row_comments: Iterable[Mapping[str, Any]] = (), how: str = "", commit: Submission | None = None
            ) -> ReviewDecision:
    return ReviewDecision.objects.create(
        submission=submission, action=action, user=user if getattr(user, "pk", None) else None,
        comment=comment, row_comments=list(row_comments), how=how[:200], commit=commit)


def _set_status(submission: Submission, status: str) -> None:
    submission.status = status
    submission.save(update_fields=["status"])


# -- submitting --------------------------------------------------------------------------------

def submit(preview: Submission, user: Visitor, how: str = "", resubmission_of: Submission | None = None,
           run: Runner | None = None) -> Submission | None:
    """Submit a checked preview for review, or publish it at once when the organisation publishes
    on submit. Returns the commit (a new Submission) when published, else None."""
    if not can_submit_for(user, preview.organisation) and not _is_operator(user):
        raise PermissionDenied(f"You may not submit for {preview.organisation.name}.")
    with transaction.atomic():
        preview = Submission.objects.select_for_update().get(pk=preview.pk)
        if not can_be_submitted(preview):
            raise ReviewError(f"submission {preview.pk} is {preview.get_status_display().lower()}: only a "
                              "checked file with valid rows can be submitted")
        if resubmission_of is not None:
            _link_resubmission(preview, resubmission_of, user)
        _decide(preview, ReviewAction.SUBMITTED, user, how=how)
        if not preview.organisation.publish_on_submit:
            _set_status(preview, SubmissionStatus.SUBMITTED)
            return None
    return _publish(preview, user, "published on submit (organisation setting)", run=run)


def _link_resubmission(preview: Submission, returned: Submission, user: Visitor) -> None:
    if returned.organisation_id != preview.organisation_id or returned.status != SubmissionStatus.RETURNED:
        raise ReviewError(f"submission {returned.pk} is not a returned submission of {preview.organisation.name}")
    preview.resubmission_of = returned
    preview.save(update_fields=["resubmission_of"])
    _decide(returned, ReviewAction.RESUBMITTED, user, comment=f"corrected as submission {preview.pk}")


def submit_file(source: Source | None, organisation: Organisation, user: Visitor, channel: str, accept_valid: bool = False,
                sheet: str | None = None, filename: str | None = None, publish: bool = False,
                progress: ProgressReporter | None = None, options: StatedOptions | None = None,
                submission: Submission | None = None, content: str = "projects") -> Submission:
    """The CLI's and API's intake: check the file and submit it for review, or with `publish`
    (approvers and administrators; user None is the command-line operator) write it at once,
    recorded as approved in the same step. Returns the submission that says what happened.
    ``submission``: a pending one created with the file (a dry run, or not with `publish`), run
    by the job worker. ``content``: "projects" (budgets) or "progress" (quarterly updates): the same rule."""
    if publish and not (can_approve_for(user, organisation) or _is_operator(user)):
        raise PermissionDenied(f"Only {organisation.name}'s approvers, its coordinator or an administrator may "
                               "publish without review.")
    if submission is not None:
        content = submission.content

    def read(dry_run: bool) -> Submission:
        if content == "progress":
            return import_progress(source, organisation, user, channel, filename=filename, dry_run=dry_run,
                                   accept_valid=accept_valid, sheet=sheet, submission=submission)
        return run_import(source, organisation, user, channel, dry_run=dry_run, accept_valid=accept_valid,
                          sheet=sheet, progress=progress, filename=filename, options=options, submission=submission)

    if publish:
        written = read(dry_run=False)
        if written.status in WRITTEN:
            how = f"published in the same step ({channel})"
            _decide(written, ReviewAction.APPROVED, user, how=how, commit=written)
        return written
    preview = read(dry_run=True)
    if not can_be_submitted(preview) or (preview.errors and not accept_valid):
        return preview
    commit = submit(preview, user, how=channel)
    if commit is not None:
        return commit
    preview.refresh_from_db()
    return preview


def submit_progress(project: Project, data: Mapping[str, Any], user: Visitor, channel: str, publish: bool = False
                    ) -> Submission:
    """One quarter of one project's progress from the project page's form or the API (``data``: the typed
    texts). The same rule as a file: only approved figures count in public totals, so the report is kept
    as a one-row progress file and submitted for review (the returned submission is ``submitted``), or
    published at once (``committed``) when the organisation publishes on submit or, with ``publish``, by
    its approvers, its coordinator or an administrator. ParseError: the report's problem, nothing kept."""
    quarter, values = progress.parse_values(project, data)
    if not (can_submit_for(user, project.organisation) or _is_operator(user)):
        raise PermissionDenied(f"You may not report for {project.organisation.name}.")
    source = progress.one_row_file(project, quarter, values)
    submission = submit_file(source, project.organisation, user, channel, filename=source.name, publish=publish,
                             content="progress")
    if submission.status not in (*WRITTEN, SubmissionStatus.SUBMITTED):
        problems = [error.get("message", "") for error in submission.errors or []]
        raise progress.ParseError("; ".join(problems) or f"the report was {submission.get_status_display().lower()}")
    return submission


def _is_operator(user: Visitor) -> bool:
    """The command-line operator (no user named) has the database: they act as administrator. They are
    recorded as their operating-system user (ddm.accounts.audit), which can never sign in."""
    return user is None or is_cli_user(user)


# -- deciding ----------------------------------------------------------------------------------

def _reviewable(submission: Submission, user: Visitor) -> None:
    if not (can_approve_for(user, submission.organisation) or _is_operator(user)):
        raise PermissionDenied(f"You may not review {submission.organisation.name}'s submissions.")
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ReviewError(f"submission {submission.pk} is {submission.get_status_display().lower()}: only a "
                          "submission awaiting review can be approved or returned")


def approve(submission: Submission, user: Visitor, comment: str = "", run: Runner | None = None) -> Submission:
    """Approve: the file is written to the register by a new submission (returned). `run(commit)`
    runs it (default: inline or in the background by size, as the upload page does)."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("organisation").get(pk=submission.pk)
        _reviewable(submission, user)
    return _publish(submission, user, "", comment=comment, run=run)


def _publish(submission: Submission, user: Visitor, how: str, comment: str = "", run: Runner | None = None
             ) -> Submission:
    with submission.source_file.open("rb") as handle:
        commit = start_submission(handle, submission.organisation, submission.user, submission.channel,
                                  submission.filename, submission.sheet, dry_run=False,
                                  accept_valid=submission.accept_valid or bool(submission.errors),
                                  options=restated(submission.options), content=submission.content)
    commit.preview = submission
    commit.save(update_fields=["preview"])
    _set_status(submission, SubmissionStatus.APPROVED)
    _decide(submission, ReviewAction.APPROVED, user, comment=comment, how=how, commit=commit)
    if run is None:
        tasks.start(commit)
    else:
        run(commit)
    commit.refresh_from_db()
    return commit


ROW_COMMENT = re.compile(r"^\s*(?:(?P<sheet>[^!:]+)!)?(?P<where>[^:]+?)\s*:\s*(?P<text>.+)$")


def parse_row_comments(text: str | None) -> list[RowComment]:
    """Comments per row or project, one per line: "12: amount doubled", "Sheet1!12: ...",
    "DWS-001: wrong municipality". A line without "where:" is refused (nothing silently dropped)."""
    comments: list[RowComment] = []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        match = ROW_COMMENT.match(line)
        if match is None:
            raise ReviewError(f"row comments, line {number}: write it as \"ROW: comment\" or "
                              f"\"REFERENCE: comment\" ({line.strip()!r})")
        where = match["where"].strip()
        row = int(where) if where.isdigit() else None
        comments.append({"sheet": (match["sheet"] or "").strip(), "row": row,
                         "reference": "" if row is not None else where, "comment": match["text"].strip()})
    return comments


def return_submission(submission: Submission, user: Visitor, comment: str,
                      row_comments: Iterable[Mapping[str, Any]] = ()) -> Submission:
    """Return the submission to its submitter with a comment (required) and comments per row."""
    if not (comment or "").strip():
        raise ReviewError("say why the submission is returned (a comment is required)")
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("organisation").get(pk=submission.pk)
        _reviewable(submission, user)
        _set_status(submission, SubmissionStatus.RETURNED)
        _decide(submission, ReviewAction.RETURNED, user, comment=comment.strip(), row_comments=row_comments)
    return submission


# -- what users see ----------------------------------------------------------------------------

def latest_return(submission: Submission) -> ReviewDecision | None:
    return submission.decisions.filter(action=ReviewAction.RETURNED).order_by("-created", "-pk").first()


def tasks_for(user: Visitor) -> dict[str, list[Submission]]:
    """{"to_review": submissions awaiting this user's review, "returned": this user's organisations'
    returned submissions not yet corrected (each with .returned_by: the ReviewDecision with the
    comments)}; oldest first, at most MAX_TASKS each."""
    if not getattr(user, "is_authenticated", False):
        return {"to_review": [], "returned": []}
    waiting = Submission.objects.filter(status=SubmissionStatus.SUBMITTED).select_related(
        "organisation__municipality", "user").order_by("created")
    to_review = [s for s in waiting[:MAX_TASKS * 5] if can_approve_for(user, s.organisation)][:MAX_TASKS]
    returned = list(Submission.objects.filter(
        status=SubmissionStatus.RETURNED, organisation__in=organisations_for(user), resubmissions__isnull=True,
    ).select_related("organisation", "user").order_by("created")[:MAX_TASKS])
    for submission in returned:
        submission.returned_by = latest_return(submission)  # type: ignore[attr-defined]  # for the template only
    return {"to_review": to_review, "returned": returned}


def pending_changes(user: Visitor, project: Project) -> list[tuple[Submission, dict[str, Any]]]:
    """[(submission, diff entry)] of the submissions awaiting review (or returned) that would change
    this project (its budget or its quarterly progress), for users who may see them (its organisation's
    submitters and its reviewers)."""
    organisation = project.organisation
    if not (can_submit_for(user, organisation) or can_approve_for(user, organisation)):
        return []
    found: list[tuple[Submission, dict[str, Any]]] = []
    for submission in Submission.objects.filter(organisation=organisation, status__in=PENDING_REVIEW).only(
            "pk", "status", "diff", "created", "organisation"):
        diff = submission.diff or {}
        for entry in [*diff.get("changed", []), *diff.get("progress", [])]:
            if entry.get("reference") == project.reference:
                found.append((submission, entry))
    return found
