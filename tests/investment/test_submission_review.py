"""Review before publication: every role x transition, the diff, publish on submit, tasks, CLI."""

import json

import pytest
from _intake_files import xlsx
from click.testing import CliRunner
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from ddm.accounts.models import RoleKind
from ddm.cli import cli
from ddm.investment import review
from ddm.investment.intake.pipeline import run_import
from ddm.investment.models import BudgetLine, Project, ReviewDecision, Submission
from ddm.investment.quantum import zone_quantum

pytestmark = pytest.mark.django_db

# One project in Port St Johns (EC154, O.R. Tambo DC15, Eastern Cape); its budget in Rand thousands.
ROWS = [["Project name", "Project ID", "Local municipality", "Budget 2019/20 (R'000)"],
        ["Port St Johns clinic", "R1", "EC154", "1 000"]]
ORGS = {"national": "nat-water-and-sanitation", "provincial": "ec-health", "local": "EC154"}


def inline(commit):
    run_import(commit.source_file, commit.organisation, commit.user, commit.channel,
               accept_valid=commit.accept_valid, submission=commit)


def submitted(org, rows=ROWS, user=None):
    submission = review.submit_file(xlsx(rows), org, user, "api", filename="file.xlsx")
    assert submission.status == "submitted", (submission.status, submission.errors)
    return submission


def government_budget():
    return zone_quantum("DC15").government("budget")


def users(make_user, organisation, zone, org):
    other_org = organisation("nat-health")
    eastern_cape = org.province if org.province_id else organisation("ec-health").province
    gauteng = organisation("gt-health").province
    return {
        "admin": make_user("admin", RoleKind.ADMIN),
        "approver": make_user("approver", RoleKind.APPROVER, organisation=org),
        "other approver": make_user("other-approver", RoleKind.APPROVER, organisation=other_org),
        "coordinator": make_user("coordinator", RoleKind.PROVINCIAL, province=eastern_cape),
        "other coordinator": make_user("other-coordinator", RoleKind.PROVINCIAL, province=gauteng),
        "hub": make_user("hub", RoleKind.HUB, zone=zone("DC15")),
        "submitter": make_user("submitter", RoleKind.SUBMITTER, organisation=org),
        "viewer": make_user("viewer", RoleKind.VIEWER),
        "anonymous": AnonymousUser(),
    }


# Who may approve or return, per sphere of the submitting organisation.
MAY_DECIDE = {
    "national": {"admin", "approver"},
    "provincial": {"admin", "approver", "coordinator"},
    "local": {"admin", "approver", "coordinator"},
}


@pytest.mark.parametrize("sphere", ["national", "provincial", "local"])
@pytest.mark.parametrize("step", ["approve", "return"])
def test_every_role_and_transition(sphere, step, make_user, organisation, zone):
    org = organisation(ORGS[sphere])
    people = users(make_user, organisation, zone, org)
    before = government_budget()
    for name, user in people.items():
        submission = submitted(org, user=people["submitter"])
        assert government_budget() == before  # a submitted file counts in no public total
        allowed = name in MAY_DECIDE[sphere]
        try:
            if step == "approve":
                result = review.approve(submission, user, run=inline)
            else:
                result = review.return_submission(submission, user, "please check the amounts")
        except PermissionDenied:
            assert not allowed, f"{name} should be allowed to {step} a {sphere} submission"
            submission.refresh_from_db()
            assert submission.status == "submitted" and not submission.decisions.exclude(action="submitted").exists()
            continue
        assert allowed, f"{name} may not {step} a {sphere} submission"
        submission.refresh_from_db()
        decision = submission.decisions.order_by("-pk").first()
        assert decision.user == user and decision.history.count() == 1  # recorded and audited
        if step == "approve":
            assert submission.status == "approved" and result.status == "committed"
            assert decision.action == "approved" and decision.commit == result
            assert government_budget() == before + 1_000_000
            BudgetLine.objects.filter(project__organisation=org).delete()  # the next role starts afresh
            Project.objects.filter(organisation=org).delete()
        else:
            assert submission.status == "returned" and decision.action == "returned"
            assert government_budget() == before


def test_a_decided_submission_cannot_be_decided_again(make_user, organisation):
    org = organisation("EC154")
    admin = make_user("admin", RoleKind.ADMIN)
    submission = submitted(org)
    review.return_submission(submission, admin, "wrong year")
    with pytest.raises(review.ReviewError):
        review.approve(submission, admin, run=inline)
    with pytest.raises(review.ReviewError):
        review.return_submission(submission, admin, "again")
    with pytest.raises(review.ReviewError):
        review.return_submission(submitted(org), admin, "  ")  # a return says why


def test_pending_figures_are_shown_marked_to_submitter_and_reviewers_only(client_for, client, organisation):
    org = organisation("EC154")
    review.submit_file(xlsx(ROWS), org, None, "cli", publish=True)
    project = Project.objects.get(organisation=org, reference="R1")
    submitted(org, [ROWS[0], ["Port St Johns clinic", "R1", "EC154", "1 500"]])
    url = project.get_absolute_url()
    for viewer, shown in ((client_for(RoleKind.SUBMITTER, organisation=org), True),
                          (client_for(RoleKind.PROVINCIAL, province=org.province), True),
                          (client_for(RoleKind.HUB, zone=project.locations.get().zone), False), (client, False)):
        page = viewer.get(url).content.decode()
        assert ("Pending review (not published)" in page and "R 1500000.00" in page) is shown
    assert zone_quantum("DC15").total(organisation="EC154") == 1_000_000  # the published figure only


def test_diff_against_what_is_published(organisation):
    org = organisation("EC154")
    review.submit_file(xlsx(ROWS + [["Old hall", "R9", "EC154", "50"]]), org, None, "cli", publish=True)
    changed = [ROWS[0], ["Port St Johns clinic", "R1", "EC154", "1 500"], ["New road", "R2", "EC154", "200"]]
    diff = submitted(org, changed).diff
    assert diff["counts"] == {"added": 1, "changed": 1, "not_in_file": 1}
    assert diff["added"][0]["reference"] == "R2" and diff["added"][0]["lines"][0]["amount"] == "200000.00"
    line = diff["changed"][0]["lines"][0]
    assert (diff["changed"][0]["reference"], line["old"], line["new"]) == ("R1", "1000000.00", "1500000.00")
    assert diff["not_in_file"] == ["R9"]
    # net change of the published budget: +500 000 on R1 and +200 000 for R2
    assert diff["amounts"]["budget"] == {"added": "200000.00", "change": "700000.00"}


def test_publish_on_submit_and_publish_flag(make_user, organisation):
    org = organisation("EC154")
    submitter = make_user("s", RoleKind.SUBMITTER, organisation=org)
    with pytest.raises(PermissionDenied):
        review.submit_file(xlsx(ROWS), org, submitter, "api", publish=True)
    org.publish_on_submit = True
    org.save()
    written = review.submit_file(xlsx(ROWS), org, submitter, "api")
    assert written.status == "committed" and Project.objects.filter(organisation=org).count() == 1
    decisions = ReviewDecision.objects.filter(submission=written.preview).values_list("action", "how")
    assert list(decisions) == [("submitted", "api"), ("approved", "published on submit (organisation setting)")]


def test_returned_file_reaches_the_submitters_tasks_and_is_resubmitted(client_for, make_user, organisation):
    org = organisation("EC154")
    submitter = client_for(RoleKind.SUBMITTER, organisation=org)
    coordinator = make_user("coordinator", RoleKind.PROVINCIAL, province=org.province)
    submission = submitted(org, user=submitter.user)
    assert [s.pk for s in review.tasks_for(coordinator)["to_review"]] == [submission.pk]
    assert review.tasks_for(submitter.user)["to_review"] == []
    rows = review.parse_row_comments("2: amount is in Rand, not thousands\nR1: wrong municipality")
    review.return_submission(submission, coordinator, "see the rows", rows)
    tasks = review.tasks_for(submitter.user)
    assert [s.pk for s in tasks["returned"]] == [submission.pk]
    assert tasks["returned"][0].returned_by.row_comments == [
        {"sheet": "", "row": 2, "reference": "", "comment": "amount is in Rand, not thousands"},
        {"sheet": "", "row": None, "reference": "R1", "comment": "wrong municipality"}]
    page = submitter.get(f"/investment/submissions/{submission.pk}/").content.decode()
    assert "row 2: amount is in Rand, not thousands" in page and "Upload a corrected file" in page
    corrected = submitter.post("/investment/submissions/new/", {
        "organisation": org.pk, "file": xlsx(ROWS), "sheet": "", "mode": "all", "corrects": submission.pk})
    preview = Submission.objects.get(pk=corrected.url.rstrip("/").split("/")[-1])
    assert preview.resubmission_of == submission
    submitter.post(f"/investment/submissions/{preview.pk}/commit/")
    preview.refresh_from_db()
    assert preview.status == "submitted"
    assert review.tasks_for(submitter.user)["returned"] == []  # corrected
    assert submission.decisions.last().action == "resubmitted"
    with pytest.raises(review.ReviewError):
        review.parse_row_comments("no colon here")


def test_web_review_refusals(client_for, organisation):
    org = organisation("nat-water-and-sanitation")
    submission = submitted(org)
    coordinator = client_for(RoleKind.PROVINCIAL, province=organisation("ec-health").province)
    assert coordinator.post(f"/investment/submissions/{submission.pk}/approve/").status_code == 403
    assert coordinator.post(f"/investment/submissions/{submission.pk}/return/", {"comment": "x"}).status_code == 403
    approver = client_for(RoleKind.APPROVER, organisation=org)
    page = approver.get(f"/investment/submissions/{submission.pk}/").content.decode()
    assert "Approve and publish" in page and "Pending review" in page and "1 project added" in page
    approver.post(f"/investment/submissions/{submission.pk}/return/", {"comment": ""})
    submission.refresh_from_db()
    assert submission.status == "submitted"  # refused: a return says why


def test_cli_submissions_list_approve_return(tmp_path, make_user, organisation):
    org = organisation("EC154")
    path = tmp_path / "psj.xlsx"
    path.write_bytes(xlsx(ROWS).getvalue())
    runner = CliRunner()
    first = json.loads(runner.invoke(cli, ["import", "projects", str(path), "-o", "EC154", "--json"]).stdout)
    second = json.loads(runner.invoke(cli, ["import", "projects", str(path), "-o", "EC154", "--json"]).stdout)
    listed = json.loads(runner.invoke(cli, ["submissions", "list", "--json"]).stdout)
    assert {first["id"], second["id"]} <= {s["id"] for s in listed}
    make_user("someone", RoleKind.SUBMITTER, organisation=org)
    refused = runner.invoke(cli, ["submissions", "approve", str(first["id"]), "--user", "someone"])
    assert refused.exit_code == 1 and "may not review" in refused.stderr
    approved = runner.invoke(cli, ["submissions", "approve", str(first["id"]), "--json"])
    assert approved.exit_code == 0, approved.output
    assert json.loads(approved.stdout)["status"] == "committed"
    assert Project.objects.filter(organisation=org).count() == 1
    returned = runner.invoke(cli, ["submissions", "return", str(second["id"]), "--comment", "duplicate",
                                   "--row", "2: same as before"])
    assert returned.exit_code == 0, returned.output
    again = runner.invoke(cli, ["submissions", "approve", str(second["id"])])
    assert again.exit_code == 1 and "returned" in again.stderr.lower()


def test_setup_data_is_published():
    """`ddm setup`'s reference and demo data go straight to the register (channel demo)."""
    assert not Submission.objects.filter(channel="demo", status="submitted").exists()


def test_a_hub_member_sees_provincial_submissions_of_its_own_province_only(make_user, organisation, zone):
    from ddm.investment.intake.access import can_view_submission

    or_tambo = make_user("hub-dc15", RoleKind.HUB, zone=zone("DC15"))  # Eastern Cape
    ethekwini = make_user("hub-eth", RoleKind.HUB, zone=zone("ETH"))  # KwaZulu-Natal
    seen = {code: {name for name, user in (("DC15", or_tambo), ("ETH", ethekwini))
                   if can_view_submission(user, Submission(organisation=organisation(code)))}
            for code in ("ec-health", "kzn-health", "nat-health", "EC154")}
    assert seen == {"ec-health": {"DC15"}, "kzn-health": {"ETH"}, "nat-health": {"DC15", "ETH"}, "EC154": {"DC15"}}
