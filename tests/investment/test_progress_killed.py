"""Issue #15 for quarterly progress files: a file whose process dies mid-run is marked failed (the restarted
worker does it before its next job), and nothing of it is visible, on SQLite and PostgreSQL (whichever
DATABASE_URL names), as for project imports (test_import_staging.py)."""

import io
import json
import socket
import subprocess
import sys

import pytest
from _intake_files import xlsx
from test_import_concurrency import Database, _env

from ddm.investment import progress, review
from ddm.investment.intake import tasks
from ddm.investment.intake.pipeline import fail_abandoned, progress_path, start_submission
from ddm.investment.models import ProgressReport, Submission

PROJECTS = [["Project name", "Project ID", "Local municipality", "Budget 2024/25"],
            *[[f"Clinic {n}", f"R{n}", "EC154", "1000000"] for n in range(1, 41)]]
HEADER = ["Project ID", "Quarter", "Stage", "Physical progress %", "Expenditure to date", "Comment"]
# 40 rows with a long comment each: about 73 KB of CSV, beyond what the web process reads itself.
ROWS = [HEADER, *[[f"R{n}", "2024/25 Q1", "Construction", "40", "250000", "site report " + "x" * 1800]
                  for n in range(1, 41)]]


def csv_bytes(rows):
    return "".join(",".join(row) + "\n" for row in rows).encode()
DIES_AT_ROW = 21  # the process dies while writing the 21st of the 40 rows


@pytest.mark.django_db
def test_a_progress_file_stopped_mid_write_is_failed_and_wrote_nothing(organisation, monkeypatch):
    """In this process: the run stops (SystemExit, which nothing catches, as a kill) after 20 rows
    were written inside its transaction: none of them is visible, the submission is "running" until
    fail_abandoned sees its process gone, then failed."""
    org = organisation("EC154")
    review.submit_file(xlsx(PROJECTS), org, None, "cli", publish=True)
    original, calls = progress.record, []

    def record(*args, **kwargs):
        calls.append(1)
        if len(calls) == DIES_AT_ROW:
            raise SystemExit(9)
        return original(*args, **kwargs)

    monkeypatch.setattr(progress, "record", record)
    submission = start_submission(io.BytesIO(csv_bytes(ROWS)), org, None, "upload", content="progress", filename="q1.csv")
    assert not tasks.runs_inline(submission.source_file.size)
    with pytest.raises(SystemExit):
        tasks.run_now(submission)
    assert len(calls) == DIES_AT_ROW
    assert Submission.objects.get(pk=submission.pk).status == "running"
    assert not ProgressReport.objects.exists()
    path = progress_path(submission.pk)  # what a killed process leaves: its progress file naming it
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"done": 0, "pid": 2 ** 22 + 13, "host": socket.gethostname()}))
    assert fail_abandoned() == 1
    failed = Submission.objects.get(pk=submission.pk)
    assert failed.status == "failed" and "nothing of it was written" in failed.note
    assert not ProgressReport.objects.exists() and not path.exists()


def test_a_progress_file_whose_worker_is_killed_is_failed_at_the_next_worker_start(tmp_path, django_db_setup,
                                                                                   django_db_blocker):
    """A real worker process (over a copy of the test database) is killed with SIGKILL while it writes
    the file's 21st row: its transaction dies with it. A new worker process, at its first job, marks
    the killed submission failed and runs the next file, which is published whole."""
    with django_db_blocker.unblock():
        database = Database(tmp_path)
    try:
        env = {**_env(database, tmp_path / "var"), "DDM_CACHE_URL": "locmem://"}
        big, small = tmp_path / "q1.csv", tmp_path / "q1-small.csv"
        big.write_bytes(csv_bytes(ROWS))
        small.write_bytes(csv_bytes([HEADER, ["R1", "2024/25 Q1", "Handover", "100", "900000", ""]]))
        (tmp_path / "projects.xlsx").write_bytes(xlsx(PROJECTS).getvalue())
        killed = _worker(env, KILLED % {"projects": str(tmp_path / "projects.xlsx"), "file": str(big),
                                        "dies_at": DIES_AT_ROW})
        assert killed.returncode == -9, killed.stderr[-2000:]
        assert _state(env) == {"statuses": ["running"], "reports": []}
        restarted = _worker(env, NEXT_JOB % {"file": str(small)})
        assert restarted.returncode == 0, restarted.stderr[-2000:]
        state = _state(env)
        assert state["statuses"] == ["failed", "committed"]
        assert "nothing of it was written" in state["note"]
        assert state["reports"] == [["R1", "2024-09-30", "handover", "100.00", "900000.00"]]
    finally:
        with django_db_blocker.unblock():
            database.drop()


PRELUDE = "import django, json, os, signal; django.setup()\n"
KILLED = """
from ddm.accounts.models import Organisation
from ddm.investment import progress, review
from ddm.investment.intake import tasks
from ddm.investment.intake.pipeline import start_submission
org = Organisation.objects.get(code="EC154")
review.submit_file(%(projects)r, org, None, "cli", publish=True)
submission = start_submission(%(file)r, org, None, "upload", content="progress")
assert not tasks.runs_inline(submission.source_file.size)
original, calls = progress.record, []
def record(*args, **kwargs):
    calls.append(1)
    if len(calls) == %(dies_at)d:
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*args, **kwargs)
progress.record = record
tasks.run_submission.call(submission.pk)  # as the job worker runs it
"""
NEXT_JOB = """
from ddm.accounts.models import Organisation
from ddm.investment.intake import tasks
from ddm.investment.intake.pipeline import start_submission
org = Organisation.objects.get(code="EC154")
tasks.run_submission.call(start_submission(%(file)r, org, None, "upload", content="progress").pk)
"""
STATE = """
from ddm.investment.models import ProgressReport, Submission
files = Submission.objects.filter(content="progress").order_by("pk")
reports = [[r.project.reference, r.quarter_end.isoformat(), r.stage, str(r.progress), str(r.expenditure_to_date)]
           for r in ProgressReport.objects.select_related("project").order_by("project__reference")]
print(json.dumps({"statuses": [f.status for f in files], "reports": reports,
                  **({"note": files[0].note} if files else {})}))
"""


def _worker(env, code):
    return subprocess.run([sys.executable, "-c", PRELUDE + code], env=env, capture_output=True, text=True,
                          timeout=180, check=False)


def _state(env):
    result = _worker(env, STATE)
    assert result.returncode == 0, result.stderr[-2000:]
    state = json.loads(result.stdout.strip().splitlines()[-1])
    if state["statuses"] == ["running"]:
        state.pop("note")
    return state
