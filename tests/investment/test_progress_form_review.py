"""Issue #14's rule on every road of quarterly progress: "only approved lines count in public totals" and
"an organisation can be set to publish on submit". One quarter typed in the project page's form or sent
to POST /api/projects/{id}/progress is reviewed like an uploaded file (test_progress_review.py): submitted
for review, or published at once when the organisation publishes on submit or an approver, coordinator
or administrator asks to publish. Every role on both roads; then approval and return of such a report.

Hand-worked: Port St Johns (EC154, year from July) reports R1 "2024/25 Q1" (ends 30 Sep 2024):
construction, 40 %, R250 000 spent."""

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client

from ddm.accounts.models import ApiToken, RoleKind
from ddm.investment import review
from ddm.investment.models import ProgressReport, Project, ReviewDecision, Submission

pytestmark = pytest.mark.django_db
REPORT = {"quarter": "2024/25 Q1", "stage": "construction", "progress": "40", "expenditure_to_date": "R 250 000"}
Q1_END = datetime.date(2024, 9, 30)
# role: (kind, scope, asks to publish, the organisation publishes on submit) -> outcome
ROLES = {
    "submitter": (RoleKind.SUBMITTER, "org", False, False),
    "submitter, organisation publishing on submit": (RoleKind.SUBMITTER, "org", False, True),
    "submitter asking to publish": (RoleKind.SUBMITTER, "org", True, False),
    "approver": (RoleKind.APPROVER, "org", False, False),
    "approver publishing": (RoleKind.APPROVER, "org", True, False),
    "administrator": (RoleKind.ADMIN, None, False, False),
    "administrator publishing": (RoleKind.ADMIN, None, True, False),
    "provincial coordinator": (RoleKind.PROVINCIAL, "province", False, False),
    "other organisation's submitter": (RoleKind.SUBMITTER, "other", False, False),
    "hub member": (RoleKind.HUB, "zone", False, False),
    "viewer": (RoleKind.VIEWER, None, False, False),
}
OUTCOME = {
    "submitter": "submitted", "submitter, organisation publishing on submit": "published",
    "submitter asking to publish": {"form": "submitted", "api": "refused"},  # the form does not offer it
    "approver": "submitted", "approver publishing": "published",
    "administrator": "submitted", "administrator publishing": "published",
    "provincial coordinator": "refused", "other organisation's submitter": "refused", "hub member": "refused",
    "viewer": "refused",
}


@pytest.fixture
def r1(organisation):
    org = organisation("EC154")
    projects = [["Project name", "Project ID", "Local municipality", "Budget 2024/25"],
                ["Port St Johns clinic", "R1", "EC154", "1000000"]]
    review.submit_file(_csv(projects), org, None, "cli", publish=True)
    return Project.objects.select_related("organisation").get(organisation=org, reference="R1")


def _csv(rows):
    handle = io.BytesIO("".join(",".join(row) + "\n" for row in rows).encode())
    handle.name = "projects.csv"
    return handle


def _user(make_user, organisation, zone, role):
    kind, scope, _publish, _on_submit = ROLES[role]
    org = organisation("EC154")
    where = {"org": {"organisation": org}, "other": {"organisation": organisation("EC153")},
             "province": {"province": org.province or organisation("ec-health").province},
             "zone": {"zone": zone("DC15")}, None: {}}[scope]
    return make_user(role.replace(" ", "-").replace(",", "").replace("'", ""), kind, **where)


def _report(channel, user, project, publish):
    if channel == "form":
        client = Client()
        client.force_login(user)
        data = {**REPORT, **({"publish": "on"} if publish else {})}
        return client.post(f"/investment/projects/{project.pk}/progress/", data)
    token = ApiToken.issue(user, "t")
    return Client().post(f"/api/projects/{project.pk}/progress", {**REPORT, "publish": publish},
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("channel", ["form", "api"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_role_on_both_roads(role, channel, r1, make_user, organisation, zone):
    _kind, _scope, publish, on_submit = ROLES[role]
    r1.organisation.publish_on_submit = on_submit
    r1.organisation.save()
    user = _user(make_user, organisation, zone, role)
    answer = _report(channel, user, r1, publish)
    outcome = OUTCOME[role][channel] if isinstance(OUTCOME[role], dict) else OUTCOME[role]
    kept = Submission.objects.filter(content="progress", channel=channel)
    if outcome == "refused":
        assert answer.status_code == 403
        assert not kept.exists() and not ProgressReport.objects.exists()
        return
    assert answer.status_code == {"form": 302, "api": {"submitted": 202, "published": 201}[outcome]}[channel]
    if outcome == "submitted":
        assert not ProgressReport.objects.exists()  # counts nowhere until approved
        submission = kept.get()
        assert submission.status == "submitted" and submission.user == user
        entry = submission.diff["progress"][0]
        assert (entry["reference"], entry["quarter_end"], entry["values"]["progress"],
                entry["values"]["expenditure_to_date"]) == ("R1", "2024-09-30", "40.00", "250000.00")
        if channel == "api":
            assert answer.json()["status"] == "submitted"
        return
    report = ProgressReport.objects.get(project=r1, quarter_end=Q1_END)
    assert (report.stage, report.progress, report.expenditure_to_date) == ("construction", Decimal("40.00"),
                                                                           Decimal("250000.00"))
    assert ReviewDecision.objects.filter(action="approved").exists()  # recorded as approved
    if channel == "api":
        assert answer.json()["quarter_end"] == "2024-09-30"


def test_anonymous_may_not_report(r1):
    assert Client().post(f"/investment/projects/{r1.pk}/progress/", REPORT).status_code in (302, 403)
    assert Client().post(f"/api/projects/{r1.pk}/progress", REPORT, content_type="application/json").status_code == 401
    assert not Submission.objects.filter(content="progress").exists()


def test_a_submitted_report_is_approved_or_returned_like_a_file(r1, make_user, organisation, zone, client):
    submitter = _user(make_user, organisation, zone, "submitter")
    coordinator = _user(make_user, organisation, zone, "provincial coordinator")
    first = review.submit_progress(r1, REPORT, submitter, "form")
    # Pending figures: shown to the submitter on the project page, marked; not to the public.
    signed_in = Client()
    signed_in.force_login(submitter)
    assert "Pending review (not published)" in signed_in.get(r1.get_absolute_url()).content.decode()
    assert "Pending review" not in client.get(r1.get_absolute_url()).content.decode()
    returned = review.return_submission(first, coordinator, "Expenditure is the year's, not to date")
    assert returned.status == "returned" and not ProgressReport.objects.exists()
    second = review.submit_progress(r1, {**REPORT, "expenditure_to_date": "180000"}, submitter, "api")
    commit = review.approve(second, coordinator)
    assert commit.status == "committed"
    report = ProgressReport.objects.get(project=r1)
    assert (report.quarter_end, report.progress, report.expenditure_to_date) == (Q1_END, Decimal("40.00"),
                                                                               Decimal("180000.00"))
    r1.refresh_from_db()
    assert r1.stage == "construction"
