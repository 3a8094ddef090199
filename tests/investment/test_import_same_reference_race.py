"""Issue #15: two imports of one organisation, run at the same time, both create project P-NEW. Both
plan "create" (neither sees the other's staging rows); the first to publish registers it, the second's
publish breaks the unique reference. The second is refused with an error naming the reference, its row
and the other submission, and writes nothing (not even its other projects): the review rules publish
what was checked, and this file was checked as creating P-NEW. Imported again, it updates P-NEW.
SQLite and PostgreSQL (DATABASE_URL)."""

import io
from decimal import Decimal

import pytest

from ddm.investment.intake import pipeline
from ddm.investment.intake.pipeline import run_import
from ddm.investment.models import BudgetLine, Project, StagedProject, StagedRow

pytestmark = pytest.mark.django_db
ORG = "EC157"


def _file(text, name):
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle


FIRST = "Project ID,Project,Municipality,Budget 2025/26\nP-NEW,Clinic,EC157,1000\n"
SECOND = "Project ID,Project,Municipality,Budget 2025/26\nP-OTHER,Road,EC157,7\nP-NEW,Clinic,EC157,2000\n"


def test_the_second_import_of_a_new_reference_is_refused_by_name(organisation, monkeypatch, make_user):
    org = organisation(ORG)
    other_user = make_user("treasury-clerk")
    plan = pipeline.ImportRun._plan
    first = {}

    def plan_then_let_the_other_publish(run):
        plan(run)  # the second import has planned "create P-NEW" ...
        if run.submission.filename == "second.csv":  # ... when the first publishes P-NEW
            first["submission"] = run_import(_file(FIRST, "first.csv"), org, other_user, "upload")

    monkeypatch.setattr(pipeline.ImportRun, "_plan", plan_then_let_the_other_publish)
    second = run_import(_file(SECOND, "second.csv"), org, None, "upload")

    assert first["submission"].status == "committed"
    assert second.status == "rejected", second.note
    [error] = second.errors
    assert error["value"] == "P-NEW" and error["row"] == 3 and error["file"] == "second.csv"
    assert error["message"] == (f"project P-NEW was registered by submission {first['submission'].pk} (first.csv by "
                                "treasury-clerk) while this import ran: nothing of this file was written; import it "
                                "again to update that project")
    assert set(Project.objects.filter(organisation=org).values_list("reference", flat=True)) == {"P-NEW"}
    assert list(BudgetLine.objects.filter(project__organisation=org).values_list("amount", flat=True)) == [
        Decimal("1000")]
    assert not StagedProject.objects.exists() and not StagedRow.objects.exists()

    monkeypatch.setattr(pipeline.ImportRun, "_plan", plan)
    again = run_import(_file(SECOND, "second.csv"), org, None, "upload")
    assert again.status == "committed" and (again.projects_created, again.projects_updated) == (1, 1)
    assert sorted(BudgetLine.objects.filter(project__organisation=org).values_list("amount", flat=True)) == [
        Decimal("7"), Decimal("2000")]
