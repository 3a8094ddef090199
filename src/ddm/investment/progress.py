"""Quarterly progress: a project's stage, physical progress and expenditure to date, per quarter.

A quarter is stored by its last day (ProgressReport.quarter_end), so organisations on April-March
and July-June years report the same calendar quarter; it is shown in the organisation's own
financial year ("2024/25 Q1" is April-June 2024 for a department, July-September 2024 for a
municipality). A quarterly update never touches budget lines: it writes ProgressReport rows (one
per project and quarter; a second report for the same quarter replaces the first, with history)
and moves the project's current stage and actual dates when it is the project's latest quarter.

Intake (``import_progress``): the long form "reference, quarter, stage, progress, expenditure to
date" (+ optional actual start/completion, comment) read with ddm.tabular's header detection and
reported row by row like the projects intake (file, sheet, row, column, value, reason). All or
nothing by default; ``accept_valid`` writes the valid rows. Every file is a Submission
(content "progress") with its issues, reviewed like a budget file (ddm.investment.review: a preview
records the pending figures, approval writes them); the upload page, the API and ``ddm import
progress`` submit it. The project page's form and the API's one-project report are checked here
(``parse_values``) and submitted as a one-row file (``one_row_file``, ddm.investment.review.submit_progress),
under the same review; approval writes through ``record``.
"""

import calendar as _calendar
import csv
import datetime
import io
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone

from ddm.accounts.access import Visitor
from ddm.accounts.models import Organisation
from ddm.investment.intake.parsing import ParseError, parse_amount, parse_date
from ddm.investment.intake.pipeline import Source, running, start_submission
from ddm.investment.models import Location, ProgressReport, Project, Stage, Submission, SubmissionStatus
from ddm.places.models import Place
from ddm.tabular import Column, IssueLog, Table, TableError, detect_header, open_table

SYNONYMS = {
    "reference": ["reference", "project reference", "project id", "project ref", "project number", "project no",
                  "ref", "id"],
    "quarter": ["quarter", "reporting quarter", "period", "reporting period"],
    "stage": ["stage", "project stage", "irm stage", "status", "project status"],
    "progress": ["progress", "physical progress", "progress %", "percent complete", "% complete",
                 "percentage complete", "physical progress %"],
    "expenditure_to_date": ["expenditure to date", "cumulative expenditure", "spent to date",
                            "actual expenditure to date", "total expenditure to date", "expenditure"],
    "actual_start": ["actual start", "actual start date", "construction start"],
    "actual_completion": ["actual completion", "actual completion date", "actual end date", "completion date"],
    "note": ["comment", "comments", "note", "notes", "remarks"],
}
REQUIRED = ("reference", "quarter")
STAGE_WORDS = {
    "initiation": Stage.INITIATION, "concept": Stage.CONCEPT, "feasibility": Stage.CONCEPT,
    "design": Stage.DESIGN, "design development": Stage.DESIGN, "tender": Stage.TENDER,
    "procurement": Stage.TENDER, "construction": Stage.CONSTRUCTION, "works": Stage.CONSTRUCTION,
    "handover": Stage.HANDOVER, "hand over": Stage.HANDOVER, "close out": Stage.CLOSE_OUT,
    "closeout": Stage.CLOSE_OUT, "closed": Stage.CLOSE_OUT, "on hold": Stage.ON_HOLD, "hold": Stage.ON_HOLD,
    "suspended": Stage.ON_HOLD, "cancelled": Stage.CANCELLED, "canceled": Stage.CANCELLED,
}
QUARTER_ENDS = {3: 31, 6: 30, 9: 30, 12: 31}


class ProgressValues(TypedDict, total=False):
    """The figures of one report, as parsed (a file leaves out the columns it does not have)."""

    stage: str
    progress: Decimal | None
    expenditure_to_date: Decimal | None
    actual_start: datetime.date | None
    actual_completion: datetime.date | None
    note: str


class _Counts(TypedDict):
    read: int
    rejected: int
    written: set[str]  # references of the projects written (or, in a dry run, that would be)


class PendingEntry(TypedDict):
    """A row of a dry run: what publishing it would change (the shape of a changed project in intake/diff.py)."""

    reference: str
    title: str
    quarter_end: str
    quarter: str
    fields: dict[str, list[str | None]]
    lines: list[Any]
    values: dict[str, str | None]


# (project, quarter end, values, row number) of a valid row of a file.
ValidRow = tuple[Project, datetime.date, ProgressValues, int]


# -- quarters ----------------------------------------------------------------------------------

def quarter_end(fy_first: int, number: int, fy_start_month: int) -> datetime.date:
    """Last day of quarter ``number`` (1-4) of the financial year starting in ``fy_first``."""
    month = fy_start_month + 3 * number - 1
    year = fy_first + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime.date(year, month, _calendar.monthrange(year, month)[1])


def quarter_label(end: datetime.date, fy_start_month: int) -> str:
    """'2024/25 Q1' in the calendar starting in fy_start_month."""
    months_in = (end.month - fy_start_month) % 12 + 1
    number = (months_in + 2) // 3
    fy_first = end.year if end.month >= fy_start_month else end.year - 1
    return f"{fy_first}/{(fy_first + 1) % 100:02d} Q{number}"


def current_quarter_end(on: datetime.date | None = None) -> datetime.date:
    """The last calendar quarter that has ended on ``on`` (default today): the one due a report."""
    on = on or timezone.localdate()
    month = (on.month - 1) // 3 * 3  # last month of the previous quarter (0: December of last year)
    year = on.year if month else on.year - 1
    month = month or 12
    return datetime.date(year, month, QUARTER_ENDS[month])


FY_QUARTER = re.compile(r"^(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*[-,\s]*q([1-4])$|^q([1-4])\s*[-,\s]*(?:fy\s*)?"
                        r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
DHIS2_QUARTER = re.compile(r"^(\d{4})\s*-?\s*q([1-4])$")


def parse_quarter(value: object, fy_start_month: int) -> datetime.date:
    """A quarter's last day from "2024/25 Q1" (the organisation's financial year), "Q1 2024/25",
    "2024Q1" (a calendar quarter, as DHIS2 writes it) or the quarter's last day as a date."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return _quarter_day(value)
    text = str(value or "").strip().lower()
    if not text:
        raise ParseError("no quarter")
    match = FY_QUARTER.match(text)
    if match:
        first, second, number = (match[1], match[2], match[3]) if match[1] else (match[5], match[6], match[4])
        first = int(first)
        if int(second[-2:]) != (first + 1) % 100:
            raise ParseError(f"{value}: the financial year must be two consecutive years, e.g. {first}/{(first + 1) % 100:02d}")
        return quarter_end(first, int(number), fy_start_month)
    match = DHIS2_QUARTER.match(text)
    if match:
        return quarter_end(int(match[1]), int(match[2]), 1)
    try:
        day = parse_date(value)
    except ParseError:
        day = None
    if day is None:
        raise ParseError(f"{value}: not a quarter (write e.g. 2024/25 Q1, or the quarter's last day 2024-06-30)")
    return _quarter_day(day)


def _quarter_day(day: datetime.date) -> datetime.date:
    if QUARTER_ENDS.get(day.month) != day.day:
        raise ParseError(f"{day.isoformat()} is not the last day of a quarter (31 March, 30 June, 30 September "
                         "or 31 December)")
    return day


# -- values ------------------------------------------------------------------------------------

def parse_stage(value: object) -> str:
    if value in (None, ""):
        return ""
    text = re.sub(r"[\s_\-]+", " ", str(value).strip().lower())
    if text in Stage.values or text.replace(" ", "_") in Stage.values:
        return text.replace(" ", "_")
    for label, stage in ((str(s.label).lower(), s.value) for s in Stage):
        if text == label:
            return stage
    if text in STAGE_WORDS:
        return STAGE_WORDS[text]
    raise ParseError(f"{value}: unknown stage (use one of: {', '.join(str(s.label) for s in Stage)})")


def parse_progress(value: object, warn: Callable[[str], None]) -> Decimal | None:
    """Physical progress in per cent (0-100): "45%", 45, or 0.45 from a cell formatted as a percentage."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ParseError("a yes/no value, not a percentage")
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        number = Decimal(text) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation:
        raise ParseError(f"{value}: not a percentage") from None
    if isinstance(value, float) and 0 < number < 1:
        warn(f"{value} read as {number * 100}% (a cell formatted as a percentage)")
        number *= 100
    if not 0 <= number <= 100:
        raise ParseError(f"{value}: progress must be between 0 and 100 per cent")
    return number.quantize(Decimal("0.01"))


# -- writing -----------------------------------------------------------------------------------

def record(project: Project, quarter: datetime.date, submission: Submission | None = None, user: Visitor = None,
           first_reported: datetime.datetime | None = None, **values: Any) -> ProgressReport:
    """Write one quarterly report (replacing that quarter's earlier one); move the project's stage
    and actual dates when this is its latest quarter. Budget lines are never touched.
    ``first_reported``: when a new quarter's figures were sent (default now); a correction keeps the first."""
    report = ProgressReport.objects.filter(project=project, quarter_end=quarter).first() or ProgressReport(
        project=project, quarter_end=quarter, first_reported=first_reported or timezone.now())
    for name, value in values.items():
        setattr(report, name, value)
    report.submission = submission
    report._history_user = user if getattr(user, "pk", None) else None  # type: ignore[attr-defined]  # simple-history reads it on save
    report.save()
    latest = project.progress.order_by("-quarter_end").values_list("quarter_end", flat=True).first()
    if latest == quarter:
        changed = []
        for name in ("stage", "actual_start", "actual_completion"):
            value = values.get(name)
            if value not in (None, "") and getattr(project, name) != value:
                setattr(project, name, value)
                changed.append(name)
        if changed:
            project._history_user = report._history_user  # type: ignore[attr-defined]
            project.save(update_fields=[*changed, "updated"])
    return report


def parse_values(project: Project, data: Mapping[str, Any]) -> tuple[datetime.date, ProgressValues]:
    """(quarter end, values) of one report typed in a form or sent to the API, checked like a file's
    cells (ParseError naming the field's problem)."""
    month = project.organisation.fy_start_month
    quarter = parse_quarter(data.get("quarter"), month)
    values: ProgressValues = {"stage": parse_stage(data.get("stage")), "note": str(data.get("note") or "")[:2000]}
    values["progress"] = parse_progress(data.get("progress"), lambda message: None)
    amount = data.get("expenditure_to_date")
    values["expenditure_to_date"] = parse_amount(amount) if amount not in (None, "") else None
    if values["expenditure_to_date"] is not None and values["expenditure_to_date"] < 0:
        raise ParseError("expenditure to date cannot be negative")
    for name in ("actual_start", "actual_completion"):
        raw = data.get(name)
        values[name] = parse_date(raw) if raw not in (None, "") else None
    if not any(values.get(n) not in (None, "") for n in ("stage", "progress", "expenditure_to_date")):
        raise ParseError("the report says nothing: give a stage, progress or expenditure to date")
    return quarter, values


ONE_ROW_COLUMNS = ("reference", "quarter", "stage", "progress", "expenditure_to_date", "actual_start",
                   "actual_completion", "note")


def one_row_file(project: Project, quarter: datetime.date, values: ProgressValues) -> io.BytesIO:
    """A checked report as a one-row progress file (CSV, the quarter as its last day), so the form's and
    the API's reports are kept, previewed, reviewed and published exactly as uploaded files are."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([name.replace("_", " ") for name in ONE_ROW_COLUMNS])
    row: dict[str, object] = {**values, "reference": project.reference, "quarter": quarter}
    writer.writerow(["" if row.get(name) is None else _text(row[name]) for name in ONE_ROW_COLUMNS])
    handle = io.BytesIO(text.getvalue().encode("utf-8"))
    handle.name = f"{project.reference} {quarter_label(quarter, project.organisation.fy_start_month)}.csv".replace(
        "/", "-")
    return handle


def import_progress(source: Source | None, organisation: Organisation, user: Visitor = None, channel: str = "cli",
                    filename: str | None = None, dry_run: bool = False, accept_valid: bool = False,
                    sheet: str | None = None, submission: Submission | None = None) -> Submission:
    """Read a quarterly progress file for one organisation; returns its Submission (``submission``: a
    pending one created with the file, e.g. by the upload page, run here or by the job worker).

    A dry run (the preview every reviewed file starts as) writes nothing and records in its diff the
    figures approving it would publish (``diff["progress"]``); approving it runs the file again for real
    (ddm.investment.review), so ProgressReport holds only published figures."""
    if submission is None:
        assert source is not None, "a file, or a pending submission keeping one"
        submission = start_submission(source, organisation, user, channel, filename, sheet, dry_run, accept_valid,
                                      content="progress")
    else:
        user = user or submission.user
    log = IssueLog(file=submission.filename)
    counts: _Counts = {"read": 0, "rejected": 0, "written": set()}
    pending: list[PendingEntry] = []
    # Marked running, its process named first (ddm.jobs.progress): a worker killed mid-file leaves it
    # "running" with a dead process, which fail_abandoned marks failed (the restarted worker, before its
    # next job; or the submission's page). Its rows and its final status are committed in one
    # transaction, so a killed run left nothing anyone can see.
    with running(submission):
        rows: list[ValidRow] = []
        status: str | None = None
        try:
            source_file = submission.source_file.open("rb") if submission.source_file else source
            assert source_file is not None, "a file, or a submission keeping one"
            tables = open_table(source_file, submission.filename, sheet=sheet or None)
            rows = [row for table in tables for row in _rows(table, organisation, log, counts)]
        except TableError as exc:
            log.error(str(exc), file=submission.filename)
            status = SubmissionStatus.REJECTED
        finally:
            if submission.source_file:
                submission.source_file.close()
        submitted = _submitted_at(submission)
        with transaction.atomic():
            if status is None:
                status = _write(rows, submission, user, submitted, dry_run, accept_valid, log, counts, pending)
            _finish(submission, status, log, counts, pending, dry_run)
    return submission


def _write(rows: list[ValidRow], submission: Submission, user: Visitor, submitted: datetime.datetime, dry_run: bool,
           accept_valid: bool, log: IssueLog, counts: _Counts, pending: list[PendingEntry]) -> str:
    """Write the valid rows (a dry run lists them in ``pending``), undone when nothing may be written;
    returns the submission's status."""
    with transaction.atomic():
        for project, quarter, values, _where in rows:
            if dry_run:
                pending.append(_pending_entry(project, quarter, values))
            else:
                record(project, quarter, submission, user, first_reported=submitted, **values)
            counts["written"].add(project.reference)
        if dry_run or (log.blocking and not accept_valid):
            transaction.set_rollback(True)
    if log.blocking and not accept_valid:
        return SubmissionStatus.REJECTED
    if dry_run:
        return SubmissionStatus.PREVIEW
    return SubmissionStatus.PARTIAL if counts["rejected"] else SubmissionStatus.COMMITTED


def _finish(submission: Submission, status: str, log: IssueLog, counts: _Counts, pending: list[PendingEntry],
            dry_run: bool) -> None:
    errors, warnings = log.as_dicts()
    submission.status, submission.errors, submission.warnings = status, errors, warnings
    submission.rows_read, submission.rows_rejected = counts["read"], counts["rejected"]
    submission.projects_updated = len(counts["written"])
    submission.content, submission.dry_run = "progress", dry_run
    if dry_run:
        submission.diff = {"progress": pending, "counts": {"progress": len(pending)}}
    submission.finished = timezone.now()
    submission.save()


def _submitted_at(submission: Submission) -> datetime.datetime:
    """When the figures were sent: the reviewed preview's upload (timeliness counts the reporter's day,
    not the reviewer's), else this submission's."""
    preview = submission.preview
    return preview.created if preview is not None else submission.created


def _text(value: object) -> str | None:
    return None if value in (None, "") else value.isoformat() if hasattr(value, "isoformat") else str(value)


PENDING_FIELDS = (("stage", "stage"), ("progress", "progress %"), ("expenditure_to_date", "expenditure to date (R)"),
                  ("actual_start", "actual start"), ("actual_completion", "actual completion"))


def _pending_entry(project: Project, quarter: datetime.date, values: ProgressValues) -> PendingEntry:
    """What publishing this row would change: the quarter's published report (if any) -> the file's,
    in the shape of a changed project of intake/diff.py (so pages list both alike)."""
    label = quarter_label(quarter, project.organisation.fy_start_month)
    published = project.progress.filter(quarter_end=quarter).first()
    fields: dict[str, list[str | None]] = {}
    for name, words in PENDING_FIELDS:
        new = values.get(name)
        old = getattr(published, name) if published is not None else None
        if new not in (None, "") and new != old:
            fields[f"{label} {words}"] = [_text(old), _text(new)]
    return {"reference": project.reference, "title": project.title, "quarter_end": quarter.isoformat(),
            "quarter": label, "fields": fields, "lines": [], "values": {k: _text(v) for k, v in values.items()}}


def _rows(table: Table, organisation: Organisation, log: IssueLog, counts: _Counts) -> Iterator[ValidRow]:
    """(project, quarter end, values, row number) of each valid row; errors go to the log."""
    header, data = detect_header(table, SYNONYMS, REQUIRED, filename=table.filename, sheet=table.sheet)
    fields = header.fields
    references: set[tuple[str, datetime.date | None]] = set()
    parsed: list[tuple[int, str, datetime.date | None, ProgressValues, list[str]]] = []
    for number, cells in data:
        if all(c in (None, "") for c in cells):
            continue
        counts["read"] += 1
        row = {name: (cells[col.index] if col.index < len(cells) else None) for name, col in fields.items()}
        errors: list[str] = []

        def problem(name: str, message: str, errors: list[str] = errors, row: dict[str, Any] = row,
                    number: int = number) -> None:
            column = fields.get(name)
            errors.append(message)
            log.error(message, sheet=table.sheet, row=number, column=column.label if column else "",
                      value=row.get(name))

        def warn(message: str, number: int = number) -> None:
            log.warning(message, sheet=table.sheet, row=number, column=fields["progress"].label)

        values: ProgressValues = {}
        reference = str(row.get("reference") or "").strip()
        if reference.endswith(".0") and reference[:-2].isdigit():
            reference = reference[:-2]  # a numeric reference read from a number cell
        quarter: datetime.date | None = None
        try:
            quarter = parse_quarter(row.get("quarter"), organisation.fy_start_month)
        except ParseError as exc:
            problem("quarter", str(exc))
        parsers: tuple[tuple[str, Callable[[Any], object]], ...] = (
            ("stage", parse_stage), ("progress", lambda v: parse_progress(v, warn)),
            ("expenditure_to_date", parse_amount), ("actual_start", parse_date), ("actual_completion", parse_date))
        for name, parse in parsers:
            if name in fields:
                try:
                    raw = row.get(name)
                    values[name] = (  # type: ignore[literal-required]  # each parser gives its field's type
                        parse(raw) if raw not in (None, "") else ("" if name == "stage" else None))
                except ParseError as exc:
                    problem(name, str(exc))
        if "note" in fields:
            values["note"] = str(row.get("note") or "")[:2000]
        spent = values.get("expenditure_to_date")
        if spent is not None and spent < 0:
            problem("expenditure_to_date", "expenditure to date cannot be negative")
        if not any(values.get(n) not in (None, "") for n in ("stage", "progress", "expenditure_to_date")):
            problem("stage", "the row reports nothing: give a stage, progress or expenditure to date")
        if not reference:
            problem("reference", "no project reference")
        elif (reference, quarter) in references:
            problem("reference", f"project {reference} is reported twice for this quarter")
        references.add((reference, quarter))
        parsed.append((number, reference, quarter, values, errors))
    projects = {p.reference: p for p in Project.objects.filter(
        organisation=organisation, reference__in=[r for _n, r, _q, _v, _e in parsed if r])}
    for number, reference, quarter, values, errors in parsed:
        project = projects.get(reference)
        if reference and project is None:
            errors.append("unknown")
            log.error(f"no project {reference} of {organisation.name} in the register: submit it with its budget "
                      "first (ddm import projects)", sheet=table.sheet, row=number,
                      column=fields["reference"].label, value=reference)
        if errors:
            counts["rejected"] += 1
            continue
        # A row without errors has a known project and a quarter.
        assert project is not None and quarter is not None
        _check_against_earlier(project, quarter, values, log, table.sheet, number, fields)
        yield project, quarter, values, number


def _check_against_earlier(project: Project, quarter: datetime.date, values: ProgressValues, log: IssueLog, sheet: str,
                           number: int, fields: dict[str, Column]) -> None:
    """Warn (not refuse) when cumulative figures go down against the project's previous quarter."""
    earlier = project.progress.filter(quarter_end__lt=quarter).order_by("-quarter_end").first()
    if earlier is None:
        return
    for name, label in (("expenditure_to_date", "expenditure to date"), ("progress", "progress")):
        new, old = values.get(name), getattr(earlier, name)
        if new is not None and old is not None and new < old:
            log.warning(f"{label} {new} is lower than {old} reported for the previous quarter; cumulative "
                        "figures should not fall (a correction?)", sheet=sheet, row=number,
                        column=fields[name].label, value=str(new))


# -- reading -----------------------------------------------------------------------------------

def zone_progress(zone: Place, quarter: datetime.date | None = None) -> list[tuple[Project, ProgressReport]]:
    """The zone's counted projects with a report (latest up to ``quarter``): [(project, report)],
    latest quarter first; one query over the zone's projects' reports."""
    reports = ProgressReport.objects.filter(
        project_id__in=Location.objects.filter(zone=zone).values("project_id"),
        project__duplicate_of__isnull=True).select_related("project__organisation")
    if quarter is not None:
        reports = reports.filter(quarter_end__lte=quarter)
    latest: dict[int, ProgressReport] = {}
    for report in reports.order_by("project_id", "quarter_end"):
        latest[report.project_id] = report
    rows = [(r.project, r) for r in latest.values()]
    rows.sort(key=lambda pr: (-pr[1].quarter_end.toordinal(), pr[0].organisation.name, pr[0].reference))
    return rows
