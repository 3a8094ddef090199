"""The Budget Review 2019 demo through the pipeline, and large uploads as background jobs."""

import os
from decimal import Decimal

import pytest
from _intake_files import xlsx
from django.test import override_settings

from ddm.accounts.models import RoleKind
from ddm.investment.intake import tasks
from ddm.investment.intake.demo import load_budget_review_demo
from ddm.investment.models import BudgetLine, Project, Submission

pytestmark = pytest.mark.django_db


def test_budget_review_demo_lands_under_the_departments_and_is_idempotent():
    messages = []
    load_budget_review_demo(messages.append)
    projects = Project.objects.filter(submission__channel="demo")
    assert projects.count() == 25  # 25 projects x 7 years in the source file (data/SOURCES.md)
    assert BudgetLine.objects.filter(project__in=projects).count() == 175
    court = projects.get(title__icontains="Durban High Court")
    assert court.organisation.code == "nat-justice-and-constitutional-development"
    assert court.locations.get().zone.code == "ETH"  # its coordinates, checked in the shared SOURCES.md
    bambisana = projects.get(title__icontains="Bambisana")
    assert (bambisana.organisation.code, bambisana.locations.get().municipality.code) == ("nat-health", "EC154")
    # Budget phases: 2015/16-2017/18 audited (actual), 2018/19 adjusted, 2019/20 on MTEF (budget).
    kinds = dict(bambisana.budget_lines.values_list("fy_first", "kind"))
    assert (kinds[2015], kinds[2018], kinds[2019], kinds[2021]) == ("actual", "adjusted", "budget", "budget")
    unmapped = projects.filter(locations__isnull=True)
    assert unmapped.count() == 4  # "various" / "Not specified" coordinates
    demo_submissions = Submission.objects.filter(channel="demo").count()
    load_budget_review_demo(messages.append)
    assert Submission.objects.filter(channel="demo").count() == demo_submissions
    assert "8 departments already loaded" in messages[-1]


def test_budget_review_amounts_are_exact():
    load_budget_review_demo(lambda m: None)
    line = BudgetLine.objects.get(project__reference="basic-education-school-infrastructure-backlogs-grant",
                                  fy_first=2015)
    assert line.amount == Decimal("1368285000.00") and line.stated_as == "2015"  # as published; read with --years start
    assert line.phase == "Audited Outcome"


def test_large_upload_runs_as_a_background_job_with_progress_page(client_for, organisation, monkeypatch):
    dws = organisation("nat-water-and-sanitation")
    client = client_for(RoleKind.SUBMITTER, organisation=dws)
    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 10)  # every file counts as large
    rows = [["Project name", "Ref", "Budget 2019/20"], ["Big dam", "B1", 1000]]
    response = client.post("/investment/submissions/new/", {"organisation": dws.pk, "file": xlsx(rows),
                                                            "sheet": "", "mode": "all"})
    submission = Submission.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert submission.status == "pending"  # queued for the db_worker
    page = client.get(response.url)
    assert b'http-equiv="refresh"' in page.content and b"Importing" in page.content
    tasks.run_submission.call(submission.pk)  # what the worker does
    submission.refresh_from_db()
    assert submission.status == "preview" and submission.projects_created == 1
    assert b'http-equiv="refresh"' not in client.get(response.url).content
    client.post(f"/investment/submissions/{submission.pk}/commit/")
    client.post(f"/investment/submissions/{submission.pk}/commit/")  # a second click: still one submission
    approver = client_for(RoleKind.APPROVER, organisation=dws)
    approver.post(f"/investment/submissions/{submission.pk}/approve/")
    approver.post(f"/investment/submissions/{submission.pk}/approve/")  # a second click
    (commit,) = submission.commits.all()
    assert commit.status == "pending"
    tasks.run_submission.call(commit.pk)
    commit.refresh_from_db()
    assert commit.status == "committed" and Project.objects.filter(organisation=dws, reference="B1").exists()


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
def test_background_job_through_the_task_backend(client_for, organisation, monkeypatch):
    dws = organisation("nat-water-and-sanitation")
    client = client_for(RoleKind.SUBMITTER, organisation=dws)
    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 10)
    response = client.post("/investment/submissions/new/", {
        "organisation": dws.pk, "file": xlsx([["Project name", "Budget 2019/20"], ["Dam", 5]]), "sheet": "",
        "mode": "all"})
    submission = Submission.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert submission.status == "preview"


def test_a_submission_whose_process_died_is_marked_failed_not_left_running(organisation, client_for, settings, tmp_path):
    """Issue #15 (3): a killed import stayed "running" for ever. Its transaction is rolled back by the
    database; the next worker start (or its page) reports it failed."""
    import json
    import socket

    from ddm.accounts.models import RoleKind
    from ddm.investment.intake.pipeline import fail_abandoned, progress_path
    from ddm.investment.models import Submission

    settings.VAR_DIR = tmp_path
    org = organisation("EC157")
    dead, alive, silent = (Submission.objects.create(organisation=org, status="running") for _ in range(3))
    for submission, pid in ((dead, 2 ** 22 + 7), (alive, os.getpid())):
        path = progress_path(submission.pk)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"done": 0, "pid": pid, "host": socket.gethostname()}))
    assert fail_abandoned() == 2
    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert (statuses[dead.pk], statuses[alive.pk], statuses[silent.pk]) == ("failed", "running", "failed")
    assert "nothing of it was written" in Submission.objects.get(pk=dead.pk).note
    # The page of a running submission whose process died says so at once.
    alive_path = progress_path(alive.pk)
    alive_path.write_text(json.dumps({"done": 0, "pid": 2 ** 22 + 9, "host": socket.gethostname()}))
    alive.user = client_for(RoleKind.SUBMITTER, organisation=org).user
    client = client_for(RoleKind.ADMIN)
    assert "stopped" in client.get(f"/investment/submissions/{alive.pk}/").content.decode()
    assert Submission.objects.get(pk=alive.pk).status == "failed"


def test_after_a_background_import_the_worker_renders_the_investment_pages_of_the_zones_it_wrote_to(
        client_for, organisation, monkeypatch):
    """Issue #13: the first visitor after an import found a metro's page cold (seconds on a national register);
    the worker renders the pages of the zones the import wrote to, the same body a visitor would get."""
    from ddm import caching

    dws = organisation("nat-water-and-sanitation")
    client = client_for(RoleKind.SUBMITTER, organisation=dws)
    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 10)  # every file counts as large: the worker reads it
    rows = [["Project name", "Ref", "Local municipality", "Budget 2019/20"], ["Dam", "D1", "Polokwane", 1000]]
    response = client.post("/investment/submissions/new/", {"organisation": dws.pk, "file": xlsx(rows),
                                                            "sheet": "", "mode": "all"})
    submission = Submission.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    tasks.run_submission.call(submission.pk)  # the preview: nothing written, nothing rendered
    assert caching.peek("investment:zone-html", "april", "annual", zone="DC35") is None
    client.post(f"/investment/submissions/{submission.pk}/commit/")
    client_for(RoleKind.APPROVER, organisation=dws).post(f"/investment/submissions/{submission.pk}/approve/")
    (commit,) = submission.commits.all()
    tasks.run_submission.call(commit.pk)
    warmed = caching.peek("investment:zone-html", "april", "annual", zone="DC35")
    assert warmed is not None and "Dam" in warmed
    assert caching.peek("investment:zone-html", "april", "annual", zone="ETH") is None  # not written to: left alone
    page = client.get("/investment/zones/DC35/").content.decode()
    assert warmed in page
