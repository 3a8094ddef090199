"""What an import produced, as the CLI, the API and the pages show it (one JSON shape)."""

from typing import Any, TypedDict

from ddm.investment.intake.options import describe
from ddm.investment.models import Submission
from ddm.tabular import rejected_sheets_xlsx

# An issue as stored on a submission: {"level", "message", "file", "sheet", "row", "column", "value"}.
IssueJson = dict[str, Any]


class CountsJson(TypedDict):
    rows_read: int
    rows_rejected: int
    projects_created: int
    projects_updated: int
    projects_unchanged: int


class DecisionJson(TypedDict):
    action: str
    user: str | None
    at: str
    comment: str
    row_comments: list[dict[str, Any]]
    how: str


class SubmissionJson(TypedDict):
    id: int
    organisation: str
    organisation_name: str
    filename: str
    sheet: str
    channel: str
    content: str
    status: str
    dry_run: bool
    accept_valid: bool
    created: str | None
    finished: str | None
    user: str | None
    options: dict[str, Any]
    counts: CountsJson
    errors: list[IssueJson]
    warnings: list[IssueJson]
    note: str
    preview: int | None
    resubmission_of: int | None
    changes: dict[str, int]
    decisions: list[DecisionJson]


def submission_json(submission: Submission) -> SubmissionJson:
    """The documented, stable JSON shape of a submission (CLI --json and the API):

    {"id", "organisation" (code), "organisation_name", "filename", "sheet", "channel", "status",
     "dry_run", "accept_valid", "created", "finished", "user",
     "counts": {"rows_read", "rows_rejected", "projects_created", "projects_updated",
                "projects_unchanged"},
     "errors": [issue], "warnings": [issue], "note",
     "options": {"years", "years_source", "unit", "unit_statement"} (each only when known),
     "preview" (id of the reviewed submission this one wrote, or null), "resubmission_of" (id or null),
     "changes": {"added", "changed", "not_in_file"} (what the file changes in the published register),
     "decisions": [{"action", "user", "at", "comment", "row_comments", "how"}]}
    status "submitted": awaiting review, nothing published; "returned": sent back with comments;
    "approved": written by the submission whose "preview" is this one; "committed"/"partial": written.
    where issue = {"level", "message", "file", "sheet", "row", "column", "value"}.
    """
    return {
        "id": submission.pk,
        "organisation": submission.organisation.code,
        "organisation_name": submission.organisation.name,
        "filename": submission.filename,
        "sheet": submission.sheet,
        "channel": submission.channel,
        "content": submission.content,
        "status": submission.status,
        "dry_run": submission.dry_run,
        "accept_valid": submission.accept_valid,
        "created": submission.created.isoformat() if submission.created else None,
        "finished": submission.finished.isoformat() if submission.finished else None,
        "user": submission.user.username if submission.user is not None else None,
        "options": submission.options or {},
        "counts": {
            "rows_read": submission.rows_read,
            "rows_rejected": submission.rows_rejected,
            "projects_created": submission.projects_created,
            "projects_updated": submission.projects_updated,
            "projects_unchanged": submission.projects_unchanged,
        },
        "errors": submission.errors,
        "warnings": submission.warnings,
        "note": submission.note,
        "preview": submission.preview_id,
        "resubmission_of": submission.resubmission_of_id,
        "changes": (submission.diff or {}).get("counts", {}),
        "decisions": [{"action": d.action, "user": d.user.username if d.user is not None else None,
                       "at": d.created.isoformat(), "comment": d.comment, "row_comments": d.row_comments,
                       "how": d.how} for d in submission.decisions.select_related("user")],
    }


def issue_line(issue: IssueJson) -> str:
    """"file:sheet:row:column: value — reason" (one line per error, for the CLI)."""
    where = ":".join(str(issue.get(k)) for k in ("file", "sheet", "row", "column") if issue.get(k) not in (None, ""))
    value = issue.get("value")
    value = "" if value in (None, "") else f"{value} — "
    return f"{where}: {value}{issue['message']}" if where else f"{value}{issue['message']}"


def has_rejected_rows(submission: Submission) -> bool:
    return bool(submission.rejected_rows) and bool(submission.rejected_rows.get("rows"))


def rejected_xlsx(submission: Submission) -> bytes:
    """The rejected rows as an XLSX (one sheet per source sheet): original columns + "errors"."""
    data = submission.rejected_rows or {}
    headers = data.get("headers", {})
    by_sheet: dict[str, list[tuple[list[Any], list[str]]]] = {}
    for row in data.get("rows", []):
        by_sheet.setdefault(row["sheet"], []).append((row["values"], row["errors"]))
    sheets = [(sheet or "rejected", headers.get(sheet, []), rows) for sheet, rows in by_sheet.items()]
    return rejected_sheets_xlsx(sheets or [("rejected", [], [])])


def summary_lines(submission: Submission) -> list[str]:
    verb = "would be" if submission.status in ("preview",) or submission.dry_run else "were"
    lines = [
        f"submission {submission.pk}: {submission.get_status_display()} — {submission.filename} for "
        f"{submission.organisation.name} ({submission.organisation.code})",
        f"rows read {submission.rows_read}, rejected {submission.rows_rejected}; projects {verb} created "
        f"{submission.projects_created}, updated {submission.projects_updated}, unchanged "
        f"{submission.projects_unchanged}",
        f"{len(submission.errors)} error(s), {len(submission.warnings)} warning(s)",
    ]
    options = submission.options or {}
    if options.get("unit_statement"):
        lines.append(options["unit_statement"])
    if options.get("years"):
        lines.append(describe(options))
    if submission.status == "rejected":
        lines.append("nothing was written (fix the errors, or use --accept-valid to write the valid rows)")
    if submission.status == "submitted":
        lines.append(f"submitted for review: nothing is published until approved "
                     f"(ddm submissions approve {submission.pk})")
    if submission.preview_id and submission.status in ("committed", "partial"):
        lines.append(f"published: writes the approved submission {submission.preview_id}")
    if submission.note:
        lines.append(submission.note)
    return lines
