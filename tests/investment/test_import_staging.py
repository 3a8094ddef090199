"""Issue #15 (3): an import stages its rows in short transactions and publishes them in one; an import
that stops half-way leaves nothing in the register, and its staging rows are cleaned up."""

import io
import json
import socket
from decimal import Decimal

import pytest

from ddm.investment.intake import pipeline, staging
from ddm.investment.intake.pipeline import fail_abandoned, progress_path, run_import
from ddm.investment.models import BudgetLine, Project, StagedLine, StagedLocation, StagedProject, StagedRow, Submission

FILE = ("Project ID,Project,Municipality,Budget 2019/20,Budget 2020/21\n"
        "A,Roads,EC157,100,110\n"
        "B,Hall,EC157,50,\n"
        "A,Roads,EC157,,110\n")  # A's second row repeats a line: one project, two lines


def csv_file(text, name="projects.csv"):
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle


def staged_rows():
    return sum(model.objects.count() for model in (StagedRow, StagedProject, StagedLine, StagedLocation))


def test_an_import_publishes_once_and_leaves_no_staging_rows(organisation, monkeypatch):
    org = organisation("EC157")
    published = []
    original = staging.Publisher.publish

    def publish(self):
        assert not Project.objects.filter(organisation=org).exists()  # nothing visible before the final step
        assert StagedProject.objects.filter(submission_id=self.submission_id).count() == 2
        published.append(self.submission_id)
        original(self)

    monkeypatch.setattr(staging.Publisher, "publish", publish)
    submission = run_import(csv_file(FILE), org, None, "cli")
    assert submission.status == "committed" and published == [submission.pk]
    lines = {(l.project.reference, l.fy_first): l.amount for l in BudgetLine.objects.filter(project__organisation=org)}
    assert lines == {("A", 2019): Decimal("100.00"), ("A", 2020): Decimal("110.00"), ("B", 2019): Decimal("50.00")}
    a = Project.objects.get(organisation=org, reference="A")
    assert [h.history_type for h in a.history.all()] == ["+"] and a.submission_id == submission.pk
    assert [h.history_type for h in a.budget_lines.first().history.all()] == ["+"]
    assert staged_rows() == 0
    monkeypatch.undo()
    # A change: "~" history rows, the previous figure replaced, other lines kept.
    changed = run_import(csv_file(FILE.replace("100,110", "120,110")), org, None, "cli")
    assert (changed.projects_updated, changed.projects_unchanged) == (1, 1)
    line = BudgetLine.objects.get(project=a, fy_first=2019)
    assert line.amount == Decimal("120.00")
    assert [(h.history_type, h.amount) for h in line.history.order_by("history_id")] == [
        ("+", Decimal("100.00")), ("~", Decimal("120.00"))]
    assert staged_rows() == 0
    # A preview writes nothing and keeps nothing.
    preview = run_import(csv_file(FILE.replace("100,110", "130,110")), org, None, "cli", dry_run=True)
    assert preview.status == "preview" and preview.projects_updated == 1
    assert line.history.count() == 2 and staged_rows() == 0


def test_an_import_that_fails_while_publishing_writes_nothing(organisation, monkeypatch):
    org = organisation("EC157")

    def half_then_fail(self):
        with staging.connection.cursor() as cursor:
            self.cursor = cursor
            self._projects()  # projects inserted, then the process fails before the lines
        raise RuntimeError("disk full")

    monkeypatch.setattr(staging.Publisher, "publish", half_then_fail)
    with pytest.raises(RuntimeError):
        run_import(csv_file(FILE), org, None, "cli")
    assert not Project.objects.filter(organisation=org).exists()
    assert Submission.objects.get(organisation=org).status == "failed"
    assert staged_rows() == 0


def test_a_killed_import_is_marked_failed_and_its_staging_rows_removed(organisation, monkeypatch, settings, tmp_path):
    """A process killed after staging (here: stopped by SystemExit, which the pipeline does not catch,
    as a SIGKILL is not): the register is untouched; the next job or import cleans up."""
    settings.VAR_DIR = tmp_path
    org = organisation("EC157")

    def killed(self):
        raise SystemExit(9)

    monkeypatch.setattr(pipeline.ImportRun, "_plan", killed)
    submission = pipeline.start_submission(csv_file(FILE), org, None, "cli")
    with pytest.raises(SystemExit):
        run_import(None, org, submission=submission)
    assert Submission.objects.get(pk=submission.pk).status == "running"
    assert StagedRow.objects.filter(submission=submission).count() == 3
    assert not Project.objects.filter(organisation=org).exists()
    path = progress_path(submission.pk)  # what the dead process left: its progress file with its pid
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"done": 3, "pid": 2 ** 22 + 11, "host": socket.gethostname()}))
    assert fail_abandoned() == 1
    assert Submission.objects.get(pk=submission.pk).status == "failed"
    assert staged_rows() == 0
