"""The intake through its three doors: CLI, upload pages (preview then commit), API."""

import io
import json

import openpyxl
import pytest
from _intake_files import xlsx
from click.testing import CliRunner
from django.test import Client, override_settings

from ddm.accounts.models import ApiToken, RoleKind
from ddm.cli import cli
from ddm.investment.models import Project, Submission

pytestmark = pytest.mark.django_db

GOOD = [["Project name", "Project ID", "Local municipality", "Budget 2019/20 (R'000)"],
        ["Ngqeleni bulk water", "W1", "EC153", "1 200"], ["Lusikisiki pipeline", "W2", "EC153", "800"]]
BAD = GOOD + [["Broken", "W3", "EC153", "-5"]]


def write(tmp_path, rows, name="dws.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx(rows).getvalue())
    return path


# -- CLI -----------------------------------------------------------------------------------------

def test_cli_import_dry_run_then_real_then_json(tmp_path):
    path = write(tmp_path, GOOD)
    runner = CliRunner()
    dry = runner.invoke(cli, ["import", "projects", str(path), "--organisation", "Water and Sanitation", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert not Project.objects.filter(organisation__code="nat-water-and-sanitation").exists()
    submitted = runner.invoke(cli, ["import", "projects", str(path), "-o", "DWS", "--json"])
    assert submitted.exit_code == 0, submitted.output
    assert json.loads(submitted.stdout)["status"] == "submitted"
    assert not Project.objects.filter(organisation__code="nat-water-and-sanitation").exists()
    real = runner.invoke(cli, ["import", "projects", str(path), "-o", "DWS", "--json", "--publish"])
    assert real.exit_code == 0, real.output
    data = json.loads(real.stdout)
    assert data["status"] == "committed" and data["organisation"] == "nat-water-and-sanitation"
    assert data["counts"] == {"rows_read": 2, "rows_rejected": 0, "projects_created": 2, "projects_updated": 0,
                              "projects_unchanged": 0}
    assert data["decisions"][0]["action"] == "approved" and "same step" in data["decisions"][0]["how"]
    again = json.loads(runner.invoke(cli, ["import", "projects", str(path), "-o", "DWS", "--json",
                                           "--publish"]).stdout)
    assert again["counts"]["projects_unchanged"] == 2


def test_cli_rejected_file_exits_1_with_located_errors_and_rejected_rows(tmp_path):
    path = write(tmp_path, BAD)
    out = tmp_path / "rejected.xlsx"
    result = CliRunner().invoke(cli, ["import", "projects", str(path), "-o", "nat-water-and-sanitation",
                                      "--rejected-out", str(out)])
    assert result.exit_code == 1
    assert "dws.xlsx:Projects:4:D (Budget 2019/20 (R'000)): -5 — a negative amount" in result.stderr
    assert "Traceback" not in result.output
    assert not Project.objects.filter(organisation__code="nat-water-and-sanitation").exists()
    sheet = openpyxl.load_workbook(out).active
    assert sheet["A2"].value == "Broken" and "negative" in sheet["E2"].value
    accepted = CliRunner().invoke(cli, ["import", "projects", str(path), "-o", "nat-water-and-sanitation",
                                        "--accept-valid", "--publish"])
    assert accepted.exit_code == 0
    assert Project.objects.filter(organisation__code="nat-water-and-sanitation").count() == 2


def test_cli_usage_and_domain_errors(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["import", "projects", str(write(tmp_path, GOOD))]).exit_code == 2  # no --organisation
    unknown = runner.invoke(cli, ["import", "projects", str(write(tmp_path, GOOD)), "-o", "Ministry of Magic"])
    assert unknown.exit_code == 1 and "no organisation 'Ministry of Magic'" in unknown.stderr
    ambiguous = runner.invoke(cli, ["import", "projects", str(write(tmp_path, GOOD)), "-o", "Health"])
    assert ambiguous.exit_code == 1 and "nat-health" in ambiguous.stderr and "kzn-health" in ambiguous.stderr
    missing = runner.invoke(cli, ["import", "projects", str(tmp_path / "nope.xlsx"), "-o", "DWS"])
    assert missing.exit_code == 1


def test_cli_organisations_list_and_add():
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["organisations", "--json", "--sphere", "national"]).stdout)
    assert {"code": "nat-health", "sphere": "national"}.items() <= next(o for o in listed if o["code"] == "nat-health").items()
    assert all(o["sphere"] == "national" for o in listed)
    added = runner.invoke(cli, ["organisations", "add", "--code", "mogalakwena-mine", "--name",
                                "Mogalakwena Platinum Mine", "--sphere", "private", "--kind", "company",
                                "--fy-start-month", "1", "--alias", "Mogalakwena Mine", "--json"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["aliases"] == ["Mogalakwena Mine"]
    again = runner.invoke(cli, ["organisations", "add", "--code", "mogalakwena-mine", "--name", "M", "--sphere",
                                "private", "--kind", "company"])
    assert again.exit_code == 1 and "already exists" in again.stderr
    from ddm.accounts.services import find_organisation

    assert find_organisation("mogalakwena mine").fy_start_month == 1
    # State-owned companies and water boards are reference organisations with their own calendars.
    assert (find_organisation("SANRAL").sphere, find_organisation("Rand Water").fy_start_month) == ("parastatal", 7)
    assert find_organisation("south african national roads agency").code == "sanral"


# -- pages ---------------------------------------------------------------------------------------

def upload(client, rows, organisation, mode="all", name="dws.xlsx"):
    data = xlsx(rows, name=name)
    return client.post("/investment/submissions/new/", {"organisation": organisation.pk, "file": data,
                                                        "sheet": "", "mode": mode})


def test_upload_preview_then_commit(client_for, organisation):
    dws = organisation("nat-water-and-sanitation")
    client = client_for(RoleKind.SUBMITTER, organisation=dws)
    form = client.get("/investment/submissions/new/")
    assert form.status_code == 200 and b"Water and Sanitation" in form.content
    response = upload(client, GOOD, dws)
    assert response.status_code == 302
    preview = Submission.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert preview.status == "preview" and preview.user == client.user
    assert not Project.objects.filter(organisation=dws).exists()
    page = client.get(response.url)
    assert b"Submit for review" in page.content and b"Projects created" in page.content
    submitted = client.post(f"/investment/submissions/{preview.pk}/commit/")
    assert submitted.status_code == 302
    preview.refresh_from_db()
    assert preview.status == "submitted" and not Project.objects.filter(organisation=dws).exists()
    approver = client_for(RoleKind.APPROVER, organisation=dws)
    assert approver.post(f"/investment/submissions/{preview.pk}/approve/").status_code == 302
    assert Project.objects.filter(organisation=dws).count() == 2
    final = Submission.objects.exclude(pk=preview.pk).get(organisation=dws)
    assert final.status == "committed" and final.channel == "upload"
    assert Project.objects.get(reference="W1").history.first().history_user == client.user  # the data's author
    assert client.get(f"/investment/submissions/{preview.pk}/source/").status_code == 200
    assert client.get("/investment/submissions/").status_code == 200


def test_upload_with_errors_shows_them_and_offers_rejected_rows(client_for, organisation):
    dws = organisation("nat-water-and-sanitation")
    client = client_for(RoleKind.SUBMITTER, organisation=dws)
    response = upload(client, BAD, dws, mode="valid")
    page = client.get(response.url)
    assert b"a negative amount" in page.content
    preview_id = response.url.rstrip("/").split("/")[-1]
    rejected = client.get(f"/investment/submissions/{preview_id}/rejected.xlsx")
    assert rejected.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(rejected.content)).active["A2"].value == "Broken"
    html_escaped = upload(client, [["Project name", "Budget 2019/20"], ["<script>alert(1)</script>", "-1"]], dws)
    assert b"<script>alert(1)" not in client.get(html_escaped.url).content


def test_upload_refusals(client_for, organisation, client):
    dws = organisation("nat-water-and-sanitation")
    anonymous = client.get("/investment/submissions/new/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    other = client_for(RoleKind.SUBMITTER, organisation=organisation("nat-health"))
    response = upload(other, GOOD, dws)
    assert response.status_code == 200 and b"Select a valid choice" in response.content  # not offered
    assert not Submission.objects.filter(organisation=dws).exists()
    own = client_for(RoleKind.SUBMITTER, organisation=dws)
    preview_url = upload(own, GOOD, dws).url
    preview_id = preview_url.rstrip("/").split("/")[-1]
    assert other.get(preview_url).status_code == 403
    assert other.post(f"/investment/submissions/{preview_id}/commit/").status_code == 403
    with override_settings(DDM_MAX_UPLOAD_BYTES=100):
        too_big = upload(own, GOOD, dws)
    assert too_big.status_code == 200 and b"the limit is" in too_big.content


def test_template_download_reimports(client, organisation):
    response = client.get("/investment/template.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Instructions", "Projects", "Lists"]
    sheet = book["Projects"]
    assert sheet.data_validations.dataValidation  # drop-down lists
    sheet.append(["T1", "Template project", None, "Health", None, None, None, "yes", None, "EC157", None, None,
                  None, None, None, None, None, 100, 110, 120])
    filled = io.BytesIO()
    book.save(filled)
    filled.seek(0)
    filled.name = "template.xlsx"
    from ddm.investment.intake.pipeline import run_import

    submission = run_import(filled, organisation("nat-health"), None, "cli")
    assert submission.status == "committed", submission.errors
    project = Project.objects.get(reference="T1")
    assert project.sector == "health" and project.catalytic and project.budget_lines.count() == 3


# -- API -----------------------------------------------------------------------------------------

def test_api_submission_with_token(make_user, organisation):
    dws = organisation("nat-water-and-sanitation")
    user = make_user("script", RoleKind.SUBMITTER, organisation=dws)
    token = ApiToken.issue(user, "nightly")
    api = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    created = api.post("/api/submissions", {"file": xlsx(GOOD), "organisation": "DWS"}, **auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted" and body["counts"]["projects_created"] == 2 and body["user"] == "script"
    assert body["changes"]["added"] == 2 and not Project.objects.filter(organisation=dws).exists()
    assert api.post("/api/submissions", {"file": xlsx(GOOD), "organisation": "DWS", "publish": "true"},
                    **auth).status_code == 403  # a submitter may not publish without review
    fetched = api.get(f"/api/submissions/{body['id']}", **auth)
    assert fetched.status_code == 200 and fetched.json()["id"] == body["id"]
    rejected = api.post("/api/submissions", {"file": xlsx(BAD), "organisation": "DWS"}, **auth)
    assert rejected.status_code == 201 and rejected.json()["status"] == "rejected"
    assert rejected.json()["errors"][0]["row"] == 4
    pdf = io.BytesIO(b"%PDF-1.5\x00")
    pdf.name = "scan.pdf"
    assert api.post("/api/submissions", {"file": pdf, "organisation": "DWS"}, **auth).status_code == 400
    assert api.post("/api/submissions", {"file": xlsx(GOOD), "organisation": "nat-health"}, **auth).status_code == 403
    assert api.post("/api/submissions", {"file": xlsx(GOOD), "organisation": "nowhere"}, **auth).status_code == 404
    with override_settings(DDM_MAX_UPLOAD_BYTES=100):
        assert api.post("/api/submissions", {"file": xlsx(GOOD), "organisation": "DWS"}, **auth).status_code == 413
    assert Client().post("/api/submissions", {"file": xlsx(GOOD), "organisation": "DWS"}).status_code == 401


def test_api_large_file_is_read_by_the_job_worker(make_user, organisation, monkeypatch):
    """Issue #15: the web process reads no file beyond a small preview's size: the API answers 202 with
    the pending submission and the worker checks and submits it (or, with publish, writes it)."""
    from ddm.investment.intake import pipeline, tasks

    dws = organisation("nat-water-and-sanitation")
    token = ApiToken.issue(make_user("script", RoleKind.APPROVER, organisation=dws), "nightly")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 10)  # every file counts as large
    read_in_request = []
    monkeypatch.setattr(pipeline, "open_table", lambda *a, **k: read_in_request.append(a) or [])
    api = Client()
    for publish, final in (("false", "submitted"), ("true", "committed")):
        answer = api.post("/api/submissions", {"file": xlsx(GOOD), "organisation": "DWS", "publish": publish}, **auth)
        assert answer.status_code == 202 and answer.json()["status"] == "pending", answer.content
        assert not read_in_request
        monkeypatch.undo()
        tasks.submit_submission.call(answer.json()["id"], publish == "true")  # what the worker does
        monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 10)
        assert api.get(f"/api/submissions/{answer.json()['id']}", **auth).json()["status"] == final
    assert Project.objects.filter(organisation=dws).count() == 2
    preview = api.post("/api/submissions", {"file": xlsx(GOOD), "organisation": "DWS", "dry_run": "true"}, **auth)
    assert preview.status_code == 202
    tasks.run_submission.call(preview.json()["id"])
    assert Submission.objects.get(pk=preview.json()["id"]).status == "preview"


def test_api_submission_scope_and_organisations(make_user, organisation, zone):
    dws = organisation("nat-water-and-sanitation")
    owner = make_user("owner", RoleKind.SUBMITTER, organisation=dws)
    token = ApiToken.issue(owner, "t")
    body = Client().post("/api/submissions", {"file": xlsx(GOOD), "organisation": "DWS", "dry_run": "true"},
                         HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["status"] == "preview"
    stranger = make_user("stranger", RoleKind.SUBMITTER, organisation=organisation("nat-health"))
    hub = make_user("hub", RoleKind.HUB, zone=zone("DC15"))
    for user, expected in ((stranger, 403), (hub, 200)):
        client = Client()
        client.force_login(user)
        assert client.get(f"/api/submissions/{body['id']}").status_code == expected
    listed = Client().get("/api/organisations?sphere=national").json()
    assert any(o["code"] == "nat-health" for o in listed) and all(o["sphere"] == "national" for o in listed)


def test_a_preview_with_errors_can_write_just_its_valid_rows(client_for, organisation):
    dws = organisation("nat-water-and-sanitation")
    client = client_for(RoleKind.SUBMITTER, organisation=dws)
    response = upload(client, BAD, dws)
    preview = Submission.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert preview.status == "rejected" and preview.dry_run
    page = client.get(response.url).content.decode()
    assert "Submit for review (the valid rows)" in page and "1 rejected row would be kept" in page
    assert client.post(f"/investment/submissions/{preview.pk}/commit/").status_code == 302
    assert not Project.objects.filter(organisation=dws).exists()
    client_for(RoleKind.APPROVER, organisation=dws).post(f"/investment/submissions/{preview.pk}/approve/")
    assert set(Project.objects.filter(organisation=dws).values_list("reference", flat=True)) == {"W1", "W2"}
    final = Submission.objects.exclude(pk=preview.pk).get(organisation=dws)
    assert final.status == "partial" and final.accept_valid and final.rows_rejected == 1
    assert final.rejected_rows and final.preview_id == preview.pk


def test_a_preview_with_no_valid_row_cannot_be_committed(client_for, organisation):
    dws = organisation("nat-water-and-sanitation")
    client = client_for(RoleKind.SUBMITTER, organisation=dws)
    response = upload(client, [GOOD[0], ["Broken", "W3", "EC153", "-5"]], dws)
    preview = Submission.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert "Submit for review" not in client.get(response.url).content.decode()
    assert client.post(f"/investment/submissions/{preview.pk}/commit/").status_code == 404
    assert not Project.objects.filter(organisation=dws).exists()
