"""Issue #15: hostile skills-audit files, each with its expected outcome, through the path a web upload
takes: a ddm.jobs file job run by the worker (run_skills_job). Every job ends "done" (never "failed",
never a traceback) with the expected report; a refused file writes nothing; nothing is cut or expanded.
SQLite and PostgreSQL (DATABASE_URL)."""

import re
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from ddm.capacity.models import AuditEntry, SkillsAudit
from ddm.capacity.skills_import import JOB_KIND
from ddm.jobs import runner
from hostile_files import (
    LAUGHS,
    OLE2,
    PDF,
    XXE,
    book,
    csv,
    dimension_xlsx,
    entity_xlsx,
    far_cell_xlsx,
    macro_xlsx,
    many_cells_xlsx,
    ods,
    plain_zip,
    truncated_zip,
    zip_bomb,
)

pytestmark = pytest.mark.django_db

HEADER = ["Post title", "Person", "Management", "Skill", "Level"]
GOOD = ["Electrical engineer", "Ann", "yes", "electrical_engineer", "professional"]


@dataclass
class Case:
    name: str
    filename: str
    make: object
    status: str  # the report's: rejected / committed / partial / any
    error: str = ""  # a regex some error's message must match
    entries: int | None = None  # audit entries written
    accept_valid: bool = False
    settings: dict = field(default_factory=dict)

    def __str__(self):
        return self.name


CASES = [
    Case("far-cell-A1-XFD1048576", "bomb.xlsx", lambda: far_cell_xlsx(HEADER), "rejected", r"A1 to XFD1048576"),
    Case("declared-dimension-huge", "dim.xlsx", lambda: dimension_xlsx(HEADER), "rejected", r"A1:XFD1048576"),
    Case("too-many-cells", "cells.xlsx", lambda: many_cells_xlsx(HEADER, 2000), "rejected", r"more than 5,000 cells",
         settings={"DDM_READ_MAX_CELLS": 5000}),
    Case("too-many-rows-xlsx", "rows.xlsx", lambda: many_cells_xlsx(HEADER, 1500), "rejected",
         r"more than 1,000 rows", settings={"DDM_READ_MAX_ROWS": 1000}),
    Case("too-many-rows-csv", "rows.csv", lambda: csv([HEADER] + [GOOD] * 1200, sep=","), "rejected",
         r"more than 1,000 rows", settings={"DDM_READ_MAX_ROWS": 1000}),
    Case("zip-bomb", "zipbomb.xlsx", zip_bomb, "rejected", r"zip bomb"),
    Case("xxe-external-entity", "xxe.xlsx", lambda: entity_xlsx(HEADER, GOOD[:1], XXE, "&e;"), "any"),
    Case("billion-laughs", "laughs.xlsx", lambda: entity_xlsx(HEADER, GOOD[:1], LAUGHS, "&i;"), "any"),
    Case("damaged-truncated-zip", "cut.xlsx", lambda: truncated_zip(book([("Audit", [HEADER, GOOD])])), "rejected",
         r"damaged or incomplete"),
    Case("zip-not-a-workbook", "archive.xlsx", plain_zip, "rejected", r"zip archive, not a spreadsheet"),
    Case("vba-project", "macro.xlsx", lambda: macro_xlsx(HEADER), "rejected", r"macro-enabled workbook"),
    Case("ods", "audit.ods", ods, "rejected", r"OpenDocument"),
    Case("xls-ole2", "old.xls", lambda: OLE2, "rejected", r"Excel 97-2003"),
    Case("pdf-named-xlsx", "scan.xlsx", lambda: PDF, "rejected", r"PDF"),
    Case("empty-file", "empty.csv", lambda: b"", "rejected", r"."),
    Case("too-large", "big.csv", lambda: csv([HEADER] + [GOOD] * 100, sep=","), "rejected",
         r"larger than the limit", settings={"DDM_MAX_UPLOAD_BYTES": 2000}),
    Case("nul-bytes", "nul.csv", lambda: csv([HEADER], sep=",") + b"Eng\x00ineer,Ann,yes,civil_engineer,basic\r\n",
         "rejected", r"not a spreadsheet"),
    Case("no-header", "noheader.csv", lambda: csv([["a", "b"], [1, 2]], sep=","), "rejected", r"."),
    Case("header-only", "header.xlsx", lambda: book([("Audit", [HEADER])]), "rejected", r"no data rows"),
    Case("blank-lines-only", "blank.csv", lambda: csv([HEADER], sep=",") + b"\r\n" * 50_000, "rejected",
         r"no data rows"),
    Case("unknown-skill", "skill.csv", lambda: csv([HEADER, [*GOOD[:3], "rocket_science", "basic"]], sep=","),
         "rejected", r"unknown skill"),
    Case("level-out-of-range", "level.csv", lambda: csv([HEADER, [*GOOD[:4], "9"]], sep=","), "rejected",
         r"level must be"),
    Case("management-not-yes-no", "mgmt.csv", lambda: csv([HEADER, [GOOD[0], GOOD[1], "perhaps", *GOOD[3:]]], sep=","),
         "rejected", r"management must be yes or no"),
    Case("another-municipality", "muni.csv", lambda: csv([["Municipality code", *HEADER], ["ETH", *GOOD]], sep=","),
         "rejected", r"this file is for LIM362"),
    Case("post-title-100000-characters", "long.csv", lambda: csv([HEADER, ["x" * 100_000, *GOOD[1:]]], sep=","),
         "rejected", r"post title is 100,000 characters long, more than 200"),
    Case("person-201-characters", "person.csv", lambda: csv([HEADER, [GOOD[0], "p" * 201, *GOOD[2:]]], sep=","),
         "rejected", r"person is 201 characters long"),
    Case("accept-valid-keeps-the-good-row", "partial.csv", lambda: csv([HEADER, GOOD, [*GOOD[:3], "nope", "1"]],
         sep=","), "partial", r"unknown skill", entries=1, accept_valid=True),
    Case("formula-kept-as-text", "formula.csv", lambda: csv([HEADER, ['=HYPERLINK("http://x")', *GOOD[1:]]], sep=","),
         "committed", entries=1),
    Case("html-in-person", "html.xlsx", lambda: book([("Audit", [HEADER, [GOOD[0], "<script>x</script>",
                                                                          *GOOD[2:]]])]), "committed", entries=1),
    Case("hidden-instructions-sheet-first", "sheets.xlsx", lambda: book([("Instructions", [["Fill in the audit"]]),
                                                                         ("Audit", [HEADER, GOOD])]),
         "committed", entries=1),
]


def test_the_skills_corpus_is_named_uniquely():
    assert len(CASES) >= 25 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_skills_file(case):
    upload = SimpleUploadedFile(case.filename, case.make())
    job = runner.start(JOB_KIND, upload, None, {"municipality": "LIM362", "dry_run": False,
                                                "accept_valid": case.accept_valid})
    with override_settings(**case.settings):
        runner.run_now(job.pk)  # the worker's part (the test's task backend only stores the task)
    job.refresh_from_db()
    report = job.result
    summary = f"{job.status} {job.note} {report.get('status')}: {report.get('errors', [])[:3]}"
    assert job.status == "done", summary
    if case.status != "any":
        assert report["status"] == case.status, summary
    if report["status"] == "rejected":
        assert report["errors"] and all(e["file"] == case.filename for e in report["errors"]), summary
        assert not SkillsAudit.objects.exists(), "a refused file wrote nothing"
    if case.error:
        assert any(re.search(case.error, e["message"]) for e in report["errors"]), summary
    if case.entries is not None:
        assert AuditEntry.objects.count() == report["entries_written"] == case.entries, summary
    for entry in AuditEntry.objects.all():
        assert "root:" not in entry.person_name and len(entry.post_title) <= 200  # nothing expanded or cut
