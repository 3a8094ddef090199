"""Quarterly progress: quarters, the long-form intake (CLI, API), the web form, and where it shows."""

import datetime
import json
from decimal import Decimal

import pytest
from _intake_files import xlsx
from click.testing import CliRunner
from django.test import Client

from ddm.accounts.models import ApiToken, RoleKind
from ddm.cli import cli
from ddm.investment import progress
from ddm.investment.intake.parsing import ParseError
from ddm.investment.models import BudgetLine, Project
from ddm.investment.review import submit_file, submit_progress

pytestmark = pytest.mark.django_db

D = datetime.date
PROJECTS = [["Project name", "Project ID", "Local municipality", "Budget 2024/25"],
            ["Port St Johns clinic", "R1", "EC154", "1000000"], ["Lusikisiki road", "R2", "EC154", "500000"]]


def test_quarters_in_each_financial_year():
    assert progress.quarter_end(2024, 1, 4) == D(2024, 6, 30)  # April-March: Q1 is April-June
    assert progress.quarter_end(2024, 4, 4) == D(2025, 3, 31)
    assert progress.quarter_end(2024, 1, 7) == D(2024, 9, 30)  # July-June: Q1 is July-September
    assert progress.quarter_label(D(2024, 9, 30), 7) == "2024/25 Q1"
    assert progress.quarter_label(D(2024, 9, 30), 4) == "2024/25 Q2"
    assert progress.quarter_label(D(2025, 3, 31), 4) == "2024/25 Q4"
    assert progress.parse_quarter("Q3 2024/25", 4) == D(2024, 12, 31)
    assert progress.parse_quarter("2024/2025 q2", 7) == D(2024, 12, 31)
    assert progress.parse_quarter("2024Q1", 4) == D(2024, 3, 31)  # DHIS2's calendar quarter
    assert progress.parse_quarter(datetime.datetime(2024, 6, 30, tzinfo=datetime.UTC), 4) == D(2024, 6, 30)
    for bad in ("2024-06-29", "2024/26 Q1", "Q5 2024/25", ""):
        with pytest.raises(ParseError):
            progress.parse_quarter(bad, 4)
    assert progress.current_quarter_end(D(2025, 5, 2)) == D(2025, 3, 31)
    assert progress.current_quarter_end(D(2025, 1, 15)) == D(2024, 12, 31)


def _register(organisation):
    org = organisation("EC154")
    submit_file(xlsx(PROJECTS), org, None, "cli", publish=True)
    return org


def test_cli_imports_a_quarter_without_touching_budget_lines(tmp_path, organisation, client):
    org = _register(organisation)
    lines_before = list(BudgetLine.objects.filter(project__organisation=org).values_list("pk", "amount"))
    path = tmp_path / "q1.xlsx"
    path.write_bytes(xlsx([["Quarterly report, Port St Johns"], [],
                           ["Project ID", "Quarter", "Stage", "Physical progress %", "Expenditure to date"],
                           ["R1", "2024/25 Q1", "Construction", "40%", "250 000"],
                           ["R2", "2024/25 Q1", "tender", 0, 0]]).getvalue())
    result = CliRunner().invoke(cli, ["import", "progress", str(path), "-o", "EC154", "--json", "--publish"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "committed" and data["content"] == "progress" and data["counts"]["rows_read"] == 2
    r1 = Project.objects.get(organisation=org, reference="R1")
    report = r1.progress.get()
    # EC154 is a municipality: its year starts in July, so its 2024/25 Q1 ends on 30 September 2024.
    assert report.quarter_end == D(2024, 9, 30)
    assert (report.stage, report.progress, report.expenditure_to_date) == ("construction", Decimal("40.00"),
                                                                           Decimal("250000.00"))
    assert r1.stage == "construction"
    assert list(BudgetLine.objects.filter(project__organisation=org).values_list("pk", "amount")) == lines_before
    page = client.get(r1.get_absolute_url()).content.decode()
    assert "2024/25 Q1" in page and "40.00%" in page and "Construction" in page
    zone_page = client.get("/investment/zones/DC15/").content.decode()
    assert "Delivery: latest quarterly progress" in zone_page and "Port St Johns clinic" in zone_page
    api = client.get(f"/api/projects/{r1.pk}/progress").json()
    assert api == [{"quarter_end": "2024-09-30", "quarter": "2024/25 Q1", "stage": "construction",
                    "progress": "40.00", "expenditure_to_date": "250000.00", "actual_start": None,
                    "actual_completion": None, "note": ""}]


def test_bad_rows_are_named_and_nothing_is_written(tmp_path, organisation):
    org = _register(organisation)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([["Reference", "Quarter", "Stage", "Progress", "Expenditure to date"],
                           ["R1", "2024/25 Q1", "Building", "40", "1"],
                           ["R2", "2024/25 Q1", "design", "150", "1"],
                           ["R9", "2024/25 Q1", "design", "10", "1"],
                           ["R1", "2024-06-29", "design", "10", "1"],
                           ["R2", "2024/25 Q2", "design", "10", "-5"]]).getvalue())
    result = CliRunner().invoke(cli, ["import", "progress", str(path), "-o", "EC154"])
    assert result.exit_code == 1
    err = result.stderr
    assert "bad.xlsx:Projects:2:C (Stage): Building — Building: unknown stage" in err
    assert ":3:D (Progress): 150" in err and "between 0 and 100" in err
    assert ":4:A (Reference): R9 — no project R9" in err
    assert ":5:B (Quarter)" in err and "not the last day of a quarter" in err
    assert ":6:E (Expenditure to date)" in err
    assert "Traceback" not in result.output
    assert not Project.objects.get(organisation=org, reference="R2").progress.exists()
    accepted = CliRunner().invoke(cli, ["import", "progress", str(path), "-o", "EC154", "--accept-valid", "--publish"])
    assert accepted.exit_code == 0  # no valid row but nothing fails: all rows were rejected and named
    assert Project.objects.get(organisation=org, reference="R1").progress.count() == 0


def test_a_second_report_replaces_the_quarter_and_falling_figures_warn(tmp_path, organisation):
    org = _register(organisation)
    r1 = Project.objects.get(organisation=org, reference="R1")
    submit_progress(r1, {"quarter": "2024/25 Q1", "stage": "design", "progress": "10",
                         "expenditure_to_date": "100"}, None, "api", publish=True)
    submit_progress(r1, {"quarter": "2024/25 Q1", "stage": "tender", "progress": "12"}, None, "api", publish=True)
    assert r1.progress.count() == 1 and r1.progress.get().stage == "tender"
    path = tmp_path / "q2.csv"
    path.write_text("Reference,Quarter,Stage,Progress,Expenditure to date\nR1,2024/25 Q2,construction,5,50\n")
    result = CliRunner().invoke(cli, ["import", "progress", str(path), "-o", "EC154", "--json", "--publish"])
    assert result.exit_code == 0
    warnings = json.loads(result.stdout)["warnings"]
    assert any("lower than 12.00" in w["message"] for w in warnings)
    r1.refresh_from_db()
    assert r1.stage == "construction"  # the latest quarter moves the stage
    submit_progress(r1, {"quarter": "2024/25 Q1", "stage": "design"}, None, "api", publish=True)
    r1.refresh_from_db()
    assert r1.stage == "construction"  # a late report on an earlier quarter does not


def test_web_form_and_api_report(client_for, make_user, organisation):
    """The form and the API are reviewed like a file (test_progress_form_review.py has every role): an
    approver publishing at once writes the report; a stranger may not report; bad input is named."""
    org = _register(organisation)
    r2 = Project.objects.get(organisation=org, reference="R2")
    approver = client_for(RoleKind.APPROVER, organisation=org)
    response = approver.post(f"/investment/projects/{r2.pk}/progress/", {
        "quarter": "2024/25 Q2", "stage": "design", "progress": "15", "expenditure_to_date": "R 20 000",
        "publish": "on"})
    assert response.status_code == 302
    assert r2.progress.get().expenditure_to_date == Decimal("20000.00")
    stranger = client_for(RoleKind.SUBMITTER, organisation=organisation("EC153"))
    assert stranger.post(f"/investment/projects/{r2.pk}/progress/", {"quarter": "2024/25 Q3",
                                                                      "stage": "design"}).status_code == 403
    token = ApiToken.issue(make_user("script", RoleKind.APPROVER, organisation=org), "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    created = Client().post(f"/api/projects/{r2.pk}/progress", {"quarter": "2024/25 Q3", "stage": "tender",
                                                                "progress": "20", "publish": True},
                            content_type="application/json", **auth)
    assert created.status_code == 201 and created.json()["quarter_end"] == "2025-03-31"
    refused = Client().post(f"/api/projects/{r2.pk}/progress", {"quarter": "someday"},
                            content_type="application/json", **auth)
    assert refused.status_code == 422 and "not a quarter" in refused.json()["detail"]
