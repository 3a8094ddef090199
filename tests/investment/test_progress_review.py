"""Quarterly progress files are reviewed before they count, like budget files (#14): every role x
transition, pending figures shown marked to submitters and reviewers only, publish on submit and
--publish, returns with comments to the submitter's tasks, and large files read by the job worker.

Hand-worked: the file reports R1 "2024/25 Q1, construction, 40 %, R 250 000". Departments' years start
in April (Q1 ends 30 Jun 2024), municipalities' in July (Q1 ends 30 Sep 2024)."""

import datetime
import json
from decimal import Decimal

import pytest
from _intake_files import xlsx
from click.testing import CliRunner
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from ddm.accounts.models import ApiToken, RoleKind
from ddm.cli import cli
from ddm.desk.tasks import tasks_for
from ddm.investment import progress, review
from ddm.investment.intake import tasks
from ddm.investment.models import ProgressReport, Project, ReviewDecision, Submission
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
D = datetime.date
PROJECTS = [["Project name", "Project ID", "Local municipality", "Budget 2024/25"],
            ["Port St Johns clinic", "R1", "EC154", "1000000"]]
HEADER = ["Project ID", "Quarter", "Stage", "Physical progress %", "Expenditure to date"]
Q1 = [HEADER, ["R1", "2024/25 Q1", "Construction", "40", "250 000"]]
ORGS = {"national": "nat-water-and-sanitation", "provincial": "ec-health", "local": "EC154"}
Q1_END = {"national": D(2024, 6, 30), "provincial": D(2024, 6, 30), "local": D(2024, 9, 30)}
MAY_DECIDE = {"national": {"admin", "approver"}, "provincial": {"admin", "approver", "coordinator"},
              "local": {"admin", "approver", "coordinator"}}


def registered(organisation, code="EC154"):
    org = organisation(code)
    review.submit_file(xlsx(PROJECTS), org, None, "cli", publish=True)
    return org, Project.objects.get(organisation=org, reference="R1")


def submitted(org, user=None, rows=Q1):
    submission = review.submit_file(xlsx(rows), org, user, "api", filename="q.xlsx", content="progress")
    assert submission.status == "submitted", (submission.status, submission.errors)
    return submission


def public_progress():
    """What every public page reads: the zone's latest published quarter per project."""
    return [(p.reference, r.quarter_end, r.progress, r.expenditure_to_date)
            for p, r in progress.zone_progress(Place.objects.zones().get(code="DC15"))]


def people(make_user, organisation, zone, org):
    eastern_cape = organisation("ec-health").province
    return {
        "admin": make_user("admin", RoleKind.ADMIN),
        "approver": make_user("approver", RoleKind.APPROVER, organisation=org),
        "other approver": make_user("other-approver", RoleKind.APPROVER, organisation=organisation("nat-health")),
        "coordinator": make_user("coordinator", RoleKind.PROVINCIAL, province=eastern_cape),
        "other coordinator": make_user("other-coordinator", RoleKind.PROVINCIAL,
                                       province=organisation("gt-health").province),
        "hub": make_user("hub", RoleKind.HUB, zone=zone("DC15")),
        "submitter": make_user("submitter", RoleKind.SUBMITTER, organisation=org),
        "viewer": make_user("viewer", RoleKind.VIEWER),
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize("sphere", ["national", "provincial", "local"])
@pytest.mark.parametrize("step", ["approve", "return"])
def test_every_role_and_transition_of_a_progress_file(sphere, step, make_user, organisation, zone):
    org, project = registered(organisation, ORGS[sphere])
    users = people(make_user, organisation, zone, org)
    for name, user in users.items():
        submission = submitted(org, users["submitter"])
        assert public_progress() == [] and not project.progress.exists()  # submitted: counts nowhere
        allowed = name in MAY_DECIDE[sphere]
        try:
            if step == "approve":
                result = review.approve(submission, user)
            else:
                result = review.return_submission(submission, user, "progress looks too high")
        except PermissionDenied:
            assert not allowed, f"{name} should be allowed to {step} a {sphere} progress file"
            submission.refresh_from_db()
            assert submission.status == "submitted" and not submission.decisions.exclude(action="submitted").exists()
            continue
        assert allowed, f"{name} may not {step} a {sphere} progress file"
        submission.refresh_from_db()
        decision = submission.decisions.order_by("-pk").first()
        assert decision.user == user and decision.history.count() == 1
        if step == "approve":
            assert (submission.status, result.status, result.content) == ("approved", "committed", "progress")
            assert decision.commit == result
            assert public_progress() == [("R1", Q1_END[sphere], Decimal("40.00"), Decimal("250000.00"))]
            project.refresh_from_db()
            assert project.stage == "construction"
            ProgressReport.objects.filter(project=project).delete()  # the next role starts afresh
        else:
            assert submission.status == "returned" and public_progress() == []


def test_pending_figures_are_marked_and_shown_to_submitter_and_reviewers_only(client_for, client, organisation):
    org, project = registered(organisation)
    review.submit_file(xlsx(Q1), org, None, "cli", content="progress", publish=True)
    pending = submitted(org, rows=[HEADER, ["R1", "2024/25 Q2", "Construction", "55", "400 000"]])
    # The diff names the new quarter's figures against none published for it (Q2 ends 31 Dec 2024).
    (entry,) = pending.diff["progress"]
    assert (entry["reference"], entry["quarter_end"], entry["quarter"]) == ("R1", "2024-12-31", "2024/25 Q2")
    assert entry["fields"] == {"2024/25 Q2 stage": [None, "construction"], "2024/25 Q2 progress %": [None, "55.00"],
                               "2024/25 Q2 expenditure to date (R)": [None, "400000.00"]}
    url = project.get_absolute_url()
    viewers = ((client_for(RoleKind.SUBMITTER, organisation=org), True),
               (client_for(RoleKind.PROVINCIAL, province=org.province), True),
               (client_for(RoleKind.HUB, zone=zone_of(project)), False), (client, False))
    for viewer, shown in viewers:
        page = viewer.get(url).content.decode()
        assert ("Pending review (not published)" in page and "2024/25 Q2 progress % (blank) → 55.00" in page) is shown
        assert "55.00%" not in page  # never in the published progress table
    detail = viewers[0][0].get(f"/investment/submissions/{pending.pk}/").content.decode()
    assert "Quarterly progress it reports (pending: not published)" in detail and "R 400000.00" in detail
    assert public_progress() == [("R1", D(2024, 9, 30), Decimal("40.00"), Decimal("250000.00"))]


def zone_of(project):
    return project.locations.get().zone


def test_publish_on_submit_and_the_publish_flag(tmp_path, make_user, organisation):
    org, project = registered(organisation)
    submitter = make_user("submitter", RoleKind.SUBMITTER, organisation=org)
    make_user("approver", RoleKind.APPROVER, organisation=org)
    with pytest.raises(PermissionDenied):
        review.submit_file(xlsx(Q1), org, submitter, "api", content="progress", publish=True)
    path = tmp_path / "q1.xlsx"
    path.write_bytes(xlsx(Q1).getvalue())
    refused = CliRunner().invoke(cli, ["import", "progress", str(path), "-o", "EC154", "--publish",
                                       "--user", "submitter"])
    assert refused.exit_code != 0 and "approvers" in refused.output and not project.progress.exists()
    queued = CliRunner().invoke(cli, ["import", "progress", str(path), "-o", "EC154", "--json"])
    assert json.loads(queued.stdout)["status"] == "submitted" and not project.progress.exists()
    published = CliRunner().invoke(cli, ["import", "progress", str(path), "-o", "EC154", "--json", "--publish",
                                         "--user", "approver"])
    written = Submission.objects.get(pk=json.loads(published.stdout)["id"])
    assert written.status == "committed" and project.progress.get().progress == Decimal("40.00")
    assert list(written.decisions.values_list("action", "how", "user__username")) == [
        ("approved", "published in the same step (cli)", "approver")]
    project.progress.all().delete()
    org.publish_on_submit = True
    org.save()
    on_submit = review.submit_file(xlsx(Q1), org, submitter, "api", content="progress")
    assert on_submit.status == "committed" and project.progress.get().expenditure_to_date == Decimal("250000.00")
    assert list(ReviewDecision.objects.filter(submission=on_submit.preview).values_list("action", "how")) == [
        ("submitted", "api"), ("approved", "published on submit (organisation setting)")]


def test_a_returned_progress_file_reaches_the_submitters_tasks_with_comments(client_for, make_user, organisation):
    org, project = registered(organisation)
    submitter = client_for(RoleKind.SUBMITTER, organisation=org)
    coordinator = make_user("coordinator", RoleKind.PROVINCIAL, province=org.province)
    submission = submitted(org, submitter.user)
    review.return_submission(submission, coordinator, "check the spending",
                             review.parse_row_comments("R1: R 250 000 is more than the invoices"))
    (task,) = [t for t in tasks_for(submitter.user) if t.kind == "returned"]
    assert task.text == (f"Submission {submission.pk} (q.xlsx, quarterly progress) for {org.label} was returned: "
                         "fix and submit it again. coordinator said: check the spending "
                         "(R1: R 250 000 is more than the invoices)")
    page = submitter.get(task.url).content.decode()
    assert "content=progress" in page and "R1: R 250 000 is more than the invoices" in page
    corrected = submitter.post("/investment/submissions/new/", {
        "content": "progress", "organisation": org.pk, "sheet": "", "mode": "all", "corrects": submission.pk,
        "file": xlsx([HEADER, ["R1", "2024/25 Q1", "Construction", "40", "150 000"]])})
    preview = Submission.objects.get(pk=corrected.url.rstrip("/").split("/")[-1])
    assert (preview.content, preview.status, preview.resubmission_of) == ("progress", "preview", submission)
    submitter.post(f"/investment/submissions/{preview.pk}/commit/")
    preview.refresh_from_db()
    assert preview.status == "submitted" and [t for t in tasks_for(submitter.user) if t.kind == "returned"] == []
    assert not project.progress.exists()
    review.approve(preview, coordinator)
    report = project.progress.get()
    assert report.expenditure_to_date == Decimal("150000.00")
    assert report.first_reported == preview.created  # timeliness: the day the reporter sent it


def test_a_large_progress_upload_is_read_by_the_job_worker(client_for, make_user, organisation, monkeypatch):
    org, project = registered(organisation)
    submitter = client_for(RoleKind.SUBMITTER, organisation=org)
    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 10)  # every file counts as large
    read_in_request = []
    monkeypatch.setattr(progress, "open_table", lambda *a, **k: read_in_request.append(a) or [])
    response = submitter.post("/investment/submissions/new/", {"content": "progress", "organisation": org.pk,
                                                                "file": xlsx(Q1), "sheet": "", "mode": "all"})
    submission = Submission.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert (submission.status, submission.content, read_in_request) == ("pending", "progress", [])
    monkeypatch.undo()
    monkeypatch.setattr(tasks, "INLINE_MAX_BYTES", 10)
    tasks.run_submission.call(submission.pk)  # what the worker does
    submission.refresh_from_db()
    assert submission.status == "preview" and submission.diff["counts"] == {"progress": 1}
    submitter.post(f"/investment/submissions/{submission.pk}/commit/")
    client_for(RoleKind.APPROVER, organisation=org).post(f"/investment/submissions/{submission.pk}/approve/")
    (commit,) = submission.commits.all()
    assert commit.status == "pending" and not project.progress.exists()  # queued for the worker
    tasks.run_submission.call(commit.pk)
    commit.refresh_from_db()
    assert commit.status == "committed" and project.progress.get().progress == Decimal("40.00")
    # The API's large file: 202, then the worker checks and submits it.
    token = ApiToken.issue(make_user("script", RoleKind.SUBMITTER, organisation=org), "nightly")
    answer = Client().post("/api/progress", {"file": xlsx(Q1), "organisation": "EC154"},
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 202 and answer.json()["status"] == "pending", answer.content
    tasks.submit_submission.call(answer.json()["id"], False)
    assert Submission.objects.get(pk=answer.json()["id"]).status == "submitted"
