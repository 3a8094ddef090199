"""Issue #15, "Done when": every file of the hostile corpus (hostile_corpus.py) ends in a clear error or
a correct partial write: no exception, no "failed" submission, nothing half-written, every stored value
within what both databases hold. The web upload of the worst of them leaves the server serving."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from hostile_corpus import CASES, far_cell

from ddm.accounts.models import RoleKind
from ddm.investment.intake.limits import MAX_AMOUNT
from ddm.investment.intake.pipeline import run_import
from ddm.investment.models import BudgetLine, Project, Submission

pytestmark = pytest.mark.django_db

ORG = "EC157"


def test_the_corpus_is_large_and_named_uniquely():
    assert len(CASES) >= 50
    assert len({c.name for c in CASES}) == len(CASES)


def _source(case):
    source = io.BytesIO(case.make())
    source.name = case.filename
    return source


def _matches(pattern, issues):
    return any(re.search(pattern, i["message"]) or re.search(pattern, str(i.get("value") or "")) for i in issues)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_file(case, organisation):
    org = organisation(ORG)
    with override_settings(**case.settings):
        submission = run_import(_source(case), org, None, "cli", accept_valid=case.accept_valid)
    expect = case.expect
    summary = f"{submission.status}: errors {submission.errors[:3]} warnings {submission.warnings[:3]}"
    assert submission.status != "failed", summary
    if expect.status != "any":
        assert submission.status == expect.status, summary
    if submission.status == "rejected":
        assert submission.errors, summary  # a refusal always says why
    if expect.error:
        assert _matches(expect.error, submission.errors), summary
    if expect.warning:
        assert _matches(expect.warning, submission.warnings), summary
    written = set(Project.objects.filter(organisation=org).values_list("reference", flat=True))
    if submission.status == "rejected":
        assert not written, "a refused file wrote nothing"
    elif expect.references or expect.status in ("committed", "partial"):
        assert written == set(expect.references) or not expect.references, written
    _stored_values_fit(org)


def _stored_values_fit(org):
    for project in Project.objects.filter(organisation=org):
        assert len(project.reference) <= 120 and len(project.title) <= 500
        assert "root:" not in project.title  # no external entity was expanded
    assert all(0 <= a <= MAX_AMOUNT for a in BudgetLine.objects.values_list("amount", flat=True))


def test_the_far_cell_bomb_uploaded_on_the_web_is_refused_and_the_server_keeps_serving(client_for, organisation):
    org = organisation(ORG)
    client = client_for(RoleKind.SUBMITTER, organisation=org)
    upload = SimpleUploadedFile("bomb.xlsx", far_cell(), content_type="application/octet-stream")
    response = client.post("/investment/submissions/new/", {"organisation": org.pk, "file": upload, "mode": "valid"})
    assert response.status_code == 302
    submission = Submission.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    assert submission.status == "rejected" and "XFD1048576" in submission.errors[0]["message"]
    assert client.get(response.url).status_code == 200
    assert client.get("/investment/").status_code == 200
