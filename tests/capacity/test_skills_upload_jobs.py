"""Issue #15: an uploaded skills audit is read by the job worker (ddm.jobs), never by the web process;
the uploader sees the job's status, then its report (file, sheet, row, column, value, reason)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ddm.accounts.models import RoleKind
from ddm.capacity import skills_import
from ddm.capacity.models import SkillsAudit
from ddm.jobs import runner
from ddm.jobs.models import FileJob
from hostile_files import far_cell_xlsx

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HEADER = ["Post title", "Person", "Management", "Skill", "Level"]
AUDIT = ",".join(HEADER) + "\nElectrical engineer,Ann,yes,electrical_engineer,professional\n"


def _upload(client, name, data, **extra):
    return client.post("/capacity/municipalities/LIM362/upload/", {"file": SimpleUploadedFile(name, data), **extra})


@pytest.fixture
def member(client_for, zone):
    return client_for(RoleKind.HUB, zone=zone("DC36"))


def test_the_upload_is_imported_by_the_worker_and_its_page_shows_the_result(member, settings):
    settings.TASKS = IMMEDIATE
    response = _upload(member, "audit.csv", AUDIT.encode())
    job = FileJob.objects.get()
    assert response.status_code == 302 and response.url == f"/capacity/municipalities/LIM362/uploads/{job.pk}/"
    assert job.status == "done" and job.result["status"] == "committed" and job.result["entries_written"] == 1
    assert job.user == member.user and job.params == {"municipality": "LIM362", "dry_run": False,
                                                     "accept_valid": False}
    page = member.get(response.url).content.decode()
    assert "Skills audit imported: 1 entries written" in page and 'http-equiv="refresh"' not in page
    assert SkillsAudit.objects.get().user == member.user


def test_row_errors_name_file_sheet_row_column_value_and_reason_and_nothing_is_written(member, settings):
    settings.TASKS = IMMEDIATE
    bad = AUDIT + "Planner,Bo,yes,town_plannr,basic\n"
    response = _upload(member, "audit.csv", bad.encode())
    job = FileJob.objects.get()
    [error] = job.result["errors"]
    assert error == {"level": "error", "file": "audit.csv", "sheet": "", "row": 3, "column": "D (Skill)",
                     "value": "town_plannr", "message": error["message"]}
    assert error["message"].startswith("unknown skill (did you mean town_planner?)")
    assert job.result["status"] == "rejected" and not SkillsAudit.objects.exists()  # all or nothing
    page = member.get(response.url).content.decode()
    assert "town_plannr" in page and "D (Skill)" in page and "Nothing was written" in page


def test_the_web_process_never_opens_a_hostile_workbook(member, monkeypatch):
    """The two-cell bomb (A1 and XFD1048576) is kept and enqueued by the web request, which never reads
    it (the test's task backend only stores the job); the worker's sandbox then refuses it by name."""
    opened = []
    monkeypatch.setattr(skills_import, "open_table",
                        lambda *args, **kwargs: opened.append(args) or pytest.fail("the web process read the file"))
    response = _upload(member, "bomb.xlsx", far_cell_xlsx(HEADER))
    job = FileJob.objects.get()
    assert response.status_code == 302 and job.status == "pending" and not opened
    page = member.get(response.url).content.decode()
    assert "read by the job worker" in page and 'http-equiv="refresh"' in page
    monkeypatch.undo()  # now the worker's part: it reads the file through ddm.tabular's sandbox
    runner.run_now(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.result["status"] == "rejected"
    assert "XFD1048576" in job.result["errors"][0]["message"] and job.result["errors"][0]["file"] == "bomb.xlsx"
    assert "XFD1048576" in member.get(response.url).content.decode() and not SkillsAudit.objects.exists()


def test_another_municipalitys_job_and_other_users_are_refused(member, client_for, zone, settings):
    settings.TASKS = IMMEDIATE
    job = FileJob.objects.get(pk=FileJob.objects.create(kind="skills", filename="a.csv",
                                                        params={"municipality": "LIM362"}).pk)
    assert member.get(f"/capacity/municipalities/LIM367/uploads/{job.pk}/").status_code == 404
    other = client_for(RoleKind.HUB, zone=zone("DC15"))
    assert other.get(f"/capacity/municipalities/LIM362/uploads/{job.pk}/").status_code == 403
