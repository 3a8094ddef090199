"""A preview says what happened to it: committed, or which rows can still be written (#12)."""

from test_intake_surfaces import BAD, GOOD, upload

from ddm.accounts.models import RoleKind
from ddm.investment.models import Submission


def _preview(response):
    return Submission.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_a_preview_with_errors_is_not_headed_rejected_while_offering_its_valid_rows(client_for, organisation):
    dws = organisation("nat-water-and-sanitation")
    client = client_for(RoleKind.SUBMITTER, organisation=dws)
    preview = _preview(upload(client, BAD, dws))
    page = client.get(f"/investment/submissions/{preview.pk}/").content.decode()
    assert "Rejected (nothing written)" not in page
    assert "Checked: 1 row with errors; 2 valid rows can be written" in page and "Submit for review (the valid rows)" in page


def test_a_committed_preview_says_so_and_offers_no_second_commit(client_for, organisation):
    dws = organisation("nat-water-and-sanitation")
    client = client_for(RoleKind.SUBMITTER, organisation=dws)
    preview = _preview(upload(client, GOOD, dws))
    assert "Checked, awaiting confirmation" in client.get("/investment/submissions/").content.decode()
    client.post(f"/investment/submissions/{preview.pk}/commit/")
    assert "Awaiting review (not published)" in client.get("/investment/submissions/").content.decode()
    client_for(RoleKind.APPROVER, organisation=dws).post(f"/investment/submissions/{preview.pk}/approve/")
    final = Submission.objects.exclude(pk=preview.pk).get(organisation=dws)
    listing = client.get("/investment/submissions/").content.decode()
    assert "awaiting confirmation" not in listing and f"Approved, committed as submission {final.pk}" in listing
    page = client.get(f"/investment/submissions/{preview.pk}/").content.decode()
    assert "Submit for review" not in page and f"committed as submission {final.pk}" in page
