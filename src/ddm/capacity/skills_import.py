"""Import a municipality's skills audit from a spreadsheet (CLI `ddm import skills` and web upload).

Through the common importer (ddm.tabular): header detection, then per-row validation with
issues naming file, sheet, row, column, value and reason. All or nothing by default: any row
error and nothing is written; with accept_valid the valid rows are written and the rejected
ones listed. Each successful import is a new SkillsAudit, which becomes the municipality's
current audit (older audits are kept).

The web upload never reads the file itself: it becomes a ddm.jobs file job of kind "skills", run by
the job worker through ``run_skills_job`` (registered by CapacityConfig.ready), whose report (the
``as_dict`` below, plus the rejected rows to download) the upload page shows.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from rapidfuzz import process

from ddm.accounts.access import Visitor
from ddm.capacity.models import AuditEntry, Skill, SkillLevel, SkillsAudit
from ddm.capacity.services import audit_subject
from ddm.jobs.models import FileJob
from ddm.jobs.reports import cell_json
from ddm.places.models import Place
from ddm.tabular import HeaderError, IssueLog, TableError, detect_header, open_table, rejected_rows_xlsx
from ddm.tabular.header import Header
from ddm.tabular.reading import Table

# What the importer reads: a path, or an open binary file or upload (as ddm.tabular.open_table takes).
Source = str | os.PathLike[str] | IO[bytes] | UploadedFile

SYNONYMS = {
    "municipality": ["municipality code", "mdb code", "municipality"],
    "post_title": ["post", "post title", "position", "job title"],
    "person_name": ["person", "name", "person name", "employee", "official", "incumbent"],
    "occupational_category": ["occupational category", "occupation", "occupational group"],
    "management": ["management", "is management", "management level", "manager"],
    "skill": ["skill", "skill code", "skill name"],
    "level": ["level", "skill level", "proficiency"],
}
REQUIRED = ("post_title", "skill", "level", "management")
TEMPLATE_HEADER = ["Municipality code", "Post title", "Person", "Occupational category", "Management",
                   "Skill", "Level"]

TRUE_WORDS = {"yes", "y", "true", "1", "management", "manager", "senior management", "x"}
FALSE_WORDS = {"no", "n", "false", "0", "below management", "non-management", "non management", "staff"}
LEVEL_WORDS = {level.label.lower(): level for level in SkillLevel} | {str(level.value): level for level in SkillLevel}


# A rejected row: (its values as read, [the reasons])
RejectedRow = tuple[list[Any], list[str]]


class ImportRefused(Exception):
    """The file cannot be imported at all (unreadable, no header, unknown municipality)."""


@dataclass
class ImportResult:
    municipality: str
    filename: str
    sheet: str = ""
    dry_run: bool = False
    accept_valid: bool = False
    rows_read: int = 0
    valid: list[AuditEntry] = field(default_factory=list)
    log: IssueLog = field(default_factory=IssueLog)
    audit: SkillsAudit | None = None
    header_texts: list[Any] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.log.blocking and (not self.accept_valid or not self.valid):
            return "rejected"
        if self.dry_run:
            return "valid" if not self.log.blocking else "valid-rows-only"
        return "partial" if self.log.blocking else "committed"

    def rejected_xlsx(self) -> bytes:
        """The rejected rows as read plus an errors column: fix them and import the file again."""
        return rejected_rows_xlsx(self.header_texts, self.rejected)

    @property
    def rows_rejected(self) -> int:
        return len({i.row for i in self.log.errors})

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of `ddm import skills --json`."""
        errors, warnings = self.log.as_dicts()
        return {
            "municipality": self.municipality, "file": self.filename, "sheet": self.sheet,
            "status": self.status, "dry_run": self.dry_run, "accept_valid": self.accept_valid,
            "rows_read": self.rows_read, "rows_valid": len(self.valid), "rows_rejected": self.rows_rejected,
            "entries_written": self.audit.entries.count() if self.audit else 0,
            "audit_id": self.audit.pk if self.audit else None, "errors": errors, "warnings": warnings,
        }


class SkillMatcher:
    def __init__(self) -> None:
        self.skills = {s.code: s for s in Skill.objects.all()}
        self.by_name = {_norm(s.name): s for s in self.skills.values()} | {_norm(c): s for c, s in self.skills.items()}

    def find(self, text: str) -> Skill | None:
        return self.by_name.get(_norm(text))

    def hint(self, text: str) -> str:
        best = process.extractOne(_norm(text), list(self.by_name))
        return f" (did you mean {self.by_name[best[0]].code}?)" if best and best[1] >= 70 else ""


def _norm(text: object) -> str:
    return " ".join(str(text).lower().replace("_", " ").replace("/", " ").split())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_row(values: list[Any], header: Header, matcher: SkillMatcher, place: Place, log: IssueLog,
               number: int) -> AuditEntry | None:
    """One AuditEntry (unsaved, without audit) or None after logging this row's errors."""
    cols = header.fields

    def cell(name: str) -> tuple[str, Any]:
        column = cols.get(name)
        return (_text(values[column.index]) if column and column.index < len(values) else ""), column

    errors_before = log.error_count
    muni, column = cell("municipality")
    if muni and muni.upper() != place.code:
        log.error(f"this file is for {place.code}; the row names another municipality", row=number,
                  column=column.label, value=muni)
    post, column = cell("post_title")
    if not post:
        log.error("post title is required", row=number, column=column.label, value=post)
    skill_text, column = cell("skill")
    skill = matcher.find(skill_text) if skill_text else None
    if skill is None:
        reason = "skill is required" if not skill_text else "unknown skill" + matcher.hint(skill_text)
        log.error(f"{reason}; see the template's skills sheet for the codes", row=number,
                  column=column.label, value=skill_text)
    level_text, column = cell("level")
    level = LEVEL_WORDS.get(level_text.lower())
    if level is None:
        log.error("level must be basic, intermediate, advanced or professional (or 1-4)", row=number,
                  column=column.label, value=level_text)
    mgmt_text, column = cell("management")
    management = _yes_no(mgmt_text)
    if management is None:
        log.error("management must be yes or no (management vs below management)", row=number,
                  column=column.label, value=mgmt_text)
    person, person_column = cell("person_name")
    category, category_column = cell("occupational_category")
    for text, column, limit in ((post, cols["post_title"], 200), (person, person_column, 200),
                                (category, category_column, 120)):
        if len(text) > limit:  # refused, not cut: nothing is silently dropped
            log.error(f"{column.text.lower()} is {len(text):,} characters long, more than {limit}", row=number,
                      column=column.label, value=text[:80] + "…")
    if log.error_count > errors_before or skill is None or level is None or management is None:
        return None  # (the last three are logged above: they narrow the types)
    return AuditEntry(row=number, post_title=post, person_name=person, occupational_category=category,
                      is_management=management, skill=skill, level=level)


def _yes_no(text: str) -> bool | None:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def read_rows(source: Source, filename: str, place: Place, log: IssueLog,
              rejected: list[RejectedRow]) -> tuple[str, list[Any], int, list[AuditEntry]]:
    """(sheet, header texts, rows_read, [valid AuditEntry]) from the first sheet with the audit header;
    rejected rows are appended to ``rejected`` as (values, [messages]). A file the reader refuses (also
    while its rows stream: a workbook is read lazily, in ddm.tabular's sandbox) is ImportRefused."""
    try:
        return _read_rows(source, filename, place, log, rejected)
    except TableError as exc:
        raise ImportRefused(str(exc)) from exc


def _read_rows(source: Source, filename: str, place: Place, log: IssueLog,
               rejected: list[RejectedRow]) -> tuple[str, list[Any], int, list[AuditEntry]]:
    header, rows, table = _first_audit_sheet(source, filename)
    log.sheet = table.sheet
    matcher, valid, count = SkillMatcher(), [], 0
    for number, values in rows:
        if all(v in (None, "") for v in values):
            continue
        count += 1
        errors_before = len(log.errors)
        entry = _parse_row(values, header, matcher, place, log, number)
        if entry is not None:
            valid.append(entry)
        else:
            rejected.append((values, [i.message for i in log.errors[errors_before:]]))
    return table.sheet, header.texts, count, valid


def _first_audit_sheet(source: Source, filename: str) -> tuple[Header, Iterator[tuple[int, list[Any]]], Table]:
    """(header, data rows, table) of the first sheet with the audit header; ImportRefused naming why
    no sheet has one."""
    problems = []
    for table in open_table(source, filename):
        try:
            header, rows = detect_header(table, SYNONYMS, required=REQUIRED, filename=filename, sheet=table.sheet)
            return header, rows, table
        except HeaderError as exc:
            problems.append(str(exc))
    raise ImportRefused("; ".join(problems) or f"{filename}: the file has no sheets")


def import_skills(source: Source, filename: str, place: Place, user: Visitor = None, channel: str = "cli",
                  dry_run: bool = False, accept_valid: bool = False) -> ImportResult:
    """Validate (and unless dry_run or refused, write) a skills audit for ``place``."""
    log = IssueLog(file=filename)
    rejected: list[RejectedRow] = []
    sheet, header_texts, count, valid = read_rows(source, filename, place, log, rejected)
    if count == 0:
        log.error("the file has a header but no data rows")
    result = ImportResult(place.code, filename, sheet, dry_run, accept_valid, count, valid, log,
                          header_texts=header_texts, rejected=rejected)
    if result.status == "rejected" or dry_run:
        return result
    with transaction.atomic():
        audit = SkillsAudit.objects.create(
            municipality=place, filename=filename, channel=channel, user=user, rows_read=count,
            rows_rejected=result.rows_rejected, issues=log.as_dicts()[0],
        )
        for entry in valid:
            entry.audit = audit
        AuditEntry.objects.bulk_create(valid, batch_size=1000)
    result.audit = audit
    return result


JOB_KIND = "skills"
REJECTED_KEPT = 20000  # rejected rows kept on a job's report for download (counts stay exact)


def run_skills_job(job: FileJob, handle: IO[bytes]) -> dict[str, Any]:
    """The job worker's import of an uploaded skills audit (params: municipality, dry_run, accept_valid):
    the report of ``ImportResult.as_dict`` plus the header and rejected rows; a refused file's report
    names the file and the reason. Writes in one transaction (import_skills), or nothing."""
    params = job.params
    place = audit_subject(params["municipality"])
    try:
        result = import_skills(handle, job.filename, place, user=job.user, channel="upload",
                               dry_run=bool(params.get("dry_run")), accept_valid=bool(params.get("accept_valid")))
    except ImportRefused as exc:
        return refused_report(place.code, job.filename, str(exc), dry_run=bool(params.get("dry_run")))
    report = result.as_dict()
    report["header"] = [cell_json(text) for text in result.header_texts]
    report["rejected"] = [[[cell_json(v) for v in values], messages]
                          for values, messages in result.rejected[:REJECTED_KEPT]]
    return report


def refused_report(municipality: str, filename: str, reason: str, dry_run: bool = False) -> dict[str, Any]:
    """The report of a file that could not be read at all (one error naming the file and the reason)."""
    return {"municipality": municipality, "file": filename, "sheet": "", "status": "rejected", "dry_run": dry_run,
            "rows_read": 0, "rows_valid": 0, "rows_rejected": 0, "entries_written": 0, "audit_id": None,
            "errors": [{"level": "error", "message": reason, "file": filename, "sheet": "", "row": None,
                        "column": "", "value": None}], "warnings": [], "header": [], "rejected": []}


def template_sheets() -> list[tuple[str, list[str], list[list[Any]]]]:
    """The downloadable template: the audit sheet (with two example rows), skills and levels."""
    examples = [
        ["EC157", "Senior Water Process Controller", "Example Person", "Technicians", "no", "water_engineer",
         "advanced"],
        ["EC157", "Manager: Technical Services", "", "Managers", "yes", "civil_engineer", "professional"],
    ]
    skills = [[s.code, s.name, s.area, s.description] for s in Skill.objects.all()]
    levels = [[lv.value, lv.label.lower()] for lv in SkillLevel]
    notes = ["One row per person and skill; leave Person blank for a vacant post.",
             "Management: yes for management posts, no for posts below management level.",
             "Replace the example rows before importing."]
    return [
        ("skills audit", TEMPLATE_HEADER, examples),
        ("instructions", ["instructions"], [[n] for n in notes]),
        ("skills", ["code", "name", "area", "description"], skills),
        ("levels", ["value", "level"], levels),
    ]
