"""Second demo: the 2019 Budget Review national infrastructure projects, through the pipeline.

Design: one submission per national department. The CSV names the department of each row
(`government_institution`); rather than teach the pipeline a per-row organisation (which would
make one submission span several organisations and their permissions), the loader splits the
file by department and imports each part for that department, as each department would submit
it. The rows are not changed: the file's bare years ("2019") are read with the same stated
convention a submitter gives on the CLI (``--years start``) or the upload page, so the demo and a
user importing the published file get the same years (see data/SOURCES.md).
"""

import csv
import io
from collections.abc import Callable
from pathlib import Path

from ddm.accounts.services import find_organisation
from ddm.investment.intake.pipeline import run_import
from ddm.investment.models import Submission, SubmissionStatus

DATA = Path(__file__).resolve().parent.parent / "data" / "national_infrastructure_projects_budget_review_2019-20.csv"
DONE = (SubmissionStatus.COMMITTED, SubmissionStatus.PARTIAL)
# The Budget Review list's "financial_year" is the year a financial year starts (2019 = 2019/20).
YEARS = "start"


def budget_review_parts() -> dict[str, bytes]:
    """{department name: CSV bytes}, rows as published."""
    with open(DATA, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fieldnames = reader.fieldnames or []
        parts: dict[str, list[dict[str, str]]] = {}
        for row in reader:
            parts.setdefault(row["government_institution"].strip(), []).append(row)
    out = {}
    for institution, rows in parts.items():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
        out[institution] = buffer.getvalue().encode("utf-8")
    return out


def load_budget_review_demo(echo: Callable[[str], None]) -> None:
    """Import each department's projects once; a part already committed is skipped (idempotent)."""
    totals = {"created": 0, "skipped": 0, "warnings": 0}
    for institution, data in sorted(budget_review_parts().items()):
        organisation = find_organisation(institution, sphere="national")
        filename = f"budget-review-2019-{organisation.code}.csv"
        if Submission.objects.filter(organisation=organisation, channel="demo", filename=filename,
                                     status__in=DONE).exists():
            totals["skipped"] += 1
            continue
        source = io.BytesIO(data)
        source.name = filename
        submission = run_import(source, organisation, None, "demo", filename=filename, options={"years": YEARS})
        if submission.status not in DONE:
            raise RuntimeError(f"Budget Review demo for {organisation.code} was {submission.status}: "
                               f"{submission.errors[:3]}")
        totals["created"] += submission.projects_created
        totals["warnings"] += len(submission.warnings)
    echo(f"investment: Budget Review 2019 infrastructure projects: {totals['created']} projects imported "
         f"({totals['skipped']} departments already loaded, {totals['warnings']} warnings)")
